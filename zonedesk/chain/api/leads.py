"""Investment leads over the API: the pipeline with its filters, one lead with its activities
and history, adding and editing one (version-checked), moving it along its stages, signing it
(it becomes a key project), logging an activity, merging a duplicate, the funnel. The pages'
selectors and services (leads_access decides who may do what, the services audit)."""

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from zonedesk.chain import leads_access as access
from zonedesk.chain import leads_selectors as selectors
from zonedesk.chain import leads_services as services
from zonedesk.chain.leads_models import Lead, LeadActivity, LeadRegion, LeadSource
from zonedesk.chain.leads_schemas import (
    LeadActivityIn,
    LeadActivityOut,
    LeadDetailOut,
    LeadFilterIn,
    LeadFunnelFilterIn,
    LeadFunnelGroupOut,
    LeadIn,
    LeadMergeIn,
    LeadMoveIn,
    LeadOut,
    LeadPatch,
    LeadSignIn,
)
from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.pagination import LazyPage, Pagination
from zonedesk.core.schemas import ID_MAX, ConflictOut
from zonedesk.org.selectors import zone_get
from zonedesk.projects import selectors as projects

router = Router(tags=["leads"])
S = Lead.Stage
CENT = Decimal("0.01")


def _one_of(values) -> list[str]:
    return [_("Not one of: %(values)s.") % {"values": ", ".join(values)}]


def _lead_out(lead: Lead, *, stale: bool) -> dict:
    node = lead.gap_node
    return {
        "id": lead.pk,
        "zone": lead.zone.code,
        "gap_node_id": lead.gap_node_id,
        "gap_node": f"{node.chain.name} · {node.name}" if node else None,
        "chain_id": node.chain_id if node else None,
        "owner_id": lead.owner_id,
        "owner": str(lead.owner),
        "department": lead.department.name if lead.department_id else None,
        "stale": stale,
        **{
            f: getattr(lead, f)
            for f in (
                "name",
                "credit_code",
                "region",
                "industry_code",
                "source",
                "introducer_id",
                "department_id",
                "stage",
                "stage_since",
                "paused_from",
                "drop_reason",
                "next_action",
                "next_action_due",
                "investment_wan",
                "jobs",
                "output_wan",
                "note",
                "last_activity_on",
                "project_id",
                "merged_into_id",
                "created_at",
                "version",
            )
        },
    }


def _viewer(request) -> None:
    if not access.can_view_leads(request.user):
        raise PermissionDenied(_("Your role does not read investment leads."))


def _lead(request, pk: int, *, merged: bool = True) -> Lead:
    """The lead, else 404 (as the pages: a role that reads no leads finds none)."""
    lead = selectors.lead_get(request.user, pk=pk, merged=merged)
    if lead is None:
        raise NotFound(_("No such investment lead."))
    return lead


def _detail(request, lead: Lead) -> dict:
    page = selectors.lead_page(request.user, _lead(request, lead.pk))
    activities, history = [], []
    for t in page.timeline:
        item = t.item
        if t.kind == "activity":
            activities.append(
                {
                    "id": item.pk,
                    "kind": item.kind,
                    "on": item.on,
                    "note": item.note,
                    "by": item.by_name or (str(item.by) if item.by_id else ""),
                    "moved_from_id": item.moved_from_id,
                }
            )
        else:
            history.append(
                {
                    "id": item.pk,
                    "move": item.move,
                    "from_state": item.from_state,
                    "to_state": item.to_state,
                    "actor": item.actor_name or (str(item.actor) if item.actor_id else ""),
                    "at": item.at,
                    "payload": item.payload,
                    "moved_from_id": item.moved_from_id,
                }
            )
    return {
        **_lead_out(page.lead, stale=page.stale),
        "moves": [m for m, _label in page.moves],
        "can_edit": page.can_edit,
        "can_merge": page.can_merge,
        "activities": activities,
        "history": history,
        "duplicates": [
            {
                "id": d.lead.pk,
                "name": d.lead.name,
                "credit_code": d.lead.credit_code,
                "stage": d.lead.stage,
                "owner": str(d.lead.owner),
                "why": d.why,
            }
            for d in page.duplicates
        ],
        "merged_from": [m.pk for m in page.merged_from],
    }


