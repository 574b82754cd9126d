"""Sums of many firms' figures over sets of them, packed into integers where exact (`FigureTable`):
what `chain_health` adds node by node. Pure Python: no Django."""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from itertools import repeat

import numpy as np

from zonedesk.chain.health.figures import ZERO, FirmFigures, NodeHealth, _finish


class FigureTable:
    """The figures of many firms (`figures`, by firm id) ready to be summed over sets of them:
    built once for every chain of a page (`chain_health` builds one when handed a mapping).

    A total is (sums, rank): the nine sums of `_row` and the largest firm's rank. When every
    amount fits (`_Packed`), a firm's sums are one integer and a set of firms is summed by
    adding integers; else by adding its rows column by column. Either way the Decimals that
    come out are the ones adding the firms' amounts one by one gives, digits and exponent."""

    def __init__(self, figures: Mapping[int, FirmFigures] | None = None):
        self._figures = figures if figures is not None else {}
        self._scaled = None
        self._packed = _Packed.of(self._figures)
        self._rows = None
        if self._packed is None:
            self._rows = {firm_id: _row(firm_id, f) for firm_id, f in self._figures.items()}

    @classmethod
    def of_scaled(cls, exp: int, firms: Iterable[tuple]) -> "FigureTable":
        """The table of firms given as plain numbers, no object per firm: (firm id, output,
        output of the same month last year (None: no report then), employees, new) with the
        amounts as integers, the amount times 10 ** −`exp` (what the database's column of
        −`exp` decimal places holds). A firm that did not report the month adds nothing to any
        sum and may be left out. The same table as `FigureTable(figures)` of the firms'
        `FirmFigures` with those amounts as Decimals of exponent `exp`."""
        firms = firms if isinstance(firms, list) else list(firms)
        table = cls.__new__(cls)
        table._figures = None
        table._scaled = (exp, firms)
        table._rows = None
        table._packed = _Packed.of_scaled(exp, firms)
        if table._packed is None:
            table._rows = {firm_id: _row(firm_id, f) for firm_id, f in table.figures.items()}
        return table

    @property
    def figures(self) -> Mapping[int, FirmFigures]:
        """Each firm's `FirmFigures` (built on first use when the table was made of numbers)."""
        if self._figures is None:
            exp, firms = self._scaled
            self._figures = {
                firm_id: FirmFigures(
                    firm_id,
                    None if output is None else Decimal(output).scaleb(exp),
                    None if base is None else Decimal(base).scaleb(exp),
                    employees,
                    new,
                )
                for firm_id, output, base, employees, new in firms
            }
        return self._figures

    @property
    def packed(self) -> bool:
        return self._packed is not None

    def cover(self, lowest: int, highest: int) -> bool:
        """Whether firm ids from `lowest` to `highest` can be looked up by list index (packed,
        and not much sparser than the table's firms): then `total(..., indexed=True)`."""
        return self._packed is not None and self._packed.cover(lowest, highest)

    @property
    def arrays(self) -> tuple | None:
        """(lanes × firm id int64 columns, each lane's first bit, ranks by firm id), once
        `cover` accepted the ids; None when a field or a rank is too wide for int64."""
        return None if self._packed is None else self._packed.arrays

    def total(self, firm_ids, *, indexed: bool = False) -> tuple:
        """The total of `firm_ids` (a collection; each counted as often as it is in it).
        `indexed`: every id is within what `cover` accepted."""
        if self._packed is not None:
            return self._packed.total(firm_ids, indexed)
        r = _sum_rows(list(map(self._rows.get, firm_ids, repeat(_EMPTY_ROW))))
        return r[:9], r[9]

    def plus(self, totals: list[tuple]) -> tuple:
        if self._packed is not None:
            return sum(t[0] for t in totals), max(t[1] for t in totals)
        r = _sum_rows([(*t[0], t[1]) for t in totals])
        return r[:9], r[9]

    def minus(self, total: tuple, firm_ids, *, indexed: bool = False) -> tuple:
        """`total` without one count of each of `firm_ids` (firms it counted more than once: its
        largest firm stays, being one of them or another)."""
        less = self.total(firm_ids, indexed=indexed)[0]
        if self._packed is not None:
            return total[0] - less, total[1]
        return tuple(x - y for x, y in zip(total[0], less, strict=True)), total[1]

    def row(self, total: tuple) -> tuple:
        """The total as a row of `_row`'s columns."""
        if self._packed is not None:
            return self._packed.row(total)
        return (*total[0], total[1])


