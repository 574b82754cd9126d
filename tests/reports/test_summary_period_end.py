"""A summary of a past period counts what was open, overdue and paid at the period's end, not
today: a problem resolved after the half year was still open (and late) on 30 June, one raised
in June and still open today was not yet due then, and a benefit paid in July was not yet paid
in the first half year. Every step is made through the services on its own date (`on`), so the
events are the history the counts replay."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.casework.models import Problem
from zonedesk.casework.selectors.problems import overdue_on, states_on
from zonedesk.casework.services import problem_submit, problem_transition
from zonedesk.core.actors import SYSTEM
from zonedesk.policies import services as policy_services
from zonedesk.policies.models import Entitlement
from zonedesk.policies.services.entitlements import entitlement_move
from zonedesk.reports import summary
from zonedesk.reports.document import Paragraph, figures

TODAY = dt.date(2020, 12, 1)  # months after the half year: everything below is settled by now
END = dt.date(2020, 6, 30)


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _raise(firm, on: dt.date, due: dt.date) -> Problem:
    p = problem_submit(
        actor=SYSTEM,
        enterprise=firm,
        category="finance",
        title="流动资金紧张",
        raised_via="visit",
        on=on,
    )
    # The deadline as the submit step recorded it (its event says due_to): set by hand so the
    # case does not hang on the working-day calendar.
    p.events.update(payload={"due_to": due.isoformat()})
    Problem.objects.filter(pk=p.pk).update(due_at=due)
    p.refresh_from_db()
    return p


def _resolve(world, p: Problem, on: dt.date) -> None:
    for step in factories.PROBLEM_PATHS["resolved"]:
        inputs = factories.problem_step_inputs(
            p, step, department=world.users["department"].department, transfer_to=None
        )
        p = problem_transition(actor=SYSTEM, problem=p, to=step, on=on, **inputs)


@pytest.fixture
def history(world):
    # late: raised 2 June, due 16 June, resolved 10 July -> open and overdue on 30 June.
    late = _raise(world.firm_a, dt.date(2020, 6, 2), dt.date(2020, 6, 16))
    _resolve(world, late, dt.date(2020, 7, 10))
    # fresh, fresh2: raised 25 June, due 9 July, still open today -> not yet due on 30 June.
    fresh = _raise(world.firm_a, dt.date(2020, 6, 25), dt.date(2020, 7, 9))
    fresh2 = _raise(world.firm_a2, dt.date(2020, 6, 25), dt.date(2020, 7, 9))
    doc = policy_services.document_create(
        actor=SYSTEM,
        level="province",
        area=world.sichuan,
        issuer="省政府（合成）",
        title="省措施（合成）",
        valid_from=dt.date(2020, 2, 1),
    )
    measure = policy_services.measure_create(
        actor=SYSTEM,
        document=doc,
        clause="一",
        title="补贴一（合成）",
        benefit_type="subsidy",
        eligibility="true",
        rematch=False,
    )
    pair = Entitlement.objects.create(
        enterprise=world.firm_a,
        measure=measure,
        decision="eligible",
        rule_version=measure.current,
        period="2020-06-01",
        decided_at=_noon(dt.date(2020, 3, 1)),
        state="identified",
        estimate_wan=Decimal("5.00"),
    )
    # Told in May, applied in June; approved and paid 5.00 in July.
    for to, on, amount in (
        ("notified", dt.date(2020, 5, 6), None),
        ("applied", dt.date(2020, 6, 10), None),
        ("approved", dt.date(2020, 7, 20), Decimal("5.00")),
        ("disbursed", dt.date(2020, 7, 28), Decimal("5.00")),
    ):
        pair = entitlement_move(actor=SYSTEM, entitlement=pair, to=to, amount_wan=amount, on=on)
        # A step is stamped now; this history happened on `on` (as the demo's steps are dated).
        pair.events.filter(to_state=to).update(at=_noon(on))
    return late, fresh, fresh2


def test_the_problems_open_and_overdue_at_a_day_are_replayed_from_their_events(world, history):
    late, fresh, fresh2 = history
    problems = Problem.objects.all()
    assert states_on(problems, END)[late.pk][0] in ("in_progress", "accepted", "submitted")
    assert overdue_on(problems, END) == {late.pk}
    assert overdue_on(problems, TODAY) == {fresh.pk, fresh2.pk}
    assert states_on(problems, dt.date(2020, 6, 1)) == {}  # none raised yet


def test_the_half_year_summary_counts_the_half_year_end_not_today(world, history):
    doc = summary.build(
        world.users["leader"], zone="zone-a", period="2020-H1", lang="en", today=TODAY
    )
    said = {}
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            said |= figures(block.text)
    # Three raised in June; none resolved by 30 June (the one resolved came on 10 July); one
    # overdue then (today it would be the other two).
    assert (said["raised"], said["resolved"], said["overdue"]) == ("3", "0", "1")
    # The benefit was told (notified and applied by 30 June) but paid only on 28 July: in the
    # half year nothing was received and it was still owed.
    assert said["notified"] == "1"
    assert said["disbursed"] == "0"
    assert said["disbursed_wan"] == "0.00"
    assert "disbursed_in_period" not in said
    assert (said["owed"], said["owed_wan"]) == ("1", "5.00")
    # The annex agrees with the text.
    rows = {r[0]: r[1:] for t in doc.annex for r in t.rows}
    assert rows["received"] == ("0", "0.00")
    assert rows["received in the period"] == ("0", "0.00")
    assert rows["Problems overdue"] == ("1",)
    assert rows["of them resolved"] == ("0",)


def test_the_second_half_year_counts_what_came_after(world, history):
    doc = summary.build(
        world.users["leader"], zone="zone-a", period="2020-H2", lang="en", today=TODAY
    )
    rows = {r[0]: r[1:] for t in doc.annex for r in t.rows}
    assert rows["received"] == ("1", "5.00")
    assert rows["received in the period"] == ("1", "5.00")


def test_the_summary_says_the_day_it_counts_on(world, history):
    """The one rule, said at the document's end: the half year's last day (today for a period
    not over yet)."""
    from zonedesk.reports import markdown

    doc = summary.build(
        world.users["leader"], zone="zone-a", period="2020-H1", lang="en", today=TODAY
    )
    assert doc.counted_on == END
    text = markdown.render(doc)
    assert text.rstrip().endswith("are counted as they stood on June 30, 2020.")
    early = summary.build(
        world.users["leader"], zone="zone-a", period="2020", lang="en", today=TODAY
    )
    assert early.counted_on == TODAY
