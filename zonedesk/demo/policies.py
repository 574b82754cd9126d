"""The demo zone's support policies: a province's 13 measures, a city's 35 and a county's 22,
as such packages were issued in early 2020. All wording is synthetic and marked （合成）;
the rules are real rules over the fact registry, matched against the demo firms' June 2020
figures, and a realistic mix of entitlements is moved along its way."""

import datetime as dt
import itertools
import random
from decimal import Decimal

from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.org.models import Area
from zonedesk.policies import services
from zonedesk.policies.flows import ENTITLEMENT
from zonedesk.policies.models import Entitlement, EntitlementEvent

SYNTHETIC = "（合成）"
# (title, benefit type, mode, department, eligibility, benefit estimate in 万元)
KINDS = [
    (
        "阶段性减免企业养老、失业、工伤保险单位缴费",
        "tax_relief",
        "automatic",
        "人社局",
        'is_sme and status == "producing"',
        "round(employees * 0.09, 2)",
    ),
    ("缓缴社会保险费", "deferral", "application", "人社局", "revenue_ytd_yoy <= -{pct}%", ""),
    (
        "稳岗返还：不裁员或少裁员的返还上年失业保险费",
        "subsidy",
        "automatic",
        "人社局",
        "employees_yoy >= -{small}%",
        "round(employees * 0.03, 2)",
    ),
    (
        "国有资产类经营用房减免租金",
        "rent",
        "application",
        "国资办",
        'size_class in ["small", "micro"]',
        "min(output_month_wan * 0.02, 10)",
    ),
    (
        "新增贷款贴息",
        "interest",
        "application",
        "金融办",
        'industry_section == "C" and output_ytd_yoy <= -{pct}%',
        "min(output_last_year_wan * 0.005, 30)",
    ),
    (
        "电费阶段性减免 5%",
        "tax_relief",
        "automatic",
        "发改局",
        'industry_section in ["B", "C", "D"]',
        "round(output_month_wan * 0.004, 2)",
    ),
    (
        "出口信用保险保费补助",
        "subsidy",
        "application",
        "商务局",
        "export_share >= {share}%",
        "min(revenue_ytd_wan * export_share * 0.003, 20)",
    ),
    (
        "小规模纳税人增值税减免",
        "tax_relief",
        "automatic",
        "税务局",
        'size_class == "micro" or size_class == "small"',
        "",
    ),
    (
        "新投产企业一次性奖励",
        "subsidy",
        "application",
        "经信局",
        "new_this_year",
        "if(employees >= 100, 30, 10)",
    ),
    (
        "规上工业企业满负荷生产奖励",
        "subsidy",
        "application",
        "经信局",
        "above_designated_size and output_month_yoy >= {small}%",
        "min(output_month_wan * 0.01, 20)",
    ),
    (
        "吸纳就业补贴",
        "subsidy",
        "application",
        "人社局",
        "employees >= {staff}",
        "round(employees * 0.1, 1)",
    ),
    (
        "停产期间职工技能培训补贴",
        "subsidy",
        "application",
        "人社局",
        "days_halted_ytd >= {days}",
        "round(employees * 0.05, 2)",
    ),
    ("中小企业融资担保费率降低", "service", "application", "金融办", "is_sme", ""),
]


def _measures(count: int, rng: random.Random) -> list[dict]:
    out = []
    for i, (title, kind, mode, dept, rule, benefit) in zip(
        range(count), itertools.cycle(KINDS), strict=False
    ):
        params = {
            "pct": rng.choice([10, 20, 30]),
            "small": rng.choice([0, 5, 10]),
            "share": rng.choice([10, 20]),
            "staff": rng.choice([20, 50, 100]),
            "days": rng.choice([15, 30, 45]),
        }
        out.append(
            {
                "clause": f"第{i + 1}条",
                "title": f"{title}{SYNTHETIC}"
                if i < len(KINDS)
                else f"{title}（第{i // len(KINDS) + 1}批）{SYNTHETIC}",
                "summary": f"{title}。（演示用合成条款，非真实政策原文）",
                "benefit_type": kind,
                "mode": mode,
                "department": dept,
                "eligibility": rule.format(**params),
                "benefit": benefit,
                "materials": "申请表、营业执照复印件、相关证明材料（合成）"
                if mode == "application"
                else "",
            }
        )
    return out


