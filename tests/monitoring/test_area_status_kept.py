"""An area's month from its zones' kept months (rollups): the year to date, the average days
halted and the reports awaiting confirmation are what the rows give, worked out here in SQL of
this test's own (not through the code under test), for every size scope and basis, and again
after a figure is corrected or confirmed.

Two zones of the same city (达州市, 511700) with two years of figures drawn at random: partial
and whole-month halts, missing months, submitted and confirmed rows, figures left out.
"""

import calendar
import dataclasses
import datetime as dt
import random
from decimal import Decimal as D

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import indicators, rollups, selectors, services
from zonedesk.monitoring.indicators import FirmMonth, HaltedDays
from zonedesk.monitoring.models import MonthlyFigure, ZoneMonth
from zonedesk.monitoring.tasks import refresh_rollups
from zonedesk.org.services import zone_create

JUNE = Period(2020, 6)
CITY = "511700"
SUMMED = ("output_value_wan", "electricity_kwh", "employees")


@pytest.fixture
def city(world):
    """zone_a and a second zone of its county, 12 firms each, January 2019 to June 2020."""
    rng = random.Random(15)
    zone_c = zone_create(actor=SYSTEM, code="zone-c", name="丙经开区", area=world.zone_a.area)
    zones = [world.zone_a, zone_c]
    MonthlyFigure.objects.filter(enterprise__zone__in=zones).delete()
    rows = []
    for zone in zones:
        for _ in range(12):
            firm = factories.firm(
                zone,
                production_start=rng.choice([dt.date(2012, 1, 1), dt.date(2019, 10, 1)]),
                above_designated_size=rng.random() < 0.5,
            )
            for i in range(18):
                p = Period(2019, 1).shift(i)
                if rng.random() < 0.15:
                    continue  # not reported this month
                halted = rng.choice([0, 0, 0, 4, 11, p.days])
                rows.append(
                    MonthlyFigure(
                        enterprise=firm,
                        period=p.first_day,
                        output_value_wan=D(0)
                        if halted == p.days or rng.random() < 0.05
                        else D(rng.randrange(1, 90000)) / 100,
                        electricity_kwh=rng.choice([None, rng.randrange(0, 10**6)]),
                        employees=rng.randrange(0, 300),
                        days_halted=halted,
                        status=rng.choice(["submitted", "confirmed"]),
                    )
                )
    MonthlyFigure.objects.bulk_create(rows)
    rollups.rebuild([z.pk for z in zones])
    return zones


