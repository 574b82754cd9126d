"""Every read of investment leads, scoped to the acting user (leads_access)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from zonedesk.chain import leads_access as access
from zonedesk.chain import leads_dupes, leads_funnel
from zonedesk.chain.leads_flows import LEAD, OPEN_STAGES
from zonedesk.chain.leads_models import Lead, LeadActivity, LeadEvent
from zonedesk.chain.leads_services import is_stale, stale_days
from zonedesk.chain.leads_summary import AttractionFacts, ChainSigned, ChainState
from zonedesk.chain.models import Chain, ChainNode, NodeFirm
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.org.access import is_active
from zonedesk.org.models import Department, User
from zonedesk.org.selectors import zone_list
from zonedesk.projects import selectors as projects

S = Lead.Stage


def lead_scope(user, *, merged: bool = False) -> QuerySet[Lead]:
    """The leads the user may see: those of the zones under the user's unit, for the roles that
    read leads (leads_access); merged duplicates only when asked for."""
    qs = Lead.objects.all()
    if not access.can_view_leads(user):
        return qs.none()
    if not user.is_superuser:
        qs = qs.filter(zone__in=zone_list(user))
    if not merged:
        qs = qs.filter(merged_into__isnull=True)
    return qs


@dataclass(frozen=True)
class LeadFilters:
    q: str = ""
    stage: str = ""
    source: str = ""
    region: str = ""
    chain: int | None = None
    node: int | None = None
    owner: int | None = None
    stale: bool = False
    mine: bool = False
    zone: str = ""  # a zone's code, for a user who sees several


def stale_q(today: dt.date) -> Q:
    """Open leads with no activity (nor creation) in the last stale_days() days."""
    cutoff = today - dt.timedelta(days=stale_days())
    start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    return Q(stage__in=OPEN_STAGES, merged_into__isnull=True) & (
        Q(last_activity_on__lt=cutoff) | Q(last_activity_on__isnull=True, created_at__lt=start)
    )


def stale_at(leads, on: dt.date):
    """The leads of `leads` that were stale on a past day `on`: their last activity up to that day
    (not the one stored, which may be later) older than stale_days(), or none and created before
    then. For today it agrees with stale_q (tests/chain/test_leads_summary.py)."""
    cutoff = on - dt.timedelta(days=stale_days())
    start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    return leads.annotate(last_then=Max("activities__on", filter=Q(activities__on__lte=on))).filter(
        Q(last_then__lt=cutoff) | Q(last_then__isnull=True, created_at__lt=start)
    )


def lead_list(user, f: LeadFilters | None = None, *, today: dt.date | None = None):
    f = f or LeadFilters()
    today = today or timezone.localdate()
    qs = lead_scope(user).select_related(
        "zone", "owner", "department", "gap_node__chain", "introducer", "project"
    )
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(credit_code__icontains=f.q))
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.region:
        qs = qs.filter(region=f.region)
    if f.chain:
        qs = qs.filter(gap_node__chain_id=f.chain)
    if f.node:
        qs = qs.filter(gap_node_id=f.node)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.mine:
        qs = qs.filter(owner_id=user.pk)
    if f.zone:
        qs = qs.filter(zone__code=f.zone)
    if f.stale:
        qs = qs.filter(stale_q(today))
    return qs.order_by("next_action_due", "-created_at", "-id")


@dataclass(frozen=True)
class Row:
    lead: Lead
    stale: bool


def lead_rows(user, f: LeadFilters | None = None, *, today: dt.date | None = None) -> list[Row]:
    today = today or timezone.localdate()
    return [Row(lead, is_stale(lead, today)) for lead in lead_list(user, f, today=today)]


BOARD_STAGES = (
    S.LEAD,
    S.CONTACT,
    S.VISIT,
    S.NEGOTIATION,
    S.SIGNED,
    S.LANDED,
    S.PAUSED,
    S.DROPPED,
)
# The dropped column shows the latest few (closed leads pile up); the table lists them all.
BOARD_DROPPED = 8


@dataclass(frozen=True)
class Column:
    stage: str
    label: str
    rows: list  # the cards shown
    total: int  # the leads at the stage (more than the cards for 放弃)


def board(rows: list[Row]) -> list[Column]:
    """The rows in columns per stage, 放弃 last with its latest BOARD_DROPPED leads."""
    columns = []
    for stage in BOARD_STAGES:
        at = [r for r in rows if r.lead.stage == stage]
        shown = at
        if stage == S.DROPPED:
            shown = sorted(at, key=lambda r: (r.lead.stage_since, r.lead.pk), reverse=True)
            shown = shown[:BOARD_DROPPED]
        columns.append(Column(stage, S(stage).label, shown, len(at)))
    return columns


def lead_get(user, *, pk: int, merged: bool = True) -> Lead | None:
    return (
        lead_scope(user, merged=merged)
        .select_related("zone__area", "owner", "department", "gap_node__chain", "project")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class Duplicate:
    lead: Lead
    why: str  # "code" or "name"
    ratio: float


def duplicates(
    user, *, zone, name: str, credit_code: str = "", exclude: int | None = None
) -> list[Duplicate]:
    """The zone's leads (any department's) that look like the same company
    (leads_dupes.same_company), most alike first."""
    qs = lead_scope(user).filter(zone=zone).select_related("owner", "department")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    out = []
    for lead in qs.only("id", "name", "credit_code", "stage", "owner", "department", "zone"):
        why = leads_dupes.same_company(name, credit_code, lead.name, lead.credit_code)
        if why:
            out.append(Duplicate(lead, why, leads_dupes.ratio(name, lead.name)))
    return sorted(out, key=lambda d: (d.why != "code", -d.ratio, d.lead.pk))


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str  # "event" or "activity"
    item: object


@dataclass
class LeadPage:
    lead: Lead
    timeline: list[TimelineItem]
    moves: list[tuple[str, str]]  # (move, label) the user may make now
    can_edit: bool
    can_merge: bool
    stale: bool
    duplicates: list[Duplicate]
    merged_from: list[Lead]
    node_rows: list = field(default_factory=list)
    promised: object = None


def lead_page(user, lead: Lead, *, today: dt.date | None = None) -> LeadPage:
    """The lead's page: its history (moves and activities, newest first), what the user may do,
    its possible duplicates, and its key project's nodes and promised-vs-actual once signed."""
    today = today or timezone.localdate()
    events = []
    for e in LeadEvent.objects.filter(lead=lead).select_related("actor", "moved_from"):
        e.from_label = LEAD.label(e.from_state) if e.from_state else ""
        e.to_label = LEAD.label(e.to_state)
        events.append(TimelineItem(e.at, "event", e))
    acts = [
        TimelineItem(timezone.make_aware(dt.datetime.combine(a.on, dt.time(12))), "activity", a)
        for a in LeadActivity.objects.filter(lead=lead).select_related("by", "moved_from")
    ]
    timeline = sorted(events + acts, key=lambda t: t.at, reverse=True)
    live = lead.merged_into_id is None
    moves = [(m, LEAD.label(m)) for m in LEAD.allowed(user, lead)] if live else []
    page = LeadPage(
        lead=lead,
        timeline=timeline,
        moves=moves,
        can_edit=live and access.can_edit_lead(user, lead),
        can_merge=live and access.can_manage_leads(user, lead.zone),
        stale=is_stale(lead, today),
        duplicates=duplicates(
            user, zone=lead.zone, name=lead.name, credit_code=lead.credit_code, exclude=lead.pk
        )
        if live
        else [],
        merged_from=list(Lead.objects.filter(merged_into=lead)),
    )
    project = projects.project_get(user, pk=lead.project_id) if lead.project_id else None
    if project is not None:
        page.node_rows = projects.node_rows(user, project, today=today)
        page.promised = projects.promised_actual(user, project)
    return page


