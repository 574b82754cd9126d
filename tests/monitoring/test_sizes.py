"""Above-size status (规模以上) derived each year from last year's main business revenue against the
dated threshold (2,000万元 for industry from 2011), hand overrides with their reason, 新升规, and
the size scope of the month's status. Every expected value is worked out in the comments.

Firms of zone_a (registry flag as registered; 2019 revenue; June 2019 -> June 2020 output):
  big    flag no    12 months × 200 = 2,400 (≥ 2,000: above)     100 -> 120
  small  flag yes   12 months × 150 = 1,800 (below)               50 -> 40
  edge   flag no    10 months × 200 = 2,000 (exactly: above)      80 -> 80
  quiet  flag yes   no revenue reported: keeps what it was         30 -> 36
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import selectors
from zonedesk.monitoring.indicators import percent
from zonedesk.monitoring.models import FirmSize, MonthlyFigure
from zonedesk.monitoring.schemas import status_dict
from zonedesk.monitoring.services import size_override, size_threshold, sizes_derive

JUNE = Period(2020, 6)


def _rows(firm, *, revenue, months, june_2019, june_2020):
    for m in range(1, 13):
        if m <= months or m == 6:
            MonthlyFigure.objects.create(
                enterprise=firm,
                period=dt.date(2019, m, 1),
                output_value_wan=D(june_2019),
                revenue_wan=revenue if m <= months else None,
                employees=10,
            )
    MonthlyFigure.objects.create(
        enterprise=firm, period=JUNE.first_day, output_value_wan=D(june_2020), employees=10
    )


@pytest.fixture
def firms(world):
    z = world.zone_a
    out = {
        "big": factories.firm(z, above_designated_size=False),
        "small": factories.firm(z, above_designated_size=True),
        "edge": factories.firm(z, above_designated_size=False),
        "quiet": factories.firm(z, above_designated_size=True),
    }
    _rows(out["big"], revenue=D(200), months=12, june_2019=100, june_2020=120)
    _rows(out["small"], revenue=D(150), months=12, june_2019=50, june_2020=40)
    _rows(out["edge"], revenue=D(200), months=10, june_2019=80, june_2020=80)
    _rows(out["quiet"], revenue=None, months=0, june_2019=30, june_2020=36)
    return out


def _flag(firm) -> bool:
    return Enterprise.objects.get(pk=firm.pk).above_designated_size


def test_the_threshold_is_dated_data(db):
    assert size_threshold(2010).revenue_wan == D(500)
    assert size_threshold(2011).revenue_wan == D(2000)
    assert size_threshold(2020).revenue_wan == D(2000)
    assert size_threshold(2006) is None


def test_derived_from_last_years_revenue_and_the_registry_follows(world, firms):
    """2020 from 2019's revenue; the firm without revenue keeps its flag; 新升规 against 2019."""
    sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2019)  # no 2018 figures: flags kept
    sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
    rows = {r.enterprise_id: r for r in FirmSize.objects.filter(year=2020)}
    big, small, edge, quiet = (rows[firms[k].pk] for k in ("big", "small", "edge", "quiet"))
    assert (big.basis_revenue_wan, big.basis_months, big.derived) == (D(2400), 12, True)
    assert (small.basis_revenue_wan, small.derived, small.above) == (D(1800), False, False)
    assert (edge.basis_revenue_wan, edge.derived, edge.above) == (D(2000), True, True)
    assert (quiet.basis_revenue_wan, quiet.derived, quiet.above) == (None, None, True)
    assert big.threshold_wan == D(2000)
    # 2019: big and edge were below by their flag, so they are newly above in 2020
    assert {r.enterprise_id for r in rows.values() if r.newly_above} == {
        firms["big"].pk,
        firms["edge"].pk,
    }
    assert [_flag(firms[k]) for k in ("big", "small", "edge", "quiet")] == [
        True,
        False,
        True,
        True,
    ]
    change = AuditEntry.objects.get(
        action="update",
        target_type="enterprises.enterprise",
        target_id=str(firms["small"].pk),
        changes__has_key="above_designated_size",
    )
    assert change.changes["above_designated_size"] == [True, False]


def test_the_size_scope_of_the_status(world, firms):
    """above: big, edge, quiet: (120 + 80 + 36) / (100 + 80 + 30) = 236 / 210 -> +12.38 %;
    below: small 40 / 50 -> −20 %; all: 276 / 260 -> +6.15 %."""
    sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2019)
    sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
    scope = selectors.Scope.of_zone(world.zone_a)

    def output(size):
        st = selectors.status(SYSTEM, scope, JUNE, size=size)
        return st, st.summary.aggregates["output_value_wan"]

    st, above = output("above")
    assert (above.current, above.last_year, percent(above.yoy)) == (D(236), D(210), D("12.38"))
    assert set(st.newly_above) == {firms["big"].pk, firms["edge"].pk}
    data = status_dict(st)
    assert data["size"] == "above" and len(data["newly_above"]) == 2
    _st, below = output("below")
    assert (below.current, percent(below.yoy)) == (D(40), D("-20.00"))
    _st, every = output("all")
    assert (every.current, percent(every.yoy)) == (D(276), D("6.15"))


