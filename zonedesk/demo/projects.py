"""The demo zone's key projects (重点项目): 20 projects at every stage and light, through the
same services every user goes through.

The four projects in production are the four firms that started production in 2020 (the new
firms of the monitoring demo): their nodes up to 投产 were done on the way to their production
start date. The others are dated from the day the demo is loaded, so that each has the light it
is meant to show on that day: red (its next node 10 days late), yellow (due in two working days)
or green (due in a month). A few re-plans: approved, refused, and one awaiting the leader, each
asked and decided some days before the demo's day (never in the future). Every node has a person
in charge: the department's staff member where the demo has one (赵科员 of 经济发展局), else the
project's service officer. The demo firm's user (周经理) sees a project: their firm is the
investor of 电子元器件扩能项目.
Ten element guarantee items (要素保障): done, open, overdue, and one blocking a red node (the
土地摘牌 of 电子元器件扩能项目 waits for the households to be moved).
Five service requests (7x24) on the projects whose investor is a firm of the registry: two at
night, one answered within minutes and resolved before dawn, one resolved past its 24 hours, and
one still unanswered past its two hours (overdue on every day the demo is loaded).
Names synthetic and marked as such.

Monthly investment: each project's total spread evenly over the months from its signing to its
planned first production (never before its signing month, never after December of the current
year), completed as planned in the past months of the projects in production and on time, 85 %
of it on the yellow ones, 60 % on the red ones; nothing completed in the current month yet.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zonedesk.casework.selectors import work_calendar
from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.enterprises.models import EnterpriseMember
from zonedesk.org.models import Department
from zonedesk.projects import services, templates_default
from zonedesk.projects.models import ProjectNode, Replan

SYNTHETIC = "（合成）"
OFFSETS = [offset for _c, _n, offset, _d, _w in templates_default.NODES]
CODES = [code for code, *_rest in templates_default.NODES]
LEVELS = ["province", "city", "county"]

# The project whose investor is the firm the demo's firm user belongs to (an expansion).
FIRM_USERS_PROJECT = "电子元器件扩能项目"

# The investors of the projects without a firm of the registry: whole names (never a project's
# name cut short), marked synthetic when used.
INVESTORS = {
    "智能装备产业园项目": "智能装备科技有限公司",
    "新型建材生产线项目": "新型建材有限公司",
    "冷链物流中心项目": "冷链物流有限公司",
    "电子元器件扩能项目": "电子元器件有限公司",
    "园区污水处理厂二期": "园区水务投资有限公司",
    "食品精深加工项目": "食品精深加工有限公司",
    "新能源电池配件项目": "新能源电池科技有限公司",
    "标准化厂房三期": "园区建设投资有限公司",
    "精密铸造项目": "精密铸造有限公司",
    "纺织服装产业园项目": "纺织服装有限公司",
    "园区220千伏变电站": "园区供电投资有限公司",
    "医疗器械生产项目": "医疗器械有限公司",
    "农产品电商产业园": "农产品电商有限公司",
    "汽车零部件项目": "汽车零部件有限公司",
    "绿色包装材料项目": "绿色包装材料有限公司",
    "精细化工中间体项目": "精细化工有限公司",
}

# (name, kind, nodes done, light of the next node, total investment 万元)
PLANNED = [
    ("智能装备产业园项目", "industrial", 0, "yellow", "120000"),
    ("新型建材生产线项目", "industrial", 1, "red", "35000"),
    ("冷链物流中心项目", "services", 1, "green", "28000"),
    ("电子元器件扩能项目", "industrial", 3, "red", "46000"),
    ("园区污水处理厂二期", "infrastructure", 3, "green", "18000"),
    ("食品精深加工项目", "industrial", 4, "yellow", "22000"),
    ("新能源电池配件项目", "industrial", 5, "red", "80000"),
    ("标准化厂房三期", "infrastructure", 6, "green", "30000"),
    ("精密铸造项目", "industrial", 6, "yellow", "26000"),
    ("纺织服装产业园项目", "industrial", 7, "red", "52000"),
    ("园区220千伏变电站", "infrastructure", 7, "green", "15000"),
    ("医疗器械生产项目", "industrial", 8, "yellow", "33000"),
    ("农产品电商产业园", "services", 8, "green", "12000"),
    ("汽车零部件项目", "industrial", 9, "red", "61000"),
    ("绿色包装材料项目", "industrial", 10, "green", "19000"),
    ("精细化工中间体项目", "industrial", 10, "red", "44000"),
]


def _target(today: dt.date, light: str, calendar) -> dt.date:
    if light == "red":
        return today - dt.timedelta(days=10)
    if light == "yellow":
        return calendar.add_working_days(today, 2)
    return today + dt.timedelta(days=30)


def _complete_through(project, done: int, today: dt.date) -> None:
    for node in project.nodes.order_by("seq")[:done]:
        services.node_complete(actor=SYSTEM, node=node, done_on=min(node.planned_on, today))


# The share of each month's plan completed, by the light the project is meant to show.
COMPLETED = {"red": Decimal("0.6"), "yellow": Decimal("0.85"), "green": Decimal(1)}
CENT = Decimal("0.01")


def _investment(project, share: Decimal, today: dt.date) -> None:
    """The project's months from its signing to its first production (at the latest December of
    the current year): the total spread evenly, `share` of each past month completed."""
    first = Period.of(project.signed_on)
    production = Period.of(project.first_production_month)
    last = min(production, Period(today.year, 12))
    months = (production.year - first.year) * 12 + production.month - first.month + 1
    planned = (project.total_investment_wan / months).quantize(CENT)
    current = Period.of(today)
    month = first
    while month <= last:
        services.investment_set(
            actor=SYSTEM,
            project=project,
            month=month.first_day,
            planned_wan=planned,
            done_wan=(planned * share).quantize(CENT) if month < current else Decimal(0),
            today=today,
        )
        month = month.shift(1)


def _ago(days: int, hour: int = 10) -> dt.datetime:
    """A moment `days` before now, in the working day (the demo's re-plans: asked and decided
    before the day the demo is loaded)."""
    day = timezone.localdate() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _people(project, users) -> None:
    """The person in charge of every node: the department's staff member where the demo has
    one, else the project's service officer."""
    staff = [u for u in users.values() if u.department_id is not None]
    for node in project.nodes.order_by("seq"):
        person = next(
            (u for u in staff if u.department_id == node.department_id),
            project.service_officer,
        )
        services.node_person_set(actor=SYSTEM, node=node, person=person)


