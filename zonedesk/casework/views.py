"""Pages of casework: the problems a user follows (an officer's firms', a department's queue,
a firm's own), one problem with its steps, raising a problem for a firm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zonedesk.casework import access, flows, selectors, services, sheets
from zonedesk.casework.forms import (
    ActionForm,
    ContactForm,
    LedgerFilterForm,
    PlanForm,
    ProblemForm,
    StepForm,
)
from zonedesk.casework.models import Problem
from zonedesk.core import xlsx
from zonedesk.core.errors import DomainError, PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.period import Period
from zonedesk.core.views import export_response, found
from zonedesk.enterprises.access import is_member
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring.selectors import zone_for
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.models import Role
from zonedesk.reports import sections

PROBLEMS_PER_PAGE = 50
# The escalation page shows the most late of each list (the counts above cover them all; the
# full lists are the problems list, the contacts due and the open benefits).
ESCALATION_ROWS = 100


def _steps_label(step: str) -> str:
    return str(Problem.Status(step).label) if step in Problem.Status.values else _("Extend")


def _listed(request):
    """The problems list's filters and rows (the page and its sheet)."""
    user = request.user
    officer = user.has_role(Role.OFFICER) and not user.is_superuser
    who = request.GET.get("who", "mine" if officer else "all")
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    overdue = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    qs = selectors.problems(
        user,
        status=status if status in Problem.Status.values else None,
        category=category if category in Problem.Category.values else None,
        overdue=True if overdue else None,
        mine=who == "mine",
        today=today,
    )
    return selectors.overdue_first(qs, today), {
        "who": who,
        "status": status,
        "category": category,
        "overdue": overdue,
        "today": today,
        "officer": officer,
    }


@login_required
def problem_list(request):
    """The user's problems: an officer's firms' (or all the zone's), a department's queue, a
    firm's own; filtered by status, category and overdue; overdue first, then by deadline, a
    page at a time (the filters kept in the page links)."""
    user = request.user
    qs, f = _listed(request)
    page = Paginator(qs, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": page.object_list,
        "total": page.paginator.count,
        **{key: f[key] for key in ("today", "who", "status", "category", "overdue")},
        "statuses": Problem.Status.choices,
        "categories": Problem.Category.choices,
        "show_who": f["officer"] or user.has_role(Role.LEADER, Role.ADMIN) or user.is_superuser,
        "open_statuses": flows.OPEN,
        "show_overview": can_view_dashboard(user),
        "show_contacts_due": access.plans_contacts(user),
        "query": query.urlencode(),
    }
    return render(request, "casework/problems.html", context)


@login_required
def problem_export(request):
    qs, f = _listed(request)
    return export_response(
        request, [sheets.problems_sheet(qs, f["today"])], _("problems.xlsx"), what="problems"
    )


@login_required
def contacts_due_export(request):
    rows = selectors.contacts_due(request.user, today=timezone.localdate())
    return export_response(
        request, [sheets.contacts_due_sheet(rows)], _("contacts-due.xlsx"), what="contacts due"
    )


def _problem(request, pk: int) -> Problem:
    return found(selectors.problem_get(request.user, pk=pk))


def _detail(request, problem: Problem, *, form=None, step=None, status=200):
    departments = selectors.departments_for(problem)
    steps = [
        (s, _steps_label(s), form if s == step else StepForm(departments=departments))
        for s in flows.next_steps(request.user, problem)
    ]
    context = {
        "problem": problem,
        "steps": steps,
        "today": timezone.localdate(),
        "needs_reason": flows.NEEDS_REASON,
        "open_statuses": flows.OPEN,
        "member": is_member(request.user, problem.enterprise),
    }
    return render(request, "casework/problem.html", context, status=status)


