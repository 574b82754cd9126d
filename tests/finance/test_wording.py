"""What the financing pages say, in Chinese and in English: the message that names the field at
fault, plain messages instead of Django's defaults, full-width punctuation and one word for a
disbursed loan in Chinese, one decimal for years in operation, the bank's name in its users'
header."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests import factories
from zonedesk.core.errors import ValidationFailed
from zonedesk.finance import selectors
from zonedesk.finance.models import FinancingNeed
from zonedesk.finance.services import bridge as bridge_services


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh-hans", "请选择要授权的银行。"),
        ("en", "Choose the bank the firm consents to share with."),
    ],
)
def test_consent_without_a_bank_asks_for_the_bank(world, client_for, lang, expected):
    need = factories.financing_need(world.firm_a)
    client = client_for(world.users["enterprise"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang  # the pages' language switch

    response = client.post(reverse("finance:consent_grant", args=[need.pk]), {})

    assert response.status_code == 400
    assert response.context["consent_form"].errors["bank"] == [expected]
    assert not need.consents.exists()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh-hans", "批准金额须大于零"), ("en", "The amount approved must be above zero")],
)
def test_a_bridge_approval_below_zero_names_the_approved_amount(world, lang, expected):
    fund = factories.bridge_fund(world.firm_a.zone, size_wan=Decimal("1000"))
    loan = factories.bridge_loan(fund, world.firm_a, factories.bank("转贷银行（合成）"))

    with translation.override(lang), pytest.raises(ValidationFailed) as caught:
        bridge_services.bridge_loan_move(
            actor=world.users["officer"], loan=loan, to="approved", amount_wan=Decimal("-3")
        )

    assert list(caught.value.errors) == ["amount_wan"]
    message = caught.value.errors["amount_wan"][0]
    assert message.startswith(expected) and "-3.00" in message
    assert "申请" not in message and "requested" not in message
    loan.refresh_from_db()
    assert loan.status == "applied"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh-hans", "本行已有名为“同名产品（合成）”的产品，请换一个名称。"),
        ("en", "Your bank already has a product named “同名产品（合成）”: choose another name."),
    ],
)
def test_a_second_product_of_the_same_name_is_refused_in_plain_words(world, lang, expected):
    bank = world.users["bank"].bank
    factories.bank_product(bank, name="同名产品（合成）")

    with translation.override(lang), pytest.raises(ValidationFailed) as caught:
        factories.bank_product(bank, name="同名产品（合成）")

    shown = [m for msgs in caught.value.errors.values() for m in msgs]
    assert shown == [expected]


def test_a_disbursed_need_is_called_yifangkuan_in_chinese():
    with translation.override("zh-hans"):
        assert str(FinancingNeed.Status.DISBURSED.label) == "已放款"
    with translation.override("en"):
        assert str(FinancingNeed.Status.DISBURSED.label) == "Disbursed"


def test_years_in_operation_show_one_decimal_and_chinese_reasons_full_width_colons(world):
    assert selectors.fact_value("years_in_operation", 19.4834, "zh") == "19.5 年"
    assert selectors.fact_value("years_in_operation", 3.0, "en") == "3.0 years"
    need = factories.financing_need(world.firm_a)
    factories.bank_product(world.users["bank"].bank, eligibility="经营年限 >= 2")

    with translation.override("zh-hans"):
        zh = selectors.need_matches(world.users["officer"], need, lang="zh")
    with translation.override("en"):
        en = selectors.need_matches(world.users["officer"], need, lang="en")

    zh_values = [r.value for m in zh for r in m.reasons if "经营年限" in r.value]
    en_values = [r.value for m in en for r in m.reasons if "years in operation" in r.value]
    assert zh_values and all("：" in v and ": " not in v for v in zh_values), zh_values
    assert en_values and all(": " in v for v in en_values), en_values


def test_the_bank_users_header_names_the_bank(world, client_for):
    bank_user = world.users["bank"]

    page = client_for(bank_user).get(reverse("finance:products")).content.decode()

    assert f'data-testid="header-unit">{bank_user.bank.name}<' in page


def test_the_lending_page_says_which_lpr_is_the_last_recorded(world, client_for):
    from zonedesk.finance.lending import lpr_table

    last = lpr_table().last
    page = client_for(world.users["officer"]).get(reverse("finance:lending")).content.decode()

    assert f"{last.date:%Y-%m-%d}" in page and "最新一年期 LPR" in page
    assert "docs/statistics.md" not in page


def test_a_reason_gives_the_firms_value_in_its_facts_unit(world):
    """经营年限不低于 2 年 (the firm: 3.0 年); an amount asked 100.00 万元, never a bare number."""
    need = factories.financing_need(world.firm_a)
    factories.bank_product(world.users["bank"].bank, eligibility="经营年限 >= 2")
    with translation.override("zh-hans"):
        zh = selectors.need_matches(world.users["officer"], need, lang="zh")
    reasons = [r for m in zh for r in m.reasons]
    years = [r for r in reasons if "经营年限" in r.text]
    assert years and all(r.text.endswith("不低于 2 年") for r in years), [r.text for r in years]
    assert selectors.fact_value("years_in_operation", 3.0, "zh") == "3.0 年"
    amounts = [r for r in reasons if "万元" in r.text]
    assert amounts and all(r.value == "100.00 万元" for r in amounts), [r.value for r in amounts]
    terms = [r for r in reasons if "期限" in r.text]
    months = f"{need.term_months} 个月"
    assert terms and all(r.value == months for r in terms), [r.value for r in terms]
    with translation.override("en"):
        en = selectors.need_matches(world.users["officer"], need, lang="en")
    terms = [r for m in en for r in m.reasons if r.text.startswith("Term")]
    assert terms and all(r.value == f"{need.term_months} months" for r in terms)
    assert selectors.fact_value("output_month_wan", 5531.76, "zh") == "5,531.76 万元"
    assert selectors.fact_value("employees", 12, "en") == "12 people"
