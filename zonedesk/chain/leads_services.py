"""Investment leads: add, edit, log an activity, the one transition service along
leads_flows.LEAD (signing creates the key project), and the merge of duplicates."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zonedesk.chain import leads_access as access
from zonedesk.chain.leads_flows import LEAD, OPEN_STAGES, OWNER
from zonedesk.chain.leads_models import Lead, LeadActivity, LeadEvent, LeadSource
from zonedesk.core import audit
from zonedesk.core.actors import Actor, is_system, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import (
    audit_scope,
    audited_update,
    clean,
    version_bump,
    version_check,
)
from zonedesk.org.models import Role
from zonedesk.projects import selectors as project_selectors
from zonedesk.projects import services as projects
from zonedesk.projects import templates_default

S = Lead.Stage
LEAD_FIELDS = (
    "name",
    "credit_code",
    "region",
    "industry_code",
    "gap_node",
    "source",
    "introducer",
    "owner",
    "department",
    "next_action",
    "next_action_due",
    "investment_wan",
    "jobs",
    "output_wan",
    "note",
)
FLOW_FIELDS = ("stage", "paused_from", "drop_reason", "project", "stage_since")


def stale_days() -> int:
    """A lead open at 线索 to 洽谈 with no activity for this many days is stale (settings:
    ZONEDESK["LEAD_STALE_DAYS"], 30 by default; the lead's creation counts as its first
    activity)."""
    return int(settings.ZONEDESK.get("LEAD_STALE_DAYS", 30))


def is_stale(lead: Lead, today: dt.date) -> bool:
    """Open, not merged (a merged lead is worked as the lead it went into), and idle."""
    if lead.stage not in OPEN_STAGES or lead.merged_into_id is not None:
        return False
    last = lead.last_activity_on or timezone.localdate(lead.created_at)
    return (today - last).days > stale_days()


@dataclass(frozen=True)
class LeadData:
    name: str
    region: str
    source: str
    credit_code: str = ""
    industry_code: str = ""
    gap_node: object = None
    introducer: object = None
    owner: object = None  # None: the acting user
    department: object = None  # None: the owner's department
    next_action: str = ""
    next_action_due: dt.date | None = None
    investment_wan: Decimal | None = None
    jobs: int | None = None
    output_wan: Decimal | None = None
    note: str = ""


def _may_own(person, zone) -> bool:
    return (
        person is not None
        and getattr(person, "is_active", False)
        and not person.is_superuser
        and person.has_role(*access.OWNERS)
        and person.zone_id == zone.pk
    )


def _chain_covers(chain, zone) -> bool:
    """A chain of the zone itself, or of an area over it."""
    if chain.zone_id is not None:
        return chain.zone_id == zone.pk
    return zone.area.code.startswith(chain.area.scope_prefix)


def _values(actor: Actor, zone, data: LeadData, lead: Lead | None) -> dict:
    """The lead's values from `data`, checked beyond the model's own validation."""
    values = {f: getattr(data, f) for f in LEAD_FIELDS}
    for name in ("name", "credit_code", "industry_code", "next_action", "note"):
        values[name] = (values[name] or "").strip()
    errors: dict[str, list] = {}
    owner = data.owner
    if owner is None:
        owner = lead.owner if lead is not None else (None if is_system(actor) else actor)
    if owner is None or not _may_own(owner, zone):
        errors["owner"] = [
            _("The owner must be a leader, officer or department member of the zone.")
        ]
    elif (
        lead is not None and owner.pk != lead.owner_id and not access.can_manage_leads(actor, zone)
    ):
        errors["owner"] = [_("Only the zone's leaders or administrators hand a lead over.")]
    values["owner"] = owner
    if values["department"] is None and owner is not None:
        values["department"] = owner.department
    dept = values["department"]
    if dept is not None and dept.zone_id != zone.pk:
        errors["department"] = [_("The department must be one of the zone's.")]
    node = values["gap_node"]
    if node is not None and not _chain_covers(node.chain, zone):
        errors["gap_node"] = [_("The node must be of a chain of the zone or of its area.")]
    introducer = values["introducer"]
    if data.source == LeadSource.INTRODUCED:
        if introducer is None:
            errors["introducer"] = [_("Choose the local firm that introduced the company.")]
        elif introducer.zone_id != zone.pk:
            errors["introducer"] = [_("The introducer must be a firm of the zone.")]
    else:
        values["introducer"] = None
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def lead_create(*, actor: Actor, zone, data: LeadData, on: dt.date | None = None) -> Lead:
    """A new lead of `zone` at 线索, owned by the actor (or, set by the zone's managers,
    another of the zone's staff); `on`: the day it came in, when entered later (not in the
    future). Possible duplicates are shown by the form (leads_selectors.duplicates), not
    refused: the zone's managers merge them."""
    if not access.can_add_lead(actor, zone):
        raise PermissionDenied(_("Only the zone's own staff add its investment leads."))
    if data.owner is not None and data.owner != actor and not access.can_manage_leads(actor, zone):
        raise ValidationFailed(
            {"owner": [_("Only the zone's leaders or administrators hand a lead over.")]}
        )
    values = _values(actor, zone, data, None)
    day = _day(on)
    lead = Lead(
        zone=zone,
        created_by=user_or_none(actor),
        created_at=_noon(on) or timezone.now(),
        stage_since=day,
        **values,
    )
    clean(lead)
    lead.save()
    audit.record(
        actor=actor,
        action="create",
        instance=lead,
        changes=audit.diff({}, audit.snapshot(lead, ("zone", "stage", *LEAD_FIELDS))),
        **audit_scope(lead),
    )
    return lead


