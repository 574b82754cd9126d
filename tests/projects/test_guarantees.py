"""Element guarantees (要素保障): items added, edited on the version read and marked done by the
zone's managers, the service officer and the responsible department; a node blocked by an item
(its delay then the item's department's, on the meeting list and in the summary's facts);
refusals leave everything as it was; every write audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.org.models import Department
from zonedesk.projects import selectors, services
from zonedesk.projects.models import Guarantee, ProjectNode
from zonedesk.projects.services import GuaranteeData

pytestmark = pytest.mark.django_db


def _project(world, **fields):
    today = timezone.localdate()
    return factories.project(
        world.zone_a,
        signed_on=today - dt.timedelta(days=200),
        investor=world.firm_a,
        investor_name="",
        service_officer=world.users["officer"],
        leading_cadre=world.users["leader"],
        **fields,
    )


def _dept(world):
    return Department.objects.get(zone=world.zone_a, name="经济发展局")


def _land(world, project, actor=None, **changes):
    values = {
        "category": "land",
        "land_stage": "to_acquire",
        "quantity": Decimal("120"),
        "department": _dept(world),
        "due_on": timezone.localdate() - dt.timedelta(days=3),
        **changes,
    }
    return services.guarantee_create(
        actor=actor or world.users["officer"], project=project, data=GuaranteeData(**values)
    )


def _entries(obj, model):
    return AuditEntry.objects.filter(target_type=model, target_id=str(obj.pk)).order_by("id")


def test_an_item_is_added_with_its_unit_and_audited(world):
    project = _project(world)
    item = _land(world, project)
    assert (item.unit, item.need_label, item.provider) == ("亩", "120 亩", "经济发展局")
    assert item.overdue_on(timezone.localdate()) and item.done_on is None
    entry = _entries(item, "projects.guarantee").get()
    assert entry.action == "create" and entry.zone_id == world.zone_a.pk
    assert entry.changes["quantity"] == [None, "120.00"]

    power = services.guarantee_create(
        actor=world.users["leader"],
        project=project,
        data=GuaranteeData(
            category="power",
            need="10kV双回路",
            utility="国网开江供电公司",
            due_on=dt.date(2030, 1, 1),
        ),
    )
    assert (power.need_label, power.provider, power.land_stage) == (
        "10kV双回路",
        "国网开江供电公司",
        "",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": None}, "quantity"),  # neither a quantity nor words
        ({"department": None}, "department"),  # neither a department nor a utility
        ({"land_stage": ""}, "land_stage"),  # land: which stage
    ],
)
def test_an_incomplete_item_is_refused_with_the_field_named(world, changes, field):
    project = _project(world)
    with pytest.raises(ValidationFailed) as refused:
        _land(world, project, **changes)
    assert field in refused.value.errors
    assert (
        not Guarantee.objects.exists()
        and not AuditEntry.objects.filter(target_type="projects.guarantee").exists()
    )


def test_a_department_of_another_zone_is_refused(world):
    project = _project(world)
    other = Department.objects.create(zone=world.zone_b, name="乙区自然资源局")
    with pytest.raises(ValidationFailed) as refused:
        _land(world, project, department=other)
    assert "department" in refused.value.errors and not Guarantee.objects.exists()


def test_who_may_add_edit_and_mark_done(world):
    project = _project(world)
    for who in ("officer2", "department", "enterprise", "auditor", "officer_b"):
        with pytest.raises(PermissionDenied):
            _land(world, project, actor=world.users[who])
    item = _land(world, project)
    data = GuaranteeData(
        category="land",
        land_stage="acquired",
        quantity=Decimal("120"),
        department=_dept(world),
        due_on=item.due_on,
    )
    with pytest.raises(PermissionDenied):
        services.guarantee_edit(actor=world.users["officer2"], guarantee=item, data=data)
    # The responsible department's staff edit it and mark it done.
    services.guarantee_edit(actor=world.users["department"], guarantee=item, data=data)
    item.refresh_from_db()
    assert (item.land_stage, item.version) == ("acquired", 2)
    with pytest.raises(PermissionDenied):
        services.guarantee_done(actor=world.users["enterprise"], guarantee=item)
    services.guarantee_done(actor=world.users["department"], guarantee=item)
    item.refresh_from_db()
    assert item.done_on == timezone.localdate() and item.version == 3
    assert [e.changes for e in _entries(item, "projects.guarantee")][1:] == [
        {"land_stage": ["to_acquire", "acquired"]},
        {"done_on": [None, str(timezone.localdate())]},
    ]


def test_an_edit_on_an_old_version_is_refused(world):
    project = _project(world)
    item = _land(world, project)
    data = GuaranteeData(
        category="land",
        land_stage="supplied",
        quantity=Decimal("100"),
        department=_dept(world),
        due_on=item.due_on,
    )
    services.guarantee_edit(actor=world.users["leader"], guarantee=item, data=data)
    stale = Guarantee.objects.get(pk=item.pk)
    with pytest.raises(StaleVersion):
        services.guarantee_edit(
            actor=world.users["officer"], guarantee=stale, data=data, expected_version=1
        )
    with pytest.raises(StaleVersion):
        services.guarantee_done(actor=world.users["officer"], guarantee=stale, expected_version=1)
    assert Guarantee.objects.get(pk=item.pk).done_on is None


def test_done_is_not_in_the_future_nor_twice(world):
    project = _project(world)
    item = _land(world, project)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        services.guarantee_done(actor=world.users["leader"], guarantee=item, done_on=tomorrow)
    assert "done_on" in refused.value.errors
    services.guarantee_done(actor=world.users["leader"], guarantee=item)
    with pytest.raises(ValidationFailed):
        services.guarantee_done(actor=world.users["leader"], guarantee=item)


def test_a_blocked_node_is_the_items_departments_delay(world):
    # 土地摘牌 is in no department's charge (规划建设局 is not a department of zone_a).
    project = _project(world)
    land = project.nodes.get(code="land")
    assert land.department is None
    item = _land(world, project)
    with pytest.raises(PermissionDenied):
        services.node_block(actor=world.users["officer2"], node=land, guarantee=item)

    services.node_block(actor=world.users["officer"], node=land, guarantee=item)

    land.refresh_from_db()
    assert land.blocked_by == item and land.version == 2
    entry = _entries(land, "projects.projectnode").get()
    assert entry.changes == {"blocked_by": [None, str(item)]}
    groups = dict(selectors.meeting(world.users["leader"]))
    assert land.pk in {i.node.pk for i in groups["经济发展局"]}
    assert land.pk not in {i.node.pk for i in groups.get("", [])}
    board = {g.name: g for g in selectors.meeting_board(world.users["leader"])}
    assert [r.guarantee.pk for r in board["经济发展局"].guarantees] == [item.pk]
    assert board["经济发展局"].guarantees[0].overdue

    today = timezone.localdate()
    facts = selectors.summary(
        world.users["leader"],
        zones=[world.zone_a],
        first=Period(today.year, today.month),
        last=Period(today.year, today.month),
        today=today,
    )
    assert (facts.guarantees_open, facts.guarantees_overdue, facts.guarantees_done) == (1, 1, 0)
    late = next(n for n in facts.late if n.node == "土地摘牌")  # 110 days late: 4th of 5
    assert (late.department, late.blocked_category, late.blocked_need) == (
        "经济发展局",
        "land",
        "120 亩",
    )

    # Done: the node is released (audited) and the item leaves the meeting's list.
    services.guarantee_done(actor=world.users["department"], guarantee=item)
    land.refresh_from_db()
    assert land.blocked_by is None
    assert _entries(land, "projects.projectnode").count() == 2
    board = {g.name: g for g in selectors.meeting_board(world.users["leader"])}
    assert "经济发展局" not in board or not board["经济发展局"].guarantees
    facts = selectors.summary(
        world.users["leader"],
        zones=[world.zone_a],
        first=Period(today.year, today.month),
        last=Period(today.year, today.month),
        today=today,
    )
    assert (facts.guarantees_open, facts.guarantees_overdue, facts.guarantees_done) == (0, 0, 1)


def test_blocking_is_refused_for_a_done_node_another_projects_or_a_done_item(world):
    project = _project(world)
    other = factories.project(world.zone_a, code="XM-002", signed_on=dt.date(2026, 1, 1))
    item = _land(world, project)
    sign = project.nodes.get(code="sign")
    services.node_complete(actor=world.users["leader"], node=sign)
    start = project.nodes.get(code="start")
    for node, guarantee in (
        (ProjectNode.objects.get(pk=sign.pk), item),
        (other.nodes.get(code="start"), item),
        (start, None),  # not blocked: nothing to release
    ):
        with pytest.raises(ValidationFailed):
            services.node_block(actor=world.users["leader"], node=node, guarantee=guarantee)
    services.guarantee_done(actor=world.users["leader"], guarantee=item)
    with pytest.raises(ValidationFailed):
        services.node_block(actor=world.users["leader"], node=start, guarantee=item)
    assert not ProjectNode.objects.filter(blocked_by__isnull=False).exists()


def test_a_node_is_released_by_hand(world):
    project = _project(world)
    item = _land(world, project)
    start = project.nodes.get(code="start")
    start = services.node_block(actor=world.users["leader"], node=start, guarantee=item)
    services.node_block(actor=world.users["leader"], node=start, guarantee=None)
    start.refresh_from_db()
    assert start.blocked_by is None and start.version == 3


def test_the_paragraph_says_the_items_and_whose_a_blocked_delay_is():
    from zonedesk.projects.facts import LateNode, ProjectFacts
    from zonedesk.reports.document import plain
    from zonedesk.reports.sections import projects as section

    facts = ProjectFacts(
        projects=2,
        total_investment_wan=Decimal("1000"),
        yearly_investment_wan=Decimal("300"),
        started=0,
        completed=0,
        producing=0,
        red=1,
        yellow=0,
        day=dt.date(2020, 6, 30),
        warn_days=5,
        late=(LateNode("甲项目", "土地摘牌", "自然资源局", 40, "land", "120 亩"),),
        as_of=None,
        guarantees_done=3,
        guarantees_open=4,
        guarantees_overdue=2,
    )
    text = plain(" ".join(section.sentences(facts, "H1 2020")))
    assert "3 were done in the period; on June 30, 2020, 4 were open, 2 of them past" in text
    assert "甲项目, 土地摘牌, 40 days late, waiting for Land · 120 亩 (自然资源局)." in text
    quiet = ProjectFacts(**{**facts.__dict__, "guarantees_done": 0, "guarantees_open": 0})
    assert "guarantee" not in plain(" ".join(section.sentences(quiet, "H1 2020")))


def test_the_summarys_item_counts_follow_the_period_and_its_day(world):
    """Done in the period counts by done date; open and overdue are as on the period's last day
    (an item done after it was open then)."""
    project = factories.project(
        world.zone_a,
        code="S",
        signed_on=dt.date(2020, 1, 2),
        service_officer=world.users["officer"],
    )
    early = _land(world, project, due_on=dt.date(2020, 5, 1))  # overdue on 30 June
    _land(world, project, due_on=dt.date(2020, 9, 1))  # open, not yet due
    done = _land(world, project, due_on=dt.date(2020, 3, 1))
    services.guarantee_done(actor=SYSTEM, guarantee=done, done_on=dt.date(2020, 3, 10))
    late = _land(world, project, due_on=dt.date(2020, 6, 1))
    services.guarantee_done(actor=SYSTEM, guarantee=late, done_on=dt.date(2020, 7, 5))

    def read(first, last):
        return selectors.summary(
            world.users["leader"],
            zones=[world.zone_a],
            first=first,
            last=last,
            today=dt.date(2020, 8, 1),
        )

    h1 = read(Period(2020, 1), Period(2020, 6))
    assert (h1.guarantees_done, h1.guarantees_open, h1.guarantees_overdue) == (1, 3, 2)
    july = read(Period(2020, 7), Period(2020, 7))
    assert (july.guarantees_done, july.guarantees_open, july.guarantees_overdue) == (1, 2, 1)
    assert early.done_on is None


def test_the_demo_has_items_done_open_overdue_and_one_blocking(demo):
    from zonedesk.org.models import User

    leader = User.objects.get(username="leader")
    today = timezone.localdate()
    items = list(Guarantee.objects.all())
    assert 8 <= len(items) <= 12
    assert any(g.done_on for g in items) and any(g.done_on is None for g in items)
    assert any(g.overdue_on(today) for g in items)
    blocked = ProjectNode.objects.get(blocked_by__isnull=False)
    assert blocked.status == "open" and blocked.blocked_by.done_on is None
    board = selectors.meeting_board(leader, today=today)
    listed = {r.guarantee.pk for g in board for r in g.guarantees}
    assert listed == {g.pk for g in items if g.done_on is None}
    node_group = next(g for g in board if any(i.node.pk == blocked.pk for i in g.items))
    assert node_group.name == blocked.blocked_by.provider


def test_a_department_sees_and_closes_the_projects_it_holds_items_of(world):
    project = _project(world)
    staff = factories.department_user(world.zone_a, "综合办公室", "office_staff")
    assert selectors.project_get(staff, pk=project.pk) is None  # no node in its charge
    office = Department.objects.get(zone=world.zone_a, name="综合办公室")
    item = _land(world, project, category="demolition", land_stage="", department=office)
    assert item.unit == "户" and item.land_stage == ""
    assert selectors.project_get(staff, pk=project.pk) == project
    [row] = selectors.guarantee_rows(staff, project)
    assert row.can_edit
    services.guarantee_done(actor=staff, guarantee=selectors.guarantee_get(staff, pk=item.pk))
    assert Guarantee.objects.get(pk=item.pk).done_on == timezone.localdate()


def test_a_done_node_keeps_the_item_it_waited_for(world):
    project = _project(world)
    item = _land(world, project)
    sign = services.node_block(
        actor=world.users["leader"], node=project.nodes.get(code="sign"), guarantee=item
    )
    services.node_complete(actor=world.users["leader"], node=sign)
    services.guarantee_done(actor=world.users["leader"], guarantee=item)
    assert ProjectNode.objects.get(pk=sign.pk).blocked_by_id == item.pk
    [row] = selectors.guarantee_rows(world.users["leader"], project)
    assert row.blocking == []
