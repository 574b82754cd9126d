"""一企一员、一企一策 in words: every firm's liaison officer and own plan, the contacts of the
period, the problems raised and resolved, and what is late (casework.selectors.liaison counts
them)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zonedesk.casework.liaison import LiaisonFacts
from zonedesk.reports.document import Block, Table
from zonedesk.reports.sections.part import Found, Part, paragraphs
from zonedesk.reports.sections.words import fill
from zonedesk.reports.sections.words import paragraph as joined


def _share(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{(Decimal(part) * 100 / whole).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def sentences(f: LiaisonFacts, period: str) -> list[str]:
    """The section's sentences, marked."""
    out = [
        fill(
            _(
                "Of the %(firms)d firms, %(with_officer)d have a liaison officer (%(officers)d "
                "officers in all) and %(with_plan)d a contact plan of their own (%(at_risk)d of "
                "them watched closely)."
            ),
            {
                "firms": f.firms,
                "with_officer": f.with_officer,
                "officers": f.officers,
                "with_plan": f.with_plan,
                "at_risk": f.at_risk,
            },
            firms="firms",
            with_officer="with_officer",
            officers="officers",
            with_plan="with_plan",
            at_risk="at_risk",
        )
    ]
    if f.contacts:
        out.append(
            fill(
                _(
                    "In %(period)s, the officers contacted firms %(contacts)d times "
                    "(%(visits)d of them visits), reaching %(reached)d firms."
                ),
                {
                    "period": period,
                    "contacts": f.contacts,
                    "visits": f.visits,
                    "reached": f.firms_contacted,
                },
                contacts="contacts",
                visits="visits",
                reached="firms_contacted",
            )
        )
    if f.raised:
        out.append(
            fill(
                _(
                    "The firms raised %(raised)d problems, of which %(resolved)d have been "
                    "resolved (%(share)s)."
                ),
                {"raised": f.raised, "resolved": f.resolved, "share": _share(f.resolved, f.raised)},
                raised="raised",
                resolved="resolved",
                share="resolved_share",
            )
        )
    if f.actions:
        out.append(
            fill(
                _("Of the %(actions)d actions of the firms' own plans due, %(done)d are done."),
                {"actions": f.actions, "done": f.actions_done},
                actions="actions",
                done="actions_done",
            )
        )
    if f.overdue:
        out.append(
            fill(
                _("%(overdue)d problems are past their time limit and not yet resolved."),
                {"overdue": f.overdue},
                overdue="overdue",
            )
        )
    return out


def build(found: Found) -> list[Block]:
    return paragraphs([joined(sentences(found.facts, found.source.period))], found)


def next_steps(found: Found) -> list[str]:
    f: LiaisonFacts = found.facts
    out = []
    if f.overdue:
        out.append(
            fill(
                _(
                    "Press for the %(count)d problems past their time limit, each with the "
                    "department in charge and a date to resolve it."
                ),
                {"count": f.overdue},
                count="overdue",
            )
        )
    if f.late and f.never_contacted:
        out.append(
            fill(
                _(
                    "Visit or call the %(count)d firms past their contact plan (%(never)d of "
                    "them never contacted) without delay."
                ),
                {"count": f.late, "never": f.never_contacted},
                count="late",
                never="never_contacted",
            )
        )
    elif f.late:
        out.append(
            fill(
                _("Visit or call the %(count)d firms past their contact plan without delay."),
                {"count": f.late},
                count="late",
            )
        )
    return out


def annex(found: Found) -> list[Block]:
    f: LiaisonFacts = found.facts
    rows = [
        (pgettext("summary annex", "Firms"), f.firms),
        (pgettext("summary annex", "with a liaison officer"), f.with_officer),
        (pgettext("summary annex", "with a contact plan"), f.with_plan),
        (pgettext("summary annex", "Contacts in the period"), f.contacts),
        (pgettext("summary annex", "of them visits"), f.visits),
        (pgettext("summary annex", "Problems raised in the period"), f.raised),
        (pgettext("summary annex", "of them resolved"), f.resolved),
        (pgettext("summary annex", "Problems overdue"), f.overdue),
        (pgettext("summary annex", "Firms past their contact plan"), f.late),
    ]
    return [
        Table(
            caption=_("One officer and one plan per firm, %(period)s")
            % {"period": found.source.period},
            columns=(pgettext("summary annex", "Item"), pgettext("summary annex", "Number")),
            rows=tuple((str(label), str(n)) for label, n in rows),
            source=found.source,
            numeric=(False, True),
        )
    ]


SUMMARY = Part(
    part=3,
    order=10,
    key="liaison",
    title=gettext_lazy("One officer and one plan for every firm"),
    data="zonedesk.reports.summary_data.liaison",
    build=build,
    next_steps=next_steps,
    annex=annex,
)
