"""The per-mu (亩均效益) grades of a zone from stored rows: the default scheme, a change of land
or tax moving a grade (hand-worked), the yearly figures, the page, its export and the API."""

import datetime as dt
import io
import json
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.enterprises.services import EnterpriseData, enterprise_update
from zonedesk.monitoring import selectors, services
from zonedesk.monitoring.models import AnnualFigure, MonthlyFigure, PerMuScheme

pytestmark = pytest.mark.django_db

# (land mu, tax, output, employees) of the four firms in January 2019, their only month. With
# the default scheme (tax 30, value added per mu 20, labour productivity 10; no energy or R&D
# reported, so those are left out) the benchmarks are the means: tax 2.25 and value added 12.5
# per mu (no firm reports value added: output stands in), productivity 17.5. Scores:
#   f1: 30×5/2.25 + 20×20/12.5 + 10×20/17.5 = 110.10  A
#   f2: 30×2/2.25 + 20×10/12.5 + 10×20/17.5 =  54.10  B
#   f4: 30×1/2.25 + 20×10/12.5 + 10×20/17.5 =  40.76  C
#   f3: 30×1/2.25 + 20×10/12.5 + 10×10/17.5 =  35.05  D
PLAN = [(10, 50, 200, 10), (20, 40, 200, 10), (10, 10, 100, 10), (40, 40, 400, 20)]


@pytest.fixture
def four(world):
    firms = [
        world.firm_a,
        world.firm_a2,
        factories.firm(world.zone_a),
        factories.firm(world.zone_a),
    ]
    for firm, (land, tax, output, staff) in zip(firms, PLAN, strict=True):
        firm.land_area_mu = Decimal(land)
        firm.save()
        MonthlyFigure.objects.create(
            enterprise=firm,
            period=dt.date(2019, 1, 1),
            output_value_wan=Decimal(output),
            tax_wan=Decimal(tax),
            employees=staff,
        )
    return firms


def grades(world, year=2019):
    report = selectors.permu_report(world.users["leader"], world.zone_a, year)
    return {r.firm.pk: (r.evaluation.grade, r.evaluation.score) for r in report.rows}


def test_the_default_scheme_is_seeded_as_dated_data():
    scheme = selectors.scheme_for(2019)
    assert scheme.valid_from == dt.date(2018, 1, 1)
    assert scheme.weights["tax_per_mu"] == 30 and scheme.cutoffs == {"A": 0.25, "B": 0.7, "C": 0.95}
    assert "浙政发〔2018〕5号" in scheme.source
    assert selectors.scheme_for(2017) is None


def test_a_zone_is_graded_from_its_stored_rows(world, four):
    got = grades(world)
    f1, f2, f3, f4 = (f.pk for f in four)
    assert {f: g for f, (g, _s) in got.items()} == {f1: "A", f2: "B", f3: "D", f4: "C"}
    assert got[f1][1] == pytest.approx(30 * 5 / 2.25 + 20 * 20 / 12.5 + 10 * 20 / 17.5)
    assert got[f3][1] == pytest.approx(30 * 1 / 2.25 + 20 * 10 / 12.5 + 10 * 10 / 17.5)


def test_less_land_moves_a_firm_up(world, four):
    """Firm 4 on 10 mu instead of 40: tax 4 and value added 40 per mu (means 3 and 20), score
    30×4/3 + 20×40/20 + 10×20/17.5 = 91.43, first: C → A; firm 1 (81.43) A → B."""
    f1, f4 = four[0], four[3]
    enterprise_update(
        actor=SYSTEM,
        enterprise=f4,
        data=replace(EnterpriseData.of(f4), land_area_mu=Decimal(10)),
    )

    got = grades(world)

    assert got[f4.pk] == ("A", pytest.approx(30 * 4 / 3 + 20 * 40 / 20 + 10 * 20 / 17.5))
    assert got[f1.pk] == ("B", pytest.approx(30 * 5 / 3 + 20 * 20 / 20 + 10 * 20 / 17.5))