DOCUMENTS = [
    # (level, area code, issuer, number, title, measures)
    (
        "province",
        "510000",
        "四川省人民政府办公厅（合成）",
        "川办发〔2020〕10号（合成）",
        "关于应对疫情影响促进经济平稳运行的若干措施（合成）",
        13,
    ),
    (
        "city",
        "511700",
        "达州市人民政府（合成）",
        "达市府发〔2020〕5号（合成）",
        "关于支持企业复工复产的三十五条措施（合成）",
        35,
    ),
    (
        "county",
        "511723",
        "开江县人民政府（合成）",
        "开府发〔2020〕3号（合成）",
        "关于帮助中小企业渡过难关的二十二条措施（合成）",
        22,
    ),
]


def load(zone, officer_of) -> None:
    """Documents, measures, a match on June 2020, and entitlements along their way.
    `officer_of(firm)` is the user who acts for the administration on that firm."""
    rng = random.Random(2020)
    for level, code, issuer, number, title, count in DOCUMENTS:
        doc = services.document_create(
            actor=SYSTEM,
            data=services.DocumentData(
                level=level,
                area=Area.objects.get(code=code),
                issuer=issuer,
                number=number,
                title=title,
                published=dt.date(2020, 2, 10),
                valid_from=dt.date(2020, 2, 10),
                valid_to=None,  # until further notice
                source_text="（演示用合成文本，非真实政策原文）",
            ),
        )
        for m in _measures(count, rng):
            services.measure_create(
                actor=SYSTEM, document=doc, data=services.MeasureData(**m), rematch=False
            )
    firms = Enterprise.objects.filter(zone=zone)
    services.match(actor=SYSTEM, firms=firms, period=Period(2020, 6), today=dt.date(2020, 7, 15))
    # A realistic mix of states, written in bulk (the demo's history; every step has its
    # officer, or the system for a firm's decline, and a time).
    S = Entitlement.State
    stamp = dt.datetime(2020, 7, 16, 9, 0, tzinfo=dt.UTC)
    entitlements, events = [], []
    for e in (
        Entitlement.objects.filter(decision="eligible")
        .select_related("enterprise__officer")
        .order_by("id")
    ):
        officer = officer_of(e.enterprise)
        roll = rng.random()
        amount = e.estimate_wan or Decimal("2.00")
        path = []
        if roll < 0.58:
            path.append(S.NOTIFIED)
        if 0.2 < roll < 0.55:
            path.append(S.APPLIED)
        if 0.3 < roll < 0.55:
            path.append(S.APPROVED)
        if 0.38 < roll < 0.55:
            path.append(S.DISBURSED)
        if 0.55 <= roll < 0.58:
            path.append(S.DECLINED)
        before = e.state
        for step, to in enumerate(path):
            events.append(
                ENTITLEMENT.event(
                    actor=SYSTEM if to == S.DECLINED else officer or SYSTEM,
                    obj=e,
                    move=to,
                    from_state=before,
                    to_state=to,
                    at=stamp + dt.timedelta(days=3 * step),
                    amount_wan=amount if to in (S.APPROVED, S.DISBURSED) else None,
                    note="企业表示暂不需要（合成）" if to == S.DECLINED else "",
                )
            )
            before = to
        if path:
            e.state = path[-1]
            e.approved_wan = amount if S.APPROVED in path else None
            e.disbursed_wan = amount if S.DISBURSED in path else None
            e.disbursed_on = dt.date(2020, 7, 28) if S.DISBURSED in path else None
            e.reason = "企业表示暂不需要（合成）" if S.DECLINED in path else ""
            entitlements.append(e)
    Entitlement.objects.bulk_create(  # an upsert: far faster than bulk_update's CASE WHEN
        entitlements,
        update_conflicts=True,
        unique_fields=["enterprise", "measure"],
        update_fields=["state", "approved_wan", "disbursed_wan", "disbursed_on", "reason"],
    )
    EntitlementEvent.objects.bulk_create(events)
