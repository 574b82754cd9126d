"""Pages of the industrial chains: the list, a chain's map (ECharts tree coloured by strength,
a panel per node), a node's firms (confirm and reject), the gaps, the exports, the import."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zonedesk.chain import access, health, imports, selectors, services
from zonedesk.chain.models import ChainNode
from zonedesk.core.errors import DomainError, StaleVersion, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.core.views import export_response
from zonedesk.core.xlsx import Column, ImportRejected, xlsx_response


def _refusal(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(m for msgs in exc.errors.values() for m in msgs)
    return exc.message


def _reader(request) -> None:
    if not access.can_view_chains(request.user):
        raise Forbidden


def _period(request) -> Period | None:
    try:
        return Period.parse(request.GET.get("period", "")) if request.GET.get("period") else None
    except ValueError:
        return None


def strength_words() -> dict[str, str]:
    return {
        health.GAP: _("Gap"),
        health.WEAK: _("Weak"),
        health.SINGLE: _("Single point"),
        health.HEALTHY: _("Healthy"),
        health.OUTSIDE: _("Outside the target map"),
    }


@login_required
@require_GET
def chain_list(request):
    """The chains the user sees, each with its firms, output, YoY and flagged nodes."""
    _reader(request)
    period, rows = selectors.chain_rows(request.user)
    return render(
        request,
        "chain/list.html",
        {
            "period": period,
            "rows": rows,
            "can_import": access.can_import_chains(request.user),
            "strengths": health.STRENGTHS,
        },
    )


def _get_chain(request, pk):
    chain = selectors.chain_get(request.user, pk=pk)
    if chain is None:
        raise Http404
    return chain


def _tree(view: selectors.ChainMap) -> list[dict]:
    """The ECharts tree: each node with its strength and figures (the root is the chain)."""
    words = strength_words()

    def item(node: ChainNode) -> dict:
        h = view.node_health(node)
        return {
            "id": node.pk,
            "name": node.name,
            "strength": h.strength,
            "strength_name": words[h.strength],
            "firms": h.firms,
            "output": str(h.output_wan.quantize(Decimal("0.01"))),
            "children": [item(c) for c in kids.get(node.pk, [])],
        }

    kids: dict = {}
    for n in view.nodes:
        if n.parent_id is not None:
            kids.setdefault(n.parent_id, []).append(n)
    whole = view.health.whole
    return [
        {
            "id": 0,
            "name": view.chain.name,
            "strength": "chain",
            "strength_name": "",
            "firms": whole.firms if whole else 0,
            "output": str(whole.output_wan.quantize(Decimal("0.01"))) if whole else "0",
            "children": [item(n) for n in view.nodes if view.depth[n.pk] == 0],
        }
    ]


@login_required
@require_GET
def chain_map(request, pk):
    """A chain's map: the tree coloured by strength, and a panel per node with its firms."""
    _reader(request)
    chain = _get_chain(request, pk)
    view = selectors.chain_map(request.user, chain, _period(request))
    # A parent's figures count its sub-nodes' firms: its panel says so, as the node page does.
    parents = {n.parent_id for n in view.nodes}
    nodes = [
        (n, view.node_health(n), view.firms.get(n.pk, []), view.depth[n.pk], n.pk in parents)
        for n in view.nodes
    ]
    return render(
        request,
        "chain/map.html",
        {
            "chain": chain,
            "view": view,
            "nodes": nodes,
            "tree": _tree(view),
            "strengths": strength_words(),
        },
    )


def _node_context(request, node, **extra) -> dict:
    chain = node.chain
    period = selectors.latest_month(request.user, [chain])
    view = selectors.chain_map(request.user, chain, period)
    rows = selectors.node_firm_rows(request.user, node, period)
    # The node's figures count its sub-nodes' firms too: those are listed under its own.
    at = next(i for i, n in enumerate(view.nodes) if n.pk == node.pk)
    below = []
    for n in view.nodes[at + 1 :]:
        if view.depth[n.pk] <= view.depth[node.pk]:
            break
        below.append(n)
    return {
        "chain": chain,
        "node": node,
        "health": view.node_health(node),
        "period": period,
        "rows": rows,
        "has_sub_nodes": bool(below),
        "sub_firms": [(n, view.firms[n.pk]) for n in below if view.firms.get(n.pk)],
        "can_place": access.can_place_firms(request.user, chain),
        "strengths": strength_words(),
        "industries": list(node.industries.values_list("industry_code", flat=True)),
        "page_url": reverse("chain:node", args=[node.pk]),
        **extra,
    }


