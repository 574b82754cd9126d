"""The demo zone's investment leads (招商线索): 60 target companies in every stage, through the
same services every user goes through.

Deterministic: the companies, their regions, sources, owners and numbers follow fixed tables;
each lead came in during the first half of 2020 (the demo's year) and moved on fixed days, with
calls, visits, meetings and delegations logged, so `report attraction --zone demo --period
2020-H1` has something to say. Three leads are the companies of demo key projects (projects.py),
linked on signing: two of the firms that went into production in 2020 (landed, on their
production start), and one project under way (signed). Four leads have had no activity since
spring (stale), and one pair is the same company entered by two departments (a duplicate for
the leaders to merge; the other names are apart). When the zone has chains (the chain map's
demo), each lead's node is the target node its company's industry class falls in. Names synthetic and marked as such.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zonedesk.chain import leads_services as services
from zonedesk.chain.models import ChainNode
from zonedesk.core.actors import SYSTEM
from zonedesk.projects import selectors as projects

SYNTHETIC = "（合成）"

# Target companies (name stem, industry class): the demo zone's industries (machinery,
# materials, food, electronics) and the chains it wants to extend.
COMPANIES = [
    ("华东数控机床", "3421"),
    ("珠江矿山机械", "3511"),
    ("京津精密铸造", "3391"),
    ("蓉城电子元件", "3981"),
    ("渝州汽车零部件", "3670"),
    ("苏南钢结构", "3311"),
    ("粤海食品配料", "1391"),
    ("沪上集成电路", "3973"),
    ("浙北包装材料", "2231"),
    ("深南电子材料", "3985"),
    ("冀中五金", "3340"),
    ("川北粮油", "1331"),
    ("锦江仪器仪表", "4090"),
    ("长江泵阀", "3441"),
    ("岭南电机", "3811"),
    ("津门电线电缆", "3831"),
    ("巴蜀肉类加工", "1353"),
    ("金陵半导体器件", "3971"),
    ("闽江木制品", "2021"),
    ("嘉陵酒业", "1512"),
]
# The place in a company's name (the stems above start with one): leads after the first twenty
# are other companies of the same trades, named apart (not "2号" of the same name, which the
# duplicate check would rightly take for the same company).
PLACES = [
    "昆山", "无锡", "常州", "佛山", "东莞", "中山", "廊坊", "唐山", "绵阳", "德阳",
    "宜宾", "泸州", "温州", "台州", "合肥", "芜湖", "襄阳", "株洲", "洛阳", "烟台",
    "潍坊", "泉州", "漳州", "赣州", "柳州", "遵义", "宝鸡", "天水", "包头", "大连",
    "营口", "长春", "吉林", "哈尔滨", "济宁", "淄博", "盐城", "南通", "嘉兴", "湖州",
]  # fmt: skip
REGIONS = ["yangtze", "pearl", "jjj", "chengyu", "chengyu", "yangtze", "other"]
SOURCES = ["exhibition", "introduced", "office", "agent", "online", "exhibition", "office"]
SUFFIXES = ["有限公司", "科技有限公司", "股份有限公司"]

# How far each of the 57 plain leads went: (stage, how many).
PLAN = [
    ("lead", 14),
    ("contact", 12),
    ("visit", 9),
    ("negotiation", 8),
    ("paused", 5),
    ("dropped", 9),
]
WAY = ["contact", "visit", "negotiation"]
REASONS = [
    "企业选择在沿海扩产" + SYNTHETIC,
    "用地条件不满足" + SYNTHETIC,
    "企业投资计划暂缓" + SYNTHETIC,
]
ACTIVITY_KINDS = ["call", "visit", "meeting", "delegation"]
PAIR_LIKE = 9  # the duplicate pair's trade and numbers: those of lead 9 (深南电子材料)
FIRST_DAY = dt.date(2020, 1, 6)


def _name(i: int) -> str:
    stem, _code = COMPANIES[i % len(COMPANIES)]
    if i >= len(COMPANIES):
        stem = PLACES[(i - len(COMPANIES)) % len(PLACES)] + stem[2:]
    return f"{stem}{SUFFIXES[i % 3]}{SYNTHETIC}"


def _node_for(code: str, nodes):
    """The target node of the zone's chains whose classes the company's class falls in (the
    most specific), or None."""
    best, length = None, 0
    for node in nodes:
        for prefix in node.codes:
            if code.startswith(prefix) and len(prefix) > length:
                best, length = node, len(prefix)
    return best


def _data(i: int, owner, nodes, *, firms, name: str | None = None, stage: str = "lead"):
    source = SOURCES[i % len(SOURCES)]
    return services.LeadData(
        name=name or _name(i),
        region=REGIONS[i % len(REGIONS)],
        source=source,
        industry_code=COMPANIES[i % len(COMPANIES)][1],
        gap_node=_node_for(COMPANIES[i % len(COMPANIES)][1], nodes),
        introducer=firms[i % len(firms)] if source == "introduced" else None,
        owner=owner,
        next_action="" if stage in ("dropped",) else "安排下一次对接" + SYNTHETIC,
        next_action_due=(
            None if stage == "dropped" else timezone.localdate() + dt.timedelta(days=i % 20 - 5)
        ),
        investment_wan=Decimal(5000 + 2500 * (i % 12)),
        jobs=80 + 20 * (i % 9),
        output_wan=Decimal(8000 + 4000 * (i % 10)),
    )


def _walk(lead, moves, start: dt.date, *, actor=SYSTEM, step_days: int = 12):
    day = start
    for move in moves:
        day = day + dt.timedelta(days=step_days)
        kw = {}
        if move in ("dropped", "paused"):
            kw["reason"] = REASONS[lead.pk % len(REASONS)]
        lead = services.lead_transition(actor=actor, lead=lead, to=move, on=day, **kw)
    return lead, day


def _activities(lead, owner, start: dt.date, n: int, i: int) -> None:
    for k in range(n):
        services.lead_activity_add(
            actor=owner,
            lead=lead,
            kind=ACTIVITY_KINDS[(i + k) % len(ACTIVITY_KINDS)],
            on=start + dt.timedelta(days=5 + 9 * k),
            note=["电话沟通投资意向", "上门拜访企业总部", "洽谈会对接", "企业考察团来园区"][
                (i + k) % 4
            ]
            + SYNTHETIC,
        )


def load(zone, firms, users) -> None:
    owners = [users["officer"], users["officer2"], users["officer3"], users["dept"]]
    nodes = list(
        ChainNode.objects.filter(chain__zone=zone, in_target=True).order_by("chain__code", "seq")
    )
    for node in nodes:
        node.codes = [row.industry_code for row in node.industries.all()]
    i = 0
    for stage, count in PLAN:
        for _k in range(count):
            owner = owners[i % len(owners)]
            start = FIRST_DAY + dt.timedelta(days=(i * 3) % 90)
            lead = services.lead_create(
                actor=SYSTEM,
                zone=zone,
                data=_data(i, owner, nodes, firms=firms, stage=stage),
                on=start,
            )
            if stage in WAY:
                moves = WAY[: WAY.index(stage) + 1]
            elif stage == "paused":
                moves = [*WAY[: 1 + i % 2], "paused"]
            elif stage == "dropped":
                moves = [*WAY[: i % 3], "dropped"]
            else:
                moves = []
            # Four leads stay untouched since they came in (stale); the others are worked.
            stale = stage in ("lead", "contact") and i % 7 == 0
            if not stale:
                _activities(lead, owner, start, 1 + i % 3, i)
            lead, _day = _walk(lead, moves, start)
            if not stale and lead.stage in ("lead", "contact", "visit", "negotiation"):
                # worked lately too: the stale flag counts from the last activity
                services.lead_activity_add(
                    actor=owner,
                    lead=lead,
                    kind="call",
                    on=timezone.localdate() - dt.timedelta(days=i % 10),
                    note="电话回访，跟进投资进度" + SYNTHETIC,
                )
            i += 1
    # The duplicate pair: one company, entered by an officer and by department staff. The same
    # company, so the same region, industry, chain node and numbers: only the name is typed
    # differently (an electronic-materials maker of 成渝, like 深南电子材料).
    pair = dataclasses.replace(
        _data(PAIR_LIKE, users["officer"], nodes, firms=firms), region="chengyu"
    )
    for owner, day, name in (
        (users["officer"], dt.date(2020, 3, 2), "成渝新材料科技有限公司"),
        (users["dept"], dt.date(2020, 4, 13), "成渝新材料科技（四川）有限公司"),
    ):
        lead = services.lead_create(
            actor=SYSTEM,
            zone=zone,
            data=dataclasses.replace(pair, name=name + SYNTHETIC, owner=owner),
            on=day,
        )
        _activities(lead, owner, day, 1, i)
        i += 1
    _tied_to_projects(zone, users, nodes, firms=firms, first=i)


def _tied_to_projects(zone, users, nodes, *, firms, first: int) -> None:
    """Three leads whose companies became demo key projects: the two earliest firms that went
    into production in 2020 (landed on their production start) and the first project under
    way that is signed already (the lead signed on the project's signing day)."""
    listed = list(projects.project_scope(SYSTEM).filter(zone=zone).order_by("code"))
    producing = [p for p in listed if p.state != "active" and p.investor_id is not None][:2]
    today = timezone.localdate()
    # under way and signed already (some demo projects are still to be signed: a lead signed
    # before its project would contradict the project's 签约 node), by a new investor (a local
    # firm's expansion is no investment lead, and its name would not match the project's)
    active = [
        p for p in listed if p.state == "active" and p.signed_on <= today and p.investor_id is None
    ][:1]
    leader = users["leader"]
    for n, project in enumerate([*producing, *active]):
        name = project.investor.name if project.investor_id else project.investor_name
        code = project.industry_code or (
            project.investor.industry_code if project.investor_id else ""
        )
        signed_on = project.signed_on
        start = signed_on - dt.timedelta(days=60)
        owner = users["officer"] if n != 1 else users["officer2"]
        lead = services.lead_create(
            actor=SYSTEM,
            zone=zone,
            data=services.LeadData(
                name=name,
                credit_code=project.investor.credit_code if project.investor_id else "",
                region=REGIONS[(first + n) % len(REGIONS)],
                source=SOURCES[(first + n) % len(SOURCES)]
                if SOURCES[(first + n) % len(SOURCES)] != "introduced"
                else "office",
                industry_code=code,
                gap_node=_node_for(code, nodes),
                owner=owner,
                investment_wan=project.total_investment_wan,
                output_wan=project.expected_output_wan,
            ),
            on=start,
        )
        _activities(lead, owner, start, 2, first + n)
        lead, _day = _walk(lead, WAY, start, step_days=14)
        lead = services.lead_transition(
            actor=leader, lead=lead, to="signed", project=project, on=signed_on
        )
        if project.state != "active":
            started = project.investor.production_start if project.investor_id else None
            services.lead_transition(actor=SYSTEM, lead=lead, to="landed", on=started or signed_on)
