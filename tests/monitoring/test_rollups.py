"""Zone-month summaries: adding zones up gives what summarising all their firms gives, and the
summaries follow every write of figures (or are computed from the rows when missing)."""

import dataclasses
import datetime as dt
import json
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.monitoring import indicators, rollups, selectors, services
from zonedesk.monitoring.indicators import FirmMonth
from zonedesk.monitoring.models import MonthlyFigure, ZoneMonth
from zonedesk.monitoring.tasks import refresh_rollups
from zonedesk.org.models import Zone


def _month(rng: random.Random, firms: range, reporting: float) -> list[FirmMonth]:
    out = []
    for f in firms:
        if rng.random() > reporting:
            continue
        out.append(
            FirmMonth(
                firm_id=f,
                days_halted=rng.choice([0, 0, 0, 5, 30]),
                output_value_wan=Decimal(rng.randrange(0, 50000)) / 100,
                revenue_wan=rng.choice([None, Decimal(rng.randrange(0, 90000)) / 100]),
                electricity_kwh=rng.choice([None, rng.randrange(0, 10**6)]),
                employees=rng.randrange(0, 400),
                export_value_wan=rng.choice([None, Decimal(rng.randrange(0, 9000)) / 100]),
                production_start=rng.choice([None, dt.date(2015, 1, 1), dt.date(2020, 3, 1)]),
            )
        )
    return out


@pytest.mark.parametrize("seed", range(25))
def test_merging_zones_equals_summarising_all_their_firms(seed):
    rng = random.Random(seed)
    zones = [range(0, 40), range(40, 41), range(41, 41), range(41, 120)]
    band = rng.choice([Decimal("0.05"), Decimal("0.1")])
    months = {
        z: [_month(rng, firms, share) for share in (0.9, 0.7, 0.8)] for z, firms in enumerate(zones)
    }
    # New firms by start date (window from July 2019): new, resumed and comparable sums too.
    by_start = {"band": band, "new_since": dt.date(2019, 7, 1), "new_months": 12}
    parts = [indicators.summarise(*months[z], **by_start) for z in range(len(zones))]
    whole = indicators.summarise(
        *([f for z in months for f in months[z][i]] for i in range(3)), **by_start
    )
    merged = indicators.merge(parts, band=band)
    assert merged == whole
    # The largest falls come from the head of each zone's firms, in the whole's order.
    for n in (0, 1, 3, 1000):
        assert merged.top_falls(n) == whole.falls[:n] == merged.falls[:n]
    assert merged.classes == whole.classes and merged.firms == whole.firms
    # What is stored reads back as the same summary.
    for part in parts:
        stored = json.loads(json.dumps(indicators.summary_to_json(part)))
        assert indicators.summary_from_json(stored) == part


@pytest.mark.django_db
def test_a_summary_kept_in_an_older_layout_is_computed_from_the_rows_instead(demo):
    kept = ZoneMonth.objects.filter(zone__code="demo", period="2020-06-01")
    zone = kept.get().zone
    fresh = rollups.summaries([zone.pk], Period(2020, 6), band=selectors.band())[zone.pk]
    old = dict(kept.get().summary, v=1, counts={"above": 0, "level": 0, "below": 0})
    kept.update(summary=old)
    with pytest.raises(ValueError, match="version 1"):
        indicators.summary_from_json(old)
    assert rollups.summaries([zone.pk], Period(2020, 6), band=selectors.band())[zone.pk] == fresh
    assert fresh.producing == 47


def test_the_largest_falls_of_merged_zones_come_in_order_ties_by_firm():
    def firm(f, now, before):
        return FirmMonth(f, output_value_wan=Decimal(now), employees=1), FirmMonth(
            f, output_value_wan=Decimal(before), employees=1
        )

    # (firm, now, a year ago): two zones with equal falls, a rise, a level firm and a new one
    zones = [
        [(7, 50, 100), (3, 90, 100), (5, 130, 100), (9, 99, 100)],
        [(2, 50, 100), (8, 10, 100), (4, 100, 100), (6, 10, 0)],
    ]
    parts = []
    for rows in zones:
        now, before = zip(*(firm(*r) for r in rows), strict=True)
        parts.append(indicators.summarise(now, before, None))
    merged = indicators.merge(parts)
    # Written out by hand: the rate first, then the firm's id.
    assert [(c.firm_id, c.output_change) for c in merged.falls] == [
        (8, Decimal("-0.9")),
        (2, Decimal("-0.5")),
        (7, Decimal("-0.5")),
        (3, Decimal("-0.1")),
        (9, Decimal("-0.01")),
    ]
    assert [c.firm_id for c in merged.top_falls(3)] == [8, 2, 7]
    assert merged.top_falls(0) == () and merged.new_firms == (6,)
    assert merged.classes[indicators.CapacityClass.LEVEL] == (4, 9)