def load(zone, firms, users) -> None:
    today = timezone.localdate()
    calendar = work_calendar(today, today + dt.timedelta(days=30))
    officers = [users["officer"], users["officer2"], users["officer3"]]
    leader = users["leader"]
    under_construction = next(f for f in firms if f.status == "construction")
    made = []
    for i, (name, kind, done, light, total) in enumerate(PLANNED):
        signed_on = _target(today, light, calendar) - dt.timedelta(days=OFFSETS[done])
        investor = under_construction if done == 7 and light == "red" else None
        if name == FIRM_USERS_PROJECT:
            investor = EnterpriseMember.objects.get(user=users["firm"]).enterprise
        project = services.project_create(
            actor=SYSTEM,
            zone=zone,
            data=services.ProjectData(
                code=f"XM{2020 + i % 3}-{i + 1:03d}",
                name=f"{name}{SYNTHETIC}",
                level=LEVELS[i % 3],
                kind=kind,
                investor=investor,
                investor_name="" if investor else f"{INVESTORS[name]}{SYNTHETIC}",
                site=f"演示经开区{i + 1}号地块",
                site_area_mu=Decimal(40 + 7 * i),
                total_investment_wan=Decimal(total),
                yearly_investment_wan=(Decimal(total) * Decimal("0.3")).quantize(Decimal(1)),
                expected_output_wan=Decimal(total) * 2 if kind == "industrial" else None,
                first_production_month=signed_on
                + dt.timedelta(days=OFFSETS[CODES.index("producing")]),
                signed_on=signed_on,
                leading_cadre=leader,
                service_officer=officers[i % 3],
            ),
        )
        _people(project, users)
        _complete_through(project, done, today)
        _investment(project, COMPLETED[light], today)
        made.append(project)
    # The four firms new in 2020: signed 480 days before they started producing, through 投产.
    new_firms = [f for f in firms if f.production_start and f.production_start.year == 2020]
    for j, firm in enumerate(sorted(new_firms, key=lambda f: f.production_start)):
        signed_on = firm.production_start - dt.timedelta(days=OFFSETS[CODES.index("producing")])
        project = services.project_create(
            actor=SYSTEM,
            zone=zone,
            data=services.ProjectData(
                code=f"XM2018-{j + 1:03d}",
                name=f"{firm.main_products}生产基地项目{SYNTHETIC}",
                level=LEVELS[j % 3],
                kind="industrial",
                investor=firm,
                site=f"演示经开区{30 + j}号地块",
                site_area_mu=firm.land_area_mu,
                total_investment_wan=Decimal(20000 + 5000 * j),
                yearly_investment_wan=Decimal(0),
                expected_output_wan=Decimal(30000 + 6000 * j),
                first_production_month=firm.production_start,
                signed_on=signed_on,
                leading_cadre=leader,
                service_officer=officers[j % 3],
            ),
        )
        _people(project, users)
        _complete_through(project, CODES.index("producing") + 1, today)
        _investment(project, Decimal(1), today)
        made.append(project)
        # 达产 was due a year after production: moved to the coming months (approved), to two
        # working days from now (approved: yellow), or reached on its date (the oldest one: a
        # firm producing since early 2020 is not shown years late on the meeting's page).
        full = project.nodes.get(code=templates_default.FULL)
        if j == 3:
            services.node_complete(actor=SYSTEM, node=full, done_on=min(full.planned_on, today))
        if j < 3:
            to_on = (
                calendar.add_working_days(today, 2)
                if j == 2
                else today + dt.timedelta(days=90 + 30 * j)
            )
            replan = services.replan_request(
                actor=officers[j % 3],
                node=full,
                to_on=to_on,
                reason=f"市场需求恢复较慢，产能爬坡推迟{SYNTHETIC}",
                at=_ago(20 - 3 * j),
            )
            services.replan_decide(
                actor=leader,
                replan=replan,
                decision=Replan.Status.APPROVED,
                at=_ago(18 - 3 * j, hour=16),
            )
    # A re-plan refused and one awaiting the leader, on two late projects.
    late = [p for p in made[: len(PLANNED)] if PLANNED[made.index(p)][3] == "red"]
    refused_node = late[0].nodes.filter(status=ProjectNode.Status.OPEN).first()
    replan = services.replan_request(
        actor=late[0].service_officer,
        node=refused_node,
        to_on=today + dt.timedelta(days=60),
        reason=f"业主资金未到位，申请顺延{SYNTHETIC}",
        at=_ago(9),
    )
    services.replan_decide(
        actor=leader,
        replan=replan,
        decision=Replan.Status.REFUSED,
        note=f"请先落实资金方案，下周调度会再议{SYNTHETIC}",
        at=_ago(7, hour=15),
    )
    waiting_node = late[1].nodes.filter(status=ProjectNode.Status.OPEN).first()
    services.replan_request(
        actor=late[1].service_officer,
        node=waiting_node,
        to_on=today + dt.timedelta(days=45),
        reason=f"用地报批材料补正，预计顺延45天{SYNTHETIC}",
        at=_ago(2),
    )
    _guarantees(zone, made, today)
    load_service(zone, made)


