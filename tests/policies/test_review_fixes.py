"""Behaviour fixed after a code review and a browser walk-through of the policy module: every
path checks a document's level and validity, expired packages keep their coverage but take no
new firms, receipts are plausible, rates round half-up everywhere, and the firm page's queries
do not grow with its benefits."""

import datetime as dt
import json
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.policies.test_imports import row, run, workbook
from tests.policies.test_matching import JUNE, TODAY, document, figures, measure
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import DomainError, ValidationFailed
from zonedesk.core.xlsx import ImportRejected
from zonedesk.enterprises.models import Enterprise
from zonedesk.policies import imports, selectors, services
from zonedesk.policies.models import Entitlement, Measure

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_a_documents_level_must_match_its_area_on_every_path(world, client_for):
    api = client_for(world.users["province_admin"])
    body = {
        "level": "province",
        "area_code": "511723",  # a county
        "issuer": "x",
        "title": "t",
        "valid_from": "2020-03-01",
    }
    assert (
        api.post("/api/v1/policies/documents", json.dumps(body), content_type=JSON).status_code
        == 400
    )
    doc = document(world, "county", area=world.kaijiang)
    r = api.patch(
        f"/api/v1/policies/documents/{doc.pk}", json.dumps({"level": "province"}), content_type=JSON
    )
    doc.refresh_from_db()
    assert r.status_code == 400 and doc.level == "county"
    with pytest.raises(ValidationFailed) as caught:
        services.document_update(actor=SYSTEM, document=doc, valid_to=dt.date(2020, 1, 1))
    assert "valid_to" in caught.value.errors  # a message, not the constraint's name


def test_a_rejected_benefit_is_not_counted_as_owed(world):
    figures(world.firm_a, 50)
    m = measure(document(world, "province", area=world.sichuan), "employees >= 5", "10")
    e = Entitlement.objects.get(enterprise=world.firm_a, measure=m)
    for to, kw in (("notified", {}), ("applied", {}), ("rejected", {"note": "材料不全"})):
        e = services.entitlement_move(actor=SYSTEM, entitlement=e, to=to, **kw)
    assert selectors.unclaimed_firms(world.users["leader"], zone=world.zone_a) == []


def test_an_expired_package_is_not_open_work_and_takes_no_new_firms(world):
    figures(world.firm_a, 50)
    doc = document(world, "province", area=world.sichuan, valid_to=dt.date(2020, 12, 31))
    m = measure(doc, "employees >= 5", rematch=False)
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    e = Entitlement.objects.get(enterprise=world.firm_a, measure=m)
    leader = world.users["leader"]
    assert not selectors.open_entitlements(leader).exists()
    assert selectors.firm_summary(leader, enterprise=world.firm_a).open == 0
    with pytest.raises(DomainError):
        services.entitlement_move(actor=world.users["officer"], entitlement=e, to="notified")


def test_a_receipt_must_be_plausible(world):
    figures(world.firm_a, 50)
    m = measure(document(world, "province", area=world.sichuan), "employees >= 5")
    e = Entitlement.objects.get(enterprise=world.firm_a, measure=m)
    services.entitlement_move(actor=SYSTEM, entitlement=e, to="notified")
    services.entitlement_move(actor=SYSTEM, entitlement=e, to="approved", amount_wan=Decimal("10"))
    for amount, on, field in (
        (Decimal("99999999"), dt.date(2020, 8, 1), "amount_wan"),  # more than approved
        (Decimal("0"), dt.date(2020, 8, 1), "amount_wan"),
        (Decimal("5"), dt.date(1900, 1, 1), "on"),  # before the measure took effect
    ):
        with pytest.raises(ValidationFailed) as caught:
            services.entitlement_move(
                actor=SYSTEM, entitlement=e, to="disbursed", amount_wan=amount, on=on
            )
        assert set(caught.value.errors) == {field}
    e.refresh_from_db()
    assert e.state == "approved" and e.disbursed_wan is None


def test_a_measure_paid_without_application_has_no_applied_step(world):
    figures(world.firm_a, 50)
    m = measure(document(world, "province", area=world.sichuan), "employees >= 5", mode="automatic")
    e = services.entitlement_move(
        actor=SYSTEM,
        entitlement=Entitlement.objects.get(measure=m, enterprise=world.firm_a),
        to="notified",
    )
    assert services.next_moves(world.users["officer"], e) == ["approved"]
    with pytest.raises(DomainError):
        services.entitlement_move(actor=world.users["enterprise"], entitlement=e, to="applied")


def test_a_clause_names_one_measure_of_its_document(world):
    doc = document(world, "province", area=world.sichuan)
    measure(doc, "employees >= 5", clause="第一条")
    with pytest.raises(ValidationFailed) as caught:
        measure(doc, "employees >= 6", clause="第一条")
    assert set(caught.value.errors) == {"clause"}
    other = measure(doc, "employees >= 7", clause="第二条")
    with pytest.raises(ValidationFailed):
        services.measure_update(actor=SYSTEM, measure=other, clause="第一条")
    assert Measure.objects.count() == 2


