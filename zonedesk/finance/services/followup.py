"""A declined need followed up: a casework problem of the financing category opened from it,
once, and linked to the need as a need raised from a problem is (FinancingNeed.problem)."""

from django.db import transaction
from django.utils.translation import gettext as _

from zonedesk.casework import services as casework
from zonedesk.casework.models import Problem
from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import audit_scope
from zonedesk.finance import access
from zonedesk.finance.models import FinancingNeed


@transaction.atomic
def need_problem_open(*, actor: Actor, need: FinancingNeed) -> Problem:
    """Turn a declined need into a financing problem of its firm, raised through the platform,
    with the bank's reason in its description. A need already linked to a problem (raised from
    one, or turned into one before) keeps it: a second call returns that problem."""
    need = (
        FinancingNeed.objects.select_for_update(of=("self",))
        .select_related("enterprise__zone__area", "bank", "problem")
        .get(pk=need.pk)
    )
    if not access.can_raise_need(actor, need.enterprise):
        raise PermissionDenied(
            _("Only the firm, its liaison officer or the zone's leaders can do this.")
        )
    if need.problem is not None:
        return need.problem
    if need.status != FinancingNeed.Status.DECLINED:
        raise ValidationFailed({"need": [_("Only a declined need can be turned into a problem.")]})
    reason = need.get_decline_reason_display()
    bank = need.bank.name if need.bank else _("the bank")
    title = _("Financing declined: %(reason)s") % {"reason": reason}
    description = _(
        "%(bank)s declined the need of %(amount)s (10k yuan) for %(months)s months: %(reason)s."
    ) % {"bank": bank, "amount": need.amount_wan, "months": need.term_months, "reason": reason}
    if need.decline_note:
        description = f"{description}\n{need.decline_note}"
    problem = casework.problem_submit(
        actor=actor,
        enterprise=need.enterprise,
        category=Problem.Category.FINANCE,
        title=title[:200],
        description=description,
        raised_via=Problem.Via.ONLINE,
    )
    before = audit.snapshot(need, ("problem",))
    need.problem = problem
    need.save(update_fields=["problem"])
    audit.record(
        actor=actor,
        action="update",
        instance=need,
        changes=audit.diff(before, audit.snapshot(need, ("problem",))),
        **audit_scope(need.enterprise),
    )
    return problem
