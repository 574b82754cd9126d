"""Test data, made through the same services the application uses. One place for all of it."""

import itertools
from dataclasses import dataclass

from zonedesk.core.actors import SYSTEM
from zonedesk.demo.builder import credit_code
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.services import (
    ContactData,
    EnterpriseData,
    enterprise_create,
    enterprise_member_bind,
)
from zonedesk.org.models import Area, Bank, User, Zone
from zonedesk.org.services import department_create, user_create, zone_create

_serial = itertools.count(1)


def area(code: str, name: str, level: str, parent: Area | None = None) -> Area:
    return Area.objects.filter(code=code).first() or Area.objects.create(
        code=code, name=name, level=level, parent=parent
    )


def user(username: str, roles: list[str], **unit) -> User:
    return user_create(
        actor=SYSTEM, username=username, password="unused-in-tests", roles=roles, **unit
    )


def firm(zone: Zone, name: str | None = None, **fields) -> Enterprise:
    n = next(_serial)
    data = {
        "name": name or f"测试企业{n:04d}有限公司",
        "credit_code": credit_code(zone.area.code, 90000 + n),
        "industry_code": "3311",
        **fields,
    }
    return enterprise_create(actor=SYSTEM, zone=zone, data=EnterpriseData(**data))


@dataclass
class World:
    """Two zones in different provinces, firms in each, and one user for every role.

    zone_a (开江县, 达州市, 四川省) holds firm_a (assigned to `officer`, bound to the
    enterprise user) and firm_a2; zone_b (万州区, 重庆市) holds firm_b.
    """

    sichuan: Area
    dazhou: Area
    kaijiang: Area
    wanzhou: Area
    zone_a: Zone
    zone_b: Zone
    firm_a: Enterprise
    firm_a2: Enterprise
    firm_b: Enterprise
    users: dict[str, User]


def world() -> World:
    sichuan = area("510000", "四川省", "province")
    dazhou = area("511700", "达州市", "city", sichuan)
    kaijiang = area("511723", "开江县", "county", dazhou)
    chongqing = area("500000", "重庆市", "province")
    wanzhou = area("500101", "万州区", "county", chongqing)
    zone_a = zone_create(actor=SYSTEM, code="zone-a", name="甲经开区", area=kaijiang)
    zone_b = zone_create(actor=SYSTEM, code="zone-b", name="乙经开区", area=wanzhou)
    dept = department_create(actor=SYSTEM, zone=zone_a, name="经济发展局")
    bank = Bank.objects.create(name="测试银行开江支行", area=kaijiang)
    users = {
        "admin": user("admin", ["admin"], zone=zone_a),
        "leader": user("leader", ["leader"], zone=zone_a),
        "officer": user("officer", ["officer"], zone=zone_a),
        "officer2": user("officer2", ["officer"], zone=zone_a),
        "department": user("department", ["department"], department=dept),
        "enterprise": user("enterprise", ["enterprise"], zone=zone_a),
        "bank": user("bank", ["bank"], area=kaijiang, bank=bank),
        "auditor": user("auditor", ["auditor"], zone=zone_a),
        "city_leader": user("city_leader", ["leader"], area=dazhou),
        "province_admin": user("province_admin", ["admin"], area=sichuan),
        "officer_b": user("officer_b", ["officer"], zone=zone_b),
    }
    firm_a = firm(
        zone_a,
        "甲一机械有限公司",
        officer=users["officer"],
        contacts=[ContactData(name="联系人甲", phone="13812345678")],
    )
    firm_a2 = firm(zone_a, "甲二食品有限公司", industry_code="1391")
    firm_b = firm(zone_b, "乙一电子有限公司", industry_code="3971", officer=users["officer_b"])
    enterprise_member_bind(actor=SYSTEM, user=users["enterprise"], enterprise=firm_a)
    for u in users.values():  # forget cached roles
        u.__dict__.pop("roles", None)
    return World(sichuan, dazhou, kaijiang, wanzhou, zone_a, zone_b, firm_a, firm_a2, firm_b, users)


def department_user(zone: Zone, department_name: str, username: str) -> User:
    """A department staff member (the department is created when missing)."""
    from zonedesk.org.models import Department

    dept = Department.objects.filter(zone=zone, name=department_name).first()
    dept = dept or department_create(actor=SYSTEM, zone=zone, name=department_name)
    staff = user(username, ["department"], department=dept)
    staff.__dict__.pop("roles", None)
    return staff


def problem(enterprise: Enterprise, **fields):
    """A submitted problem, raised by the system on the firm's behalf."""
    from zonedesk.casework.services import problem_submit

    values = {"category": "finance", "title": "流动资金紧张", "raised_via": "visit", **fields}
    return problem_submit(actor=SYSTEM, enterprise=enterprise, **values)


# The shortest way from submitted to each status of a problem.
PROBLEM_PATHS = {
    "submitted": [],
    "accepted": ["accepted"],
    "in_progress": ["accepted", "in_progress"],
    "replied": ["accepted", "in_progress", "replied"],
    "resolved": ["accepted", "in_progress", "replied", "resolved"],
    "confirmed": ["accepted", "in_progress", "replied", "resolved", "confirmed"],
    "reopened": ["accepted", "in_progress", "replied", "resolved", "reopened"],
    "transferred": ["accepted", "transferred"],
    "closed_unsolvable": ["closed_unsolvable"],
}


def problem_step_inputs(problem, step: str, *, department, transfer_to) -> dict:
    """Valid inputs of a problem's step: accepted by `department`, transferred to
    `transfer_to`, extended by a day, rated 4, a reason wherever one is needed."""
    import datetime as dt

    from django.utils import timezone

    from zonedesk.casework.flows import EXTENDED, NEEDS_REASON

    if step == "accepted":
        return {} if problem.status == "transferred" else {"department": department}
    if step == "transferred":
        return {"department": transfer_to, "reason": "职能不符"}
    if step == EXTENDED:
        due = problem.due_at or timezone.localdate()
        return {"reason": "需协调上级", "due_on": due + dt.timedelta(days=1)}
    if step == "confirmed":
        return {"satisfaction": 4, "comment": "满意"}
    if step in NEEDS_REASON:
        return {"reason": "已处理"}
    return {}


def problem_walk(problem, status: str, *, department, transfer_to):
    """The problem brought to `status` by the system along PROBLEM_PATHS."""
    from zonedesk.casework.services import problem_transition

    for step in PROBLEM_PATHS[status]:
        inputs = problem_step_inputs(problem, step, department=department, transfer_to=transfer_to)
        problem = problem_transition(actor=SYSTEM, problem=problem, to=step, **inputs)
    return problem
