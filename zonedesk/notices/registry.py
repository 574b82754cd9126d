"""What is due for a user, gathered from the apps that know: the registry of due-item providers.

notices sits below the domain apps, so it never imports them. Each app that has something due
for its users declares it in its own `due.py` module:

    DUE = [Provider(kind=Kind.CONTACT_DUE, items="zonedesk.casework.due.contacts", order=10)]

`items` names a function `(user, *, today) -> list[DueItem]` that reads the app's own selectors
for that user. The providers are discovered (like the work summary's sections,
reports.summary.parts), so a new app adds what is due for its users without touching notices.
"""

import datetime as dt
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from zonedesk.org.models import Role

MODULE = "due"


class Kind(models.TextChoices):
    """What a notification is about; a user chooses per kind which channels bring it."""

    CONTACT_DUE = "contact_due", _("Contacts due")
    PROBLEM_DUE = "problem_due", _("Problem deadlines")
    BENEFIT_STEP = "benefit_step", _("Benefit steps waiting")
    REMINDER = "reminder", _("Reminders from leaders")
    PROJECT_LIGHT = "project_light", _("Key project nodes turning yellow or red")
    REPLAN_ASKED = "replan_asked", _("Re-plans to decide")
    REPLAN_DECIDED = "replan_decided", _("Decisions on my re-plans")


# Who can ever receive each kind, by role: the channels form offers a user only these (a firm's
# user has no contact plan, no problem to handle and no leader to remind them). Contacts are the
# liaison officer's; a problem waits on its person in charge (any of the zone's staff), its
# department or the firm's officer, and a leader's reminder goes to that same person; a benefit
# step waits on the firm's officer or, to apply, on the firm's own user.
RECEIVED_BY: dict[str, frozenset[str]] = {
    Kind.CONTACT_DUE: frozenset({Role.OFFICER}),
    Kind.PROBLEM_DUE: frozenset({Role.LEADER, Role.OFFICER, Role.DEPARTMENT}),
    Kind.BENEFIT_STEP: frozenset({Role.OFFICER, Role.ENTERPRISE}),
    Kind.REMINDER: frozenset({Role.LEADER, Role.OFFICER, Role.DEPARTMENT}),
    # A key project's node: its person in charge (any of the zone's staff), the project's
    # service officer, or its leading cadre when it has neither (projects remind).
    Kind.PROJECT_LIGHT: frozenset({Role.LEADER, Role.OFFICER, Role.DEPARTMENT}),
    # A key project's re-plan: asked of the leaders who may approve it (projects.access), its
    # decision told to whoever asked (a manager, the service officer, the node's department).
    Kind.REPLAN_ASKED: frozenset({Role.LEADER}),
    Kind.REPLAN_DECIDED: frozenset({Role.ADMIN, Role.LEADER, Role.OFFICER, Role.DEPARTMENT}),
}


@dataclass(frozen=True)
class DueItem:
    """One thing due for the user: what, where to act, by when."""

    kind: str
    title: str
    link: str
    detail: str = ""
    due_on: dt.date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class Provider:
    kind: str
    items: str  # dotted path of (user, *, today) -> list[DueItem]
    order: int = 100

    def load(self) -> Callable[..., list[DueItem]]:
        return import_string(self.items)


def providers() -> list[Provider]:
    """Every installed app's providers (its `due.DUE`), in order."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.{MODULE}"
        if importlib.util.find_spec(name) is None:
            continue
        declared = getattr(importlib.import_module(name), "DUE", ())
        found += [p for p in declared if isinstance(p, Provider)]
    return sorted(found, key=lambda p: (p.order, p.kind, p.items))
