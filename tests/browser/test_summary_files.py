"""The work summary's files in a real browser: the leader downloads the .docx and the PDF of the
half year from the summary page, and last month's from the card the schedule left on the
dashboard; each file opens (python-docx, pypdf) and says the zone's name."""

import datetime as dt

import docx
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONE = "演示经济技术开发区（合成数据）"


def _download(page, testid: str):
    with page.expect_download() as download:
        page.get_by_test_id(testid).click()
    return download.value


def _opens(download, fmt: str) -> str:
    """The file's text, read back by the library that opens its format."""
    path = download.path()
    if fmt == "docx":
        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    reader = PdfReader(str(path))
    assert len(reader.pages) >= 1
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_leader_downloads_both_formats_from_the_summary_page(
    demo, live_server, open_page, log_in
):
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/reports/summary/?zone=demo&period=2020-H1")
    expect(page.get_by_test_id("summary-title")).to_contain_text(ZONE)
    for fmt in ("docx", "pdf"):
        got = _download(page, f"download-{fmt}")
        assert got.suggested_filename == f"{ZONE}2020年上半年工作总结.{fmt}"
        text = _opens(got, fmt)
        assert ZONE in text.replace("\n", "") and "2020" in text
    assert problems == []


def test_the_dashboard_card_offers_last_months_generated_files(
    demo, live_server, open_page, log_in
):
    from zonedesk.core.actors import SYSTEM
    from zonedesk.core.period import Period
    from zonedesk.org.models import Zone
    from zonedesk.reports import services

    services.monthly_summary_generate(
        actor=SYSTEM,
        zone=Zone.objects.get(code="demo"),
        period=Period(2020, 6),
        today=dt.date(2020, 7, 1),
    )
    page, problems = open_page()
    log_in(page, live_server.url, "leader")  # lands on the production dashboard
    card = page.get_by_test_id("monthly-summaries")
    expect(card).to_be_visible()
    expect(card).to_contain_text(ZONE)
    for fmt in ("docx", "pdf"):
        got = _download(page, f"monthly-{fmt}-demo")
        assert got.suggested_filename == f"summary-demo-2020-06.{fmt}"
        text = _opens(got, fmt)
        assert ZONE in text.replace("\n", "") and "6月" in text
    assert problems == []
