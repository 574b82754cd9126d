"""The policy library: who reads which documents, search, the rule preview, edits audited and
refused by scope, and the API over all of it (bad input 400, never 500)."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
import xlsxwriter
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import JUNE, document, figures, measure
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.policies import selectors, services
from zonedesk.policies.models import Measure, PolicyDocument

pytestmark = pytest.mark.django_db


def doc(world, level, scope, title, **kw):
    where = {"zone": scope} if level == "zone" else {"area": scope}
    d = services.document_create(
        actor=SYSTEM,
        level=level,
        issuer=f"{title} 发文机关（合成）",
        number=kw.pop("number", ""),
        title=title,
        valid_from=dt.date(2020, 2, 1),
        **where,
        **kw,
    )
    services.measure_create(
        actor=SYSTEM,
        document=d,
        clause="一",
        title=f"{title}·稳岗补贴",
        summary="按用工人数补贴（合成）",
        benefit_type="subsidy",
        eligibility="employees >= 20",
        benefit="employees * 0.1",
    )
    return d


@pytest.fixture
def lib(world):
    """A document at every level above zone_a and zone_b, and one in each zone."""
    from tests.factories import area
    from zonedesk.org.services import zone_create

    chongqing = world.wanzhou.parent
    other_county = area("511722", "宣汉县", "county", world.dazhou)
    zone_c = zone_create(actor=SYSTEM, code="zone-c", name="丙经开区", area=other_county)
    return {
        "sichuan": doc(world, "province", world.sichuan, "四川省措施", number="川府〔2020〕1号"),
        "dazhou": doc(world, "city", world.dazhou, "达州市措施"),
        "kaijiang": doc(world, "county", world.kaijiang, "开江县措施"),
        "xuanhan": doc(world, "county", other_county, "宣汉县措施"),
        "zone_a": doc(world, "zone", world.zone_a, "甲园区措施"),
        "zone_c": doc(world, "zone", zone_c, "丙园区措施"),
        "chongqing": doc(world, "province", chongqing, "重庆市措施"),
        "zone_b": doc(world, "zone", world.zone_b, "乙园区措施"),
    }


def seen(user, lib) -> set[str]:
    ids = set(selectors.document_scope(user).values_list("pk", flat=True))
    return {k for k, d in lib.items() if d.pk in ids}


class TestScope:
    def test_a_zone_user_reads_its_zone_and_every_area_above(self, world, lib):
        for role in ("leader", "officer", "department", "auditor"):
            assert seen(world.users[role], lib) == {"sichuan", "dazhou", "kaijiang", "zone_a"}

    def test_an_area_user_reads_above_and_everything_inside(self, world, lib):
        assert seen(world.users["city_leader"], lib) == {
            "sichuan",
            "dazhou",
            "kaijiang",
            "xuanhan",
            "zone_a",
            "zone_c",
        }
        assert seen(world.users["province_admin"], lib) == seen(world.users["city_leader"], lib)

    def test_a_bank_user_reads_its_units_documents(self, world, lib):
        """The bank of 开江 sees 开江's, the areas above and the zones inside."""
        assert seen(world.users["bank"], lib) == {"sichuan", "dazhou", "kaijiang", "zone_a"}

    def test_an_enterprise_user_reads_what_covers_its_firm(self, world, lib):
        assert seen(world.users["enterprise"], lib) == {"sichuan", "dazhou", "kaijiang", "zone_a"}

    def test_another_province_is_another_library(self, world, lib):
        assert seen(world.users["officer_b"], lib) == {"chongqing", "zone_b"}

    def test_measures_follow_their_documents(self, world, lib):
        titles = set(
            selectors.measure_scope(world.users["officer_b"]).values_list("title", flat=True)
        )
        assert titles == {"重庆市措施·稳岗补贴", "乙园区措施·稳岗补贴"}
        other = lib["zone_c"].measures.get()
        assert selectors.measure_get(world.users["leader"], other.pk) is None
        assert selectors.document_get(world.users["leader"], lib["zone_c"].pk) is None


