"""The financing paragraph (section 三, 银企对接) is computed from the stored needs and changes
with them; the command `report finance` writes it."""

import datetime as dt
import io
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone, translation

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.finance import selectors, services
from zonedesk.finance.models import Consent, NeedEvent
from zonedesk.reports import summary
from zonedesk.reports.document import plain
from zonedesk.reports.sections import finance as section

H1 = (Period(2020, 1), Period(2020, 6))


def _need(world, *, on, moves, product=None):
    bank = world.users["bank"].bank
    need = factories.financing_need(world.firm_a)
    services.consent_grant(actor=SYSTEM, need=need, bank=bank)
    need = services.need_transition(actor=SYSTEM, need=need, to="shared", on=on)
    day = on
    for move in moves:
        day = day + dt.timedelta(days=3)
        inputs = factories.finance_step_inputs(move)
        if "on" in inputs or move in ("received", "under_review", "approved", "declined"):
            inputs = {**inputs, "on": day}
        if move == "approved":
            inputs["product"] = product
        need = services.need_transition(actor=SYSTEM, need=need, to=move, **inputs)
    return need


def _facts(world):
    first, last = H1
    return selectors.summary(
        world.users["leader"],
        zones=[world.zone_a],
        first=first,
        last=last,
        today=dt.date(2026, 1, 1),
    )


def test_the_paragraph_counts_the_stored_needs_and_follows_a_change(world):
    """Three needs shared in the half-year: one disbursed under a mortgage product, one
    declined, one waiting; the figures, the type line and the rate come from the rows, and a
    fourth need changes them."""
    product = factories.bank_product(
        world.users["bank"].bank, type="mortgage", name="抵押贷（合成）"
    )
    _need(
        world,
        on=dt.date(2020, 3, 2),
        moves=["received", "under_review", "approved", "disbursed"],
        product=product,
    )
    _need(world, on=dt.date(2020, 4, 1), moves=["received", "declined"])
    _need(world, on=dt.date(2020, 5, 6), moves=[])
    f = _facts(world)
    assert (f.needs, f.needs_wan, f.approved, f.declined, f.disbursed) == (
        3,
        Decimal("300"),
        1,
        1,
        1,
    )
    assert f.approval_rate == Decimal("0.5") and f.waiting_overdue == 1
    assert f.avg_response_days is not None
    assert [(t.type, t.approved, t.approved_wan) for t in f.by_type] == [
        ("mortgage", 1, Decimal("80"))
    ]
    with translation.override("zh-hans"):
        text = plain("".join(section.sentences(f, "2020年上半年")))
    assert "300.00" in text and "80.00" in text and "50.00%" in text, text
    _need(world, on=dt.date(2020, 6, 1), moves=["received", "declined"])
    again = _facts(world)
    assert (again.needs, again.declined, again.approval_rate) == (4, 2, Decimal("0.3333"))


def test_the_section_is_in_the_summary_and_the_command(world):
    """`report finance --zone … --period 2020-H1` writes the section; the summary has it."""
    _need(world, on=dt.date(2020, 3, 2), moves=["received"])
    assert "finance" in [p.key for p in summary.parts()]
    out = io.StringIO()
    call_command(
        "report",
        "finance",
        "--zone",
        world.zone_a.code,
        "--period",
        "2020-H1",
        "--lang",
        "en",
        stdout=out,
    )
    text = out.getvalue()
    assert "1 firm shared 1 financing need of" in text, text
    assert "1 firms" not in text and "1 needs" not in text and "1 loans" not in text, text


def test_the_demo_paragraph_tells_the_bridge_fund_and_lending_between_firms(demo):
    """`report finance` for the demo's half year: after the needs, the bridge loans of the fund
    (disbursed February–June 2020), the loans between firms and the guarantee circle, each
    counted from the stored rows; the take-up rate of the needs shared."""
    from zonedesk.finance.models import BridgeLoan, InterFirmLoan

    out = io.StringIO()
    with translation.override("zh-hans"):
        call_command("report", "finance", "--zone", "demo", "--period", "2020-H1", stdout=out)
    text = out.getvalue()
    lent = BridgeLoan.objects.filter(
        fund__zone__code="demo",
        disbursed_on__gte=dt.date(2020, 1, 1),
        disbursed_on__lte=dt.date(2020, 6, 30),
    ).count()
    registered = InterFirmLoan.objects.filter(
        contract_on__gte=dt.date(2020, 1, 1), contract_on__lte=dt.date(2020, 6, 30)
    ).count()
    assert lent and registered
    assert f"办理转贷{lent}笔" in text, text
    assert f"登记企业间借款{registered}笔" in text, text
    assert "担保圈" in text and "需求中，银行已答复" in text, text


def test_the_counts_take_their_plural_in_english_and_their_measure_word_in_chinese(world):
    """One loan, two needs: "1 loan", "2 financing needs" (never "1 loans"); in Chinese the
    counts read 家企业, 条 and 笔 as before."""
    product = factories.bank_product(world.users["bank"].bank, type="mortgage", name="抵押（合成）")
    _need(
        world,
        on=dt.date(2020, 3, 2),
        moves=["received", "under_review", "approved", "disbursed"],
        product=product,
    )
    _need(world, on=dt.date(2020, 4, 1), moves=["received", "declined"])
    f = _facts(world)
    with translation.override("en"):
        english = plain(" ".join(section.sentences(f, "2020-H1")))
    assert "1 firm shared 2 financing needs" in english, english
    assert "approved 1 need for" in english and "disbursed 1 loan of" in english, english
    assert "1 loans" not in english and "1 needs" not in english, english
    with translation.override("zh-hans"):
        chinese = plain("".join(section.sentences(f, "2020年上半年")))
    assert "1 家企业向银行推送融资需求 2 条" in chinese, chinese
    assert "银行批准 1 条、" in chinese and "放款 1 笔、" in chinese, chinese


def test_the_data_stamp_is_the_newest_financing_row_not_the_newest_need(world):
    """数据截至 says when the rows read last changed: a bank's later move on an old need, or a
    consent revoked, moves it; the newest need's creation alone does not hold it back."""
    need = _need(world, on=dt.date(2020, 3, 2), moves=["received"])
    created = need.created_at
    assert _facts(world).as_of >= NeedEvent.objects.filter(need=need).latest("at").at
    later = timezone.now() + dt.timedelta(hours=5)
    NeedEvent.objects.filter(need=need, to_state="received").update(at=later)
    assert _facts(world).as_of == later > created
    revoked = later + dt.timedelta(hours=1)
    Consent.objects.filter(need=need).update(revoked_at=revoked)
    assert _facts(world).as_of == revoked