@router.get("/leads", response=list[LeadOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_leads(request, filters: Query[LeadFilterIn]):
    """The leads the caller sees (the zone's pipeline; a city's or province's, their zones'),
    by next action due, then newest; filtered by stage, source, region, chain, node, owner,
    stale (no activity for ZONEDESK LEAD_STALE_DAYS days) and the caller's own. 400 on a
    stage, source or region that is none of them."""
    _viewer(request)
    f = filters.dict()
    errors = {}
    for name, values in (("stage", S.values), ("source", LeadSource.values)):
        if f[name] and f[name] not in values:
            errors[name] = _one_of(values)
    if f["region"] and f["region"] not in LeadRegion.values:
        errors["region"] = _one_of(LeadRegion.values)
    if errors:
        raise ValidationFailed(errors)
    today = timezone.localdate()
    qs = selectors.lead_list(request.user, selectors.LeadFilters(**f), today=today)
    return LazyPage(qs, lambda lead: _lead_out(lead, stale=services.is_stale(lead, today)))


@router.get("/leads/funnel", response=list[LeadFunnelGroupOut])
def lead_funnel(request, filters: Query[LeadFunnelFilterIn]):
    """How many of the caller's leads reached each stage, the conversion to the next and the
    median days in each stage, for all the leads (group "") and per source, region, chain or
    owner (`by`)."""
    _viewer(request)
    if filters.by and filters.by not in selectors.GROUPINGS:
        raise ValidationFailed({"by": _one_of(selectors.GROUPINGS)})
    if filters.first and filters.last and filters.first > filters.last:
        raise ValidationFailed({"last": [_("The end is before the start.")]})
    groups = selectors.funnel(request.user, by=filters.by, first=filters.first, last=filters.last)
    return [
        {
            "group": g.group,
            "leads": g.leads,
            "signed": g.signed,
            "stages": [
                {
                    "stage": s.stage,
                    "reached": s.reached,
                    "conversion_pct": None
                    if s.conversion is None
                    else (s.conversion * 100).quantize(CENT, rounding=ROUND_HALF_UP),
                    "median_days": s.median_days,
                }
                for s in g.stages
            ],
        }
        for g in groups
    ]


@router.get("/leads/{int:pk}", response=LeadDetailOut)
def get_lead(request, pk: int = Path(..., ge=1, le=ID_MAX)):
    """One lead with its activities and history (moves and merges; a merged duplicate's moved
    over), the moves the caller may make now, and its possible duplicates."""
    return _detail(request, _lead(request, pk))


def _related(request, zone, fields: dict) -> dict:
    """`fields` with the ids of the node, introducer, owner and department resolved among what
    the zone offers (400 naming the field on an id that is none of them)."""
    out = dict(fields)
    errors = {}
    lookups = {
        "gap_node_id": (
            "gap_node",
            lambda pk: selectors.node_get(request.user, pk=pk),
            _("No such chain node of the zone's chains."),
        ),
        "introducer_id": (
            "introducer",
            lambda pk: selectors.introducer_get(zone, pk=pk),
            _("The introducer must be a firm of the zone."),
        ),
        "owner_id": (
            "owner",
            lambda pk: selectors.owner_get(request.user, pk=pk, zone=zone),
            _("The owner must be a leader, officer or department member of the zone."),
        ),
        "department_id": (
            "department",
            lambda pk: selectors.department_get(zone, pk=pk),
            _("The department must be one of the zone's."),
        ),
    }
    for key, (name, get, message) in lookups.items():
        if key not in out:
            continue
        pk = out.pop(key)
        out[name] = None if pk is None else get(pk)
        if pk is not None and out[name] is None:
            errors[key] = [message]
    if errors:
        raise ValidationFailed(errors)
    return out


def _choices(fields: dict) -> None:
    errors = {}
    if fields.get("region") is not None and fields["region"] not in LeadRegion.values:
        errors["region"] = _one_of(LeadRegion.values)
    if fields.get("source") is not None and fields["source"] not in LeadSource.values:
        errors["source"] = _one_of(LeadSource.values)
    if errors:
        raise ValidationFailed(errors)


NAMES = {"gap_node": "gap_node_id", "introducer": "introducer_id", "owner": "owner_id"}
NAMES |= {"department": "department_id", "project": "project_id"}


def _api_errors(exc: ValidationFailed) -> ValidationFailed:
    """The service's field errors named as the API's fields."""
    return ValidationFailed({NAMES.get(k, k): v for k, v in exc.errors.items()})


@router.post("/leads", response={201: LeadDetailOut})
def create_lead(request, payload: LeadIn):
    """Add a lead of a zone where the caller works leads (its own staff: leaders,
    administrators, officers, department members); it starts at 线索, owned by the caller or,
    set by the zone's leaders and administrators, another of its staff. A possible duplicate is
    listed in the answer's `duplicates`, not refused (the zone's managers merge). 400 with
    field errors; 403 for who may not."""
    _viewer(request)
    zone = zone_get(request.user, code=payload.zone)
    if zone is None:
        raise ValidationFailed({"zone": [_("Not one of your zones.")]})
    fields = payload.dict(exclude={"zone"})
    _choices(fields)
    fields["credit_code"] = fields["credit_code"].strip().upper()
    fields = _related(request, zone, fields)
    try:
        lead = services.lead_create(actor=request.user, zone=zone, data=services.LeadData(**fields))
    except ValidationFailed as exc:
        raise _api_errors(exc) from exc
    return Status(201, _detail(request, lead))


REQUIRED = ("name", "region", "source")
TEXTS = ("credit_code", "industry_code", "next_action", "note")


@router.patch("/leads/{int:pk}", response={200: LeadDetailOut, 409: ConflictOut})
def update_lead(request, payload: LeadPatch, pk: int = Path(..., ge=1, le=ID_MAX)):
    """Change the fields given (its owner or the zone's leaders and administrators; handing it
    to another owner: the managers). `version` is the one read: 409, naming who changed the
    lead and when, if it changed since; 400 with field errors."""
    lead = _lead(request, pk)
    if not access.can_edit_lead(request.user, lead):
        raise PermissionDenied(_("Only the lead's owner or the zone's leaders can change it."))
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    for name in REQUIRED:
        if name in fields and fields[name] is None:
            raise ValidationFailed({name: [_("This field cannot be empty.")]})
    for name in TEXTS:
        if name in fields and fields[name] is None:
            fields[name] = ""  # null clears a text field
    if fields.get("credit_code"):
        fields["credit_code"] = fields["credit_code"].strip().upper()
    _choices(fields)
    fields = _related(request, lead.zone, fields)
    current = {f: getattr(lead, f) for f in services.LeadData.__dataclass_fields__}
    data = replace(services.LeadData(**current), **fields)
    try:
        services.lead_update(actor=request.user, lead=lead, data=data, expected_version=version)
    except ValidationFailed as exc:
        raise _api_errors(exc) from exc
    return _detail(request, lead)


def _transition(request, lead: Lead, **kwargs) -> dict:
    try:
        services.lead_transition(actor=request.user, lead=lead, **kwargs)
    except ValidationFailed as exc:
        raise _api_errors(exc) from exc
    return _detail(request, lead)


@router.post("/leads/{int:pk}/move", response={200: LeadDetailOut, 409: ConflictOut})
def move_lead(request, payload: LeadMoveIn, pk: int = Path(..., ge=1, le=ID_MAX)):
    """One move along the lead's stages (线索 → 接洽 → 考察 → 洽谈 → 签约 → 落地, paused and
    resumed, dropped with a `reason`): its owner or the zone's managers; signing (the managers)
    needs `first_production_month` and registers the key project. 409 with the steps that may
    follow when the move cannot, or when the lead changed since `version`; 403 for who may
    not."""
    lead = _lead(request, pk)
    if not access.can_edit_lead(request.user, lead):
        # before the move's fields, the lead's stage or its version says anything
        raise PermissionDenied(_("Only the lead's owner or the zone's leaders can move it."))
    if payload.to not in S.values:
        raise ValidationFailed({"to": _one_of(S.values)})
    return _transition(
        request,
        lead,
        to=payload.to,
        reason=payload.reason,
        signed_on=payload.signed_on,
        first_production_month=_month(payload.first_production_month),
        note=payload.note,
        on=payload.on,
        expected_version=payload.version,
    )


def _month(day):
    return day.replace(day=1) if day is not None else None


@router.post("/leads/{int:pk}/sign", response={200: LeadDetailOut, 409: ConflictOut})
def sign_lead(request, payload: LeadSignIn, pk: int = Path(..., ge=1, le=ID_MAX)):
    """Sign a lead at 洽谈 (the zone's leaders and administrators): a key project is registered
    from it (its company, industry, investment and output, served by its owner when an officer)
    and linked, or `project_id` links one the zone registered already. The answer's
    `project_id` names it. 409 when the lead is not at 洽谈 or changed since `version`."""
    lead = _lead(request, pk)
    project = None
    if payload.project_id is not None:
        project = projects.project_get(request.user, pk=payload.project_id)
        if project is None:
            raise ValidationFailed(
                {"project_id": [_("Choose a key project of the zone that no lead has yet.")]}
            )
    return _transition(
        request,
        lead,
        to=S.SIGNED,
        signed_on=payload.signed_on,
        first_production_month=_month(payload.first_production_month),
        note=payload.note,
        project=project,
        expected_version=payload.version,
    )


@router.post("/leads/{int:pk}/activities", response={201: LeadActivityOut})
def add_lead_activity(request, payload: LeadActivityIn, pk: int = Path(..., ge=1, le=ID_MAX)):
    """Log a call, visit, meeting or delegation on the lead (its owner or the zone's managers):
    the lead is then no longer stale. 400 for a date in the future or an empty note."""
    lead = _lead(request, pk)
    if payload.kind not in LeadActivity.Kind.values:
        raise ValidationFailed({"kind": _one_of(LeadActivity.Kind.values)})
    activity = services.lead_activity_add(
        actor=request.user, lead=lead, kind=payload.kind, on=payload.on, note=payload.note
    )
    return Status(
        201,
        {
            "id": activity.pk,
            "kind": activity.kind,
            "on": activity.on,
            "note": activity.note,
            "by": activity.by_name,
            "moved_from_id": None,
        },
    )


@router.post("/leads/{int:pk}/merge", response={200: LeadDetailOut, 409: ConflictOut})
def merge_leads(request, payload: LeadMergeIn, pk: int = Path(..., ge=1, le=ID_MAX)):
    """Merge a duplicate (`other_id`) into this lead (`keep`: this), or this one into the
    duplicate (other): the zone's leaders and administrators. Activities and history move to
    the kept lead, nothing is deleted; the answer is the kept lead. `version` and
    `other_version` are those read: 409 if either changed since."""
    lead = _lead(request, pk)
    if payload.keep not in ("this", "other"):
        raise ValidationFailed({"keep": _one_of(("this", "other"))})
    other = selectors.lead_get(request.user, pk=payload.other_id, merged=False)
    if other is None:
        raise ValidationFailed({"other_id": [_("No such investment lead.")]})
    pair = [(lead, payload.version), (other, payload.other_version)]
    if payload.keep == "other":
        pair.reverse()
    (keep, keep_v), (drop, drop_v) = pair
    try:
        kept = services.lead_merge(
            actor=request.user, keep=keep, drop=drop, expected_versions=(keep_v, drop_v)
        )
    except ValidationFailed as exc:
        raise _api_errors(exc) from exc
    return _detail(request, kept)
