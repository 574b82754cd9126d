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
    header, *body = book.get_sheet_by_index(0).to_python()
    changes = [row[header.index("变更内容")] for row in body]
    assert "角色: 包联干部 → 园区领导、包联干部" in changes
    assert not any("['" in c or "+00:00" in c for c in changes)  # no list dumps, no UTC


def _texts(response) -> list[str]:
    """The page's table rows as text, one per entry."""
    import re

    body = _shown(response).split('data-testid="audit-table"')[1].split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)) for r in rows]


def test_the_firm_filter_finds_the_firm_s_own_entries_and_those_of_its_records(world, auditor):
    """Issue 17: a filter by firm (name in part, or credit code) lists the firm's entries and
    those of its problems, and not another firm's; each row names its firm."""
    from tests import factories

    factories.problem(world.firm_a2, title="订单下滑（合成）")
    factories.problem(world.firm_a, title="用工短缺（合成）")
    rows = _texts(auditor.get("/audit/?firm=甲二食品"))
    assert any("订单下滑（合成）" in r for r in rows)
    assert any("园区二路" in r or "甲二食品有限公司" in r for r in rows)
    assert not any("用工短缺（合成）" in r or "甲一机械" in r for r in rows)
    assert all("甲二食品有限公司" in r for r in rows)  # the firm column of every row
    by_code = _texts(auditor.get(f"/audit/?firm={world.firm_a2.credit_code}"))
    assert len(by_code) == len(rows)
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(auditor.get("/audit/export/?firm=甲二").content)
    )
    header, *body = book.get_sheet_by_index(0).to_python()
    with translation.override("zh-hans"):
        firm_column = header.index(translation.gettext("Firm"))
    assert body and {r[firm_column] for r in body} == {"甲二食品有限公司"}


def test_figures_read_with_their_units_and_records_with_their_firm_s_name(world, auditor):
    """A month's figures read "1,234.50" under 产值（万元） (the unit once: the label has it),
    "80 人", not bare numbers under code names, and the record names its firm, not its id
    ("17 2020-06")."""
    from decimal import Decimal

    from zonedesk.core.period import Period
    from zonedesk.monitoring.services import FigureData, figure_save

    figure_save(
        actor=world.users["officer"],
        enterprise=world.firm_a,
        period=Period(2020, 6),
        data=FigureData(output_value_wan=Decimal("1234.5"), employees=80, electricity_kwh=25000),
    )
    (row,) = _texts(auditor.get("/audit/?target_type=monitoring.monthlyfigure"))
    assert "（万元） : ∅ → 1,234.50 " in row and "1,234.50 万元" not in row
    assert "80 人" in row and "（千瓦时） : ∅ → 25,000 " in row
    assert "甲一机械有限公司 2020-06" in row and f" {world.firm_a.pk} 2020-06" not in row
    assert "output_value_wan" not in row


def test_steps_assignees_the_system_and_the_channel_read_as_words(world, auditor):
    """A problem's step reads by its states' labels, the assignee by name (not "∅ → 6"), the
    system and the command line by name, not "system", "command" or "step: submitted → …"."""
    from tests import factories
    from zonedesk.casework.services import problem_transition
    from zonedesk.core.actors import SYSTEM
    from zonedesk.core.audit import RequestContext, current_context

    staff = world.users["department"]
    staff.full_name = "张三"
    staff.save(update_fields=["full_name"])
    problem = factories.problem(world.firm_a, title="续贷困难（合成）")
    token = current_context.set(RequestContext(via="command"))
    try:
        problem_transition(
            actor=SYSTEM,
            problem=problem,
            to="accepted",
            department=staff.department,
            assignee=staff,
        )
    finally:
        current_context.reset(token)
    auditor.post("/i18n/setlang/", {"language": "en", "next": "/audit/"})
    rows = _texts(auditor.get("/audit/?action=update&target_type=casework.problem"))
    (row,) = [r for r in rows if "续贷困难（合成）" in r]
    assert "∅ → 张三" in row and "Step taken" in row and "submitted → accepted" not in row
    assert "Command line" in row and " command " not in row
    assert " step : " not in row  # the key as it is stored