@transaction.atomic
def lead_update(
    *, actor: Actor, lead: Lead, data: LeadData, expected_version: int | None = None
) -> Lead:
    """Change a lead's fields (not its stage: lead_transition): its owner or the zone's
    managers; refused on a stale version; audited field by field."""
    if not access.can_edit_lead(actor, lead):
        raise PermissionDenied(_("Only the lead's owner or the zone's leaders can change it."))
    if lead.merged_into_id is not None:
        raise ValidationFailed({"__all__": [_("A merged lead cannot be changed.")]})
    values = _values(actor, lead.zone, data, lead)
    audited_update(
        actor=actor,
        instance=lead,
        data=values,
        fields=LEAD_FIELDS,
        expected_version=expected_version,
    )
    return lead


@transaction.atomic
def lead_activity_add(
    *, actor: Actor, lead: Lead, kind: str, on: dt.date, note: str
) -> LeadActivity:
    """Log a call, visit, meeting or delegation on a lead (which is then no longer stale)."""
    if not access.can_edit_lead(actor, lead):
        raise PermissionDenied(_("Only the lead's owner or the zone's leaders can log its work."))
    if lead.merged_into_id is not None:
        raise ValidationFailed({"__all__": [_("A merged lead cannot be changed.")]})
    if on is not None and on > timezone.localdate():
        raise ValidationFailed({"on": [_("The date cannot be in the future.")]})
    activity = LeadActivity(
        lead=lead,
        kind=kind,
        on=on,
        note=(note or "").strip(),
        by=user_or_none(actor),
        by_name=getattr(actor, "username", "") or "system",
    )
    clean(activity, exclude=["lead"])
    activity.save()
    if lead.last_activity_on is None or on > lead.last_activity_on:
        Lead.objects.filter(pk=lead.pk).update(last_activity_on=on)
        lead.last_activity_on = on
    audit.record(
        actor=actor,
        action="create",
        instance=activity,
        changes=audit.diff({}, audit.snapshot(activity, ("lead", "kind", "on", "note"))),
        **audit_scope(lead),
    )
    return activity


def _day(on: dt.date | None) -> dt.date:
    """The day a move or a lead is dated: `on`, never in the future, else today."""
    today = timezone.localdate()
    if on is not None and on > today:
        raise ValidationFailed({"on": [_("The date cannot be in the future.")]})
    return on or today


def _noon(on: dt.date | None) -> dt.datetime | None:
    """A day entered afterwards, as the time its row is stamped with."""
    if on is None:
        return None
    return timezone.make_aware(dt.datetime.combine(on, dt.time(12)))


def _move_stamp(lead: Lead, on: dt.date | None) -> dt.datetime:
    """The time a move's event is stamped with: now for a move made or dated today, noon of
    the day entered afterwards; and never before the lead's last event of that day (a signing
    backdated to a day of earlier moves sorts after them), the event still dated that day."""
    now = timezone.now()
    at = now if on is None or on == timezone.localdate() else _noon(on)
    last = lead.events.order_by("-at").values_list("at", flat=True).first()
    if last is not None and last >= at:
        later = last + dt.timedelta(seconds=1)
        if timezone.localtime(later).date() == timezone.localtime(at).date():
            at = later
    return at


def _project_code(lead: Lead, signed_on: dt.date) -> str:
    return f"ZS-{signed_on.year}-{lead.pk:04d}"


def _sign_node_done(*, actor: Actor, project, signed_on: dt.date) -> None:
    """The project's 签约 node completed on the signing day (the signing is what it asks for),
    through the projects' node service, audited there; a template without it has none."""
    node = project_selectors.open_node(project, templates_default.SIGN)
    if node is not None:
        projects.node_complete(actor=actor, node=node, done_on=signed_on)


