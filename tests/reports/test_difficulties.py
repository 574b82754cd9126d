"""The difficulties section: categories ordered by firms affected, numbered 一是…二是…, each with
its share resolved, speed, an example (without the firm's name where it asked), the categories
rising fastest and the satisfaction; computed from stored problems and changing with them."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from tests import factories
from zonedesk.casework.difficulties import CategoryFacts, Difficulties, Example
from zonedesk.casework.services import problem_transition
from zonedesk.core.actors import SYSTEM
from zonedesk.reports.sections.difficulties import paragraph as written

D = Decimal


def paragraph(d: Difficulties, *, lang: str = "zh", **kw) -> str:
    with translation.override("zh-hans" if lang == "zh" else "en"):
        return written(d, **kw)


def facts(key, label, raised, firms, resolved=0, previous=0, **kw):
    return CategoryFacts(
        key,
        label,
        raised,
        firms,
        resolved,
        kw.get("overdue", 0),
        kw.get("avg_days"),
        previous,
        kw.get("examples", ()),
    )


def test_the_paragraph_orders_by_firms_affected_and_numbers_the_points():
    d = Difficulties(
        "2020年6月",
        (
            facts(
                "market",
                "国内市场",
                5,
                3,
                2,
                previous=1,
                avg_days=D("4.5"),
                examples=(Example("", "订单减少三成"),),
            ),
            facts(
                "export",
                "出口与订单",
                4,
                4,
                4,
                previous=4,
                examples=(Example("甲公司", "货物滞港"),),
            ),
            facts("finance", "资金与融资", 2, 2, 0, overdue=1),
            facts("land", "用地与规划", 0, 0),
        ),
        firms=7,
        satisfaction=D("4.25"),
    )
    text = paragraph(d)
    assert text.startswith("2020年6月，企业共反映困难问题11件，涉及企业7家")
    assert text.index("一是出口与订单") < text.index("二是国内市场") < text.index("三是资金与融资")
    assert "用地与规划" not in text  # nothing raised
    assert "有企业反映“订单减少三成”" in text and "甲公司反映“货物滞港”" in text
    assert "已办结2件（40.0%），平均4.5个工作日办结" in text
    assert "超期未办结1件" in text
    assert "增长较快的是国内市场（较上期增加4件）" in text
    assert text.endswith("平均满意度为4.3分（满分5分）。")  # 4.25 half-up
    english = paragraph(d, lang="en")
    assert english.startswith("In 2020年6月, 7 firms raised 11 problems")
    assert "First, 出口与订单" in english and "one firm reported “订单减少三成”" in english


def test_an_empty_period_is_said_as_such():
    d = Difficulties("2020年6月", (facts("market", "国内市场", 0, 0),), 0, None)
    assert paragraph(d) == "2020年6月，企业未反映困难问题。"
    assert paragraph(d, lang="en") == "In 2020年6月, no firm raised a problem."


def test_ties_keep_the_categories_order_and_beyond_the_limit_is_summed():
    rows = tuple(facts(f"k{i}", f"类别{i}", 1, 1) for i in range(8))
    text = paragraph(Difficulties("六月", rows, 8, None), limit=6)
    assert "六是类别5" in text and "类别6" not in text and "此外，其他方面问题2件" in text


@pytest.mark.django_db
def test_the_command_writes_it_from_stored_problems_and_follows_them(world):
    june = dt.date(2020, 6, 10)
    a = factories.problem(world.firm_a, category="export", title="货物滞港", on=june)
    factories.problem(world.firm_a2, category="export", title="订单取消", on=june, anonymous=True)
    factories.problem(world.firm_a2, category="finance", title="贷款到期", on=june)
    factories.problem(
        world.firm_a, category="home_market", title="五月的问题", on=dt.date(2020, 5, 6)
    )
    dept = world.firm_a.zone.departments.get(name="经济发展局")
    for step, extra in (
        ("accepted", {"department": dept}),
        ("in_progress", {}),
        ("replied", {"reason": "已协调"}),
        ("resolved", {"reason": "已解决"}),
    ):
        a = problem_transition(actor=SYSTEM, problem=a, to=step, on=dt.date(2020, 6, 12), **extra)

    def run(*extra):
        out = io.StringIO()
        call_command("report", "difficulties", "--zone", "zone-a", *extra, stdout=out)
        return out.getvalue()

    text = run("--period", "2020-06")
    assert "企业共反映困难问题3件，涉及企业2家" in text
    assert text.index("一是出口与订单，2家企业反映2件") < text.index("二是资金与融资")
    assert "甲一机械有限公司反映“货物滞港”" in text and "有企业反映“订单取消”" in text
    assert "已办结1件（50.0%）" in text
    quarter = run("--period", "2020-Q2")
    assert "2020年第2季度" in quarter and "企业共反映困难问题4件" in quarter
    factories.problem(world.firm_a, category="finance", title="又一笔贷款", on=june)
    assert "企业共反映困难问题4件" in run("--period", "2020-06")
    assert "First, export and orders" in run("--period", "2020-06", "--lang", "en")
