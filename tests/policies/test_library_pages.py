"""The policy library's pages through the test client: search, documents and measures added
and edited with their rules checked (positioned messages, nothing stored on error), the live
rule check, and the library to and from Excel."""

import datetime as dt
import io
import re

import pytest
from python_calamine import CalamineWorkbook

from tests.factories import JUNE, figures, library_row, library_workbook
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.policies import selectors, services
from zonedesk.policies.models import Entitlement, Measure, PolicyDocument, RuleVersion

pytestmark = pytest.mark.django_db

MEASURE = {
    "clause": "第一条",
    "title": "稳岗补贴（合成）",
    "summary": "按用工人数补贴（合成）",
    "benefit_type": "subsidy",
    "mode": "automatic",
    "department": "人社局",
    "materials": "",
    "firm_statuses": ["producing", "halted"],
    "eligibility": "employees >= 20",
    "benefit": "employees * 0.1",
}


@pytest.fixture
def county_doc(world):
    figures(world.firm_a, 50)
    figures(world.firm_a2, 10)
    return services.document_create(
        actor=SYSTEM,
        level="county",
        area=world.kaijiang,
        issuer="开江县人民政府（合成）",
        number="开府发〔2020〕3号",
        title="支持企业复工复产若干措施（合成）",
        valid_from=dt.date(2020, 2, 10),
    )


def test_the_library_lists_what_the_user_may_read_and_searches_measures(
    world, county_doc, client_for
):
    services.measure_create(actor=SYSTEM, document=county_doc, **MEASURE)
    services.document_create(
        actor=SYSTEM,
        level="county",
        area=world.wanzhou,
        issuer="万州区（合成）",
        title="重庆措施（合成）",
        valid_from=dt.date(2020, 2, 10),
    )
    leader = client_for(world.users["leader"])
    html = leader.get("/policies/library/").content.decode()
    assert county_doc.title in html and "重庆措施" not in html
    hits = leader.get("/policies/library/", {"q": "稳岗"}).content.decode()
    assert 'data-testid="measure-hits"' in hits and "稳岗补贴（合成）" in hits
    assert (
        "没有符合条件的文件"
        in leader.get("/policies/library/", {"level": "province"}).content.decode()
    )
    assert leader.get("/policies/library/", {"level": "x" * 50}).status_code == 200


def test_a_document_is_added_in_the_users_unit_and_the_scope_must_fit_the_level(world, client_for):
    city = client_for(world.users["city_leader"])
    form = {
        "level": "county",
        "scope": "area:511700",  # 达州市 is a city, not a county
        "issuer": "达州市人民政府（合成）",
        "number": "达市府发〔2020〕5号",
        "title": "市级措施（合成）",
        "valid_from": "2020-02-10",
    }
    response = city.post("/policies/library/new/", form)
    assert response.status_code == 400 and not PolicyDocument.objects.exists()
    assert 'data-testid="error-scope"' in response.content.decode()
    response = city.post("/policies/library/new/", {**form, "level": "city"})
    doc = PolicyDocument.objects.get()
    assert response["Location"] == f"/policies/library/{doc.pk}/"
    assert (doc.level, doc.area, doc.zone) == ("city", world.dazhou, None)
    assert AuditEntry.objects.filter(target_type="policies.policydocument", action="create")
    # a unit the user does not manage is not even offered
    page = city.get("/policies/library/new/").content.decode()
    assert "area:510000" not in page and "area:500101" not in page
    assert city.post("/policies/library/new/", {**form, "scope": "area:510000"}).status_code == 400


def test_a_measure_with_a_bad_rule_is_refused_with_the_position(world, county_doc, client_for):
    leader = client_for(world.users["province_admin"])
    url = f"/policies/library/{county_doc.pk}/measures/new/"
    response = leader.post(url, {**MEASURE, "eligibility": "employees >= 20 and"})
    html = response.content.decode()
    assert response.status_code == 400 and "第 20 个字符处" in html
    assert not Measure.objects.exists()

    response = leader.post(url, MEASURE)
    m = Measure.objects.get()
    assert response["Location"] == f"/policies/measures/{m.pk}/"
    # matched at once: firm_a (50 employees) qualifies, firm_a2 (10) does not
    e = Entitlement.objects.get()
    assert (e.enterprise, e.state, str(e.estimate_wan)) == (world.firm_a, "identified", "5.00")
    page = leader.get(f"/policies/measures/{m.pk}/").content.decode()
    assert "employees &gt;= 20" in page and 'data-testid="versions"' in page


