"""The JSON API: authentication, scoping, filters, pagination, validation errors."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.enterprises.models import Enterprise
from zonedesk.org.models import ApiToken
from zonedesk.org.services import api_token_create

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def token(world):
    _row, text = api_token_create(actor=SYSTEM, user=world.users["leader"], name="test")
    return text


def _bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_token_authenticates_and_is_stamped(client, token, world):
    response = client.get("/api/v1/firms", **_bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {f["name"] for f in body["items"]} == {"甲一机械有限公司", "甲二食品有限公司"}
    assert world.users["leader"].api_tokens.get().last_used_at is not None


def test_token_use_is_stamped_at_most_once_a_minute(client, token, world):
    """A read through the API writes nothing when its token was stamped within the minute."""
    row = world.users["leader"].api_tokens.get()
    recent = timezone.now() - dt.timedelta(seconds=30)
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=recent)
    assert client.get("/api/v1/firms", **_bearer(token)).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at == recent

    earlier = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=earlier)
    assert client.get("/api/v1/firms", **_bearer(token)).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at > earlier + dt.timedelta(minutes=1)


def test_unknown_token_is_refused(client, world):
    response = client.get("/api/v1/firms", **_bearer("zd_nonsense"))
    assert response.status_code == 401
    assert "detail" in response.json()


def test_only_a_digest_of_the_token_is_stored(token, world):
    row = world.users["leader"].api_tokens.get()
    assert token not in (row.digest, row.prefix) and row.digest == row.hash(token)


def test_session_writes_need_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["leader"])
    response = client.patch(
        f"/api/v1/firms/{world.firm_a.pk}", json.dumps({"address": "x"}), content_type=JSON
    )
    assert response.status_code == 403


def test_filters_and_pagination(client, token, world):
    """Firms filter by industry and officer."""
    response = client.get("/api/v1/firms", {"industry": "13", "page": 1}, **_bearer(token))
    assert [f["name"] for f in response.json()["items"]] == ["甲二食品有限公司"]
    assert response.json()["items"][0]["industry_section"] == "C"
    response = client.get("/api/v1/firms", {"officer": world.users["officer"].pk}, **_bearer(token))
    assert [f["credit_code"] for f in response.json()["items"]] == [world.firm_a.credit_code]


def test_detail_masks_phones_for_roles_that_do_not_call_the_firm(client_for, world):
    url = f"/api/v1/firms/{world.firm_a.pk}"
    assert (
        client_for(world.users["officer"]).get(url).json()["contacts"][0]["phone"] == "13812345678"
    )
    assert (
        client_for(world.users["auditor"]).get(url).json()["contacts"][0]["phone"] == "138****5678"
    )


def test_create_validates_on_the_model_fields(client, token, world):
    body = {
        "name": "接口企业有限公司",
        "credit_code": "91110108551385082A",
        "zone": "zone-a",
        "industry_code": "A3311",
    }
    response = client.post(
        "/api/v1/firms",
        json.dumps(body),
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="en",
        **_bearer(token),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "should be “Q”" in errors["credit_code"][0]
    assert "belongs to section C, not A" in errors["industry_code"][0]
    assert not Enterprise.objects.filter(name="接口企业有限公司").exists()


def test_an_unknown_division_code_is_refused_on_the_credit_code_field(client, token, world):
    """Positions 3-8 of the credit code must be a GB/T 2260 code: the refusal names it, on
    the field, as every field error of the API (400, "errors")."""
    code = factories.credit_code("999999", 3)
    body = {
        "name": "接口企业有限公司",
        "credit_code": code,
        "zone": "zone-a",
        "industry_code": "C3311",
    }
    response = client.post(
        "/api/v1/firms",
        json.dumps(body),
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="en",
        **_bearer(token),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "credit_code": [
            "Characters 3-8 of the unified social credit code, “999999”, are not a valid "
            "administrative division code (GB/T 2260, current or historic)."
        ]
    }
    assert not Enterprise.objects.filter(credit_code=code).exists()


def test_create_and_update_are_audited_as_api_calls(client, token, world):
    body = {
        "name": "接口企业有限公司",
        "credit_code": "91110108551385082Q",
        "zone": "zone-a",
        "industry_code": "C3311",
        "officer": "officer",
        "contacts": [{"name": "孙七", "phone": "13500000000"}],
    }
    created = client.post("/api/v1/firms", json.dumps(body), content_type=JSON, **_bearer(token))
    assert created.status_code == 201
    firm_id = created.json()["id"]
    assert (
        created.json()["officer"] == "officer" and created.json()["contacts"][0]["name"] == "孙七"
    )

    updated = client.patch(
        f"/api/v1/firms/{firm_id}",
        json.dumps({"status": "halted", "version": created.json()["version"]}),
        content_type=JSON,
        **_bearer(token),
    )

    assert updated.status_code == 200 and updated.json()["status"] == "halted"
    entries = AuditEntry.objects.filter(
        target_id=str(firm_id), target_type="enterprises.enterprise"
    )
    assert sorted(entries.values_list("action", "via")) == [("create", "api"), ("update", "api")]


def test_update_refuses_nulls_for_required_fields_and_unknown_officers(client, token, world):
    url = f"/api/v1/firms/{world.firm_a.pk}"
    assert (
        client.patch(
            url, json.dumps({"name": None, "version": 1}), content_type=JSON, **_bearer(token)
        ).status_code
        == 400
    )
    response = client.patch(
        url,
        json.dumps({"officer": "officer_b", "version": 1}),
        content_type=JSON,
        **_bearer(token),
    )
    assert response.status_code == 400 and "officer" in response.json()["errors"]


@pytest.mark.parametrize(
    "payload",
    [
        '{"name": ',
        '{"status": "sleeping"}',
        '{"production_start": "2020-13-01"}',
        '{"contacts": 5}',
    ],
)
def test_malformed_input_gets_422_not_500(client, token, world, payload):
    response = client.patch(
        f"/api/v1/firms/{world.firm_a.pk}", payload, content_type=JSON, **_bearer(token)
    )
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_openapi_schema_lists_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/firms", "/api/v1/firms/{pk}", "/api/v1/zones", "/api/v1/zones/{code}"} <= set(
        schema["paths"]
    )
    assert set(schema["components"]["securitySchemes"]) == {"SessionAuth", "TokenAuth"}


def test_docs_page_uses_local_assets(client):
    body = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in body and "/static/" in body


def test_token_writes_need_no_csrf_token(token, world):
    """Scripts with a bearer token write without cookies or CSRF tokens."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        f"/api/v1/firms/{world.firm_a.pk}",
        json.dumps({"address": "脚本写入", "version": world.firm_a.version}),
        content_type=JSON,
        **_bearer(token),
    )
    assert response.status_code == 200 and response.json()["address"] == "脚本写入"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/firms?q=%00",
        "/api/v1/zones/a%00b",
        "/enterprises/?q=a%00",
        "/api/v1/firms?zone=%00",
    ],
)
def test_nul_characters_are_refused_not_crashed_on(client_for, world, url):
    """PostgreSQL cannot store NUL in text; such input is a client error on every database."""
    response = client_for(world.users["leader"]).get(url)
    assert response.status_code in (200, 400, 404, 422)