class TestSearch:
    def test_search_covers_titles_numbers_issuers_and_measures(self, world, lib):
        user = world.users["province_admin"]

        def found(**kw):
            return {d.title for d in selectors.documents(user, **kw)}

        assert found(q="川府") == {"四川省措施"}
        assert found(q="达州市措施 发文") == {"达州市措施"}
        assert found(q="开江县措施·稳岗") == {"开江县措施"}
        assert found(q="按用工人数") == {d.title for d in lib.values()} - {
            "重庆市措施",
            "乙园区措施",
        }
        assert found(level="county") == {"开江县措施", "宣汉县措施"}
        assert {d.measure_count for d in selectors.documents(user)} == {1}

    def test_measure_filters(self, world, lib):
        """Measures filter by benefit type, mode, level and text."""
        user = world.users["leader"]
        m = lib["kaijiang"].measures.get()
        services.measure_update(actor=SYSTEM, measure=m, mode="automatic", benefit_type="rent")
        assert [x.pk for x in selectors.measures(user, benefit_type="rent")] == [m.pk]
        assert [x.pk for x in selectors.measures(user, mode="automatic", level="county")] == [m.pk]
        assert selectors.measures(user, q="甲园区").count() == 1

    def test_query_counts_do_not_grow_with_rows(self, world, lib):
        user = world.users["province_admin"]

        def count():
            with CaptureQueriesContext(connection) as ctx:
                rows = list(selectors.documents(user, q="措施"))
                for d in rows:
                    str(d.area or d.zone.area)
                ms = list(selectors.measures(user))
                for m in ms:
                    (m.document.title, m.current.eligibility, str(m.document.zone or ""))
            return len(ctx.captured_queries)

        count()  # the user's unit, once
        before = count()
        for i in range(5):
            doc(world, "county", world.kaijiang, f"更多措施{i}")
        assert count() == before


class TestPreview:
    def test_counts_the_zones_firms_by_decision_and_sums_the_estimate(self, world):
        figures(world.firm_a, 50)  # eligible, 5.00
        figures(world.firm_a2, 10)  # not eligible
        figures(world.firm_b, 80)  # another zone: not counted
        preview = selectors.rule_preview(
            world.users["leader"],
            zone=world.zone_a,
            period=JUNE,
            eligibility="employees >= 20",
            benefit="employees * 0.1",
        )
        assert (preview.firms, preview.eligible, preview.undetermined, preview.not_eligible) == (
            2,
            1,
            0,
            1,
        )
        assert preview.estimated_wan == Decimal("5.00") and preview.errors == {}

    def test_missing_facts_are_undetermined(self, world):
        figures(world.firm_a, 50)
        preview = selectors.rule_preview(
            world.users["leader"], zone=world.zone_a, period=JUNE, eligibility="employees >= 20"
        )
        assert (preview.eligible, preview.undetermined) == (1, 1)

    def test_a_bad_rule_gives_positioned_messages_and_no_counts(self, world):
        preview = selectors.rule_preview(
            world.users["leader"],
            zone=world.zone_a,
            period=JUNE,
            eligibility="employees >= 20 and",
            benefit="true",
        )
        assert set(preview.errors) == {"eligibility", "benefit"}
        assert preview.firms == 0 and preview.estimated_wan == 0

    def test_an_enterprise_user_counts_only_its_own_firm(self, world):
        figures(world.firm_a, 50)
        figures(world.firm_a2, 50)
        preview = selectors.rule_preview(
            world.users["enterprise"], zone=world.zone_a, period=JUNE, eligibility="true"
        )
        assert preview.firms == 1


