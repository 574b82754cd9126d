"""A re-match decides again only the firms whose inputs changed (figures, registry entry, zone,
county) or whose month, measures, rule versions or scopes differ; whatever the change, the
stored decisions end as a forced match of every firm would leave them."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import JUNE, TODAY, document, figures, measure
from zonedesk.core.actors import SYSTEM
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.org.models import Area, Zone
from zonedesk.policies import bulk, facts, matching, services
from zonedesk.policies.models import Entitlement, MatchState, Measure

pytestmark = pytest.mark.django_db
FIELDS = ("decision", "missing", "estimate_wan", "rule_version_id", "period", "state")


def stored() -> dict:
    return {
        (e["enterprise_id"], e["measure_id"]): tuple(e[f] for f in FIELDS)
        for e in Entitlement.objects.values("enterprise_id", "measure_id", *FIELDS)
    }


def rematch(period=JUNE, **kw):
    return services.match(
        actor=SYSTEM, firms=Enterprise.objects.all(), period=period, today=TODAY, **kw
    )


def assert_as_from_scratch(result, decided: int):
    """The incremental match decided `decided` firms, and a forced match of every firm right
    after it finds nothing to change (nor does it change what is stored)."""
    assert result.decided == decided
    before = stored()
    forced = rematch(force=True)
    assert (forced.inserted, forced.updated, forced.removed) == (0, 0, 0)
    assert stored() == before
    assert forced.stored == result.stored == len(before)


@pytest.fixture
def matched(world):
    w = world
    figures(w.firm_a, 50, revenue=None)
    figures(w.firm_a2, 10)
    figures(w.firm_b, 80)
    province = measure(
        document(w, "province", area=w.sichuan),
        "employees >= 20 and revenue_month_wan >= 0",
        "employees * 0.1",
        rematch=False,
    )
    zone = measure(document(w, "zone"), "employees < 20", rematch=False)
    everywhere = measure(
        document(w, "province", area=Area.objects.get(code="500000")),
        "employees >= 1",
        rematch=False,
    )
    first = rematch()
    assert first.decided == 3 and first.stored == len(stored()) == 3
    w.province, w.zone_measure, w.everywhere = province, zone, everywhere
    return w


def test_a_rematch_without_change_decides_no_firm(matched):
    again = rematch()
    assert (again.decided, again.inserted, again.updated, again.removed) == (0, 0, 0, 0)
    assert again.firms == 3 and again.stored == 3


def test_a_changed_figure_decides_that_firm_again(matched):
    w = matched
    MonthlyFigure.objects.filter(enterprise=w.firm_a).update(revenue_wan=Decimal("5"))
    result = rematch()
    assert stored()[(w.firm_a.pk, w.province.pk)][0] == "eligible"
    assert_as_from_scratch(result, decided=1)


def test_a_change_to_a_column_the_facts_do_not_use_decides_nothing(matched):
    MonthlyFigure.objects.update(electricity_kwh=123, status="confirmed")
    assert rematch().decided == 0


def test_a_deleted_and_a_new_figure_decide_their_firms_again(matched):
    w = matched
    MonthlyFigure.objects.filter(enterprise=w.firm_a2).delete()
    result = rematch()
    assert stored()[(w.firm_a2.pk, w.zone_measure.pk)][:2] == ("undetermined", ["employees"])
    assert_as_from_scratch(result, decided=1)
    figures(w.firm_a2, 12)
    result = rematch()
    assert stored()[(w.firm_a2.pk, w.zone_measure.pk)][0] == "eligible"
    assert_as_from_scratch(result, decided=1)


def test_a_registry_change_decides_the_firm_again(matched):
    w = matched
    Enterprise.objects.filter(pk=w.firm_a2.pk).update(zone=w.zone_b)
    result = rematch()
    assert (w.firm_a2.pk, w.zone_measure.pk) not in stored()
    assert_as_from_scratch(result, decided=1)


def test_a_zone_moved_to_another_county_decides_its_firms_again(matched):
    w = matched
    Zone.objects.filter(pk=w.zone_b.pk).update(area=w.kaijiang)
    result = rematch()
    assert (w.firm_b.pk, w.province.pk) in stored()  # now in Sichuan
    assert (w.firm_b.pk, w.everywhere.pk) not in stored()
    assert_as_from_scratch(result, decided=1)


def test_a_rule_edit_or_a_new_measure_decides_every_firm_again(matched):
    w = matched
    services.measure_rules_set(
        actor=SYSTEM, measure=w.zone_measure, eligibility="employees < 60", rematch=False
    )
    result = rematch()
    assert (w.firm_a.pk, w.zone_measure.pk) in stored()
    assert_as_from_scratch(result, decided=3)
    measure(document(w, "province", area=w.sichuan), "employees >= 5", rematch=False)
    assert_as_from_scratch(rematch(), decided=3)


def test_a_documents_new_scope_decides_every_firm_again(matched):
    w = matched
    doc = w.zone_measure.document
    services.document_update(actor=SYSTEM, document=doc, zone=w.zone_b, rematch=False)
    result = rematch()
    assert (w.firm_a2.pk, w.zone_measure.pk) not in stored()
    assert_as_from_scratch(result, decided=3)


def test_a_rematch_of_some_measures_leaves_their_firms_to_decide_again(matched):
    """A rule edit re-matches its measure's firms at once; their next full re-match decides
    them again (the state no longer sums up the rules their pairs follow)."""
    w = matched
    services.measure_rules_set(actor=SYSTEM, measure=w.zone_measure, eligibility="employees < 60")
    assert (w.firm_a.pk, w.zone_measure.pk) in stored()
    assert_as_from_scratch(rematch(), decided=3)


def test_a_new_month_decides_every_firm_again(matched):
    w = matched
    for firm, employees in ((w.firm_a, 55), (w.firm_a2, 30), (w.firm_b, 1)):
        MonthlyFigure.objects.create(
            enterprise=firm, period=JUNE.shift(1).first_day, output_value_wan=1, employees=employees
        )
    result = rematch(period=JUNE.shift(1))
    assert result.decided == 3
    assert set(Entitlement.objects.values_list("period", flat=True)) == {JUNE.shift(1).first_day}


def test_a_benefit_moved_on_meanwhile_keeps_its_state(matched):
    w = matched
    Entitlement.objects.filter(enterprise=w.firm_a2, measure=w.zone_measure).update(
        state="notified"
    )
    MonthlyFigure.objects.filter(enterprise=w.firm_a2).update(employees=40)
    result = rematch()
    pair = Entitlement.objects.get(enterprise=w.firm_a2, measure=w.zone_measure)
    assert (pair.decision, pair.state) == ("not_eligible", "notified")
    assert_as_from_scratch(result, decided=1)


def test_a_rematch_never_overwrites_a_step_taken_meanwhile(world):
    """The stored states are read, somebody moves a benefit on, then the re-match writes: the
    step stands (and a pair under way is never deleted)."""
    # Given an identified pair whose rule the firm no longer meets
    figures(world.firm_a, 50)
    m = measure(document(world, "province", area=world.sichuan), "employees >= 5")
    services.measure_rules_set(
        actor=SYSTEM, measure=m, eligibility="employees >= 500", rematch=False
    )
    measures = [Measure.objects.select_related("document", "current").get(pk=m.pk)]
    # and the re-match's reading half, which plans to delete it
    firms = Enterprise.objects.filter(pk=world.firm_a.pk)
    table = facts.fact_table(firms, JUNE)
    tree, benefit = services._compiled(measures[0].current.eligibility, "")
    rule = matching.Rule("province", tree, benefit, bulk.Scopes(table).mask(measures[0].document))
    decided = matching.decide(table.columns, len(table), [rule])
    read = bulk.read_stored(firms, measures, table, JUNE, decided.missing_texts)
    plan = matching.plan(decided, read)
    assert len(plan.delete_keys) == 1  # it would go
    # When the officer tells the firm meanwhile, and the re-match then writes its plan
    e = Entitlement.objects.get(measure=m)
    services.entitlement_move(actor=world.users["officer"], entitlement=e, to="notified")
    versions = np.array([measures[0].current_id])
    bulk.write(plan, table, measures, versions, decided.missing_texts, JUNE, timezone.now())
    # Then the step stands
    e.refresh_from_db()
    assert e.state == "notified" and e.events.count() == 1


def test_a_change_made_after_the_counts_were_read_is_decided_next_time(matched):
    """A match records the change count it read before the facts: a change counted after that
    leaves the firm to decide again."""
    w = matched
    MonthlyFigure.objects.filter(enterprise=w.firm_a).update(employees=51)
    MatchState.objects.filter(enterprise=w.firm_a).update(matched=-1)  # as if read earlier
    assert rematch().decided == 1
    MatchState.objects.filter(enterprise=w.firm_a).update(changes=10**6)
    assert rematch().decided == 1


def test_without_the_triggers_every_firm_is_decided(matched):
    """SQLite drops a table's triggers when a migration rebuilds it: the state is then not
    trusted."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER zd_match_figure_update ON monitoring_monthlyfigure")
        else:
            cursor.execute("DROP TRIGGER zd_match_figure_update")
    assert not bulk.triggers_present()
    assert rematch().decided == 3


