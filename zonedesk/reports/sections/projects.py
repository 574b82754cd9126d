"""项目落地建设投产 in words: the key projects followed and their investment, the nodes of
construction and production reached in the period, and the late nodes by name
(projects.selectors.summary counts them; the lights are those of the working-day calendar)."""

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zonedesk.projects.facts import ProjectFacts
from zonedesk.reports.document import Block
from zonedesk.reports.sections.part import Found, Part, paragraphs
from zonedesk.reports.sections.words import fill, rate
from zonedesk.reports.sections.words import paragraph as joined


def _wan(value: Decimal) -> str:
    return f"{value:,.2f}"


def sentences(f: ProjectFacts, period: str) -> list[str]:
    out = [
        fill(
            _(
                "In %(period)s, the zone followed %(projects)d key projects with a total "
                "investment of %(total)s (10k yuan), %(yearly)s (10k yuan) of it planned for "
                "this year."
            ),
            {
                "period": period,
                "projects": f.projects,
                "total": _wan(f.total_investment_wan),
                "yearly": _wan(f.yearly_investment_wan),
            },
            projects="projects",
            total="projects_investment_wan",
            yearly="projects_yearly_wan",
        ),
        fill(
            _(
                "In the period %(started)d started construction, %(completed)d passed their "
                "completion acceptance and %(producing)d went into production."
            ),
            {"started": f.started, "completed": f.completed, "producing": f.producing},
            started="projects_started",
            completed="projects_completed",
            producing="projects_producing",
        ),
    ]
    if f.invest_rate is not None:
        out.append(
            fill(
                _(
                    "In the period, %(done)s (10k yuan) of their investment was completed; by "
                    "its end, %(rate)s of the year's planned investment had been completed."
                ),
                {
                    "done": _wan(f.invest_done_wan),
                    "rate": rate(f.invest_rate, "projects_invest_rate"),
                },
                done="projects_invest_done_wan",
            )
        )
    elif f.invest_done_wan:
        out.append(
            fill(
                _(
                    "In the period, %(done)s (10k yuan) of their investment was completed (no "
                    "monthly plan of the year is recorded)."
                ),
                {"done": _wan(f.invest_done_wan)},
                done="projects_invest_done_wan",
            )
        )
    day = date_format(f.day, "DATE_FORMAT")
    if f.red or f.yellow:
        out.append(
            fill(
                _(
                    "On %(day)s, %(red)d nodes were past their planned dates (red) and "
                    "%(yellow)d were due within %(warn)d working days (yellow)."
                ),
                {"day": day, "red": f.red, "yellow": f.yellow, "warn": f.warn_days},
                red="nodes_red",
                yellow="nodes_yellow",
            )
        )
    else:
        out.append(_("On %(day)s, no node was late or due soon.") % {"day": day})
    if f.late:
        items = pgettext("between late nodes", "; ").join(
            _("%(project)s, %(node)s, %(days)d days late%(department)s")
            % {
                "project": n.project,
                "node": n.node,
                "days": n.late_days,
                "department": (
                    pgettext("late node's department", " (%(department)s)")
                    % {"department": n.department}
                    if n.department
                    else ""
                ),
            }
            for n in f.late
        )
        out.append(_("The latest: %(items)s.") % {"items": items})
    return out


def build(found: Found) -> list[Block]:
    return paragraphs([joined(sentences(found.facts, found.source.period))], found)


def next_steps(found: Found) -> list[str]:
    f: ProjectFacts = found.facts
    if not f.red:
        return []
    return [
        fill(
            _(
                "Bring the %(red)d late nodes of the key projects back on plan, each with its "
                "department and person in charge and a date, at the weekly scheduling meeting."
            ),
            {"red": f.red},
            red="nodes_red",
        )
    ]


SUMMARY = Part(
    part=3,
    order=30,
    key="projects",
    title=gettext_lazy("Key projects from signing to production"),
    data="zonedesk.reports.summary_data.key_projects",
    build=build,
    next_steps=next_steps,
)
