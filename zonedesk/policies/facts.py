"""The registry of facts that eligibility rules may use, and their computation for every firm
of a scope at once (a columnar table: one Column per fact, one row per firm).

A fact is computed from stored data for a reference month: the firm's registry entry and its
monthly figures (the month, January to that month, the same span a year earlier, and the whole
of last year, read through monitoring's `figure_sums`). Three queries, whatever the number of
firms.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from zonedesk.core import industry
from zonedesk.core.period import Period
from zonedesk.monitoring import selectors as figure_selectors
from zonedesk.policies import rules, sizes
from zonedesk.policies.rules import Column, Type


@dataclass(frozen=True)
class FactDef:
    name: str
    type: Type
    zh: str
    en: str
    unit: str = ""
    # Other Chinese names a rule may use (the first Chinese name is the label's head, `short`).
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en

    def short(self, lang: str = "zh") -> str:
        """The label up to its explanation: “企业规模”, “size class”; the Chinese one is the
        fact's name in a Chinese rule."""
        return re.split(r"（|：|: | \(", self.label(lang), maxsplit=1)[0]


_DEFS = [
    FactDef(
        "industry_section",
        Type.TEXT,
        "行业门类（GB/T 4754，A–T）",
        "industry section (GB/T 4754, A-T)",
    ),
    FactDef(
        "industry_division",
        Type.TEXT,
        '行业大类（两位代码，如 "36"）',
        'industry division (two digits, e.g. "36")',
    ),
    FactDef("industry_code", Type.TEXT, "行业代码（登记的代码）", "industry code (as registered)"),
    FactDef(
        "above_designated_size",
        Type.BOOL,
        "规模以上企业",
        "above designated size",
        aliases=("规上企业",),
    ),
    FactDef(
        "size_class",
        Type.TEXT,
        '企业规模："large" 大型、"medium" 中型、"small" 小型、"micro" 微型（按行业划型标准，用上年营业收入与本月用工；建筑、租赁商务服务、房地产缺资产总额，为近似）',
        'size class: "large", "medium", "small", "micro" (national thresholds by industry, on last year\'s revenue and this month\'s employees; approximate where the standard uses assets)',
    ),
    FactDef("is_sme", Type.BOOL, "中小微企业", "small or medium-sized (incl. micro)"),
    FactDef(
        "employees",
        Type.NUMBER,
        "本月末用工人数",
        "employees at the month's end",
        "人",
        aliases=("从业人数", "用工人数"),
    ),
    FactDef(
        "employees_yoy",
        Type.NUMBER,
        "用工人数同比（如 -10% 写作 -10%）",
        "employees, change on a year earlier",
        "%",
        aliases=("从业人数同比",),
    ),
    FactDef("output_month_wan", Type.NUMBER, "本月产值", "output value this month", "万元"),
    FactDef(
        "output_month_yoy",
        Type.NUMBER,
        "本月产值同比",
        "output this month, change on a year earlier",
        "%",
    ),
    FactDef(
        "output_ytd_wan",
        Type.NUMBER,
        "本年累计产值",
        "output value, year to date",
        "万元",
        aliases=("累计产值",),
    ),
    FactDef(
        "output_ytd_yoy",
        Type.NUMBER,
        "累计产值同比",
        "output year to date, change on a year earlier",
        "%",
    ),
    FactDef(
        "output_last_year_wan",
        Type.NUMBER,
        "上年全年产值",
        "output value of last year",
        "万元",
        aliases=("上年产值",),
    ),
    FactDef(
        "revenue_month_wan",
        Type.NUMBER,
        "本月主营业务收入",
        "main business revenue this month",
        "万元",
        aliases=("本月营收", "本月营业收入"),
    ),
    FactDef(
        "revenue_ytd_wan",
        Type.NUMBER,
        "本年累计主营业务收入",
        "main business revenue, year to date",
        "万元",
        aliases=("累计营收", "本年累计营业收入"),
    ),
    FactDef(
        "revenue_ytd_yoy",
        Type.NUMBER,
        "累计营收同比",
        "revenue year to date, change on a year earlier",
        "%",
    ),
    FactDef(
        "revenue_last_year_wan",
        Type.NUMBER,
        "上年全年主营业务收入",
        "main business revenue of last year",
        "万元",
        aliases=("上年营收", "上年全年营业收入"),
    ),
    FactDef("days_halted", Type.NUMBER, "本月停产天数", "days halted this month", "天"),
    FactDef(
        "days_halted_ytd",
        Type.NUMBER,
        "本年累计停产天数",
        "days halted, year to date",
        "天",
        aliases=("本年停产天数",),
    ),
    FactDef(
        "export_share",
        Type.NUMBER,
        "本年出口交货值占营收比重",
        "export deliveries as a share of revenue, year to date",
        "%",
        aliases=("出口占比",),
    ),
    FactDef("new_this_year", Type.BOOL, "本年新投产", "started production this year"),
    FactDef(
        "status",
        Type.TEXT,
        '企业状态："producing" 在产、"halted" 停产、"construction" 在建、"closed" 关闭',
        'status: "producing", "halted", "construction", "closed"',
        aliases=("状态",),
    ),
    FactDef("zone_code", Type.TEXT, "所在园区代码", "zone code"),
    FactDef(
        "county_code", Type.TEXT, "所在县级行政区划代码（6 位）", "county division code (6 digits)"
    ),
    FactDef(
        "city_code",
        Type.TEXT,
        '所在地级市代码（6 位，如 "511700"）',
        'city division code (6 digits, e.g. "511700")',
    ),
    FactDef(
        "province_code",
        Type.TEXT,
        '所在省代码（6 位，如 "510000"）',
        'province division code (6 digits, e.g. "510000")',
    ),
]
FACTS: dict[str, FactDef] = {f.name: f for f in _DEFS}
# Raise when a fact is added or computed differently: every firm is then decided again (a
# firm's stored decisions stand only while its inputs, rules and this version are unchanged).
VERSION = 2  # 2: figures that cannot exist (no base year) are not applicable, not missing
TYPES: dict[str, Type] = {f.name: f.type for f in _DEFS}
# What a rule's author is held to (rules.check): shares written as percentages, codes that exist.
SHARES: frozenset[str] = frozenset(f.name for f in _DEFS if f.unit == "%")
CHOICES: dict[str, frozenset[str]] = {
    "size_class": frozenset(s.value for s in sizes.Size),
    "status": frozenset({"producing", "halted", "construction", "closed"}),
    "industry_section": frozenset("ABCDEFGHIJKLMNOPQRST"),
}


