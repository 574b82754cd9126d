"""政策落实 in words: the measures in force by issuing level, and how far they reached the firms
(一条不漏、应享尽享), with the benefits still owed (policies.selectors.support counts them)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zonedesk.monitoring.indicators import percent
from zonedesk.policies.reach import SupportFacts
from zonedesk.reports.document import Block, Table
from zonedesk.reports.sections.part import Found, Part, paragraphs
from zonedesk.reports.sections.words import fill
from zonedesk.reports.sections.words import paragraph as joined


def _wan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _rate(part: int, whole: int) -> str:
    return f"{percent(Decimal(part) / whole)}%" if whole else "—"


def sentences(f: SupportFacts, period: str) -> list[str]:
    out = []
    if f.levels:
        levels = pgettext("between issuing levels", ", ").join(
            fill(
                pgettext("measures of an issuing level", "%(level)s %(count)d"),
                {"level": c.label, "count": c.measures},
                count=f"measures_{c.level}",
            )
            for c in f.levels
        )
        out.append(
            fill(
                _("In %(period)s, %(count)d support measures were in force: %(levels)s."),
                {"period": period, "count": f.measures, "levels": levels},
                count="measures",
            )
        )
    if f.eligible:
        out.append(
            fill(
                _(
                    "%(firms)d firms qualify for %(eligible)d benefits; %(notified)d of them "
                    "(%(rate)s) have been made known to the firm, and %(disbursed)d received, "
                    "%(amount)s (10k yuan) in all."
                ),
                {
                    "firms": f.firms_eligible,
                    "eligible": f.eligible,
                    "notified": f.notified,
                    "rate": _rate(f.notified, f.eligible),
                    "disbursed": f.disbursed,
                    "amount": _wan(f.disbursed_wan),
                },
                firms="firms_eligible",
                eligible="eligible",
                notified="notified",
                rate="notified_rate",
                disbursed="disbursed",
                amount="disbursed_wan",
            )
        )
        if f.disbursed_in_period:
            out.append(
                fill(
                    _("%(count)d benefits, %(amount)s (10k yuan), were received in the period."),
                    {"count": f.disbursed_in_period, "amount": _wan(f.disbursed_in_period_wan)},
                    count="disbursed_in_period",
                    amount="disbursed_in_period_wan",
                )
            )
        if f.owed:
            out.append(
                fill(
                    _(
                        "%(owed)d benefits of %(firms)d firms, an estimated %(amount)s (10k "
                        "yuan), are still on their way."
                    ),
                    {"owed": f.owed, "firms": f.owed_firms, "amount": _wan(f.owed_wan)},
                    owed="owed",
                    firms="owed_firms",
                    amount="owed_wan",
                )
            )
    return out


def build(found: Found) -> list[Block]:
    return paragraphs([joined(sentences(found.facts, found.source.period))], found)


def next_steps(found: Found) -> list[str]:
    f: SupportFacts = found.facts
    if not f.owed:
        return []
    return [
        fill(
            _(
                "Deliver the %(owed)d benefits still owed to %(firms)d firms (an estimated "
                "%(amount)s, 10k yuan), so that every firm receives all it qualifies for."
            ),
            {"owed": f.owed, "firms": f.owed_firms, "amount": _wan(f.owed_wan)},
            owed="owed",
            firms="owed_firms",
            amount="owed_wan",
        )
    ]


def annex(found: Found) -> list[Block]:
    f: SupportFacts = found.facts
    blocks: list[Block] = []
    if f.levels:
        blocks.append(
            Table(
                caption=_("Support measures in force, %(period)s")
                % {"period": found.source.period},
                columns=(
                    pgettext("summary annex", "Issuing level"),
                    pgettext("summary annex", "Documents"),
                    pgettext("summary annex", "Measures"),
                ),
                rows=tuple((c.label, str(c.documents), str(c.measures)) for c in f.levels),
                source=found.source,
                numeric=(False, True, True),
            )
        )
    rows = [
        (pgettext("summary annex", "Firms qualifying"), str(f.firms_eligible), "—"),
        (pgettext("summary annex", "Benefits qualified for"), str(f.eligible), "—"),
        (pgettext("summary annex", "made known to the firm"), str(f.notified), "—"),
        (pgettext("summary annex", "received"), str(f.disbursed), _wan(f.disbursed_wan)),
        (
            pgettext("summary annex", "received in the period"),
            str(f.disbursed_in_period),
            _wan(f.disbursed_in_period_wan),
        ),
        (pgettext("summary annex", "still owed"), str(f.owed), _wan(f.owed_wan)),
    ]
    blocks.append(
        Table(
            caption=_("Benefits of the support measures"),
            columns=(
                pgettext("summary annex", "Item"),
                pgettext("summary annex", "Number"),
                pgettext("summary annex", "Amount (10k yuan)"),
            ),
            rows=tuple((str(a), b, c) for a, b, c in rows),
            source=found.source,
            numeric=(False, True, True),
        )
    )
    return blocks


SUMMARY = Part(
    part=3,
    order=20,
    key="support",
    title=gettext_lazy("Support policies carried out"),
    data="zonedesk.reports.summary_data.support",
    build=build,
    next_steps=next_steps,
    annex=annex,
)