def _sign(
    *, actor: Actor, lead: Lead, signed_on: dt.date, first_production_month: dt.date
) -> object:
    """The key project a signed lead becomes (projects.services.project_create): an industrial,
    county-level project of the lead's company (by name and credit code), industry, estimated
    investment and output, served by the lead's owner when they are an officer of the zone."""
    owner = lead.owner
    officer = owner if owner.has_role(Role.OFFICER) and owner.zone_id == lead.zone_id else None
    try:
        project = projects.project_create(
            actor=actor,
            zone=lead.zone,
            data=projects.ProjectData(
                code=_project_code(lead, signed_on),
                name=_("%(company)s investment project") % {"company": lead.name},
                level="county",
                kind="industrial",
                total_investment_wan=lead.investment_wan or Decimal(0),
                first_production_month=first_production_month,
                signed_on=signed_on,
                investor_name=lead.name,
                investor_credit_code=lead.credit_code,
                industry_code=lead.industry_code,
                expected_output_wan=lead.output_wan,
                service_officer=officer,
            ),
        )
        _sign_node_done(actor=actor, project=project, signed_on=signed_on)
        return project
    except ValidationFailed as exc:
        # The project's own refusal, said about the lead (its fields are the lead's).
        raise ValidationFailed(
            {
                "__all__": [
                    _("The key project could not be registered: %(why)s")
                    % {"why": " ".join(str(m) for ms in exc.errors.values() for m in ms)}
                ]
            }
        ) from exc


@transaction.atomic
def lead_transition(
    *,
    actor: Actor,
    lead: Lead,
    to: str,
    reason: str = "",
    signed_on: dt.date | None = None,
    first_production_month: dt.date | None = None,
    note: str = "",
    on: dt.date | None = None,
    project=None,
    expected_version: int | None = None,
) -> Lead:
    """The one move of a lead along leads_flows.LEAD: a pause remembers the stage and its reason
    (in the event row), a drop its reason, signing registers the key project and links it (or links `project`, when the zone
    registered the lead's project already); each move writes its event row and audit entry,
    and resets the days in the stage. `on`: the day of the move, when entered later. One who
    may not move the lead at all is refused (403) before its version or state is read."""
    if not access.can_edit_lead(actor, lead):
        raise PermissionDenied(LEAD.refusals[OWNER])
    version_check(lead, expected_version)
    lead = Lead.objects.select_for_update(of=("self",)).get(pk=lead.pk)
    if lead.merged_into_id is not None:
        raise ValidationFailed({"__all__": [_("A merged lead cannot be moved.")]})
    reason = (reason or "").strip()
    if to == S.SIGNED and on is None:
        on = signed_on  # a signing entered afterwards is dated on its day, its event too
    if project is not None and first_production_month is None:
        first_production_month = project.first_production_month
    LEAD.check(
        actor=actor,
        obj=lead,
        move=to,
        inputs={"reason": reason or None, "first_production_month": first_production_month},
    )
    if on is not None and on < lead.stage_since:
        # before the stage began: the time in the stage would be negative (the funnel's medians)
        raise ValidationFailed(
            {
                "signed_on" if to == S.SIGNED else "on": [
                    _(
                        "The date cannot be before %(since)s, the day the lead entered its "
                        "current stage."
                    )
                    % {"since": date_format(lead.stage_since)}
                ]
            }
        )
    today = _day(on)
    before = audit.snapshot(lead, FLOW_FIELDS)
    payload: dict = {}
    match to:
        case S.PAUSED:
            lead.paused_from = lead.stage
            payload["reason"] = reason
        case S.DROPPED:
            lead.drop_reason = reason
            payload["reason"] = reason
        case S.SIGNED:
            day = signed_on or today
            if day > timezone.localdate():
                raise ValidationFailed({"signed_on": [_("The date cannot be in the future.")]})
            if project is None:
                project = _sign(
                    actor=actor,
                    lead=lead,
                    signed_on=day,
                    first_production_month=first_production_month,
                )
            elif project.zone_id != lead.zone_id or project_has_lead(project):
                raise ValidationFailed(
                    {"project": [_("Choose a key project of the zone that no lead has yet.")]}
                )
            else:
                _sign_node_done(actor=actor, project=project, signed_on=day)
            lead.project = project
            payload["project"] = project.pk
        case _:
            if lead.stage == S.PAUSED:
                lead.paused_from = ""
    if note.strip():
        payload["note"] = note.strip()
    lead.stage_since = today
    LEAD.apply(
        actor=actor,
        obj=lead,
        move=to,
        before=before,
        audited=FLOW_FIELDS,
        scope=audit_scope(lead),
        payload=payload,
        at=_move_stamp(lead, on),
    )
    version_bump(lead)
    return lead


