"""Consent: a bank sees a need only while the firm's consent for that bank stands, and only the
figures the consent covers."""

from decimal import Decimal

import pytest
from django.utils.timezone import localdate

from tests import factories
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.finance import selectors, services


def test_a_bank_sees_only_needs_shared_with_it_and_nothing_after_revocation(world):
    """Shared with the bank: listed; a draft, another bank's, or a revoked one: not."""
    bank_user = world.users["bank"]
    shared = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    factories.financing_need(world.firm_a)  # a draft
    factories.financing_need(world.firm_a2, shared_with=[factories.bank("别家银行（合成）")])
    assert list(selectors.need_scope(bank_user)) == [shared]
    consent = shared.consents.get()
    services.consent_revoke(actor=world.users["enterprise"], consent=consent)
    assert list(selectors.need_scope(bank_user)) == []
    assert selectors.need_get(bank_user, pk=shared.pk) is None
    assert AuditEntry.objects.filter(target_type="finance.consent", action="update").exists()


def test_figures_reach_the_bank_only_when_the_consent_covers_them(world):
    """The page's figures are None for the bank unless covers_figures; the firm's side sees them."""
    bank_user = world.users["bank"]
    need = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    assert selectors.need_page(bank_user, need).figures is None
    assert selectors.need_page(bank_user, need).matches == []
    assert selectors.need_page(world.users["officer"], need).figures is not None
    covered = factories.financing_need(
        world.firm_a, shared_with=[bank_user.bank], covers_figures=True
    )
    assert selectors.need_page(bank_user, covered).figures is not None


def test_consent_is_the_firms_an_officer_records_it_in_writing(world):
    """The firm's user consents; its officer only with the written consent noted; a leader or
    the bank may not."""
    need = factories.financing_need(world.firm_a)
    bank = world.users["bank"].bank
    with pytest.raises(ValidationFailed):
        services.consent_grant(actor=world.users["officer"], need=need, bank=bank)
    consent = services.consent_grant(
        actor=world.users["officer"], need=need, bank=bank, written="企业书面授权书 2020-06-01"
    )
    assert consent.written.startswith("企业书面授权书")
    for who in ("leader", "bank", "officer2"):
        with pytest.raises(PermissionDenied):
            services.consent_revoke(actor=world.users[who], consent=consent)
    with pytest.raises(ValidationFailed):
        services.consent_grant(actor=world.users["enterprise"], need=need, bank=bank)


def test_the_written_consent_refuses_a_control_character(world):
    """The officer's record of the firm's written consent is one line of plain text."""
    need = factories.financing_need(world.firm_a)
    with pytest.raises(ValidationFailed) as refused:
        services.consent_grant(
            actor=world.users["officer"],
            need=need,
            bank=world.users["bank"].bank,
            written="2020-06-01 签字\x1b[31m",
        )
    assert "written" in refused.value.errors
    assert not need.consents.exists()