class TestUpdate:
    def test_a_document_edit_is_audited_as_a_diff(self, world, lib):
        d = lib["kaijiang"]
        services.document_update(
            actor=world.users["city_leader"], document=d, title="改后的标题", valid_to=None
        )
        entry = AuditEntry.objects.filter(target_type="policies.policydocument").latest("id")
        assert entry.changes == {"title": ["开江县措施", "改后的标题"]}
        services.document_update(actor=world.users["city_leader"], document=d, title="改后的标题")
        assert (
            AuditEntry.objects.filter(target_type="policies.policydocument").latest("id") == entry
        )

    def test_edits_are_refused_outside_the_unit_and_when_moving_out_of_it(self, world, lib):
        with pytest.raises(PermissionDenied):
            services.document_update(
                actor=world.users["leader"], document=lib["kaijiang"], title="x"
            )
        with pytest.raises(PermissionDenied):
            services.document_update(
                actor=world.users["leader"], document=lib["zone_a"], zone=world.zone_b
            )
        assert PolicyDocument.objects.get(pk=lib["zone_a"].pk).zone == world.zone_a

    def test_bad_values_are_field_errors(self, world, lib):
        with pytest.raises(ValidationFailed) as exc:
            services.document_update(
                actor=SYSTEM, document=lib["zone_a"], valid_to=dt.date(2019, 1, 1), level="town"
            )
        assert "level" in exc.value.errors
        with pytest.raises(ValidationFailed) as exc:
            services.document_update(actor=SYSTEM, document=lib["zone_a"], created_at=None)
        assert "created_at" in exc.value.errors

    def test_a_documents_level_must_match_its_area_on_every_path(self, world, client_for):
        api = client_for(world.users["province_admin"])
        body = {
            "level": "province",
            "area_code": "511723",  # a county
            "issuer": "x",
            "title": "t",
            "valid_from": "2020-03-01",
        }
        assert (
            api.post(
                "/api/v1/policies/documents", json.dumps(body), content_type="application/json"
            ).status_code
            == 400
        )
        doc = document(world, "county", area=world.kaijiang)
        r = api.patch(
            f"/api/v1/policies/documents/{doc.pk}",
            json.dumps({"level": "province", "version": doc.version}),
            content_type="application/json",
        )
        doc.refresh_from_db()
        assert r.status_code == 400 and doc.level == "county"
        with pytest.raises(ValidationFailed) as caught:
            services.document_update(actor=SYSTEM, document=doc, valid_to=dt.date(2020, 1, 1))
        assert "valid_to" in caught.value.errors  # a message, not the constraint's name

    def test_a_clause_names_one_measure_of_its_document(self, world):
        doc = document(world, "province", area=world.sichuan)
        measure(doc, "employees >= 5", clause="第一条")
        with pytest.raises(ValidationFailed) as caught:
            measure(doc, "employees >= 6", clause="第一条")
        assert set(caught.value.errors) == {"clause"}
        other = measure(doc, "employees >= 7", clause="第二条")
        with pytest.raises(ValidationFailed):
            services.measure_update(actor=SYSTEM, measure=other, clause="第一条")
        assert Measure.objects.count() == 2

    def test_a_measure_edit_with_rules_makes_a_version_and_errors_come_together(self, world, lib):
        m = lib["zone_a"].measures.get()
        leader = world.users["leader"]
        with pytest.raises(ValidationFailed) as exc:
            services.measure_update(
                actor=leader, measure=m, benefit_type="gift", eligibility="employees >"
            )
        assert set(exc.value.errors) == {"benefit_type", "eligibility"}
        m = Measure.objects.get(pk=m.pk)
        assert m.benefit_type == "subsidy" and m.current.number == 1
        services.measure_update(actor=leader, measure=m, title="新标题", eligibility="is_sme")
        m = Measure.objects.get(pk=m.pk)
        assert (m.title, m.current.number, m.current.eligibility) == ("新标题", 2, "is_sme")
        assert m.current.benefit == "employees * 0.1"  # unchanged rule kept
        services.measure_update(actor=leader, measure=m, eligibility="is_sme")
        assert Measure.objects.get(pk=m.pk).current.number == 2


