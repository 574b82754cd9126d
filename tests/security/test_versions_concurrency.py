"""No lost update (issue 14, item 2): two editors save the same record at once, each on the
version they read. Real threads, each with its own database connection, in transactional tests,
on the database the run uses (SQLite by default; PostgreSQL with DATABASE_URL): exactly one
wins, the other is refused with StaleVersion, and the audit log holds the winner's change only.
"""

import threading
import time
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest
from django.db import connections, transaction

from tests.factories import JUNE, document, measure, problem
from zonedesk.casework.models import ContactPlan, Problem
from zonedesk.casework.services import plan_set, problem_transition
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import StaleVersion
from zonedesk.core.models import AuditEntry
from zonedesk.core.workflow import TransitionRefused
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.services import EnterpriseData, enterprise_update
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.monitoring.services import FigureData, figure_save
from zonedesk.org.models import User, Zone
from zonedesk.org.services import user_update, zone_update
from zonedesk.policies.models import Measure, PolicyDocument
from zonedesk.policies.services import document_update, measure_update

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Run the calls in threads released together; each result is ("ok", value) or
    ("error", exception)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = ("ok", call())
        except Exception as exc:
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@dataclass
class Editor:
    """How one kind of record is edited: `write(value, version)` saves `value` into its text or
    number field on the version read; `read()` gives the stored value."""

    label: str  # the audit log's target_type
    record: object
    write: object
    read: object


def _firm(world):
    pk = world.firm_a.pk

    def write(value, version):
        firm = Enterprise.objects.get(pk=pk)
        data = replace(EnterpriseData.of(firm), address=value)
        return enterprise_update(actor=SYSTEM, enterprise=firm, data=data, expected_version=version)

    return Editor(
        "enterprises.enterprise", world.firm_a, write, lambda: _get(Enterprise, pk).address
    )


def _get(model, pk):
    return model.objects.get(pk=pk)


def _zone(world):
    pk = world.zone_a.pk

    def write(value, version):
        return zone_update(actor=SYSTEM, zone=_get(Zone, pk), name=value, expected_version=version)

    return Editor("org.zone", world.zone_a, write, lambda: _get(Zone, pk).name)


def _user(world):
    pk = world.users["officer2"].pk

    def write(value, version):
        return user_update(
            actor=SYSTEM,
            user=_get(User, pk),
            roles=["officer"],
            full_name=value,
            expected_version=version,
        )

    return Editor("org.user", world.users["officer2"], write, lambda: _get(User, pk).full_name)


def _document(world):
    doc = document(world, "zone")

    def write(value, version):
        return document_update(
            actor=SYSTEM,
            document=_get(PolicyDocument, doc.pk),
            title=value,
            expected_version=version,
        )

    return Editor("policies.policydocument", doc, write, lambda: _get(PolicyDocument, doc.pk).title)


def _measure(world):
    m = measure(document(world, "zone"), "employees >= 1", rematch=False)

    def write(value, version):
        return measure_update(
            actor=SYSTEM,
            measure=_get(Measure, m.pk),
            title=value,
            rematch=False,
            expected_version=version,
        )

    return Editor("policies.measure", m, write, lambda: _get(Measure, m.pk).title)


def _figures(world):
    firm = world.firm_a
    figure_save(actor=SYSTEM, enterprise=firm, period=JUNE, data=FigureData(Decimal(100), 10))
    figure = MonthlyFigure.objects.get(enterprise=firm)

    def write(value, version):
        data = FigureData(output_value_wan=Decimal(value), employees=10)
        return figure_save(
            actor=SYSTEM, enterprise=firm, period=JUNE, data=data, expected_version=version
        )

    return Editor(
        "monitoring.monthlyfigure",
        figure,
        write,
        lambda: str(_get(MonthlyFigure, figure.pk).output_value_wan.normalize()),
    )


def _plan(world):
    firm = world.firm_a
    plan = plan_set(actor=SYSTEM, enterprise=firm, visit_every_days=30, call_every_days=10)

    def write(value, version):
        return plan_set(
            actor=SYSTEM,
            enterprise=firm,
            visit_every_days=int(value),
            call_every_days=10,
            expected_version=version,
        )

    return Editor(
        "casework.contactplan",
        plan,
        write,
        lambda: str(_get(ContactPlan, plan.pk).visit_every_days),
    )


def _draft(world):
    from zonedesk.reports import drafts, selectors
    from zonedesk.reports.document import Paragraph
    from zonedesk.reports.models import SummaryDraft
    from zonedesk.reports.services import draft_open, draft_save

    draft, _created = draft_open(actor=SYSTEM, zone=world.zone_a.code, period="2020-06", lang="zh")
    doc = selectors.draft_document(selectors.draft_version(SYSTEM, draft))
    texts = [drafts.editable(b.text) for b in doc.blocks if isinstance(b, Paragraph)]

    def write(value, version):
        return draft_save(
            actor=SYSTEM,
            draft=_get(SummaryDraft, draft.pk),
            expected_version=version,
            title=value,
            texts=texts,
        )

    return Editor(
        "reports.summarydraft",
        draft,
        write,
        lambda: selectors.draft_version(SYSTEM, _get(SummaryDraft, draft.pk)).title,
    )


EDITORS = {
    "firm": (_firm, "甲路 1 号", "乙路 2 号"),
    "zone": (_zone, "甲改名经开区", "乙改名经开区"),
    "user": (_user, "甲改的名", "乙改的名"),
    "document": (_document, "甲改的标题", "乙改的标题"),
    "measure": (_measure, "甲改的措施", "乙改的措施"),
    "figures": (_figures, "111", "222"),
    "plan": (_plan, "40", "50"),
    "summary draft": (_draft, "甲改的总结标题", "乙改的总结标题"),
}