@pytest.mark.parametrize(
    ("lang", "words"), [("zh-hans", "授权在本需求上仍有效"), ("en", "stands already")]
)
def test_the_form_offers_only_banks_without_a_standing_consent(world, client_for, lang, words):
    """A bank holding the firm's live consent is not offered; naming it anyway is the bank
    field's error (400, in the reader's language), and nothing changes. Once revoked, it is
    offered again."""
    from django.urls import reverse

    bank = world.users["bank"].bank
    other = factories.bank("另一银行（合成）")
    need = factories.financing_need(world.firm_a, shared_with=[bank])
    client = client_for(world.users["enterprise"])
    client.cookies["django_language"] = lang
    page = client.get(reverse("finance:need", args=[need.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    offered = list(page.context["banks"])
    assert bank not in offered and other in offered
    audits = AuditEntry.objects.count()
    response = client.post(
        reverse("finance:consent_grant", args=[need.pk]),
        {"bank": bank.pk},
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert response.status_code == 400
    errors = response.context["consent_form"].errors["bank"]
    assert any(words in e and bank.name in e for e in errors), errors
    assert 'data-testid="error-bank"' in response.content.decode()
    assert need.consents.count() == 1 and AuditEntry.objects.count() == audits
    services.consent_revoke(actor=world.users["enterprise"], consent=need.consents.get())
    page = client.get(reverse("finance:need", args=[need.pk]))
    assert bank in list(page.context["banks"])


def _approved(world, **consent):
    """A need of firm_a shared with the bank user's bank and approved by it."""
    bank_user = world.users["bank"]
    need = factories.financing_need(world.firm_a, shared_with=[bank_user.bank], **consent)
    for to, data in (
        ("received", {}),
        ("under_review", {}),
        ("approved", {"amount_wan": Decimal("80"), "rate_pct": Decimal("3.9"), "term_months": 12}),
    ):
        need = services.need_transition(actor=bank_user, need=need, to=to, **data)
    return need


def test_after_approval_a_revoked_consent_leaves_the_bank_its_decision_record(world):
    """The approving bank still lists and opens the loan and records disbursement and
    repayment; the firm's figures and note are hidden from it."""
    bank_user = world.users["bank"]
    need = _approved(world, covers_figures=True, note="企业备注（合成）")
    assert selectors.need_page(bank_user, need).figures is not None
    services.consent_revoke(actor=world.users["enterprise"], consent=need.consents.get())

    assert list(selectors.need_scope(bank_user)) == [need]
    page = selectors.need_page(bank_user, selectors.need_get(bank_user, pk=need.pk))
    assert page.figures is None and page.decision_only
    assert page.moves == ["disbursed"]
    need = services.need_transition(
        actor=bank_user, need=need, to="disbursed", amount_wan=Decimal("80"), on=localdate()
    )
    assert need.status == "disbursed"
    assert selectors.need_page(bank_user, need).moves == ["repaid"]


def test_the_bank_page_after_revocation_shows_the_decision_not_the_firm_data(world, client_for):
    from django.urls import reverse

    need = _approved(world, covers_figures=True, note="企业备注（合成）")
    services.consent_revoke(actor=world.users["enterprise"], consent=need.consents.get())

    page = client_for(world.users["bank"]).get(reverse("finance:need", args=[need.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="need-approved"' in html and "80.00" in html
    assert "企业备注（合成）" not in html and 'data-testid="need-figures"' not in html
    assert "企业已撤回授权" in html


def test_a_consent_revoked_before_approval_hides_the_need_from_the_bank(world):
    """Received or under review: the bank has decided nothing, the need goes with the consent."""
    bank_user = world.users["bank"]
    need = factories.financing_need(world.firm_a, shared_with=[bank_user.bank])
    need = services.need_transition(actor=bank_user, need=need, to="received")
    services.consent_revoke(actor=world.users["enterprise"], consent=need.consents.get())
    assert selectors.need_get(bank_user, pk=need.pk) is None


def test_consent_audit_entries_name_the_firm(world):
    """Giving and revoking a consent: the audit rows read from the database name the firm."""
    need = factories.financing_need(world.firm_a)
    bank = factories.bank("审计银行（合成）")
    consent = services.consent_grant(actor=world.users["enterprise"], need=need, bank=bank)
    services.consent_revoke(actor=world.users["enterprise"], consent=consent)

    rows = AuditEntry.objects.filter(target_type="finance.consent", target_id=str(consent.pk))
    assert {r.action for r in rows} == {"create", "update"}
    for r in rows:
        assert world.firm_a.name in r.target_repr and bank.name in r.target_repr


def test_the_bank_reads_its_consent_in_joined_chinese_sentences_saying_each_thing_once(
    world, client_for
):
    """同意日期：…。企业… with no half-width space after 。, and "not shared" said once."""
    import re

    from django.urls import reverse

    need = factories.financing_need(world.firm_a, shared_with=[world.users["bank"].bank])
    html = client_for(world.users["bank"]).get(reverse("finance:need", args=[need.pk]))
    html = html.content.decode()
    consent = re.search(r'data-testid="bank-consent">(.*?)</p>', html, re.S).group(1)
    assert "。" in consent and "。 " not in consent, consent
    assert html.count("月度经营数据") == 1
