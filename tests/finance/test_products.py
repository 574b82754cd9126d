"""A bank's product form and API: an empty rule means every firm, a rule's error in the
user's language with its position, ranges that are neither negative nor inverted, and decimal
errors in plain words."""

import json

from django.urls import reverse
from django.utils import translation

from tests import factories
from zonedesk.finance.models import BankProduct

FORM = {
    "name": "新产品（合成）",
    "type": "credit",
    "amount_min_wan": "10",
    "amount_max_wan": "500",
    "term_min_months": "1",
    "term_max_months": "36",
    "rate_kind": "fixed",
    "rate_min_pct": "3.5",
    "rate_max_pct": "6",
    "eligibility": "",
    "valid_from": "2020-01-01",
}


def _post(client, **changes):
    return client.post(reverse("finance:product_new"), {**FORM, **changes})


def test_the_rule_box_starts_empty_and_empty_means_every_firm(world, client_for):
    client = client_for(world.users["bank"])
    page = client.get(reverse("finance:product_new")).content.decode()
    assert ">true</textarea>" not in page
    response = _post(client)
    assert response.status_code == 302
    product = BankProduct.objects.get(name="新产品（合成）")
    assert product.eligibility == "true"
    edit = client.get(reverse("finance:product_edit", args=[product.pk])).content.decode()
    assert ">true</textarea>" not in edit


def test_a_rule_error_is_in_chinese_with_its_position(world, client_for):
    client = client_for(world.users["bank"])
    response = _post(client, eligibility="营收 >> 5")
    assert response.status_code == 400
    errors = response.context["form"].errors["eligibility"]
    assert errors[0].startswith("第 ") and "个字符处" in errors[0], errors


def test_a_rule_error_is_in_english_with_its_position_for_an_english_user(world, client_for):
    from zonedesk.core.errors import ValidationFailed
    from zonedesk.finance.services import ProductData, product_create

    data = ProductData(
        name="英文（合成）",
        type="credit",
        amount_max_wan=100,
        term_max_months=12,
        valid_from="2020-01-01",
        rate_min_pct=1,
        rate_max_pct=2,
        eligibility="revenue >> 5",
    )
    with translation.override("en"):
        try:
            product_create(actor=world.users["bank"], bank=world.users["bank"].bank, data=data)
        except ValidationFailed as exc:
            message = exc.errors["eligibility"][0]
    assert message.startswith("at character "), message


def test_inverted_or_negative_ranges_are_field_errors(world, client_for):
    client = client_for(world.users["bank"])
    response = _post(
        client,
        amount_min_wan="600",
        term_min_months="48",
        rate_min_pct="7",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"amount_min_wan", "term_min_months", "rate_min_pct"} <= set(errors), errors
    assert "600" in errors["amount_min_wan"][0] and "500" in errors["amount_min_wan"][0]
    response = _post(client, rate_min_pct="-1", rate_max_pct="-0.5")
    assert response.status_code == 400
    assert {"rate_min_pct", "rate_max_pct"} <= set(response.context["form"].errors)
    assert not BankProduct.objects.filter(name="新产品（合成）").exists()


def test_the_api_refuses_an_inverted_range_with_field_errors(world, client_for):
    client = client_for(world.users["bank"])
    body = {
        "name": "接口产品（合成）",
        "type": "credit",
        "amount_min_wan": "600",
        "amount_max_wan": "500",
        "term_min_months": 48,
        "term_max_months": 36,
        "rate_kind": "fixed",
        "rate_min_pct": "7",
        "rate_max_pct": "6",
        "valid_from": "2020-01-01",
    }
    response = client.post(
        "/api/v1/finance/products", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert {"amount_min_wan", "term_min_months", "rate_min_pct"} <= set(errors), errors


def test_a_decimal_with_too_many_digits_is_refused_in_plain_words(world, client_for):
    client = client_for(world.users["bank"])
    response = _post(client, amount_max_wan="12345678901.5", rate_max_pct="6.123")
    errors = response.context["form"].errors
    amount, rate = errors["amount_max_wan"][0], errors["rate_max_pct"][0]
    assert "确认" not in amount and "10 位整数" in amount and "2 位小数" in amount, amount
    assert "确认" not in rate and "2 位小数" in rate, rate
    assert not amount.endswith("."), amount


def test_factories_product_still_matches_every_firm(world):
    product = factories.bank_product(world.users["bank"].bank, eligibility="")
    assert product.eligibility == "true"


def test_the_need_and_product_forms_are_styled_like_the_other_apps(world, client_for):
    """Tabler's classes on every input, as casework's and projects' forms have them."""
    bank = client_for(world.users["bank"]).get(reverse("finance:product_new")).content.decode()
    officer = client_for(world.users["officer"])
    need = officer.get(reverse("finance:need_new", args=[world.firm_a.pk])).content.decode()
    for page, field, select in ((bank, "amount_max_wan", "type"), (need, "amount_wan", "purpose")):
        assert f'class="form-control" id="id_{field}"' in page or (
            f'id="id_{field}"' in page and 'class="form-control"' in page
        )
        assert 'class="form-select"' in page and f'name="{select}"' in page


def test_the_library_heads_its_rate_column_as_interest(world, client_for):
    """The product library's rate column reads 利率: the bare msgid "Rate" is the projects'
    completion rate (完成率), which the outside walk found heading this column."""
    client = client_for(world.users["bank"])
    assert _post(client).status_code == 302
    with translation.override("zh-hans"):
        page = client.get(reverse("finance:products")).content.decode()
    assert "<th>利率</th>" in page and 'data-label="利率"' in page
    assert "完成率" not in page


def test_the_collateral_boxes_are_tabler_checkboxes_on_new_and_edit(world, client_for):
    """Each accepted-collateral choice is a small Tabler box (form-check-input), not a
    full-width empty text box (form-control)."""
    import re

    client = client_for(world.users["bank"])
    product = factories.bank_product(world.users["bank"].bank)
    for url in (
        reverse("finance:product_new"),
        reverse("finance:product_edit", args=[product.pk]),
    ):
        page = client.get(url).content.decode()
        boxes = re.findall(r'<input type="checkbox" name="collateral"[^>]*>', page)
        assert boxes, url
        for box in boxes:
            assert 'class="form-check-input"' in box
            assert "form-control" not in box