def project_has_lead(project) -> bool:
    """Whether a lead is linked to the project already."""
    return Lead.objects.filter(project=project).exists()


def leads_land_producing(*, actor: Actor, zone=None, on: dt.date | None = None) -> list[Lead]:
    """Land (落地) every signed lead whose key project is now in production: for the scheduled
    run and the demo (the owner may also do it on the lead's page)."""
    qs = Lead.objects.filter(stage=S.SIGNED, merged_into__isnull=True).exclude(
        project__state="active"
    )
    if zone is not None:
        qs = qs.filter(zone=zone)
    return [lead_transition(actor=actor, lead=lead, to=S.LANDED, on=on) for lead in qs]


@transaction.atomic
def lead_merge(
    *,
    actor: Actor,
    keep: Lead,
    drop: Lead,
    expected_versions: tuple[int, int] | None = None,
) -> Lead:
    """Merge duplicate `drop` into `keep` (the zone's leaders and administrators): the
    activities and events of `drop` move onto `keep` (marked as moved from it), a "merged" event
    is written in both histories, `drop` is marked merged and closed, and the merge is audited
    on both leads. Nothing is deleted. Its project (a signed duplicate) moves too when `keep`
    has none; two signed leads are not merged."""
    if keep.pk == drop.pk:
        raise ValidationFailed({"keep": [_("Choose another lead to merge with.")]})
    if keep.zone_id != drop.zone_id:
        raise ValidationFailed({"keep": [_("Only leads of one zone are merged.")]})
    if not access.can_manage_leads(actor, keep.zone):
        raise PermissionDenied(_("Only the zone's leaders or administrators merge leads."))
    keep_v, drop_v = expected_versions or (None, None)
    version_check(keep, keep_v)
    version_check(drop, drop_v)
    keep = Lead.objects.select_for_update(of=("self",)).get(pk=keep.pk)
    drop = Lead.objects.select_for_update(of=("self",)).get(pk=drop.pk)
    if keep.merged_into_id is not None or drop.merged_into_id is not None:
        raise ValidationFailed({"keep": [_("A lead merged already cannot be merged again.")]})
    if keep.project_id is not None and drop.project_id is not None:
        raise ValidationFailed(
            {"keep": [_("Both leads have a key project: they cannot be merged.")]}
        )
    moved_activities = list(drop.activities.values_list("pk", flat=True))
    moved_events = list(drop.events.values_list("pk", flat=True))
    LeadActivity.objects.filter(pk__in=moved_activities).update(lead=keep, moved_from=drop)
    # Event rows are never changed but for the lead they belong to (core.workflow's rows refuse
    # save(); an UPDATE of the key keeps every stamped column as it was).
    LeadEvent.objects.filter(pk__in=moved_events).update(lead=keep, moved_from=drop)
    before_keep = audit.snapshot(keep, ("project", "last_activity_on", "credit_code"))
    before_drop = audit.snapshot(drop, ("merged_into", "project", "stage"))
    if keep.project_id is None and drop.project_id is not None:
        keep.project_id, drop.project_id = drop.project_id, None
        drop.save(update_fields=["project"])  # free the one-to-one link first
    if not keep.credit_code and drop.credit_code:
        keep.credit_code = drop.credit_code
    if drop.last_activity_on and (
        keep.last_activity_on is None or drop.last_activity_on > keep.last_activity_on
    ):
        keep.last_activity_on = drop.last_activity_on
    keep.save(update_fields=["project", "credit_code", "last_activity_on"])
    drop.merged_into = keep
    drop.save(update_fields=["merged_into"])
    now = timezone.now()
    for lead, other, what in ((keep, drop, "merged_from"), (drop, keep, "merged_into")):
        LEAD.event(
            actor=actor,
            obj=lead,
            move="merged",
            from_state=lead.stage,
            to_state=lead.stage,
            at=now,
            payload={
                what: other.pk,
                "name": other.name,
                "activities": len(moved_activities),
                "events": len(moved_events),
            },
        ).save()
    audit.record(
        actor=actor,
        action="update",
        instance=keep,
        changes={
            **audit.diff(
                before_keep, audit.snapshot(keep, ("project", "last_activity_on", "credit_code"))
            ),
            "merged_from": [None, drop.pk],
            "activities_moved": [None, len(moved_activities)],
            "events_moved": [None, len(moved_events)],
        },
        **audit_scope(keep),
    )
    audit.record(
        actor=actor,
        action="update",
        instance=drop,
        changes=audit.diff(before_drop, audit.snapshot(drop, ("merged_into", "project", "stage"))),
        **audit_scope(drop),
    )
    version_bump(keep)
    version_bump(drop)
    return keep