def test_more_tax_moves_a_firm_up(world, four):
    """Firm 3 paying 60 instead of 10: tax 6 per mu (mean 3.5), score 30×6/3.5 + 16 + 5.71 =
    73.14, second: D → B; firm 2 (44.57) B → C; firm 4 (36.00) C → D."""
    f2, f3, f4 = four[1], four[2], four[3]
    services.figure_save(
        actor=SYSTEM,
        enterprise=f3,
        period=Period(2019, 1),
        data=services.FigureData(output_value_wan=Decimal(100), employees=10, tax_wan=Decimal(60)),
    )

    got = grades(world)

    assert got[f3.pk] == ("B", pytest.approx(30 * 6 / 3.5 + 16 + 10 * 10 / 17.5))
    assert got[f2.pk][0] == "C" and got[f4.pk][0] == "D"


def test_firms_that_moved_class_since_last_year(world, four):
    f4 = four[3]
    for firm, (_land, tax, output, staff) in zip(four, PLAN, strict=True):
        MonthlyFigure.objects.create(
            enterprise=firm,
            period=dt.date(2020, 1, 1),
            output_value_wan=Decimal(output),
            tax_wan=Decimal(tax * 8 if firm == f4 else tax),
            employees=staff,
        )

    report = selectors.permu_report(world.users["leader"], world.zone_a, 2020)

    moved = {r.firm.pk: (r.last_grade, r.evaluation.grade) for r in report.moved}
    assert moved[f4.pk] == ("C", "A")
    assert all(a != b for a, b in moved.values())


def test_yearly_value_added_and_rd_are_recorded_and_used(world, four):
    f1 = four[0]
    services.annual_figure_save(
        actor=world.users["leader"],
        enterprise=f1,
        year=2019,
        value_added_wan=Decimal("60"),
        rd_spending_wan=Decimal("3.5"),
    )
    row = selectors.permu_report(world.users["leader"], world.zone_a, 2019).rows
    mine = next(r for r in row if r.firm == f1)
    assert mine.evaluation.output_as_value_added is False
    assert mine.evaluation.indicators["value_added_per_mu"] == pytest.approx(6.0)
    others = [r for r in row if r.firm != f1]
    # the others' output at f1's value-added rate, 60/200
    assert all(r.evaluation.output_as_value_added for r in others)
    f2 = next(r for r in others if r.firm == four[1])
    assert f2.evaluation.indicators["value_added_per_mu"] == pytest.approx(200 * 0.3 / 20)


def test_yearly_figures_are_checked_and_permission_bound(world):
    with pytest.raises(PermissionDenied):
        services.annual_figure_save(
            actor=world.users["bank"],
            enterprise=world.firm_a,
            year=2019,
            value_added_wan=Decimal(1),
            rd_spending_wan=None,
        )
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.annual_figure_save(
            actor=world.users["leader"],
            enterprise=world.firm_a,
            year=2019,
            value_added_wan=Decimal(-1),
            rd_spending_wan=None,
        )
    assert "value_added_wan" in exc.value.errors
    assert not AnnualFigure.objects.exists()


def test_firms_are_not_graded_with_the_reason(world, four, client_for):
    four[0].land_area_mu = None
    four[0].save()
    client = client_for(world.users["leader"])
    client.cookies["django_language"] = "en"

    page = client.get("/monitoring/permu/", {"zone": world.zone_a.code, "year": 2019})

    assert page.status_code == 200
    body = page.content.decode()
    assert "Not graded: no land area recorded" in body
    # three graded: ranks 1 and 2 are within 70 % (B; 1/3 is past the best 25 %), 3 is D
    assert page.context["report"].distribution == {
        "A": 0,
        "B": 2,
        "C": 0,
        "D": 1,
        "not_producing": 0,
        "none": 1,
    }


def test_the_export_lists_every_firm_with_its_indicators(world, four, client_for):
    client = client_for(world.users["leader"])
    client.cookies["django_language"] = "en"
    response = client.get("/monitoring/permu/export.xlsx", {"zone": "zone-a", "year": 2019})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    by_code = {r[1]: dict(zip(header, r, strict=True)) for r in data}
    first = by_code[four[0].credit_code]
    assert first["Grade"] == "A" and first["Tax per mu (10k yuan)"] == 5
    assert first["Output stands in for value added"] == "Yes"
    assert len(data) == 4


