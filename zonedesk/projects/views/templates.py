"""The node templates page: each kind's nodes, edited by leaders and administrators (add,
change, move, remove). Changes apply to new projects; existing projects keep their nodes."""

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
from zonedesk.projects.views.common import _on_form, _refusal


def _allowed(request) -> None:
    if not access.can_edit_templates(request.user):
        raise Forbidden


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


def _back(template) -> str:
    return reverse("projects:templates") + f"#kind-{template.kind}"


def _page(request, *, status=200, add_form=None, add_kind=None):
    views = selectors.templates(request.user)
    warn = selectors.warn_days()
    for view in views:
        bound = add_form if add_kind == view.template.kind else None
        view.add_form = bound or TemplateNodeForm(
            initial={"version": view.template.version},
            template=view.template,
            prefix=f"add-{view.template.kind}",
            warn_days=warn,
        )
    return render(
        request,
        "projects/templates.html",
        {
            "views": views,
            "warn_days": warn,
            "department_names": selectors.department_names(request.user),
        },
        status=status,
    )


@login_required
def template_list(request):
    """Every kind's template (the defaults until someone changes them)."""
    _allowed(request)
    services.templates_ensure()  # a database flushed since migration 0001 seeded them
    return _page(request)


@login_required
@require_POST
def template_node_add(request, kind: str):
    """Add a node at the end of the kind's template."""
    _allowed(request)
    template = selectors.template_get(request.user, kind=kind)
    if template is None:
        raise Http404
    form = TemplateNodeForm(
        request.POST, template=template, prefix=f"add-{kind}", warn_days=selectors.warn_days()
    )
    if form.is_valid():
        try:
            node = services.template_node_add(
                actor=request.user,
                template=template,
                data=_data(form),
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as exc:
            messages.error(request, _refusal(exc))
            return _page(request, status=409)
        except ValidationFailed as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("Node added: %(node)s.") % {"node": node.name})
            return redirect(_back(template))
    messages.error(request, _("The node was not added: see the form."))
    return _page(request, status=400, add_form=form, add_kind=kind)


def _node(request, pk: int):
    _allowed(request)
    node = selectors.template_node_get(request.user, pk=pk)
    if node is None:
        raise Http404
    return node


@login_required
@require_http_methods(["GET", "POST"])
def template_node_edit(request, pk: int):
    """Change a node: name, code, days after signing, department, its own yellow warning, the
    nodes it waits for."""
    node = _node(request, pk)
    template = node.template
    warn = selectors.warn_days()
    if request.method == "GET":
        form = TemplateNodeForm.of(node, warn_days=warn)
    else:
        form = TemplateNodeForm(request.POST, template=template, node=node, warn_days=warn)
        if form.is_valid():
            try:
                services.template_node_edit(
                    actor=request.user,
                    node=node,
                    data=_data(form),
                    expected_version=form.cleaned_data["version"],
                )
            except StaleVersion as exc:
                messages.error(request, _refusal(exc))
                form = TemplateNodeForm.of(node.__class__.objects.get(pk=node.pk), warn_days=warn)
                return _node_page(request, node, form, status=409)
            except ValidationFailed as exc:
                _on_form(form, exc)
            else:
                messages.success(request, _("Node saved: %(node)s.") % {"node": node.name})
                return redirect(_back(template))
        messages.error(request, _("The node was not saved: see the form."))
        return _node_page(request, node, form, status=400)
    return _node_page(request, node, form)


def _node_page(request, node, form, *, status=200):
    return render(
        request,
        "projects/template_node.html",
        {
            "node": node,
            "template": node.template,
            "form": form,
            "required": node.code in templates_default.REQUIRED,
            "department_names": selectors.department_names(request.user),
        },
        status=status,
    )


def _action(request, pk: int, call, success: str):
    node = _node(request, pk)
    form = TemplateActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return _page(request, status=400)
    try:
        call(node, form.cleaned_data)
    except PermissionDenied:
        raise
    except StaleVersion as exc:
        messages.error(request, _refusal(exc))
        return _page(request, status=409)
    except ValidationFailed as exc:
        messages.error(request, _refusal(exc))
        return _page(request, status=400)
    messages.success(request, success % {"node": node.name})
    return redirect(_back(node.template))


@login_required
@require_POST
def template_node_move(request, pk: int):
    """Move a node one place up or down."""
    return _action(
        request,
        pk,
        lambda node, d: services.template_node_move(
            actor=request.user, node=node, up=d["up"], expected_version=d["version"]
        ),
        _("Node moved: %(node)s."),
    )


@login_required
@require_POST
def template_node_remove(request, pk: int):
    """Remove a node (not one that production or the summary relies on)."""
    return _action(
        request,
        pk,
        lambda node, d: services.template_node_remove(
            actor=request.user, node=node, expected_version=d["version"]
        ),
        _("Node removed: %(node)s."),
    )