@login_required
def problem_detail(request, pk: int):
    return _detail(request, _problem(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def problem_step(request, pk: int):
    """The problem's next step; a refused one re-shows the page with the reason beside it."""
    problem = _problem(request, pk)
    if request.method == "GET":
        return redirect("casework:problem", pk=pk)
    form = StepForm(request.POST, departments=selectors.departments_for(problem))
    step = request.POST.get("to", "")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.problem_transition(
                actor=request.user,
                problem=problem,
                to=data["to"],
                reason=data["reason"].strip(),
                department=data["department"],
                due_on=data["due_on"],
                satisfaction=data["satisfaction"],
                comment=data["comment"].strip(),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Recorded: %(step)s.") % {"step": _steps_label(step)})
            return redirect("casework:problem", pk=pk)
    messages.error(request, _("The step was not recorded; the reason is shown beside it."))
    return _detail(request, _problem(request, pk), form=form, step=step, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request, pk: int):
    """Raise a problem for a firm (the firm itself, its liaison officer or a zone leader)."""
    enterprise = found(enterprise_get(request.user, pk=pk))
    if not access.can_submit(request.user, enterprise):
        raise PermissionDenied
    member = is_member(request.user, enterprise)
    form = ProblemForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = services.problem_submit(
                actor=request.user,
                enterprise=enterprise,
                category=data["category"],
                title=data["title"],
                description=data["description"],
                raised_via=data.get("raised_via") or None,
                severity=data["severity"],
                anonymous=data["anonymous"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The problem is raised; it is to be accepted by %(due)s.")
                % {"due": problem.due_at},
            )
            return redirect(reverse("casework:problem", args=[problem.pk]))
    return render(
        request,
        "casework/new.html",
        {"form": form, "enterprise": enterprise},
        status=400 if form.errors else 200,
    )


@login_required
def contacts_due(request):
    """The firms whose visit or call is overdue by their plan (never contacted first): an
    officer's own, a leader's whole unit."""
    rows = selectors.contacts_due(request.user, today=timezone.localdate())
    return render(request, "casework/contacts_due.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request, pk: int):
    """Record a visit or call on the spot, with a problem heard if there was one."""
    enterprise = found(enterprise_get(request.user, pk=pk))
    if not access.can_log_contact(request.user, enterprise):
        raise PermissionDenied
    form = ContactForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        heard = (
            [
                services.ProblemData(
                    category=data["problem_category"], title=data["problem_title"].strip()
                )
            ]
            if data["problem_category"]
            else []
        )
        try:
            services.contact_log(
                actor=request.user,
                enterprise=enterprise,
                date=data["date"],
                kind=data["kind"],
                participants=[request.user],
                notes=data["notes"],
                figures_seen=data["figures_seen"],
                follow_up_on=data["follow_up_on"],
                problems=heard,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Contact recorded."))
            return redirect("casework:contacts_due")
    return render(
        request,
        "casework/contact_new.html",
        {"form": form, "enterprise": enterprise},
        status=400 if form.errors else 200,
    )


LEDGER_PER_PAGE = 50


def _ledger(request):
    """The ledger's filter form and the filters it gives (staff of the unit only)."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    form = LedgerFilterForm(
        request.GET or None,
        officers=selectors.ledger_officers(request.user),
        firms=selectors.ledger_firms(request.user).order_by("name", "id"),
    )
    return form, form.to_filters()


@login_required
def ledger(request):
    """The visit ledger (走访台账): every visit and call with the user's firms as recorded, by
    officer, firm, kind and dates, and the firms never visited."""
    form, filters = _ledger(request)
    page = Paginator(selectors.visit_ledger(request.user, filters), LEDGER_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "never": selectors.never_visited(request.user, filters),
        "query": query.urlencode(),
        "today": timezone.localdate(),
    }
    return render(request, "casework/ledger.html", context)


@login_required
def ledger_export(request):
    _form, filters = _ledger(request)
    return export_response(
        request,
        sheets.ledger_sheets(
            selectors.visit_ledger(request.user, filters),
            selectors.never_visited(request.user, filters),
        ),
        _("visit-ledger.xlsx"),
        what="visit ledger",
    )


def _overview_zone(request):
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    return found(zone_for(request.user, code=request.GET.get("zone", "")))


def _overview_period(request) -> Period:
    try:
        return Period.parse(request.GET.get("period", ""))
    except ValueError:
        return Period.of(timezone.localdate())


@login_required
def overview(request):
    """A zone's month: problems raised, open, overdue and resolved by category and department,
    days to resolve and satisfaction, and the difficulties paragraph written from them."""
    zone = _overview_zone(request)
    period = _overview_period(request)
    found = selectors.zone_overview(request.user, zone=zone, period=period)
    if found is None:
        raise Http404
    label = date_format(period.first_day, "YEAR_MONTH_FORMAT")
    text = selectors.difficulties(request.user, zone=zone, first=period, last=period, label=label)
    context = {
        "overview": found,
        "zone": zone,
        "period": period,
        "paragraph": sections.difficulties.paragraph(text) if text else "",
    }
    return render(request, "casework/overview.html", context)


@login_required
def overview_export(request):
    zone = _overview_zone(request)
    period = _overview_period(request)
    found = selectors.zone_overview(request.user, zone=zone, period=period)
    if found is None:
        raise Http404
    return xlsx.xlsx_response(
        xlsx.write_workbook(sheets.overview_sheets(found)),
        _("problems-%(code)s-%(period)s.xlsx") % {"code": zone.code, "period": period},
    )


def _plan_form(plan, data=None):
    owners, problems, measures = selectors.action_choices(plan)
    return ActionForm(
        data,
        owners=owners,
        problems=problems,
        measures=measures,
        initial={"owner": plan.enterprise.officer_id},
    )


@login_required
@require_http_methods(["GET", "POST"])
def firm_plan(request, pk: int):
    """The firm's own plan (一企一策) on one printable page: profile, latest month, open
    problems, support not yet received, actions; its officer or a leader adds actions."""
    enterprise = found(enterprise_get(request.user, pk=pk))
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    can_plan = access.can_log_contact(request.user, enterprise)
    plan = selectors.firm_plan(request.user, enterprise=enterprise)
    form = _plan_form(plan, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.action_add(actor=request.user, enterprise=enterprise, **form.cleaned_data)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Action added to the plan."))
                return redirect("casework:plan", pk=pk)
    return _plan_page(request, enterprise, plan=plan, form=form, status=400 if form.errors else 200)


def _plan_page(request, enterprise, *, plan=None, form=None, plan_form=None, status: int = 200):
    """The firm's plan page; `plan_form`: the contact plan's form as the user filled it (after
    a stale save), else a fresh one when the user may set the plan."""
    plan = plan or selectors.firm_plan(request.user, enterprise=enterprise)
    if form is None:
        form = _plan_form(plan)
    if plan_form is None and access.can_set_plan(request.user, enterprise):
        plan_form = PlanForm(
            cadres=selectors.cadres(enterprise),
            may_name_cadre=access.can_set_leading_cadre(request.user, enterprise),
            initial=selectors.plan_initial(enterprise),
        )
    context = {
        "plan": plan,
        "plan_form": plan_form,
        "form": form if access.can_log_contact(request.user, enterprise) else None,
        "today": timezone.localdate(),
    }
    return render(request, "casework/plan.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def action_close(request, pk: int):
    action = found(selectors.action_get(request.user, pk=pk))
    try:
        services.action_close(actor=request.user, action=action, status=request.POST.get("to", ""))
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.message)
    return redirect("casework:plan", pk=action.enterprise_id)


@login_required
@require_http_methods(["POST"])
def plan_set(request, pk: int):
    """The firm's contact plan, from its plan page."""
    enterprise = found(enterprise_get(request.user, pk=pk))
    if not access.can_set_plan(request.user, enterprise):
        raise PermissionDenied
    may_name = access.can_set_leading_cadre(request.user, enterprise)
    form = PlanForm(
        request.POST,
        cadres=selectors.cadres(enterprise),
        may_name_cadre=may_name,
        initial=selectors.plan_initial(enterprise),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_set(
                actor=request.user,
                enterprise=enterprise,
                visit_every_days=data["visit_every_days"],
                call_every_days=data["call_every_days"],
                at_risk=data["at_risk"],
                leading_cadre=data["leading_cadre"] if may_name else services.KEEP,
                expected_version=data["version"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except StaleVersion as exc:
            stored = selectors.plan_initial(enterprise)
            cadre = selectors.cadres(enterprise).filter(pk=stored["leading_cadre"]).first()
            form.show_conflict(exc, stored | {"leading_cadre": cadre})
            return _plan_page(request, enterprise, plan_form=form, status=409)
        else:
            messages.success(request, _("Contact plan saved."))
            return redirect("casework:plan", pk=pk)
    problems = "; ".join(str(m) for found in form.errors.values() for m in found)
    messages.error(
        request, _("The contact plan was not saved: %(problems)s") % {"problems": problems}
    )
    return redirect("casework:plan", pk=pk)


@login_required
def escalation(request):
    """The leaders' escalation page: overdue problems (by department and by officer), firms past
    their contact plan, benefits stuck in a step; a reminder button on each row."""
    found = selectors.escalation(request.user, today=timezone.localdate())
    if found is None:
        raise PermissionDenied
    sections = [
        (key, label, rows[:ESCALATION_ROWS], len(rows), len(rows) - ESCALATION_ROWS)
        for key, label, rows in (
            ("problem", _("Overdue problems"), found.problems),
            ("contact", _("Firms past their contact plan"), found.contacts),
            ("benefit", _("Benefits stuck in a step"), found.benefits),
        )
    ]
    return render(request, "casework/escalation.html", {"e": found, "sections": sections})


@login_required
@require_http_methods(["POST"])
def remind(request):
    """One click: remind the person responsible for a row of the escalation page."""
    if not access.can_escalate(request.user):
        raise PermissionDenied
    kind = request.POST.get("kind", "")
    try:
        pk = int(request.POST.get("pk", ""))
    except ValueError:
        messages.error(request, _("The reminder names no item: nothing was sent."))
        return redirect("casework:escalation")
    try:
        sent = services.reminder_send(
            actor=request.user, kind=kind, pk=pk, today=timezone.localdate()
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Reminder sent to %(user)s: %(title)s")
            % {"user": sent.recipient, "title": sent.title},
        )
    return redirect(reverse("casework:escalation") + f"#{kind}-{pk}")
