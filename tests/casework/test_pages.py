"""Casework pages through the test client: the lists each role sees, a problem raised and taken
through its steps from the page, refusals shown beside the step."""

import pytest

from tests import factories
from zonedesk.casework.models import Problem
from zonedesk.org.models import Department

pytestmark = pytest.mark.django_db


def test_each_role_sees_its_part(world, client_for):
    mine = factories.problem(world.firm_a, title="流动资金紧张")
    other = factories.problem(world.firm_a2, title="招工难")
    factories.problem(world.firm_b, title="乙区物流")
    officer = client_for(world.users["officer"]).get("/casework/").content.decode()
    assert "流动资金紧张" in officer and "招工难" not in officer  # their own firms by default
    everyone = client_for(world.users["officer"]).get("/casework/", {"who": "all"}).content.decode()
    assert "招工难" in everyone and "乙区物流" not in everyone
    firm = client_for(world.users["enterprise"]).get("/casework/").content.decode()
    assert "流动资金紧张" in firm and "招工难" not in firm
    dept = client_for(world.users["department"]).get("/casework/").content.decode()
    assert "流动资金紧张" not in dept  # nothing in its charge yet
    assert (
        client_for(world.users["enterprise"]).get(f"/casework/problems/{other.pk}/").status_code
        == 404
    )
    for odd in ({"status": "x"}, {"category": "<b>"}, {"overdue": "yes"}, {"who": "?"}):
        assert client_for(world.users["leader"]).get("/casework/", odd).status_code == 200
    assert mine.pk


def test_a_problem_is_raised_and_moved_on_from_the_pages(world, client_for):
    dept = Department.objects.get(zone=world.zone_a, name="经济发展局")
    firm = client_for(world.users["enterprise"])
    response = firm.post(
        f"/casework/firms/{world.firm_a.pk}/new/",
        {"category": "export", "title": "出口订单无法交付", "severity": "high"},
    )
    problem = Problem.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/casework/problems/{problem.pk}/"
    )
    assert problem.raised_via == "online"  # the firm itself, online

    officer = client_for(world.users["officer"])
    page = officer.get(f"/casework/problems/{problem.pk}/").content.decode()
    assert 'data-testid="step-accepted"' in page
    refused = officer.post(f"/casework/problems/{problem.pk}/step/", {"to": "accepted"})
    assert refused.status_code == 400 and "请选择承办部门" in refused.content.decode()
    problem.refresh_from_db()
    assert problem.status == "submitted"
    officer.post(
        f"/casework/problems/{problem.pk}/step/", {"to": "accepted", "department": dept.pk}
    )
    problem.refresh_from_db()
    assert problem.status == "accepted" and problem.department == dept

    staff = client_for(world.users["department"])
    assert "出口订单无法交付" in staff.get("/casework/").content.decode()
    staff.post(f"/casework/problems/{problem.pk}/step/", {"to": "in_progress"})
    staff.post(f"/casework/problems/{problem.pk}/step/", {"to": "replied", "reason": "已联系"})
    staff.post(f"/casework/problems/{problem.pk}/step/", {"to": "resolved", "reason": "已解决"})
    assert (
        firm.post(
            f"/casework/problems/{problem.pk}/step/", {"to": "confirmed", "satisfaction": "9"}
        ).status_code
        == 400
    )
    firm.post(f"/casework/problems/{problem.pk}/step/", {"to": "confirmed", "satisfaction": "5"})
    problem.refresh_from_db()
    assert (problem.status, problem.satisfaction) == ("confirmed", 5)
    history = firm.get(f"/casework/problems/{problem.pk}/").content.decode()
    assert history.count("list-group-item small") == 6
    # a reload of the step's address goes back to the problem
    assert firm.get(f"/casework/problems/{problem.pk}/step/")["Location"].endswith(
        f"/casework/problems/{problem.pk}/"
    )


def test_who_may_raise_a_problem(world, client_for):
    body = {"category": "finance", "title": "资金紧张", "raised_via": "visit", "severity": "normal"}
    assert (
        client_for(world.users["officer2"])
        .post(f"/casework/firms/{world.firm_a.pk}/new/", body)
        .status_code
        == 403
    )
    assert (
        client_for(world.users["enterprise"])
        .get(f"/casework/firms/{world.firm_a2.pk}/new/")
        .status_code
        == 404
    )
    bad = client_for(world.users["officer"]).post(
        f"/casework/firms/{world.firm_a.pk}/new/", {**body, "category": "nope"}
    )
    assert bad.status_code == 400 and not Problem.objects.exists()


def test_a_contact_is_recorded_on_the_spot_with_the_problem_heard(world, client_for):
    officer = client_for(world.users["officer"])
    due = officer.get("/casework/contacts/due/").content.decode()
    assert world.firm_a.name in due and world.firm_a2.name not in due  # their own firm
    url = f"/casework/firms/{world.firm_a.pk}/contact/"
    half = officer.post(
        url, {"date": "2020-06-10", "kind": "on_site", "problem_category": "finance"}
    )
    assert half.status_code == 400 and not Problem.objects.exists()
    future = officer.post(url, {"date": "2999-01-01", "kind": "phone"})
    assert future.status_code == 400
    done = officer.post(
        url,
        {
            "date": "2020-06-10",
            "kind": "on_site",
            "notes": "看了车间",
            "problem_category": "finance",
            "problem_title": "续贷困难",
        },
    )
    assert done.status_code == 302
    problem = Problem.objects.get()
    assert (problem.title, problem.contact.kind, problem.raised_via) == (
        "续贷困难",
        "on_site",
        "visit",
    )
    assert client_for(world.users["officer2"]).get(url).status_code == 403