def test_the_api_gives_the_grades_and_takes_the_yearly_figures(world, four, client_for):
    client = client_for(world.users["leader"])
    client.handler.enforce_csrf_checks = False
    put = client.put(
        f"/api/v1/firms/{four[2].pk}/annual/2019",
        json.dumps({"value_added_wan": "25", "rd_spending_wan": None}),
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["value_added_wan"] == "25.00"

    body = client.get("/api/v1/zones/zone-a/permu/2019").json()

    assert body["scheme"] == PerMuScheme.objects.get().name
    assert sum(body["distribution"].values()) == 4
    mine = next(f for f in body["firms"] if f["id"] == four[2].pk)
    assert mine["output_as_value_added"] is False and mine["value_added_per_mu"] == 2.5
    bad = client.get("/api/v1/zones/zone-a/permu/1999")
    assert bad.status_code in (400, 422)


def test_permu_facts_for_other_apps(world, four):
    facts = selectors.permu_facts([four[0].pk, four[2].pk], 2019)
    assert facts[four[0].pk]["grade"] == "A" and facts[four[2].pk]["grade"] == "D"
    assert facts[four[0].pk]["tax_per_mu"] == pytest.approx(5.0)


def test_a_newer_scheme_grades_the_years_from_its_date(world, four):
    """A scheme valid from 2020 (tax only, A = the best half) leaves 2019's grades alone."""
    from django.core.exceptions import ValidationError

    bad = PerMuScheme(
        valid_from=dt.date(2020, 1, 1), name="x", weights={"tax": 1}, cutoffs={"A": 1}
    )
    with pytest.raises(ValidationError):
        bad.full_clean()
    PerMuScheme.objects.create(
        valid_from=dt.date(2020, 1, 1),
        name="tax only",
        weights={"tax_per_mu": 100},
        cutoffs={"A": 0.5, "B": 0.75, "C": 1.0},
    )
    for firm, (_land, tax, output, staff) in zip(four, PLAN, strict=True):
        MonthlyFigure.objects.create(
            enterprise=firm,
            period=dt.date(2020, 1, 1),
            output_value_wan=Decimal(output),
            tax_wan=Decimal(tax),
            employees=staff,
        )

    assert selectors.scheme_for(2019).valid_from == dt.date(2018, 1, 1)
    assert sorted(g for g, _s in grades(world, 2019).values()) == ["A", "B", "C", "D"]
    # tax per mu 5, 2, 1, 1 (mean 2.25): two A (f1, f2), f3 B (rank 3), f4 C (rank 4 = 100 %)
    assert sorted(g for g, _s in grades(world, 2020).values()) == ["A", "A", "B", "C"]


def test_a_year_with_fewer_than_twelve_months_says_which_months_it_covers(world, four, client_for):
    """The zone has figures for January 2019 only: the report, the page, its paragraph and the
    API say the grading covers month 1 only (1 month), not the whole year; with March added,
    months 1 to 3 (2 months with figures); a full year says nothing of it."""
    from zonedesk.reports.sections import permu as section

    report = selectors.permu_report(world.users["leader"], world.zone_a, 2019)
    assert (report.months, report.complete_year) == ((1,), False)
    MonthlyFigure.objects.create(
        enterprise=four[0], period=dt.date(2019, 3, 1), output_value_wan=1, employees=1
    )
    report = selectors.permu_report(world.users["leader"], world.zone_a, 2019)
    assert report.months == (1, 3)
    with translation.override("en"):
        said = section.sentences(2019, [r.evaluation for r in report.rows], {}, report.months)
    assert said[0] == (
        "The 2019 evaluation covers months 1 to 3 only (2 months with figures), not the whole year."
    )
    client = client_for(world.users["leader"])
    client.cookies["django_language"] = "en"
    page = client.get("/monitoring/permu/", {"zone": world.zone_a.code, "year": 2019})
    body = page.content.decode()
    assert 'data-testid="permu-months"' in body
    assert "The 2019 evaluation covers months 1 to 3 only" in body
    api = client.get("/api/v1/zones/zone-a/permu/2019").json()
    assert (api["months"], api["complete_year"]) == ([1, 3], False)
    for month in range(1, 13):
        MonthlyFigure.objects.get_or_create(
            enterprise=four[1],
            period=dt.date(2019, month, 1),
            defaults={"output_value_wan": 1, "employees": 1},
        )
    api = client.get("/api/v1/zones/zone-a/permu/2019").json()
    assert (api["months"], api["complete_year"]) == (list(range(1, 13)), True)
    body = client.get("/monitoring/permu/", {"zone": "zone-a", "year": 2019}).content.decode()
    assert 'data-testid="permu-months"' not in body
    with translation.override("en"):
        report = selectors.permu_report(world.users["leader"], world.zone_a, 2019)
        said = section.sentences(2019, [r.evaluation for r in report.rows], {}, report.months)
    assert not any("covers months" in s for s in said)


def test_the_page_defaults_to_the_last_complete_year(world, four, client_for):
    """Figures to June 2020: the page opens on 2019, the last year with all its months gone."""
    MonthlyFigure.objects.create(
        enterprise=four[0], period=dt.date(2020, 6, 1), output_value_wan=1, employees=1
    )
    page = client_for(world.users["leader"]).get("/monitoring/permu/", {"zone": "zone-a"})
    assert page.context["report"].year == 2019


def test_a_firm_halted_all_year_is_not_evaluated_on_the_page_and_in_the_api(
    world, four, client_for
):
    """Firm 3's January 2019 (its only month) had no output: it is 未参评 with the reason, counted
    apart; the other three are graded among themselves (ranks 1, 2 within 70 %: B, B; 3: D —
    as in the no-land case, three graded firms)."""
    MonthlyFigure.objects.filter(enterprise=four[2]).update(output_value_wan=0, tax_wan=0)
    client = client_for(world.users["leader"])
    client.cookies["django_language"] = "en"
    page = client.get("/monitoring/permu/", {"zone": world.zone_a.code, "year": 2019})
    assert "Not evaluated: no output all year (halted)" in page.content.decode()
    assert page.context["report"].distribution == {
        "A": 0,
        "B": 2,
        "C": 0,
        "D": 1,
        "not_producing": 1,
        "none": 0,
    }
    api = client.get("/api/v1/zones/zone-a/permu/2019").json()
    mine = next(f for f in api["firms"] if f["id"] == four[2].pk)
    assert (mine["grade"], mine["not_graded"]) == (None, "not_producing")
    assert api["distribution"]["not_producing"] == 1


def test_the_page_names_the_method_as_an_official_does_and_says_what_a_score_means(
    world, four, client_for
):
    """Found on the outside walk: "评价方案: 亩均效益综合评价（浙江式，默认） (施行日期 2018-01-01)"
    and scores up to 218.0 with no scale. The method reads 评价办法：…（自2018年1月1日起施行）; a
    score is Σ indicator ÷ the zone's mean × points, so a firm at the mean on every indicator
    scored (here tax 30, value added per mu 20, productivity 10: energy and R&D nobody reports
    are left out) scores 60, with no upper limit."""
    client = client_for(world.users["leader"])
    page = client.get("/monitoring/permu/", {"zone": "zone-a", "year": 2019})
    body = page.content.decode()
    scheme = body.split('data-testid="permu-scheme">')[1].split("</span>")[0]
    assert "亩均效益综合评价" in scheme and "2018年1月1日" in scheme
    assert "浙江式" not in scheme and "2018-01-01" not in scheme
    assert page.context["scale"]["total"] == "60"

    client.cookies["django_language"] = "en"
    body = client.get("/monitoring/permu/", {"zone": "zone-a", "year": 2019}).content.decode()
    assert "(zone average 60)" in body
    note = body.split('data-testid="score-scale">')[1].split("</div>")[0]
    assert "Tax per mu (10k yuan) 30, Value added per mu (10k yuan) 20, Labour productivity" in note
    assert "scores 60" in note
    # The mean of the scores: 60 only when every firm reports every indicator scored.
    scores = [score for _grade, score in grades(world).values()]
    assert sum(scores) / len(scores) == pytest.approx(60)