@login_required
@require_GET
def node_detail(request, pk):
    """A node: its figures and flags, and its firms confirmed, suggested and rejected."""
    _reader(request)
    node = selectors.node_get(request.user, pk=pk)
    if node is None:
        raise Http404
    extra = {}
    search = request.GET.get("firm", "").strip()[:100]
    if search and access.can_place_firms(request.user, node.chain):
        matches, more = selectors.placeable_firms(request.user, node, search)
        extra = {"search": search, "matches": matches, "more_matches": more}
    return render(request, "chain/node.html", _node_context(request, node, **extra))


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
@require_POST
def firm_decide(request, pk):
    """Confirm, reject or reset a firm on a node (htmx: the node's figures, its place form (the
    chain's version moved on) and its firm tables again)."""
    _reader(request)
    placement = selectors.placement_get(request.user, pk=pk)
    if placement is None:
        raise Http404
    if not access.can_place_firms(request.user, placement.node.chain):
        raise Forbidden
    status, error = 200, None
    try:
        services.firm_decide(
            actor=request.user,
            placement=placement,
            state=request.POST.get("state", ""),
            expected_version=_version(request),
        )
    except DomainError as exc:
        status, error = 409 if isinstance(exc, StaleVersion) else 400, _refusal(exc)
    node = selectors.node_get(request.user, pk=placement.node_id)
    if request.htmx:
        return render(
            request,
            "chain/partials/node_body.html",
            _node_context(request, node, error=error),
            status=status,
        )
    if error:
        messages.error(request, error)
    return redirect("chain:node", pk=node.pk)


@login_required
@require_POST
def place(request, pk):
    """Place a firm (by credit code or name) on a node by hand, confirmed; part of a name or
    code shows the firms it matches on the node's page, to choose one."""
    _reader(request)
    node = selectors.node_get(request.user, pk=pk)
    if node is None:
        raise Http404
    if not access.can_place_firms(request.user, node.chain):
        raise Forbidden
    text = request.POST.get("firm", "").strip()[:100]
    firm = selectors.placeable_firm(request.user, node, text)
    if firm is None:
        if not text:
            messages.error(request, _("Type a firm's credit code or name to place it."))
            return redirect("chain:node", pk=node.pk)
        # Part of a name or code: the firms it matches, to choose one (nothing placed yet), or
        # that none does; the text stays in the box to correct it.
        url = reverse("chain:node", args=[node.pk])
        return redirect(f"{url}?{urlencode({'firm': text})}#place-matches")
    try:
        services.firm_place(
            actor=request.user, node=node, enterprise=firm, expected_version=_version(request)
        )
        messages.success(request, _("%(firm)s is on the node.") % {"firm": firm.name})
    except DomainError as exc:
        messages.error(request, _refusal(exc))
    return redirect("chain:node", pk=node.pk)


@login_required
@require_POST
def suggest(request, pk):
    """Suggest firms for every node of the chain from their industry and products."""
    _reader(request)
    chain = _get_chain(request, pk)
    if not access.can_place_firms(request.user, chain):
        raise Forbidden
    try:
        done = services.firms_suggest(
            actor=request.user, chain=chain, expected_version=_version(request)
        )
        messages.success(
            request, _("%(n)d firms suggested for the chain's nodes.") % {"n": done.added}
        )
    except DomainError as exc:
        messages.error(request, _refusal(exc))
    return redirect("chain:map", pk=chain.pk)


@login_required
@require_GET
def gaps(request):
    """The gaps (缺链), weak links and single points of every chain the user sees."""
    _reader(request)
    period, rows = selectors.gap_rows(request.user)
    return render(
        request,
        "chain/gaps.html",
        {"period": period, "rows": rows, "strengths": strength_words()},
    )


def _pct(rate) -> Decimal | None:
    """A rate as a percentage number (the cell's format shows two places), blank when none."""
    return None if rate is None else (rate * 100).quantize(Decimal("0.01"))