# Every fact's Chinese names (its short label first, then its aliases) -> its name: a rule may
# be written with either (从业人数 >= 100 且 本年停产天数 >= 45); both give the same tree.
NAMES: dict[str, str] = {
    zh: f.name for f in _DEFS for zh in dict.fromkeys((f.short("zh"), *f.aliases))
}
# The words for coded values, in sentences (words.describe).
VALUE_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "size_class": {
        "large": ("大型", "large"),
        "medium": ("中型", "medium-sized"),
        "small": ("小型", "small"),
        "micro": ("微型", "micro"),
    },
    "status": {
        "producing": ("在产", "producing"),
        "halted": ("停产", "halted"),
        "construction": ("在建", "under construction"),
        "closed": ("关闭", "closed"),
    },
}
# What a sentence calls each fact (rules.describe).
VOCABULARY: dict[str, rules.Term] = {
    f.name: rules.Term(f.short("zh"), f.short("en"), f.unit, VALUE_WORDS.get(f.name, {}))
    for f in _DEFS
}


def compile_rule(source: str, *, result: Type):
    """A rule as its author writes it (English or Chinese names), held to the registry (types,
    shares, codes)."""
    return rules.compile_rule(
        source, TYPES, result=result, shares=SHARES, choices=CHOICES, names=NAMES
    )


def parse_rule(source: str) -> rules.Node:
    """A stored rule's tree (in either spelling), for explaining it to one firm."""
    return rules.parse(source, NAMES)


def sentence(source_or_tree, lang: str = "zh", *, condition: bool = True) -> str:
    """A rule (its text or its tree) as the sentence people read, never its code; a rule that
    no longer parses is shown as written."""
    tree = source_or_tree
    if isinstance(source_or_tree, str):
        if not source_or_tree.strip():
            return ""
        try:
            tree = parse_rule(source_or_tree)
        except rules.RuleError:
            return source_or_tree
    return rules.describe(tree, VOCABULARY, lang, condition=condition)


# What the facts read of a firm's registry entry, its zone and its county, in this order. The
# triggers of migration 0003 count a change to any of these columns (tests/policies/
# test_triggers.py holds them together).
REGISTRY = (
    "pk",
    "industry_code",
    "above_designated_size",
    "status",
    "production_start",
    "zone__code",
    "zone__area__code",
)


@dataclass
class FactTable:
    """Facts of many firms: firm ids in row order, and one Column per fact."""

    firm_ids: list[int]
    columns: dict[str, Column]
    period: Period

    def __len__(self) -> int:
        return len(self.firm_ids)

    def row(self, i: int) -> dict:
        """One firm's facts as plain values (None where unknown, NOT_APPLICABLE where the
        figure cannot exist), for the explaining evaluator."""
        out = {}
        for name, col in self.columns.items():
            if not col.known[i]:
                na = col.may_true is not None and not col.may_true[i]
                out[name] = rules.NOT_APPLICABLE if na else None
            else:
                v = col.values[i]
                out[name] = (
                    bool(v)
                    if FACTS[name].type == Type.BOOL
                    else (float(v) if FACTS[name].type == Type.NUMBER else str(v))
                )
        return out