# --- choices for forms and filters --------------------------------------------------------------


def chains_for(user) -> QuerySet[Chain]:
    """The chains of the user's zones and of the areas above them."""
    if not is_active(user):
        return Chain.objects.none()
    zones = list(zone_list(user).select_related("area"))
    q = Q(zone__in=zones)
    for z in zones:
        for n in range(2, len(z.area.code) + 1, 2):
            q |= Q(area__code=z.area.code[:n].ljust(6, "0"))
    return Chain.objects.filter(q).distinct().order_by("code")


def nodes_for(user) -> QuerySet[ChainNode]:
    return (
        ChainNode.objects.filter(chain__in=chains_for(user))
        .select_related("chain")
        .order_by("chain__code", "seq", "code")
    )


def node_get(user, *, pk: int) -> ChainNode | None:
    return nodes_for(user).filter(pk=pk).first()


def owners_for(user, zone=None) -> QuerySet[User]:
    """The staff of the user's zones who may own leads."""
    zones = zone_list(user) if zone is None else [zone]
    return (
        User.objects.filter(zone__in=zones, is_active=True, role_grants__role__in=access.OWNERS)
        .exclude(is_superuser=True)
        .distinct()
        .order_by("username")
    )


def owner_get(user, *, pk: int, zone) -> User | None:
    return owners_for(user, zone).filter(pk=pk).first()


