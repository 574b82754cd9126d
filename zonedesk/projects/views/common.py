"""What the project pages share: the project page rendered again after an action, a refusal's
words, the answer after an action."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.projects import access, selectors, services
from zonedesk.projects.forms import (
    GuaranteeForm,
    InvestmentForm,
    ServiceRaiseForm,
)


def _refusal(exc: DomainError) -> str:
    """The messages of a refusal, without the names of fields."""
    if isinstance(exc, ValidationFailed):
        return " ".join(m for msgs in exc.errors.values() for m in msgs)
    return exc.message


def _invest_form(request, project, today) -> InvestmentForm:
    """The page's month form: a stored month to change (?month=YYYY-MM: its figures and the
    version read), else the current month empty."""
    read_at = timezone.now().isoformat()
    initial = {"month": today.strftime("%Y-%m"), "read_at": read_at}
    total = project.total_investment_wan
    try:
        month = Period.parse(request.GET.get("month", "")).first_day
    except ValueError:
        return InvestmentForm(initial=initial, total_wan=total)
    stored = selectors.investment_month(project, month)
    if stored is None:
        return InvestmentForm(
            initial={"month": f"{month:%Y-%m}", "read_at": read_at}, total_wan=total
        )
    return InvestmentForm(
        total_wan=total,
        initial={
            "read_at": read_at,
            "month": f"{month:%Y-%m}",
            "planned_wan": stored.planned_wan,
            "done_wan": stored.done_wan,
            "version": stored.version,
        },
    )


def _detail(
    request,
    project,
    *,
    status=200,
    add_form=None,
    edit_form=None,
    service_forms=None,
    invest_form=None,
    complete_errors=None,
):
    """The project page; after a refused item, service or completion form, that form again
    with its field errors (`complete_errors`: node id -> the completion form's errors)."""
    guarantees = selectors.guarantee_rows(request.user, project)
    for row in guarantees:
        if row.can_edit and row.guarantee.done_on is None:
            bound = edit_form if edit_form and edit_form.prefix == f"g{row.guarantee.pk}" else None
            row.form = bound or GuaranteeForm.of(row.guarantee)
    can_add = access.can_add_guarantee(request.user, project)
    today = timezone.localdate()
    rows = selectors.node_rows(request.user, project, today=today)
    for row in rows:
        row.complete_errors = (complete_errors or {}).get(row.node.pk)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "can_edit_project": access.can_edit_project(request.user, project),
            "service_rows": selectors.service_log(request.user, project),
            "can_raise_service": project.investor_id is not None
            and access.can_raise_service(request.user, project),
            "service_form": (service_forms or {}).get("raise")
            or ServiceRaiseForm(choices=selectors.service_choices()),
            "departments": project.zone.departments.order_by("name"),
            "hours": services.service_hours(project.zone),
            "now": timezone.localtime(),
            "rows": rows,
            "gantt": {
                **selectors.gantt(rows, today=today),
                "labels": {
                    "baseline": _("Baseline"),
                    "planned": _("Planned date"),
                    "actual": _("Actual"),
                    "today": _("Today"),
                },
            },
            "replans": selectors.replans_of(request.user, project)[:50],
            "today": today,
            "can_decide": access.can_decide_replan(request.user, project),
            "invest": selectors.investment_of(request.user, project, today=today),
            "invest_form": invest_form or _invest_form(request, project, today),
            "warn_days": selectors.warn_days(),
            "guarantees": guarantees,
            "open_guarantees": [r.guarantee for r in guarantees if r.guarantee.done_on is None],
            "add_form": (add_form or GuaranteeForm(project=project)) if can_add else None,
            "add_refused": add_form is not None,
            "production": selectors.promised_actual(request.user, project),
            "page_url": reverse("projects:detail", args=[project.pk]),
        },
        status=status,
    )


def _done(request, project, call, success: str, *, back_to_list: bool = False):
    """Run a service for a node's form: on success back to the project (or to the list of
    re-plans to decide, where the form was sent from there), else that page again with the
    reason (a stale version names who changed the node and when)."""
    try:
        call()
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, _refusal(exc))
        if back_to_list:
            return _replans(request, status=400)
        return _detail(request, project, status=400)
    messages.success(request, success)
    if back_to_list:
        return redirect("projects:replans")
    return redirect("projects:detail", pk=project.pk)


def _replans(request, *, status=200):
    return render(
        request,
        "projects/replans.html",
        {
            "pending": selectors.replans_to_decide(request.user),
            "page_url": reverse("projects:replans"),
        },
        status=status,
    )


def _on_form(form, exc: ValidationFailed) -> None:
    """A service's refusal shown on the form: under each field it names, else above it."""
    for field, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _service_done(request, project, call, success: str, form_key: str, form):
    """Run a service request's service: on success back to the project's service log, else
    the page again with the reason (field errors beside the form that was sent)."""
    try:
        call()
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, _refusal(exc))
        if isinstance(exc, ValidationFailed):  # beside the field as well, when it has one
            for name, msgs in exc.errors.items():
                if name in form.fields:
                    form.add_error(name, msgs)
        return _detail(request, project, status=400, service_forms={form_key: form})
    messages.success(request, success)
    return redirect(reverse("projects:detail", args=[project.pk]) + "#service-log")
