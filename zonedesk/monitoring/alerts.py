"""Early warning (预警): which firms' months call for a look, by five rules, over arrays.

Pure: no Django. The input is columnar, one row per firm and one column per month, the last
column being the month warned about (m) and the first m-24 (25 months: the same month last year
and the twelve months before it, for the power ratio's median):

- `output` (万元) and `kwh`: NaN where the firm gave no figure;
- `reported`: whether the firm's month is stored at all;
- `halted`: days halted in the month (0 where not reported);
- `expected`: per firm, whether it should report month m (producing or halted, started).

Rules (docs/statistics.md, "Early warning"), each with the numbers that triggered it:

1. `yoy_drop`: output(m) / output(m-12) - 1 < -YOY_DROP (default 20 %), both months reported
   and last year's output above zero;
2. `declining`: output(m-3) > output(m-2) > output(m-1) > output(m), all four reported;
3. `halted`: days halted in m > 0;
4. `missing`: an expected firm did not report m;
5. `power_drift`: output per kWh in m more than DRIFT_BAND (default 30 %) away from the median
   of the firm's own ratios over the twelve months before m (m-12 … m-1), counted on months
   with both figures and kWh above zero, at least DRIFT_MIN_MONTHS (6) of them and a median
   above zero. Electricity is metered by the grid company, output is reported by the firm: a
   ratio that jumps is misreported output or a line that changed (以电看产).

Every rule is a whole-array expression over the firms (no loop over firms or months), so the
province's 100,000 firms are a handful of NumPy operations.
"""

from dataclasses import dataclass, field

import numpy as np

MONTHS = 25  # m-24 … m
YOY_DROP, DECLINING, HALTED, MISSING, POWER_DRIFT = (
    "yoy_drop",
    "declining",
    "halted",
    "missing",
    "power_drift",
)
RULES = (YOY_DROP, DECLINING, HALTED, MISSING, POWER_DRIFT)
HIGH, MEDIUM, LOW = 3, 2, 1


@dataclass(frozen=True)
class Thresholds:
    """The configurable limits (settings ZONEDESK["EARLY_WARNING"])."""

    yoy_drop: float = 0.20
    drift_band: float = 0.30
    drift_min_months: int = 6


@dataclass(frozen=True)
class Months:
    """The firms' last 25 months as arrays [firms x months] (see the module's docstring)."""

    firm_ids: np.ndarray  # (n,) int
    output: np.ndarray  # (n, 25) float, NaN: none
    kwh: np.ndarray  # (n, 25) float, NaN: none
    halted: np.ndarray  # (n, 25) int
    reported: np.ndarray  # (n, 25) bool
    expected: np.ndarray  # (n,) bool
    days_in_month: int = 30

    @classmethod
    def empty(cls, n: int, *, days_in_month: int = 30) -> "Months":
        """n firms with nothing reported (to be filled in)."""
        return cls(
            firm_ids=np.arange(n, dtype=np.int64),
            output=np.full((n, MONTHS), np.nan),
            kwh=np.full((n, MONTHS), np.nan),
            halted=np.zeros((n, MONTHS), dtype=np.int64),
            reported=np.zeros((n, MONTHS), dtype=bool),
            expected=np.ones(n, dtype=bool),
            days_in_month=days_in_month,
        )


@dataclass(frozen=True)
class Warning:
    """One rule fired for one firm, with the numbers that made it fire."""

    firm_id: int
    rule: str
    severity: int
    numbers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Flags:
    """Per rule, the firms it fires for (a boolean mask) and its numbers as arrays."""

    mask: dict[str, np.ndarray]
    numbers: dict[str, dict[str, np.ndarray]]
    severity: dict[str, np.ndarray]


def _ratio(output: np.ndarray, kwh: np.ndarray) -> np.ndarray:
    """Output per kWh, NaN where either figure is missing or kWh is not above zero."""
    valid = ~np.isnan(output) & ~np.isnan(kwh) & (np.nan_to_num(kwh) > 0)
    out = np.full(output.shape, np.nan)
    np.divide(output, kwh, out=out, where=valid)
    return out