def test_record_types_are_named_as_written_and_machinery_is_not_offered(world, auditor):
    """The record-type filter names API tokens as "API 令牌" (not "Api 令牌") and offers no
    type of the machinery (heartbeats, caches) that never has an entry."""
    form = auditor.get("/audit/").context["form"]
    labels = dict(form.fields["target_type"].choices)
    assert labels["org.apitoken"].startswith("API")
    assert "core.workerheartbeat" not in labels and "core.auditentry" not in labels
    assert "monitoring.zonemonth" not in labels and "policies.matchstate" not in labels
    assert "monitoring.monthlyfigure" in labels and "reports.summarydraft" in labels


def test_a_visit_names_its_participants_and_its_firm(world, auditor):
    """A visit's participants read "∅ → 张干部" (a change from none to them, not a list "∅、张干部"),
    and the visit's label names its firm, not the firm's id."""
    import datetime as dt

    from zonedesk.casework.services import contact_log

    officer = world.users["officer"]
    officer.full_name = "张干部"
    officer.save(update_fields=["full_name"])
    contact_log(
        actor=officer,
        enterprise=world.firm_a,
        date=dt.date(2020, 6, 10),
        kind="on_site",
        participants=[officer],
        notes="了解订单（合成）",
    )
    (row,) = _texts(auditor.get("/audit/?target_type=casework.contact"))
    assert "∅ → 张干部" in row and "∅、张干部" not in row
    assert "2020-06-10" in row and "甲一机械有限公司" in row
    assert f" {world.firm_a.pk} " not in row.split("甲一机械有限公司")[0]


def test_a_meter_reading_of_an_unregistered_account_does_not_break_the_log(world, auditor):
    """Found on the outside walk: a reading of an account no firm has registered (kept, with no
    firm) made the unfiltered log and its export a server error ('None' taken for a firm id)."""
    import datetime as dt
    from decimal import Decimal

    from zonedesk.core import audit
    from zonedesk.monitoring.models import UtilityReading

    reading = UtilityReading.objects.create(
        zone=world.zone_a,
        kind="power",
        period=dt.date(2020, 7, 1),
        account_number="3119999999",
        account_name="未登记户（合成）",
        electricity_kwh=Decimal("1200.00"),
    )
    audit.record(
        actor=world.users["leader"],
        action="create",
        instance=reading,
        changes={"electricity_kwh": [None, "1200.00"]},
        zone_id=world.zone_a.pk,
    )
    _move(world.users["leader"], world.firm_a2)
    page = _shown(auditor.get("/audit/"))
    assert "3119999999" in page and "甲二食品有限公司" in page
    assert auditor.get("/audit/export/").status_code == 200


def test_alert_and_meter_reading_records_are_named_in_words_not_codes(world, auditor):
    """Found on the outside walk: an acknowledged warning read "… 2020-06 power_drift" and a
    meter reading "power 3119999999 2020-07"; the rule's and the utility's names are shown,
    also for entries written before (their stored label still carries the code)."""
    import datetime as dt
    from decimal import Decimal

    from zonedesk.core import audit
    from zonedesk.monitoring.models import AlertAck, UtilityReading

    leader = world.users["leader"]
    ack = AlertAck.objects.create(
        enterprise=world.firm_a,
        period=dt.date(2020, 6, 1),
        rule="power_drift",
        note="已核实（合成）",
        at=timezone.now(),
    )
    reading = UtilityReading.objects.create(
        zone=world.zone_a,
        kind="power",
        period=dt.date(2020, 7, 1),
        account_number="3119999999",
        electricity_kwh=Decimal("1200.00"),
    )
    with translation.override("zh-hans"):
        for instance in (ack, reading):
            audit.record(
                actor=leader,
                action="create",
                instance=instance,
                changes={},
                zone_id=world.zone_a.pk,
            )
    # Entries written before the fix: the code in the stored label.
    for instance, label in (
        (ack, f"{world.firm_a.pk} 2020-06 power_drift"),
        (reading, "power 3119999999 2020-07"),
    ):
        audit.record(
            actor=leader, action="update", instance=instance, changes={}, zone_id=world.zone_a.pk
        )
        AuditEntry.objects.filter(pk=AuditEntry.objects.latest("seq").pk).update(target_repr=label)
    rows = _texts(auditor.get("/audit/?target_type=monitoring.alertack"))
    rows += _texts(auditor.get("/audit/?target_type=monitoring.utilityreading"))
    assert len(rows) == 4
    for row in rows:
        assert "power_drift" not in row and "power " not in row, row
    assert sum("单位电量产值异常" in r and "甲一机械有限公司" in r for r in rows) == 2
    assert sum("3119999999" in r and "电" in r for r in rows) == 2


