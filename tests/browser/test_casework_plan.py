"""The firm's own plan (一企一策) as printed: it names the firm and its zone, is dated, and has
the liaison officer's and the firm's head's signature lines (the page header is not printed)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zonedesk.enterprises.models import Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_printed_plan_names_the_firm_and_has_signature_lines(
    demo, live_server, open_page, log_in
):
    firm = Enterprise.objects.filter(officer__username="officer").order_by("id").first()
    page, problems = open_page()
    log_in(page, live_server.url, "officer", then=f"/casework/firms/{firm.pk}/plan/")
    head = page.get_by_test_id("plan-print-head")
    signatures = page.get_by_test_id("plan-signatures")
    expect(page.locator(".page-title")).to_contain_text(firm.name)
    expect(head).to_be_hidden()  # on screen the page title says it

    page.emulate_media(media="print")
    expect(page.locator(".page-title")).to_be_hidden()
    expect(head).to_be_visible()
    expect(head.locator("h1")).to_contain_text(firm.name)
    expect(head).to_contain_text(f"园区：{firm.zone.name}")
    today = timezone.localdate()
    expect(head).to_contain_text(f"打印日期：{today.year}年{today.month}月{today.day}日")
    expect(signatures).to_be_visible()
    expect(signatures).to_contain_text("包联干部（签字）：")
    expect(signatures).to_contain_text("企业负责人（签字）：")
    expect(page.get_by_test_id("action-form")).to_be_hidden()
    # The head is on the first printed page: above the profile, at the top of the page.
    box, profile = head.bounding_box(), page.get_by_test_id("plan-profile").bounding_box()
    assert box["y"] < profile["y"] and box["y"] < 200
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert problems == []


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_the_printed_plan_is_one_column_and_short(demo, live_server, open_page, log_in):
    """The walk's print of the demo's first firm: the screen's two columns kept, the support
    list in a half-width column over four A4 pages under an almost empty first one, and the
    month read "2020-06". Printed, the lists take the page's whole width, the plan fits two A4
    pages, and the month reads as officials write it."""
    firm = Enterprise.objects.order_by("id").first()
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then=f"/casework/firms/{firm.pk}/plan/")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    width = page.get_by_test_id("plan-profile").bounding_box()["width"]
    for part in ("plan-problems", "plan-unclaimed"):
        assert page.get_by_test_id(part).bounding_box()["width"] > 0.9 * width, part
    expect(page.get_by_test_id("plan-figures")).to_contain_text("2020年6月")
    expect(page.get_by_test_id("plan-figures")).not_to_contain_text("2020-06")
    assert page.get_by_test_id("plan-unclaimed").locator("a").count() > 30  # a long list
    pdf = page.pdf(format="A4")
    assert _pdf_pages(pdf) <= 2
    assert problems == []
