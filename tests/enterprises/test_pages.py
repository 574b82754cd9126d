"""The firm list, detail and forms as users see them."""

import io

import openpyxl
import pytest

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.enterprises.models import Enterprise
from zonedesk.org.services import zone_create

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    """Names on the page, sorted here: collation order differs between SQLite and PostgreSQL."""
    return sorted(e.name for e in response.context["page"].object_list)


class TestList:
    def test_search_by_name_and_by_credit_code(self, world, client_for):
        client = client_for(world.users["leader"])
        assert _names(client.get("/enterprises/", {"q": "食品"})) == ["甲二食品有限公司"]
        code = world.firm_a.credit_code.lower()[4:]
        assert _names(client.get("/enterprises/", {"q": code})) == ["甲一机械有限公司"]

    def test_filter_by_industry_section_division_status_officer_and_size(self, world, client_for):
        client = client_for(world.users["leader"])
        assert _names(client.get("/enterprises/", {"industry": "C"})) == [
            "甲一机械有限公司",
            "甲二食品有限公司",
        ]
        assert _names(client.get("/enterprises/", {"industry": "13"})) == ["甲二食品有限公司"]
        assert _names(client.get("/enterprises/", {"industry": "A"})) == []
        assert _names(client.get("/enterprises/", {"officer": world.users["officer"].pk})) == [
            "甲一机械有限公司"
        ]
        assert _names(client.get("/enterprises/", {"status": "halted"})) == []
        assert _names(client.get("/enterprises/", {"above": "0"})) == [
            "甲一机械有限公司",
            "甲二食品有限公司",
        ]

    def test_area_users_filter_by_zone(self, world, client_for):
        xuanhan = factories.area("511722", "宣汉县", "county", world.dazhou)
        zone_c = zone_create(actor=SYSTEM, code="zone-c", name="丙园区", area=xuanhan)
        factories.firm(zone_c, "丙一建材有限公司")
        client = client_for(world.users["city_leader"])
        assert _names(client.get("/enterprises/")) == [
            "丙一建材有限公司",
            "甲一机械有限公司",
            "甲二食品有限公司",
        ]
        assert _names(client.get("/enterprises/", {"zone": "zone-c"})) == ["丙一建材有限公司"]
        # A zone outside the unit is not a valid choice: the filter is dropped, scope still holds.
        assert "乙一电子有限公司" not in _names(client.get("/enterprises/", {"zone": "zone-b"}))

    def test_pagination(self, world, client_for):
        """The firm list shows 25 a page by default, or as many as asked."""
        for i in range(30):
            factories.firm(world.zone_a, f"分页企业{i:02d}有限公司")
        client = client_for(world.users["leader"])
        first = client.get("/enterprises/", {"q": "分页"})
        assert first.context["page"].paginator.count == 30 and len(_names(first)) == 25
        second = client.get("/enterprises/", {"q": "分页", "page": 2, "per_page": 25})
        assert len(_names(second)) == 5
        assert len(_names(client.get("/enterprises/", {"q": "分页", "per_page": 50}))) == 30

    def test_htmx_requests_get_only_the_table(self, world, client_for):
        response = client_for(world.users["leader"]).get("/enterprises/", HTTP_HX_REQUEST="true")
        assert response.templates[0].name == "enterprises/partials/list_table.html"
        assert b"<html" not in response.content

    def test_bad_filter_values_show_everything_rather_than_fail(self, world, client_for):
        response = client_for(world.users["leader"]).get(
            "/enterprises/", {"officer": "x", "page": "zz", "per_page": "-1"}
        )
        assert response.status_code == 200


class TestDetail:
    def test_phone_is_shown_to_the_firms_officer_and_masked_for_others(self, world, client_for):
        url = f"/enterprises/{world.firm_a.pk}/"
        assert "13812345678" in client_for(world.users["officer"]).get(url).content.decode()
        assert "13812345678" in client_for(world.users["enterprise"]).get(url).content.decode()
        for role in ("officer2", "department", "auditor"):
            body = client_for(world.users[role]).get(url).content.decode()
            assert "13812345678" not in body and "138****5678" in body, role


