"""Element guarantees (要素保障): add, edit, 销号."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zonedesk.core.errors import DomainError, ValidationFailed
from zonedesk.core.views import found
from zonedesk.projects import access, selectors, services
from zonedesk.projects.forms import (
    GuaranteeDoneForm,
    GuaranteeForm,
)
from zonedesk.projects.models import Guarantee
from zonedesk.projects.views.common import _detail, _done, _on_form, _refusal


def _guarantee_data(form: GuaranteeForm) -> services.GuaranteeData:
    d = form.cleaned_data
    return services.GuaranteeData(
        category=d["category"],
        land_stage=d["land_stage"] or "",
        quantity=d["quantity"],
        unit=d["unit"],
        need=d["need"],
        department=d["department"],
        utility=d["utility"],
        due_on=d["due_on"],
        note=d["note"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def guarantee_add(request, pk: int):
    """Add an element guarantee item to the project's checklist."""
    project = found(selectors.project_get(request.user, pk=pk))
    if request.method == "GET":
        return redirect("projects:detail", pk=project.pk)
    if not access.can_add_guarantee(request.user, project):
        raise Forbidden
    form = GuaranteeForm(request.POST, project=project)
    if form.is_valid():
        try:
            item = services.guarantee_create(
                actor=request.user, project=project, data=_guarantee_data(form)
            )
        except ValidationFailed as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("Guarantee item added: %(item)s.") % {"item": item})
            return redirect("projects:detail", pk=project.pk)
    messages.error(request, _("The guarantee item was not added: see the form."))
    return _detail(request, project, status=400, add_form=form)


def _item(request, pk: int) -> Guarantee:
    item = selectors.guarantee_get(request.user, pk=pk)
    if item is None:
        raise Http404
    return item


@login_required
@require_http_methods(["GET", "POST"])
def guarantee_edit(request, pk: int):
    """Change an item (on the version the editor read)."""
    item = _item(request, pk)
    project = item.project
    if request.method == "GET":
        return redirect("projects:detail", pk=project.pk)
    if not access.can_edit_guarantee(request.user, item):
        raise Forbidden
    form = GuaranteeForm(request.POST, project=project, prefix=f"g{item.pk}")
    if form.is_valid():
        try:
            services.guarantee_edit(
                actor=request.user,
                guarantee=item,
                data=_guarantee_data(form),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            _on_form(form, exc)
        except DomainError as exc:  # a stale version: who changed it and when
            messages.error(request, _refusal(exc))
            return _detail(request, project, status=400)
        else:
            messages.success(request, _("Guarantee item saved: %(item)s.") % {"item": item})
            return redirect("projects:detail", pk=project.pk)
    messages.error(request, _("The guarantee item was not saved: see the form."))
    return _detail(request, project, status=400, edit_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def guarantee_done(request, pk: int):
    """Mark an item done (the nodes it blocked are released)."""
    item = _item(request, pk)
    project = item.project
    if request.method == "GET":
        return redirect("projects:detail", pk=project.pk)
    form = GuaranteeDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The guarantee item was not marked done: give a valid date."))
        return _detail(request, project, status=400)
    data = form.cleaned_data
    return _done(
        request,
        project,
        lambda: services.guarantee_done(
            actor=request.user,
            guarantee=item,
            done_on=data["done_on"],
            expected_version=data["version"],
        ),
        _("Guarantee item done: %(item)s.") % {"item": item},
    )
