"""A hand-made work summary for the layout checks: several pages of body text, every heading
level, run-in leads, marked figures, an annex table and charts. The wording is made up for the
tests (not the reference summary's sentences)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from zonedesk.reports.document import Chart, Document, Heading, Paragraph, Source, Table, figure
from zonedesk.reports.render import charts

CST = ZoneInfo("Asia/Shanghai")
SRC = Source(
    "monitoring.selectors.status",
    "示范经开区",
    "2020年1—6月",
    datetime(2020, 7, 20, 18, 5, tzinfo=CST),
)

# Body sentences, each a different length so that line breaks fall in different places.
SENTENCES = (
    "园区在产企业生产总体平稳，用电用水量已恢复到上年同期水平",
    "管委会按照一企一员的要求逐户走访，帮助企业协调用地、用工、物流和流动资金等具体问题",
    "对照省市县各级扶持政策逐条梳理，确保符合条件的企业应享尽享",
    "重点项目实行周调度、月通报制度，对滞后节点明确责任人和完成时限",
    "金融机构与园区企业开展融资对接，授信额度和放款进度按月跟踪",
    "围绕主导产业延链补链，梳理上下游缺失环节并形成招商目标清单",
    "部分外贸企业订单交付受阻，资金回笼压力加大，需持续关注",
    "新开工企业陆续投产，对产值增长的拉动作用逐步显现",
)


def body(n: int, start: int = 0) -> str:
    """`n` sentences joined into one paragraph, with one marked figure."""
    parts = [SENTENCES[(start + i) % len(SENTENCES)] for i in range(n)]
    text = "，".join(parts[:-1]) + "。" + parts[-1] + "，" if n > 1 else parts[0] + "，"
    return text + "月总产值同比增长" + figure("12.78%", "output_yoy") + "。"


def trend_chart() -> str:
    months = [f"{m}月" for m in range(1, 7)]
    this = [
        Decimal("8120.5"),
        None,
        Decimal("6890"),
        Decimal("9012.3"),
        Decimal("9630"),
        Decimal("10210"),
    ]
    last = [
        Decimal("8800"),
        Decimal("8650"),
        Decimal("8920"),
        Decimal("9100"),
        Decimal("9280"),
        Decimal("9400"),
    ]
    return charts.line_chart("", months, [("本年", this), ("上年同期", last)], "万元")


def classes_chart() -> str:
    return charts.bar_chart("", ["持平", "超过", "未达"], [20, 13, 14], "家")


def sample_document(pages: int = 4, lang: str = "zh-hans") -> Document:
    blocks = [
        Heading(1, "生产经营情况"),
        Paragraph(
            "园区目前在产企业"
            + figure("47", "producing")
            + "家，其中与去年同期产能持平的"
            + figure("20", "level")
            + "家，超过的"
            + figure("13", "above")
            + "家，未达到的"
            + figure("14", "below")
            + "家。企业总用工量同比增加"
            + figure("6.28%", "employees_yoy")
            + "，月总产值同比增加"
            + figure("12.78%", "output_yoy")
            + "（其中新开工企业贡献"
            + figure("8.61", "new_points")
            + "个百分点）。",
            SRC,
        ),
        Heading(1, "存在的困难"),
        Paragraph(body(5, 1), SRC, lead="一是"),
        Paragraph(body(4, 2), SRC, lead="二是"),
        Heading(1, "主要工作"),
        Heading(2, "一企一员一企一策"),
        Heading(3, "问题办理"),
        Paragraph(body(6, 3), SRC),
        Heading(4, "按期办结情况"),
        Paragraph(body(5, 4), SRC),
        Heading(4, "逾期问题"),
        Paragraph(body(4, 5), SRC),
        Heading(3, "走访服务"),
        Paragraph(body(6, 6), SRC),
        Heading(2, "政策落实"),
    ]
    i = 0
    while i < pages * 3:
        blocks.append(Paragraph(body(7, i), SRC, lead="一是" if i % 3 == 0 else ""))
        i += 1
    blocks += [Heading(1, "下步打算"), Paragraph(body(5, 7), SRC)]
    annex = (
        Table(
            "主要经济指标",
            ("指标", "本期", "上年同期", "同比（%）"),
            (
                ("在产企业（家）", "47", "45", "4.44"),
                ("月总产值（万元）", "10210", "9400", "8.62"),
                ("用工（人）", "5123", "4820", "6.28"),
                ("用电量（万千瓦时）", "812.6", "790.1", "2.85"),
            ),
            SRC,
            (False, True, True, True),
        ),
        Chart("月总产值与上年同期", trend_chart(), 156, 80, SRC),
        Chart("产能恢复分类", classes_chart(), 156, 70, SRC),
    )
    return Document(
        title="示范经开区2020年上半年工作总结",
        issuer="示范经济技术开发区管理委员会",
        dated=date(2020, 7, 25),
        blocks=tuple(blocks),
        as_of=datetime(2020, 7, 20, 18, 5, tzinfo=CST),
        annex=annex,
        lang=lang,
        meta={"zone": "demo", "period": "2020-H1"},
    )