def _sql(query: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _in(ids: list[int]) -> str:
    return "(" + ",".join(str(int(i)) for i in ids) + ")"


def _basis(alias: str, basis: str) -> str:
    return f" AND {alias}.status = 'confirmed'" if basis == "confirmed" else ""


def _column(alias: str, measure: str) -> str:
    """A figure in whole units of its smallest stored one (money in hundredths)."""
    if measure.endswith("_wan"):
        return f"CAST(ROUND({alias}.{measure} * 100) AS BIGINT)"
    return f"{alias}.{measure}"


def _raw(firm_ids: list[int], basis: str) -> dict:
    """The month's figures from the rows: reports awaiting confirmation, the days halted of the
    firms producing in June (January..June) and, per figure, Σ January..June this year and Σ of
    the same firms' same months a year earlier (a firm's month it did not report is out of both
    sides; last year's missing figure counts 0), money in hundredths."""
    firms = _in(firm_ids)
    (unconfirmed,) = _sql(
        "SELECT COUNT(*) FROM monitoring_monthlyfigure "  # noqa: S608 - ids are ints
        f"WHERE period = %s AND status = 'submitted' AND enterprise_id IN {firms}",
        [JUNE.first_day],
    )[0]
    halted = _sql(
        "SELECT h.enterprise_id, SUM(h.days_halted) FROM monitoring_monthlyfigure h "  # noqa: S608
        f"WHERE h.period >= %s AND h.period <= %s AND h.days_halted > 0{_basis('h', basis)} "
        "AND h.enterprise_id IN (SELECT c.enterprise_id FROM monitoring_monthlyfigure c "
        "WHERE c.period = %s AND c.output_value_wan > 0 AND c.days_halted < 30"
        f"{_basis('c', basis)} AND c.enterprise_id IN {firms}) "
        "GROUP BY h.enterprise_id ORDER BY h.enterprise_id",
        [dt.date(2020, 1, 1), JUNE.first_day, JUNE.first_day],
    )
    ytd = {}
    for m in SUMMED:
        cur = base = 0
        for month in range(1, 7):
            a, b = _sql(
                f"SELECT SUM({_column('c', m)}), "  # noqa: S608 - our own names
                f"SUM(CASE WHEN c.{m} IS NOT NULL THEN COALESCE({_column('b', m)}, 0) END) "
                "FROM monitoring_monthlyfigure c LEFT JOIN monitoring_monthlyfigure b "
                f"ON b.enterprise_id = c.enterprise_id AND b.period = %s{_basis('b', basis)} "
                f"WHERE c.period = %s AND c.enterprise_id IN {firms}{_basis('c', basis)}",
                [dt.date(2019, month, 1), dt.date(2020, month, 1)],
            )[0]
            cur, base = cur + int(a or 0), base + int(b or 0)
        ytd[m] = (cur, base)
    # 可比口径 of January..June: each month over the firms with the figure in both years' month,
    # the firms new that month left out (producing, and started within the 12 months ending
    # with it, or of unknown start with no output a year earlier).
    # A stock's (employees) is June's alone: a month-end count is not added up over months.
    comparable = {}
    for m in SUMMED:
        cur = base = 0
        for month in (6,) if m == "employees" else range(1, 7):
            days = calendar.monthrange(2020, month)[1]
            since = dt.date(2019, month + 1, 1)
            a, b = _sql(
                f"SELECT SUM({_column('c', m)}), SUM({_column('b', m)}) "  # noqa: S608
                "FROM monitoring_monthlyfigure c JOIN monitoring_monthlyfigure b "
                f"ON b.enterprise_id = c.enterprise_id AND b.period = %s{_basis('b', basis)} "
                "JOIN enterprises_enterprise e ON e.id = c.enterprise_id "
                f"WHERE c.period = %s AND c.enterprise_id IN {firms}{_basis('c', basis)} "
                f"AND c.{m} IS NOT NULL AND b.{m} IS NOT NULL AND NOT ("
                "c.output_value_wan > 0 AND c.days_halted < %s AND ("
                "(e.production_start IS NOT NULL AND e.production_start >= %s) OR "
                "(e.production_start IS NULL AND COALESCE(b.output_value_wan, 0) <= 0)))",
                [dt.date(2019, month, 1), dt.date(2020, month, 1), days, since],
            )[0]
            cur, base = cur + int(a or 0), base + int(b or 0)
        comparable[m] = (cur, base)
    return {
        "unconfirmed": unconfirmed,
        "halted": (len(halted), sum(int(d) for _f, d in halted), [(f, int(d)) for f, d in halted]),
        "ytd": ytd,
        "comparable": comparable,
    }


def _scaled(measure: str, value) -> int:
    return int(value * 100) if measure.endswith("_wan") else int(value)


def _status(*, size: str = "all", basis: str = "preliminary"):
    scope = selectors.scope_for(SYSTEM, area=CITY)
    return selectors.status(SYSTEM, scope, JUNE, size=size, basis=basis)


def _firms(zones, size: str) -> list[int]:
    firms = Enterprise.objects.filter(zone__in=zones)
    if size != "all":
        firms = firms.filter(above_designated_size=size == "above")
    return list(firms.values_list("pk", flat=True))


def _agrees(st, zones, *, size: str = "all", basis: str = "preliminary") -> None:
    raw = _raw(_firms(zones, size), basis)
    assert st.unconfirmed == raw["unconfirmed"]
    n, days, listed = raw["halted"]
    assert (st.halted.months, st.halted.firms, st.halted.days) == (6, n, days)
    assert list(st.halted.by_firm) == listed
    for m in SUMMED:
        ytd = st.ytd[m]
        assert (_scaled(m, ytd.current), _scaled(m, ytd.last_year)) == raw["ytd"][m], m
        cmp = st.ytd_comparable[m]
        assert (_scaled(m, cmp.current), _scaled(m, cmp.last_year)) == raw["comparable"][m], m


def _kept_june(zones) -> ZoneMonth:
    return ZoneMonth.objects.filter(zone__in=zones, period=JUNE.first_day)


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["all", "above", "below"])
@pytest.mark.parametrize("basis", ["preliminary", "confirmed"])
def test_the_areas_month_agrees_with_the_rows(city, size, basis):
    """Every size scope and basis; the whole-zone preliminary one is added up from the kept
    months, the others are read from the rows: the same definitions either way."""
    _agrees(_status(size=size, basis=basis), city, size=size, basis=basis)