@login_required
@require_GET
def map_export(request, pk):
    """The map as a workbook: one row per node with its figures and flags."""
    _reader(request)
    chain = _get_chain(request, pk)
    view = selectors.chain_map(request.user, chain, _period(request))
    words = strength_words()
    month = str(view.period) if view.period else ""
    columns = [
        Column(_("Month"), 9, "text"),
        Column(_("Node code"), 14, "text"),
        Column(_("Node"), 28),
        Column(_("Parent node"), 20),
        Column(_("Tree level"), 6, "int"),
        Column(_("Segment"), 10),
        Column(_("In the target map"), 8),
        Column(_("Confirmed firms"), 8, "int"),
        Column(_("Reporting firms"), 8, "int"),
        Column(_("Output (10k yuan)"), 14, "wan"),
        Column(_("YoY, comparable (%)"), 10, "wan"),
        Column(_("Comparable firms"), 8, "int"),
        Column(_("New firms"), 8, "int"),
        Column(_("Employees"), 10, "int"),
        Column(_("Largest firm's share (%)"), 10, "wan"),
        Column(_("HHI"), 8),
        Column(_("Strength"), 16),
        Column(_("Names of the confirmed firms"), 40, "wrap"),
    ]
    names = {n.pk: n.name for n in view.nodes}

    def figures(h, *, flagged: bool = True) -> list:
        # every flag the node has (弱链 and 单点依赖 both), as the page's badges show them
        flags = pgettext("between flags", ", ").join(str(words[f]) for f in h.flags)
        return [
            h.firms,
            h.reporting,
            h.output_wan,
            _pct(h.yoy),
            h.comparable_firms,
            h.new_firms,
            h.employees,
            _pct(h.largest_share),
            None if h.hhi is None else h.hhi.quantize(Decimal("0.0001")),
            (flags or words[h.strength]) if flagged else "",
        ]

    rows = []
    whole = view.health.whole
    if whole is not None:
        # the chain's own line first: its firms each counted once, as the map's header
        rows.append(
            [
                month,
                "",
                _("Whole chain: %(name)s") % {"name": chain.name},
                "",
                0,
                "",
                "",
                *figures(whole, flagged=False),
                "",
            ]
        )
    for n in view.nodes:
        h = view.node_health(n)
        rows.append(
            [
                month,
                n.code,
                n.name,
                names.get(n.parent_id, ""),
                view.depth[n.pk] + 1,
                n.get_segment_display(),
                _("Yes") if n.in_target else _("No"),
                *figures(h),
                "、".join(r.firm.name for r in view.firms.get(n.pk, [])),
            ]
        )
    return export_response(
        request,
        [(_("Chain map"), columns, rows)],
        _("chain-map-%(code)s-%(month)s.xlsx") % {"code": chain.code, "month": month},
        what="chain map",
    )


@login_required
@require_GET
def chain_workbook(request, pk):
    """The chain's definition as the import reads it (its nodes, industries and products)."""
    _reader(request)
    chain = _get_chain(request, pk)
    return xlsx_response(
        imports.export_bytes(chain),
        _("chain-%(code)s-%(day)s.xlsx")
        % {"code": chain.code, "day": timezone.localdate().isoformat()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def chain_import(request):
    """A chain from a workbook (its template is an export): every row or none."""
    if not access.can_import_chains(request.user):
        raise Forbidden
    errors, owners = [], imports.owner_choices(request.user)
    if request.method == "POST":
        upload = request.FILES.get("file")
        owner = request.POST.get("owner", "")
        if upload is None:
            errors = [_("Choose a file to import.")]
        else:
            try:
                chain = imports.chain_import(
                    actor=request.user, owner=owner, fileobj=upload, choices=owners
                )
            except ImportRejected as exc:
                errors = [str(e) for e in exc.errors] or [exc.message]
            except DomainError as exc:
                errors = [_refusal(exc)]
            else:
                done = chain.node_changes
                messages.success(
                    request,
                    _(
                        "The chain was imported: %(added)d nodes added, %(changed)d changed, "
                        "%(removed)d removed."
                    )
                    % {"added": done.added, "changed": done.changed, "removed": done.removed},
                )
                return redirect(reverse("chain:map", args=[chain.pk]))
    return render(
        request,
        "chain/import.html",
        {"errors": errors, "owners": owners},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def chain_template(request):
    """An empty chain workbook with its headers and an example row."""
    if not access.can_import_chains(request.user):
        raise Forbidden
    return xlsx_response(imports.template_bytes(), _("chain-template.xlsx"))