def departments_for(zone) -> QuerySet[Department]:
    return Department.objects.filter(zone=zone).order_by("name")


def firms_for(zone) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(zone=zone).order_by("name")


def department_get(zone, *, pk: int) -> Department | None:
    """One of the zone's departments (a lead's owning department), or None."""
    return departments_for(zone).filter(pk=pk).first()


def introducer_get(zone, *, pk: int) -> Enterprise | None:
    """A firm of the zone (the local firm that introduced a lead), or None."""
    return firms_for(zone).filter(pk=pk).first()


def lead_zones(user):
    """The zones where the user may add leads."""
    return [z for z in zone_list(user) if access.can_add_lead(user, z)]


# --- the funnel ----------------------------------------------------------------------------------

GROUPINGS = ("source", "region", "chain", "owner", "zone")


def seen_zones(user) -> list:
    """The zones whose leads the user sees (a city's leader: several; the list then names them)."""
    return list(zone_list(user).order_by("code"))


def _group_of(lead: Lead, by: str) -> str:
    match by:
        case "source":
            return lead.get_source_display()
        case "region":
            return lead.get_region_display()
        case "chain":
            return lead.gap_node.chain.name if lead.gap_node_id else "—"
        case "owner":
            return str(lead.owner)
        case "zone":
            return lead.zone.name
    return ""


def funnel(user, *, by: str = "", zones=None, first=None, last=None):
    """The funnel (leads_funnel) of the user's leads, grouped `by` source, region, chain or
    owner (or all together); `first`/`last`: only leads created in those dates."""
    qs = lead_scope(user).select_related("owner", "gap_node__chain", "zone")
    if zones is not None:
        qs = qs.filter(zone__in=zones)
    if first is not None:
        qs = qs.filter(created_at__date__gte=first)
    if last is not None:
        qs = qs.filter(created_at__date__lte=last)
    leads = list(qs)
    moves: dict[int, list] = {lead.pk: [] for lead in leads}
    for e in (
        LeadEvent.objects.filter(lead__in=[lead.pk for lead in leads])
        .exclude(move="merged")
        .order_by("at", "id")
        .values_list("lead_id", "at", "from_state", "to_state")
    ):
        moves[e[0]].append(e[1:])
    paths = [
        leads_funnel.LeadPath(
            group=_group_of(lead, by) if by in GROUPINGS else "",
            created=lead.created_at,
            moves=moves[lead.pk],
            current=lead.stage,
        )
        for lead in leads
    ]
    return leads_funnel.funnel(paths)


# --- the attraction paragraph's facts ------------------------------------------------------------


def _is_gap_but_for(lead: Lead) -> bool:
    """Whether the lead's node (with its sub-tree) has no confirmed local firm other than the
    lead's own (its project's investor, once it produces): the gap the lead fills. A node that
    already has firms is strengthened, not filled."""
    nodes = {lead.gap_node_id}
    rows = list(
        ChainNode.objects.filter(chain_id=lead.gap_node.chain_id).values_list("pk", "parent_id")
    )
    grew = True
    while grew:
        more = {pk for pk, parent in rows if parent in nodes} - nodes
        nodes |= more
        grew = bool(more)
    firms = NodeFirm.objects.filter(node__in=nodes, state=NodeFirm.State.CONFIRMED)
    own = lead.project.investor_id if lead.project_id else None
    if own is not None:
        firms = firms.exclude(enterprise_id=own)
    return not firms.exists()