def test_the_paragraph_says_the_size_scope(world, firms):
    from django.utils import translation

    from zonedesk.reports.sections import status as section

    sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2019)
    sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
    st = selectors.status(SYSTEM, selectors.Scope.of_zone(world.zone_a), JUNE, size="above")
    with translation.override("en"):
        text = section.paragraph(st.facts)
    assert text.startswith(
        "In June 2020, 3 firms of 甲经开区 (above designated size) were producing."
    )
    assert "2 firms are newly above designated size this year." in text


def test_an_override_needs_a_reason_and_is_audited(world, firms):
    sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
    small = firms["small"]
    with pytest.raises(ValidationFailed):
        size_override(actor=SYSTEM, enterprise=small, year=2020, above=True, reason=" ")
    assert FirmSize.objects.get(enterprise=small, year=2020).above is False
    with pytest.raises(PermissionDenied):
        size_override(
            actor=world.users["officer"], enterprise=small, year=2020, above=True, reason="x"
        )
    reason = "新建生产线投产，经县统计局核准纳入规模以上统计"
    row = size_override(actor=SYSTEM, enterprise=small, year=2020, above=True, reason=reason)
    assert (row.derived, row.override, row.above, row.override_reason) == (
        False,
        True,
        True,
        reason,
    )
    assert _flag(small) is True
    entry = AuditEntry.objects.filter(target_type="monitoring.firmsize", target_id=str(row.pk))
    assert entry.latest("pk").changes["override_reason"] == ["", reason]
    # A new derivation keeps the override; clearing it falls back to the derived status.
    sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
    assert FirmSize.objects.get(enterprise=small, year=2020).above is True
    size_override(actor=SYSTEM, enterprise=small, year=2020, above=None)
    assert FirmSize.objects.get(enterprise=small, year=2020).above is False
    assert _flag(small) is False


def test_a_firm_without_a_status_for_the_year_is_scoped_by_its_flag(world, firms):
    """Nothing derived for 2020: the registry flags decide (small and quiet: 40 + 36)."""
    scope = selectors.Scope.of_zone(world.zone_a)
    st = selectors.status(SYSTEM, scope, JUNE, size="above")
    assert st.summary.aggregates["output_value_wan"].current == D(76)


def test_a_year_without_a_basis_never_takes_a_later_years_status(world, firms):
    """Issue 15, M2. 2019 has no 2018 revenue: the registered flags stand (small, quiet above).
    2020 from 2019's revenue: big (2,400) and edge (2,000) above, small (1,800) below, quiet (no
    revenue) keeps 2019's: above; 新升规 big and edge. The registry now holds 2020's statuses.
    Deriving 2019 again must keep 2019 as it was (2 above, not 2020's 3) and 2020's 新升规 (2,
    not 0); a firm registered since, with a 2020 status and nothing for 2019, is not given its
    2020 status for 2019 either (no basis: not above)."""
    zone = world.zone_a
    sizes_derive(actor=SYSTEM, zone=zone, year=2019)
    sizes_derive(actor=SYSTEM, zone=zone, year=2020)
    late = factories.firm(zone, above_designated_size=True)
    size_override(
        actor=SYSTEM, enterprise=late, year=2020, above=True, reason="新建投产，经核准纳入"
    )

    def above(year):
        return set(
            FirmSize.objects.filter(year=year, above=True).values_list("enterprise_id", flat=True)
        )

    pk = {k: f.pk for k, f in firms.items()}
    assert above(2019) == {pk["small"], pk["quiet"]}
    assert above(2020) == {pk["big"], pk["edge"], pk["quiet"], late.pk}
    result = sizes_derive(actor=SYSTEM, zone=zone, year=2019)
    assert above(2019) == {pk["small"], pk["quiet"]}  # before the fix: 2020's four
    assert (result.to_above, result.to_below) == (0, 0)
    assert result.no_basis == result.firms  # no 2018 revenue for anyone
    late_2019 = FirmSize.objects.get(enterprise=late, year=2019)
    assert (late_2019.basis_revenue_wan, late_2019.derived, late_2019.above) == (None, None, False)
    newly = FirmSize.objects.filter(year=2020, newly_above=True).values_list("enterprise_id")
    assert {f for (f,) in newly} == {pk["big"], pk["edge"], late.pk}  # before the fix: none
    # The registry keeps the latest year's (2020) statuses.
    assert [_flag(firms[k]) for k in ("big", "small", "edge", "quiet")] == [True, False, True, True]
    assert _flag(late) is True


def test_the_size_scope_of_a_year_without_a_status_does_not_take_a_later_years(world, firms):
    """Only 2020 derived: for 2019 (no status) the registry flags are 2020's statuses, so the
    scope of 2019 does not read them: nothing is above size in 2019 (no basis). June 2019's
    above-size scope is then empty, not big + edge + quiet (100 + 80 + 30)."""
    sizes_derive(actor=SYSTEM, zone=world.zone_a, year=2020)
    scope = selectors.Scope.of_zone(world.zone_a)
    st = selectors.status(SYSTEM, scope, Period(2019, 6), size="above")
    assert st.summary.reporting == 0
    report = selectors.size_report(SYSTEM, world.zone_a, 2019)
    assert not any(r.above for r in report.rows)