def test_the_triggers_count_changes_however_they_are_made(matched):
    w = matched

    def count(firm):
        return MatchState.objects.get(enterprise=firm).changes

    before = count(w.firm_a)
    MonthlyFigure.objects.filter(enterprise=w.firm_a).update(employees=70)
    MonthlyFigure.objects.filter(enterprise=w.firm_a).update(employees=70)  # no change
    Enterprise.objects.filter(pk=w.firm_a.pk).update(status="halted")
    Enterprise.objects.filter(pk=w.firm_a.pk).update(name="改名不计")
    Zone.objects.filter(pk=w.zone_a.pk).update(code="zone-a1")
    Area.objects.filter(pk=w.kaijiang.pk).update(code="511724")
    MonthlyFigure.objects.create(
        enterprise=w.firm_a, period=dt.date(2020, 5, 1), output_value_wan=1, employees=1
    )
    MonthlyFigure.objects.filter(enterprise=w.firm_a, period=dt.date(2020, 5, 1)).delete()
    assert count(w.firm_a) == before + 6
    assert count(w.firm_b) == MatchState.objects.get(enterprise=w.firm_b).matched


def test_more_firms_to_decide_than_a_list_holds_decides_every_firm(matched, monkeypatch):
    w = matched
    monkeypatch.setattr(services.matches, "FEW_FIRMS", 1)
    MonthlyFigure.objects.filter(enterprise__in=[w.firm_a, w.firm_a2]).update(employees=25)
    result = rematch()
    assert stored()[(w.firm_a2.pk, w.province.pk)][0] == "eligible"
    assert_as_from_scratch(result, decided=3)
    assert rematch().decided == 0


def test_a_rematch_of_firms_no_measure_covers_writes_nothing_unless_they_hold_decisions(world):
    """A zone outside every document's scope (a whole zone's import) is not re-matched at all;
    a firm there that still holds a decision (it moved out of scope) is, and loses it."""
    figures(world.firm_a2, 30)
    figures(world.firm_b, 30)
    m = measure(document(world, "province", area=world.sichuan), "employees >= 5")
    assert Entitlement.objects.filter(measure=m, enterprise=world.firm_a2).exists()

    outside = services.rematch_firms(
        actor=SYSTEM, firms=Enterprise.objects.filter(zone=world.zone_b)
    )
    assert outside is None
    assert not Entitlement.objects.filter(enterprise=world.firm_b).exists()

    Enterprise.objects.filter(pk=world.firm_a2.pk).update(zone=world.zone_b)
    moved = services.rematch_firms(actor=SYSTEM, firms=Enterprise.objects.filter(zone=world.zone_b))
    assert moved is not None
    assert not Entitlement.objects.filter(enterprise=world.firm_a2).exists()