@pytest.mark.django_db
def test_the_fixture_has_what_the_figures_must_tell_apart(city):
    """Halted firms (more than one, with partial halts), reports awaiting confirmation, and a
    year to date in which missing months matter: otherwise the agreement above proves little."""
    st = _status()
    assert st.halted.firms > 3 and st.unconfirmed > 2
    assert all(k.unconfirmed is not None for k in _kept_june(city))
    assert any(d % 30 and d % 31 for _f, d in st.halted.by_firm)  # partial halts
    # Last year's stored total of January..June differs from the matched base (missing months).
    stored = sum(
        MonthlyFigure.objects.filter(
            enterprise__zone__in=city, period__gte="2019-01-01", period__lte="2019-06-01"
        ).values_list("output_value_wan", flat=True)
    )
    assert stored != st.ytd["output_value_wan"].last_year
    # New firms with figures a year earlier (trial runs) and firms missing a year earlier: the
    # comparable year to date is another sum than the headline's.
    headline, comparable = st.ytd["output_value_wan"], st.ytd_comparable["output_value_wan"]
    assert comparable.current != headline.current
    assert comparable.last_year != headline.last_year


@pytest.mark.django_db
def test_the_area_reads_its_zones_kept_months_in_a_few_queries(city, django_assert_num_queries):
    """The year's earlier months: one grouped query over the kept sums, no summary decoded;
    the month itself: one query for the kept months."""
    ids = [z.pk for z in city]
    with django_assert_num_queries(1):
        earlier = rollups.year_so_far(ids, JUNE, band=selectors.band(), new_months=12)
    with django_assert_num_queries(1):
        kept = rollups.month(ids, JUNE, band=selectors.band(), new_months=12)
    assert len(earlier) == 5 and set(kept) == set(ids)
    # ... and gives what summarising the rows gives.
    ZoneMonth.objects.all().delete()
    assert rollups.year_so_far(ids, JUNE, band=selectors.band(), new_months=12) == earlier
    fresh = rollups.month(ids, JUNE, band=selectors.band(), new_months=12)
    assert fresh == kept


def _refresh_queued() -> None:
    """Run the worker's refresh tasks queued by the writes (as the worker would)."""
    for queued in DBTaskResult.objects.filter(task_path=refresh_rollups.module_path):
        refresh_rollups.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        queued.delete()