# Figures with a base before the month (see docs/statistics.md, "Eligibility and the firm's
# life"): they cannot exist for a firm that started production after their base, and are then
# NOT_APPLICABLE instead of missing, so a rule that needs them is decided "not applicable"
# rather than left "may qualify" for ever. Last year's totals need production before this
# year; a change on a year earlier needs production by the end of the same month last year.
LAST_YEAR = frozenset({"output_last_year_wan", "revenue_last_year_wan"})
SAME_MONTH_LAST_YEAR = frozenset(
    {"employees_yoy", "output_month_yoy", "output_ytd_yoy", "revenue_ytd_yoy"}
)
NO_BASE_YEAR = LAST_YEAR | SAME_MONTH_LAST_YEAR


def base_bounds(period: Period) -> tuple[str, str]:
    """The first day after the same month last year and the year of `period`, as ISO text."""
    return period.last_year.shift(1).first_day.isoformat(), f"{period.year:04d}"


def without_base(start, period: Period, bounds: tuple[str, str] | None = None) -> frozenset[str]:
    """The facts of `period` that cannot exist for a firm that started production on `start`
    (a date, or its ISO text as SQLite returns it; None: not known, so none). `bounds`:
    base_bounds(period), computed once for many firms."""
    if start is None:
        return frozenset()
    after_base, year = bounds or base_bounds(period)
    start = str(start)[:10]
    if start < after_base:
        return frozenset()  # producing by the end of the same month last year
    return NO_BASE_YEAR if start[:4] >= year else SAME_MONTH_LAST_YEAR


def _change(current, base):
    if current is None or base is None or base <= 0:
        return None
    return (float(current) - float(base)) / float(base)


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fact_table(firms, period: Period) -> FactTable:
    """Every fact of every firm in the queryset `firms`, for the reference month `period`."""
    registry = _rows(*firms.order_by("pk").values_list(*REGISTRY).query.sql_with_params())
    ids = [r[0] for r in registry]
    figures = figure_selectors.figure_sums(firms, period)
    month, last_month = figures.month, figures.month_year_before
    ytd, ytd_before, last_year = figures.ytd, figures.ytd_year_before, figures.last_year
    industries: dict[str, object] = {}
    this_year = str(period.year)
    bounds = base_bounds(period)

    values: dict[str, list] = {name: [] for name in FACTS}
    for pk, code, above, status, start, zone_code, area_code in registry:
        if code not in industries:
            industries[code] = industry.get(code)
        ind = industries[code]
        section = ind.section if ind else None
        division = code[:2] if code else None
        m, lm = month.get(pk), last_month.get(pk)
        y, yb, ly = ytd.get(pk), ytd_before.get(pk), last_year.get(pk)
        # m and lm: employees, output, revenue, days halted
        employees = m[0] if m else None
        revenue_last_year = ly["revenue"] if ly else None
        size = (
            sizes.size_class(section or "", code or "", employees, revenue_last_year)
            if section
            else None
        )
        row = {
            "industry_section": section,
            "industry_division": division,
            "industry_code": code,
            "above_designated_size": None if above is None else bool(above),
            "size_class": size.value if size else None,
            "is_sme": size != sizes.Size.LARGE if size else None,
            "employees": employees,
            "employees_yoy": _change(employees, lm[0] if lm else None),
            "output_month_wan": m[1] if m else None,
            "output_month_yoy": _change(m[1] if m else None, lm[1] if lm else None),
            "output_ytd_wan": y["output"] if y else None,
            "output_ytd_yoy": _change(y["output"] if y else None, yb["output"] if yb else None),
            "output_last_year_wan": ly["output"] if ly else None,
            "revenue_month_wan": m[2] if m else None,
            "revenue_ytd_wan": y["revenue"] if y else None,
            "revenue_ytd_yoy": _change(y["revenue"] if y else None, yb["revenue"] if yb else None),
            "revenue_last_year_wan": revenue_last_year,
            "days_halted": m[3] if m else None,
            "days_halted_ytd": y["halted"] if y else None,
            "export_share": (
                float(y["export"] or 0) / float(y["revenue"])
                if y and y["revenue"] and y["revenue"] > 0
                else None
            ),
            # A date on PostgreSQL, its ISO text on SQLite: the year is the first four.
            "new_this_year": start is not None and str(start)[:4] == this_year,
            "status": status,
            "zone_code": zone_code,
            "county_code": area_code,
            "city_code": area_code[:4] + "00" if area_code else None,
            "province_code": area_code[:2] + "0000" if area_code else None,
        }
        for name in without_base(start, period, bounds) if start is not None else ():
            if row[name] is None:  # a figure stored all the same is used
                row[name] = rules.NOT_APPLICABLE
        for name in FACTS:
            v = row[name]
            values[name].append(float(v) if isinstance(v, Decimal) else v)
    columns = {name: Column.from_values(values[name], FACTS[name].type) for name in FACTS}
    return FactTable(ids, columns, period)
