"""The problems list a leader reads: overdue first, then by deadline, fifty to a page with the
filters kept in the page links, and the date each problem was raised."""

import datetime as dt
import re

import pytest

from tests import factories
from zonedesk.casework.services import problem_transition
from zonedesk.core.actors import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(world):
    """One problem overdue since June 2020, one closed as not solvable in May 2020, and 55
    raised today (finance, none overdue)."""
    world.overdue = factories.problem(world.firm_a, title="逾期未受理", on=dt.date(2020, 6, 1))
    closed = factories.problem(world.firm_a2, title="早已办结", on=dt.date(2020, 5, 1))
    world.closed = problem_transition(
        actor=SYSTEM,
        problem=closed,
        to="closed_unsolvable",
        reason="涉及上级政策",
        on=dt.date(2020, 5, 2),
    )
    for n in range(55):
        factories.problem(world.firm_a2, title=f"新问题{n:02d}")
    return world


def _rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="problem-(\d+)"', html)]


def test_overdue_first_fifty_to_a_page_with_the_date_raised(many, client_for):
    leader = client_for(many.users["leader"])
    first = leader.get("/casework/").content.decode()
    rows = _rows(first)
    assert len(rows) == 50
    assert rows[0] == many.overdue.pk  # the one overdue problem leads
    assert "1 / 2" in first.split('data-testid="problem-pages"')[1]
    row = first.split(f'data-testid="problem-{many.overdue.pk}"')[1].split("</a>")[0]
    assert "提出于 2020-06-01" in row
    second = _rows(leader.get("/casework/", {"page": 2}).content.decode())
    assert len(second) == 7 and not set(rows) & set(second)
    assert many.closed.pk in second  # closed: after every open one due sooner or not at all


def test_the_page_links_keep_the_filters(many, client_for):
    leader = client_for(many.users["leader"])
    page = leader.get("/casework/", {"category": "finance", "who": "all"}).content.decode()
    nav = page.split('data-testid="problem-pages"')[1].split("</ul>")[0]
    assert "category=finance&amp;who=all&amp;page=2" in nav
    assert 'href="/casework/problems.xlsx?category=finance&amp;who=all"' in page
    odd = leader.get("/casework/", {"page": "9999"})
    assert odd.status_code == 200 and "2 / 2" in odd.content.decode()
