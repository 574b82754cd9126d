"""The financing pages open for their users, and the need page explains each product."""

import re

import pytest
from django.urls import reverse

from tests import factories


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_every_page_opens_for_its_users(world, client_for):
    """Officer: pipeline, export, firm tab, forms, the problem and firm pages with their panels;
    bank: inbox, export, products and its forms; the firm: its need."""
    bank = world.users["bank"].bank
    product = factories.bank_product(bank)
    need = factories.financing_need(world.firm_a, shared_with=[bank])
    problem = factories.problem(world.firm_a)
    pages = {
        "officer": [
            ("finance:index", ()),
            ("finance:pipeline", ()),
            ("finance:pipeline_export", ()),
            ("finance:products", ()),
            ("finance:need", (need.pk,)),
            ("finance:firm", (world.firm_a.pk,)),
            ("finance:need_new", (world.firm_a.pk,)),
            ("finance:need_edit", (need.pk,)),
            ("casework:problem", (problem.pk,)),
            ("enterprises:detail", (world.firm_a.pk,)),
        ],
        "bank": [
            ("finance:index", ()),
            ("finance:inbox", ()),
            ("finance:inbox_export", ()),
            ("finance:products", ()),
            ("finance:need", (need.pk,)),
            ("finance:product_new", ()),
            ("finance:product_edit", (product.pk,)),
        ],
        "enterprise": [("finance:index", ()), ("finance:need", (need.pk,))],
    }
    for who, urls in pages.items():
        client = client_for(world.users[who])
        for name, args in urls:
            response = client.get(reverse(name, args=args), follow=True)
            assert response.status_code == 200, (who, name)


def test_the_need_page_gives_each_products_reasons_with_the_firms_values(world, client_for):
    """A product that matches, and one that does not with the failing condition and the value."""
    bank = world.users["bank"].bank
    factories.bank_product(bank, name="小额信用贷（合成）", amount_max_wan=50)
    factories.bank_product(bank, name="抵押贷（合成）", type="mortgage", collateral=["property"])
    need = factories.financing_need(world.firm_a)
    text = _text(client_for(world.users["officer"]).get(reverse("finance:need", args=[need.pk])))
    assert "抵押贷（合成）" in text and "小额信用贷（合成）" in text
    assert text.index("抵押贷（合成）") < text.index("小额信用贷（合成）")  # matches first
    assert "100" in text


def test_the_bank_receives_a_need_from_its_page(world, client_for):
    """The bank's receive button moves the need and records its response."""
    bank_user = world.users["bank"]
    need = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    response = client_for(bank_user).post(
        reverse("finance:need_move", args=[need.pk]), {"to": "received", "version": need.version}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == "received" and need.bank == bank_user.bank


def test_the_reasons_give_the_firms_values_in_words_never_codes(world, client_for):
    """Yes-no facts read 是/否 and coded values (purpose, collateral, size class) their names:
    never True, working_capital or property on the page."""
    bank = world.users["bank"].bank
    factories.bank_product(
        bank,
        name="设备更新贷（合成）",
        eligibility='purpose == "equipment" and collateral == "equipment" and is_sme '
        'and size_class == "large"',
    )
    need = factories.financing_need(world.firm_a)
    page = client_for(world.users["officer"]).get(reverse("finance:need", args=[need.pk]))
    reasons = " ".join(r.value for m in page.context["page"].matches for r in m.reasons)
    assert "流动资金" in reasons and "不动产抵押" in reasons
    for code in ("True", "False", "working_capital", "property", "small", "medium", "micro"):
        assert code not in reasons, code


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"term_months": "99999999999999999999"}, "term_months"),  # was a 500 (SQLite overflow)
        ({"term_months": "0"}, "term_months"),
        ({"amount_wan": "-5"}, "amount_wan"),
        ({"amount_wan": "一百"}, "amount_wan"),
        ({"amount_wan": "99999"}, "不能超过企业申请的"),  # more than the firm asked for
        ({"rate_pct": "60"}, "rate_pct"),
        ({"rate_pct": "4.2\x00"}, "rate_pct"),
    ],
)
def test_a_bad_approval_is_refused_at_its_field_and_changes_nothing(
    world, client_for, fields, says
):
    """The bank's approval form answers bad figures with the field's name and the reason, in
    Chinese, never a 500, and the need stays as it was."""
    bank_user = world.users["bank"]
    need = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    client = client_for(bank_user)
    client.post(
        reverse("finance:need_move", args=[need.pk]), {"to": "received", "version": need.version}
    )
    need.refresh_from_db()
    client.post(
        reverse("finance:need_move", args=[need.pk]),
        {"to": "under_review", "version": need.version},
    )
    need.refresh_from_db()
    before = (need.status, need.version, need.approved_amount_wan)
    body = {"to": "approved", "version": need.version, "amount_wan": "50", "rate_pct": "4.2"}
    body["term_months"] = "12"
    body.update(fields)
    response = client.post(
        reverse("finance:need_move", args=[need.pk]), body, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    # the error under the field it is about (its label beside it), or the reason in words
    field = next(iter(fields))
    assert f'data-testid="error-{field}"' in response.content.decode()
    if not says.isascii():
        assert says in _text(response)
    need.refresh_from_db()
    assert (need.status, need.version, need.approved_amount_wan) == before


def test_the_firms_figures_read_as_counts_and_money():
    """Employees 99, not 99.00; 万元 with separators and two places; years and days whole."""
    from zonedesk.finance.templatetags.finance import finance_value

    assert finance_value(99.0, "employees") == "99"
    assert finance_value(1234, "days_halted_ytd") == "1,234"
    assert finance_value(12345.5, "revenue_ytd_wan") == "12,345.50"
    assert finance_value(1500.0, "output_month_wan") == "1,500.00"
    assert finance_value(2.5, "years_in_operation") == "2.5"
    assert finance_value(19.4834, "years_in_operation") == "19.5"
