"""The import pages' "Download the template" buttons: the template arrives, and the CSRF token
of the upload form never travels in a URL (where it would land in logs, history and Referer)."""

import openpyxl
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("start", "path", "filename"),
    [
        (
            "/monitoring/import/",
            "/monitoring/import/template.xlsx",
            "月度数据模板-demo-2020-07.xlsx",
        ),
        ("/monitoring/utility/import/", "/monitoring/utility/template.xlsx", "用电抄表数据.xlsx"),
    ],
)
def test_the_template_button_keeps_the_token_out_of_the_url(
    demo, live_server, open_page, log_in, tmp_path, start, path, filename
):
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then=start)
    if start == "/monitoring/import/":
        page.fill("#id_period", "2020-07")
    sent = []
    page.on("request", lambda r: sent.append(r) if path in r.url else None)
    with page.expect_download() as download:
        page.get_by_test_id("template").click()
    assert filename is None or download.value.suggested_filename == filename
    saved = tmp_path / "template.xlsx"
    download.value.save_as(saved)
    assert openpyxl.load_workbook(saved).worksheets[0].max_row >= 1
    (request,) = sent
    assert request.method == "POST"
    assert "csrfmiddlewaretoken" not in request.url and "?" not in request.url
    assert problems == []
