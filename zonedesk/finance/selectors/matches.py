"""A need against every product in force, with reasons (finance.matching decides; this reads
the products and the firm's facts, and puts each condition in words)."""

import datetime as dt
import numbers
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zonedesk.finance import access, facts, matching
from zonedesk.finance.models import BankProduct, Collateral
from zonedesk.finance.selectors.products import in_force_on
from zonedesk.policies import rules
from zonedesk.policies.rules import words


@dataclass(frozen=True)
class Reason:
    ok: bool | None
    text: str
    value: str  # the firm's value(s), as read


@dataclass(frozen=True)
class MatchRow:
    product: BankProduct
    outcome: str  # match, unsure, no
    reasons: tuple[Reason, ...]


def as_matched(product: BankProduct) -> matching.Product:
    try:
        tree = facts.parse_rule(product.eligibility)
    except rules.RuleError:
        tree = facts.parse_rule("false")  # a rule that no longer parses matches nothing
    return matching.Product(
        key=product.pk,
        amount_min=float(product.amount_min_wan),
        amount_max=float(product.amount_max_wan),
        term_min=float(product.term_min_months),
        term_max=float(product.term_max_months),
        collateral=frozenset(product.collateral or ()),
        rule=tree,
        source=product.eligibility or "true",
    )


def products_in_force(day: dt.date) -> list[BankProduct]:
    return list(in_force_on(BankProduct.objects.select_related("bank"), day).order_by("pk"))


def _num(value) -> str:
    if value is None:
        return _("not reported")
    if value is rules.NOT_APPLICABLE:
        return _("cannot exist")
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


# Facts counted in years (facts.years_between: day-exact fractions), shown to one decimal.
YEARS = frozenset({"years_in_operation"})


def fact_value(name: str, value, lang: str = "zh") -> str:
    """A fact's value as people read it: 是/否 for yes-no, coded values in words (小型, 流动资金,
    设备抵押), shares as percentages, numbers with separators; never a stored code."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    term = facts.VOCABULARY.get(name)
    if term is not None and isinstance(value, str) and value in term.values:
        zh, en = term.values[value]
        return zh if lang.startswith("zh") else en
    if name in facts.SHARES and isinstance(value, int | float):
        return f"{float(value) * 100:.2f}%"
    if name in YEARS and isinstance(value, int | float) and not isinstance(value, bool):
        shown = f"{value:,.1f}"  # 19.5 years: a day-exact 19.48 reads as false precision
    elif name.endswith("_wan"):
        shown = _money(value)
    else:
        shown = _num(value)
    return _with_unit(shown, value, term, lang)


def _with_unit(shown: str, value, term, lang: str) -> str:
    """A number followed by its fact's unit, as the condition writes it (1,723.00 万元, 12 人,
    3.5 年); a missing value ("not reported") and a share (already "12.50%") stand alone."""
    numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    unit = term.unit if term is not None else ""
    if not numeric or unit in ("", "%") or unit not in words.UNITS:
        return shown
    zh, en = words.UNITS[unit]
    return f"{shown} {zh if lang.startswith('zh') else en}"


def _money(value) -> str:
    """An amount in 万元 as every money figure of the site: grouped, two places (1,723.00)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return f"{Decimal(str(value)):,.2f}"
    return _num(value)


def _reason(check: matching.Check, lang: str) -> Reason:
    match check.kind:
        case "amount":
            low, high = check.bounds
            text = _("Amount between %(low)s and %(high)s (10k yuan)") % {
                "low": _money(low),
                "high": _money(high),
            }
            amount = facts.VOCABULARY["amount_wan"]
            return Reason(
                check.ok, text, _with_unit(_money(check.value), check.value, amount, lang)
            )
        case "term":
            low, high = check.bounds
            text = _("Term between %(low)s and %(high)s months") % {
                "low": _num(low),
                "high": _num(high),
            }
            value = _num(check.value)
            if isinstance(check.value, numbers.Number) and not isinstance(check.value, bool):
                n = int(check.value)  # numpy's integers too (the vectorised matching's)
                value = ngettext("%(n)s month", "%(n)s months", n) % {"n": value}
            return Reason(check.ok, text, value)
        case "collateral":
            names = "、".join(str(Collateral(c).label) for c in check.bounds)
            text = _("Collateral: %(kinds)s") % {"kinds": names}
            value = str(Collateral(check.value).label) if check.value in Collateral.values else "—"
            return Reason(check.ok, text, value)
    c = check.condition
    text = facts.sentence(c.node, lang) if c.node is not None else c.text
    zh = lang.startswith("zh")
    colon, semicolon = ("：", "；") if zh else (": ", "; ")

    def named(k: str) -> str:
        term = facts.VOCABULARY.get(k)
        if term is not None:
            return term.zh if zh else term.en
        return k

    values = semicolon.join(
        f"{named(k)}{colon}{fact_value(k, v, lang)}" for k, v in c.values.items()
    )
    return Reason(check.ok, text, values)


def need_matches(user, need, *, lang: str = "zh", cache: dict | None = None) -> list[MatchRow]:
    """Every product in force today against the need: matching ones first, then unsure, then
    the others, each with its conditions and the firm's values. Not for bank users."""
    if access.is_bank_user(user) and not user.has_role(*access.UNIT_READERS):
        return []
    from zonedesk.finance.selectors.needs import firm_row

    today = timezone.localdate()
    _period, row = firm_row(need.enterprise, cache)
    stored = products_in_force(today)
    results = matching.explain(facts.need_facts(need, row, today), [as_matched(p) for p in stored])
    by_pk = {p.pk: p for p in stored}
    rows = [
        MatchRow(
            by_pk[r.product.key],
            r.outcome_name,
            tuple(_reason(c, lang) for c in r.checks),
        )
        for r in results
    ]
    order = {"match": 0, "unsure": 1, "no": 2}
    return sorted(rows, key=lambda m: (order[m.outcome], m.product.bank.name, m.product.name))