def test_contacts_and_industry_read_by_their_names_and_no_op_changes_are_left_out(world, auditor):
    """A contact read "name: 联系人；title: 总经理；…；email: ∅", the industry "∅ → 3031", and a
    field stored as nothing before and after "原因: ∅ → ∅". Now: 姓名/职务/电话 with what is
    filled in, the GB/T 4754 class with its code, and no line for a change that is none."""
    from zonedesk.core import audit
    from zonedesk.enterprises.services import ContactData, EnterpriseData

    firm = world.firm_a2
    data = replace(
        EnterpriseData.of(firm),
        industry_code="3031",
        contacts=[ContactData(name="联系人甲（合成）", title="总经理", phone="13412345084")],
    )
    enterprise_update(actor=world.users["leader"], enterprise=firm, data=data)
    audit.record(
        actor=world.users["leader"],
        action="update",
        instance=firm,
        changes={"legal_representative": [None, ""], "address": ["园区一路", "园区二路"]},
        zone_id=firm.zone_id,
    )
    rows = _texts(auditor.get("/audit/?target_type=enterprises.enterprise&action=update"))
    text = " ".join(rows)
    assert "姓名: 联系人甲（合成）；职务: 总经理；电话: 134****5084" in text
    assert "email" not in text and "name:" not in text and "title:" not in text
    assert "C3031 粘土砖瓦及建筑砌块制造" in text and "→ 3031" not in text
    assert "园区一路 → 园区二路" in text and "∅ → ∅" not in text and "法定代表人" not in text


def test_an_export_reads_as_words(world, auditor):
    """Found on the second outside walk: the log said "导出: audit log" of its own export."""
    assert auditor.get("/audit/export/").status_code == 200
    auditor.cookies["django_language"] = "zh-hans"
    rows = _texts(auditor.get("/audit/"))
    exported = [r for r in rows if "审计日志" in r and ("导出" in r or "Export" in r)]
    assert exported and not any("audit log" in r for r in rows)


def test_a_notification_names_the_record_it_is_about_and_a_service_request_its_clock(
    world, auditor
):
    """Found by the walk: a notification's entry read "关于: projects.replan:14" and a service
    request's "respond_by: …"; both read in words now (the record's type and name)."""
    from zonedesk.casework.models import Problem
    from zonedesk.core import audit
    from zonedesk.notices.services import notify

    problem = Problem.objects.create(
        enterprise=world.firm_a,
        category="finance",
        title="流动资金紧张（审计）",
        raised_via="visit",
    )
    notify(
        actor=world.users["leader"],
        recipient=world.users["officer"],
        kind="reminder",
        title="请跟进",
        about=f"casework.problem:{problem.pk}",
    )
    audit.record(
        actor=world.users["officer"],
        action="create",
        instance=problem,
        changes={"respond_by": [None, "2020-06-01T22:00:00+08:00"]},
        zone_id=world.zone_a.pk,
    )
    import re

    with translation.override("zh-hans"):
        page = _shown(auditor.get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    text = re.sub(r"<[^>]+>", " ", page)  # what is read, not the filter's option values
    assert "casework.problem" not in text and "respond_by" not in text
    assert "诉求：流动资金紧张（审计）" in text


def test_a_consent_given_and_revoked_names_the_need_s_firm(world, auditor):
    """Issue 19: a firm's consent for a bank, and its revocation, are the firm's records: the
    firm column names it and the firm filter finds them (they were listed under no firm)."""
    from tests import factories
    from zonedesk.core.actors import SYSTEM
    from zonedesk.finance import services

    need = factories.financing_need(world.firm_a2)
    consent = services.consent_grant(actor=SYSTEM, need=need, bank=world.users["bank"].bank)
    services.consent_revoke(actor=SYSTEM, consent=consent)
    rows = [r for r in _texts(auditor.get("/audit/?firm=甲二食品")) if "授权" in r]
    assert len(rows) >= 2  # given, then revoked
    assert all("甲二食品有限公司" in r for r in rows)
    assert not [r for r in _texts(auditor.get("/audit/?firm=甲一机械")) if "授权" in r]
