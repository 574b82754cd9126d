"""Element guarantees on the pages: the checklist on the project page (added, refused with the
field named, edited, done, overdue in red), a node marked blocked from the page, and the
scheduling meeting with the open items by department, its export read back with the same rows."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.org.models import Department
from zonedesk.projects import selectors, services
from zonedesk.projects.models import Guarantee, ProjectNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    def make(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return make


def _project(world):
    return factories.project(
        world.zone_a,
        code="A-1",
        name="红灯厂房项目",
        signed_on=timezone.localdate() - dt.timedelta(days=100),
        service_officer=world.users["officer"],
    )


def _dept(world):
    return Department.objects.get(zone=world.zone_a, name="经济发展局")


def _item(world, project, **changes):
    values = {
        "category": "demolition",
        "quantity": 36,
        "department": _dept(world),
        "due_on": timezone.localdate() - dt.timedelta(days=5),
        **changes,
    }
    return services.guarantee_create(
        actor=SYSTEM, project=project, data=services.GuaranteeData(**values)
    )


def test_an_item_is_added_from_the_page_and_listed(world, client_for):
    project = _project(world)
    officer = client_for(world.users["officer"])
    page = officer.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="guarantee-add-form"' in page and "No guarantee item yet." in page

    added = officer.post(
        f"/projects/{project.pk}/guarantees/add/",
        {
            "category": "land",
            "land_stage": "to_acquire",
            "quantity": "120",
            "department": _dept(world).pk,
            "due_on": "2030-05-31",
            "note": "报省厅审批",
        },
    )
    assert added.status_code == 302
    item = Guarantee.objects.get()
    page = officer.get(f"/projects/{project.pk}/").content.decode()
    row = page[page.index(f'data-testid="guarantee-{item.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "120 亩" in row and "经济发展局" in row and "2030-05-31" in row and "报省厅审批" in row
    assert "data-overdue" not in row

    # Readers see the checklist, not the forms.
    auditor = client_for(world.users["auditor"]).get(f"/projects/{project.pk}/").content.decode()
    assert f'data-testid="guarantee-{item.pk}"' in auditor
    assert "guarantee-add-form" not in auditor and f"guarantee-done-{item.pk}" not in auditor


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"category": "power", "due_on": "2030-01-01", "utility": "供电"}, "quantity", "quantity"),
        ({"category": "power", "due_on": "2030-01-01", "need": "专线"}, "department", "utility"),
        ({"category": "power", "need": "专线", "utility": "供电"}, "due_on", "required"),
        ({"category": "gold", "due_on": "2030-01-01", "need": "x", "utility": "y"}, "category", ""),
        (
            {"category": "water", "due_on": "2030-01-01", "quantity": "-3", "utility": "水"},
            "quantity",
            "",
        ),
    ],
)
def test_a_bad_item_is_refused_with_the_field_named(world, client_for, body, field, says):
    project = _project(world)
    response = client_for(world.users["leader"]).post(
        f"/projects/{project.pk}/guarantees/add/", body
    )
    assert response.status_code == 400
    page = response.content.decode()
    error = page[page.index(f'data-testid="error-{field}"') :][:300]
    assert says in error
    assert not Guarantee.objects.exists()


def test_an_item_is_edited_done_and_overdue_in_red(world, client_for):
    project = _project(world)
    item = _item(world, project)
    staff = client_for(world.users["department"])  # 经济发展局: the item's department
    page = staff.get(f"/projects/{project.pk}/").content.decode()
    row = page[page.index(f'data-testid="guarantee-{item.pk}"') :]
    assert row.index("data-overdue") < row.index("</tr>")  # due five days ago: red
    assert "36 户" in row[: row.index("</tr>")]

    fields = {
        "category": "demolition",
        "quantity": "40",
        "department": _dept(world).pk,
        "due_on": "2030-01-31",
        "version": item.version,
    }
    body = {f"g{item.pk}-{k}": v for k, v in fields.items()}
    assert staff.post(f"/projects/guarantees/{item.pk}/edit/", body).status_code == 302
    item.refresh_from_db()
    assert (item.quantity, item.due_on, item.version) == (40, dt.date(2030, 1, 31), 2)

    stale = staff.post(f"/projects/guarantees/{item.pk}/edit/", body)  # on version 1
    assert stale.status_code == 400 and "Nothing was saved" in stale.content.decode()

    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    refused = staff.post(
        f"/projects/guarantees/{item.pk}/done/", {"version": item.version, "done_on": future}
    )
    assert refused.status_code == 400 and "cannot be in the future" in refused.content.decode()
    done = staff.post(f"/projects/guarantees/{item.pk}/done/", {"version": item.version})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.done_on == timezone.localdate()


def test_a_node_is_marked_blocked_from_the_page(world, client_for):
    project = _project(world)
    item = _item(world, project)
    land = project.nodes.get(code="land")
    officer = client_for(world.users["officer"])
    page = officer.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="block-land"' in page

    other = _item(world, factories.project(world.zone_a, code="A-2", signed_on=dt.date(2026, 1, 1)))
    wrong = officer.post(
        f"/projects/nodes/{land.pk}/block/", {"version": land.version, "guarantee": other.pk}
    )
    assert wrong.status_code == 400 and ProjectNode.objects.get(pk=land.pk).blocked_by is None

    blocked = officer.post(
        f"/projects/nodes/{land.pk}/block/", {"version": land.version, "guarantee": item.pk}
    )
    assert blocked.status_code == 302
    page = officer.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="blocked-land"' in page and 'data-testid="release-land"' in page

    meeting = client_for(world.users["leader"]).get("/projects/meeting/").content.decode()
    assert f'data-testid="meeting-blocked-{land.pk}"' in meeting
    assert f'data-testid="meeting-guarantee-{item.pk}"' in meeting
    # In Chinese the labels end with a full-width colon (projwalk).
    officer.cookies["django_language"] = "zh-hans"
    page = officer.get(f"/projects/{project.pk}/").content.decode()
    assert "受阻于：" in page and "阻碍节点：" in page and "受阻于:" not in page
    leader = client_for(world.users["leader"])
    leader.cookies["django_language"] = "zh-hans"
    assert "受阻于：" in leader.get("/projects/meeting/").content.decode()

    land.refresh_from_db()
    released = officer.post(f"/projects/nodes/{land.pk}/block/", {"version": land.version})
    assert released.status_code == 302
    assert ProjectNode.objects.get(pk=land.pk).blocked_by is None


def test_the_meeting_export_has_the_pages_rows(world, client_for):
    project = _project(world)
    item = _item(world, project)
    _item(
        world,
        project,
        category="power",
        quantity=None,
        need="10kV专线",
        department=None,
        utility="供电公司",
        due_on=dt.date(2030, 1, 1),
    )
    services.node_block(actor=SYSTEM, node=project.nodes.get(code="land"), guarantee=item)
    leader = client_for(world.users["leader"])

    page = leader.get("/projects/meeting/").content.decode()
    response = leader.get("/projects/meeting/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    header, *rows = sheet.to_python()
    assert header[:4] == ["Department or utility", "Kind", "Project", "Node or item"]

    groups = selectors.meeting_board(world.users["leader"])
    nodes = [r for r in rows if r[1] == "Node"]
    items = [r for r in rows if r[1] == "Guarantee item"]
    assert (
        len(nodes) == sum(len(g.items) for g in groups) == page.count('data-testid="meeting-node-')
    )
    assert len(items) == 2 == page.count('data-testid="meeting-guarantee-')
    # groups in name order (by code point, as on the page): 供电公司 before 经济发展局
    assert [r[0] for r in items] == ["供电公司", "经济发展局"]
    assert page.index("供电公司") < page.index("经济发展局")
    assert [r[4] for r in items] == ["Open", "Overdue"]
    assert items[1][5] == item.due_on  # a date cell
    land = next(r for r in nodes if r[3] == "土地摘牌")
    assert land[0] == "经济发展局" and land[8] == str(item)  # the delay is the item's department's
    assert land[6] == (timezone.localdate() - project.nodes.get(code="land").planned_on).days
    assert AuditEntry.objects.filter(action="export").exists()


def test_an_overdue_item_has_its_days_late_in_calendar_days_on_the_page_and_export(
    world, client_for
):
    """Days late (滞后天数) of an overdue item: today minus its due date in calendar days, as a
    red node's; an item not yet due has none."""
    project = _project(world)
    today = timezone.localdate()
    late = _item(world, project, due_on=today - dt.timedelta(days=10))
    fine = _item(world, project, need="施工用水", due_on=today + dt.timedelta(days=3))
    leader = client_for(world.users["leader"])

    page = leader.get("/projects/meeting/").content.decode()
    assert f'data-testid="guarantee-late-{late.pk}">10</td>' in page
    assert f'data-testid="guarantee-late-{fine.pk}"></td>' in page

    response = leader.get("/projects/meeting/export/")
    _header, *rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    ).to_python()
    items = {r[3]: r for r in rows if r[1] == "Guarantee item"}
    assert items[str(late)][6] == 10
    assert items[str(fine)][6] in ("", None)