def chain_state(user, *, zones, last: dt.date) -> ChainState | None:
    """The zones' chains as the map shows them in the month of `last` (the firms confirmed on
    their nodes now, the month's figures); None when the user reads none of them."""
    from zonedesk.chain import health
    from zonedesk.chain import selectors as chains_read

    chains = list(chains_read.chain_scope(user).filter(zone__in=zones).order_by("code", "pk"))
    if not chains:
        return None
    month = Period(last.year, last.month)
    _month, found = chains_read.healths(user, chains, month)
    names = {
        n.pk: n.name for n in ChainNode.objects.filter(chain__in=chains).order_by("seq", "code")
    }
    rank = {pk: i for i, pk in enumerate(names)}  # seq and code order
    targets = gaps = weak = single = 0
    gap_names = []
    for chain in chains:
        nodes = found[chain.pk].nodes if chain.pk in found else {}
        for node_id in sorted((k for k in nodes if k), key=rank.__getitem__):
            h = nodes[node_id]
            targets += h.in_target
            match h.strength:
                case health.GAP:
                    gaps += 1
                    gap_names.append(f"{chain.name}·{names[node_id]}")
                case health.WEAK:
                    weak += 1
                case health.SINGLE:
                    single += 1
    return ChainState(
        month=month.first_day,
        chains=len(chains),
        target_nodes=targets,
        gaps=gaps,
        weak=weak,
        single=single,
        gap_names=tuple(gap_names),
    )


def attraction(user, *, zones, first: dt.date, last: dt.date, today=None) -> AttractionFacts | None:
    """The facts of the attraction paragraph for `zones` in the dates first..last; None when the
    user's role does not read leads."""
    if not access.can_view_leads(user):
        return None
    ids = sorted({z.pk for z in zones})
    if not ids or zone_list(user).filter(pk__in=ids).count() != len(ids):
        return None
    leads = lead_scope(user).filter(zone__in=ids)
    acts = LeadActivity.objects.filter(lead__in=leads, on__gte=first, on__lte=last)
    events = LeadEvent.objects.filter(
        lead__in=leads, at__date__gte=first, at__date__lte=last
    ).exclude(move="merged")
    kinds = dict(acts.values_list("kind").annotate(n=Count("id")).order_by())
    worked = set(acts.values_list("lead_id", flat=True)) | set(
        events.values_list("lead_id", flat=True)
    )
    signed_ids = set(events.filter(to_state=S.SIGNED).values_list("lead_id", flat=True))
    signed = Lead.objects.filter(pk__in=signed_ids).select_related("gap_node__chain", "project")
    by_chain: dict[str, list] = {}
    gaps, stronger = [], []
    for lead in signed:
        name = lead.gap_node.chain.name if lead.gap_node_id else ""
        entry = by_chain.setdefault(name, [0, Decimal(0)])
        entry[0] += 1
        entry[1] += lead.investment_wan or Decimal(0)
        if lead.gap_node_id:
            node = f"{lead.gap_node.chain.name}·{lead.gap_node.name}"
            (gaps if _is_gap_but_for(lead) else stronger).append(node)
    end = timezone.make_aware(dt.datetime.combine(last, dt.time.max))
    new = leads.filter(created_at__date__gte=first, created_at__date__lte=last)
    open_at_end = leads.filter(stage__in=OPEN_STAGES, created_at__lte=end)
    regions = sorted(
        new.values_list("region").annotate(n=Count("id")).order_by(), key=lambda rn: (-rn[1], rn[0])
    )
    # the newest row read (a move, an activity logged or a lead added, whenever): how fresh the
    # leads are, not the period's last move
    newest = [
        LeadEvent.objects.filter(lead__in=leads).aggregate(t=Max("at"))["t"],
        leads.aggregate(t=Max("created_at"))["t"],
    ]
    last_audit = max((t for t in newest if t is not None), default=None)
    return AttractionFacts(
        leads_worked=len(worked),
        new_leads=new.count(),
        visits=kinds.get("visit", 0),
        delegations=kinds.get("delegation", 0),
        meetings=kinds.get("meeting", 0),
        signed=len(signed_ids),
        signed_wan=signed.aggregate(s=Sum("investment_wan"))["s"] or Decimal(0),
        by_chain=tuple(
            ChainSigned(name, n, wan)
            for name, (n, wan) in sorted(by_chain.items(), key=lambda kv: (-kv[1][1], kv[0]))
        ),
        gaps_filled=tuple(sorted(set(gaps))),
        strengthened=tuple(sorted(set(stronger) - set(gaps))),
        landed=events.filter(to_state=S.LANDED).values("lead").distinct().count(),
        open_leads=open_at_end.count(),
        stale=stale_at(open_at_end, min(last, today or timezone.localdate())).count(),
        by_region=tuple(regions),
        as_of=last_audit,
        chains=chain_state(user, zones=ids, last=last),
    )
