"""What policies has due for a user, for the notification centre and the daily digest
(notices.registry discovers `DUE`): the benefit steps waiting on them, one line per firm."""

import datetime as dt
from collections import Counter, defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from zonedesk.notices.registry import DueItem, Kind, Provider
from zonedesk.policies import selectors
from zonedesk.policies.models import Entitlement

DUE = [Provider(kind=Kind.BENEFIT_STEP, items="zonedesk.policies.due.benefit_steps", order=30)]


def benefit_steps(user, *, today: dt.date) -> list[DueItem]:
    """Per firm, how many of its benefits wait on the user, by the step they are at."""
    firms: dict[int, tuple[str, Counter]] = defaultdict(lambda: ("", Counter()))
    for e in selectors.steps_waiting_on(user):
        name, states = firms[e.enterprise_id]
        states[e.state] += 1
        firms[e.enterprise_id] = (e.enterprise.name, states)
    out = []
    for pk, (name, states) in firms.items():
        detail = " · ".join(
            f"{Entitlement.State(state).label} {n}" for state, n in sorted(states.items())
        )
        out.append(
            DueItem(
                kind=Kind.BENEFIT_STEP,
                title=_("%(firm)s: %(n)d benefits waiting on a step")
                % {"firm": name, "n": sum(states.values())},
                detail=detail,
                link=reverse("policies:firm", args=[pk]),
            )
        )
    return out