def test_bad_input_is_a_clear_refusal_never_a_500(world, client_for):
    project = _project(world)
    item = _item(world, project)
    land = project.nodes.get(code="land")
    leader = client_for(world.users["leader"])

    body = {f"g{item.pk}-category": "demolition", f"g{item.pk}-version": item.version}
    edit = leader.post(f"/projects/guarantees/{item.pk}/edit/", body)  # no need, no due date
    assert edit.status_code == 400
    page = edit.content.decode()
    assert 'data-testid="error-due_on"' in page and "<details open>" in page
    for url, body in (
        (f"/projects/guarantees/{item.pk}/done/", {"version": "x"}),
        (f"/projects/guarantees/{item.pk}/done/", {"version": item.version, "done_on": "31/2"}),
        (f"/projects/nodes/{land.pk}/block/", {"version": land.version, "guarantee": "abc"}),
        (f"/projects/nodes/{land.pk}/block/", {"version": land.version, "guarantee": 99999}),
        (f"/projects/{project.pk}/guarantees/add/", {"category": "land", "due_on": "2030-13-01"}),
    ):
        assert leader.post(url, body).status_code == 400, url
    item.refresh_from_db()
    assert (item.version, item.done_on, item.due_on) == (1, None, item.due_on)
    assert Guarantee.objects.count() == 1
    assert ProjectNode.objects.get(pk=land.pk).blocked_by is None
    assert leader.get(f"/projects/guarantees/{item.pk}/done/").status_code == 302
    assert leader.get("/projects/guarantees/99999/edit/").status_code == 404


