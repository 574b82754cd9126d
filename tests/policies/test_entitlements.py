"""The way of a benefit after matching: each step taken by the right person with what it needs
(an amount, a reason, a plausible receipt), stamped with an event and audited; a measure paid
without application skips the application; a rejected benefit is not owed; an expired
package's benefits are no longer open work."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import JUNE, TODAY, document, figures, measure
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import DomainError, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.policies import selectors, services
from zonedesk.policies.models import Entitlement

pytestmark = pytest.mark.django_db


@pytest.fixture
def eligible(setting):
    """firm_a's identified benefit of a 开江 county measure: 5 万元 for 20 employees or more."""
    w = setting
    m = measure(document(w, "county", area=w.kaijiang), "employees >= 20", "5")
    services.match(actor=SYSTEM, firms=Enterprise.objects.all(), period=JUNE, today=TODAY)
    return Entitlement.objects.get(enterprise=w.firm_a, measure=m)


def test_a_benefit_goes_its_whole_way_each_step_stamped(eligible, setting):
    w = setting
    officer, firm = w.users["officer"], w.users["enterprise"]
    services.entitlement_move(actor=officer, entitlement=eligible, to="notified")
    services.entitlement_move(actor=firm, entitlement=eligible, to="applied")
    services.entitlement_move(
        actor=officer, entitlement=eligible, to="approved", amount_wan=Decimal("4.5")
    )
    done = services.entitlement_move(
        actor=officer,
        entitlement=eligible,
        to="disbursed",
        amount_wan=Decimal("4.5"),
        on=dt.date(2020, 8, 1),
    )
    assert (done.state, done.approved_wan, done.disbursed_on) == (
        "disbursed",
        Decimal("4.5"),
        dt.date(2020, 8, 1),
    )
    steps = list(done.events.values_list("from_state", "to_state", "actor__username"))
    assert steps == [
        ("identified", "notified", "officer"),
        ("notified", "applied", "enterprise"),
        ("applied", "approved", "officer"),
        ("approved", "disbursed", "officer"),
    ]
    assert AuditEntry.objects.filter(target_type="policies.entitlement").count() == 4


@pytest.mark.parametrize(
    ("user", "steps", "error"),
    [
        ("officer", ["notified", "applied", "disbursed"], "TransitionRefused"),  # approval first
        ("enterprise", ["notified"], "PermissionDenied"),  # the firm does not notify itself
        ("officer2", ["notified"], "PermissionDenied"),  # not this firm's officer
        ("officer", ["notified", "approved"], "ValidationFailed"),  # no amount
        ("officer", ["notified", "applied", "rejected"], "ValidationFailed"),  # no reason
    ],
)
def test_disallowed_moves_are_refused_and_change_nothing(eligible, setting, user, steps, error):
    from zonedesk.core.errors import DomainError

    actor = setting.users[user]
    *ok, last = steps
    for step in ok:
        mover = setting.users["enterprise"] if step == "applied" else setting.users["officer"]
        services.entitlement_move(actor=mover, entitlement=eligible, to=step)
    eligible.refresh_from_db()
    before = (eligible.state, eligible.events.count())
    with pytest.raises(DomainError) as caught:
        services.entitlement_move(actor=actor, entitlement=eligible, to=last)
    assert type(caught.value).__name__ == error
    eligible.refresh_from_db()
    assert (eligible.state, eligible.events.count()) == before


def test_the_firm_may_decline_with_a_reason(eligible, setting):
    done = services.entitlement_move(
        actor=setting.users["enterprise"], entitlement=eligible, to="declined", note="不需要"
    )
    assert done.state == "declined" and done.reason == "不需要"


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
    # The zone reports January 2021: its as-of date (2021-01-31) is past the package's end.
    figures(world.firm_a2, 10)
    MonthlyFigure.objects.filter(enterprise=world.firm_a2).update(period=dt.date(2021, 1, 1))
    leader = world.users["leader"]
    assert not selectors.open_entitlements(leader).exists()
    assert selectors.firm_summary(leader, enterprise=world.firm_a).open == 0
    with pytest.raises(DomainError):
        services.entitlement_move(actor=world.users["officer"], entitlement=e, to="notified")
