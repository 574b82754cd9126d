"""The key projects' paragraph of the work summary: computed from the stored rows (projects,
their nodes' dates, the lights of the working-day calendar) and changing with them."""

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.projects import selectors, services
from zonedesk.projects.facts import LateNode, ProjectFacts
from zonedesk.reports import summary
from zonedesk.reports.document import Heading, Paragraph, figures, plain
from zonedesk.reports.sections import projects as section

D = dt.date
TODAY = D(2020, 7, 15)


def _facts(**changes) -> ProjectFacts:
    values = {
        "projects": 3,
        "total_investment_wan": Decimal("150000"),
        "yearly_investment_wan": Decimal("45000.5"),
        "started": 1,
        "completed": 0,
        "producing": 2,
        "red": 2,
        "yellow": 1,
        "day": D(2020, 6, 30),
        "warn_days": 5,
        "late": (
            LateNode("甲项目", "土地摘牌", "规划建设局", 40),
            LateNode("乙项目", "开工", "", 3),
        ),
        "as_of": None,
    }
    return ProjectFacts(**{**values, **changes})


def test_the_paragraph_words_the_facts():
    text = plain(" ".join(section.sentences(_facts(), "H1 2020")))
    assert "followed 3 key projects with a total investment of 150,000.00 (10k yuan)" in text
    assert "45,000.50 (10k yuan) of it planned" in text
    assert "1 started construction, 0 passed their completion acceptance and 2 went" in text
    assert "On June 30, 2020, 2 nodes were past their planned dates (red) and 1 were due" in text
    assert "甲项目, 土地摘牌, 40 days late (规划建设局); 乙项目, 开工, 3 days late." in text
    quiet = plain(" ".join(section.sentences(_facts(red=0, yellow=0, late=()), "H1 2020")))
    assert "no node was late or due soon" in quiet and "latest" not in quiet


def _rows(world):
    """Signed 2 January 2020 (start planned 15 June: red on 30 June), and one signed after."""
    early = factories.project(world.zone_a, code="A", signed_on=D(2020, 1, 2))
    factories.project(world.zone_a, code="Z", signed_on=D(2020, 12, 1))  # not yet signed
    factories.project(world.zone_b, code="B", signed_on=D(2020, 1, 2))  # another province
    return early


@pytest.mark.django_db
def test_the_facts_come_from_the_stored_rows_and_change_with_them(world, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "PROJECT_WARN_WORKDAYS": 5}
    early = _rows(world)
    leader = world.users["leader"]

    def read():
        return selectors.summary(
            leader, zones=[world.zone_a], first=Period(2020, 1), last=Period(2020, 6), today=TODAY
        )

    before = read()
    assert (before.projects, before.total_investment_wan) == (1, Decimal("50000"))
    assert (before.started, before.day) == (0, D(2020, 6, 30))
    # sign (2 Jan) ... start (15 June) are past on 30 June: 7 nodes red.
    assert before.red == 7 and before.late[0].node == "签约"

    for node in early.nodes.order_by("seq")[:7]:
        services.node_complete(actor=SYSTEM, node=node, done_on=D(2020, 6, 20))

    after = read()
    assert (after.started, after.red) == (1, 0)
    # All done on 20 June: on 31 May the five planned before then were open, so red, and the
    # building permit, planned that very day, yellow.
    may = selectors.summary(
        leader, zones=[world.zone_a], first=Period(2020, 5), last=Period(2020, 5), today=TODAY
    )
    assert (may.started, may.red, may.yellow) == (0, 5, 1)


@pytest.mark.django_db
def test_the_summary_has_the_key_projects_section(world):
    _rows(world)
    doc = summary.build(
        world.users["leader"], zone="zone-a", period="2020-H1", lang="en", today=TODAY
    )
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    assert "Key projects from signing to production" in headings
    paragraph = next(
        b for b in doc.blocks if isinstance(b, Paragraph) and "key projects" in plain(b.text)
    )
    assert figures(paragraph.text)["projects"] == "1"
    assert "projects" in doc.meta["sections"].split(",")


@pytest.mark.django_db
def test_the_section_is_left_out_for_a_department_and_without_projects(world):
    doc = summary.build(
        world.users["leader"], zone="zone-a", period="2020-H1", lang="en", today=TODAY
    )
    left = {o.title: o.reason for o in doc.omitted}
    assert "No key project had been signed" in left["Key projects from signing to production"]
    _rows(world)
    staff = summary.build(
        world.users["department"], zone="zone-a", period="2020-H1", lang="en", today=TODAY
    )
    left = {o.title: o.reason for o in staff.omitted}
    assert "does not show the key projects" in left["Key projects from signing to production"]


@pytest.mark.django_db
def test_a_later_re_plan_does_not_rewrite_an_earlier_summary(world):
    """Found by the outside recomputation: a re-plan approved today moved the planned date a
    2020 summary judged its lights by. On 30 June 2020 the signing node was late, whatever was
    decided about it later; a summary of today sees the new date."""
    early = _rows(world)
    leader = world.users["leader"]
    sign = early.nodes.order_by("seq").first()
    replan = services.replan_request(
        actor=SYSTEM, node=sign, to_on=D(2030, 1, 10), reason="投资方调整签约计划（合成）"
    )
    services.replan_decide(actor=leader, replan=replan, decision="approved")
    sign.refresh_from_db()
    assert sign.planned_on == D(2030, 1, 10)

    then = selectors.summary(
        leader, zones=[world.zone_a], first=Period(2020, 1), last=Period(2020, 6), today=TODAY
    )
    assert then.red == 7 and any(n.node == sign.name for n in then.late)
    now = selectors.summary(
        leader, zones=[world.zone_a], first=Period(2020, 1), last=Period(2020, 6), today=None
    )
    assert now.red == 7  # the period ended before today: still the plan of 30 June 2020


@pytest.mark.django_db
def test_report_projects_writes_the_section_alone_and_it_changes_with_the_rows(world):
    """`zonedesk report projects` prints the key-projects section as in the summary, nothing
    else; a node completed changes it; no project, or a zone not the user's, is said plainly."""
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    def run(*extra):
        out = io.StringIO()
        call_command(
            "report",
            "projects",
            "--zone",
            "zone-a",
            "--period",
            "2020-H1",
            "--lang",
            "en",
            *extra,
            stdout=out,
        )
        return out.getvalue()

    with pytest.raises(CommandError, match="No key project had been signed"):
        run()
    early = _rows(world)
    before = run("--user", "leader")
    assert "Key projects from signing to production" in before
    assert "The main work" in before and "Difficulties" not in before
    assert "the zone followed 1 key projects" in before and "0 started construction" in before
    for node in early.nodes.order_by("seq")[:7]:
        services.node_complete(actor=SYSTEM, node=node, done_on=D(2020, 6, 20))
    after = run("--user", "leader")
    assert "1 started construction" in after
    with pytest.raises(CommandError, match="zone-a"):
        run("--user", "officer_b")
    with pytest.raises(CommandError, match="not a period"):
        call_command("report", "projects", "--zone", "zone-a", "--period", "2020-X", "--lang", "en")