def test_an_export_reimported_unchanged_passes_though_it_holds_other_units(world):
    """The export holds every level the user reads; rows of other units are refused only
    when they would change something."""
    run(
        world,
        workbook([row("一"), row("一", doc=["province", "510000", "省（合成）", "", "省措施"])]),
        user=None,
    )
    city = world.users["city_leader"]
    content = imports.export_bytes(city)
    summary = services.measures_import(actor=city, content=content, filename="x.xlsx")
    assert summary.measures_created == summary.measures_updated == 0
    changed = workbook(
        [
            row(
                "一",
                doc=["province", "510000", "省（合成）", "", "省措施"],
                eligibility="employees >= 1",
            )
        ]
    )
    with pytest.raises(ImportRejected) as caught:
        services.measures_import(actor=city, content=changed, filename="x.xlsx")
    assert [e.row for e in caught.value.errors] == [2]


@pytest.mark.parametrize("role", ["leader", "city_leader", "officer", "enterprise"])
def test_the_firm_pages_queries_do_not_grow_with_its_benefits(world, client_for, role):
    figures(world.firm_a, 50)
    doc = document(world, "province", area=world.sichuan)
    counts = []
    for n in (2, 12):
        while doc.measures.count() < n:
            measure(doc, "employees >= 5", clause=f"c{doc.measures.count()}")
        client = client_for(world.users[role])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/policies/firms/{world.firm_a.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_document_leaving_an_area_drops_the_pairs_of_firms_it_no_longer_covers(world):
    figures(world.firm_a, 50)
    other = factories.area("511722", "宣汉县", "county", world.dazhou)
    doc = document(world, "county", area=world.kaijiang)
    m = measure(doc, "employees >= 5")
    assert Entitlement.objects.filter(measure=m, enterprise=world.firm_a).exists()
    services.document_update(actor=world.users["city_leader"], document=doc, area=other)
    assert not Entitlement.objects.filter(measure=m, enterprise=world.firm_a).exists()


def test_rates_round_half_up_in_excel_and_api_as_on_the_page(world, client_for):
    from zonedesk.core.templatetags.zd import pct
    from zonedesk.policies import sheets

    rate = Decimal(1) / 32  # 3.125 %
    assert pct(rate) == "3.13%" and sheets._rate(rate) == Decimal("3.13")


def test_coverage_lists_every_measure_covering_the_zone_with_its_zeros(world):
    figures(world.firm_a, 50)
    doc = document(world, "province", area=world.sichuan)
    some = measure(doc, "employees >= 5", clause="一")
    none = measure(doc, "employees >= 500", clause="二")
    _levels, by_measure = selectors.coverage(world.users["leader"], zone=world.zone_a)
    assert [(r.key, r.eligible) for r in by_measure] == [(str(some.pk), 1), (str(none.pk), 0)]


def test_a_refused_step_is_said_at_the_top_and_a_reload_goes_back_to_the_firm(world, client_for):
    figures(world.firm_a, 50)
    m = measure(document(world, "province", area=world.sichuan), "employees >= 5")
    e = Entitlement.objects.get(measure=m, enterprise=world.firm_a)
    officer = client_for(world.users["officer"])
    response = officer.post(f"/policies/entitlements/{e.pk}/move/", {"to": "approved"})
    html = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in html and f"e{e.pk}" in html
    reload = officer.get(f"/policies/entitlements/{e.pk}/move/")
    assert reload.status_code == 302 and reload["Location"].endswith(f"#e{e.pk}")


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


def test_a_rematch_never_overwrites_a_step_taken_meanwhile(world):
    """The stored states are read, somebody moves a benefit on, then the re-match writes: the
    step stands (and a pair under way is never deleted)."""
    from zonedesk.core.period import Period
    from zonedesk.policies import bulk, facts, matching

    figures(world.firm_a, 50)
    m = measure(document(world, "province", area=world.sichuan), "employees >= 5")
    measures = [Measure.objects.select_related("document", "current").get(pk=m.pk)]
    # the re-match's reading half, with a rule the firm no longer meets
    services.measure_rules_set(
        actor=SYSTEM, measure=m, eligibility="employees >= 500", rematch=False
    )
    measures = [Measure.objects.select_related("document", "current").get(pk=m.pk)]
    firms = Enterprise.objects.filter(pk=world.firm_a.pk)
    table = facts.fact_table(firms, Period(2020, 6))
    tree, benefit = services._compiled(measures[0].current.eligibility, "")
    rule = matching.Rule("province", tree, benefit, bulk.Scopes(table).mask(measures[0].document))
    decided = matching.decide(table.columns, len(table), [rule])
    stored = bulk.read_stored(firms, measures, table, Period(2020, 6), decided.missing_texts)
    plan = matching.plan(decided, stored)
    assert len(plan.delete_keys) == 1  # it would go
    # meanwhile the officer tells the firm
    e = Entitlement.objects.get(measure=m)
    services.entitlement_move(actor=world.users["officer"], entitlement=e, to="notified")
    versions = np.array([measures[0].current_id])
    from django.utils import timezone

    bulk.write(
        plan, table, measures, versions, decided.missing_texts, Period(2020, 6), timezone.now()
    )
    e.refresh_from_db()
    assert e.state == "notified" and e.events.count() == 1


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
