"""The auditor's page: filters (time, action, user, record type, text), names rather than ids,
and an xlsx export of the filtered entries that is itself audited."""

import datetime as dt
import io
from dataclasses import replace

import pytest
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from zonedesk.core.models import AuditEntry
from zonedesk.enterprises.services import EnterpriseData, enterprise_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(world, client_for):
    return client_for(world.users["auditor"])


def _move(actor, firm):
    data = replace(EnterpriseData.of(firm), address="园区二路", contacts=None)
    enterprise_update(actor=actor, enterprise=firm, data=data)


def _shown(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_entries_name_users_record_types_and_zones(world, auditor):
    leader = world.users["leader"]
    leader.full_name = "李主任"
    leader.save(update_fields=["full_name"])
    _move(leader, world.firm_a2)
    with translation.override("en"):
        page = _shown(auditor.get("/audit/?action=update&lang=en", HTTP_ACCEPT_LANGUAGE="en"))
    assert "李主任" in page and "甲经开区" in page and "园区二路" in page


@pytest.mark.parametrize(
    ("query", "listed", "hidden"),
    [
        ("action=create", "甲二食品有限公司", None),
        ("target_type=enterprises.enterprise&text=甲二", "甲二食品有限公司", "甲一机械有限公司"),
        ("text=甲一", "甲一机械有限公司", "甲二食品有限公司"),
        ("actor=leader&action=update", "园区二路", "甲一机械有限公司"),
    ],
)
def test_filters(world, auditor, query, listed, hidden):
    _move(world.users["leader"], world.firm_a2)
    page = _shown(auditor.get(f"/audit/?{query}"))
    assert listed in page
    if hidden:
        assert hidden not in page


def test_the_time_range_filters_and_a_bad_range_is_a_field_error(world, auditor):
    today = timezone.localdate()
    assert "甲一机械有限公司" in _shown(auditor.get(f"/audit/?start={today}&end={today}"))
    tomorrow = today + dt.timedelta(days=1)
    assert "甲一机械有限公司" not in _shown(auditor.get(f"/audit/?start={tomorrow}"))
    bad = auditor.get(f"/audit/?start={tomorrow}&end={today}&action=nonsense")
    assert bad.status_code == 200
    form = bad.context["form"]
    assert "end" in form.errors and "action" in form.errors
    assert "甲一机械有限公司" not in bad.content.decode()
    assert auditor.get("/audit/?start=2026-13-45").status_code == 200


def test_the_export_holds_the_filtered_entries_and_is_audited(world, auditor):
    response = auditor.get("/audit/export/?text=甲二")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    body = [r for r in rows[1:] if any(r)]
    assert body and all("甲二" in " ".join(map(str, r)) for r in body)
    assert "甲经开区" in {str(c) for r in body for c in r}
    entry = AuditEntry.objects.filter(action="export", actor=world.users["auditor"]).get()
    assert entry.changes["what"] == "audit log" and entry.changes["rows"] == len(body)


def test_changes_read_in_chinese_with_names_labels_and_local_times(world, auditor):
    """What the auditor reads of a change: Chinese labels (not the keys), roles and choices by
    their labels, the firm by its name (not its id), times in local time."""
    from zonedesk.casework.services import problem_submit
    from zonedesk.org.services import user_update

    officer2 = world.users["officer2"]
    user_update(
        actor=world.users["security"],
        user=officer2,
        roles=["officer", "leader"],
        full_name=officer2.full_name,
    )
    problem_submit(
        actor=world.users["officer"],
        enterprise=world.firm_a,
        category="home_market",
        title="订单下滑（合成）",
        raised_via="visit",
    )
    page = _shown(auditor.get("/audit/"))
    assert "角色" in page and "包联干部 → 园区领导、包联干部" in page
    assert "'leader'" not in page and "roles" not in page
    assert "甲一机械有限公司" in page  # the problem's firm, by name
    assert "标题" in page and "订单下滑（合成）" in page
    book = CalamineWorkbook.from_filelike(io.BytesIO(auditor.get("/audit/export/").content))
    changes = [row[8] for row in book.get_sheet_by_index(0).to_python()[1:]]
    assert "角色: 包联干部 → 园区领导、包联干部" in changes
    assert not any("['" in c or "+00:00" in c for c in changes)  # no list dumps, no UTC
