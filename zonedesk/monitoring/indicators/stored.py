"""A month's summary as JSON and back (the kept zone-month summaries). Pure Python."""

from decimal import Decimal

from zonedesk.monitoring.indicators import (
    CapacityClass,
    MonthSummary,
    _encode,
    aggregate,
)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# The layout of summary_to_json; a stored summary of another version is not read.
SUMMARY_VERSION = 4  # 4: 环比 over the firms of both months (mom_current, mom_firms)


def summary_to_json(s: MonthSummary) -> dict:
    """A summary as JSON-ready data (exact decimals as strings), read back by summary_from_json."""
    changes = (
        s.changes[0]
        if len(s.changes) == 1
        else _encode(
            (f, c.output_change) for f, c in s.firms.items() if c.output_change is not None
        )
    )
    return {
        "v": SUMMARY_VERSION,
        "reporting": s.reporting,
        "band": str(s.band),
        "counts": {cls.value: n for cls, n in s.counts.items()},
        "new": list(s.new_firms),
        "changes": changes,
        "halted": list(s.halted),
        "not_reported": list(s.not_reported),
        "resumed": list(s.resumed_firms),
        "new_months": s.new_months,
        "aggregates": {
            m: [
                str(a.current),
                a.firms,
                str(a.last_year),
                _text(a.previous),
                str(a.new_delta),
                str(a.resumed_delta),
                str(a.comparable_current),
                str(a.comparable_last_year),
                a.comparable_firms,
                str(a.mom_current),
                a.mom_firms,
            ]
            for m, a in s.aggregates.items()
        },
    }


def summary_from_json(data: dict) -> MonthSummary:
    """The summary summary_to_json wrote (of SUMMARY_VERSION): its firms are read when used."""
    if data.get("v") != SUMMARY_VERSION:
        raise ValueError(f"a stored summary of version {data.get('v')}, not {SUMMARY_VERSION}")
    counts = {cls: data["counts"][cls.value] for cls in CapacityClass}
    aggregates = {
        m: aggregate(
            m,
            Decimal(cur),
            n,
            Decimal(last),
            _number(prev),
            Decimal(delta),
            Decimal(resumed),
            Decimal(cmp_cur),
            Decimal(cmp_last),
            cmp_n,
            Decimal(mom_cur),
            mom_n,
        )
        for m, (
            cur,
            n,
            last,
            prev,
            delta,
            resumed,
            cmp_cur,
            cmp_last,
            cmp_n,
            mom_cur,
            mom_n,
        ) in data["aggregates"].items()
    }
    return MonthSummary(
        reporting=data["reporting"],
        producing=sum(counts.values()),
        counts=counts,
        new_firms=tuple(data["new"]),
        aggregates=aggregates,
        halted=tuple(data["halted"]),
        not_reported=tuple(data["not_reported"]),
        band=Decimal(data["band"]),
        changes=(data["changes"],),
        resumed_firms=tuple(data["resumed"]),
        new_months=data["new_months"],
    )
