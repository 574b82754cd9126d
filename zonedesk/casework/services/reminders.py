"""A leader's one-click reminder from the escalation page to the person responsible for a late
item: a notification (and an e-mail, by the recipient's choice) through notices, audited there,
at most one per item and day whoever clicks."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from zonedesk.casework import access, selectors
from zonedesk.casework.selectors.escalation import BENEFIT, CONTACT, PROBLEM
from zonedesk.core.actors import Actor
from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.notices import services as notices
from zonedesk.notices.registry import Kind


def _what(item) -> dict[str, str]:
    """The task the person is reminded of, and how late it is (worded apart, so that the title
    and the body put them together as a sentence, not as labels strung with colons)."""
    if item.kind == PROBLEM:
        task = _("the problem “%(title)s” of %(firm)s") % {"title": item.title, "firm": item.firm}
        late = _("overdue %(days)d days") % {"days": item.days}
    elif item.kind == CONTACT:
        task = _("the contact with %(firm)s") % {"firm": item.firm}
        late = item.detail
    else:
        task = _("the benefit “%(title)s” of %(firm)s") % {"title": item.title, "firm": item.firm}
        late = _("waiting %(days)d working days") % {"days": item.days}
    return {"task": task, "late": late}


@transaction.atomic
def reminder_send(*, actor: Actor, kind: str, pk: int, today: dt.date):
    """Remind the person responsible for one row of the actor's escalation page (an overdue
    problem, a firm past its contact plan, a stuck benefit). Refused when the item is not on
    the page (not late, or outside the leader's unit), nobody is responsible, or a reminder
    about it was already sent today (notices.services.AlreadySent)."""
    if not access.can_escalate(actor):
        raise PermissionDenied
    if kind not in (PROBLEM, CONTACT, BENEFIT):
        raise ValidationFailed({"kind": [_("Unknown kind of item: %s") % kind]})
    item = selectors.late_item(actor, kind=kind, pk=pk, today=today)
    if item is None:
        raise NotFound(_("This item is no longer late, or not in your unit."))
    if item.responsible is None:
        raise ValidationFailed(
            {
                "__all__": [
                    _("Nobody is responsible for %(firm)s: assign a liaison officer first.")
                    % {"firm": item.firm}
                ]
            }
        )
    return notices.notify(
        actor=actor,
        recipient=item.responsible,
        kind=Kind.REMINDER,
        title=(_("Please deal with %(task)s, %(late)s") % _what(item))[:200],
        body=_("%(leader)s reminds you to deal with: %(task)s, %(late)s.")
        % {"leader": actor, **_what(item)},
        link=item.link,
        about=item.about,
        once_per_day=True,
        today=today,
    )