def flags(m: Months, th: Thresholds) -> Flags:
    """Every rule over every firm at once."""
    out, rep = m.output, m.reported
    now, last_year = out[:, -1], out[:, -13]
    n = len(m.firm_ids)
    masks, numbers, severity = {}, {}, {}

    # 1. down year on year
    base_ok = rep[:, -1] & rep[:, -13] & (np.nan_to_num(last_year) > 0)
    change = np.full(n, np.nan)
    np.divide(now, last_year, out=change, where=base_ok)
    change = change - 1
    masks[YOY_DROP] = base_ok & (np.nan_to_num(change, nan=0.0) < -th.yoy_drop)
    numbers[YOY_DROP] = {"current": now, "last_year": last_year, "change": change}
    severity[YOY_DROP] = np.where(np.nan_to_num(change) < -2 * th.yoy_drop, HIGH, MEDIUM)

    # 2. three consecutive monthly declines
    four = out[:, -4:]
    all_four = rep[:, -4:].all(axis=1) & ~np.isnan(four).any(axis=1)
    filled = np.nan_to_num(four)
    masks[DECLINING] = all_four & (np.diff(filled, axis=1) < 0).all(axis=1)
    numbers[DECLINING] = {f"m{3 - i}": four[:, i] for i in range(4)}  # m3 … m0
    severity[DECLINING] = np.full(n, LOW)

    # 3. halted days this month
    days = np.where(rep[:, -1], m.halted[:, -1], 0)
    masks[HALTED] = days > 0
    numbers[HALTED] = {"days": days, "days_in_month": np.full(n, m.days_in_month)}
    severity[HALTED] = np.where(days >= m.days_in_month, HIGH, MEDIUM)

    # 4. a missing report
    masks[MISSING] = m.expected & ~rep[:, -1]
    numbers[MISSING] = {}
    severity[MISSING] = np.full(n, MEDIUM)

    # 5. power ratio drift against the firm's own median of the twelve months before
    ratios = _ratio(np.where(rep, out, np.nan), np.where(rep, m.kwh, np.nan))
    window = ratios[:, -13:-1]
    counted = (~np.isnan(window)).sum(axis=1)
    enough = counted >= th.drift_min_months
    median = np.full(n, np.nan)
    if enough.any():
        median[enough] = np.nanmedian(window[enough], axis=1)
    current = ratios[:, -1]
    usable = enough & ~np.isnan(current) & (np.nan_to_num(median) > 0)
    drift = np.full(n, np.nan)
    np.divide(current, median, out=drift, where=usable)
    drift = drift - 1
    masks[POWER_DRIFT] = usable & (np.abs(np.nan_to_num(drift)) > th.drift_band)
    numbers[POWER_DRIFT] = {
        "ratio": current,
        "median": median,
        "drift": drift,
        "months": counted,
        "output": now,
        "kwh": m.kwh[:, -1],
    }
    severity[POWER_DRIFT] = np.full(n, HIGH)
    return Flags(masks, numbers, severity)


def _plain(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


def evaluate(m: Months, th: Thresholds | None = None) -> list[Warning]:
    """The warnings of the month (m), in firm order then rule order."""
    f = flags(m, th or Thresholds())
    found = []
    for rule in RULES:
        for i in np.flatnonzero(f.mask[rule]):
            found.append(
                Warning(
                    firm_id=int(m.firm_ids[i]),
                    rule=rule,
                    severity=int(f.severity[rule][i]),
                    numbers={k: _plain(v[i]) for k, v in f.numbers[rule].items()},
                )
            )
    order = {r: k for k, r in enumerate(RULES)}
    return sorted(found, key=lambda w: (w.firm_id, order[w.rule]))


def from_rows(
    rows,
    *,
    firm_ids,
    first_month: int,
    expected=None,
    days_in_month: int = 30,
) -> Months:
    """Arrays from rows (firm id, month index, output, kWh, days halted) as a cursor gives them,
    `first_month` being m-24's index (year * 12 + month - 1); rows outside are ignored."""
    ids = np.asarray(firm_ids, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    m = Months.empty(len(ids), days_in_month=days_in_month)
    m = Months(
        firm_ids=ids,
        output=m.output,
        kwh=m.kwh,
        halted=m.halted,
        reported=m.reported,
        expected=np.ones(len(ids), dtype=bool) if expected is None else np.asarray(expected),
        days_in_month=days_in_month,
    )
    data = np.asarray(rows, dtype=np.float64).reshape(-1, 5)
    if not len(data) or not len(ids):
        return m
    firm = data[:, 0].astype(np.int64)
    col = data[:, 1].astype(np.int64) - first_month
    pos = np.searchsorted(ids[order], firm)
    pos = np.clip(pos, 0, len(ids) - 1)
    known = (ids[order][pos] == firm) & (col >= 0) & (col < MONTHS)
    row = order[pos[known]]
    col = col[known]
    m.output[row, col] = data[known, 2]
    m.kwh[row, col] = data[known, 3]
    m.halted[row, col] = np.nan_to_num(data[known, 4]).astype(np.int64)
    m.reported[row, col] = True
    return m