def test_nul_characters_in_json_are_refused(client, token, world):
    body = json.dumps({"address": "a\u0000b"})
    response = client.patch(
        f"/api/v1/firms/{world.firm_a.pk}", body, content_type=JSON, **_bearer(token)
    )
    assert response.status_code in (400, 422)
    world.firm_a.refresh_from_db()
    assert world.firm_a.address == ""


def test_out_of_range_integers_are_client_errors(client, token, world):
    response = client.get("/api/v1/firms", {"officer": "99999999999999999999"}, **_bearer(token))
    assert response.status_code == 422


def test_the_registry_fields_are_written_and_read_through_the_api(client, token, world):
    """法定代表人, 注册资本, 成立日期, 企业类型, 主营产品, 用地面积: in, out, patched, cleared."""
    body = {
        "name": "登记企业有限公司",
        "credit_code": "91110108551385082Q",
        "zone": "zone-a",
        "industry_code": "C3311",
        "legal_representative": "周八",
        "registered_capital_wan": "5000",
        "established_on": "2009-03-01",
        "enterprise_type": "173",
        "main_products": "钢结构",
        "land_area_mu": 88.5,
    }
    created = client.post("/api/v1/firms", json.dumps(body), content_type=JSON, **_bearer(token))
    assert created.status_code == 201, created.json()
    out = created.json()
    assert out["registered_capital_wan"] == "5000.00" and out["land_area_mu"] == "88.50"
    assert (out["enterprise_type"], out["established_on"]) == ("173", "2009-03-01")

    patched = client.patch(
        f"/api/v1/firms/{out['id']}",
        json.dumps({"version": out["version"], "land_area_mu": "90", "enterprise_type": None}),
        content_type=JSON,
        **_bearer(token),
    )

    assert patched.status_code == 200
    firm = Enterprise.objects.get(pk=out["id"])
    assert (firm.land_area_mu, firm.enterprise_type) == (90, "")
    bad = client.patch(
        f"/api/v1/firms/{out['id']}",
        json.dumps({"version": firm.version, "enterprise_type": "999"}),
        content_type=JSON,
        **_bearer(token),
    )
    assert bad.status_code in (400, 422)