# (project index in load()'s order, category, land stage, quantity, need, department or None,
#  utility, due in days from today, done days ago or None)
GUARANTEES = [
    (3, "land", "acquired", "80", "", "规划建设局", "", -40, 30),
    (3, "demolition", "", "24", "", "综合办公室", "", -20, None),  # blocks 土地摘牌
    (6, "power", "", None, "10kV双回路专线", None, "国网开江县供电公司", -8, None),
    (6, "water", "", None, "DN300供水管接入", None, "开江县自来水公司", 20, None),
    (0, "land", "to_acquire", "300", "", "规划建设局", "", 45, None),
    (9, "road", "", None, "园区纬三路接入", "规划建设局", "", -70, 60),
    (9, "gas", "", None, "天然气中压管道接入", None, "演示燃气有限公司", -3, None),
    (11, "telecom", "", None, "千兆光纤专线", None, "中国电信开江分公司", -20, 15),
    (13, "drainage", "", None, "雨污分流管网接入", "规划建设局", "", 10, None),
    (16, "land", "supplied", "60", "", "规划建设局", "", -700, 720),
]


def _guarantees(zone, made, today: dt.date) -> None:
    departments = {d.name: d for d in Department.objects.filter(zone=zone)}
    items = []
    for index, category, stage, quantity, need, dept, utility, due, done in GUARANTEES:
        item = services.guarantee_create(
            actor=SYSTEM,
            project=made[index],
            data=services.GuaranteeData(
                category=category,
                land_stage=stage,
                quantity=Decimal(quantity) if quantity else None,
                need=need,
                department=departments.get(dept) if dept else None,
                utility=f"{utility}{SYNTHETIC}" if utility else "",
                due_on=today + dt.timedelta(days=due),
                note=f"调度会跟踪事项{SYNTHETIC}",
            ),
        )
        if done is not None:
            services.guarantee_done(
                actor=SYSTEM, guarantee=item, done_on=today - dt.timedelta(days=done)
            )
        items.append(item)
    blocked = made[3].nodes.filter(status=ProjectNode.Status.OPEN).order_by("seq").first()
    services.node_block(actor=SYSTEM, node=blocked, guarantee=items[1])


