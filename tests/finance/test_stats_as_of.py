"""The overview reads a period as it stood at its end (a response, decision or disbursement after
it does not count), shows the median response only, counts a bank's `shared` by the consent's own
times, and gives a bank user exactly the row the unit's readers see for its bank."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests import factories
from zonedesk.casework.calendar import WorkCalendar
from zonedesk.core.actors import SYSTEM
from zonedesk.finance import services, stats
from zonedesk.finance.models import Consent
from zonedesk.finance.selectors import stats as selectors

PLAIN = WorkCalendar.of()  # weekends only
END = dt.date(2020, 12, 31)


def _row(need, **kw):
    values = {
        "shared_on": dt.date(2020, 12, 21),  # a Monday
        "amount_wan": D(100),
        "purpose": "working_capital",
        "shared_with": frozenset({1}),
        "bank": 1,
    }
    return stats.NeedRow(need=need, **{**values, **kw})


def test_what_happened_after_the_end_does_not_count_for_the_period():
    rows = [
        # answered on the 23rd (2 working days), approved, disbursed in January: not disbursed
        _row(
            1,
            responded_on=dt.date(2020, 12, 23),
            approved_wan=D(80),
            rate_pct=D("4.00"),
            decided_on=dt.date(2020, 12, 28),
            disbursed_wan=D(80),
            disbursed_on=dt.date(2021, 1, 5),
            product=7,
            product_type="credit",
        ),
        # answered in December, approved in January: pending at the end
        _row(
            2,
            responded_on=dt.date(2020, 12, 22),
            approved_wan=D(50),
            decided_on=dt.date(2021, 1, 4),
            product=7,
            product_type="credit",
        ),
        # answered and declined in January: unanswered at the end
        _row(3, responded_on=dt.date(2021, 1, 6), declined=True, decided_on=dt.date(2021, 1, 6)),
    ]
    now = stats.compute(rows, PLAIN).totals
    assert (now.unanswered, now.pending, now.approved, now.declined, now.disbursed) == (
        0,
        0,
        2,
        1,
        1,
    )
    s = stats.compute(rows, PLAIN, end=END)
    t = s.totals
    assert (t.needs, t.unanswered, t.pending, t.approved, t.declined) == (3, 1, 1, 1, 0)
    assert (t.responded, t.disbursed, t.disbursed_wan, t.approved_wan) == (2, 0, D(0), D(80))
    assert sorted(t.response_days) == [1, 2]  # the January answer is not in the median
    assert t.median_response_days == D("1.5")
    assert t.unanswered + t.pending + t.approved + t.declined == t.needs
    (bank,) = s.banks
    assert bank.figures.responded == 2 and set(bank.products) == {7}
    assert bank.products[7].approved == 1 and list(s.by_type) == ["credit"]
    # a row with nothing after the end is the same row
    assert stats.as_of(rows[0], dt.date(2021, 1, 5)) == rows[0]


def _walk(world, bank, moves, *, on, actor=SYSTEM, step=2):
    need = factories.financing_need(world.firm_a)
    services.consent_grant(actor=SYSTEM, need=need, bank=bank, on=on)
    need = services.need_transition(actor=SYSTEM, need=need, to="shared", on=on)
    day = on
    for move in moves:
        day += dt.timedelta(days=step)
        inputs = {**factories.finance_step_inputs(move), "on": day}
        need = services.need_transition(actor=actor, need=need, to=move, **inputs)
    return need


def test_a_year_is_read_as_of_its_end_through_the_selector(world, client_for):
    bank = world.users["bank"].bank
    _walk(world, bank, ["received"], on=dt.date(2020, 12, 30), actor=world.users["bank"])
    _walk(world, bank, ["received"], on=dt.date(2020, 3, 2), actor=world.users["bank"])
    o = selectors.overview(world.users["leader"], year=2020)
    t = o.stats.totals
    assert (t.needs, t.responded, t.unanswered) == (2, 1, 1)
    assert t.response_days == [2]  # 2 March (Mon) to 4 March (Wed); January's not counted
    assert t.median_response_days == D("2.0")
    # the median only, on the page and in the workbook
    leader = client_for(world.users["leader"])
    page = leader.get(reverse("finance:overview"), {"year": "2020"}).content.decode()
    assert "mean" not in page.lower() and "平均响应" not in page
    # and the page says what it counts: the year as it stood on its last day
    assert "均按2020-12-31当日状态统计" in page and "今日" not in page
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(leader.get(reverse("finance:overview_export"), {"year": "2020"}).getvalue())
    )
    headings = [
        str(h) for name in book.sheet_names for h in book.get_sheet_by_name(name).to_python()[0]
    ]
    assert not [h for h in headings if "Mean" in h or "平均首次" in h or "平均响应" in h], headings


def _revoke(need, bank, on):
    consent = Consent.objects.get(need=need, bank=bank, revoked_at__isnull=True)
    services.consent_revoke(actor=SYSTEM, consent=consent, on=on)


@pytest.mark.parametrize("year", [2020])
def test_a_bank_sees_exactly_the_row_the_unit_sees_for_it(world, year):
    mine = world.users["bank"].bank
    other = factories.bank("另一银行（合成）")
    acting = world.users["bank"]
    approved = _walk(
        world, mine, ["received", "under_review", "approved"], on=dt.date(2020, 3, 2), actor=acting
    )
    _revoke(approved, mine, dt.date(2020, 4, 1))  # its own loan: still its row's
    revoked = _walk(world, mine, [], on=dt.date(2020, 3, 9))
    _revoke(revoked, mine, dt.date(2020, 3, 20))  # stood after sharing: shared with it in 2020
    _walk(world, mine, ["received", "declined"], on=dt.date(2020, 5, 4), actor=acting)
    _walk(world, other, ["received"], on=dt.date(2020, 6, 1))
    # a consent given and revoked before the need was shared does not count
    early = factories.financing_need(world.firm_a)
    services.consent_grant(actor=SYSTEM, need=early, bank=other, on=dt.date(2020, 7, 1))
    services.consent_grant(actor=SYSTEM, need=early, bank=mine, on=dt.date(2020, 7, 1))
    _revoke(early, mine, dt.date(2020, 7, 2))
    services.need_transition(actor=SYSTEM, need=early, to="shared", on=dt.date(2020, 7, 6))

    unit = selectors.overview(world.users["leader"], year=year)
    seen = selectors.overview(acting, year=year)
    unit_row = next(b for b in unit.stats.banks if b.bank == mine.pk)
    assert seen.bank_only and seen.stats.banks == [unit_row]
    assert unit_row.shared == 3 and unit_row.figures.approved == 1
    assert unit_row.figures.declined == 1 and unit_row.figures.responded == 2
    # aggregates of its own bank only
    assert seen.stats.totals.needs == 0 and not seen.stats.by_month and not seen.stats.by_type
    assert set(seen.banks) == {mine.pk}
    assert year in seen.years
