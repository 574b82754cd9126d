"""Into production (投产): completing the node registers the investor firm or links the existing
one, records its production start, and monitoring then expects the firm's reports and counts it
as new (docs/statistics.md)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.core.workflow import TransitionRefused
from zonedesk.demo.builder import credit_code
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import selectors as monitoring
from zonedesk.monitoring.services import FigureData, figure_save
from zonedesk.projects import selectors, services, templates_default
from zonedesk.projects.models import Project, ProjectNode

pytestmark = pytest.mark.django_db
D = dt.date
STARTED = D(2020, 5, 20)  # 投产's actual date in the tests: June 2020 is the next month


def _project(world, **fields):
    values = {
        "investor_name": "新材料科技有限公司（合成）",
        "investor_credit_code": credit_code(world.zone_a.area.code, 77001),
        "industry_code": "2641",
        "site_area_mu": Decimal("80"),
        **fields,
    }
    return factories.project(world.zone_a, signed_on=D(2019, 1, 10), **values)


def _through_production(project, *, actor=SYSTEM, started=STARTED):
    """Every node before 投产 done on its planned date (or earlier), then 投产 on `started`."""
    for node in project.nodes.order_by("seq"):
        on = started if node.code == templates_default.PRODUCING else min(node.planned_on, started)
        services.node_complete(actor=actor, node=node, done_on=on)
        if node.code == templates_default.PRODUCING:
            break
    return Project.objects.select_related("investor").get(pk=project.pk)


def test_producing_registers_the_new_investor_firm_and_links_it(world):
    project = _project(world)
    assert project.investor is None
    done = _through_production(project)
    firm = done.investor
    assert firm is not None and done.state == "producing"
    assert (firm.name, firm.credit_code, firm.zone_id, firm.industry_code) == (
        "新材料科技有限公司（合成）",
        project.investor_credit_code,
        world.zone_a.pk,
        "2641",
    )
    assert firm.status == "producing" and firm.production_start == STARTED
    assert firm.land_area_mu == Decimal("80")
    # The registry's entry is the system's on the completer's behalf; the link is the project's.
    created = AuditEntry.objects.get(target_type="enterprises.enterprise", target_id=str(firm.pk))
    assert created.action == "create"
    link = AuditEntry.objects.filter(
        target_type="projects.project", target_id=str(project.pk), changes__has_key="investor"
    ).get()
    assert link.changes["investor"] == [None, firm.name]


def test_producing_links_the_registry_firm_of_the_credit_code_instead_of_a_second_one(world):
    code = credit_code(world.zone_a.area.code, 77002)
    existing = factories.firm(
        world.zone_a, "已登记新材料有限公司", credit_code=code, status="construction"
    )
    project = _project(world, investor_credit_code=code)
    count = Enterprise.objects.count()
    done = _through_production(project)
    assert done.investor_id == existing.pk and Enterprise.objects.count() == count
    existing.refresh_from_db()
    assert existing.status == "producing" and existing.production_start == STARTED


def test_without_a_credit_code_the_zones_firm_of_that_exact_name_is_linked(world):
    project = _project(world, investor_name=world.firm_a2.name, investor_credit_code="")
    assert _through_production(project).investor_id == world.firm_a2.pk


def test_a_producing_firm_that_started_before_keeps_its_start(world):
    started_before = D(2015, 3, 1)
    firm = factories.firm(world.zone_a, production_start=started_before)
    project = _project(world, investor=firm, investor_name="", investor_credit_code="")
    done = _through_production(project)
    firm.refresh_from_db()
    assert done.investor_id == firm.pk and firm.production_start == started_before
    # Nothing was written to the registry for it.
    assert not AuditEntry.objects.filter(
        target_type="enterprises.enterprise", target_id=str(firm.pk), action="update"
    ).exists()


def test_linking_is_idempotent_and_a_second_completion_is_refused(world):
    project = _project(world)
    done = _through_production(project)
    firm = Enterprise.objects.get(pk=done.investor_id)
    node = ProjectNode.objects.get(project=project, code=templates_default.PRODUCING)
    with pytest.raises(TransitionRefused):  # the flow refuses done → done
        services.node_complete(actor=SYSTEM, node=node)
    # A second project of the same investor (its credit code) links the same firm.
    other = _project(world, code="XM-002")
    assert _through_production(other).investor_id == firm.pk
    assert Enterprise.objects.filter(credit_code=firm.credit_code).count() == 1
    firm.refresh_from_db()
    assert firm.production_start == STARTED


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"investor_credit_code": ""}, "investor_credit_code"),
        ({"industry_code": ""}, "industry_code"),
    ],
)
def test_a_firm_is_not_registered_without_its_credit_code_or_industry(world, fields, field):
    project = _project(world, **fields)
    count = Enterprise.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _through_production(project)
    assert field in refused.value.errors
    # Nothing changed: no firm, the node open, the project under way.
    assert Enterprise.objects.count() == count
    node = ProjectNode.objects.get(project=project, code=templates_default.PRODUCING)
    assert node.status == "open" and node.done_on is None
    assert Project.objects.get(pk=project.pk).state == "active"


def test_a_credit_code_of_another_zones_firm_is_refused(world):
    project = _project(world, investor_credit_code=world.firm_b.credit_code)
    with pytest.raises(ValidationFailed) as refused:
        _through_production(project)
    assert "investor_credit_code" in refused.value.errors
    assert Project.objects.get(pk=project.pk).investor_id is None


def _june(firm, output, employees=50):
    figure_save(
        actor=SYSTEM,
        enterprise=firm,
        period=Period(2020, 6),
        data=FigureData(output_value_wan=Decimal(output), employees=employees),
    )


def test_after_producing_the_firm_is_expected_next_month_and_counts_as_new(world):
    # firm_a reported both Junes: the zone's base.
    for period, output in ((Period(2019, 6), 1000), (Period(2020, 6), 1100)):
        figure_save(
            actor=SYSTEM,
            enterprise=world.firm_a,
            period=period,
            data=FigureData(output_value_wan=Decimal(output), employees=80),
        )
    leader = world.users["leader"]
    scope = monitoring.scope_for(leader, zone=world.zone_a.code)
    june = Period(2020, 6)
    firm = _through_production(_project(world)).investor
    st = monitoring.status(leader, scope, june)
    assert firm.pk in {f.pk for f in st.missing}  # expected to report, not yet reported
    # Not expected the month before it started.
    st_april = monitoring.status(leader, scope, Period(2020, 4))
    assert firm.pk not in {f.pk for f in st_april.missing}
    _june(firm, 300)
    st = monitoring.status(leader, scope, june)
    assert firm.pk not in {f.pk for f in st.missing}
    assert firm.pk in st.summary.new_firms
    output = st.summary.aggregates["output_value_wan"]
    # (1100 + 300 − 1000) / 1000: the new firm's 300 are 30 of the 40 points.
    assert output.yoy == Decimal("0.4") and output.new_part == Decimal("0.3")


def _months(firm, rows):
    for (year, month), output, tax in rows:
        figure_save(
            actor=SYSTEM,
            enterprise=firm,
            period=Period(year, month),
            data=FigureData(output_value_wan=Decimal(output), employees=40, tax_wan=tax),
        )


def test_promised_versus_actual_after_production(world):
    leader = world.users["leader"]
    project = _project(
        world,
        expected_output_wan=Decimal(24000),
        expected_tax_wan=Decimal(1200),
        total_investment_wan=Decimal(40000),
    )
    assert selectors.promised_actual(leader, project) is None  # not yet producing
    done = _through_production(project)
    firm = done.investor
    pa = selectors.promised_actual(leader, done)
    assert pa.months == 0 and pa.output.actual is None and pa.output.promised == 24000
    # 2020-06..2021-07 reported: the window is the latest 12 months, 2020-08..2021-07.
    rows = [((2020, 6), 5000, None)]
    rows += [((2020 + (m > 12), (m - 1) % 12 + 1), 1500, None) for m in range(7, 19)]
    rows.append(((2021, 7), 2000, Decimal(90)))
    _months(firm, rows)
    pa = selectors.promised_actual(leader, Project.objects.get(pk=project.pk))
    assert (pa.first, pa.last, pa.months) == (Period(2020, 8), Period(2021, 7), 12)
    # 2020-08..2021-06: 11 × 1500, and July 2021's 2000
    assert pa.output.actual == Decimal(11 * 1500 + 2000)
    assert pa.output.ratio == Decimal(18500) / Decimal(24000)
    assert (pa.tax_months, pa.tax.actual) == (1, Decimal(90))
    # 40000 / 80 mu promised; the firm's land in use is the site's (registered from it)
    assert pa.intensity.promised == Decimal(500) and pa.intensity.ratio == 1
    assert pa.output_per_mu.actual == Decimal(18500) / Decimal(80)
    # the tax promise over the one month that stores tax: a twelfth of 1,200
    assert pa.tax.promised == Decimal(100)


def test_a_short_window_is_held_against_the_pro_rated_promise(world):
    """Four months of output against four twelfths of the year's promise, not all of it."""
    leader = world.users["leader"]
    project = _project(world, expected_output_wan=Decimal(24000))
    firm = _through_production(project).investor
    _months(firm, [((2020, m), 1500, None) for m in (3, 4, 5, 6)])
    pa = selectors.promised_actual(leader, Project.objects.get(pk=project.pk))
    assert (pa.months, pa.output.promised, pa.output.actual) == (4, Decimal(8000), Decimal(6000))
    assert pa.output.ratio == Decimal("0.75")
    assert pa.output_per_mu.promised == Decimal(8000) / Decimal(80)