# (hours before the load the request came in (the first: 22:10 two nights before), title, category, minutes to respond, department
# it is handed to, hours from coming in to resolved; None: not yet)
SERVICE = [
    (0, "工地夜间突发停电，塔吊停工", "energy", 25, "规划建设局", 3.5),
    (240, "施工许可变更材料咨询", "permits", 60, "规划建设局", 20),
    (50, "厂区供水管爆裂", "energy", 40, "综合办公室", 30),
    (5, "夜间施工噪声投诉协调", "other", None, None, None),
    (1, "投产设备进口通关咨询", "logistics", None, None, None),
]


def load_service(zone, projects) -> None:
    """The service requests of SERVICE on the projects with a registered investor, each raised,
    responded to and resolved by the project's service officer at the hours above."""
    now = timezone.now().replace(second=0, microsecond=0)
    departments = {d.name: d for d in Department.objects.filter(zone=zone)}
    with_firm = [p for p in projects if p.investor_id is not None]
    # The first: 22:10 the night before yesterday, whatever the hour of the load.
    night = timezone.localtime(now).replace(hour=22, minute=10) - dt.timedelta(days=2)
    for i, (before, title, category, respond_min, dept, resolve_h) in enumerate(SERVICE):
        project = with_firm[i % len(with_firm)]
        raised = night if i == 0 else now - dt.timedelta(hours=before)
        officer = project.service_officer or SYSTEM
        request = services.service_request_raise(
            actor=officer,
            project=project,
            category=category,
            title=f"{title}{SYNTHETIC}",
            raised_via="phone",
            at=raised,
        )
        if respond_min is None:
            continue
        services.service_request_respond(
            actor=officer,
            request=request,
            department=departments[dept],
            at=raised + dt.timedelta(minutes=respond_min),
        )
        if resolve_h is not None:
            services.service_request_resolve(
                actor=officer,
                request=request,
                resolution=f"已协调{dept}现场处置，恢复正常{SYNTHETIC}",
                at=raised + dt.timedelta(hours=resolve_h),
            )