def test_the_paragraph_reads_in_chinese(world):
    from django.utils import translation

    from zonedesk.core.period import Period
    from zonedesk.reports.document import plain
    from zonedesk.reports.sections import projects as section

    project = _project(world)
    item = _item(world, project)
    services.node_block(actor=SYSTEM, node=project.nodes.get(code="land"), guarantee=item)
    today = timezone.localdate()
    month = Period(today.year, today.month)
    facts = selectors.summary(
        world.users["leader"], zones=[world.zone_a], first=month, last=month, today=today
    )
    with translation.override("zh-hans"):
        text = plain("".join(section.sentences(facts, "本月")))
    assert "要素保障方面" in text and "尚有 1 项未完成，其中 1 项已超过要求完成日期" in text
    assert "“土地摘牌”滞后 10 天，受阻于征地拆迁 · 36 户（经济发展局）" in text


def test_the_edit_form_shows_the_stored_due_date_in_chinese_too(world, client_for):
    """Found on the outside walk: in Chinese the edit form's date field held "2027/01/20", which
    a date input cannot show, so every edit had to type the due date again."""
    import re

    project = _project(world)
    item = _item(world, project)
    staff = client_for(world.users["department"])
    staff.cookies["django_language"] = "zh-hans"
    page = staff.get(f"/projects/{project.pk}/").content.decode()
    assert "要素保障" in page
    field = re.search(rf'<input[^>]*name="g{item.pk}-due_on"[^>]*>', page)[0]
    assert f'value="{item.due_on.isoformat()}"' in field