@pytest.fixture
def client_for(client_for):
    def make(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return make


def test_the_project_page_shows_promised_versus_actual(world, client_for):
    project = _project(world, expected_output_wan=Decimal(24000))
    url = reverse("projects:detail", args=[project.pk])
    client = client_for(world.users["leader"])
    assert 'data-testid="production"' not in client.get(url).content.decode()
    firm = _through_production(project).investor
    _months(firm, [((2020, 6), 1500, Decimal(60))])
    page = client.get(url).content.decode()
    assert 'data-testid="production"' in page
    row = page[page.index('data-testid="pa-output"') :].split("</tr>")[0]
    # one month reported: held against a twelfth of the year's promise (24,000 / 12 = 2,000)
    assert "2,000.00" in row and "1,500.00" in row and "75.00%" in row
    assert "pro-rated to the 1 month reported" in page


def test_the_paragraph_says_the_expected_output_of_the_projects_gone_into_production(world):
    from django.utils import translation

    from zonedesk.reports.document import plain
    from zonedesk.reports.sections import projects as section

    leader = world.users["leader"]

    def read():
        return selectors.summary(
            leader, zones=[world.zone_a], first=Period(2020, 5), last=Period(2020, 5)
        )

    assert read().producing_output_wan == 0
    _through_production(_project(world, expected_output_wan=Decimal(24000)))
    _project(world, code="XM-002", expected_output_wan=Decimal(9000))  # not producing
    facts = read()
    assert (facts.producing, facts.producing_output_wan) == (1, Decimal(24000))
    with translation.override("en"):
        text = plain(" ".join(section.sentences(facts, "May 2020")))
    assert "expect 24,000.00 (10k yuan) of output a year at full production" in text
