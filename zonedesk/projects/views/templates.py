"""The node templates page: a zone's template of each kind (its own, else the installation's
default it uses), read by the leaders and administrators over the zone and edited by the zone's
own (add, change, move, remove a node; the first change copies the default; restore the
default), and the installation's defaults, edited by superusers. The page's `zone` parameter
names the zone (or DEFAULT); changes apply to new projects, existing projects keep their nodes."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.projects import access, selectors, services, templates_default
from zonedesk.projects.forms import TemplateActionForm, TemplateNodeForm
from zonedesk.projects.models import Kind
from zonedesk.projects.views.common import _on_form, _refusal


def _zone(request):
    """The zone the page is about (None: the installation's defaults): 403 for a user who reads
    no templates, 404 for a zone (or the defaults) the user does not read."""
    if not access.can_view_templates(request.user):
        raise Forbidden
    found, zone = selectors.template_zone(request.user, request.GET.get("zone"))
    if not found:
        raise Http404
    return zone


def _editor(request):
    """The zone whose templates the user changes: 403 for a reader (a city's or province's
    leader, or another zone's user for the defaults)."""
    zone = _zone(request)
    if not access.can_edit_templates(request.user, zone):
        raise Forbidden
    return zone


def _query(zone) -> str:
    return "?" + urlencode({"zone": zone.code if zone is not None else selectors.DEFAULT})


def _data(form: TemplateNodeForm) -> services.TemplateNodeData:
    d = form.cleaned_data
    return services.TemplateNodeData(
        code=d["code"],
        name=d["name"],
        offset_days=d["offset_days"],
        department_name=d["department_name"],
        depends_on=tuple(d["depends_on"]),
        warn_days=d["warn_days"],
    )


def _back(zone, kind: str) -> str:
    return reverse("projects:templates") + _query(zone) + f"#kind-{kind}"


def _page(request, zone, *, status=200, add_form=None, add_kind=None):
    views = selectors.templates(request.user, zone)
    warn = selectors.warn_days()
    for view in views:
        bound = add_form if add_kind == view.template.kind else None
        view.add_form = bound or TemplateNodeForm(
            initial={"version": view.template.version, "template": view.template.pk},
            template=view.template,
            prefix=f"add-{view.template.kind}",
            warn_days=warn,
        )
    return render(
        request,
        "projects/templates.html",
        {
            "views": views,
            "zone": zone,
            "zones": selectors.template_zones(request.user),
            "with_default": request.user.is_superuser,
            "default_key": selectors.DEFAULT,
            "query": _query(zone),
            "editable": access.can_edit_templates(request.user, zone),
            "warn_days": warn,
            "department_names": selectors.department_names(request.user, zone),
        },
        status=status,
    )


@login_required
def template_list(request):
    """A zone's template of every kind (or the installation's defaults)."""
    zone = _zone(request)
    services.templates_ensure()  # a database flushed since migration 0001 seeded them
    return _page(request, zone)


@login_required
@require_POST
def template_node_add(request, kind: str):
    """Add a node at the end of the zone's template of the kind (copying the default first)."""
    zone = _editor(request)
    if kind not in Kind.values:
        raise Http404
    read = selectors.template_get(request.user, zone=zone, kind=kind)
    if read is None:
        raise Http404
    form = TemplateNodeForm(
        request.POST, template=read, prefix=f"add-{kind}", warn_days=selectors.warn_days()
    )
    if form.is_valid():
        if form.cleaned_data["template"] is not None:
            read = selectors.template_get(
                request.user, zone=zone, kind=kind, pk=form.cleaned_data["template"]
            )
        try:
            if read is None:  # the template read has been removed (the default restored)
                raise StaleVersion(
                    _("The template you read has been replaced since. Nothing was saved.")
                )
            node = services.template_node_add(
                actor=request.user,
                zone=zone,
                template=read,
                data=_data(form),
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as exc:
            messages.error(request, _refusal(exc))
            return _page(request, zone, status=409)
        except ValidationFailed as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("Node added: %(node)s.") % {"node": node.name})
            return redirect(_back(zone, kind))
    messages.error(request, _("The node was not added: see the form."))
    return _page(request, zone, status=400, add_form=form, add_kind=kind)


def _node(request, pk: int):
    zone = _editor(request)
    node = selectors.template_node_get(request.user, zone=zone, pk=pk)
    if node is None:
        raise Http404
    return zone, node


@login_required
@require_http_methods(["GET", "POST"])
def template_node_edit(request, pk: int):
    """Change a node: name, code, days after signing, department, its own yellow warning, the
    nodes it waits for."""
    zone, node = _node(request, pk)
    template = node.template
    warn = selectors.warn_days()
    if request.method == "GET":
        form = TemplateNodeForm.of(node, warn_days=warn)
    else:
        form = TemplateNodeForm(request.POST, template=template, node=node, warn_days=warn)
        if form.is_valid():
            try:
                saved = services.template_node_edit(
                    actor=request.user,
                    zone=zone,
                    node=node,
                    data=_data(form),
                    expected_version=form.cleaned_data["version"],
                )
            except StaleVersion as exc:
                messages.error(request, _refusal(exc))
                fresh = selectors.template_node_now(request.user, zone=zone, node=node)
                if fresh is None:
                    return redirect(_back(zone, template.kind))
                form = TemplateNodeForm.of(fresh, warn_days=warn)
                return _node_page(request, zone, fresh, form, status=409)
            except ValidationFailed as exc:
                _on_form(form, exc)
            else:
                messages.success(request, _("Node saved: %(node)s.") % {"node": saved.name})
                return redirect(_back(zone, template.kind))
        messages.error(request, _("The node was not saved: see the form."))
        return _node_page(request, zone, node, form, status=400)
    return _node_page(request, zone, node, form)


def _node_page(request, zone, node, form, *, status=200):
    return render(
        request,
        "projects/template_node.html",
        {
            "node": node,
            "template": node.template,
            "zone": zone,
            "query": _query(zone),
            "own": node.template.zone_id is not None,
            "form": form,
            "required": node.code in templates_default.REQUIRED,
            "department_names": selectors.department_names(request.user, zone),
        },
        status=status,
    )


def _action(request, zone, kind: str, call, success: str):
    form = TemplateActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return _page(request, zone, status=400)
    try:
        call(form.cleaned_data)
    except PermissionDenied:
        raise
    except StaleVersion as exc:
        messages.error(request, _refusal(exc))
        return _page(request, zone, status=409)
    except ValidationFailed as exc:
        messages.error(request, _refusal(exc))
        return _page(request, zone, status=400)
    messages.success(request, success)
    return redirect(_back(zone, kind))


@login_required
@require_POST
def template_node_move(request, pk: int):
    """Move a node one place up or down."""
    zone, node = _node(request, pk)
    return _action(
        request,
        zone,
        node.template.kind,
        lambda d: services.template_node_move(
            actor=request.user, zone=zone, node=node, up=d["up"], expected_version=d["version"]
        ),
        _("Node moved: %(node)s.") % {"node": node.name},
    )


@login_required
@require_POST
def template_node_remove(request, pk: int):
    """Remove a node (not one that production or the summary relies on)."""
    zone, node = _node(request, pk)
    return _action(
        request,
        zone,
        node.template.kind,
        lambda d: services.template_node_remove(
            actor=request.user, zone=zone, node=node, expected_version=d["version"]
        ),
        _("Node removed: %(node)s.") % {"node": node.name},
    )


@login_required
@require_POST
def template_restore(request, kind: str):
    """Remove the zone's own template of the kind: its new projects get the default again."""
    zone = _editor(request)
    if kind not in Kind.values or zone is None:
        raise Http404
    return _action(
        request,
        zone,
        kind,
        lambda d: services.template_restore_default(
            actor=request.user, zone=zone, kind=kind, expected_version=d["version"]
        ),
        _("The installation's default is restored for %(kind)s projects.")
        % {"kind": Kind(kind).label},
    )
