"""A key project's service requests (7x24): casework problems of the investor firm on a
round-the-clock clock in hours (nights and weekends are not skipped), recorded by the project's
service officer, and their figures recomputed here by hand from the stored rows."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from tests import factories
from zonedesk.casework import clock
from zonedesk.casework.models import Problem, ProblemEvent
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.org.models import Department
from zonedesk.projects import selectors, services
from zonedesk.projects.models import ServiceRequest

pytestmark = pytest.mark.django_db
CST = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CST)


def _project(world, **fields):
    # officer2 serves the project: not firm_a's liaison officer (`officer`).
    values = {
        "investor": world.firm_a,
        "investor_name": "",
        "service_officer": world.users["officer2"],
        "leading_cadre": world.users["leader"],
        **fields,
    }
    return factories.project(world.zone_a, signed_on=dt.date(2019, 6, 1), **values)


def _raise(world, project, when, title="工地夜间停电", actor=None):
    return services.service_request_raise(
        actor=actor or world.users["officer2"],
        project=project,
        category="energy",
        title=title,
        raised_via="phone",
        at=when,
    )


def _dept(world, name="经济发展局"):
    return Department.objects.get(zone=world.zone_a, name=name)


def test_the_clock_runs_through_midnight_and_the_weekend(world):
    project = _project(world)
    # Friday 5 June 2020, 22:00: respond by 24:00, resolve by Saturday 22:00.
    request = _raise(world, project, at(2020, 6, 5, 22, 0))
    problem = request.problem
    assert problem.respond_by == at(2020, 6, 6, 0, 0)
    assert problem.resolve_by == at(2020, 6, 6, 22, 0)
    # The working-day deadline beside it skips the weekend: accepted by Monday.
    assert problem.due_at == dt.date(2020, 6, 8)
    assert problem.officer == world.users["officer2"]
    services.service_request_respond(
        actor=world.users["officer2"],
        request=request,
        department=_dept(world),
        at=at(2020, 6, 5, 23, 30),
    )
    services.service_request_resolve(
        actor=world.users["officer2"],
        request=request,
        resolution="供电所抢修，恢复送电",
        at=at(2020, 6, 7, 10, 0),
    )
    problem.refresh_from_db()
    assert problem.status == "resolved" and problem.department == _dept(world)
    assert problem.responded_at == at(2020, 6, 5, 23, 30)
    assert problem.resolved_at == at(2020, 6, 7, 10, 0)
    [row] = selectors.service_log(world.users["officer2"], project, now=at(2020, 6, 8, 9, 0))
    # 1.5 hours across midnight; 36 hours over Saturday night and Sunday morning, past the 24.
    assert row.response_hours == 1.5 and row.resolution_hours == 36.0
    assert not row.late_response and row.late_resolution and row.overdue
    moves = list(problem.events.order_by("pk").values_list("move", flat=True))
    assert moves == ["submitted", "accepted", "in_progress", "replied", "resolved"]


def test_an_unanswered_request_is_overdue_after_two_hours(world):
    project = _project(world)
    request = _raise(world, project, at(2020, 6, 6, 23, 0))  # a Saturday night
    log = lambda now: selectors.service_log(world.users["leader"], project, now=now)[0]  # noqa: E731
    assert not log(at(2020, 6, 7, 0, 59)).overdue
    late = log(at(2020, 6, 7, 1, 1))
    assert late.late_response and not late.late_resolution and late.can_respond
    assert late.clock.problem_id == request.problem_id


@override_settings(
    ZONEDESK={
        **__import__("django.conf").conf.settings.ZONEDESK,
        "PROJECT_SERVICE_HOURS_BY_ZONE": {"zone-a": {"respond": 1, "resolve": 8}},
    }
)
def test_a_zone_has_its_own_hours(world):
    request = _raise(world, _project(world), at(2020, 6, 5, 22, 0))
    assert request.problem.respond_by == at(2020, 6, 5, 23, 0)
    assert request.problem.resolve_by == at(2020, 6, 6, 6, 0)


def test_who_raises_and_records(world):
    project = _project(world)
    # The investor firm's user raises one; the leader too; another officer may not.
    by_firm = _raise(world, project, None, actor=world.users["enterprise"])
    assert by_firm.problem.raised_via == "phone"
    _raise(world, project, None, actor=world.users["leader"], title="施工许可咨询")
    with pytest.raises(PermissionDenied):
        _raise(world, project, None, actor=world.users["officer_b"])
    count = Problem.objects.count()
    with pytest.raises(PermissionDenied):
        _raise(world, project, None, actor=world.users["department"])
    assert Problem.objects.count() == count
    # The firm does not record the administration's response.
    with pytest.raises(PermissionDenied):
        services.service_request_respond(
            actor=world.users["enterprise"], request=by_firm, department=_dept(world)
        )
    services.service_request_respond(
        actor=world.users["officer2"], request=by_firm, department=_dept(world)
    )
    # The department's staff record the resolution of what was handed to them.
    services.service_request_resolve(
        actor=world.users["department"], request=by_firm, resolution="已现场答复"
    )
    by_firm.problem.refresh_from_db()
    assert by_firm.problem.status == "resolved"
    entry = AuditEntry.objects.get(target_type="projects.servicerequest", target_id=str(by_firm.pk))
    assert entry.zone_id == world.zone_a.pk and entry.changes["project"][1] == project.name


def test_bad_input_changes_nothing(world):
    project = _project(world)
    no_firm = factories.project(world.zone_a, code="XM-002", signed_on=dt.date(2019, 6, 1))
    with pytest.raises(ValidationFailed) as exc:
        _raise(world, no_firm, None, actor=world.users["leader"])
    assert "project" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        _raise(world, project, at(2099, 1, 1, 22, 0))
    assert "at" in exc.value.errors
    assert not ServiceRequest.objects.exists() and not Problem.objects.exists()
    request = _raise(world, project, at(2020, 6, 5, 22, 0))
    events = ProblemEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:  # not responded yet
        services.service_request_resolve(
            actor=world.users["officer2"], request=request, resolution="已处理"
        )
    assert "resolution" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:  # before it was raised
        services.service_request_respond(
            actor=world.users["officer2"],
            request=request,
            department=_dept(world),
            at=at(2020, 6, 5, 21, 0),
        )
    assert "at" in exc.value.errors
    with pytest.raises(ValidationFailed):
        services.service_request_resolve(
            actor=world.users["officer2"], request=request, resolution="  "
        )
    request.problem.refresh_from_db()
    assert request.problem.status == "submitted" and request.problem.responded_at is None
    assert ProblemEvent.objects.count() == events


def test_the_figures_are_the_rows_counted_by_hand(world):
    project = _project(world)
    other = factories.department_user(world.zone_a, "应急管理局", "duty")
    officer = world.users["officer2"]
    plan = [
        # raised, responded, handed to, resolved
        (at(2020, 6, 5, 22, 0), at(2020, 6, 5, 23, 30), "经济发展局", at(2020, 6, 7, 10, 0)),
        (at(2020, 6, 10, 2, 15), at(2020, 6, 10, 3, 0), "应急管理局", at(2020, 6, 10, 9, 45)),
        (at(2020, 6, 20, 9, 0), at(2020, 6, 20, 12, 0), "经济发展局", None),
        (at(2020, 6, 30, 21, 0), None, None, None),
        (at(2020, 7, 1, 8, 0), at(2020, 7, 1, 8, 30), "经济发展局", None),  # July: not June's
    ]
    for i, (raised, responded, dept, resolved) in enumerate(plan):
        request = _raise(world, project, raised, title=f"服务诉求{i}")
        if responded:
            services.service_request_respond(
                actor=officer, request=request, department=_dept(world, dept), at=responded
            )
        if resolved:
            services.service_request_resolve(
                actor=officer, request=request, resolution="已解决", at=resolved
            )
    assert other.department.name == "应急管理局"
    now = at(2020, 7, 3, 12, 0)
    facts = selectors.summary(
        world.users["leader"],
        zones=[world.zone_a],
        first=Period(2020, 6),
        last=Period(2020, 6),
        now=now,
    )
    s = facts.service
    # By hand from the stored rows: June's requests, the period's end the figures' instant.
    end = at(2020, 7, 1, 0, 0)
    june = [
        p
        for p in Problem.objects.filter(project_service__project=project)
        if at(2020, 6, 1, 0, 0) <= p.created_at < end
    ]
    assert s.requests == len(june) == 4
    responses = [
        (p.responded_at - p.created_at).total_seconds() / 3600 for p in june if p.responded_at
    ]
    resolutions = [
        (p.resolved_at - p.created_at).total_seconds() / 3600 for p in june if p.resolved_at
    ]
    assert s.responded == len(responses) == 3 and s.resolved == len(resolutions) == 2
    assert s.avg_response_hours == round(sum(responses) / 3, 1) == round((1.5 + 0.75 + 3) / 3, 1)
    assert s.avg_resolution_hours == round(sum(resolutions) / 2, 1) == round((36 + 7.5) / 2, 1)
    late = [
        p
        for p in june
        if (p.responded_at or end) > p.respond_by or (p.resolved_at or end) > p.resolve_by
    ]
    # The first resolved after 36 h; the third answered after 3 h and unresolved past 24 h;
    # the last unanswered at the month's end (21:00 + 2 h is past it): three.
    assert s.overdue == len(late) == 3
    by_dept = {d.department: d for d in s.departments}
    assert list(by_dept) == ["应急管理局", "经济发展局", ""]  # by name, not handed last
    assert by_dept["经济发展局"].requests == 2 and by_dept[
        "经济发展局"
    ].avg_response_hours == round((1.5 + 3) / 2, 1)
    assert by_dept["应急管理局"].avg_resolution_hours == 7.5 and by_dept["应急管理局"].overdue == 0
    assert by_dept[""].requests == 1 and by_dept[""].overdue == 1


def test_the_clock_is_plain_hours():
    raised = at(2020, 1, 24, 22, 0)  # 除夕, a public holiday eve: no day is skipped
    row = clock.ClockRow(
        problem_id=1,
        title="",
        category="",
        status="submitted",
        status_label="",
        department="",
        department_id=None,
        raised_by="",
        raised_at=raised,
        respond_by=raised + dt.timedelta(hours=2),
        resolve_by=raised + dt.timedelta(hours=24),
        responded_at=None,
        resolved_at=None,
    )
    assert clock.hours(raised, at(2020, 1, 27, 10, 0)) == 60.0
    assert not clock.overdue(row, at(2020, 1, 25, 0, 0))
    assert clock.late_response(row, at(2020, 1, 25, 0, 1))


def test_the_paragraph_says_the_requests_and_changes_with_them(world):
    from zonedesk.reports.document import plain
    from zonedesk.reports.sections import projects as section

    project = _project(world)

    def words():
        facts = selectors.summary(
            world.users["leader"],
            zones=[world.zone_a],
            first=Period(2020, 6),
            last=Period(2020, 6),
            now=at(2020, 7, 3, 12, 0),
        )
        return plain(" ".join(section.sentences(facts, "June 2020")))

    assert "service requests" not in words()
    request = _raise(world, project, at(2020, 6, 5, 22, 0))
    services.service_request_respond(
        actor=world.users["officer2"],
        request=request,
        department=_dept(world),
        at=at(2020, 6, 5, 22, 45),
    )
    text = words()
    assert (
        "took 1 service requests from the key projects, responded on average in 0.8 hours" in text
    )
    assert "resolved them on average in — hours; 1 ran past their time limits." in text
    assert "By department: 经济发展局 1, 0.8 h to respond, — h to resolve." in text
    services.service_request_resolve(
        actor=world.users["officer2"],
        request=request,
        resolution="已恢复",
        at=at(2020, 6, 6, 8, 45),
    )
    text = words()
    assert "resolved them on average in 10.8 hours; 0 ran past" in text


def test_a_request_late_on_a_month_s_last_day_is_that_month_s_in_the_paragraph(world):
    """Periods are Asia/Shanghai's: a request raised at 23:30 on 30 June (15:30 UTC) is June's,
    not July's; not yet handed to a department, it is counted as not yet assigned."""
    from zonedesk.reports.document import plain
    from zonedesk.reports.sections import projects as section

    project = _project(world)
    handed = _raise(world, project, at(2020, 6, 5, 22, 0))
    services.service_request_respond(
        actor=world.users["officer2"],
        request=handed,
        department=_dept(world),
        at=at(2020, 6, 5, 23, 0),
    )
    _raise(world, project, at(2020, 6, 30, 23, 30), title="月末夜间断水")

    def facts(month):
        return selectors.summary(
            world.users["leader"],
            zones=[world.zone_a],
            first=Period(2020, month),
            last=Period(2020, month),
            now=at(2020, 8, 1, 12, 0),
        )

    june, july = facts(6), facts(7)
    assert june.service.requests == 2 and july.service.requests == 0
    assert [(d.department, d.requests) for d in june.service.departments] == [
        ("经济发展局", 1),
        ("", 1),
    ]
    text = plain(" ".join(section.sentences(june, "June 2020")))
    assert "By department: 经济发展局 1, 1.0 h to respond, — h to resolve; " in text
    assert "; 1 not yet assigned." in text
    assert "service requests" not in plain(" ".join(section.sentences(july, "July 2020")))