class TestApi:
    @pytest.fixture
    def api(self, world, client_for):
        def make(role):
            c = client_for(world.users[role])
            c.handler.enforce_csrf_checks = False
            return c

        return make

    def test_documents_and_measures_over_the_api(self, world, lib, api):
        leader = api("leader")
        rows = leader.get("/api/v1/policies/documents", {"level": "county"}).json()["items"]
        assert [r["title"] for r in rows] == ["开江县措施"]
        detail = leader.get(f"/api/v1/policies/documents/{lib['zone_a'].pk}").json()
        assert detail["zone_code"] == "zone-a" and detail["measures"][0]["rule_version"] == 1
        created = leader.post(
            f"/api/v1/policies/documents/{lib['zone_a'].pk}/measures",
            json.dumps(
                {
                    "clause": "二",
                    "title": "贴息",
                    "benefit_type": "interest",
                    "eligibility": "is_sme",
                }
            ),
            content_type="application/json",
        )
        assert created.status_code == 201
        pk = created.json()["id"]
        patched = leader.patch(
            f"/api/v1/policies/measures/{pk}",
            json.dumps(
                {
                    "eligibility": "is_sme and employees >= 5",
                    "summary": None,
                    "version": created.json()["version"],
                }
            ),
            content_type="application/json",
        ).json()
        assert [v["number"] for v in patched["versions"]] == [1, 2]
        assert patched["versions"][1]["created_by"] == "leader"
        measures = leader.get("/api/v1/policies/measures", {"benefit_type": "interest"}).json()
        assert [m["id"] for m in measures["items"]] == [pk]

    def test_bad_input_is_400_with_field_errors(self, world, lib, api):
        leader = api("leader")
        assert leader.get("/api/v1/policies/documents", {"level": "x"}).status_code == 400
        assert leader.get("/api/v1/policies/measures", {"mode": "x"}).status_code == 400
        bad_rule = leader.patch(
            f"/api/v1/policies/measures/{lib['zone_a'].measures.get().pk}",
            json.dumps({"eligibility": "employees >= ", "title": None, "version": 1}),
            content_type="application/json",
        )
        assert bad_rule.status_code == 400
        body = {
            "level": "zone",
            "zone_code": "zone-a",
            "issuer": "x",
            "title": "y",
            "valid_from": "2020-03-01",
            "valid_to": "2020-01-01",
        }
        r = leader.post(
            "/api/v1/policies/documents", json.dumps(body), content_type="application/json"
        )
        assert r.status_code == 400 and r.json()["errors"]
        r = leader.post(
            "/api/v1/policies/documents",
            json.dumps({**body, "zone_code": None, "area_code": "999999"}),
            content_type="application/json",
        )
        assert r.status_code == 400 and "area_code" in r.json()["errors"]

    def test_rule_check(self, world, api):
        """The rule check counts the zone's firms by decision; a bad rule or month is a 400 naming
        the position or field."""
        figures(world.firm_a, 50)
        leader = api("leader")
        url = "/api/v1/policies/rules/check"
        ok = leader.post(
            url,
            json.dumps({"eligibility": "employees >= 20", "benefit": "3", "zone": "zone-a"}),
            content_type="application/json",
        ).json()
        # firm_a2 has no figures: not decided (as matching leaves it out), not "undetermined"
        assert ok == {
            "firms": 2,
            "eligible": 1,
            "undetermined": 0,
            "not_applicable": 0,
            "not_eligible": 0,
            "no_figures": 1,
            "estimated_wan": "3.00",
            "period": "2020-06",
            "as_of": "2020-06-30",
            "document_status": "in_force",
        }
        bad = leader.post(
            url,
            json.dumps({"eligibility": "employees >= 20 and nonsense", "zone": "zone-a"}),
            content_type="application/json",
        )
        assert bad.status_code == 400
        assert "nonsense" in bad.json()["errors"]["eligibility"][0]
        month = leader.post(
            url,
            json.dumps({"eligibility": "true", "zone": "zone-a", "period": "2020-13"}),
            content_type="application/json",
        )
        assert month.status_code == 400 and "period" in month.json()["errors"]

    def test_import_export_and_template_over_the_api(self, world, lib, api):
        admin = api("province_admin")
        export = admin.get("/api/v1/policies/measures/export.xlsx")
        assert export.status_code == 200
        upload = io.BytesIO(export.content)
        upload.name = "measures.xlsx"
        summary = admin.post("/api/v1/policies/measures/import", {"file": upload}).json()
        assert summary["measures_unchanged"] == 6 and summary["rule_versions_added"] == 0
        assert admin.get("/api/v1/policies/measures/template.xlsx").status_code == 200

        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        ws = book.add_worksheet()
        for c, h in enumerate(["level", "scope", "issuer", "title", "valid_from", "clause"]):
            ws.write_string(0, c, h)
        for c, v in enumerate(["zone", "zone-a", "x", "y", "someday", "一"]):
            ws.write_string(1, c, v)
        book.close()
        out.seek(0)
        out.name = "bad.xlsx"
        refused = admin.post("/api/v1/policies/measures/import", {"file": out})
        assert refused.status_code == 400
        rows = refused.json()["rows"]
        # The three missing required columns, named on the header row.
        assert len(rows) == 3 and all(r["row"] == 1 and r["column"] for r in rows)
