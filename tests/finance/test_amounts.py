"""Amounts in 万元 read the same everywhere: grouped with two places ("1,723.00"), the unit
after a space, never a raw "1723.0"; in the workbooks they are numbers with a number format,
not text. Read back from a real exported workbook with openpyxl."""

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import ValidationFailed
from zonedesk.finance import services
from zonedesk.finance.services import ProductData, product_create
from zonedesk.finance.summary import FinanceFacts
from zonedesk.reports.sections import finance as section

RAW = ("1723.0万元", "1723.0 万元", "1723.0", "1723.00万元")


def _need(world):
    """1723.0 as typed (a Decimal keeps the one place), shared, approved and disbursed."""
    bank = world.users["bank"].bank
    need = factories.financing_need(world.firm_a, amount_wan=D("1723.0"))
    services.consent_grant(actor=SYSTEM, need=need, bank=bank, on=dt.date(2020, 3, 1))
    need = services.need_transition(actor=SYSTEM, need=need, to="shared", on=dt.date(2020, 3, 2))
    for move, inputs in (
        ("received", {"on": dt.date(2020, 3, 4)}),
        ("under_review", {"on": dt.date(2020, 3, 5)}),
        (
            "approved",
            {
                "on": dt.date(2020, 3, 6),
                "amount_wan": D("1723.0"),
                "rate_pct": D("4.35"),
                "term_months": 12,
            },
        ),
        ("disbursed", {"on": dt.date(2020, 3, 9), "amount_wan": D("1500.5")}),
    ):
        need = services.need_transition(actor=world.users["bank"], need=need, to=move, **inputs)
    return need


def test_a_need_is_named_with_its_amount_as_the_site_writes_it(world):
    need = factories.financing_need(world.firm_a, amount_wan=D("1723.0"))
    assert str(need).endswith("· 1,723.00 万元"), str(need)


def test_the_need_page_and_its_matches_write_the_amount_grouped(world, client_for):
    need = _need(world)
    factories.bank_product(
        world.users["bank"].bank, name="大额贷（合成）", amount_max_wan=D("5000.0")
    )
    page = client_for(world.users["officer"]).get(reverse("finance:need", args=[need.pk]))
    html = page.content.decode()
    assert "1,723.00" in html and "1,500.50" in html
    reasons = [
        r
        for m in page.context["page"].matches
        for r in m.reasons
        if "10k yuan" in r.text or "万元" in r.text
    ]
    assert reasons and all(r.value == "1,723.00 万元" for r in reasons), [
        (r.text, r.value) for r in reasons
    ]
    assert any("5,000.00" in r.text for r in reasons), [r.text for r in reasons]
    for raw in RAW:
        assert raw not in html, raw


def test_a_products_refusal_quotes_its_amounts_grouped(world):
    values = {
        "name": "倒挂贷（合成）",
        "type": "credit",
        "amount_min_wan": D("1723.0"),
        "amount_max_wan": D("100.0"),
        "term_min_months": 1,
        "term_max_months": 12,
        "rate_kind": "fixed",
        "rate_min_pct": D("3.5"),
        "rate_max_pct": D("4.5"),
        "lpr_spread_bp": None,
        "collateral": [],
        "eligibility": "",
        "description": "",
        "valid_from": dt.date(2020, 1, 1),
        "valid_to": None,
    }
    with pytest.raises(ValidationFailed) as refused:
        product_create(actor=SYSTEM, bank=world.users["bank"].bank, data=ProductData(**values))
    (text,) = refused.value.errors["amount_min_wan"]
    assert "1,723.00" in text and "100.00" in text and "1723.0" not in text, text


def test_the_paragraph_writes_the_amounts_grouped():
    facts = FinanceFacts(
        needs=3,
        needs_wan=D("1723.0"),
        firms=2,
        approved=1,
        approved_wan=D("1723.0"),
        declined=0,
        disbursed=1,
        disbursed_wan=D("1500.5"),
        approval_rate=D(1),
        avg_response_days=D("2.5"),
        waiting_overdue=0,
        by_type=(),
        decline_reasons=(),
        day=dt.date(2020, 6, 30),
        as_of=None,
        take_up_rate=D("0.5"),
        median_response_days=D("2.0"),
    )
    with translation.override("zh-hans"):
        text = "".join(section.sentences(facts, "2020年上半年"))
    assert "1,723.00" in text and "1,500.50" in text, text
    assert "1723.0" not in text and "2.5" not in text  # nor the mean response


def _amount_columns(sheet):
    header = [c.value for c in sheet[1]]
    return [i for i, h in enumerate(header) if h and ("万元" in h or "10k yuan" in h)]


@pytest.mark.parametrize(
    ("url", "params"),
    [("finance:overview_export", {"year": "2020"}), ("finance:pipeline_export", {})],
)
def test_the_workbooks_store_amounts_as_numbers_with_a_money_format(world, client_for, url, params):
    _need(world)
    response = client_for(world.users["leader"]).get(reverse(url), params)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    seen = 0
    for sheet in book.worksheets:
        for i in _amount_columns(sheet):
            for row in sheet.iter_rows(min_row=2):
                cell = row[i]
                if cell.value is None:
                    continue
                assert isinstance(cell.value, int | float), (
                    sheet.title,
                    cell.coordinate,
                    cell.value,
                )
                assert cell.number_format == "#,##0.00", (sheet.title, cell.number_format)
                seen += 1
    assert seen >= 3
    values = {
        round(c.value, 2)
        for s in book.worksheets
        for i in _amount_columns(s)
        for r in s.iter_rows(min_row=2)
        if isinstance((c := r[i]).value, int | float)
    }
    assert 1723 in values and 1500.5 in values