def test_the_page_shows_the_log_and_refuses_bad_input(world, client):
    from django.urls import reverse

    project = _project(world)
    client.force_login(world.users["officer2"])
    url = reverse("projects:service_raise", args=[project.pk])
    # No title, an unknown category, a time in the future: the page again, nothing stored.
    response = client.post(
        url, {"title": "", "category": "nope", "raised_via": "phone", "at": "2099-01-01T22:00"}
    )
    assert response.status_code == 400
    assert not ServiceRequest.objects.exists()
    form = response.context["service_form"]
    assert set(form.errors) == {"title", "category"}
    response = client.post(
        url,
        {"title": "停电", "category": "energy", "raised_via": "phone", "at": "2099-01-01T22:00"},
    )
    assert response.status_code == 400 and not ServiceRequest.objects.exists()
    # The pages speak Chinese first: the field's error beside it, in the user's language.
    assert "时间不能晚于现在。" in response.content.decode()
    assert response.context["service_form"].errors["at"] == ["时间不能晚于现在。"]
    response = client.post(
        url,
        {
            "title": "工地夜间停电",
            "category": "energy",
            "raised_via": "phone",
            "at": "2020-06-05T22:00",
        },
    )
    assert response.status_code == 302 and response.url.endswith("#service-log")
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "工地夜间停电" in page and "2020-06-05 22:00" in page
    request = ServiceRequest.objects.get()
    assert request.problem.created_at == at(2020, 6, 5, 22, 0)
    # Casework's own page of the problem shows the clock beside the working-day deadline.
    casework_page = client.get(reverse("casework:problem", args=[request.problem_id]))
    assert "应于2020-06-06 00:00前响应、2020-06-06 22:00前办结" in casework_page.content.decode()
    # The response without a department: refused, nothing changed.
    response = client.post(reverse("projects:service_respond", args=[request.pk]), {})
    assert response.status_code == 400
    request.problem.refresh_from_db()
    assert request.problem.status == "submitted"


def test_the_summary_of_today_does_not_count_a_limit_still_to_come(world):
    """Found by the outside recomputation: the summary of the current period counted a request
    overdue whose two hours had not yet passed (it read "today" as of its end, hours ahead)."""
    from django.utils import timezone

    project = _project(world)
    _raise(world, project, timezone.now() - dt.timedelta(minutes=1))
    today = timezone.localdate()
    facts = selectors.summary(
        world.users["leader"],
        zones=[world.zone_a],
        first=Period.of(today),
        last=Period.of(today),
        today=today,
    )
    assert facts.service.requests == 1 and facts.service.overdue == 0
