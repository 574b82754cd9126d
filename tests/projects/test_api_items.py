"""Key projects over the API, part two: element guarantee items (list, add, change, done, a node
blocked by one), the monthly investment (the page's figures, a month entered on the version
read) and the service requests (7x24: raise, respond, resolve). The same scope, rules and
refusals as the pages: 403 who may not, 404 outside scope, 409 stale, 400 field errors, and
nothing changed by a refused request."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.org.models import Department
from zonedesk.projects import services
from zonedesk.projects.models import Guarantee, MonthlyInvestment, ProjectNode, ServiceRequest

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def client_for(client_for):
    """Answers in English (the Chinese is the catalogue's)."""

    def make(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return make


@pytest.fixture
def projects(world):
    """zone_a's project of firm_a, signed 100 days ago, served by `officer`; zone_b's one."""
    today = timezone.localdate()
    mine = factories.project(
        world.zone_a,
        code="A-1",
        name="保障项目",
        signed_on=today - dt.timedelta(days=100),
        service_officer=world.users["officer"],
        leading_cadre=world.users["leader"],
        investor=world.firm_a,
        investor_name="",
    )
    other = factories.project(
        world.zone_b, code="B-1", name="乙区项目", signed_on=today, investor=world.firm_b
    )
    return mine, other


def _send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type=JSON)


def _post(client, url, body):
    return _send(client, "post", url, body)


def _audits() -> int:
    last = AuditEntry.objects.order_by("-pk").first()
    return last.pk if last else 0


def _dept(zone, name="经济发展局") -> Department:
    return Department.objects.get(zone=zone, name=name)


def _item(project, **fields) -> Guarantee:
    values = {"category": "power", "need": "10kV专线", "due_on": dt.date(2030, 1, 31)}
    values |= fields
    if "department" not in values and "utility" not in values:
        values["utility"] = "供电公司（合成）"
    return services.guarantee_create(
        actor=SYSTEM, project=project, data=services.GuaranteeData(**values)
    )


# --- element guarantees ----------------------------------------------------------------------


def test_adding_an_item_and_listing_the_checklist(world, client_for, projects):
    mine, _other = projects
    officer = client_for(world.users["officer"])
    dept = _dept(world.zone_a)
    body = {
        "category": "land",
        "land_stage": "to_acquire",
        "quantity": "120",
        "department": dept.pk,
        "due_on": "2030-03-31",
    }
    response = _post(officer, f"/api/v1/projects/{mine.pk}/guarantees", body)
    assert response.status_code == 201, response.content
    added = response.json()
    # The unit of land is 亩 unless given; the department is the zone's.
    assert added["need_label"] == "120 亩" and added["unit"] == "亩"
    assert added["department"] == "经济发展局" and added["department_id"] == dept.pk
    assert added["can_edit"] and not added["overdue"] and added["version"] == 1
    item = Guarantee.objects.get(pk=added["id"])
    assert item.project == mine and item.quantity == Decimal("120.00")
    assert AuditEntry.objects.filter(
        target_type="projects.guarantee", target_id=str(item.pk), actor=world.users["officer"]
    ).exists()

    # An overdue one is listed first among the open ones; the reader sees both, may change none.
    late = _item(mine, due_on=timezone.localdate() - dt.timedelta(days=1))
    listed = client_for(world.users["auditor"]).get(f"/api/v1/projects/{mine.pk}/guarantees")
    rows = listed.json()
    assert [(r["id"], r["overdue"]) for r in rows] == [(late.pk, True), (item.pk, False)]
    assert not any(r["can_edit"] for r in rows)


def test_adding_refusals_change_nothing(world, client_for, projects):
    mine, other = projects
    officer = client_for(world.users["officer"])
    url = f"/api/v1/projects/{mine.pk}/guarantees"
    before = _audits()
    base = {
        "category": "water",
        "need": "DN200供水管",
        "utility": "自来水公司",
        "due_on": "2030-01-31",
    }

    odd = _post(officer, url, {**base, "category": "oil", "land_stage": "sold"})
    assert odd.status_code == 400 and set(odd.json()["errors"]) == {"category", "land_stage"}
    # Neither a quantity nor words; neither a department nor a utility.
    empty = _post(officer, url, {"category": "water", "due_on": "2030-01-31"})
    assert empty.status_code == 400
    assert set(empty.json()["errors"]) == {"quantity", "department"}
    # Land needs its stage; a department of another zone is not one of the project's.
    land = _post(officer, url, {**base, "category": "land"})
    assert land.status_code == 400 and "land_stage" in land.json()["errors"]
    b_dept = Department.objects.create(zone=world.zone_b, name="乙区自然资源局")
    foreign = _post(officer, url, {**base, "department": b_dept.pk})
    assert foreign.status_code == 400 and "department" in foreign.json()["errors"]
    # Not a date, or a NUL: the request's shape.
    assert _post(officer, url, {**base, "due_on": "2030-02-30"}).status_code == 422
    assert _post(officer, url, {**base, "need": "a\x00"}).status_code == 422
    # A reader, the department staff, another officer: not theirs to add.
    for role in ("auditor", "department", "officer2"):
        assert _post(client_for(world.users[role]), url, base).status_code == 403, role
    # Another zone's project is not found.
    outside = _post(officer, f"/api/v1/projects/{other.pk}/guarantees", base)
    assert outside.status_code == 404
    assert officer.get(f"/api/v1/projects/{other.pk}/guarantees").status_code == 404
    assert not Guarantee.objects.exists()
    assert not AuditEntry.objects.filter(pk__gt=before, target_type__startswith="projects.")


def test_changing_an_item_on_the_version_read(world, client_for, projects):
    mine, _other = projects
    item = _item(mine, department=_dept(world.zone_a))
    url = f"/api/v1/projects/guarantees/{item.pk}"
    # The department's staff change the item in their charge: only the fields sent.
    staff = client_for(world.users["department"])
    changed = _send(staff, "patch", url, {"due_on": "2030-06-30", "version": item.version})
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["due_on"] == "2030-06-30" and body["need"] == "10kV专线"
    assert body["department"] == "经济发展局" and body["version"] == item.version + 1
    # Sent on the old version: 409 naming the stored one; nothing saved.
    stale = _send(staff, "patch", url, {"need": "双回路", "version": item.version})
    assert stale.status_code == 409 and stale.json()["version"] == item.version + 1
    item.refresh_from_db()
    assert item.need == "10kV专线" and item.due_on == dt.date(2030, 6, 30)
    # Clearing the department without a utility leaves no provider: a field error.
    cleared = _send(staff, "patch", url, {"department": None, "version": item.version})
    assert cleared.status_code == 400 and "department" in cleared.json()["errors"]
    # Handed to a utility instead, by the service officer.
    officer = client_for(world.users["officer"])
    moved = _send(
        officer,
        "patch",
        url,
        {"department": None, "utility": "供电公司（合成）", "version": item.version},
    )
    assert moved.status_code == 200 and moved.json()["department"] is None
    assert moved.json()["utility"] == "供电公司（合成）"
    # Now out of the department's charge: the staff may no longer change it; a reader never.
    item.refresh_from_db()
    for role in ("department", "auditor"):
        refused = _send(client_for(world.users[role]), "patch", url, {"version": item.version})
        assert refused.status_code == 403, role
    # Another zone's officer does not find it; a version that is no number is the shape's.
    b_officer = client_for(world.users["officer_b"])
    assert _send(b_officer, "patch", url, {"version": item.version}).status_code == 404
    assert _send(officer, "patch", url, {"version": "x"}).status_code == 422


def test_an_item_done_releases_the_node_it_blocked(world, client_for, projects):
    mine, _other = projects
    item = _item(mine)
    start = ProjectNode.objects.get(project=mine, code="start")
    officer = client_for(world.users["officer"])
    blocked = _post(
        officer,
        f"/api/v1/projects/nodes/{start.pk}/block",
        {"guarantee": item.pk, "version": start.version},
    )
    assert blocked.status_code == 200, blocked.content
    assert blocked.json()["version"] == start.version + 1
    start.refresh_from_db()
    assert start.blocked_by == item
    listed = officer.get(f"/api/v1/projects/{mine.pk}/guarantees").json()
    assert listed[0]["blocking"] == ["开工"]

    url = f"/api/v1/projects/guarantees/{item.pk}/done"
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    ahead = _post(officer, url, {"done_on": future, "version": item.version})
    assert ahead.status_code == 400 and "done_on" in ahead.json()["errors"]
    assert _post(officer, url, {"version": item.version + 3}).status_code == 409
    assert (
        _post(client_for(world.users["auditor"]), url, {"version": item.version}).status_code == 403
    )
    day = timezone.localdate() - dt.timedelta(days=2)
    done = _post(officer, url, {"done_on": day.isoformat(), "version": item.version})
    assert done.status_code == 200, done.content
    assert done.json()["done_on"] == day.isoformat() and done.json()["blocking"] == []
    start.refresh_from_db()
    assert start.blocked_by is None
    again = _post(officer, url, {"version": done.json()["version"]})
    assert again.status_code == 400 and "done already" in again.json()["errors"]["__all__"][0]
    # Done, it is kept as it was done: no change.
    edit = _send(
        officer,
        "patch",
        f"/api/v1/projects/guarantees/{item.pk}",
        {"need": "改", "version": done.json()["version"]},
    )
    assert edit.status_code == 400 and "done already" in edit.json()["errors"]["__all__"][0]
    item.refresh_from_db()
    assert item.need == "10kV专线"


def test_blocking_refusals(world, client_for, projects):
    mine, other = projects
    item = _item(mine)
    b_item = _item(other)
    start = ProjectNode.objects.get(project=mine, code="start")
    officer = client_for(world.users["officer"])
    url = f"/api/v1/projects/nodes/{start.pk}/block"
    before = _audits()
    # Nothing to release; another project's item; an item that does not exist.
    free = _post(officer, url, {"guarantee": None, "version": start.version})
    assert free.status_code == 400 and "not blocked" in free.json()["errors"]["__all__"][0]
    for pk in (b_item.pk, 999999):
        foreign = _post(officer, url, {"guarantee": pk, "version": start.version})
        assert foreign.status_code == 400 and "guarantee" in foreign.json()["errors"]
    # Who may not act on the node: 403 whatever the item; a stale version: 409.
    auditor = client_for(world.users["auditor"])
    for pk in (item.pk, 999999):
        refused = _post(auditor, url, {"guarantee": pk, "version": start.version})
        assert refused.status_code == 403
    assert _post(officer, url, {"guarantee": item.pk, "version": 9}).status_code == 409
    b_start = ProjectNode.objects.get(project=other, code="start")
    outside = _post(
        officer,
        f"/api/v1/projects/nodes/{b_start.pk}/block",
        {"guarantee": b_item.pk, "version": b_start.version},
    )
    assert outside.status_code == 404
    assert not ProjectNode.objects.filter(blocked_by__isnull=False).exists()
    assert not AuditEntry.objects.filter(pk__gt=before, target_type__startswith="projects.")


# --- monthly investment ----------------------------------------------------------------------


def test_the_investment_as_the_page_shows_it_and_a_month_entered(world, client_for, projects):
    mine, other = projects
    today = timezone.localdate()
    this_month = today.replace(day=1)
    officer = client_for(world.users["officer"])
    url = f"/api/v1/projects/{mine.pk}/investment"
    empty = officer.get(url).json()
    assert empty["months"] == [] and empty["can_enter"] and empty["year"]["rate"] is None
    assert empty["first_month"] == f"{mine.signed_on:%Y-%m}"

    month = f"{this_month:%Y-%m}"
    put = _send(officer, "put", f"{url}/{month}", {"planned_wan": "80", "done_wan": 20})
    assert put.status_code == 200, put.content
    assert put.json() == {"month": month, "planned_wan": "80.00", "done_wan": "20.00", "version": 1}
    body = officer.get(url).json()
    assert body["months"] == [put.json()]
    year = body["year"]
    assert year["year"] == today.year and year["through"] == month
    assert Decimal(year["planned_year_wan"]) == 80 and Decimal(year["done_to_date_wan"]) == 20
    assert Decimal(year["rate"]) == Decimal("0.25")

    # Changed on the version read; the same version again is stale (409, nothing saved).
    changed = _send(
        officer, "put", f"{url}/{month}", {"planned_wan": 90, "done_wan": 30, "version": 1}
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = _send(officer, "put", f"{url}/{month}", {"planned_wan": 1, "done_wan": 1, "version": 1})
    assert stale.status_code == 409 and stale.json()["version"] == 2
    # Entered as new while someone entered it: 409 too.
    fresh = _send(officer, "put", f"{url}/{month}", {"planned_wan": 1, "done_wan": 1})
    assert fresh.status_code == 409
    row = MonthlyInvestment.objects.get(project=mine)
    assert (row.planned_wan, row.done_wan) == (Decimal("90.00"), Decimal("30.00"))
    # A reader sees the figures, may not enter them; another zone's project is not found.
    auditor = client_for(world.users["auditor"])
    assert not auditor.get(url).json()["can_enter"]
    assert (
        _send(auditor, "put", f"{url}/{month}", {"planned_wan": 1, "done_wan": 1}).status_code
        == 403
    )
    b_url = f"/api/v1/projects/{other.pk}/investment"
    assert officer.get(b_url).status_code == 404
    assert (
        _send(officer, "put", f"{b_url}/{month}", {"planned_wan": 1, "done_wan": 0}).status_code
        == 404
    )


def test_investment_refusals_are_field_errors(world, client_for, projects):
    mine, _other = projects
    officer = client_for(world.users["officer"])
    url = f"/api/v1/projects/{mine.pk}/investment"
    before = _audits()
    for month in ("2020-13", "June", "1899-01"):
        bad = _send(officer, "put", f"{url}/{month}", {"planned_wan": 1, "done_wan": 0})
        assert bad.status_code == 400 and "month" in bad.json()["errors"], month
    # Before the signing month; completed in a month not yet begun.
    early = f"{mine.signed_on - dt.timedelta(days=40):%Y-%m}"
    assert (
        "month"
        in _send(officer, "put", f"{url}/{early}", {"planned_wan": 1, "done_wan": 0}).json()[
            "errors"
        ]
    )
    later = timezone.localdate().replace(day=1) + dt.timedelta(days=40)
    ahead = _send(officer, "put", f"{url}/{later:%Y-%m}", {"planned_wan": 1, "done_wan": 5})
    assert ahead.status_code == 400 and "done_wan" in ahead.json()["errors"]
    # Negative, three decimals or no number: the request's shape.
    month = f"{timezone.localdate():%Y-%m}"
    for wrong in ("-1", "1.005", ""):
        sent = _send(officer, "put", f"{url}/{month}", {"planned_wan": wrong, "done_wan": 0})
        assert sent.status_code == 422, wrong
    assert not MonthlyInvestment.objects.exists()
    assert not AuditEntry.objects.filter(pk__gt=before, target_type__startswith="projects.")


# --- service requests (7x24) -----------------------------------------------------------------


def test_a_service_request_raised_responded_and_resolved(world, client_for, projects):
    mine, _other = projects
    dept = _dept(world.zone_a)
    # The investor firm's user raises it (recorded an hour after it came in).
    firm = client_for(world.users["enterprise"])
    at = timezone.localtime() - dt.timedelta(hours=3)
    raised = _post(
        firm,
        f"/api/v1/projects/{mine.pk}/service",
        {
            "title": "工地夜间停电",
            "category": "energy",
            "raised_via": "phone",
            "at": at.replace(tzinfo=None).isoformat(timespec="minutes"),
        },
    )
    assert raised.status_code == 201, raised.content
    body = raised.json()
    assert body["status"] == "submitted" and body["title"] == "工地夜间停电"
    assert not body["can_respond"]  # the firm does not respond to its own request
    raised_at = dt.datetime.fromisoformat(body["raised_at"])
    assert raised_at == at.replace(second=0, microsecond=0)
    assert dt.datetime.fromisoformat(body["respond_by"]) == raised_at + dt.timedelta(hours=2)
    item = ServiceRequest.objects.get(pk=body["id"])
    assert item.project == mine and item.problem.enterprise == world.firm_a

    # The service officer hands it to the department (an hour after it came in: in time).
    officer = client_for(world.users["officer"])
    url = f"/api/v1/projects/service/{item.pk}/respond"
    responded = _post(
        officer, url, {"department": dept.pk, "at": (raised_at + dt.timedelta(hours=1)).isoformat()}
    )
    assert responded.status_code == 200, responded.content
    body = responded.json()
    assert body["status"] == "accepted" and body["department"] == "经济发展局"
    assert body["response_hours"] == 1 and not body["late_response"]
    # Responded already: the step cannot follow (409).
    assert _post(officer, url, {"department": dept.pk}).status_code == 409

    # The department reports the resolution, now.
    resolved = _post(
        client_for(world.users["department"]),
        f"/api/v1/projects/service/{item.pk}/resolve",
        {"resolution": "已恢复供电"},
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved" and resolved.json()["resolved_at"]
    listed = officer.get(f"/api/v1/projects/{mine.pk}/service").json()
    assert [(r["id"], r["status"]) for r in listed] == [(item.pk, "resolved")]


def test_service_request_refusals(world, client_for, projects):
    mine, other = projects
    officer = client_for(world.users["officer"])
    url = f"/api/v1/projects/{mine.pk}/service"
    base = {"title": "工地夜间停电", "category": "energy"}
    # Not a category nor a way; a time in the future; a time no calendar holds.
    odd = _post(officer, url, {**base, "category": "magic", "raised_via": "owl"})
    assert odd.status_code == 400 and set(odd.json()["errors"]) == {"category", "raised_via"}
    future = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    assert "at" in _post(officer, url, {**base, "at": future}).json()["errors"]
    edge = _post(officer, url, {**base, "at": "0001-01-01T00:00:00+14:00"})
    assert edge.status_code == 400 and "at" in edge.json()["errors"]
    # Not theirs to raise; another zone's project not found.
    for role in ("auditor", "department", "officer2"):
        assert _post(client_for(world.users[role]), url, base).status_code == 403, role
    assert _post(officer, f"/api/v1/projects/{other.pk}/service", base).status_code == 404
    assert officer.get(f"/api/v1/projects/{other.pk}/service").status_code == 404
    assert not ServiceRequest.objects.exists()

    item = services.service_request_raise(
        actor=SYSTEM, project=mine, category="energy", title="工地夜间停电"
    )
    respond = f"/api/v1/projects/service/{item.pk}/respond"
    resolve = f"/api/v1/projects/service/{item.pk}/resolve"
    # Not responded to yet: it cannot be resolved (400); the resolution must be written.
    early = _post(officer, resolve, {"resolution": "已处理"})
    assert early.status_code == 400 and "resolution" in early.json()["errors"]
    assert "resolution" in _post(officer, resolve, {"resolution": "  "}).json()["errors"]
    # A department of another zone, or none; before it was raised; a reader.
    b_dept = Department.objects.create(zone=world.zone_b, name="乙区供电协调办")
    for pk in (b_dept.pk, 999999):
        wrong = _post(officer, respond, {"department": pk})
        assert wrong.status_code == 400 and "department" in wrong.json()["errors"]
    dept = _dept(world.zone_a)
    before = (item.problem.created_at - dt.timedelta(hours=1)).isoformat()
    assert "at" in _post(officer, respond, {"department": dept.pk, "at": before}).json()["errors"]
    assert (
        _post(client_for(world.users["auditor"]), respond, {"department": dept.pk}).status_code
        == 403
    )
    # Another zone's officer does not find it.
    b_officer = client_for(world.users["officer_b"])
    assert _post(b_officer, respond, {"department": dept.pk}).status_code == 404
    assert _post(b_officer, resolve, {"resolution": "已处理"}).status_code == 404
    item.problem.refresh_from_db()
    assert item.problem.status == "submitted"


def test_a_project_whose_investor_is_no_firm_has_no_service_requests(world, client_for):
    project = factories.project(world.zone_a, code="A-9", signed_on=timezone.localdate())
    response = _post(
        client_for(world.users["leader"]),
        f"/api/v1/projects/{project.pk}/service",
        {"title": "夜间停电", "category": "energy"},
    )
    assert response.status_code == 400 and "project" in response.json()["errors"]


def test_refusals_in_chinese(world, client_for, projects):
    """A Chinese client reads the refusals in Chinese."""
    mine, _other = projects
    client = client_for(world.users["officer"])
    client.cookies["django_language"] = "zh-hans"
    gone = _post(client, "/api/v1/projects/service/999999/resolve", {"resolution": "已处理"})
    assert gone.status_code == 404 and gone.json()["detail"] == "没有这个服务诉求。"
    edge = _post(
        client,
        f"/api/v1/projects/{mine.pk}/service",
        {"title": "停电", "category": "energy", "at": "0001-01-01T00:00:00+14:00"},
    )
    assert edge.json()["errors"]["at"] == ["该时间无法记录。"]


@pytest.mark.django_db(transaction=True)
def test_writes_outside_any_test_transaction(world, client_for):
    """As in production (no transaction around the request): the month, the item and the
    node lock their rows in their own transactions (on PostgreSQL, SELECT … FOR UPDATE outside
    one is an error)."""
    project = factories.project(
        world.zone_a, signed_on=timezone.localdate() - dt.timedelta(days=40)
    )
    officer = client_for(world.users["leader"])
    month = f"{timezone.localdate():%Y-%m}"
    put = _send(
        officer,
        "put",
        f"/api/v1/projects/{project.pk}/investment/{month}",
        {"planned_wan": 5, "done_wan": 1},
    )
    assert put.status_code == 200, put.content
    added = _post(
        officer,
        f"/api/v1/projects/{project.pk}/guarantees",
        {"category": "gas", "need": "中压燃气", "utility": "燃气公司", "due_on": "2030-01-31"},
    )
    assert added.status_code == 201, added.content
    item = added.json()
    changed = _send(
        officer,
        "patch",
        f"/api/v1/projects/guarantees/{item['id']}",
        {"note": "已对接", "version": item["version"]},
    )
    assert changed.status_code == 200, changed.content
    start = ProjectNode.objects.get(project=project, code="start")
    blocked = _post(
        officer,
        f"/api/v1/projects/nodes/{start.pk}/block",
        {"guarantee": item["id"], "version": start.version},
    )
    assert blocked.status_code == 200, blocked.content
    start.refresh_from_db()
    assert start.blocked_by_id == item["id"]