def _updates(editor: Editor):
    return AuditEntry.objects.filter(
        target_type=editor.label, target_id=str(editor.record.pk), action="update"
    )


@pytest.mark.parametrize("kind", EDITORS)
def test_two_editors_at_once_one_wins_and_the_other_is_refused(world, kind):
    make, mine, theirs = EDITORS[kind]
    editor = make(world)
    read_at = type(editor.record).objects.get(pk=editor.record.pk).version
    before = _updates(editor).count()

    results = race(lambda: editor.write(mine, read_at), lambda: editor.write(theirs, read_at))

    outcomes = sorted(kind for kind, _value in results)
    assert outcomes == ["error", "ok"], results
    winner = (mine, theirs)[[k for k, _v in results].index("ok")]
    refusal = next(v for k, v in results if k == "error")
    assert isinstance(refusal, StaleVersion), refusal
    assert refusal.expected == read_at and refusal.current == read_at + 1
    assert editor.read() == winner
    entries = list(_updates(editor)[:10])
    assert len(entries) == before + 1
    assert winner in str(entries[0].changes)
    assert type(editor.record).objects.get(pk=editor.record.pk).version == read_at + 1


@pytest.mark.parametrize("kind", ["firm", "figures", "measure", "summary draft"])
def test_the_second_writer_waits_for_the_first_then_is_refused(world, kind):
    """The compare happens inside the transaction, under the row's lock (PostgreSQL) or the
    database's write lock (SQLite's IMMEDIATE transactions): a writer that starts while another
    holds its transaction open waits for it, then sees its change and is refused."""
    make, mine, theirs = EDITORS[kind]
    editor = make(world)
    read_at = type(editor.record).objects.get(pk=editor.record.pk).version
    saved, release = threading.Event(), threading.Event()
    second: dict = {}

    def first_writer():
        try:
            with transaction.atomic():
                editor.write(mine, read_at)
                saved.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    def second_writer():
        try:
            saved.wait(timeout=10)
            editor.write(theirs, read_at)
            second["result"] = "saved"
        except StaleVersion as exc:
            second["result"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    for t in threads:
        t.start()
    assert saved.wait(timeout=10)
    time.sleep(0.5)
    assert second == {}  # still waiting for the first writer's transaction
    release.set()
    for t in threads:
        t.join(timeout=30)
    assert isinstance(second["result"], StaleVersion), second
    assert editor.read() == mine


def test_two_first_reports_of_a_month_one_wins(world):
    """Both editors read no figures for June (version 0) and report them at once: one creates
    the month, the other is refused, not answered with a database error."""
    firm = world.firm_a

    def report(value):
        data = FigureData(output_value_wan=Decimal(value), employees=10)
        return lambda: figure_save(
            actor=SYSTEM, enterprise=firm, period=JUNE, data=data, expected_version=0
        )

    results = race(report(111), report(222))
    assert sorted(k for k, _v in results) == ["error", "ok"], results
    assert isinstance(next(v for k, v in results if k == "error"), StaleVersion)
    figure = MonthlyFigure.objects.get(enterprise=firm)
    created = AuditEntry.objects.filter(target_type="monitoring.monthlyfigure", action="create")
    assert created.count() == 1 and figure.version == 1


def test_two_first_contact_plans_one_wins(world):
    firm = world.firm_a

    def set_plan(days):
        return lambda: plan_set(
            actor=SYSTEM,
            enterprise=firm,
            visit_every_days=days,
            call_every_days=10,
            expected_version=0,
        )

    results = race(set_plan(40), set_plan(50))
    assert sorted(k for k, _v in results) == ["error", "ok"], results
    assert isinstance(next(v for k, v in results if k == "error"), StaleVersion)
    assert ContactPlan.objects.filter(enterprise=firm).count() == 1
    assert AuditEntry.objects.filter(target_type="casework.contactplan").count() == 1


def test_two_concurrent_workflow_moves_cannot_both_pass(world):
    """A problem's steps are state-checked under the row's lock: two departments accepting the
    same submitted problem at once, one accepts, the other is told it is accepted already."""
    from zonedesk.org.models import Department

    p = problem(world.firm_a)
    dept = Department.objects.get(zone=world.zone_a)

    def accept():
        return problem_transition(
            actor=SYSTEM, problem=_get(Problem, p.pk), to="accepted", department=dept
        )

    results = race(accept, accept)
    assert sorted(k for k, _v in results) == ["error", "ok"], results
    assert isinstance(next(v for k, v in results if k == "error"), TransitionRefused)
    assert _get(Problem, p.pk).events.filter(to_state="accepted").count() == 1


def test_two_officials_open_the_same_draft_at_once_and_get_one(world):
    """The summary of a zone and period has one draft: two first openings at once make one
    (the loser of the insert gets the winner's), audited once."""
    from zonedesk.reports.models import SummaryDraft
    from zonedesk.reports.services import draft_open

    def open_it(who):
        return draft_open(
            actor=world.users[who], zone=world.zone_a.code, period="2020-06", lang="zh"
        )[0].pk

    results = race(lambda: open_it("leader"), lambda: open_it("officer"))
    assert [k for k, _v in results] == ["ok", "ok"], results
    assert results[0][1] == results[1][1]
    assert SummaryDraft.objects.count() == 1
    created = AuditEntry.objects.filter(target_type="reports.summarydraft", action="create")
    assert created.count() == 1
