"""The product library's export: the page's rows as a real workbook, amounts and rates as
numbers in the sheet's formats; a bank user's sheet holds its own bank's products only; the
file is named in the user's language."""

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
from django.urls import reverse

from tests import factories
from zonedesk.core.models import AuditEntry


def _sheet(response):
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return book.worksheets[0]


def _names(sheet) -> set[str]:
    return {r[0].value for r in sheet.iter_rows(min_row=2) if r[0].value}


def test_an_official_exports_every_bank_product_in_force_as_numbers(world, client_for):
    own = factories.bank_product(
        world.users["bank"].bank,
        name="导出产品（合成）",
        amount_min_wan=Decimal("12.5"),
        rate_min_pct=Decimal("3.45"),
        rate_max_pct=Decimal("4.2"),
    )
    other = factories.bank_product(factories.bank("另一银行（合成）"), name="他行产品（合成）")
    factories.bank_product(
        world.users["bank"].bank,
        name="过期产品（合成）",
        valid_from=dt.date(2019, 1, 1),
        valid_to=dt.date(2019, 12, 31),
    )

    response = client_for(world.users["officer"]).get(reverse("finance:product_export"))

    sheet = _sheet(response)
    assert _names(sheet) == {own.name, other.name}
    assert [c.value for c in sheet[1]][:4] == ["产品", "银行", "类型", "最低金额（万元）"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == own.name)
    assert row[3].value == 12.5 and row[3].number_format == "#,##0.00"
    assert row[5].value == 1 and row[6].value == 36
    assert row[7].value == 3.45 and row[7].number_format == "0.00"
    assert row[8].value == 4.2 and row[8].number_format == "0.00"
    assert row[12].value.date() == dt.date(2020, 1, 1)
    disposition = unquote(response["Content-Disposition"])
    assert "银行产品-" in disposition and disposition.endswith(".xlsx")
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert entry.changes["what"] == "bank-products"


def test_a_bank_user_exports_its_own_bank_products_only(world, client_for):
    own = factories.bank_product(world.users["bank"].bank, name="本行产品（合成）")
    factories.bank_product(factories.bank("另一银行（合成）"), name="他行产品（合成）")

    sheet = _sheet(client_for(world.users["bank"]).get(reverse("finance:product_export")))

    assert _names(sheet) == {own.name}


def test_the_export_follows_the_page_filters_and_is_linked_from_it(world, client_for):
    factories.bank_product(world.users["bank"].bank, name="抵押贷（合成）", type="mortgage")
    factories.bank_product(world.users["bank"].bank, name="信用贷（合成）", type="credit")
    client = client_for(world.users["officer"])

    page = client.get(reverse("finance:products"), {"type": "mortgage"}).content.decode()
    sheet = _sheet(client.get(reverse("finance:product_export"), {"type": "mortgage"}))

    assert reverse("finance:product_export") + "?type=mortgage" in page
    assert _names(sheet) == {"抵押贷（合成）"}


def test_english_users_get_english_file_names(world, client_for):
    user = world.users["officer"]
    client = client_for(user)
    client.cookies["django_language"] = "en"
    names = {
        "finance:product_export": "bank-products-",
        "finance:pipeline_export": "financing-needs-",
        "finance:overview_export": "financing-statistics-",
    }
    for url, prefix in names.items():
        response = client.get(reverse(url), HTTP_ACCEPT_LANGUAGE="en")
        assert prefix in unquote(response["Content-Disposition"]), url


def test_chinese_users_get_chinese_file_names(world, client_for):
    client = client_for(world.users["officer"])
    names = {
        "finance:product_export": "银行产品-",
        "finance:pipeline_export": "融资需求-",
        "finance:overview_export": "融资统计-",
    }
    for url, prefix in names.items():
        response = client.get(reverse(url))
        assert prefix in unquote(response["Content-Disposition"]), url
    bank = client_for(world.users["bank"]).get(reverse("finance:inbox_export"))
    assert "银行待办-" in unquote(bank["Content-Disposition"])
