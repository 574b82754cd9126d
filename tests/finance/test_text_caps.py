"""A text over its cap is refused in our words (what, how long, the limit, what to do), in the
reader's language, on the pages and over the API: not Django's "Ensure this value has at most"
nor pydantic's "String should have at most"."""

import json

import pytest
from django.urls import reverse

from tests import factories
from zonedesk.finance.models import FinancingNeed

WORDS = {
    "zh-hans": ("备注有 2,001 个字", "最多 2,000 个", "请删减"),
    "en": ("is 2,001 characters long", "at most 2,000 are allowed", "shorten it"),
}
FORM_WORDS = {
    "zh-hans": ("备注有 2001 个字", "最多 2000 个"),
    "en": ("Note is 2001 characters long", "at most 2000 are allowed"),
}
BARE = ("Ensure this value", "String should have", "确保该值", "不超过")


def _client(client_for, user, lang):
    client = client_for(user)
    client.cookies["django_language"] = lang
    return client


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_need_form_refuses_a_long_note_in_our_words(world, client_for, lang):
    client = _client(client_for, world.users["enterprise"], lang)
    response = client.post(
        reverse("finance:need_new", args=[world.firm_a.pk]),
        {
            "amount_wan": "100",
            "term_months": "12",
            "purpose": "working_capital",
            "collateral": "property",
            "urgency": "normal",
            "note": "长" * 2001,
        },
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert response.status_code == 400
    (error,) = response.context["form"].errors["note"]
    assert all(w in error for w in FORM_WORDS[lang]), error
    assert not any(b in error for b in BARE), error
    assert not FinancingNeed.objects.filter(enterprise=world.firm_a).exists()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_consent_form_refuses_a_long_written_consent_in_our_words(world, client_for, lang):
    need = factories.financing_need(world.firm_a)
    client = _client(client_for, world.users["officer"], lang)
    response = client.post(
        reverse("finance:consent_grant", args=[need.pk]),
        {"bank": world.users["bank"].bank.pk, "written": "签" * 201},
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert response.status_code == 400
    (error,) = response.context["consent_form"].errors["written"]
    assert ("201" in error and "200" in error) and not any(b in error for b in BARE), error
    assert not need.consents.exists()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_api_refuses_a_long_note_in_our_words(world, client_for, lang):
    client = _client(client_for, world.users["enterprise"], lang)
    body = {
        "amount_wan": "100",
        "term_months": 12,
        "purpose": "working_capital",
        "collateral": "property",
        "note": "长" * 2001,
    }
    response = client.post(
        reverse("api:create_financing_need", args=[world.firm_a.pk]),
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert response.status_code == 422, response.content
    (problem,) = response.json()["detail"]
    assert problem["loc"][-1] == "note"
    assert all(w in problem["msg"] for w in WORDS[lang]), problem
    assert not any(b in problem["msg"] for b in BARE), problem
    assert not FinancingNeed.objects.filter(enterprise=world.firm_a).exists()
    # the cap is still in the OpenAPI document
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["NeedIn"]
    assert schema["properties"]["note"]["maxLength"] == 2000
