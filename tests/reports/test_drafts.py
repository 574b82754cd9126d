"""A draft's text as the editor shows it and takes it back (reports.drafts, no database): figures
as whole tokens that keep their values, a document to JSON and back, and the figures a draft shows
that the data no longer gives."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from zonedesk.reports import drafts
from zonedesk.reports.document import Chart, Document, Heading, Paragraph, Source, Table, figure
from zonedesk.reports.sections import words

SOURCE = Source(
    "monitoring.selectors.status",
    "甲经开区",
    "2020年6月",
    dt.datetime(2020, 7, 1, 9, 30, tzinfo=dt.UTC),
)
ORIGINAL = f"在产企业 {figure('47', 'producing')} 家，产值增加 {figure('12.78%', 'output_yoy')}。"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_editor_shows_each_figure_as_a_token():
    # Each figure with its name in words, never its key (an official reads the text box).
    assert (
        drafts.editable(ORIGINAL)
        == "在产企业 【47｜firms producing】 家，产值增加 【12.78%｜output value YoY】。"
    )


def test_an_edit_around_the_tokens_keeps_the_marks():
    done = drafts.edited(
        "园区在产企业 【47｜firms producing】 家，总产值增加 【12.78%｜output value YoY】。",
        ORIGINAL,
    )
    assert (
        done.text
        == f"园区在产企业 {figure('47', 'producing')} 家，总产值增加 {figure('12.78%', 'output_yoy')}。"
    )
    assert done.removed == ()


def test_a_whole_token_deleted_is_reported_not_refused():
    done = drafts.edited("在产企业 47 家。", ORIGINAL)
    assert done.text == "在产企业 47 家。"  # the number typed as plain text: unmarked
    assert done.removed == ("output_yoy", "producing")


@pytest.mark.parametrize(
    ("name", "typed", "says"),
    [
        (
            "a changed value",
            "在产企业 【48｜firms producing】 家。",
            "The figure “firms producing” reads 47 in the data; the edit says 48",
        ),
        ("a broken token", "在产企业 【47｜firms producing 家。", "figure is broken near"),
        ("half a token left", "在产企业 47｜firms producing】 家。", "figure is broken near"),
        ("an invented figure", "在产企业 【47｜firms】 家。", "names a figure “firms”"),
        ("a private-use mark", "在产企业 \ue00047 家。", "invisible mark characters"),
        ("too long", "字" * (drafts.PARAGRAPH_MAX + 1), "characters long"),
    ],
)
def test_a_broken_or_changed_figure_is_refused_with_where_and_why(name, typed, says):
    with pytest.raises(drafts.EditError) as caught:
        drafts.edited(typed, ORIGINAL)
    assert any(says in m for m in caught.value.messages), caught.value.messages


def test_every_figure_key_of_the_sections_has_a_name():
    """The keys the sections mark (read from their source) and those made per category and
    level all have a name of their own in reports.figure_names, so no key reaches an official."""
    import re
    from pathlib import Path

    from zonedesk.casework.models import Problem
    from zonedesk.policies.models import PolicyDocument
    from zonedesk.reports import figure_names, sections

    here = Path(sections.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in here.glob("*.py"))
    keys = set(
        re.findall(r'\b(?:count|share|days|never|firms|amount|[a-z_]+)="([a-z][a-z_]+)"', source)
    )
    keys |= set(
        re.findall(
            r'(?:rate|change|pull|figure|_firms|_problems)\([^()]*(?:\([^()]*\))?[^()]*, "([a-z][a-z_]+)"\)',
            source,
        )
    )
    keys -= {
        "attraction",
        "difficulties",
        "finance",
        "liaison",
        "production",
        "support",
    }  # the sections' own keys
    keys |= {
        f"{m}_comparable_yoy"
        for m in ("output_value_wan", "revenue_wan", "employees", "electricity_kwh", "water_t")
    }
    keys |= {
        f"ytd_{m}_comparable_yoy" for m in ("output_value_wan", "revenue_wan", "electricity_kwh")
    }
    keys |= {f"{k}_direction" for k in list(keys)}  # the words of each change's direction
    keys |= {f"measures_{level}" for level in PolicyDocument.Level.values}
    keys |= {
        f"{c}{s}"
        for c in Problem.Category.values
        for s in ("_raised", "_firms", "_resolved", "_resolved_share", "_overdue", "_rise", "_days")
    }
    assert len(keys) > 80
    unnamed = sorted(k for k in keys if figure_names.name(k) == "figure")
    assert unnamed == []
    # The category and level labels kept in figure_names are the models' own.
    assert {k: str(v) for k, v in figure_names._CATEGORY.items()} == {
        k: str(v) for k, v in Problem.Category.choices
    }
    assert {k: str(v) for k, v in figure_names._LEVEL.items()} == {
        k: str(v) for k, v in PolicyDocument.Level.choices
    }
    # Names are told apart: no two keys of the table share one.
    names = [str(v) for v in figure_names.NAMES.values()]
    assert len(names) == len(set(names))


def _document(body) -> Document:
    svg = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    return Document(
        title="甲经开区2020年6月工作总结",
        issuer="甲经开区",
        dated=dt.date(2020, 7, 20),
        blocks=tuple(body),
        as_of=SOURCE.as_of,
        annex=(
            Table("主要指标", ("指标", "本月"), (("产值", "310.00"),), SOURCE, (False, True)),
            Chart("产值", svg, 156.0, 70.0, SOURCE),
        ),
        lang="zh-hans",
        meta={"scope": "zone=zone-a", "period": "2020-06"},
    )


def test_a_document_survives_json():
    doc = _document([Heading(1, "生产经营情况"), Paragraph(ORIGINAL, SOURCE, lead="一是")])
    frame = drafts.dump_frame(doc)
    again = drafts.load_document(frame, doc.title, drafts.dump_blocks(doc.blocks))
    assert again == doc


def test_the_figures_the_data_no_longer_gives_are_found():
    """The draft says 47 producing and +12.78%; the data now gives 47 and +16.89%, and no longer
    has the halted firms' figure at all."""
    halted = f"停产 {figure('3', 'halted_firms')} 家。"
    draft = _document([Paragraph(ORIGINAL, SOURCE), Paragraph(halted, SOURCE)])
    now = _document(
        [
            Paragraph(
                f"在产企业 {figure('47', 'producing')} 家，产值增加 {figure('16.89%', 'output_yoy')}。",
                SOURCE,
            )
        ]
    )
    assert [(s.key, s.shown, s.now) for s in drafts.stale_figures(draft, now)] == [
        ("output_yoy", "12.78%", "16.89%"),
        ("halted_firms", "3", ""),
    ]
    assert drafts.stale_figures(draft, draft) == []


