"""The leads pages: pipeline (table, board, filters, export), new lead with the duplicate
warning, the lead's page (moves, activities, merge, its key project), the funnel."""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests.chain import leads_factories as leads
from zonedesk.chain.leads_models import Lead
from zonedesk.core.actors import SYSTEM


@pytest.fixture
def world(shared_world):
    return shared_world


def test_table_and_board_list_the_zone_leads(world, client_for):
    """An officer sees the zone's pipeline, another owner's leads too, in both views."""
    mine = leads.lead(world.zone_a, world.users["officer"], name="甲新材料")
    theirs = leads.walk(leads.lead(world.zone_a, world.users["officer2"], name="乙电子"), "visit")
    client = client_for(world.users["officer"])
    table = client.get(reverse("leads:list")).content.decode()
    assert mine.name in table and theirs.name in table
    board = client.get(reverse("leads:board")).content.decode()
    assert 'data-testid="column-visit"' in board and f'data-testid="card-{theirs.pk}"' in board
    only = client.get(reverse("leads:list"), {"stage": "visit"}).content.decode()
    assert theirs.name in only and mine.name not in only
    mine_only = client.get(reverse("leads:list"), {"mine": "1"}).content.decode()
    assert mine.name in mine_only and theirs.name not in mine_only


def test_export_is_a_real_workbook(world, client_for):
    leads.lead(world.zone_a, world.users["officer"], name="导出测试有限公司")
    response = client_for(world.users["leader"]).get(reverse("leads:export"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert any("导出测试有限公司" in str(c) for r in rows for c in r)


FORM = {"name": "宁德时代新能源（四川）", "region": "chengyu", "source": "exhibition"}


def test_new_lead_warns_of_a_duplicate_then_saves_when_confirmed(world, client_for):
    """A similar name from another department is shown with a link; saving again saves."""
    other = leads.lead(world.zone_a, world.users["department"], name="宁德时代新能源有限公司")
    client = client_for(world.users["officer"])
    page = client.post(reverse("leads:new"), FORM)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="duplicates-warning"' in html
    assert reverse("leads:detail", args=[other.pk]) in html
    assert Lead.objects.count() == 1
    saved = client.post(reverse("leads:new"), {**FORM, "confirmed": "True"})
    assert saved.status_code == 302
    new = Lead.objects.exclude(pk=other.pk).get()
    assert new.owner == world.users["officer"]


def test_bad_input_is_a_clear_message(world, client_for):
    client = client_for(world.users["officer"])
    page = client.post(reverse("leads:new"), {**FORM, "credit_code": "12345", "region": "moon"})
    assert page.status_code == 400
    assert 'data-testid="error-region"' in page.content.decode()
    assert not Lead.objects.exists()


def test_owner_moves_and_logs_on_the_page(world, client_for):
    lead = leads.lead(world.zone_a, world.users["officer"])
    client = client_for(world.users["officer"])
    moved = client.post(
        reverse("leads:move", args=[lead.pk]), {"to": "contact", "version": lead.version}
    )
    assert moved.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == "contact"
    logged = client.post(
        reverse("leads:activity", args=[lead.pk]),
        {"kind": "visit", "on": timezone.localdate().isoformat(), "note": "赴沪拜访"},
    )
    assert logged.status_code == 302
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert "赴沪拜访" in page and 'data-testid="timeline-event"' in page
    # a stale form (the version read before the move) is refused, nothing changes
    refused = client.post(reverse("leads:move", args=[lead.pk]), {"to": "visit", "version": 1})
    assert refused.status_code == 400
    lead.refresh_from_db()
    assert lead.stage == "contact"


def test_drop_without_reason_is_refused_on_the_page(world, client_for):
    lead = leads.lead(world.zone_a, world.users["officer"])
    client = client_for(world.users["officer"])
    page = client.post(
        reverse("leads:move", args=[lead.pk]), {"to": "dropped", "version": lead.version}
    )
    assert page.status_code == 400
    lead.refresh_from_db()
    assert lead.stage == "lead"


def test_leader_signs_and_the_page_shows_the_project(world, client_for):
    lead = leads.walk(leads.lead(world.zone_a, world.users["officer"]), "negotiation")
    client = client_for(world.users["leader"])
    signed = client.post(
        reverse("leads:move", args=[lead.pk]),
        {
            "to": "signed",
            "version": lead.version,
            "signed_on": timezone.localdate().isoformat(),
            "first_production_month": (timezone.localdate() + dt.timedelta(days=400)).strftime(
                "%Y-%m"
            ),
        },
    )
    assert signed.status_code == 302, signed.content[:500]
    lead.refresh_from_db()
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert 'data-testid="lead-project"' in page and 'data-testid="lead-project-nodes"' in page
    nodes = page.split('data-testid="lead-project-nodes"')[1].split("</table>")[0]
    head = nodes.split("<thead>")[1].split("</thead>")[0]
    assert "<th>节点</th><th>计划日期</th><th>实际完成</th><th>亮灯</th>" in head
    assert nodes.count('<tr data-testid="lead-node-') == lead.project.nodes.count() > 0
    client.cookies["django_language"] = "en"
    english = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    head = english.split('data-testid="lead-project-nodes"')[1].split("</thead>")[0]
    assert "<th>Node</th><th>Planned date</th><th>Actual</th><th>Light</th>" in head
    rows = english.split('data-testid="lead-project-nodes"')[1].split("</table>")[0]
    for name in ("Signing", "Project approval/filing", "Trial production", "Full production"):
        assert f"<td>{name}</td>" in rows, name
    assert not any(f"<td>{zh}</td>" in rows for zh in ("签约", "立项/备案", "达产"))
    assert "<td>签约</td>" in nodes  # in Chinese, the names as stored


def test_leader_merges_from_the_page(world, client_for):
    keep = leads.lead(world.zone_a, world.users["officer"], name="远航新材料")
    drop = leads.lead(world.zone_a, world.users["officer2"], name="远航新材料有限公司")
    client = client_for(world.users["leader"])
    page = client.get(reverse("leads:detail", args=[keep.pk])).content.decode()
    assert f'data-testid="merge-{drop.pk}"' in page
    merged = client.post(reverse("leads:merge", args=[keep.pk]), {"other": drop.pk, "keep": "this"})
    assert merged.status_code == 302
    drop.refresh_from_db()
    assert drop.merged_into_id == keep.pk


def test_funnel_page(world, client_for):
    leads.walk(leads.lead(world.zone_a, world.users["officer"]), "signed")
    html = client_for(world.users["leader"]).get(reverse("leads:funnel"), {"by": "owner"})
    assert html.status_code == 200
    assert 'data-testid="funnel-all"' in html.content.decode()


def test_funnel_export_is_a_real_workbook_grouped_as_asked(world, client_for):
    """One row per group and stage, all the leads first; the page links it with its grouping;
    the export is audited."""
    from zonedesk.core.models import AuditEntry

    leads.walk(leads.lead(world.zone_a, world.users["officer"]), "signed")
    leads.lead(world.zone_a, world.users["officer2"], name="另一家公司")
    client = client_for(world.users["leader"])
    page = client.get(reverse("leads:funnel"), {"by": "owner"}).content.decode()
    assert f"{reverse('leads:funnel_export')}?by=owner" in page
    response = client.get(reverse("leads:funnel_export"), {"by": "owner"})
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    body = rows[1:]
    assert len(body) == 3 * 6  # all, officer, officer2 x the six stages of the way
    first = body[0]
    assert first[1] == 2 and first[3] == 2 and first[4] == 50  # 2 leads, half contacted
    assert {r[0] for r in body[6:]} == {"officer", "officer2"}
    officer_signed = body[6 + 4]  # the officer's group, the fifth stage (签约)
    assert (officer_signed[0], officer_signed[3]) == ("officer", 1)
    assert AuditEntry.objects.filter(action="export", changes__what="leads-funnel").exists()


def test_a_refused_form_gives_the_lead_page_its_own_address(world, client_for):
    """The page shown again after a refused move or activity names its own address, which
    app.js puts in the address bar instead of the POST address."""
    lead = leads.lead(world.zone_a, world.users["officer"])
    client = client_for(world.users["officer"])
    own = f'<meta name="zonedesk-page-url" content="{reverse("leads:detail", args=[lead.pk])}">'
    moved = client.post(reverse("leads:move", args=[lead.pk]), {"to": "dropped", "version": 1})
    assert moved.status_code == 400 and own in moved.content.decode()
    logged = client.post(reverse("leads:activity", args=[lead.pk]), {"kind": "visit"})
    assert logged.status_code == 400 and own in logged.content.decode()


def test_drop_reads_fang_qi_and_pause_asks_why(world, client_for):
    """The drop button says 放弃 (not the form's 取消); pausing without a reason is refused and
    the reason given is in the lead's history."""
    lead = leads.lead(world.zone_a, world.users["officer"])
    client = client_for(world.users["officer"])
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    drop = page.split('data-testid="do-dropped"')[1].split("</button>")[0]
    assert "放弃" in drop and "取消" not in drop
    assert 'name="reason" required placeholder="暂停原因？"' in page
    url = reverse("leads:move", args=[lead.pk])
    refused = client.post(url, {"to": "paused", "version": lead.version})
    assert refused.status_code == 400 and "请说明暂停原因。" in refused.content.decode()
    paused = client.post(url, {"to": "paused", "version": lead.version, "reason": "预算推迟"})
    assert paused.status_code == 302
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert "预算推迟" in page.split('data-testid="lead-timeline"')[1]


def test_sign_form_has_labels_and_shows_a_missing_month_at_its_field(world, client_for):
    """The signing date and month have visible labels; signing without the month is refused
    at that field, with the typed date kept."""
    month_ago = timezone.localdate() - dt.timedelta(days=30)
    lead = leads.walk(
        leads.lead(world.zone_a, world.users["officer"], on=month_ago), "negotiation", on=month_ago
    )
    client = client_for(world.users["leader"])
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    form = page.split('data-testid="move-signed"')[1].split("</form>")[0]
    assert '<label class="form-label small mb-1" for="move-signed-on">签约日期</label>' in form
    assert 'for="move-first-production">计划投产月份</label>' in form
    day = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    refused = client.post(
        reverse("leads:move", args=[lead.pk]),
        {"to": "signed", "version": lead.version, "signed_on": day},
    )
    assert refused.status_code == 400
    form = refused.content.decode().split('data-testid="move-signed"')[1].split("</form>")[0]
    assert 'data-testid="error-first_production_month"' in form
    assert f'name="signed_on" value="{day}"' in form
    lead.refresh_from_db()
    assert lead.stage == "negotiation"


def test_jobs_and_funnel_days_read_as_numbers(world, client_for):
    """Jobs have thousands separators (1,200); a whole median of days has no ".0"."""
    lead = leads.lead(world.zone_a, world.users["officer"], jobs=1200)
    client = client_for(world.users["leader"])
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert '<dd class="col-7" data-testid="lead-jobs">1,200</dd>' in page
    lead = leads.walk(lead, "contact")
    moved = lead.events.get(to_state="contact").at
    Lead.objects.filter(pk=lead.pk).update(created_at=moved - dt.timedelta(days=12))
    html = client.get(reverse("leads:funnel")).content.decode()
    lead_row = html.split('data-testid="funnel-all"')[1].split('data-testid="stage-lead"')[1]
    assert '<td class="text-end">12</td></tr>' in lead_row.split("</tr>")[0] + "</tr>"


def test_a_refused_move_lists_the_users_own_next_steps_in_chinese(world, client_for):
    """An officer's refused move names only the steps they may take, with 、 between them;
    the export's file name is Chinese like the other exports."""
    lead = leads.walk(leads.lead(world.zone_a, world.users["officer"]), "negotiation")
    client = client_for(world.users["officer"])
    refused = client.post(
        reverse("leads:move", args=[lead.pk]), {"to": "landed", "version": lead.version}
    )
    assert refused.status_code == 400
    assert "可进行的下一步：暂停、放弃。" in refused.content.decode()
    from urllib.parse import unquote

    export = client.get(reverse("leads:export"))
    assert "招商线索-" in unquote(export["Content-Disposition"])


def test_a_merged_lead_is_never_stale(world, client_for):
    """The lead merged into another shows no 久未跟进 badge, however old its last activity."""
    keep = leads.lead(world.zone_a, world.users["officer"], name="远航新材料")
    drop = leads.lead(world.zone_a, world.users["officer2"], name="远航新材料有限公司")
    long_ago = timezone.now() - dt.timedelta(days=400)
    Lead.objects.filter(pk__in=[keep.pk, drop.pk]).update(created_at=long_ago)
    from zonedesk.chain import leads_services

    leads_services.lead_merge(actor=world.users["leader"], keep=keep, drop=drop)
    client = client_for(world.users["leader"])
    page = client.get(reverse("leads:detail", args=[drop.pk])).content.decode()
    assert 'data-testid="merged-note"' in page and 'data-testid="lead-stale"' not in page
    kept = client.get(reverse("leads:detail", args=[keep.pk])).content.decode()
    assert 'data-testid="lead-stale"' in kept


def test_a_city_leader_sees_and_filters_by_zone(world, client_for):
    """Over several zones the list has a 园区 column and filter, the funnel a zone grouping and
    filter; the stage is a badge that does not wrap; an empty filtered list says so."""
    from zonedesk.org.services import zone_create

    zone_c = zone_create(actor=SYSTEM, code="zone-c", name="丙经开区", area=world.kaijiang)
    leads.lead(world.zone_a, world.users["officer"], name="甲园线索公司")
    from tests.factories import user

    leads.lead(zone_c, user("officer_c", ["officer"], zone=zone_c), name="丙园线索公司")
    client = client_for(world.users["city_leader"])
    table = client.get(reverse("leads:list")).content.decode()
    assert 'data-testid="filter-zone"' in table and "<th>园区</th>" in table
    assert '<td data-label="园区" data-testid="lead-zone">丙经开区</td>' in table
    assert 'class="badge bg-blue-lt text-nowrap" data-testid="lead-stage">线索<' in table
    only = client.get(reverse("leads:list"), {"zone": "zone-c"}).content.decode()
    assert "丙园线索公司" in only and "甲园线索公司" not in only
    none = client.get(reverse("leads:list"), {"q": "不存在的公司"}).content.decode()
    assert "没有符合条件的线索。" in none and "暂无招商线索" not in none
    funnel = client.get(reverse("leads:funnel"), {"by": "zone"}).content.decode()
    assert 'data-testid="funnel-丙经开区"' in funnel and 'data-testid="funnel-zone"' in funnel
    one = client.get(reverse("leads:funnel"), {"zone": "zone-c", "by": "zone"}).content.decode()
    assert 'data-testid="funnel-甲经开区"' not in one
    # one zone's leader: no zone column
    table = client_for(world.users["leader"]).get(reverse("leads:list")).content.decode()
    assert 'data-testid="filter-zone"' not in table


def test_funnel_export_writes_rates_and_days_as_numbers(world, client_for):
    """The conversion is a number in percent with the export's rate format (0.00), the median
    days too; the last stage has no conversion: an empty cell, not a text."""
    lead = leads.walk(leads.lead(world.zone_a, world.users["officer"]), "contact")
    moved = lead.events.get(to_state="contact").at
    Lead.objects.filter(pk=lead.pk).update(created_at=moved - dt.timedelta(days=3))
    leads.lead(world.zone_a, world.users["officer"], name="另一家公司")
    leads.lead(world.zone_a, world.users["officer"], name="第三家公司")
    response = client_for(world.users["leader"]).get(reverse("leads:funnel_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    conversion, days = sheet.cell(2, 5), sheet.cell(2, 6)  # all the leads, 线索
    assert conversion.data_type == "n" and conversion.number_format == "0.00"
    assert round(conversion.value, 2) == 33.33  # 1 of 3 reached 接洽
    assert days.data_type == "n" and days.value == 3 and days.number_format == "0.00"
    landed = sheet.cell(7, 5)  # 落地: no next stage
    assert sheet.cell(7, 3).value == "落地" and landed.value is None


def test_funnel_chart_data_are_the_tables(world, client_for):
    """The page carries the all-leads chart's data beside its table (no inline script): the
    leads that reached each stage and the conversion as the table shows it."""
    leads.walk(leads.lead(world.zone_a, world.users["officer"]), "visit")
    leads.lead(world.zone_a, world.users["officer"], name="另一家公司")
    html = client_for(world.users["leader"]).get(reverse("leads:funnel")).content.decode()
    data = json.loads(
        html.split('<script id="funnel-chart-data" type="application/json">')[1].split("</script>")[
            0
        ]
    )
    assert [s["name"] for s in data["stages"]] == ["线索", "接洽", "考察", "洽谈", "签约", "落地"]
    assert [s["reached"] for s in data["stages"]] == [2, 1, 1, 0, 0, 0]
    assert [s["conversion"] for s in data["stages"]] == [
        "50.00%",
        "100.00%",
        "0.00%",
        None,
        None,
        None,
    ]
    assert data["labels"] == {"reached": "到达", "conversion": "转入下一阶段"}
    assert "zonedesk/funnel-chart.js" in html and "echarts.min.js" in html
    table = html.split('data-testid="funnel-all"')[1].split("</table>")[0]
    assert '<td class="text-end">50.00%</td>' in table


def test_funnel_without_leads_has_no_chart(world, client_for):
    html = client_for(world.users["leader"]).get(reverse("leads:funnel")).content.decode()
    assert 'data-testid="funnel-all"' in html
    assert "funnel-chart" not in html and "echarts" not in html


def test_moves_entered_later_are_dated_on_the_page(world, client_for):
    """A move entered after the fact carries its own day: 洽谈 20 days ago, signed 10 days ago;
    a day before the stage began is refused at the field, what was typed kept."""
    today = timezone.localdate()
    lead = leads.walk(
        leads.lead(world.zone_a, world.users["officer"], on=today - dt.timedelta(days=60)),
        "visit",
        on=today - dt.timedelta(days=30),
    )
    client = client_for(world.users["leader"])
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert 'data-testid="move-negotiation-on"' in page and "日期（补录时填写）" in page
    early = (today - dt.timedelta(days=40)).isoformat()
    refused = client.post(
        reverse("leads:move", args=[lead.pk]),
        {"to": "negotiation", "version": lead.version, "on": early},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'data-testid="error-on"' in html and f'value="{early}"' in html
    lead.refresh_from_db()
    assert lead.stage == "visit"
    moved = client.post(
        reverse("leads:move", args=[lead.pk]),
        {"to": "negotiation", "version": lead.version, "on": str(today - dt.timedelta(days=20))},
    )
    assert moved.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == "negotiation" and lead.stage_since == today - dt.timedelta(days=20)
    signed = client.post(
        reverse("leads:move", args=[lead.pk]),
        {
            "to": "signed",
            "version": lead.version,
            "signed_on": str(today - dt.timedelta(days=10)),
            "first_production_month": (today + dt.timedelta(days=400)).strftime("%Y-%m"),
        },
    )
    assert signed.status_code == 302, signed.content[:500]
    lead.refresh_from_db()
    assert lead.stage == "signed" and lead.stage_since == today - dt.timedelta(days=10)
    assert lead.project.signed_on == today - dt.timedelta(days=10)


def test_new_lead_shows_every_error_in_one_round(world, client_for):
    """Too many digits, a negative number, a bad credit code and a bad industry code: all shown
    at their fields at once, in plain Chinese; nothing saved."""
    client = client_for(world.users["officer"])
    page = client.post(
        reverse("leads:new"),
        {
            **FORM,
            "investment_wan": "123456789012345",
            "output_wan": "-5",
            "jobs": "-3",
            "credit_code": "91510100MA61234567",
            "industry_code": "9999",
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    for field in ("investment_wan", "output_wan", "jobs", "credit_code", "industry_code"):
        assert f'data-testid="error-{field}"' in html, field
    assert "个数字." not in html and "最多 12 位整数、2 位小数。" in html
    assert "不能小于 0。" in html
    assert not Lead.objects.exists()


def test_closed_leads_show_no_next_action(world, client_for):
    """A dropped lead's old next action (overdue) is shown nowhere: list, board, its page; an
    open lead's overdue one is, in red."""
    past = timezone.localdate() - dt.timedelta(days=5)
    open_ = leads.lead(
        world.zone_a,
        world.users["officer"],
        name="甲开放",
        next_action="再次拜访",
        next_action_due=past,
    )
    dropped = leads.walk(
        leads.lead(
            world.zone_a,
            world.users["officer"],
            name="乙放弃",
            next_action="寄送资料",
            next_action_due=past,
        ),
        "dropped",
    )
    client = client_for(world.users["officer"])
    table = client.get(reverse("leads:list")).content.decode()
    row = table.split(f'data-testid="lead-{dropped.pk}"')[1].split("</tr>")[0]
    assert "寄送资料" not in row and past.isoformat() not in row
    row = table.split(f'data-testid="lead-{open_.pk}"')[1].split("</tr>")[0]
    assert "再次拜访" in row and 'class="text-red">' + past.isoformat() in row
    board = client.get(reverse("leads:board")).content.decode()
    assert "乙放弃" in board and "寄送资料" not in board and "再次拜访" in board
    page = client.get(reverse("leads:detail", args=[dropped.pk])).content.decode()
    assert "寄送资料" not in page and 'data-testid="lead-next"' not in page


def test_duplicate_line_and_merge_confirmation(world, client_for):
    """The duplicate's department in full-width brackets; merging asks first (data-confirm)."""
    keep = leads.lead(world.zone_a, world.users["officer"], name="远航新材料")
    drop = leads.lead(world.zone_a, world.users["department"], name="远航新材料有限公司")
    page = client_for(world.users["leader"]).get(reverse("leads:detail", args=[keep.pk]))
    line = page.content.decode().split(f'data-testid="duplicate-{drop.pk}"')[1].split("</li>")[0]
    assert f"（{drop.department.name}）" in line and f" ({drop.department.name})" not in line
    assert "data-confirm=" in line and "合并后无法撤销" in line


def test_exports_state_their_day_and_the_funnel_file_name_is_chinese(world, client_for):
    """Both workbooks carry the day of their data in a column; the funnel's file is named in
    Chinese with its grouping; a long median of days has thousands separators on the page."""
    lead = leads.walk(leads.lead(world.zone_a, world.users["officer"]), "contact")
    moved = lead.events.get(to_state="contact").at
    Lead.objects.filter(pk=lead.pk).update(created_at=moved - dt.timedelta(days=1231))
    client = client_for(world.users["leader"])
    today = timezone.localdate()
    for url in (reverse("leads:export"), reverse("leads:funnel_export")):
        response = client.get(url, {"by": "region"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        header = [c.value for c in sheet[1]]
        assert header[-1] == "数据截至", url
        assert sheet.cell(2, len(header)).value.date() == today, url
    disposition = client.get(reverse("leads:funnel_export"), {"by": "region"})[
        "Content-Disposition"
    ]
    assert "leads-funnel" not in disposition
    from urllib.parse import quote

    assert quote(f"招商线索漏斗-按区域-{today.isoformat()}.xlsx") in disposition
    html = client.get(reverse("leads:funnel")).content.decode()
    assert '<td class="text-end">1,231</td></tr>' in html


@pytest.mark.parametrize("stale", [True, False])
def test_a_city_leader_moving_a_lead_is_refused_before_its_version(world, client_for, stale):
    """The city's leaders read the leads only: a move is refused (403) whatever the version
    the form sends, without a word of the lead having been changed; the page, the API and the
    service agree."""
    lead = leads.lead(world.zone_a, world.users["officer"])
    client = client_for(world.users["city_leader"])
    version = lead.version + 5 if stale else lead.version
    page = client.post(reverse("leads:move", args=[lead.pk]), {"to": "contact", "version": version})
    assert page.status_code == 403
    assert "修改了" not in page.content.decode() and "未保存" not in page.content.decode()
    api = client.post(
        reverse("api:move_lead", args=[lead.pk]),
        json.dumps({"to": "contact", "version": version}),
        content_type="application/json",
    )
    assert api.status_code == 403
    lead.refresh_from_db()
    assert lead.stage == "lead"
