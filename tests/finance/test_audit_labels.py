"""The audit log names a financing record's fields by their own words (issue 19): a need's note
is its 备注, not an alert's 核实说明; a loan's disbursement date is its 放款日期, not a subsidy's
兑现日期. The labels come from the fields' verbose names, translated with their own context
(the English stays, so no migration)."""

import pytest
from django.utils import translation

from zonedesk.finance.models import BridgeLoan, FinancingNeed, Guarantee, InterFirmLoan
from zonedesk.monitoring.models import AlertAck
from zonedesk.org.auditlog import field_label
from zonedesk.policies.models import Entitlement


@pytest.mark.parametrize(
    ("model", "name", "zh", "en"),
    [
        (FinancingNeed, "note", "备注", "note"),
        (BridgeLoan, "note", "备注", "note"),
        (Guarantee, "note", "备注", "note"),
        (InterFirmLoan, "note", "备注", "note"),
        (BridgeLoan, "disbursed_on", "放款日期", "disbursed on"),
        (FinancingNeed, "disbursed_on", "放款日期", "disbursed on"),
    ],
)
def test_financing_fields_are_named_by_their_own_words(model, name, zh, en):
    with translation.override("zh-hans"):
        assert field_label(model, name) == zh
    with translation.override("en"):
        assert field_label(model, name) == en


def test_the_alert_and_the_subsidy_keep_theirs():
    with translation.override("zh-hans"):
        assert field_label(AlertAck, "note") == "核实说明"
        assert field_label(Entitlement, "disbursed_on") == "兑现日期"
