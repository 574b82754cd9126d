"""The data of the work summary's sections: one function per section, named by its
`SUMMARY.data`, that reads the domain selectors for the acting user and the summary's scope and
period, and hands the plain facts with their source to the section (reports.sections, pure).

Each function takes a `reports.summary.Ask` and returns `Found` or `Missing` (why the section
is left out)."""

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from zonedesk.casework import selectors as casework
from zonedesk.chain import leads_selectors
from zonedesk.finance import selectors as financing
from zonedesk.monitoring import selectors as monitoring
from zonedesk.policies import selectors as policies
from zonedesk.projects import selectors as projects
from zonedesk.reports.document import Source
from zonedesk.reports.sections.part import Found, Missing
from zonedesk.reports.sections.production import YTD_MEASURES, Production
from zonedesk.reports.sections.words import month_label

if TYPE_CHECKING:
    from zonedesk.reports.summary import Ask


def _not_yours(ask: "Ask") -> Missing:
    return Missing(
        _("Your role does not show the liaison work and problems of %(scope)s.")
        % {"scope": ask.scope.label}
    )


def production(ask: "Ask") -> Found | Missing:
    """Section 一: monitoring's status of the period's last month, with January to it."""
    last = ask.period.last
    st = monitoring.status(ask.user, ask.scope, last)
    if not st.summary.reporting:
        return Missing(
            _("No monthly figures have been reported for %(month)s.") % {"month": month_label(last)}
        )
    period = month_label(last)
    if ask.period.months > 1:
        period = _("%(month)s, and months 1–%(last)d in all") % {
            "month": period,
            "last": last.month,
        }
    source = Source(
        "monitoring.selectors.status",
        ask.scope.label,
        period,
        monitoring.figures_as_of(ask.user, ask.scope, last),
    )
    ytd = {m: st.ytd[m] for m in (*YTD_MEASURES, "water_t") if m in st.ytd}
    comparable = {m: st.ytd_comparable[m] for m in ytd if m in st.ytd_comparable}
    return Found(
        Production(
            st.facts, ytd, ask.period.months, tuple(st.year_output), ytd_comparable=comparable
        ),
        source,
    )


def difficulties(ask: "Ask") -> Found | Missing:
    """Section 二: what the firms raised over the period, by category."""
    found = casework.difficulties(
        ask.user,
        zones=ask.scope.zones,
        first=ask.period.first,
        last=ask.period.last,
        label=ask.period.label,
        today=ask.today,
    )
    if found is None:
        return _not_yours(ask)
    if not any(c.raised for c in found.categories):
        return Missing(_("No problem was raised in %(period)s.") % {"period": ask.period.label})
    as_of = casework.problems_as_of(ask.user, zones=ask.scope.zones)
    source = Source("casework.selectors.difficulties", ask.scope.label, ask.period.label, as_of)
    return Found(found, source)


def liaison(ask: "Ask") -> Found | Missing:
    """Section 三（一）: 一企一员、一企一策."""
    facts = casework.liaison(
        ask.user,
        zones=ask.scope.zones,
        first=ask.period.first,
        last=ask.period.last,
        today=ask.today,
    )
    if facts is None:
        return _not_yours(ask)
    if facts.empty:
        return Missing(
            _("No contact, contact plan, plan action or problem is recorded for %(period)s.")
            % {"period": ask.period.label}
        )
    source = Source("casework.selectors.liaison", ask.scope.label, ask.period.label, facts.as_of)
    return Found(facts, source)


def support(ask: "Ask") -> Found | Missing:
    """Section 三（二）: 政策落实."""
    facts = policies.support(
        ask.user, zones=ask.scope.zones, first=ask.period.first, last=ask.period.last
    )
    if facts is None or facts.empty:
        return Missing(
            _("No support measure was in force and no firm qualified for one in %(period)s.")
            % {"period": ask.period.label}
        )
    source = Source("policies.selectors.support", ask.scope.label, ask.period.label, facts.as_of)
    return Found(facts, source)


def key_projects(ask: "Ask") -> Found | Missing:
    """Section 三: 项目落地建设投产 (the key projects followed, their nodes and lights)."""
    facts = projects.summary(
        ask.user,
        zones=ask.scope.zones,
        first=ask.period.first,
        last=ask.period.last,
        today=ask.today,
    )
    if facts is None:
        return Missing(
            _("Your role does not show the key projects of %(scope)s.") % {"scope": ask.scope.label}
        )
    if facts.empty:
        return Missing(
            _("No key project had been signed by the end of %(period)s.")
            % {"period": ask.period.label}
        )
    source = Source("projects.selectors.summary", ask.scope.label, ask.period.label, facts.as_of)
    return Found(facts, source)


def finance(ask: "Ask") -> Found | Missing:
    """Section 三: 银企对接 (financing needs shared with banks, approved, disbursed)."""
    facts = finance_summary(ask)
    if facts is None:
        return Missing(
            _("Your role does not show the financing needs of %(scope)s.")
            % {"scope": ask.scope.label}
        )
    if facts.empty:
        return Missing(
            _("No financing need was shared with a bank in %(period)s.")
            % {"period": ask.period.label}
        )
    source = Source("finance.selectors.summary", ask.scope.label, ask.period.label, facts.as_of)
    return Found(facts, source)


def finance_summary(ask: "Ask"):
    return financing.summary(
        ask.user,
        zones=ask.scope.zones,
        first=ask.period.first,
        last=ask.period.last,
        today=ask.today,
    )


def attraction(ask: "Ask") -> Found | Missing:
    """Section 三: 招商引资 (investment leads worked, signed into key projects, landed)."""
    end = ask.period.last.shift(1).first_day - dt.timedelta(days=1)
    facts = leads_selectors.attraction(
        ask.user, zones=ask.scope.zones, first=ask.period.first.first_day, last=end, today=ask.today
    )
    if facts is None:
        return Missing(
            _("Your role does not show the investment leads of %(scope)s.")
            % {"scope": ask.scope.label}
        )
    if facts.empty:
        return Missing(
            _("No investment lead was worked in %(period)s.") % {"period": ask.period.label}
        )
    source = Source(
        "chain.leads_selectors.attraction", ask.scope.label, ask.period.label, facts.as_of
    )
    return Found(facts, source)
