"""The draft's page: opened from the summary page, saved as a new version, a stale save answered
409 with the user's text kept, a broken figure answered 400 with nothing saved, a figure the data
no longer gives highlighted and listed, and the export of a version in its edited text.

Rows as in test_draft_services: output 310 against 300 in June (up 3.33%); firm_a2's June 2020
corrected from 180 to 210 makes it 320 / 300, up 6.67%."""

import datetime as dt
import io
import re
import zipfile
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.reports import drafts, selectors
from zonedesk.reports.document import Paragraph
from zonedesk.reports.models import SummaryDraft


@pytest.fixture
def rows(world):
    for firm, before, after in ((world.firm_a, 100, 110), (world.firm_a2, 200, 180)):
        for period, output in (("2019-06-01", before), ("2020-06-01", after)):
            MonthlyFigure.objects.create(
                enterprise=firm, period=period, output_value_wan=output, employees=10
            )
    return world


@pytest.fixture
def leader(rows, client_for):
    client = client_for(rows.users["leader"])
    client.cookies["django_language"] = "en"
    return client


def _open(client) -> SummaryDraft:
    response = client.post(
        reverse("reports:draft_open"), {"zone": "zone-a", "period": "2020-06", "lang": "en"}
    )
    assert response.status_code == 302
    return SummaryDraft.objects.get()


def _form(draft: SummaryDraft, version: int, **changes) -> dict:
    latest = selectors.draft_version(None, draft, number=version)
    doc = selectors.draft_document(latest)
    texts = [drafts.editable(b.text, doc.lang) for b in doc.blocks if isinstance(b, Paragraph)]
    data = {"version": str(version), "title": latest.title}
    data |= {f"p{i}": t for i, t in enumerate(texts, start=1)}
    return data | changes


def test_the_summary_page_opens_a_draft_and_then_links_to_it(leader):
    page = leader.get(reverse("reports:summary"), {"zone": "zone-a", "period": "2020-06"})
    assert 'data-testid="draft-open"' in page.content.decode()
    draft = _open(leader)
    page = leader.get(reverse("reports:summary"), {"zone": "zone-a", "period": "2020-06"})
    assert reverse("reports:draft", args=[draft.pk]) in page.content.decode()


def test_the_summary_downloads_are_named_by_its_title(leader):
    for fmt in ("md", "docx"):
        got = leader.get(
            reverse("reports:summary"),
            {"zone": "zone-a", "period": "2020-H1", "format": fmt, "lang": "zh"},
        )
        fallback, named = got["Content-Disposition"].split("; filename*=UTF-8''")
        assert fallback == f'attachment; filename="summary-zone-a-2020-H1.{fmt}"'
        assert unquote(named) == f"甲经开区2020年上半年工作总结.{fmt}"


def test_a_save_makes_version_2_and_the_export_has_the_edited_text(leader):
    draft = _open(leader)
    data = _form(draft, 1)
    data["p1"] = "经核实，" + data["p1"]
    response = leader.post(reverse("reports:draft", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2
    md = leader.get(reverse("reports:draft", args=[draft.pk]), {"format": "md"})
    text = md.content.decode()
    # Named in the draft's words, like the other downloads; an ASCII name for old clients.
    fallback, named = md["Content-Disposition"].split("; filename*=UTF-8''")
    assert fallback == f'attachment; filename="summary-draft-{draft.pk}-v2.md"'
    title = selectors.draft_version(None, draft).title
    assert unquote(named) in (f"{title}（第2版）.md", f"{title} (version 2).md")
    assert "经核实，" in text and "3.33%" in text and "\ue000" not in text
    old = leader.get(reverse("reports:draft", args=[draft.pk]), {"format": "md", "version": "1"})
    assert "经核实，" not in old.content.decode()
    docx = leader.get(reverse("reports:draft", args=[draft.pk]), {"format": "docx"})
    with zipfile.ZipFile(io.BytesIO(docx.content)) as z:
        body = z.read("word/document.xml").decode()
    assert "经核实，" in re.sub(r"<[^>]+>", "", body)


def test_a_stale_save_is_409_and_keeps_the_users_text(leader, rows, client_for):
    draft = _open(leader)
    officer = client_for(rows.users["officer"])
    officer.post(reverse("reports:draft", args=[draft.pk]), _form(draft, 1, title="第一稿"))
    data = _form(draft, 1)
    data["p1"] = "我的修改：" + data["p1"]
    response = leader.post(reverse("reports:draft", args=[draft.pk]), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Nothing was saved" in page and "officer" in page
    assert "我的修改：" in page  # kept beside the stored version for the user to copy
    assert SummaryDraft.objects.get().version == 2


def test_a_changed_figure_is_400_and_nothing_is_saved(leader):
    draft = _open(leader)
    data = _form(draft, 1)
    data["p1"] = data["p1"].replace("【3.33%｜", "【9.99%｜")
    response = leader.post(reverse("reports:draft", args=[draft.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="draft-errors"' in page and "9.99%" in page
    assert SummaryDraft.objects.get().version == 1


def test_a_figure_changed_in_the_data_is_highlighted_and_listed(leader, rows):
    draft = _open(leader)
    page = leader.get(reverse("reports:draft", args=[draft.pk])).content.decode()
    assert 'data-testid="stale-none"' in page and 'data-testid="draft-newer-data"' not in page
    MonthlyFigure.objects.filter(enterprise=rows.firm_a2, period="2020-06-01").update(
        output_value_wan=210, submitted_at=timezone.now() + dt.timedelta(minutes=1)
    )
    page = leader.get(reverse("reports:draft", args=[draft.pk])).content.decode()
    assert 'data-testid="stale-list"' in page
    marked = re.search(
        r'<mark class="zd-figure zd-stale" data-figure="output_yoy"[^>]*>([^<]*)<', page
    )
    assert marked and marked[1] == "3.33%"
    assert 'data-now="6.67%"' in page
    assert 'data-testid="draft-newer-data"' in page  # the annex is the draft's, older
    # The list and the hover name the figure in words; no key or selector reaches the text.
    items = re.findall(r'data-testid="stale-item"[^>]*>(.*?)</li>', page, flags=re.S)
    assert any(i.startswith(("output value YoY: 3.33%", "产值同比: 3.33%")) for i in items)
    assert not any(re.search(r"[a-z]+_[a-z_]+|selectors", i) for i in items)


def test_the_editor_and_the_hovers_show_names_not_keys(leader):
    """The text boxes hold 【3.33%｜output value YoY】 (产值同比 in Chinese), never a key such as
    output_yoy; a figure's hover says what it is, the scope, the period and the data's time."""
    draft = _open(leader)
    page = leader.get(reverse("reports:draft", args=[draft.pk])).content.decode()
    boxes = " ".join(re.findall(r"<textarea[^>]*>(.*?)</textarea>", page, flags=re.S))
    assert "【3.33%｜output value YoY】" in boxes or "【3.33%｜产值同比】" in boxes
    assert "[[" not in boxes and not re.search(r"[a-z]+_[a-z_]+", boxes)
    titles = re.findall(r'class="zd-figure"[^>]*title="([^"]*)"', page)
    assert titles and not any(re.search(r"[a-z]+_[a-z_]+|selectors", t) for t in titles)
    assert any(t.startswith(("output value YoY · ", "产值同比 · ")) for t in titles)
