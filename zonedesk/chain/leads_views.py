"""The investment leads pages: the pipeline (table and board), its xlsx export, the lead's page
(timeline, next steps, activities, duplicates and merge, its key project), the forms, and the
funnel."""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zonedesk.chain import leads_access as access
from zonedesk.chain import leads_selectors as selectors
from zonedesk.chain import leads_services as services
from zonedesk.chain.leads_forms import ActivityForm, LeadForm, MergeForm, MoveForm
from zonedesk.chain.leads_models import Lead, LeadRegion, LeadSource
from zonedesk.core.errors import DomainError, ValidationFailed
from zonedesk.core.views import export_response, found
from zonedesk.core.xlsx import Column

S = Lead.Stage


def _refusal(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(str(m) for msgs in exc.errors.values() for m in msgs)
    return str(exc.message)


def _put_errors(form, exc: ValidationFailed) -> None:
    for name, msgs in exc.errors.items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else None


def _filters(request) -> selectors.LeadFilters:
    g = request.GET
    return selectors.LeadFilters(
        q=g.get("q", "")[:100],
        stage=g.get("stage", "") if g.get("stage", "") in S.values else "",
        source=g.get("source", "") if g.get("source", "") in LeadSource.values else "",
        region=g.get("region", "") if g.get("region", "") in LeadRegion.values else "",
        chain=_int(g.get("chain")),
        owner=_int(g.get("owner")),
        stale=g.get("stale") == "1",
        mine=g.get("mine") == "1",
        zone=g.get("zone", "")[:32],
    )


def _viewer(request):
    if not access.can_view_leads(request.user):
        raise Forbidden


def _pipeline(request, *, view: str):
    _viewer(request)
    f = _filters(request)
    rows = selectors.lead_rows(request.user, f)
    zones = selectors.seen_zones(request.user)
    return render(
        request,
        "chain/leads/pipeline.html",
        {
            "rows": rows,
            "columns": selectors.board(rows) if view == "board" else None,
            "view": view,
            "f": f,
            "stages": S.choices,
            "sources": LeadSource.choices,
            "regions": LeadRegion.choices,
            "chains": selectors.chains_for(request.user),
            "owners": selectors.owners_for(request.user),
            "zones": zones if len(zones) > 1 else [],
            "filtered": any(v for v in vars(f).values()),
            "stale_count": sum(1 for r in rows if r.stale),
            "stale_days": services.stale_days(),
            "can_add": access.can_add_somewhere(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def lead_list(request):
    """The zone's leads as a table, with filters."""
    return _pipeline(request, view="table")


@login_required
def lead_board(request):
    """The zone's leads in columns per stage."""
    return _pipeline(request, view="board")


@login_required
def lead_export(request):
    _viewer(request)
    rows = selectors.lead_rows(request.user, _filters(request))
    columns = [
        Column(_("Target company"), 30),
        Column(_("Unified social credit code"), 20, "text"),
        Column(_("Zone"), 16),
        Column(_("Stage"), 10),
        Column(_("Region"), 16),
        Column(_("Industry (GB/T 4754-2017)"), 10, "text"),
        Column(_("Chain node it would fill"), 24),
        Column(_("Source"), 16),
        Column(_("Owner"), 12),
        Column(_("Owning department"), 16),
        Column(_("Next action"), 24, "wrap"),
        Column(_("Next action due"), 12, "date"),
        Column(_("Estimated investment (10k yuan)"), 14, "wan"),
        Column(_("Jobs"), 8, "int"),
        Column(_("Expected annual output (10k yuan)"), 14, "wan"),
        Column(_("Last activity"), 12, "date"),
        Column(_("Stale"), 8),
        Column(_("Key project"), 24),
        Column(_("Reason dropped"), 24, "wrap"),
        Column(_("Data as of"), 12, "date"),
    ]
    today = timezone.localdate()

    def data():
        for r in rows:
            lead = r.lead
            yield [
                lead.name,
                lead.credit_code,
                lead.zone.name,
                lead.get_stage_display(),
                lead.get_region_display(),
                lead.industry_code,
                f"{lead.gap_node.chain.name} · {lead.gap_node.name}" if lead.gap_node else "",
                lead.get_source_display(),
                str(lead.owner),
                lead.department.name if lead.department else "",
                lead.next_action if lead.is_open else "",
                lead.next_action_due if lead.is_open else None,
                lead.investment_wan,
                lead.jobs,
                lead.output_wan,
                lead.last_activity_on,
                _("Yes") if r.stale else "",
                lead.project.name if lead.project else "",
                lead.drop_reason,
                today,
            ]

    return export_response(
        request,
        [(_("Investment leads"), columns, data())],
        _("investment-leads-%(day)s.xlsx") % {"day": today.isoformat()},
        what="investment-leads",
    )


def _zone_for_new(request):
    zones = selectors.lead_zones(request.user)
    if not zones:
        raise Forbidden
    wanted = request.GET.get("zone") or request.POST.get("zone")
    return next((z for z in zones if z.code == wanted), zones[0])


def _form_page(request, form, *, zone, lead=None, dupes=(), status=200):
    return render(
        request,
        "chain/leads/form.html",
        {"form": form, "zone": zone, "lead": lead, "duplicates": dupes},
        status=status,
    )


@login_required
def lead_new(request):
    """A new lead; possible duplicates (any department's) are shown first, with links, and the
    lead is saved once the user confirms it is another company."""
    _viewer(request)
    zone = _zone_for_new(request)
    manager = access.can_manage_leads(request.user, zone)
    kw = {"user": request.user, "zone": zone, "manager": manager}
    form = LeadForm(request.POST or None, **kw)
    if request.method != "POST":
        return _form_page(request, form, zone=zone)
    if not form.is_valid():
        return _form_page(request, form, zone=zone, status=400)
    d = form.cleaned_data
    dupes = selectors.duplicates(
        request.user, zone=zone, name=d["name"], credit_code=(d["credit_code"] or "").upper()
    )
    if dupes and not d["confirmed"]:
        data = request.POST.copy()
        data["confirmed"] = "True"
        form = LeadForm(data, **kw)
        form.is_valid()
        return _form_page(request, form, zone=zone, dupes=dupes)
    try:
        lead = services.lead_create(actor=request.user, zone=zone, data=form.data_())
    except ValidationFailed as exc:
        _put_errors(form, exc)
        return _form_page(request, form, zone=zone, status=400)
    messages.success(request, _("The lead is saved."))
    return redirect("leads:detail", lead.pk)


def _lead(request, pk: int) -> Lead:
    return found(selectors.lead_get(request.user, pk=pk))


@login_required
def lead_edit(request, pk: int):
    lead = _lead(request, pk)
    if not access.can_edit_lead(request.user, lead) or lead.merged_into_id:
        raise Forbidden
    kw = {
        "user": request.user,
        "zone": lead.zone,
        "manager": access.can_manage_leads(request.user, lead.zone),
    }
    form = LeadForm(request.POST, **kw) if request.method == "POST" else LeadForm.of(lead, **kw)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(
                actor=request.user,
                lead=lead,
                data=form.data_(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            _put_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("The lead is saved."))
            return redirect("leads:detail", lead.pk)
    return _form_page(
        request, form, zone=lead.zone, lead=lead, status=400 if request.method == "POST" else 200
    )


def _detail(request, lead: Lead, *, status=200, activity_form=None, move_form=None):
    page = selectors.lead_page(request.user, lead)
    return render(
        request,
        "chain/leads/lead.html",
        {
            "page": page,
            "lead": page.lead,
            "activity_form": activity_form
            or ActivityForm(initial={"on": timezone.localdate(), "kind": "call"}),
            "today": timezone.localdate(),
            "stale_days": services.stale_days(),
            # a refused move: its form, to show its errors at its fields and keep what was typed
            "move_form": move_form,
            "refused_move": move_form.data.get("to") if move_form is not None else "",
            # shown again after a refused form, at the form's POST address: app.js puts this back
            "page_url": reverse("leads:detail", args=[lead.pk]),
        },
        status=status,
    )


@login_required
def lead_detail(request, pk: int):
    return _detail(request, _lead(request, pk))


@login_required
@require_POST
def lead_move(request, pk: int):
    lead = _lead(request, pk)
    if not access.can_edit_lead(request.user, lead):
        raise Forbidden  # before the form, its version or the lead's stage says anything
    form = MoveForm(request.POST)
    if not form.is_valid():
        # the page has no field for these: say them above it
        unseen = {k: v for k, v in form.errors.items() if k in ("to", "version", "note")}
        if unseen:
            messages.error(request, _refusal(ValidationFailed(unseen)))
        return _detail(request, lead, status=400, move_form=form)
    d = form.cleaned_data
    try:
        services.lead_transition(
            actor=request.user,
            lead=lead,
            to=d["to"],
            reason=d["reason"] or "",
            signed_on=d["signed_on"],
            first_production_month=d["first_production_month"],
            note=d["note"] or "",
            on=d["on"] if d["to"] != S.SIGNED else None,
            expected_version=d["version"],
        )
    except ValidationFailed as exc:
        _put_errors(form, exc)
        return _detail(request, _lead(request, pk), status=400, move_form=form)
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        messages.error(request, _refusal(exc))
        return _detail(request, _lead(request, pk), status=400)
    messages.success(request, _("The lead is now “%(stage)s”.") % {"stage": S(d["to"]).label})
    return redirect("leads:detail", pk)


@login_required
@require_POST
def lead_activity(request, pk: int):
    lead = _lead(request, pk)
    if not access.can_edit_lead(request.user, lead):
        raise Forbidden
    form = ActivityForm(request.POST)
    if not form.is_valid():
        return _detail(request, lead, status=400, activity_form=form)
    d = form.cleaned_data
    try:
        services.lead_activity_add(
            actor=request.user, lead=lead, kind=d["kind"], on=d["on"], note=d["note"]
        )
    except ValidationFailed as exc:
        _put_errors(form, exc)
        return _detail(request, lead, status=400, activity_form=form)
    messages.success(request, _("The activity is logged."))
    return redirect("leads:detail", pk)


@login_required
@require_POST
def lead_merge(request, pk: int):
    """Merge a duplicate into this lead, or this lead into the duplicate."""
    lead = _lead(request, pk)
    if not access.can_manage_leads(request.user, lead.zone):
        raise Forbidden
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the duplicate lead to merge."))
        return _detail(request, lead, status=400)
    other = found(selectors.lead_get(request.user, pk=form.cleaned_data["other"], merged=False))
    keep, drop = (lead, other) if form.cleaned_data["keep"] != "other" else (other, lead)
    try:
        kept = services.lead_merge(actor=request.user, keep=keep, drop=drop)
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        messages.error(request, _refusal(exc))
        return _detail(request, lead, status=400)
    messages.success(
        request,
        _("“%(drop)s” is merged into this lead, with its history.") % {"drop": drop.name},
    )
    return redirect("leads:detail", kept.pk)


def _funnel_by(request) -> str:
    by = request.GET.get("by", "source")
    return by if by in selectors.GROUPINGS else "source"


def _funnel_zone(request):
    """The zones the user sees, and the one asked for (?zone=code), if any."""
    zones = selectors.seen_zones(request.user)
    return zones, next((z for z in zones if z.code == request.GET.get("zone")), None)


def _percent(rate: Decimal | None) -> Decimal | None:
    """A fraction as a percentage, two places rounded half-up (12.78 for 0.12778)."""
    return None if rate is None else (rate * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _funnel_chart(group) -> dict:
    """The chart of all the leads (the table's first group, the same figures): per stage of the
    way the leads that reached it and the conversion to the next, with the words it shows."""
    return {
        "stages": [
            {
                "name": S(line.stage).label,
                "reached": line.reached,
                "conversion": None if line.conversion is None else f"{_percent(line.conversion)}%",
            }
            for line in group.stages
        ],
        "labels": {"reached": _("Reached"), "conversion": _("Conversion to the next")},
    }


def _grouping_names() -> dict[str, str]:
    return {
        "source": _("Source"),
        "region": _("Region"),
        "chain": _("Chain"),
        "owner": _("Owner"),
        "zone": _("Zone"),
    }


@login_required
def lead_funnel(request):
    """Counts per stage, conversion rates and median days in each stage, by source, region,
    chain or owner."""
    _viewer(request)
    by = _funnel_by(request)
    zones, zone = _funnel_zone(request)
    groups = selectors.funnel(request.user, by=by, zones=[zone] if zone else None)
    return render(
        request,
        "chain/leads/funnel.html",
        {
            "groups": groups,
            "chart": _funnel_chart(groups[0]) if groups and groups[0].leads else None,
            "by": by,
            "groupings": [
                (key, name)
                for key, name in _grouping_names().items()
                if key != "zone" or len(zones) > 1
            ],
            "zones": zones if len(zones) > 1 else [],
            "zone": zone,
            "way": [(s, S(s).label) for s in selectors.leads_funnel.WAY],
        },
    )


@login_required
def funnel_export(request):
    """The funnel as a workbook: one row per group and stage, all the leads first."""
    _viewer(request)
    by = _funnel_by(request)
    _zones, zone = _funnel_zone(request)
    groups = selectors.funnel(request.user, by=by, zones=[zone] if zone else None)
    columns = [
        Column(_("Group"), 24),
        Column(_("Leads"), 8, "int"),
        Column(_("Stage"), 12),
        Column(_("Reached"), 8, "int"),
        Column(_("Conversion to the next (%)"), 12, "rate"),
        Column(_("Median days in the stage"), 12, "rate"),
        Column(_("Data as of"), 12, "date"),
    ]
    today = timezone.localdate()

    def data():
        for g in groups:
            for line in g.stages:
                yield [
                    g.group or _("All leads"),
                    g.leads,
                    S(line.stage).label,
                    line.reached,
                    _percent(line.conversion),
                    line.median_days,
                    today,
                ]

    return export_response(
        request,
        [(_("Leads funnel"), columns, data())],
        _("leads-funnel-by-%(by)s-%(day)s.xlsx")
        % {"by": _grouping_names()[by], "day": today.isoformat()},
        what="leads-funnel",
    )