def test_a_rule_edit_is_a_new_version_and_the_firms_are_rematched(world, county_doc, client_for):
    m = services.measure_create(actor=SYSTEM, document=county_doc, **MEASURE)
    admin = client_for(world.users["province_admin"])
    url = f"/policies/measures/{m.pk}/edit/"
    read = {**MEASURE, "version": m.version}
    assert admin.post(url, read).status_code == 302  # unchanged: no new version
    assert RuleVersion.objects.filter(measure=m).count() == 1
    admin.post(url, {**read, "eligibility": "employees >= 5", "title": "稳岗补贴（新）"})
    m.refresh_from_db()
    assert m.current.number == 2 and m.title == "稳岗补贴（新）"
    assert set(Entitlement.objects.values_list("enterprise_id", "rule_version__number")) == {
        (world.firm_a.pk, 2),
        (world.firm_a2.pk, 2),
    }
    page = admin.get(f"/policies/measures/{m.pk}/").content.decode()
    assert page.count("v1") >= 1 and page.count("v2") >= 1
    # a zone leader may read it but not edit a county's measure
    assert client_for(world.users["leader"]).get(url).status_code == 403


def test_the_live_rule_check_points_at_the_error_or_counts_the_firms(world, county_doc, client_for):
    leader = client_for(world.users["leader"])
    bad = leader.post("/policies/rules/check/", {"eligibility": "employes >= 20"})
    html = bad.content.decode()
    assert 'data-testid="rule-problem-eligibility"' in html and "employees" in html
    assert "employes &gt;= 20\n^</pre>" in html
    good = leader.post(
        "/policies/rules/check/",
        {"eligibility": "employees >= 20", "benefit": "employees * 0.1", "preview_zone": "zone-a"},
    ).content.decode()
    preview = selectors.rule_preview(
        world.users["leader"],
        zone=world.zone_a,
        period=JUNE,
        eligibility="employees >= 20",
        benefit="employees * 0.1",
    )
    assert (preview.firms, preview.eligible) == (2, 1)
    assert 'data-as-of="2020-06-30" data-eligible="1" data-undetermined="0"' in good
    assert "5.00" in good
    assert not Entitlement.objects.exists()  # nothing stored
    assert client_for(world.users["enterprise"]).post("/policies/rules/check/").status_code == 403


def test_the_library_round_trips_through_excel_pages(world, county_doc, client_for):
    admin = client_for(world.users["province_admin"])
    bad = io.BytesIO(
        library_workbook([library_row("一"), library_row("二", eligibility="employees >=")])
    )
    bad.name = "measures.xlsx"  # (unnamed, the file itself is refused: said apart, no row)
    response = admin.post("/policies/library/import/", {"file": bad}, format="multipart")
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="import-errors"' in html
    assert not Measure.objects.exists()

    upload = io.BytesIO(
        library_workbook([library_row("一"), library_row("二", eligibility="employees >= 5")])
    )
    upload.name = "measures.xlsx"
    response = admin.post("/policies/library/import/", {"file": upload})
    assert response.status_code == 302 and Measure.objects.count() == 2
    assert Entitlement.objects.filter(enterprise=world.firm_a2).count() == 1  # ≥5 only

    book = CalamineWorkbook.from_filelike(
        io.BytesIO(admin.get("/policies/library/export.xlsx").content)
    )
    rows = book.get_sheet_by_index(0).to_python()
    assert len(rows) == 3 and {r[9] for r in rows[1:]} == {
        "稳岗补贴一（合成）",
        "稳岗补贴二（合成）",
    }
    template = CalamineWorkbook.from_filelike(
        io.BytesIO(admin.get("/policies/library/template.xlsx").content)
    )
    assert template.sheet_names[:2] == ["措施 Measures", "事实 Facts"]
    assert client_for(world.users["officer"]).get("/policies/library/import/").status_code == 403


def test_import_refusals_are_in_chinese_with_the_rows_excel_shows(world, county_doc, client_for):
    """Issue 17: a file that is no spreadsheet was shown as a problem of “行 0”; a bad cell must
    name the row as Excel numbers it (the header is row 1, the first data row 2)."""
    admin = client_for(world.users["province_admin"])
    junk = io.BytesIO(b"PK\x03\x04 not really a workbook")
    junk.name = "measures.xlsx"
    response = admin.post("/policies/library/import/", {"file": junk})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="import-file-errors"' in html
    assert "不是可读取的电子表格" in html and "Cannot detect" not in html
    assert 'data-testid="import-errors"' not in html  # no table with a “row 0”
    assert "：</div>" not in html  # no dangling colon where a library's detail was

    upload = io.BytesIO(
        library_workbook([library_row("一"), library_row("二", eligibility="从业人数 >=")])
    )
    upload.name = "measures.xlsx"
    html = admin.post("/policies/library/import/", {"file": upload}).content.decode()
    rows = re.findall(r'<td class="num">(\d+)</td>', html.split('data-testid="import-errors"')[1])
    assert rows == ["3"]  # the second data row, under the header
    assert "规则不完整" in html and not Measure.objects.exists()