@pytest.mark.parametrize(
    ("was", "now"),
    [
        (Decimal("0.1278"), Decimal("-0.1278")),  # growth became a decline of the same size
        (Decimal("-0.0310"), Decimal("0.0310")),
        (Decimal("0.0310"), Decimal("0")),  # and growth became no change
    ],
)
def test_a_change_whose_sign_flipped_is_stale(was, now):
    """The rate is written without its sign (增加 12.78% / 下降 12.78%): a flip is found by the
    marked words of its direction, in the draft's own language."""
    with translation.override("zh-hans"):
        draft = _document([Paragraph(f"总产值{words.change(was, 'output_yoy')}。", SOURCE)])
        today = _document([Paragraph(f"总产值{words.change(now, 'output_yoy')}。", SOURCE)])
        again = _document([Paragraph(f"总产值{words.change(was, 'output_yoy')}。", SOURCE)])
    stale = {s.key: (s.shown, s.now) for s in drafts.stale_figures(draft, today)}
    assert stale["output_yoy_direction"][0] == ("增加" if was > 0 else "下降")
    assert stale["output_yoy_direction"][1] == {1: "增加", -1: "下降", 0: "持平"}[now.compare(0)]
    assert drafts.stale_figures(draft, again) == []


def test_a_part_of_growth_whose_sign_flipped_is_stale():
    """拉动增长 0.35 个百分点 against 下拉 0.35 个百分点: the points are the same, not the direction."""
    with translation.override("zh-hans"):
        draft = _document([Paragraph(words.pull(Decimal("0.0035"), "new_points"), SOURCE)])
        today = _document([Paragraph(words.pull(Decimal("-0.0035"), "new_points"), SOURCE)])
    stale = drafts.stale_figures(draft, today)
    assert [s.key for s in stale] == ["new_points_direction"]


def test_a_figure_of_another_source_is_not_mistaken_for_it():
    """The same key under another selector (a casework count) is not the status's figure."""
    other = Source("casework.selectors.liaison", "甲经开区", "2020年6月", None)
    draft = _document([Paragraph(f"{figure('2', 'firms')} 家", SOURCE)])
    now = _document([Paragraph(f"{figure('2', 'firms')} 家", other)])
    assert [s.key for s in drafts.stale_figures(draft, now)] == ["firms"]
