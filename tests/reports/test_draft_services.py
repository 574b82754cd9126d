"""Drafts of the work summary, stored (reports.services, reports.selectors): opened from the data
as version 1, each save a new version with its author, a stale save refused with nothing saved,
every write audited, a changed stored figure found and named when the draft is reopened, and only
the officials of the zone or area see its drafts.

The rows, worked by hand: June 2019 firm_a 100 and firm_a2 200 (10k yuan), June 2020 110 and 180:
290 against 300, output down 3.33%. firm_a2's June 2020 corrected to 210: 320 / 300, up 6.67%;
corrected to 200 instead: 310 / 300, up 3.33% (the same rate, the other way)."""

import pytest
from django.utils import translation

from zonedesk.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.reports import drafts, selectors, services
from zonedesk.reports.document import Paragraph, figures
from zonedesk.reports.models import SummaryDraft


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def rows(world):
    for firm, before, after in ((world.firm_a, 100, 110), (world.firm_a2, 200, 180)):
        for period, output in (("2019-06-01", before), ("2020-06-01", after)):
            MonthlyFigure.objects.create(
                enterprise=firm, period=period, output_value_wan=output, employees=10
            )
    return world


def _open(world, who="leader"):
    draft, _created = services.draft_open(
        actor=world.users[who], zone="zone-a", period="2020-06", lang="en"
    )
    return draft


def _texts(draft) -> list[str]:
    version = selectors.draft_version(None, draft)
    doc = selectors.draft_document(version)
    return [drafts.editable(b.text, doc.lang) for b in doc.blocks if isinstance(b, Paragraph)]


def test_a_draft_opens_from_the_data_as_version_1(rows):
    draft = _open(rows)
    assert draft.version == 1
    v1 = selectors.draft_version(rows.users["leader"], draft)
    assert (v1.number, v1.author, v1.title) == (1, rows.users["leader"], v1.title)
    doc = selectors.draft_document(v1)
    status = next(b for b in doc.blocks if isinstance(b, Paragraph))
    assert figures(status.text)["output_yoy"] == "3.33%"
    assert status.source.selector == "monitoring.selectors.status"
    assert doc.annex  # the key figures and the charts are kept with the draft
    # Opened again (by another official): the same draft, not a second one.
    again, created = services.draft_open(
        actor=rows.users["officer"], zone="zone-a", period="2020-06", lang="en"
    )
    assert (again.pk, created) == (draft.pk, False)
    entry = AuditEntry.objects.get(target_type="reports.summarydraft", action="create")
    assert entry.zone_id == rows.zone_a.pk and entry.changes["version"] == [None, 1]


def test_each_save_is_a_new_version_with_its_author(rows):
    draft = _open(rows)
    texts = _texts(draft)
    texts[0] = "按月监测，" + texts[0]
    saved = services.draft_save(
        actor=rows.users["officer"],
        draft=draft,
        expected_version=1,
        title="甲经开区六月工作总结（修改稿）",
        texts=texts,
    )
    assert (saved.number, saved.author, draft.version) == (2, rows.users["officer"], 2)
    versions = selectors.draft_versions(rows.users["leader"], draft)
    assert [v.number for v in versions] == [2, 1]
    edited = selectors.draft_document(versions[0])
    first = next(b for b in edited.blocks if isinstance(b, Paragraph))
    assert drafts.editable(first.text).startswith("按月监测，")
    assert figures(first.text)["output_yoy"] == "3.33%"  # still marked, with its source
    assert edited.title == "甲经开区六月工作总结（修改稿）"
    # Version 1 is kept as it was.
    assert selectors.draft_document(versions[1]).title != edited.title
    entry = AuditEntry.objects.get(target_type="reports.summarydraft", action="update")
    assert entry.changes["version"] == [1, 2] and entry.actor == rows.users["officer"]


