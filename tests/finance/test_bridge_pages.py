"""The bridge-loan fund's pages: the dashboard's figures, applying and moving a loan through the
forms (a refused draw shows its figures and stores nothing), the export, the commitment letter
bounded in size."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests import factories
from zonedesk.finance.models import COMMITMENT_MAX_BYTES, BridgeLoan
from zonedesk.org.models import Bank


@pytest.fixture
def world(shared_world):
    return shared_world


@pytest.fixture
def fund(world):
    return factories.bridge_fund(world.zone_a)


@pytest.fixture
def bank(world):
    return Bank.objects.get(name="测试银行开江支行")


def _form(world, bank, **changes):
    return {
        "firm": world.firm_a.pk,
        "bank": bank.pk,
        "maturing_wan": "400",
        "maturing_on": "2020-06-10",
        "committed_wan": "400",
        "requested_wan": "300",
        "term_days": "10",
        **changes,
    }


def test_dashboard_shows_available_out_due_and_overdue(world, client_for, fund, bank):
    """One loan out since 20 days ago (overdue), one approved: available = 5,000 − 300 − 300."""
    from django.utils import timezone

    day = timezone.localdate() - dt.timedelta(days=20)
    factories.bridge_loan(fund, world.firm_a, bank, state="disbursed", day=day)
    factories.bridge_loan(fund, world.firm_a2, bank, state="approved", day=day)

    page = client_for(world.users["leader"]).get(reverse("finance:bridge"))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="available">4,400.00<' in html
    assert 'data-testid="out">300.00<' in html
    assert 'data-testid="overdue">1<' in html


def test_apply_with_a_commitment_letter_then_approve_and_disburse(world, client_for, fund, bank):
    client = client_for(world.users["officer"])
    letter = SimpleUploadedFile(
        "承诺函.pdf", b"%PDF-1.4 commitment", content_type="application/pdf"
    )

    sent = client.post(
        reverse("finance:bridge_apply", args=[fund.pk]),
        _form(world, bank, commitment_file=letter),
    )

    loan = BridgeLoan.objects.get()
    assert sent.status_code == 302 and loan.commitment_file
    assert client.get(reverse("finance:bridge_commitment", args=[loan.pk])).status_code == 200
    url = reverse("finance:bridge_move", args=[loan.pk])
    assert client.post(url, {"to": "approved", "amount_wan": "280"}).status_code == 302
    assert client.post(url, {"to": "disbursed"}).status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.amount_wan) == ("disbursed", D(280))


def test_a_refused_application_shows_the_figures_and_stores_nothing(world, client_for, fund, bank):
    client = client_for(world.users["officer"])

    page = client.post(
        reverse("finance:bridge_apply", args=[fund.pk]), _form(world, bank, requested_wan="390")
    )

    assert page.status_code == 400
    assert "380.00" in page.content.decode()  # 95% of 400
    assert not BridgeLoan.objects.exists()


def test_a_commitment_letter_above_the_cap_is_refused(world, client_for, fund, bank):
    client = client_for(world.users["officer"])
    big = SimpleUploadedFile("big.pdf", b"0" * (COMMITMENT_MAX_BYTES + 1))

    page = client.post(
        reverse("finance:bridge_apply", args=[fund.pk]), _form(world, bank, commitment_file=big)
    )

    assert page.status_code == 400 and not BridgeLoan.objects.exists()


def test_export_lists_the_loans_the_user_sees(world, client_for, fund, bank):
    factories.bridge_loan(fund, world.firm_a, bank, state="repaid", day=dt.date(2020, 6, 1))

    response = client_for(world.users["bank"]).get(reverse("finance:bridge_export"))

    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[1][1] == world.firm_a.name and rows[1][-1] == pytest.approx(0.3)


def test_the_firms_to_apply_for_are_the_funds_zones_the_user_sees(world, fund):
    """A selector, not a query in the view: the officer's firms of the fund's zone, by name; an
    officer of another zone none."""
    from zonedesk.finance.selectors import bridge as selectors

    mine = list(selectors.applicant_firms(world.users["leader"], fund))
    assert mine and all(f.zone_id == fund.zone_id for f in mine)
    assert [f.name for f in mine] == sorted(f.name for f in mine)
    assert world.firm_b not in mine
    assert list(selectors.applicant_firms(world.users["officer_b"], fund)) == []


def test_the_fee_so_far_counts_its_days_in_chinese(world, client_for, fund, bank):
    """今日归还应付占用费 0.86（3 天）: the day count is translated, not "(3 days)"."""
    import re

    from django.utils import timezone

    day = timezone.localdate() - dt.timedelta(days=3)
    loan = factories.bridge_loan(fund, world.firm_a, bank, state="disbursed", day=day)

    page = client_for(world.users["leader"]).get(reverse("finance:bridge_loan", args=[loan.pk]))

    html = page.content.decode()
    fee = re.search(r'data-testid="fee-so-far">([^<]*)<', html).group(1)
    assert re.search(r"（\d+ 天）$", fee), fee
    assert "day" not in fee


def test_the_sidebar_lights_the_pages_own_item(world, client_for, fund, bank):
    """The bridge fund's and the lending register's pages light 转贷应急资金 / 企业间互助借贷,
    not 融资对接; the financing pages still light 融资对接."""
    import re

    loan = factories.bridge_loan(fund, world.firm_a, bank, state="applied")
    client = client_for(world.users["leader"])

    def active(url):
        html = client.get(url).content.decode()
        items = re.findall(r'<li class="nav-item active"><a class="nav-link" href="([^"]+)"', html)
        return items

    bridge_item = reverse("finance:bridge_loans")
    lending_item = reverse("finance:lending")
    for url in (
        reverse("finance:bridge"),
        reverse("finance:bridge_loans"),
        reverse("finance:bridge_loan", args=[loan.pk]),
    ):
        assert active(url) == [bridge_item], url
    for url in (reverse("finance:lending"), reverse("finance:lending_graph")):
        assert active(url) == [lending_item], url
    assert active(reverse("finance:overview")) == [reverse("finance:index")]


def test_the_register_shows_the_rate_once_under_its_percent_heading(world, client_for):
    """The column is headed 年利率 and each rate carries its two decimals and its % (16.00%), as
    the legal ceiling beside it does (上限15.40%), so the two read alike."""
    import re

    from zonedesk.core.actors import SYSTEM
    from zonedesk.finance.services import lending

    lending.interfirm_loan_create(
        actor=SYSTEM,
        data=lending.LoanData(
            lender=world.firm_a,
            borrower=world.firm_a2,
            amount_wan=D(100),
            term_months=6,
            rate_pct=D(16),
            contract_on=dt.date(2021, 3, 1),
            guarantees=[],
        ),
    )
    html = client_for(world.users["leader"]).get(reverse("finance:lending")).content.decode()
    cells = re.findall(r'<td data-label="年利率">([^<]*)<', html)
    assert cells and cells[0].strip() == "16.00%", cells
    ceilings = re.findall(r"上限(\d+\.\d+)%", html)
    assert ceilings and all(re.fullmatch(r"\d+\.\d\d", c) for c in ceilings), ceilings


def test_chinese_sentences_on_the_register_and_overview_join_without_a_space(world, client_for):
    """。 followed by a half-width space reads as a typo in Chinese."""
    import re

    client = client_for(world.users["leader"])
    for url in (reverse("finance:lending"), reverse("finance:overview")):
        html = client.get(url).content.decode()
        text = re.sub(r"<[^>]+>", "", html)
        assert "。 " not in text, url


def test_the_dashboards_limits_read_with_units_and_a_chinese_full_stop(world, fund, client_for):
    """规模5,000.00 万元 and 单户500.00 万元。: the unit apart, and no ASCII full stop in Chinese."""
    page = client_for(world.users["leader"]).get(reverse("finance:bridge")).content.decode()
    assert "规模5,000.00 万元" in page
    assert "单户500.00 万元。</p>" in page
    assert "万元.</p>" not in page
