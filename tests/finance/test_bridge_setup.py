"""Setting up a bridge-loan fund and changing its limits: the zone's leaders and administrators,
field errors in words, every change audited, and no lost update (a stale save comes back)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests import factories
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.finance.models import BridgeFund
from zonedesk.finance.services import bridge as services
from zonedesk.org.models import Bank


@pytest.fixture
def fund(world):
    return factories.bridge_fund(world.zone_a)


def _data(fund, **changes) -> services.FundData:
    values = {
        "zone": fund.zone,
        "name": fund.name,
        "source": fund.source,
        "size_wan": fund.size_wan,
        "share_of_commitment_pct": fund.share_of_commitment_pct,
        "cap_per_firm_wan": fund.cap_per_firm_wan,
        "longest_term_days": fund.longest_term_days,
        "fee_tiers": fund.fee_tiers,
        "overdue_daily_pct": fund.overdue_daily_pct,
        "exclude_wage_arrears": fund.exclude_wage_arrears,
        "exclude_bad_credit": fund.exclude_bad_credit,
    }
    return services.FundData(**(values | changes))


def _form(fund, version, **changes) -> dict:
    values = {
        "name": fund.name,
        "source": fund.source,
        "size_wan": str(fund.size_wan),
        "share_of_commitment_pct": str(fund.share_of_commitment_pct),
        "cap_per_firm_wan": str(fund.cap_per_firm_wan or ""),
        "longest_term_days": fund.longest_term_days,
        "fee_tiers": "1: 0.1\n6: 0.2",
        "overdue_daily_pct": "",
        "exclude_wage_arrears": "on",
        "exclude_bad_credit": "on",
        "active": "on",
        "version": version,
    }
    return values | changes


def test_the_leader_changes_the_limits_audited_and_the_new_limits_apply(world, fund):
    services.bridge_fund_update(
        actor=world.users["leader"],
        fund=fund,
        data=_data(fund, cap_per_firm_wan=D(300), longest_term_days=7),
        expected_version=fund.version,
    )
    fund.refresh_from_db()
    assert (fund.cap_per_firm_wan, fund.longest_term_days, fund.version) == (D(300), 7, 2)
    assert fund.limits().cap_per_firm_wan == D(300)
    entry = AuditEntry.objects.filter(target_type="finance.bridgefund", action="update").get()
    assert set(entry.changes) == {"cap_per_firm_wan", "longest_term_days"}


def test_officers_and_other_zones_cannot_and_nothing_changes(world, fund):
    for who in ("officer", "auditor", "bank"):
        with pytest.raises(PermissionDenied):
            services.bridge_fund_update(actor=world.users[who], fund=fund, data=_data(fund))
    fund.refresh_from_db()
    assert fund.version == 1


def test_the_size_cannot_fall_below_what_is_out(world, fund):
    bank = Bank.objects.get(name="测试银行开江支行")
    factories.bridge_loan(fund, world.firm_a, bank, state="disbursed")
    with pytest.raises(ValidationFailed) as refused:
        services.bridge_fund_update(
            actor=world.users["leader"], fund=fund, data=_data(fund, size_wan=D(100))
        )
    assert "300.00" in refused.value.errors["size_wan"][0]
    fund.refresh_from_db()
    assert fund.size_wan == D(5000)


def test_the_page_shows_field_errors_and_stores_nothing(world, client_for, fund):
    client = client_for(world.users["leader"])
    url = reverse("finance:bridge_fund_edit", args=[fund.pk])
    response = client.post(
        url, _form(fund, fund.version, fee_tiers="6: 0.2\n1: 0.1", share_of_commitment_pct="120")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "fee_tiers" in errors and "share_of_commitment_pct" in errors
    response = client.post(url, _form(fund, fund.version, fee_tiers="一天: 0.1"))
    assert response.status_code == 400 and "第 1 行" in response.content.decode()
    fund.refresh_from_db()
    assert fund.version == 1


def test_a_stale_save_comes_back_with_the_other_change_then_saves_on_top(world, client_for, fund):
    leader, admin = client_for(world.users["leader"]), client_for(world.users["admin"])
    url = reverse("finance:bridge_fund_edit", args=[fund.pk])
    read = leader.get(url).context["form"]["version"].value()
    assert admin.get(url).status_code == 200
    saved = admin.post(url, _form(fund, read, source="城投集团（合成）"))
    assert saved.status_code == 302
    stale = leader.post(url, _form(fund, read, longest_term_days=7, source="财政局（合成）"))
    assert stale.status_code == 409
    form = stale.context["form"]
    assert form.conflict["source"] == "城投集团（合成）"
    again = leader.post(
        url, _form(fund, form.data["version"], longest_term_days=7, source="财政局（合成）")
    )
    assert again.status_code == 302
    fund.refresh_from_db()
    assert (fund.source, fund.longest_term_days, fund.version) == ("财政局（合成）", 7, 3)


def test_a_fund_is_set_up_from_its_page(world, client_for):
    client = client_for(world.users["leader"])
    response = client.post(
        reverse("finance:bridge_fund_new"),
        {
            "zone": world.zone_a.pk,
            "name": "转贷资金二期（合成）",
            "source": "平台公司（合成）",
            "size_wan": "2000",
            "share_of_commitment_pct": "90",
            "cap_per_firm_wan": "300",
            "longest_term_days": "15",
            "fee_tiers": "1: 0.08\n8: 0.15",
            "exclude_bad_credit": "on",
            "active": "on",
            "version": 0,
        },
    )
    assert response.status_code == 302
    fund = BridgeFund.objects.get(name="转贷资金二期（合成）")
    assert fund.fee_tiers == [[1, "0.08"], [8, "0.15"]] and not fund.exclude_wage_arrears
    assert AuditEntry.objects.filter(target_type="finance.bridgefund", action="create").exists()
    assert (
        client_for(world.users["officer"]).get(reverse("finance:bridge_fund_new")).status_code
        == 403
    )


def test_a_cap_per_firm_above_the_fund_size_is_refused_with_the_figures(world, client_for, fund):
    """On the page and in the service (create and update): the field error names both."""
    with pytest.raises(ValidationFailed) as refused:
        services.bridge_fund_update(
            actor=world.users["leader"], fund=fund, data=_data(fund, cap_per_firm_wan=D(6000))
        )
    message = refused.value.errors["cap_per_firm_wan"][0]
    assert "6000" in message and "5000" in message, message
    with pytest.raises(ValidationFailed):
        services.bridge_fund_create(
            actor=world.users["leader"],
            data=_data(fund, name="另一资金池（合成）", size_wan=D(100), cap_per_firm_wan=D(200)),
        )
    url = reverse("finance:bridge_fund_edit", args=[fund.pk])
    response = client_for(world.users["leader"]).post(
        url, _form(fund, fund.version, cap_per_firm_wan="6000")
    )
    assert response.status_code == 400
    assert "cap_per_firm_wan" in response.context["form"].errors
    fund.refresh_from_db()
    assert fund.version == 1 and fund.cap_per_firm_wan != D(6000)


def test_only_the_zones_own_leaders_and_administrators_change_its_fund(world, fund):
    """A city's leader and a province's administrator see the fund but change nothing: the
    fund is the zone's (docs/security.md, "Financing: who sees and sets what")."""
    for who in ("city_leader", "province_admin"):
        with pytest.raises(PermissionDenied):
            services.bridge_fund_update(
                actor=world.users[who], fund=fund, data=_data(fund, longest_term_days=7)
            )
        with pytest.raises(PermissionDenied):
            services.bridge_fund_create(
                actor=world.users[who], data=_data(fund, name="城市资金池（合成）")
            )
    services.bridge_fund_update(
        actor=world.users["admin"], fund=fund, data=_data(fund, longest_term_days=7)
    )
    fund.refresh_from_db()
    assert fund.longest_term_days == 7
