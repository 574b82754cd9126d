"""The lending register (finance.services.lending, finance.selectors.lending): a self-guarantee
is refused, the rate flag uses the LPR in force at the contract date, a planted guarantee circle
is found and shown on the graph page with a firm's default reach, and each user sees their own."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.finance.selectors import lending as selectors
from zonedesk.finance.services import lending as services

START = dt.date(2021, 1, 1)


@pytest.fixture
def world(shared_world):
    return shared_world


def guarantee(a, b, amount=100, actor=SYSTEM, **kw):
    return services.guarantee_create(
        actor=actor,
        data=services.GuaranteeData(
            guarantor=a, guaranteed=b, amount_wan=D(amount), starts_on=START, **kw
        ),
    )


def loan(lender, borrower, rate, on, **kw):
    return services.interfirm_loan_create(
        actor=SYSTEM,
        data=services.LoanData(
            lender=lender,
            borrower=borrower,
            amount_wan=D(100),
            term_months=12,
            rate_pct=D(rate),
            contract_on=on,
            **kw,
        ),
    )


@pytest.fixture
def circle(world):
    """甲一 → 甲二 → 甲三 → 甲一 (each guarantees the next), and 甲四 guarantees 甲一."""
    third = factories.firm(world.zone_a, "甲三化工有限公司")
    fourth = factories.firm(world.zone_a, "甲四建材有限公司")
    guarantee(world.firm_a, world.firm_a2, 100)
    guarantee(world.firm_a2, third, 200)
    guarantee(third, world.firm_a, 300)
    guarantee(fourth, world.firm_a, 50)
    return third, fourth


def test_a_firm_cannot_guarantee_itself_nor_lend_to_itself(world):
    with pytest.raises(ValidationFailed) as refused:
        guarantee(world.firm_a, world.firm_a)
    assert "guaranteed" in refused.value.errors
    with pytest.raises(ValidationFailed):
        loan(world.firm_a, world.firm_a, 10, START)


def test_only_the_zones_leaders_and_officers_register(world):
    for role in ("admin", "auditor", "enterprise", "bank", "officer_b"):
        with pytest.raises(PermissionDenied):
            guarantee(world.firm_a, world.firm_a2, actor=world.users[role])
    assert guarantee(world.firm_a, world.firm_a2, actor=world.users["officer2"]).pk


@pytest.mark.parametrize(
    ("rate", "on", "above", "ceiling"),
    [
        # 2021-03-01: LPR of 2021-02-20, 3.85% → 15.4%
        ("15.4", dt.date(2021, 3, 1), False, D("15.40")),
        ("15.41", dt.date(2021, 3, 1), True, D("15.40")),
        # 2020-08-19: the 2015 rule, 24%
        ("20", dt.date(2020, 8, 19), False, D(24)),
        ("24.5", dt.date(2020, 8, 19), True, D(24)),
        # 2019-12-01: still the 2015 rule although an LPR existed
        ("17", dt.date(2019, 12, 1), False, D(24)),
        # before 2015-09-01: unknown, no flag
        ("40", dt.date(2015, 1, 1), None, None),
    ],
)
def test_rate_flag_uses_the_ceiling_at_the_contract_date(world, rate, on, above, ceiling):
    made = loan(world.firm_a2, world.firm_a, rate, on)

    row = next(r for r in selectors.register(world.users["leader"]).loans if r.loan == made)

    assert row.above_ceiling is above
    assert row.ceiling.ceiling_pct == ceiling


def test_a_planted_circle_is_flagged_in_the_register(world, circle):
    third, fourth = circle
    made = loan(fourth, world.firm_a, 10, START)

    reg = selectors.register(world.users["leader"], today=dt.date(2021, 6, 1))

    assert [set(c.firms) for c in reg.circles] == [{world.firm_a.pk, world.firm_a2.pk, third.pk}]
    flags = {
        (r.guarantee.guarantor_id, r.guarantee.guaranteed_id): r.in_circle for r in reg.guarantees
    }
    assert flags[(fourth.pk, world.firm_a.pk)] is False
    assert flags[(third.pk, world.firm_a.pk)] is True
    row = next(r for r in reg.loans if r.loan == made)
    assert row.borrower_in_circle and not row.lender_in_circle


def test_graph_page_data_shows_the_circle_and_a_defaults_reach(world, circle, client_for):
    """A default of 甲二 reaches 甲一 (its guarantor), then 甲三 and 甲四 (甲一's guarantors)."""
    third, fourth = circle
    client = client_for(world.users["officer"])

    page = client.get(reverse("finance:lending_graph"), {"firm": world.firm_a2.pk})
    api = client.get(reverse("api:guarantee_graph"), {"firm": world.firm_a2.pk}).json()

    assert page.status_code == 200
    assert 'data-testid="circle-0"' in page.content.decode()
    assert {f["name"] for f in api["circles"][0]["firms"]} == {
        world.firm_a.name,
        world.firm_a2.name,
        third.name,
    }
    assert api["circles"][0]["cycle"][0] == api["circles"][0]["cycle"][-1]
    reach = {f["name"]: f["distance"] for f in api["reach"]["firms"]}
    assert reach == {world.firm_a.name: 1, third.name: 2, fourth.name: 2}
    assert {n["name"]: n["circle"] for n in api["nodes"]}[fourth.name] is None


def test_a_guarantee_no_longer_in_force_leaves_the_graph(world):
    guarantee(world.firm_a, world.firm_a2, ends_on=dt.date(2021, 2, 1))
    guarantee(world.firm_a2, world.firm_a)

    assert selectors.graph_data(world.users["leader"], today=dt.date(2021, 6, 1))["circles"] == []
    assert (
        len(selectors.graph_data(world.users["leader"], today=dt.date(2021, 1, 15))["circles"]) == 1
    )


def test_each_user_sees_their_own_rows(world, circle):
    third, _fourth = circle
    partner = factories.firm(world.zone_b, "乙二贸易有限公司")
    guarantee(partner, world.firm_b)
    seen = {
        role: {
            (g.guarantor_id, g.guaranteed_id) for g in selectors.guarantee_scope(world.users[role])
        }
        for role in ("leader", "enterprise", "bank", "officer_b")
    }
    assert len(seen["leader"]) == 4
    assert seen["enterprise"] == {
        (world.firm_a.pk, world.firm_a2.pk),
        (third.pk, world.firm_a.pk),
        (_fourth.pk, world.firm_a.pk),
    }
    assert seen["bank"] == set()
    assert seen["officer_b"] == {(partner.pk, world.firm_b.pk)}


def test_the_registers_filter_reads_all_loans_and_guarantees(world, client_for):
    """Not "每一行" (every row), which says nothing of what is listed."""
    page = client_for(world.users["officer"]).get(
        reverse("finance:lending"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    text = page.content.decode()
    assert page.status_code == 200 and "全部借款与担保" in text and "每一行" not in text


def test_the_registers_workbook_writes_rates_as_numbers(world, client_for):
    """The loan's rate and the legal ceiling are numeric cells, not text."""
    import io

    from python_calamine import CalamineWorkbook

    loan(world.firm_a, world.firm_a2, D("14.6"), dt.date(2021, 3, 1))
    response = client_for(world.users["officer"]).get(reverse("finance:lending_export"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.getvalue()))
    row = rows.get_sheet_by_index(0).to_python()[1]
    assert 14.6 in row, row
    assert all(not isinstance(v, str) or "14.6" not in v for v in row), row


def test_the_graph_page_writes_a_circles_amount_with_its_unit_apart(world, circle, client_for):
    """圈内互保750.00 万元: the unit set off by a space, as every amount of the site."""
    import re

    page = client_for(world.users["officer"]).get(reverse("finance:lending_graph")).content
    amounts = re.findall(r"圈内互保([\d,]+\.\d\d)( ?)万元", page.decode())
    assert amounts and all(space == " " for _a, space in amounts), amounts
