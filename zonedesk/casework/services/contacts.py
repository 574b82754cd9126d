"""Contacts with firms (visits and calls, with the problems heard) and their contact plans."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.casework import access
from zonedesk.casework.models import Contact, ContactPlan, Problem
from zonedesk.casework.services.problems import submit
from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import (
    audit_scope,
    clean,
    created_once,
    version_bump,
    version_matches,
)
from zonedesk.org.access import MANAGER_ROLES


@dataclass(frozen=True)
class ProblemData:
    """A problem heard during a contact."""

    category: str
    title: str
    description: str = ""
    severity: str = Problem.Severity.NORMAL
    anonymous: bool = False


def _works_for(user, zone) -> bool:
    """Staff of the zone, of one of its departments, or of an area above it (a county's or
    city's leader joining a visit)."""
    if user.zone_id == zone.pk:
        return True
    if user.department is not None and user.department.zone_id == zone.pk:
        return True
    return user.area_id is not None and zone.area.code.startswith(user.area.scope_prefix)


def check_staff_of_zone(users: Iterable, zone, field: str) -> None:
    wrong = [u for u in users if not _works_for(u, zone)]
    if wrong:
        raise ValidationFailed(
            {
                field: [
                    _("%(user)s does not work for %(zone)s.") % {"user": u, "zone": zone}
                    for u in wrong
                ]
            }
        )


@transaction.atomic
def contact_log(
    *,
    actor: Actor,
    enterprise,
    date: dt.date,
    kind: str,
    participants: Sequence = (),
    notes: str = "",
    figures_seen: str = "",
    follow_up_on: dt.date | None = None,
    problems: Sequence[ProblemData] = (),
) -> Contact:
    """Record a visit or call (by the firm's officer or a manager), with the problems raised."""
    if not access.can_log_contact(actor, enterprise):
        raise PermissionDenied(
            _("Only the firm's liaison officer or a zone leader can record a contact with it.")
        )
    errors: dict[str, list[str]] = {}
    if date > timezone.localdate():
        errors["date"] = [_("A contact cannot be in the future.")]
    if follow_up_on is not None and follow_up_on < date:
        errors["follow_up_on"] = [_("The follow-up cannot come before the contact.")]
    if errors:
        raise ValidationFailed(errors)
    participants = list(participants)
    check_staff_of_zone(participants, enterprise.zone, "participants")
    contact = Contact(
        enterprise=enterprise,
        date=date,
        kind=kind,
        notes=notes.strip(),
        figures_seen=figures_seen.strip(),
        follow_up_on=follow_up_on,
        created_by=user_or_none(actor),
    )
    clean(contact)
    contact.save()
    contact.participants.set(participants)
    changes = audit.diff(
        {}, audit.snapshot(contact, ["enterprise", "date", "kind", "notes", "follow_up_on"])
    )
    changes["participants"] = [None, sorted(u.pk for u in participants)]
    audit.record(
        actor=actor, action="create", instance=contact, changes=changes, **audit_scope(contact)
    )
    for data in problems:
        submit(
            actor=actor,
            enterprise=enterprise,
            category=data.category,
            title=data.title,
            description=data.description,
            raised_via=None,
            severity=data.severity,
            anonymous=data.anonymous,
            contact=contact,
            on=date,
        )
    return contact


KEEP = object()  # plan_set: leave the leading cadre as it is
PLAN_FIELDS = ("visit_every_days", "call_every_days", "at_risk", "leading_cadre")


@transaction.atomic
def plan_set(
    *,
    actor: Actor,
    enterprise,
    visit_every_days: int,
    call_every_days: int,
    at_risk: bool = False,
    leading_cadre=KEEP,
    expected_version: int | None = None,
) -> ContactPlan:
    """Create or change the firm's contact plan; the leading cadre (包联领导) is named by a
    manager (KEEP leaves it as it is). `expected_version`: the plan's version the editor read
    (0: the firm had none); StaleVersion if it changed since. None: no compare."""
    if not access.can_set_plan(actor, enterprise):
        raise PermissionDenied(
            _("Only the firm's liaison officer or a zone leader can set its contact plan.")
        )
    stored = ContactPlan.objects.select_for_update().filter(enterprise=enterprise)
    plan = stored.first()
    created = plan is None
    if created:
        plan = ContactPlan(enterprise=enterprise)
    version_matches(None if created else plan, expected_version, absent=plan)
    before = {} if created else audit.snapshot(plan, PLAN_FIELDS)
    if leading_cadre is KEEP:
        leading_cadre = plan.leading_cadre
    elif (
        leading_cadre.pk if leading_cadre else None
    ) != plan.leading_cadre_id and not access.can_set_leading_cadre(actor, enterprise):
        raise PermissionDenied(_("Only a zone leader can name the leading cadre."))
    if leading_cadre is not None and not (
        leading_cadre.has_role(*MANAGER_ROLES) and leading_cadre.zone_id == enterprise.zone_id
    ):
        raise ValidationFailed(
            {
                "leading_cadre": [
                    _("%(user)s is not a leader of %(zone)s.")
                    % {"user": leading_cadre, "zone": enterprise.zone}
                ]
            }
        )
    plan.visit_every_days = visit_every_days
    plan.call_every_days = call_every_days
    plan.at_risk = at_risk
    plan.leading_cadre = leading_cadre
    clean(plan, exclude=["enterprise"])
    changes = audit.diff(before, audit.snapshot(plan, PLAN_FIELDS))
    if created:
        with created_once(plan, expected_version, existing=stored):
            plan.save()
    elif changes:
        plan.save()
        version_bump(plan)
    if changes or created:
        audit.record(
            actor=actor,
            action="create" if created else "update",
            instance=plan,
            changes=changes,
            **audit_scope(plan),
        )
    return plan
