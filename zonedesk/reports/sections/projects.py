"""项目落地建设投产 in words: the key projects followed and their investment, the nodes of
construction and production reached in the period, the element guarantee items done, open and
overdue, and the late nodes by name (a node blocked by an item: the item and its department)
(projects.selectors.summary counts them; the lights are those of the working-day calendar)."""

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zonedesk.projects.facts import LateNode, ProjectFacts, ServiceFacts
from zonedesk.reports.document import Block
from zonedesk.reports.sections.part import Found, Part, paragraphs
from zonedesk.reports.sections.words import fill, rate
from zonedesk.reports.sections.words import paragraph as joined


def _wan(value: Decimal) -> str:
    return f"{value:,.2f}"


# The guarantee categories' names (projects.models.Guarantee.Category's, the same msgids: a
# section reads no model).
CATEGORIES = {
    "land": gettext_lazy("Land"),
    "demolition": gettext_lazy("Demolition"),
    "road": gettext_lazy("Road connection"),
    "water": gettext_lazy("Water connection"),
    "power": gettext_lazy("Power connection"),
    "gas": gettext_lazy("Gas connection"),
    "telecom": gettext_lazy("Telecom connection"),
    "drainage": gettext_lazy("Drainage connection"),
}


def _late(n: LateNode) -> str:
    """A late node in words, with whose the delay is: the guarantee item it waits for and that
    item's department (or utility), else the node's department."""
    if n.blocked_category:
        category = CATEGORIES.get(n.blocked_category, n.blocked_category)
        item = f"{category} · {n.blocked_need}" if n.blocked_need else str(category)
        return _(
            "%(project)s, %(node)s, %(days)d days late, waiting for %(item)s (%(department)s)"
        ) % {
            "project": n.project,
            "node": n.node,
            "days": n.late_days,
            "item": item,
            "department": n.department,
        }
    return _("%(project)s, %(node)s, %(days)d days late%(department)s") % {
        "project": n.project,
        "node": n.node,
        "days": n.late_days,
        "department": (
            pgettext("late node's department", " (%(department)s)") % {"department": n.department}
            if n.department
            else ""
        ),
    }


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _department_item(d) -> str:
    """One department's requests and hours; those not yet handed to one only counted when none
    has hours yet (a request is handed to a department by its response)."""
    if not d.department and d.avg_response_hours is None and d.avg_resolution_hours is None:
        return _("%(requests)d not yet assigned") % {"requests": d.requests}
    return _("%(department)s %(requests)d, %(respond)s h to respond, %(resolve)s h to resolve") % {
        "department": d.department or _("Not yet assigned"),
        "requests": d.requests,
        "respond": _hours(d.avg_response_hours),
        "resolve": _hours(d.avg_resolution_hours),
    }


def service_sentences(s: ServiceFacts | None) -> list[str]:
    """The service requests (7x24) raised in the period, their average hours to respond and to
    resolve, those past their limits, and the same per department they were handed to (those
    not yet handed to one last, as not yet assigned)."""
    if s is None or not s.requests:
        return []
    out = [
        fill(
            _(
                "The service team took %(requests)d service requests from the key projects, "
                "responded on average in %(respond)s hours and resolved them on average in "
                "%(resolve)s hours; %(overdue)d ran past their time limits."
            ),
            {
                "requests": s.requests,
                "respond": _hours(s.avg_response_hours),
                "resolve": _hours(s.avg_resolution_hours),
                "overdue": s.overdue,
            },
            requests="service_requests",
            respond="service_response_hours",
            resolve="service_resolution_hours",
            overdue="service_overdue",
        )
    ]
    # The requests not yet handed to a department are counted in the sentence too, last, as
    # "not yet assigned" (servicelog.figures puts them under ""), so its parts add up to the
    # total; when none was handed to a department, the sentence would only repeat the first.
    if any(d.department for d in s.departments):
        items = pgettext("between departments", "; ").join(
            _department_item(d) for d in s.departments
        )
        out.append(_("By department: %(items)s.") % {"items": items})
    return out


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
    if f.producing and f.producing_output_wan:
        out.append(
            fill(
                _(
                    "The projects that went into production expect %(output)s (10k yuan) of "
                    "output a year at full production."
                ),
                {"output": _wan(f.producing_output_wan)},
                output="projects_producing_output_wan",
            )
        )
    if f.invest_rate is not None:
        out.append(
            fill(
                _(
                    "In the period, %(done)s (10k yuan) of their investment was completed; by "
                    "its end, %(rate)s of the year's monthly investment plans (%(plan)s, 10k "
                    "yuan) had been completed."
                ),
                {
                    "done": _wan(f.invest_done_wan),
                    "rate": rate(f.invest_rate, "projects_invest_rate"),
                    "plan": _wan(f.invest_plan_wan),
                },
                done="projects_invest_done_wan",
                plan="projects_invest_plan_wan",
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
    if f.guarantees_done or f.guarantees_open:
        out.append(
            fill(
                _(
                    "Of the element guarantee items (land, demolition, utility connections), "
                    "%(done)d were done in the period; on %(day)s, %(open)d were open, "
                    "%(overdue)d of them past their due dates."
                ),
                {
                    "done": f.guarantees_done,
                    "day": day,
                    "open": f.guarantees_open,
                    "overdue": f.guarantees_overdue,
                },
                done="guarantees_done",
                open="guarantees_open",
                overdue="guarantees_overdue",
            )
        )
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
        items = pgettext("between late nodes", "; ").join(_late(n) for n in f.late)
        out.append(_("The latest: %(items)s.") % {"items": items})
    out.extend(service_sentences(f.service))
    return out


def build(found: Found) -> list[Block]:
    return paragraphs([joined(sentences(found.facts, found.source.period))], found)


def next_steps(found: Found) -> list[str]:
    f: ProjectFacts = found.facts
    out = []
    if f.guarantees_overdue:
        out.append(
            fill(
                _(
                    "Have each department close its %(overdue)d overdue element guarantee "
                    "items, or give a new date, before the next scheduling meeting."
                ),
                {"overdue": f.guarantees_overdue},
                overdue="guarantees_overdue",
            )
        )
    if not f.red:
        return out
    return [
        *out,
        fill(
            _(
                "Bring the %(red)d late nodes of the key projects back on plan, each with its "
                "department and person in charge and a date, at the weekly scheduling meeting."
            ),
            {"red": f.red},
            red="nodes_red",
        ),
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