def test_a_save_on_an_older_version_is_refused_and_nothing_is_saved(rows):
    """Two officials edit version 1; the first saves (version 2), the second is refused."""
    draft = _open(rows)
    texts = _texts(draft)
    other = SummaryDraft.objects.get(pk=draft.pk)  # the second official's copy, read at 1
    services.draft_save(
        actor=rows.users["leader"], draft=draft, expected_version=1, title="A", texts=texts
    )
    with pytest.raises(StaleVersion) as caught:
        services.draft_save(
            actor=rows.users["officer"], draft=other, expected_version=1, title="B", texts=texts
        )
    assert caught.value.current == 2 and caught.value.expected == 1
    assert "Nothing was saved" in caught.value.message and "leader" in caught.value.message
    assert next(v.title for v in selectors.draft_versions(rows.users["leader"], draft)) == "A"
    assert (
        AuditEntry.objects.filter(target_type="reports.summarydraft", action="update").count() == 1
    )


def test_a_changed_figure_is_refused_with_the_paragraph_named(rows):
    draft = _open(rows)
    texts = _texts(draft)
    texts[0] = texts[0].replace("【3.33%｜", "【5.00%｜")
    with pytest.raises(ValidationFailed) as caught:
        services.draft_save(
            actor=rows.users["leader"], draft=draft, expected_version=1, title="T", texts=texts
        )
    assert "Paragraph 1:" in caught.value.errors["p1"][0]
    assert "3.33%" in caught.value.errors["p1"][0]
    draft.refresh_from_db()
    assert draft.version == 1 and draft.versions.count() == 1


def test_a_stored_figure_changed_since_shows_in_the_reopened_draft(rows):
    draft = _open(rows)
    v1 = selectors.draft_version(rows.users["leader"], draft)
    assert selectors.draft_checked(rows.users["leader"], v1).stale == []
    MonthlyFigure.objects.filter(enterprise=rows.firm_a2, period="2020-06-01").update(
        output_value_wan=210
    )
    stale = selectors.draft_checked(rows.users["leader"], v1).stale
    by_key = {s.key: (s.shown, s.now) for s in stale}
    assert by_key["output_yoy"] == ("3.33%", "6.67%")
    assert all(s.selector == "monitoring.selectors.status" for s in stale)


def test_a_figure_whose_sign_flipped_shows_as_stale(rows):
    """Output down 3.33% when the draft was opened, up 3.33% now: the rate reads the same, its
    direction does not, and the direction is what the reopened draft flags."""
    draft = _open(rows)
    v1 = selectors.draft_version(rows.users["leader"], draft)
    MonthlyFigure.objects.filter(enterprise=rows.firm_a2, period="2020-06-01").update(
        output_value_wan=200
    )
    stale = selectors.draft_checked(rows.users["leader"], v1).stale
    by_key = {s.key: (s.shown, s.now) for s in stale}
    assert by_key["output_yoy_direction"] == ("down", "up")
    assert "output_yoy" not in by_key  # 3.33% both times


def test_only_the_officials_of_the_zone_or_area_see_its_drafts(rows):
    draft = _open(rows)
    users = rows.users
    for who in ("leader", "officer", "admin", "city_leader", "province_admin"):
        assert selectors.draft_get(users[who], pk=draft.pk) == draft, who
    for who in ("officer_b", "department", "auditor", "enterprise", "bank"):
        assert selectors.draft_get(users[who], pk=draft.pk) is None, who
    with pytest.raises(PermissionDenied):
        services.draft_save(
            actor=users["department"], draft=draft, expected_version=1, title="T", texts=[]
        )
    with pytest.raises(NotFound):
        services.draft_open(actor=users["officer_b"], zone="zone-a", period="2020-06", lang="en")
    with pytest.raises(NotFound):  # another zone's official, even with the draft in hand
        services.draft_save(
            actor=users["officer_b"], draft=draft, expected_version=1, title="T", texts=[]
        )


def test_a_save_that_keeps_every_figure_removes_none(rows):
    """Found on the second outside walk: a save that only added a sentence reported the
    direction words (增加 / 下降 of each change, all then named alike) as deleted figures, in
    the page and the audit log. Every token kept is a figure kept."""
    draft = _open(rows)
    texts = _texts(draft)
    assert sum(t.count("up or down") for t in texts) >= 2  # several direction words, named
    texts[-1] = texts[-1] + "（补充一句。）"
    saved = services.draft_save(
        actor=rows.users["leader"], draft=draft, expected_version=1, title="六月总结", texts=texts
    )
    assert saved.removed == []
    entry = AuditEntry.objects.get(target_type="reports.summarydraft", action="update")
    assert "figures_removed" not in entry.changes or entry.changes["figures_removed"][1] in (
        [],
        None,
    )