@pytest.mark.django_db
def test_a_march_correction_moves_junes_days_halted(city, django_capture_on_commit_callbacks):
    """A March row of a firm producing in June gets 9 more days halted: June's kept month (and
    every later month of 2020) is dropped with the write and kept again by the worker."""
    producing = MonthlyFigure.objects.filter(
        enterprise__zone__in=city, period=JUNE.first_day, output_value_wan__gt=0, days_halted=0
    ).values_list("enterprise_id", flat=True)
    march = MonthlyFigure.objects.filter(
        enterprise__in=list(producing), period="2020-03-01", days_halted=0, output_value_wan__gt=0
    ).first()
    before = _status().halted
    data = services.FigureData(
        **{f.name: getattr(march, f.name) for f in dataclasses.fields(services.FigureData)}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.figure_save(
            actor=SYSTEM,
            enterprise=march.enterprise,
            period=Period(2020, 3),
            data=dataclasses.replace(data, days_halted=9),
        )
        kept = ZoneMonth.objects.filter(zone=march.enterprise.zone)
        assert not kept.filter(period__in=["2020-03-01", "2020-05-01", "2020-06-01"]).exists()
        assert kept.filter(period="2020-02-01").exists()
        st = _status()
        _agrees(st, city)
    assert (st.halted.firms, st.halted.days) == (
        before.firms + (march.enterprise_id not in dict(before.by_firm)),
        before.days + 9,
    )
    _refresh_queued()
    assert _kept_june(city).filter(zone=march.enterprise.zone).exists()
    _agrees(_status(), city)


@pytest.mark.django_db
def test_a_correction_of_last_year_moves_the_year_to_date(city, django_capture_on_commit_callbacks):
    """April 2019's output of a firm that reported April 2020 too: the matched base of the year
    to date moves by exactly the change."""
    april = MonthlyFigure.objects.filter(enterprise__zone__in=city, period="2020-04-01")
    row = MonthlyFigure.objects.filter(
        period="2019-04-01", enterprise__in=april.values("enterprise")
    ).first()
    before = _status().ytd["output_value_wan"].last_year
    data = services.FigureData(
        **{f.name: getattr(row, f.name) for f in dataclasses.fields(services.FigureData)}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.figure_save(
            actor=SYSTEM,
            enterprise=row.enterprise,
            period=Period(2019, 4),
            data=dataclasses.replace(data, output_value_wan=row.output_value_wan + D("12.34")),
        )
    _refresh_queued()
    st = _status()
    assert st.ytd["output_value_wan"].last_year == before + D("12.34")
    assert all(
        k.base_output_value_wan is not None for k in ZoneMonth.objects.filter(period="2020-04-01")
    )
    _agrees(st, city)


@pytest.mark.django_db
def test_confirming_the_month_empties_its_count_awaiting_confirmation(
    city, django_capture_on_commit_callbacks
):
    """快报 counts the reports awaiting confirmation; confirming a zone's month drops only that
    month's kept summary, and the worker keeps it again with the new count."""
    zone = city[0]
    before = _status()
    assert before.unconfirmed
    with django_capture_on_commit_callbacks(execute=True):
        n = services.figures_confirm(actor=SYSTEM, zone=zone, period=JUNE)
        assert n
        assert not _kept_june(city).filter(zone=zone).exists()
        # A confirmation changes no figure: the other months are kept.
        assert ZoneMonth.objects.filter(zone=zone, period="2020-05-01").exists()
        _agrees(_status(), city)
    queued = DBTaskResult.objects.get(task_path=refresh_rollups.module_path)
    assert queued.args_kwargs["kwargs"]["values"] is False
    _refresh_queued()
    assert _kept_june(city).filter(zone=zone).exists()
    st = _status()
    assert st.unconfirmed == before.unconfirmed - n
    for basis in ("preliminary", "confirmed"):
        _agrees(_status(basis=basis), city, basis=basis)


def test_days_halted_by_hand():
    """Producing in the month (output, not halted all month) and halted since January: firm 1
    (3 + 4 days), firm 2 (31 in January, producing now); firm 3 halted all of this month, firm 4
    never halted, firm 5's halt is outside the rows given."""
    jan = [FirmMonth(1, 31, 3, D(5)), FirmMonth(2, 31, 31, D(0)), FirmMonth(3, 31, 2, D(1))]
    now = [
        FirmMonth(1, 30, 4, D(5)),
        FirmMonth(2, 30, 0, D(7)),
        FirmMonth(3, 30, 30, D(0)),
        FirmMonth(4, 30, 0, D(9)),
        FirmMonth(5, 30, 0, D(9)),
    ]
    h = indicators.halted_days(now, jan + now, months=2)
    assert h == HaltedDays(2, 2, 38, ((1, 7), (2, 31)))
    assert h.average_days == 19


def test_merged_days_halted_list_firms_only_up_to_the_limit():
    limit = indicators.HALTED_FIRMS_LISTED
    a = HaltedDays(6, 2, 20, ((3, 5), (9, 15)))
    b = HaltedDays(6, 1, 4, ((4, 4),))
    assert indicators.merge_halted([a, b], months=6) == HaltedDays(
        6, 3, 24, ((3, 5), (4, 4), (9, 15))
    )
    many = HaltedDays(6, limit, limit, tuple((f, 1) for f in range(limit)))
    assert indicators.merge_halted([many], months=6).by_firm == many.by_firm
    assert indicators.merge_halted([many, b], months=6) == HaltedDays(6, limit + 1, limit + 4)
    assert indicators.merge_halted([], months=6) == HaltedDays(6, 0, 0)


@pytest.mark.django_db
def test_a_confirmation_gives_the_zones_pages_a_new_version(
    city, django_capture_on_commit_callbacks
):
    """审定 figures change when a report is confirmed: the zone's cached pages are renewed (one
    by one or the month at once), and the month's kept summary is dropped."""
    from zonedesk.monitoring.models import ZoneVersion

    def version(zone):
        return ZoneVersion.objects.filter(zone=zone).values_list("version", flat=True).first()

    zone = city[1]

    figure = MonthlyFigure.objects.filter(
        enterprise__zone=zone, period=JUNE.first_day, status="submitted"
    ).first()
    before = version(zone)
    with django_capture_on_commit_callbacks(execute=True):
        services.figure_confirm(actor=SYSTEM, figure=figure)
        assert not _kept_june(city).filter(zone=zone).exists()
    assert version(zone) != before
    zone = city[0]
    before = version(zone)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.figures_confirm(actor=SYSTEM, zone=zone, period=JUNE)
    assert version(zone) != before
    _refresh_queued()
    _agrees(_status(basis="confirmed"), city, basis="confirmed")
    _agrees(_status(), city)


@pytest.mark.parametrize("seed", range(10))
def test_matched_sums_are_what_summarising_sums(seed):
    """The year to date's months read as plain sums give each Aggregate's `current`,
    `last_year` and comparable basis (new firms left out) exactly (figures left out, firms missing on either side, new firms)."""
    rng = random.Random(seed)

    def month(share):
        return [
            FirmMonth(
                f,
                days_halted=rng.choice([0, 0, 30]),
                output_value_wan=D(rng.randrange(0, 9000)) / 100,
                revenue_wan=rng.choice([None, D(rng.randrange(0, 9000)) / 100]),
                electricity_kwh=rng.choice([None, rng.randrange(0, 10**5)]),
                employees=rng.randrange(0, 50),
                orders_wan=rng.choice([None, D(rng.randrange(0, 900)) / 100]),
                production_start=rng.choice([None, dt.date(2019, 9, 1)]),
            )
            for f in range(40)
            if rng.random() < share
        ]

    now, before = month(0.8), month(0.7)
    summary = indicators.summarise(now, before, None, new_since=dt.date(2019, 7, 1))

    def plain(rows):
        return {r.firm_id: [getattr(r, m) for m in indicators.MEASURES] for r in rows}

    sums = indicators.matched_sums(plain(now), plain(before), set(summary.new_firms))
    assert sums == {
        m: (a.current, a.last_year, a.comparable_current, a.comparable_last_year)
        for m, a in summary.aggregates.items()
    }