# Lanes of the packed sums summed by numpy: at most 62 bits each (int64, and a bit spare).
_LANE_BITS = 62
# Fewer firms than this are summed faster by Python than through an array.
_NUMPY_FROM = 64

# Decimal's default context keeps 28 digits: sums that stay under them are exact, in any order.
_EXACT = 10**28


class _Packed:
    """Each firm's nine sums as one integer, side by side in bit fields each wide enough for the
    field's sum over every firm of the table, and its rank (output, then the lower id) as
    another integer: adding integers adds every field at once, exactly (no carry crosses a
    field), with no object per firm and column. Only when every amount is ≥ 0 with one same
    number of decimal places and every total stays within Decimal's 28 exact digits."""

    def __init__(self, packed, rank, shifts, masks, id_bits, top_id, exp, fields=None):
        self.packed, self.rank = packed, rank
        self.fields = fields  # each firm's nine fields, by firm id (`_arrays` builds from them)
        self.shifts, self.masks = shifts, masks
        self.id_bits, self.id_mask, self.top_id = id_bits, (1 << id_bits) - 1, top_id
        self.exp = exp
        self.by_index: tuple[list, list] | None = None
        self.arrays: tuple | None = None  # (lanes, their shifts, ranks) as numpy arrays

    def cover(self, lowest: int, highest: int) -> bool:
        # A list index is a third of a dict lookup's time at province scale; a list as long as
        # the highest id, only while ids are not much sparser than the firms.
        if lowest < 0 or highest > 8 * len(self.packed) + 4096:
            return False
        size = max(highest, self.top_id) + 1
        if self.by_index is None or len(self.by_index[0]) < size:
            packed, rank = [0] * size, [-1] * size
            for firm_id, v in self.packed.items():
                packed[firm_id] = v
            for firm_id, v in self.rank.items():
                rank[firm_id] = v
            self.by_index = packed, rank
            self.arrays = self._arrays(size)
        return True

    def _arrays(self, size: int) -> tuple | None:
        """The packed sums cut into lanes of whole fields, each lane narrower than 63 bits,
        and the ranks, as int64 arrays by firm id: a set of firms summed by numpy, lane by
        lane, with no overflow (a lane's sum over distinct firms is at most its sum over every
        firm, which its fields' widths hold). None when a field or a rank is too wide."""
        widths = [m.bit_length() for m in self.masks]
        if max(widths) > _LANE_BITS or max(self.rank.values(), default=0) >= 1 << 63:
            return None
        lanes: list[tuple[int, int]] = []  # (first bit, width)
        for shift, width in zip(self.shifts, widths, strict=True):
            if lanes and lanes[-1][1] + width <= _LANE_BITS:
                lanes[-1] = (lanes[-1][0], lanes[-1][1] + width)
            else:
                lanes.append((shift, width))
        ids = np.fromiter(self.packed, dtype=np.int64, count=len(self.packed))
        columns = np.zeros((len(lanes), size), dtype=np.int64)
        # Each firm's nine fields (each below 2⁶², as their totals are) put side by side in
        # numpy: a lane is its fields shifted to their place in it (no carry: each field is
        # narrower than its width).
        fields = np.array(list(self.fields.values()), dtype=np.int64).reshape(len(ids), 9)
        for i, (first, width) in enumerate(lanes):
            lane = np.zeros(len(ids), dtype=np.int64)
            for k, shift in enumerate(self.shifts):
                if first <= shift < first + width:
                    lane |= fields[:, k] << (shift - first)
            columns[i, ids] = lane
        ranks = np.full(size, -1, dtype=np.int64)
        ranked = np.fromiter(self.rank, dtype=np.int64, count=len(self.rank))
        ranks[ranked] = np.fromiter(self.rank.values(), dtype=np.int64, count=len(ranked))
        return columns, [first for first, _w in lanes], ranks

    @classmethod
    def of(cls, figures: Mapping[int, FirmFigures]) -> "_Packed | None":
        quantum = None  # the first amount: every other must have its exponent
        scale = 1
        scaled = {}
        for firm_id, f in figures.items():
            employees = f.employees or 0
            if firm_id < 0 or employees < 0:
                return None
            o = f.output_wan
            if o is None:
                scaled[firm_id] = (0, 0, employees, 0, 0, 0, 0, 0, 0)
                continue
            if quantum is None:
                exp = o.as_tuple().exponent
                if not isinstance(exp, int) or exp > 0:
                    return None
                quantum, scale = o, -exp
            if o.is_signed() or not o.same_quantum(quantum):
                return None
            value = int(o.scaleb(scale))
            base = 0
            cmp = f.comparable
            if cmp:
                b = f.output_last_year_wan
                if b.is_signed() or not b.same_quantum(quantum):
                    return None
                base = int(b.scaleb(scale))
            new = f.new
            scaled[firm_id] = (
                1,
                value,
                employees,
                1 if cmp else 0,
                value if cmp else 0,
                base,
                1 if new else 0,
                value if new else 0,
                value * value,  # what o * o is in Decimal while under 28 digits (checked)
            )
        return cls._build(scaled, -scale if quantum is not None else 0)

    @classmethod
    def of_scaled(cls, exp: int, firms: list[tuple]) -> "_Packed | None":
        """`of` for firms given as integers (`FigureTable.of_scaled`)."""
        if exp > 0:
            return None
        scaled = {}
        for firm_id, value, base, employees, new in firms:
            employees = employees or 0
            if firm_id < 0 or employees < 0:
                return None
            if value is None:
                scaled[firm_id] = (0, 0, employees, 0, 0, 0, 0, 0, 0)
                continue
            if value < 0:
                return None
            cmp = not new and base is not None
            if cmp and base < 0:
                return None
            scaled[firm_id] = (
                1,
                value,
                employees,
                1 if cmp else 0,
                value if cmp else 0,
                base if cmp else 0,
                1 if new else 0,
                value if new else 0,
                value * value,
            )
        return cls._build(scaled, exp)

    @classmethod
    def _build(cls, scaled: dict[int, tuple], exp: int) -> "_Packed | None":
        totals = [sum(c) for c in zip(*scaled.values(), strict=True)] or [0] * 9
        if max(totals) >= _EXACT:
            return None
        widths = [t.bit_length() + 1 for t in totals]
        shifts = [sum(widths[:i]) for i in range(9)]
        masks = [(1 << w) - 1 for w in widths]
        _s0, s1, s2, s3, s4, s5, s6, s7, s8 = shifts
        packed = {
            firm_id: a0
            | a1 << s1
            | a2 << s2
            | a3 << s3
            | a4 << s4
            | a5 << s5
            | a6 << s6
            | a7 << s7
            | a8 << s8
            for firm_id, (a0, a1, a2, a3, a4, a5, a6, a7, a8) in scaled.items()
        }
        top_id = max(scaled, default=0)
        id_bits = top_id.bit_length() + 1
        rank = {
            firm_id: (values[1] << id_bits) | (top_id - firm_id)
            for firm_id, values in scaled.items()
            if values[0]
        }
        return cls(packed, rank, shifts, masks, id_bits, top_id, exp, scaled)

    def total(self, firm_ids, indexed: bool = False) -> tuple:
        if (
            indexed
            and self.arrays is not None
            and isinstance(firm_ids, (set, frozenset))
            and len(firm_ids) >= _NUMPY_FROM
        ):
            # Distinct firms (a set): every lane's sum stays within its width.
            columns, firsts, ranks = self.arrays
            at = np.fromiter(firm_ids, dtype=np.int64, count=len(firm_ids))
            lane_sums = columns[:, at].sum(axis=1).tolist()
            packed = 0
            for first, lane_sum in zip(firsts, lane_sums, strict=True):
                packed += lane_sum << first
            return packed, int(ranks[at].max())
        if indexed:
            packed, rank = self.by_index
            return (
                sum(map(packed.__getitem__, firm_ids)),
                max(map(rank.__getitem__, firm_ids), default=-1),
            )
        return (
            sum(map(self.packed.get, firm_ids, repeat(0))),
            max(map(self.rank.get, firm_ids, repeat(-1)), default=-1),
        )

    def row(self, total: tuple) -> tuple:
        sums, best = total
        v = [(sums >> shift) & mask for shift, mask in zip(self.shifts, self.masks, strict=True)]
        e = self.exp

        def amount(scaled: int, count: int, exp: int = e) -> Decimal:
            # What ZERO + the firms' amounts gives: their exponent, or ZERO's for none.
            return Decimal(scaled).scaleb(exp) if count else ZERO

        rank = _LOW
        if best >= 0:
            rank = (Decimal(best >> self.id_bits).scaleb(e), -(self.top_id - (best & self.id_mask)))
        return (
            v[0],
            amount(v[1], v[0]),
            v[2],
            v[3],
            amount(v[4], v[3]),
            amount(v[5], v[3]),
            v[6],
            amount(v[7], v[6]),
            amount(v[8], v[0], 2 * e),
            rank,
        )