def test_the_zone_overview_page_and_its_sheet(world, client_for):
    import datetime as dt
    import io

    from python_calamine import CalamineWorkbook

    factories.problem(world.firm_a, category="export", title="货物滞港", on=dt.date(2020, 6, 3))
    factories.problem(world.firm_a2, category="export", title="订单取消", on=dt.date(2020, 6, 4))
    leader = client_for(world.users["leader"])
    page = leader.get("/casework/overview/", {"period": "2020-06"}).content.decode()
    assert "一是出口与订单，2家企业反映2件" in page
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(leader.get("/casework/overview.xlsx", {"period": "2020-06"}).content)
    )
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[1][:2] == ["出口与订单", 2] and rows[-1][0] == "全部类别"
    assert leader.get("/casework/overview/", {"period": "junk"}).status_code == 200
    assert leader.get("/casework/overview/", {"zone": "zone-b"}).status_code == 404
    assert client_for(world.users["enterprise"]).get("/casework/overview/").status_code == 403


def test_department_staff_see_the_overview_of_their_department_s_problems(world, client_for):
    """The department user's "zone overview" button opens their department's counts (not a
    404), without the problems of other departments and without the zone's paragraph."""
    import datetime as dt

    factories.problem(world.firm_a, category="export", title="货物滞港", on=dt.date(2020, 6, 3))
    query = {"period": "2020-06"}
    leader = client_for(world.users["leader"]).get("/casework/overview/", query)
    assert leader.context["overview"].total.raised == 1
    response = client_for(world.users["department"]).get("/casework/overview/", query)
    assert response.status_code == 200
    assert response.context["overview"].total.raised == 0  # not their department's problem
    page = response.content.decode()
    assert 'data-testid="department-only"' in page and 'data-testid="difficulties"' not in page


def test_one_plan_per_firm_on_one_page(world, client_for):
    from django.utils import timezone

    from tests.factories import document, figures, measure
    from zonedesk.casework.models import PlanAction

    figures(world.firm_a, 50)
    m = measure(document(world, "province", area=world.sichuan), "employees >= 5", "2")
    problem = factories.problem(world.firm_a, title="续贷困难")
    officer = client_for(world.users["officer"])
    url = f"/casework/firms/{world.firm_a.pk}/plan/"
    page = officer.get(url).content.decode()
    assert "续贷困难" in page.split('data-testid="plan-problems"')[1]
    assert m.title in page.split('data-testid="plan-unclaimed"')[1]
    assert "50" in page.split('data-testid="plan-figures"')[1]
    body = {
        "kind": "financing",
        "title": "对接银行办理续贷",
        "owner": world.users["officer"].pk,
        "due_on": "2030-07-01",
        "problem": problem.pk,
        "measure": m.pk,
    }
    outsider = officer.post(url, {**body, "owner": world.users["officer_b"].pk})
    assert outsider.status_code == 400 and not PlanAction.objects.exists()
    assert officer.post(url, body).status_code == 302
    action = PlanAction.objects.get()
    assert (action.problem, action.measure, action.status) == (problem, m, "open")
    officer.post(f"/casework/actions/{action.pk}/close/", {"to": "done"})
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("done", timezone.localdate())
    assert client_for(world.users["enterprise"]).get(url).status_code == 403
    assert client_for(world.users["officer2"]).post(url, body).status_code == 403


def test_the_lists_go_to_excel_and_the_contact_plan_is_set_on_the_plan_page(world, client_for):
    import io

    from python_calamine import CalamineWorkbook

    from zonedesk.casework.models import ContactPlan

    factories.problem(world.firm_a, title="续贷困难")
    officer = client_for(world.users["officer"])
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(officer.get("/casework/problems.xlsx").content)
    )
    rows = book.get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows[1:]] == [world.firm_a.name] and rows[1][2] == "续贷困难"
    due = (
        CalamineWorkbook.from_filelike(
            io.BytesIO(officer.get("/casework/contacts/due.xlsx").content)
        )
        .get_sheet_by_index(0)
        .to_python()
    )
    assert [r[0] for r in due[1:]] == [world.firm_a.name]

    url = f"/casework/firms/{world.firm_a.pk}/contact-plan/"
    officer.post(
        url, {"visit_every_days": 60, "call_every_days": 20, "at_risk": "on", "version": 0}
    )
    plan = ContactPlan.objects.get(enterprise=world.firm_a)
    assert (plan.visit_every_days, plan.call_every_days, plan.at_risk) == (60, 20, True)
    # an officer may not name the leading cadre; a leader may
    cadre = world.users["leader"].pk
    officer.post(
        url,
        {"visit_every_days": 60, "call_every_days": 20, "leading_cadre": cadre, "version": 1},
    )
    plan.refresh_from_db()
    assert plan.leading_cadre is None
    leader = client_for(world.users["leader"])
    leader.post(
        url,
        {
            "visit_every_days": 45,
            "call_every_days": 15,
            "leading_cadre": cadre,
            "version": plan.version,
        },
    )
    plan.refresh_from_db()
    assert (plan.visit_every_days, plan.leading_cadre) == (45, world.users["leader"])
    refused = leader.post(
        url, {"visit_every_days": 0, "call_every_days": 15, "version": plan.version}, follow=True
    )
    assert "联系计划未保存" in refused.content.decode()
    plan.refresh_from_db()
    assert plan.visit_every_days == 45