class TestForms:
    def _form(self, **overrides):
        data = {
            "name": "表单企业有限公司",
            "credit_code": "91110108551385082Q",
            "zone": "",
            "industry_code": "C3311",
            "status": "producing",
            "address": "",
            "officer": "",
            "production_start": "2020-06-01",
            "contacts-TOTAL_FORMS": 1,
            "contacts-INITIAL_FORMS": 0,
            "contacts-0-name": "钱六",
            "contacts-0-phone": "13600000000",
        }
        return {**data, **overrides}

    def test_leader_registers_a_firm(self, world, client_for):
        client = client_for(world.users["leader"])
        response = client.post("/enterprises/new/", self._form(zone=world.zone_a.pk))
        firm = Enterprise.objects.get(credit_code="91110108551385082Q")
        assert response.status_code == 302 and response["Location"] == f"/enterprises/{firm.pk}/"
        assert firm.contacts.get().phone == "13600000000"

    def test_the_registry_fields_are_entered_and_shown(self, world, client_for):
        client = client_for(world.users["leader"])
        client.cookies["django_language"] = "en"
        form = self._form(
            zone=world.zone_a.pk,
            legal_representative="吴九",
            registered_capital_wan="2000",
            established_on="2007-07-07",
            enterprise_type="310",
            main_products="泵阀",
            land_area_mu="64.25",
        )
        response = client.post("/enterprises/new/", form)
        firm = Enterprise.objects.get(credit_code="91110108551385082Q")
        assert response.status_code == 302
        assert (firm.enterprise_type, str(firm.land_area_mu)) == ("310", "64.25")

        page = client.get(f"/enterprises/{firm.pk}/").content.decode()

        assert "吴九" in page and "2000.00" in page and "64.25" in page
        assert "310 Sino-foreign equity joint venture" in page and "Foreign-invested" in page

    def test_registry_fields_are_validated_like_names(self, world, client_for):
        client = client_for(world.users["leader"])
        client.cookies["django_language"] = "en"
        response = client.post(
            "/enterprises/new/",
            self._form(
                zone=world.zone_a.pk,
                legal_representative="吴\u200b九",
                main_products="泵\u202e阀",
                land_area_mu="-1",
                enterprise_type="999",
            ),
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert set(errors) == {
            "legal_representative",
            "main_products",
            "land_area_mu",
            "enterprise_type",
        }
        assert "U+200B" in errors["legal_representative"][0]
        assert not Enterprise.objects.filter(credit_code="91110108551385082Q").exists()

    def test_bad_codes_are_shown_on_their_fields(self, world, client_for):
        client = client_for(world.users["leader"])
        client.cookies["django_language"] = "en"
        response = client.post(
            "/enterprises/new/",
            self._form(
                zone=world.zone_a.pk, credit_code="91110108551385082A", industry_code="9999"
            ),
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "should be “Q”" in errors["credit_code"][0]
        assert "9999" in errors["industry_code"][0]
        assert not Enterprise.objects.filter(name="表单企业有限公司").exists()

    def test_an_unknown_division_code_is_shown_on_the_credit_code_field(self, world, client_for):
        client = client_for(world.users["leader"])
        client.cookies["django_language"] = "en"
        code = factories.credit_code("999999", 1)
        response = client.post(
            "/enterprises/new/", self._form(zone=world.zone_a.pk, credit_code=code)
        )
        assert response.status_code == 200
        assert response.context["form"].errors["credit_code"] == [
            "Characters 3-8 of the unified social credit code, “999999”, are not a valid "
            "administrative division code (GB/T 2260, current or historic)."
        ]
        assert not Enterprise.objects.filter(credit_code=code).exists()

    def test_the_import_error_report_names_the_unknown_division_code(self, world, client_for):
        """The register template, filled in a spreadsheet program, with one made-up code."""
        client = client_for(world.users["leader"])
        client.cookies["django_language"] = "en"
        template = client.get("/enterprises/import/template.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(template.content))
        sheet = book.worksheets[0]
        header = [c.value for c in sheet[1]]
        code = factories.credit_code("511799", 2)
        row = {"Enterprise name": "虚构区划有限公司", "Unified social credit code": code}
        row |= {"Zone code": "zone-a", "Industry code": "C3311"}
        sheet.delete_rows(2, sheet.max_row)
        sheet.append([row.get(h) for h in header])
        upload = io.BytesIO()
        book.save(upload)
        upload.name = "firms.xlsx"
        upload.seek(0)

        response = client.post("/enterprises/import/", {"file": upload})

        assert response.status_code == 400
        [error] = response.context["errors"]
        assert (error.row, error.column, error.value) == (2, "Unified social credit code", code)
        body = response.content.decode()
        assert "“511799”, are not a valid administrative division code" in body
        assert not Enterprise.objects.filter(credit_code=code).exists()

    def test_a_zone_outside_the_unit_is_not_offered(self, world, client_for):
        response = client_for(world.users["leader"]).post(
            "/enterprises/new/", self._form(zone=world.zone_b.pk)
        )
        assert "zone" in response.context["form"].errors

    def test_officer_edits_own_firm_but_cannot_reassign_it(self, world, client_for):
        client = client_for(world.users["officer"])
        form = self._form(
            name=world.firm_a.name,
            credit_code=world.firm_a.credit_code,
            officer=world.users["officer2"].pk,
            address="改过的地址",
            version=world.firm_a.version,
            **{"contacts-TOTAL_FORMS": 0},
        )
        response = client.post(f"/enterprises/{world.firm_a.pk}/edit/", form)
        assert response.status_code == 302
        world.firm_a.refresh_from_db()
        assert (
            world.firm_a.address == "改过的地址" and world.firm_a.officer == world.users["officer"]
        )


class TestFeedbackFromTheWalkThrough:
    def test_phone_numbers_are_validated_in_the_form(self, world, client_for):
        client = client_for(world.users["leader"])
        form = TestForms()._form(zone=world.zone_a.pk, **{"contacts-0-phone": "电话号码abc"})
        response = client.post("/enterprises/new/", form)
        assert (
            response.status_code == 200
            and not Enterprise.objects.filter(name="表单企业有限公司").exists()
        )

    def test_a_pasted_code_with_spaces_is_accepted(self, world, client_for):
        client = client_for(world.users["leader"])
        response = client.post(
            "/enterprises/new/",
            TestForms()._form(zone=world.zone_a.pk, credit_code=" 9111 0108 5513 8508 2Q "),
        )
        assert response.status_code == 302
        assert Enterprise.objects.filter(credit_code="91110108551385082Q").exists()

    def test_the_only_zone_is_preselected(self, world, client_for):
        form = client_for(world.users["leader"]).get("/enterprises/new/").context["form"]
        assert form["zone"].initial == world.zone_a

    def test_a_bad_filter_value_drops_only_that_filter(self, world, client_for):
        response = client_for(world.users["leader"]).get(
            "/enterprises/", {"status": "bogus", "industry": "13"}
        )
        assert _names(response) == ["甲二食品有限公司"]

    def test_the_overview_chart_adds_up_to_every_firm(self, world, client_for):
        for i, code in enumerate(
            [
                *("13", "14", "15", "17", "18", "19", "20", "21", "22", "23", "24", "25"),
            ]
        ):
            factories.firm(world.zone_a, f"图表企业{i}", industry_code=code)
        context = client_for(world.users["leader"]).get("/").context
        assert sum(r["value"] for r in context["industry_chart"]) == context["total"] == 14
        assert len(context["industry_chart"]) == 12

    @pytest.mark.parametrize("role", ["enterprise", "bank"])
    def test_the_overview_of_one_firm_or_none_loads_no_chart(self, world, client_for, role):
        """A firm's user sees one division, a bank's none: a one-slice pie says nothing, so the
        1 MB chart library is not loaded (the walk measured it on every log-in)."""
        page = client_for(world.users[role]).get("/").content.decode()
        assert "echarts" not in page and 'id="industry-chart"' not in page
        leader = client_for(world.users["leader"]).get("/").content.decode()
        assert "echarts.min.js" in leader and 'id="industry-chart"' in leader

    def test_password_rules_are_explained_in_chinese(self, world, client_for):
        response = client_for(world.users["admin"]).post(
            f"/enterprises/{world.firm_a.pk}/accounts/",
            {"username": "short", "full_name": "x", "password": "123"},
        )
        body = response.content.decode()
        assert "This password is too short" not in body and "密码太短" in body