# A firm's row: reporting (0/1), output, employees, comparable (0/1), comparable output and
# base, new (0/1), new output, output², and its rank for the largest firm: (output, −id).
_LOW = (Decimal("-Infinity"), 0)
_EMPTY_ROW = (0, ZERO, 0, 0, ZERO, ZERO, 0, ZERO, ZERO, _LOW)


def _row(firm_id: int, f: FirmFigures) -> tuple:
    o = f.output_wan
    employees = f.employees if f.employees is not None else 0
    if o is None:
        return (0, ZERO, employees, 0, ZERO, ZERO, 0, ZERO, ZERO, _LOW)
    cmp = f.comparable
    return (
        1,
        o,
        employees,
        1 if cmp else 0,
        o if cmp else ZERO,
        f.output_last_year_wan if cmp else ZERO,
        1 if f.new else 0,
        o if f.new else ZERO,
        o * o,
        (o, -firm_id),
    )


def _sum_rows(rows: list[tuple]) -> tuple:
    """Column sums of rows (firms' rows or other sums), the largest rank of the last column."""
    if not rows:
        return _EMPTY_ROW
    if len(rows) == 1:
        return rows[0]
    c = tuple(zip(*rows, strict=True))
    return (
        sum(c[0]),
        sum(c[1], ZERO),
        sum(c[2]),
        sum(c[3]),
        sum(c[4], ZERO),
        sum(c[5], ZERO),
        sum(c[6]),
        sum(c[7], ZERO),
        sum(c[8], ZERO),
        max(c[9]),
    )


def _from_sums(node_id, firm_ids, in_target, own_firms, thresholds, sums) -> NodeHealth:
    reporting, output, employees, cmp_n, cmp_out, cmp_base, new_n, new_out, squares, rank = sums
    top, largest_id = (rank[0], -rank[1]) if reporting else (ZERO, None)
    return _finish(
        node_id,
        firm_ids,
        in_target,
        own_firms,
        thresholds,
        (reporting, output, employees, cmp_n, cmp_out, cmp_base, new_n, new_out),
        (top, largest_id, squares),
    )