def test_summaries_of_different_bands_are_not_added_up():
    a = indicators.summarise([], band=Decimal("0.05"))
    b = indicators.summarise([], band=Decimal("0.1"))
    with pytest.raises(ValueError, match="band"):
        indicators.merge([a, b], band=Decimal("0.05"))


def _area_and_zone():
    period = Period(2020, 6)
    area = selectors.status(SYSTEM, selectors.scope_for(SYSTEM, area="511700"), period)
    zone = selectors.status(SYSTEM, selectors.scope_for(SYSTEM, zone="demo"), period)
    return area, zone


def _same(area, zone):
    # The city's other zone reports nothing: the city's month is the demo zone's.
    assert area.summary == zone.summary
    assert area.ytd == zone.ytd and area.trend == zone.trend
    assert area.year_output == zone.year_output


@pytest.mark.django_db
def test_an_area_adds_up_its_zones_summaries(demo):
    assert ZoneMonth.objects.filter(zone__code="demo", period="2020-06-01").exists()
    area, zone = _area_and_zone()
    _same(area, zone)
    assert area.summary.producing == 47


@pytest.mark.django_db
def test_a_corrected_figure_reaches_the_area_at_once(demo, django_capture_on_commit_callbacks):
    figure = MonthlyFigure.objects.filter(
        enterprise__zone__code="demo", period="2020-06-01", output_value_wan__gt=0
    ).first()
    data = services.FigureData(
        **{f.name: getattr(figure, f.name) for f in dataclasses.fields(services.FigureData)}
    )
    data = dataclasses.replace(data, output_value_wan=figure.output_value_wan + 1000)
    before, _ = _area_and_zone()
    kept = ZoneMonth.objects.filter(zone__code="demo")
    with django_capture_on_commit_callbacks(execute=True):
        services.figure_save(
            actor=SYSTEM, enterprise=figure.enterprise, period=Period(2020, 6), data=data
        )
        # Dropped in the write's transaction (June, and July's 环比), read from the rows.
        assert not kept.filter(period__in=["2020-06-01", "2020-07-01"]).exists()
        area, zone = _area_and_zone()
        _same(area, zone)
        output = area.summary.aggregates["output_value_wan"]
        assert output.current == before.summary.aggregates["output_value_wan"].current + 1000
    # The worker's task, queued for after the commit, stores them again with the corrected
    # figure (run here as the worker would: the real worker's run is in test_import_jobs).
    queued = DBTaskResult.objects.get(task_path=refresh_rollups.module_path)
    refresh_rollups.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    june = kept.get(period="2020-06-01")
    assert june.sum_output_value_wan == output.current * 100  # kept in hundredths
    assert june.firms == area.summary.reporting
    _same(*_area_and_zone())


@pytest.mark.django_db
def test_missing_summaries_are_computed_from_the_rows(demo):
    kept, _ = _area_and_zone()
    ZoneMonth.objects.all().delete()
    area, zone = _area_and_zone()
    _same(area, zone)
    assert area.summary == kept.summary and area.trend == kept.trend
    call_command("rollups", "--zone", "demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ZoneMonth.objects.filter(zone__code="demo").count() >= 12


@pytest.mark.django_db
def test_a_month_nobody_reported_yet_lists_last_years_firms_as_missing(demo):
    june = MonthlyFigure.objects.filter(enterprise__zone__code="demo", period="2020-06-01")
    firms = set(june.values_list("enterprise_id", flat=True))
    june.delete()
    rollups.refresh([Zone.objects.get(code="demo").pk], [Period(2020, 6)])
    assert not ZoneMonth.objects.filter(zone__code="demo", period="2020-06-01").exists()
    area, zone = _area_and_zone()
    _same(area, zone)
    last_june = MonthlyFigure.objects.filter(enterprise__zone__code="demo", period="2019-06-01")
    missing = set(last_june.values_list("enterprise_id", flat=True))
    assert area.summary.reporting == 0 and set(area.summary.not_reported) == missing
    assert missing and missing < firms  # the firms new in 2020 had no June 2019 to miss


def test_only_the_system_or_a_superuser_rebuilds_the_summaries(demo):
    from zonedesk.core.errors import PermissionDenied
    from zonedesk.org.models import User

    zone_ids = [Zone.objects.get(code="demo").pk]
    ZoneMonth.objects.all().delete()
    with pytest.raises(PermissionDenied):
        services.zone_months_rebuild(actor=User.objects.get(username="leader"), zone_ids=zone_ids)
    assert not ZoneMonth.objects.exists()
    stored = services.zone_months_rebuild(actor=SYSTEM, zone_ids=zone_ids)
    assert stored == ZoneMonth.objects.count() >= 12
