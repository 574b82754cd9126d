"""The policy library and matching: rules checked before saving, versions kept, every firm
decided in bulk with the right scope, undetermined pairs naming the missing facts."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests import factories
from tests.factories import JUNE, TODAY, document, figures, library_row, library_workbook, measure
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.policies import selectors, services
from zonedesk.policies.models import Entitlement, Measure, RuleVersion

pytestmark = pytest.mark.django_db


def test_bad_rules_are_refused_with_the_position_and_nothing_is_stored(setting):
    doc = document(setting, "province", area=setting.sichuan)
    with pytest.raises(ValidationFailed) as caught:
        measure(doc, "employees >= ", "min(employees, )")
    assert set(caught.value.errors) == {"eligibility", "benefit"}
    assert "14" in caught.value.errors["eligibility"][0]
    assert not doc.measures.exists()


def test_a_rule_is_held_to_shares_and_codes_when_written_not_when_stored(world):
    """Written today, `employees >= 20%` and `size_class == "smal"` are refused with the
    position; a version stored before the check still decides."""
    from zonedesk.policies.models import RuleVersion

    figures(world.firm_a, 50)
    doc = document(world, "province", area=world.sichuan)
    for bad, field_ in (
        ("employees >= 20%", "eligibility"),
        ('size_class == "smal"', "eligibility"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            measure(doc, bad, clause=bad)
        assert set(caught.value.errors) == {field_}
    m = measure(doc, "employees >= 20", clause="一")
    old = RuleVersion.objects.create(measure=m, number=2, eligibility="employees >= 20%")
    Measure.objects.filter(pk=m.pk).update(current=old)
    m.refresh_from_db()
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    assert Entitlement.objects.get(measure=m, enterprise=world.firm_a).decision == "eligible"


def test_matching_decides_each_firm_within_the_documents_scope(setting):
    w = setting
    province = measure(
        document(w, "province", area=w.sichuan), "employees >= 20", "employees * 0.1"
    )
    zone_doc = document(w, "zone")
    zone_measure = measure(zone_doc, 'industry_section == "C" and employees < 20')
    result = services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    pairs = {(e.enterprise_id, e.measure_id): e for e in Entitlement.objects.all()}
    assert set(pairs) == {(w.firm_a.pk, province.pk), (w.firm_a2.pk, zone_measure.pk)}
    a = pairs[(w.firm_a.pk, province.pk)]
    assert a.decision == "eligible" and a.state == "identified"
    assert a.estimate_wan == Decimal("5.00") and a.rule_version == province.current
    assert result.eligible == {"province": 1, "zone": 1}


def test_missing_facts_make_a_pair_undetermined_and_named(setting):
    w = setting
    m = measure(document(w, "province", area=w.sichuan), "revenue_ytd_yoy <= -30%")
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    e = Entitlement.objects.get(enterprise=w.firm_a, measure=m)
    assert e.decision == "undetermined" and e.missing == ["revenue_ytd_yoy"]


def test_a_rule_edit_makes_a_new_version_and_rematching_follows_it(setting):
    w = setting
    m = measure(document(w, "province", area=w.sichuan), "employees >= 20")
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    first = m.current
    services.measure_rules_set(actor=SYSTEM, measure=m, eligibility="employees >= 5")
    m.refresh_from_db()
    assert m.current.number == 2 and RuleVersion.objects.filter(measure=m).count() == 2
    assert AuditEntry.objects.filter(target_type="policies.measure", action="update").exists()
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    decided = dict(
        Entitlement.objects.filter(measure=m).values_list("enterprise_id", "rule_version")
    )
    assert decided == {w.firm_a.pk: m.current.pk, w.firm_a2.pk: m.current.pk}
    with pytest.raises(RuntimeError):
        first.save()  # versions are never changed


def test_a_pair_that_stops_qualifying_keeps_its_workflow_only_if_it_has_one(setting):
    w = setting
    m = measure(document(w, "province", area=w.sichuan), "employees >= 5")
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    Entitlement.objects.filter(enterprise=w.firm_a).update(state="applied")
    services.measure_rules_set(actor=SYSTEM, measure=m, eligibility="employees >= 100")
    m.refresh_from_db()
    # the rule edit re-matched at once; a second match finds nothing more to remove
    left = {e.enterprise_id: (e.decision, e.state) for e in Entitlement.objects.all()}
    assert left == {w.firm_a.pk: ("not_eligible", "applied")}
    result = services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    assert result.removed == 0 and Entitlement.objects.count() == 1


def test_documents_out_of_force_are_not_matched(setting):
    w = setting
    # Expired before the zone's as-of date (its latest month's end, 2020-06-30).
    measure(
        document(w, "province", area=w.sichuan, valid_to=dt.date(2020, 6, 29)), "employees >= 5"
    )
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    assert not Entitlement.objects.exists()


def test_only_the_units_managers_edit_the_library(setting):
    w = setting
    with pytest.raises(PermissionDenied):
        document_by(w.users["leader"], w, area=w.sichuan)  # a zone leader, not the province
    doc = document_by(w.users["province_admin"], w, area=w.sichuan)
    with pytest.raises(PermissionDenied):
        services.measure_create(
            actor=w.users["officer"],
            document=doc,
            clause="一",
            title="x",
            benefit_type="subsidy",
            eligibility="true",
        )


def document_by(user, w, **kw):
    return services.document_create(
        actor=user,
        level="province",
        issuer="省政府（合成）",
        title="措施（合成）",
        valid_from=dt.date(2020, 2, 1),
        **kw,
    )


def test_single_firm_rematch_and_coverage(setting):
    w = setting
    m = measure(document(w, "county", area=w.kaijiang), "employees >= 5", "10", rematch=False)
    services.match_firm(actor=SYSTEM, enterprise=w.firm_a, period=JUNE, today=TODAY)
    assert Entitlement.objects.filter(measure=m).count() == 1
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    Entitlement.objects.filter(enterprise=w.firm_a).update(state="disbursed", disbursed_wan=8)
    by_level, by_measure = selectors.coverage(w.users["leader"], zone=w.zone_a)
    (county,) = by_level
    assert (county.eligible, county.notified, county.done) == (2, 1, 1)
    assert county.done_rate == Decimal("0.5") and county.disbursed_wan == 8
    assert by_measure[0].estimated_wan == 20


def test_policies_command_matches_and_prints_coverage(setting):
    w = setting
    measure(document(w, "province", area=w.sichuan), "employees >= 5")
    out = io.StringIO()
    call_command("policies", "match", "--zone", "zone-a", "--period", "2020-06", stdout=out)
    assert "2" in out.getvalue()
    out = io.StringIO()
    call_command("policies", "coverage", "--zone", "zone-a", stdout=out)
    assert "省" in out.getvalue() or "Province" in out.getvalue()


def test_many_firms_are_matched_in_few_queries(setting, django_assert_max_num_queries):
    w = setting
    for i in range(30):
        figures(factories.firm(w.zone_a, f"匹配测试{i:02d}有限公司"), 10 + i)
    doc = document(w, "province", area=w.sichuan)
    for i in range(5):
        measure(doc, f"employees >= {10 + 5 * i}", "employees * 0.01", clause=f"第{i}条")
    with django_assert_max_num_queries(20):
        services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    assert Entitlement.objects.count() > 50


def test_the_demo_zone_has_its_three_documents_matched(demo):
    from zonedesk.policies.models import Measure

    counts = {
        level: Measure.objects.filter(document__level=level).count()
        for level in ("province", "city", "county")
    }
    assert counts == {"province": 13, "city": 35, "county": 22}
    out = io.StringIO()
    call_command("policies", "coverage", "--zone", "demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split()[:2] for line in lines[1:4]] == [["省", "13"], ["市", "35"], ["县", "22"]]
    # Every state of the way occurs, and every eligible pair of a firm is explainable.
    states = set(Entitlement.objects.values_list("state", flat=True))
    assert {"identified", "notified", "applied", "approved", "disbursed", "declined"} <= states
    e = Entitlement.objects.filter(decision="eligible").select_related("rule_version").first()
    from zonedesk.policies import facts, rules

    table = facts.fact_table(Enterprise.objects.filter(pk=e.enterprise_id), JUNE)
    tree = rules.parse(e.rule_version.eligibility)
    assert rules.explain(tree, table.row(0), e.rule_version.eligibility).value is True


# --- re-matching when data or rules change ---------------------------------------------------------


def test_a_new_measure_and_a_rule_edit_are_matched_at_once(setting):
    w = setting
    m = measure(document(w, "province", area=w.sichuan), "employees >= 20")
    assert set(Entitlement.objects.values_list("enterprise_id", flat=True)) == {w.firm_a.pk}
    services.measure_rules_set(actor=SYSTEM, measure=m, eligibility="employees >= 5")
    m.refresh_from_db()
    decided = dict(Entitlement.objects.values_list("enterprise_id", "rule_version__number"))
    assert decided == {w.firm_a.pk: 2, w.firm_a2.pk: 2}  # firm_b (重庆) is not covered


def test_a_saved_figure_rematches_its_firm(setting):
    from zonedesk.monitoring.services import FigureData, figure_save

    w = setting
    m = measure(document(w, "province", area=w.sichuan), "employees >= 20", "employees * 0.1")
    assert not Entitlement.objects.filter(enterprise=w.firm_a2).exists()
    data = FigureData(output_value_wan=Decimal(100), employees=30, days_halted=0)
    figure_save(actor=w.users["leader"], enterprise=w.firm_a2, period=JUNE, data=data)
    e = Entitlement.objects.get(enterprise=w.firm_a2, measure=m)
    assert e.decision == "eligible" and e.estimate_wan == Decimal("3.00")
    # and back: the pair that no longer qualifies (and is not under way) goes
    figure_save(
        actor=w.users["leader"],
        enterprise=w.firm_a2,
        period=JUNE,
        data=FigureData(output_value_wan=Decimal(100), employees=3, days_halted=0),
    )
    assert not Entitlement.objects.filter(enterprise=w.firm_a2).exists()
    assert Entitlement.objects.filter(enterprise=w.firm_a).exists()  # untouched


def test_a_registry_change_rematches_the_firm(setting):
    from dataclasses import replace

    from zonedesk.enterprises.services import EnterpriseData, enterprise_update

    w = setting
    m = measure(document(w, "province", area=w.sichuan), 'industry_section == "C"')
    before = set(Entitlement.objects.filter(measure=m).values_list("enterprise_id", flat=True))
    assert w.firm_a2.pk in before  # 1391: manufacturing
    data = replace(EnterpriseData.of(w.firm_a2), industry_code="5211")
    enterprise_update(actor=SYSTEM, enterprise=w.firm_a2, data=data)
    after = set(Entitlement.objects.filter(measure=m).values_list("enterprise_id", flat=True))
    assert after == before - {w.firm_a2.pk}


def test_an_expired_document_keeps_its_pairs_but_takes_no_new_firms(setting):
    """Its coverage stays true (an un-notified pair is still a miss of 一条不漏), but an
    identified pair is no longer open work and cannot be notified."""
    from zonedesk.core.errors import DomainError

    w = setting
    doc = document(w, "province", area=w.sichuan)
    m = measure(doc, "employees >= 5")
    Entitlement.objects.filter(enterprise=w.firm_a, measure=m).update(state="applied")
    # expired on the zone's as-of date (2020-06-30: its latest month's end)
    services.document_update(actor=SYSTEM, document=doc, valid_to=dt.date(2020, 6, 29))
    left = dict(Entitlement.objects.values_list("enterprise_id", "state"))
    assert left == {w.firm_a.pk: "applied", w.firm_a2.pk: "identified"}
    leader = w.users["leader"]
    (level,), _measures = selectors.coverage(leader, zone=w.zone_a)
    assert (level.eligible, level.notified) == (2, 1)
    assert list(selectors.open_entitlements(leader).values_list("enterprise_id", flat=True)) == [
        w.firm_a.pk
    ]
    with pytest.raises(DomainError):
        services.entitlement_move(
            actor=SYSTEM, entitlement=Entitlement.objects.get(enterprise=w.firm_a2), to="notified"
        )


def test_a_document_moved_to_another_area_rematches_both(setting):
    w = setting
    doc = document(w, "county", area=w.kaijiang)
    measure(doc, "employees >= 5")
    assert set(Entitlement.objects.values_list("enterprise_id", flat=True)) == {
        w.firm_a.pk,
        w.firm_a2.pk,
    }
    services.document_update(actor=SYSTEM, document=doc, area=w.wanzhou)
    assert set(Entitlement.objects.values_list("enterprise_id", flat=True)) == {w.firm_b.pk}


def test_a_document_leaving_an_area_drops_the_pairs_of_firms_it_no_longer_covers(world):
    figures(world.firm_a, 50)
    other = factories.area("511722", "宣汉县", "county", world.dazhou)
    doc = document(world, "county", area=world.kaijiang)
    m = measure(doc, "employees >= 5")
    assert Entitlement.objects.filter(measure=m, enterprise=world.firm_a).exists()
    services.document_update(actor=world.users["city_leader"], document=doc, area=other)
    assert not Entitlement.objects.filter(measure=m, enterprise=world.firm_a).exists()


def test_an_imported_library_is_matched_on_import(setting):
    w = setting
    content = library_workbook(
        [library_row(f"第{i}条", eligibility=f"employees >= {5 * i}") for i in range(1, 9)]
    )
    services.measures_import(actor=SYSTEM, content=content, filename="m.xlsx")
    assert Entitlement.objects.filter(enterprise=w.firm_a).count() == 8  # 50 employees
    assert Entitlement.objects.filter(enterprise=w.firm_a2).count() == 2  # 10: ≥5 and ≥10


# --- re-matching writes only what changed ---------------------------------------------------------


def test_a_rematch_with_no_change_writes_nothing(setting):
    w = setting
    # (measures matched only when asked: a new measure is matched at once otherwise)
    measure(
        document(w, "province", area=w.sichuan), "employees >= 20", "employees * 0.1", rematch=False
    )
    measure(document(w, "zone"), "revenue_ytd_yoy <= -30%", rematch=False)
    first = services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    stamps = dict(Entitlement.objects.values_list("id", "decided_at"))
    again = services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    assert first.inserted == first.stored == 3
    assert (again.inserted, again.updated, again.removed, again.stored) == (0, 0, 0, 3)
    assert dict(Entitlement.objects.values_list("id", "decided_at")) == stamps


def test_a_changed_figure_flips_exactly_the_affected_pairs(setting):
    w = setting
    m = measure(document(w, "province", area=w.sichuan), "employees >= 20", "employees * 0.1")
    other = measure(document(w, "zone"), 'industry_section == "C"')
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    before = {(e.enterprise_id, e.measure_id): e.decided_at for e in Entitlement.objects.all()}
    MonthlyFigure.objects.filter(enterprise=w.firm_a2).update(employees=30)  # 10 -> 30
    result = services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    assert (result.inserted, result.updated, result.removed) == (1, 0, 0)
    new = Entitlement.objects.get(enterprise=w.firm_a2, measure=m)
    assert (new.decision, new.state, new.estimate_wan) == (
        "eligible",
        "identified",
        Decimal("3.00"),
    )
    after = {(e.enterprise_id, e.measure_id): e.decided_at for e in Entitlement.objects.all()}
    assert {k: v for k, v in after.items() if k in before} == before  # the others untouched
    MonthlyFigure.objects.filter(enterprise=w.firm_a).update(employees=60)  # estimate 5 -> 6
    result = services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    assert (result.inserted, result.updated, result.removed) == (0, 1, 0)
    assert Entitlement.objects.get(enterprise=w.firm_a, measure=m).estimate_wan == Decimal("6.00")
    assert Entitlement.objects.filter(measure=other).count() == 2


def test_a_pair_becoming_undetermined_loses_identified_but_keeps_a_workflow(setting):
    w = setting
    m = measure(
        document(w, "province", area=w.sichuan), "employees >= 5 and revenue_month_wan >= 0"
    )
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    Entitlement.objects.filter(enterprise=w.firm_a).update(state="notified")
    MonthlyFigure.objects.filter(enterprise__in=[w.firm_a, w.firm_a2]).update(revenue_wan=None)
    result = services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    decided = {
        e.enterprise_id: (e.decision, e.state, e.missing)
        for e in Entitlement.objects.filter(measure=m)
    }
    assert decided == {
        w.firm_a.pk: ("undetermined", "notified", ["revenue_month_wan"]),
        w.firm_a2.pk: ("undetermined", "", ["revenue_month_wan"]),
    }
    assert result.updated == 2


def test_a_new_month_of_facts_is_written_to_every_pair(setting):
    w = setting
    measure(document(w, "province", area=w.sichuan), "output_month_wan >= 0 or employees >= 0")
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    for firm in (w.firm_a, w.firm_a2):
        MonthlyFigure.objects.create(
            enterprise=firm, period=JUNE.shift(1).first_day, output_value_wan=1, employees=9
        )
    july = services.match(
        actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE.shift(1), today=TODAY
    )
    assert july.updated == 2
    assert set(Entitlement.objects.values_list("period", flat=True)) == {JUNE.shift(1).first_day}


def test_each_firm_is_rematched_on_its_own_latest_month(world):
    """One early reporter of July must not turn the June-only firms undetermined when the
    zone is re-matched (a zone import, a rule edit)."""
    from zonedesk.monitoring.models import MonthlyFigure

    figures(world.firm_a2, 30)  # June only
    m = measure(document(world, "province", area=world.sichuan), "employees >= 5")
    assert Entitlement.objects.get(enterprise=world.firm_a2, measure=m).state == "identified"
    MonthlyFigure.objects.create(
        enterprise=world.firm_a,
        period=dt.date(2020, 7, 1),
        output_value_wan=1,
        revenue_wan=1,
        employees=50,
    )
    services.rematch_firms(actor=SYSTEM, firms=Enterprise.objects.filter(zone=world.zone_a))
    services.measure_rules_set(actor=SYSTEM, measure=m, eligibility="employees >= 4")
    decided = {
        e.enterprise_id: (e.decision, e.state, e.period.month)
        for e in Entitlement.objects.filter(measure=m)
    }
    assert decided == {
        world.firm_a.pk: ("eligible", "identified", 7),
        world.firm_a2.pk: ("eligible", "identified", 6),
    }


def test_a_single_firm_rematch_leaves_the_other_firms_alone(setting):
    w = setting
    m = measure(document(w, "province", area=w.sichuan), "employees >= 20")
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    MonthlyFigure.objects.update(employees=1)
    result = services.match_firm(actor=SYSTEM, enterprise=w.firm_a, period=JUNE, today=TODAY)
    assert result.removed == 1
    assert not Entitlement.objects.filter(measure=m, enterprise=w.firm_a).exists()
    services.match_firm(actor=SYSTEM, enterprise=w.firm_a2, period=JUNE, today=TODAY)
    assert not Entitlement.objects.filter(measure=m).exists()
