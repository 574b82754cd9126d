"""Financing statistics per bank and product (finance.stats, pure): hand-worked figures, the
counts adding up, and the working days across a holiday; the selector's scoping (a bank user
sees only its own bank's row); the overview page and its export."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from tests import factories
from zonedesk.casework.calendar import WorkCalendar
from zonedesk.core.actors import SYSTEM
from zonedesk.finance import services, stats
from zonedesk.finance.selectors import stats as selectors

PLAIN = WorkCalendar.of()  # weekends only


def _row(need, shared_on, **kw):
    values = {"amount_wan": D(100), "purpose": "working_capital", "shared_with": frozenset({1})}
    return stats.NeedRow(need=need, shared_on=shared_on, **{**values, **kw})


# Five needs of March–April 2020 (2 March is a Monday). Worked by hand:
# response days: n1 Mon→Wed 2, n2 Fri→Mon 1, n3 Tue→Tue 5, n5 Thu→Fri 1; n4 unanswered.
ROWS = [
    _row(
        1,
        dt.date(2020, 3, 2),
        responded_on=dt.date(2020, 3, 4),
        bank=1,
        product=10,
        product_type="credit",
        approved_wan=D(100),
        rate_pct=D("4.35"),
        disbursed_wan=D(100),
    ),
    _row(2, dt.date(2020, 3, 6), responded_on=dt.date(2020, 3, 9), bank=1, declined=True),
    _row(
        3,
        dt.date(2020, 3, 10),
        amount_wan=D(400),
        purpose="equipment",
        shared_with=frozenset({2}),
        responded_on=dt.date(2020, 3, 17),
        bank=2,
        product=20,
        product_type="mortgage",
        approved_wan=D(300),
        rate_pct=D("5.00"),
    ),
    _row(4, dt.date(2020, 4, 1), shared_with=frozenset({1, 2})),
    _row(5, dt.date(2020, 4, 2), responded_on=dt.date(2020, 4, 3), bank=None),
]


def test_the_zones_totals_are_worked_by_hand():
    t = stats.compute(ROWS, PLAIN).totals
    assert (t.needs, t.requested_wan, t.responded, t.unanswered, t.pending) == (5, D(800), 4, 1, 1)
    assert (t.approved, t.declined, t.approved_wan, t.disbursed, t.disbursed_wan) == (
        2,
        1,
        D(400),
        1,
        D(100),
    )
    assert t.take_up_rate == D("0.8000")
    assert t.approval_rate == D("0.6667")  # 2 / (2 + 1)
    assert sorted(t.response_days) == [1, 1, 2, 5]
    assert t.mean_response_days == D("2.3")  # 9 / 4 = 2.25, half up
    assert t.median_response_days == D("1.5")  # (1 + 2) / 2
    assert t.average_rate_pct == D("4.84")  # (100 × 4.35 + 300 × 5.00) / 400 = 4.8375


def test_each_banks_row_and_its_products():
    s = stats.compute(ROWS, PLAIN)
    by_bank = {b.bank: b for b in s.banks}
    assert [b.bank for b in s.banks] == [2, 1, None]  # most approved first, unrecorded last
    one = by_bank[1]
    assert (one.shared, one.figures.responded, one.figures.approved, one.figures.declined) == (
        4,
        2,
        1,
        1,
    )
    assert one.figures.approval_rate == D("0.5000")
    assert one.figures.median_response_days == D("1.5") and one.figures.average_rate_pct == D(
        "4.35"
    )
    assert by_bank[2].shared == 2 and by_bank[2].figures.approved_wan == D(300)
    assert by_bank[None].shared == 0 and by_bank[None].figures.pending == 1
    assert set(one.products) == {10} and one.products[10].disbursed_wan == D(100)


def test_the_counts_add_up():
    """Outcomes to needs; banks' received to responded; products to their bank's approvals;
    months, purposes and types to the totals."""
    s = stats.compute(ROWS, PLAIN)
    t = s.totals
    assert t.unanswered + t.pending + t.approved + t.declined == t.needs
    assert sum(b.figures.responded for b in s.banks) == t.responded
    for b in s.banks:
        f = b.figures
        assert f.pending + f.approved + f.declined == f.responded == f.needs
        assert sum(p.approved for p in b.products.values()) == f.approved
        assert sum(p.approved_wan for p in b.products.values()) == f.approved_wan
    for groups in (s.by_month, s.by_purpose):
        assert sum(f.needs for f in groups.values()) == t.needs
        assert sum(f.requested_wan for f in groups.values()) == t.requested_wan
        assert sum(f.disbursed_wan for f in groups.values()) == t.disbursed_wan
    assert sum(f.approved_wan for f in s.by_type.values()) == t.approved_wan
    assert list(s.by_type) == ["mortgage", "credit"]
    assert list(s.by_month) == [(2020, 3), (2020, 4)]


@pytest.mark.parametrize(
    ("name", "shared", "responded", "expected"),
    [
        ("same day", dt.date(2020, 9, 28), dt.date(2020, 9, 28), 0),
        ("Friday to Monday", dt.date(2020, 9, 25), dt.date(2020, 9, 28), 1),
        # National Day 2020: 1–8 October off, Saturday 10 October a make-up working day.
        ("across the holiday", dt.date(2020, 9, 30), dt.date(2020, 10, 9), 1),
        ("to the make-up Saturday", dt.date(2020, 9, 30), dt.date(2020, 10, 10), 2),
    ],
)
def test_response_days_follow_the_working_day_calendar(name, shared, responded, expected):
    calendar = WorkCalendar.of(
        days_off=[dt.date(2020, 10, d) for d in range(1, 9)], workdays=[dt.date(2020, 10, 10)]
    )
    row = _row(1, shared, responded_on=responded, bank=1)
    assert stats.compute([row], calendar).totals.response_days == [expected], name


def test_no_decision_and_no_rate_give_no_figure():
    t = stats.compute([_row(1, dt.date(2020, 3, 2))], PLAIN).totals
    assert t.approval_rate is None and t.median_response_days is None
    assert t.average_rate_pct is None and t.take_up_rate == D(0)
    assert stats.compute([], PLAIN).totals.take_up_rate is None


# --- from stored needs -------------------------------------------------------------------------


def _walk(world, bank, moves, *, actor, on=dt.date(2020, 3, 2), product=None):
    need = factories.financing_need(world.firm_a)
    services.consent_grant(actor=SYSTEM, need=need, bank=bank, on=on)
    need = services.need_transition(actor=SYSTEM, need=need, to="shared", on=on)
    day = on
    for move in moves:
        day += dt.timedelta(days=2)
        inputs = {**factories.finance_step_inputs(move), "on": day}
        if move == "approved":
            inputs["product"] = product
        need = services.need_transition(actor=actor, need=need, to=move, **inputs)
    return need


@pytest.fixture
def two_banks(world):
    mine = world.users["bank"].bank
    other = factories.bank("另一银行（合成）")
    product = factories.bank_product(mine, type="mortgage", name="抵押贷（合成）")
    _walk(
        world,
        mine,
        ["received", "under_review", "approved", "disbursed"],
        actor=world.users["bank"],
        product=product,
    )
    _walk(world, mine, ["received", "declined"], actor=world.users["bank"])
    _walk(world, other, ["received"], actor=SYSTEM)
    _walk(world, other, [], actor=SYSTEM)
    return mine, other


def test_the_unit_sees_every_bank_and_a_bank_only_its_own_row(world, two_banks):
    mine, other = two_banks
    o = selectors.overview(world.users["leader"], year=2020)
    assert o.stats.totals.needs == 4 and o.stats.totals.responded == 3
    assert {b.bank for b in o.stats.banks} == {mine.pk, other.pk, None}
    seen = selectors.overview(world.users["bank"], year=2020)
    assert seen.bank_only and [b.bank for b in seen.stats.banks] == [mine.pk]
    assert seen.stats.totals.needs == 0 and seen.stats.by_month == {}
    assert seen.stats.banks[0].figures.approved == 1 and seen.stats.banks[0].shared == 2
    assert selectors.overview(world.users["enterprise"], year=2020) is None
    assert selectors.overview(world.users["department"], year=2020) is None


def test_the_page_and_its_export(world, two_banks, client_for):
    mine, _other = two_banks
    leader = client_for(world.users["leader"])
    page = leader.get(reverse("finance:overview"), {"year": "2020"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "finance-overview-data" in text and mine.name in text
    response = leader.get(reverse("finance:overview_export"), {"year": "2020"})
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.getvalue()))
    assert len(book.sheet_names) == 6
    banks = book.get_sheet_by_index(0).to_python()
    assert any(r[0] == mine.name and int(r[2]) == 2 for r in banks[1:])
    # The bank's export: its row and products only.
    bank = client_for(world.users["bank"]).get(reverse("finance:overview_export"), {"year": "2020"})
    book = CalamineWorkbook.from_filelike(io.BytesIO(bank.getvalue()))
    assert len(book.sheet_names) == 2
    assert [r[0] for r in book.get_sheet_by_index(0).to_python()[1:]] == [mine.name]


def test_a_year_that_is_not_one_is_refused_with_a_message(world, two_banks, client_for):
    response = client_for(world.users["leader"]).get(
        reverse("finance:overview"), {"year": "20x0"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert "不是年份" in response.content.decode() or "is not a year" in response.content.decode()


def test_a_zone_not_yours_is_not_found(world, client_for):
    response = client_for(world.users["leader"]).get(
        reverse("finance:overview"), {"zone": world.zone_b.code}
    )
    assert response.status_code == 404


def test_the_headings_read_as_a_bank_answers_in_chinese(world, two_banks, client_for):
    """受理 (a bank took the need up), not 到账 (money arrived, the policies' word); the rate's
    heading, whose % the template tag doubles, is translated too; the workbook says 已答复."""
    leader = client_for(world.users["leader"])
    with translation.override("zh-hans"):
        page = leader.get(
            reverse("finance:overview"), {"year": "2020"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
        export = leader.get(
            reverse("finance:overview_export"), {"year": "2020"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert "已受理" in page and "已到账" not in page
    assert "平均获批年利率（%）" in page and "Average approved rate" not in page
    book = CalamineWorkbook.from_filelike(io.BytesIO(export.getvalue()))
    headings = [
        str(h) for sheet in book.sheet_names for h in book.get_sheet_by_name(sheet).to_python()[0]
    ]
    assert "已答复" in headings and "响应时间" not in headings


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def test_rates_and_days_in_the_workbooks_are_numbers_not_text(world, two_banks, client_for):
    """The approval rate, first-response days and the approved rate of the overview, and the
    approved rate of the pipeline, are numeric cells (officials sort and sum them)."""
    mine, _other = two_banks
    leader = client_for(world.users["leader"])
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(leader.get(reverse("finance:overview_export"), {"year": "2020"}).getvalue())
    )
    rows = book.get_sheet_by_index(0).to_python()
    row = next(r for r in rows[1:] if r[0] == mine.name)
    header = rows[0]
    approval = row[header.index(_zh("Approval rate (%)"))]
    assert approval == 50.0, row
    rate = row[header.index(_zh("Average approved rate (annual %)"))]
    assert isinstance(rate, float), row
    pipeline = (
        CalamineWorkbook.from_filelike(
            io.BytesIO(
                client_for(world.users["leader"]).get(reverse("finance:pipeline_export")).getvalue()
            )
        )
        .get_sheet_by_index(0)
        .to_python()
    )
    column = pipeline[0].index(_zh("Approved annual rate (%)"))
    rates = [r[column] for r in pipeline[1:] if r[column] != ""]
    assert rates and all(isinstance(x, float) for x in rates), rates


def test_the_products_sheet_stores_a_single_rate_as_a_number_and_a_range_as_text(
    world, two_banks, client_for
):
    """4.45 is a number cell (0.00), 3.65–5.50 stays text; read back with openpyxl."""
    import openpyxl

    mine, _other = two_banks
    single = factories.bank_product(
        mine, name="单一利率贷（合成）", rate_min_pct=D("4.45"), rate_max_pct=D("4.45")
    )
    _walk(
        world,
        mine,
        ["received", "under_review", "approved"],
        actor=world.users["bank"],
        product=single,
    )
    response = client_for(world.users["leader"]).get(
        reverse("finance:overview_export"), {"year": "2020"}
    )
    book = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    rows = list(book.worksheets[1].iter_rows(min_row=2))
    by_name = {r[1].value: r[2] for r in rows}
    cell = by_name["单一利率贷（合成）"]
    assert isinstance(cell.value, int | float) and abs(cell.value - 4.45) < 1e-9
    assert cell.number_format == "0.00"
    assert by_name["抵押贷（合成）"].value == "3.65–5.50"
