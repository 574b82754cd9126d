"""The demo zone and the scale generator."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from zonedesk.core import industry, uscc
from zonedesk.demo.builder import credit_code
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_list
from zonedesk.org.models import Area, Role, User, Zone

pytestmark = pytest.mark.django_db


def test_demo_zone_has_the_published_firm_counts(demo):
    firms = Enterprise.objects.filter(zone__code="demo")
    assert firms.count() == 51
    producing = firms.filter(status="producing")
    assert producing.count() == 47
    assert producing.filter(production_start__year=2020).count() == 4
    assert {s: firms.filter(status=s).count() for s in ("halted", "closed", "construction")} == {
        "halted": 2,
        "closed": 1,
        "construction": 1,
    }


def test_demo_data_is_valid_and_marked_synthetic(demo):
    for firm in Enterprise.objects.all():
        firm.full_clean()
        assert "合成" in firm.name
        assert uscc.is_valid(firm.credit_code) and industry.get(firm.industry_code)
    assert Zone.objects.get(code="demo").area.parent.parent.name == "四川省"


def test_every_demo_month_has_its_steps_as_its_status_tells(demo):
    """Each month was reported (from no state), and a confirmed one was confirmed after."""
    from zonedesk.monitoring.models import FigureEvent, MonthlyFigure

    paths = {}
    for figure_id, move, from_state in FigureEvent.objects.values_list(
        "figure_id", "move", "from_state"
    ).order_by("id"):
        paths.setdefault(figure_id, []).append((from_state, move))
    expected = {
        "submitted": [("", "submitted")],
        "confirmed": [("", "submitted"), ("submitted", "confirmed")],
    }
    figures = MonthlyFigure.objects.values_list("id", "status")
    assert figures and all(paths[pk] == expected[status] for pk, status in figures)


def test_there_is_one_user_per_role_and_the_log_ins_are_printed(demo_output):
    for role in Role.values:
        assert User.objects.filter(role_grants__role=role).exists(), role
    assert "Zonedesk-Demo-2026" in demo_output
    assert "leader" in demo_output and "auditor" in demo_output


def test_running_it_again_changes_nothing(demo, capsys):
    before = Enterprise.objects.count(), User.objects.count()
    call_command("demo", force=True)
    assert "nothing changed" in capsys.readouterr().out
    assert (Enterprise.objects.count(), User.objects.count()) == before


def test_demo_roles_see_only_their_part(demo):
    users = {u.username: u for u in User.objects.all()}
    assert enterprise_list(users["leader"]).count() == 51
    assert enterprise_list(users["city"]).count() == 57  # both zones of the city
    assert enterprise_list(users["east-officer"]).count() == 6
    assert enterprise_list(users["firm"]).count() == 1
    assert enterprise_list(users["bank"]).count() == 0


def test_the_demo_is_deterministic(demo):
    """Fixed names, codes and officers: the same firm has the same credit code on every machine."""
    firm = Enterprise.objects.get(name="开明食品有限公司（合成）")
    assert (firm.industry_code, firm.credit_code, firm.officer.username) == (
        "1391",
        credit_code("511723", 1000),
        "officer",
    )


def test_scale_generator_spreads_valid_firms_over_zones_and_areas(capsys):
    call_command("demo", scale=1200, months=0, force=True)
    firms = Enterprise.objects.all()
    assert firms.count() == 1200
    assert Zone.objects.filter(code__startswith="s").count() == 3
    assert Area.objects.filter(level="county", code__startswith="99").count() == 1
    sample = firms.order_by("?")[:50]
    for firm in sample:
        firm.full_clean()
    assert firms.filter(production_start__lt=dt.date(2005, 1, 1)).count() == 0
    with pytest.raises(CommandError, match="already"):
        call_command("demo", scale=10, force=True)


def test_the_demo_refuses_a_production_configuration(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo")
    assert not Enterprise.objects.exists()


def test_scale_generator_writes_monthly_figures_in_bulk(capsys):
    """N firms x M months through COPY (PostgreSQL) or executemany (SQLite), readable as usual."""
    from zonedesk.core.actors import SYSTEM
    from zonedesk.core.period import Period
    from zonedesk.monitoring import selectors
    from zonedesk.monitoring.models import MonthlyFigure

    call_command("demo", scale=300, months=14, force=True)
    last = Period.of(dt.date.today()).previous  # noqa: DTZ011 - a calendar month
    months = [last.shift(-i) for i in range(14)]
    expected = sum(
        1
        for status, start in Enterprise.objects.values_list("status", "production_start")
        if status in ("producing", "halted")
        for p in months
        if p >= Period.of(start)
    )
    rows = MonthlyFigure.objects.all()
    assert rows.count() == expected
    row = rows.first()
    row.full_clean()
    assert row.period.day == 1 and row.submitted_at.year == 2026
    assert (
        rows.filter(
            enterprise__status="halted", period=last.first_day, output_value_wan__gt=0
        ).count()
        == 0
    )
    st = selectors.status(SYSTEM, selectors.scope_for(SYSTEM, area="990000"), last)
    producing = Enterprise.objects.filter(status="producing", production_start__lte=last.first_day)
    assert st.summary.producing == producing.count()
    assert f"{expected:,}" in capsys.readouterr().out


def test_the_demo_year_of_problems_writes_its_difficulties_paragraph(demo):
    """About 150 problems in every state, weighted as the reference summary's difficulties;
    the paragraph counts them from the stored rows and follows a change."""
    import io

    from zonedesk.casework.models import Problem
    from zonedesk.projects.models import ServiceRequest

    # The firms' problems (not the key projects' service requests, dated from the day of the load).
    problems = Problem.objects.filter(enterprise__zone__code="demo").exclude(
        pk__in=ServiceRequest.objects.values("problem")
    )
    assert problems.count() == 150
    assert {s for s in problems.values_list("status", flat=True)} >= {
        "submitted",
        "accepted",
        "in_progress",
        "replied",
        "resolved",
        "confirmed",
        "reopened",
        "transferred",
        "closed_unsolvable",
    }
    q2 = problems.filter(
        created_at__date__gte=dt.date(2020, 4, 1), created_at__date__lt=dt.date(2020, 7, 1)
    )

    def paragraph():
        out = io.StringIO()
        call_command("report", "difficulties", "--zone", "demo", "--period", "2020-Q2", stdout=out)
        return out.getvalue()

    text = paragraph()
    assert f"企业共反映困难问题{q2.count()}件" in text
    top = text.split("一是")[1].split("，")[0]
    assert top in ("资金与融资", "国内市场", "出口与订单")
    q2.filter(category="finance").update(category="energy")
    assert f"企业共反映困难问题{q2.count()}件" in paragraph() and paragraph() != text


def test_the_big_zone_is_made_once_outside_the_synthetic_province():
    """The benchmarks' big zone: n firms under an area of its own, figures through last month,
    made once; the synthetic province's firms and figures do not change."""
    from zonedesk.core.period import Period
    from zonedesk.demo import scale
    from zonedesk.monitoring.models import MonthlyFigure

    scale.generate(30)
    scale.generate_figures(13)
    province_figures = MonthlyFigure.objects.filter(
        enterprise__zone__area__code__startswith=scale.PROVINCE[:2]
    ).count()

    zone = scale.big_zone(25)
    again = scale.big_zone(25)

    assert again == zone and Zone.objects.filter(code=scale.BIG_ZONE).count() == 1
    assert Enterprise.objects.filter(zone=zone).count() == 25
    assert not zone.area.code.startswith(scale.PROVINCE[:2])
    assert scale.exists() == 30
    assert (
        MonthlyFigure.objects.filter(
            enterprise__zone__area__code__startswith=scale.PROVINCE[:2]
        ).count()
        == province_figures
    )
    months = list(MonthlyFigure.objects.filter(enterprise__zone=zone).dates("period", "month"))
    this_month = Period.of(dt.date.today())  # noqa: DTZ011 - a calendar month
    assert len(months) == scale.BIG_MONTHS and Period.of(months[-1]) == this_month.previous
    assert scale.big_zone_month(zone) == this_month
    sheet = scale.big_zone_sheet(zone)
    assert sheet and all(r[1] == this_month.first_day for r in sheet)
    for firm in Enterprise.objects.filter(zone=zone):
        assert uscc.is_valid(firm.credit_code)
