"""Test data, made through the same services the application uses. One place for all of it."""

import datetime as dt
import io
import itertools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import xlsxwriter
from django.utils import translation

from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.demo.builder import credit_code
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.services import (
    ContactData,
    EnterpriseData,
    enterprise_create,
    enterprise_member_bind,
)
from zonedesk.monitoring import imports as monthly_imports
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.org.models import Area, Bank, User, Zone
from zonedesk.org.services import department_create, user_create, zone_create
from zonedesk.policies import imports as library_imports
from zonedesk.policies import services as policy_services

_serial = itertools.count(1)


def area(code: str, name: str, level: str, parent: Area | None = None) -> Area:
    return Area.objects.filter(code=code).first() or Area.objects.create(
        code=code, name=name, level=level, parent=parent
    )


def user(username: str, roles: list[str], **unit) -> User:
    return user_create(
        actor=SYSTEM, username=username, password="Unused-in-tests-1", roles=roles, **unit
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
        # the third duty (MLPS level 3): roles, log-in locks and second factors of the unit
        "security": user("security", ["security"], zone=zone_a),
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


def project(zone: Zone, *, code: str = "XM-001", signed_on: dt.date, **fields):
    """A key project of `zone`, added by the system, its nodes planned from `signed_on` by the
    default template (a new investor by name unless `investor` is given)."""
    from decimal import Decimal

    from zonedesk.projects.services import ProjectData, project_create

    values = {
        "name": f"{code}新建项目（合成）",
        "level": "county",
        "kind": "industrial",
        "total_investment_wan": Decimal("50000"),
        "first_production_month": signed_on + dt.timedelta(days=480),
        "investor_name": "新投资有限公司（合成）",
        **fields,
    }
    return project_create(
        actor=SYSTEM, zone=zone, data=ProjectData(code=code, signed_on=signed_on, **values)
    )


# --- monthly figures -------------------------------------------------------------------------------

JUNE = Period(2020, 6)
# The month's figures of one firm, as the template's columns after credit code, name and month.
MONTHLY_ROW = [1234.5, 1100, 250000, 3200, 85, 0, 120.25, 3000, 78.5]


def figures(firm: Enterprise, employees, output=100, revenue=90):
    """The firm's June figures: its output, revenue (万元) and employees."""
    return MonthlyFigure.objects.create(
        enterprise=firm,
        period=JUNE.first_day,
        output_value_wan=output,
        revenue_wan=revenue,
        employees=employees,
    )


def monthly_template(world: World, period=JUNE, lang="zh-hans") -> openpyxl.Workbook:
    """zone_a's monthly template for the period, as its leader downloads it."""
    with translation.override(lang):
        data = monthly_imports.template_bytes(
            world.zone_a,
            period,
            monthly_imports.reporting_firms(world.users["leader"], world.zone_a, period),
        )
    return openpyxl.load_workbook(io.BytesIO(data))


def filled_template(world: World, rows=None, **kw) -> openpyxl.Workbook:
    """The monthly template as openpyxl (a real spreadsheet library) fills it: each firm's row
    is `rows[sheet row]` if given, else MONTHLY_ROW."""
    book = monthly_template(world, **kw)
    ws = book.worksheets[0]
    for r in range(2, ws.max_row + 1):
        values = (rows or {}).get(r, MONTHLY_ROW)
        for c, v in enumerate(values, start=4):
            ws.cell(row=r, column=c, value=v)
    return book


def saved(book: openpyxl.Workbook) -> io.BytesIO:
    """The workbook saved as an .xlsx file, ready to upload."""
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


# --- the policy library ----------------------------------------------------------------------------

TODAY = dt.date(2020, 7, 15)


def document(world: World, level: str, **kw):
    """A policy document in force from February 2020: zone_a's at level "zone", else of `area`."""
    scope = {"zone": world.zone_a} if level == "zone" else {"area": kw.pop("area")}
    return policy_services.document_create(
        actor=SYSTEM,
        level=level,
        issuer=f"{level} 政府（合成）",
        number=f"{level}〔2020〕1号",
        title=f"{level} 支持措施（合成）",
        valid_from=dt.date(2020, 2, 1),
        **scope,
        **kw,
    )


def measure(doc, eligibility: str, benefit: str = "", **kw):
    """A subsidy of the document with these rules (matched at once unless rematch=False)."""
    return policy_services.measure_create(
        actor=SYSTEM,
        document=doc,
        clause=kw.pop("clause", "第一条"),
        title=kw.pop("title", "稳岗补贴（合成）"),
        benefit_type="subsidy",
        eligibility=eligibility,
        benefit=benefit,
        **kw,
    )


LIBRARY_HEADER = [
    "level",
    "scope",
    "issuer",
    "number",
    "title",
    "published",
    "valid_from",
    "valid_to",
    "clause",
    "measure_title",
    "summary",
    "benefit_type",
    "mode",
    "department",
    "materials",
    "firm_statuses",
    "eligibility",
    "benefit",
]
COUNTY_DOCUMENT = [
    "县级",
    "511723",
    "开江县人民政府（合成）",
    "开府发〔2020〕3号",
    "二十二条（合成）",
]


def library_row(clause="第一条", *, doc=None, **kw) -> list:
    """One measure row of the library's sheet: a county document of 开江 by default (Chinese
    labels and codes mixed)."""
    level, scope, issuer, number, title = doc or ["county", *COUNTY_DOCUMENT[1:]]
    values = {
        "level": level,
        "scope": scope,
        "issuer": issuer,
        "number": number,
        "title": title,
        "published": dt.date(2020, 2, 10),
        "valid_from": dt.date(2020, 2, 10),
        "valid_to": None,
        "clause": clause,
        "measure_title": f"稳岗补贴{clause}（合成）",
        "summary": "按人数补贴（合成）",
        "benefit_type": "subsidy",
        "mode": "automatic",
        "department": "人社局",
        "materials": "",
        "firm_statuses": "",  # empty: producing and halted firms
        "eligibility": "employees >= 20",
        "benefit": "min(employees * 0.1, 50)",
    }
    values.update(kw)
    return [values[h] for h in LIBRARY_HEADER]


def library_workbook(rows, header=None) -> bytes:
    """The library's sheet as an .xlsx written by XlsxWriter (dates as real date cells, as Excel
    stores them)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet(library_imports.SHEET)
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for c, h in enumerate(header or LIBRARY_HEADER):
        ws.write_string(0, c, h)
    for r, values in enumerate(rows, start=1):
        for c, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), dates)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v)
    book.close()
    return out.getvalue()


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


def resaved_by_calc(source: Path, fmt: str, workdir: Path) -> Path:
    """`source` opened and saved again by LibreOffice Calc as `fmt` (xlsx, ods): a file written
    by the spreadsheet program officials use, not by our own writer."""
    out = workdir / "calc"
    subprocess.run(  # noqa: S603 - our own arguments
        [
            shutil.which("soffice") or "/usr/bin/soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{workdir}/profile",
            "--convert-to",
            fmt,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out / f"{source.stem}.{fmt}"


def province_document(world: World):
    """A province document in force since February 2020, and firm_a's June 2020 figures (50
    employees), so that firm_a qualifies under a measure of it on `employees`."""
    MonthlyFigure.objects.create(
        enterprise=world.firm_a,
        period=dt.date(2020, 6, 1),
        output_value_wan=100,
        revenue_wan=90,
        employees=50,
    )
    return policy_services.document_create(
        actor=SYSTEM,
        data=policy_services.DocumentData(
            level="province",
            area=world.sichuan,
            issuer="省政府（合成）",
            title="稳岗支持措施（合成）",
            valid_from=dt.date(2020, 2, 1),
        ),
    )


def months_of_figures(firm: Enterprise, values: dict) -> None:
    """The firm's figures for several months: {Period: (output 万元, kWh or None, days halted)}."""
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(
            enterprise=firm,
            period=period.first_day,
            output_value_wan=output,
            electricity_kwh=kwh,
            days_halted=halted,
            employees=10,
        )
        for period, (output, kwh, halted) in values.items()
    )


# --- utility readings ------------------------------------------------------------------------------

# The State Grid county company's monthly sheet as it arrives: a title row, a serial column, the
# address and the bill beside the columns the import reads, and a totals line at the bottom.
POWER_HEADER = ["序号", "户号", "户名", "用电地址", "抄表年月", "用电量(千瓦时)", "电费(元)"]
WATER_HEADER = ["用户编号", "户名", "月份", "用水量（吨）"]


def utility_sheet(
    header: list, rows: list[list], *, title: str | None = None, total: bool = False
) -> bytes:
    """A company's readings written by openpyxl: `title` above the header, a 合计 line below."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    if title:
        sheet.append([title])
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    if total:
        sheet.append(["合计"] + [None] * (len(header) - 1))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def utility_accounts(firm: Enterprise, power=(), water=()):
    """Record the firm's account numbers, as the system (audited like an official's edit)."""
    from zonedesk.monitoring.services import utility_accounts_set

    utility_accounts_set(actor=SYSTEM, enterprise=firm, power=list(power), water=list(water))
    firm.refresh_from_db()


def entitlement(
    world: World,
    firm: Enterprise,
    *,
    state: str = "identified",
    mode: str = "application",
    since=None,
    benefit_type: str = "subsidy",
    title: str = "补贴（合成）",
    decision: str = "eligible",
):
    """An eligible benefit of `firm` under a measure of the province in force since 2020, at
    `state`; with `since` (an aware datetime) the event that moved it there at that time."""
    import datetime as dt

    from zonedesk.policies import services as policies
    from zonedesk.policies.models import Entitlement, EntitlementEvent

    doc = policies.document_create(
        actor=SYSTEM,
        level="province",
        area=world.sichuan,
        issuer="省政府（合成）",
        title="措施（合成）",
        valid_from=dt.date(2020, 1, 1),
    )
    measure = policies.measure_create(
        actor=SYSTEM,
        document=doc,
        clause="一",
        title=title,
        benefit_type=benefit_type,
        eligibility="true",
        mode=mode,
    )
    found = Entitlement.objects.create(
        enterprise=firm,
        measure=measure,
        decision=decision,
        rule_version=measure.current,
        period="2020-06-01",
        decided_at=dt.datetime(2020, 7, 1, tzinfo=dt.UTC),
        state=state,
    )
    if since is not None:
        EntitlementEvent.objects.create(
            entitlement=found, move=state, from_state="identified", to_state=state, at=since
        )
    return found


# --- financing (finance) ---------------------------------------------------------------------


def bank(name: str = "测试银行二（合成）", area=None):
    """A bank of the given area (开江县's test area when none)."""
    area = area or Area.objects.get(code="511723")
    return Bank.objects.get_or_create(name=name, defaults={"area": area})[0]


def bank_product(bank, **overrides):
    """A product of `bank` in force since 2020: 10–500 万元, 1–36 months, any collateral, the
    rule `true` unless given."""
    from decimal import Decimal

    from zonedesk.finance.services import ProductData, product_create

    values = {
        "name": "流动资金贷（合成）",
        "type": "credit",
        "amount_min_wan": Decimal("10"),
        "amount_max_wan": Decimal("500"),
        "term_min_months": 1,
        "term_max_months": 36,
        "rate_min_pct": Decimal("3.65"),
        "rate_max_pct": Decimal("5.5"),
        "valid_from": dt.date(2020, 1, 1),
        "eligibility": "true",
    }
    values.update(overrides)
    return product_create(actor=SYSTEM, bank=bank, data=ProductData(**values))


def financing_need(firm, *, shared_with=(), covers_figures=False, **overrides):
    """A draft need of `firm` (100 万元, 12 months, working capital, property), consented for
    and shared with the banks of `shared_with` when given."""
    from decimal import Decimal

    from zonedesk.finance.services import NeedData, consent_grant, need_create, need_transition

    values = {
        "amount_wan": Decimal("100"),
        "term_months": 12,
        "purpose": "working_capital",
        "collateral": "property",
    }
    values.update(overrides)
    need = need_create(actor=SYSTEM, enterprise=firm, data=NeedData(**values))
    for b in shared_with:
        consent_grant(actor=SYSTEM, need=need, bank=b, covers_figures=covers_figures)
    if shared_with:
        need = need_transition(actor=SYSTEM, need=need, to="shared")
    return need


FINANCE_PATHS = {
    "draft": [],
    "shared": ["shared"],
    "received": ["shared", "received"],
    "under_review": ["shared", "received", "under_review"],
    "approved": ["shared", "received", "under_review", "approved"],
    "declined": ["shared", "received", "declined"],
    "disbursed": ["shared", "received", "under_review", "approved", "disbursed"],
    "repaid": ["shared", "received", "under_review", "approved", "disbursed", "repaid"],
    "withdrawn": ["withdrawn"],
}


def finance_step_inputs(move: str) -> dict:
    """Valid inputs for each move of a financing need."""
    from decimal import Decimal

    from django.utils import timezone

    today = timezone.localdate()
    return {
        "approved": {"amount_wan": Decimal("80"), "rate_pct": Decimal("4.35"), "term_months": 12},
        "declined": {"reason": "collateral", "note": "抵押物估值不足（合成）"},
        "disbursed": {"on": today, "amount_wan": Decimal("80")},
        "repaid": {"on": today},
    }.get(move, {})


def financing_need_walk(firm, state: str, bank):
    """A need of `firm` brought to `state` by the system (consented for `bank` first)."""
    from zonedesk.finance.services import consent_grant, need_transition

    need = financing_need(firm)
    if state != "draft" and state != "withdrawn":
        consent_grant(actor=SYSTEM, need=need, bank=bank)
    for move in FINANCE_PATHS[state]:
        need = need_transition(actor=SYSTEM, need=need, to=move, **finance_step_inputs(move))
    return need


def bridge_fund(zone: Zone, **fields):
    """A bridge-loan fund of `zone`: 5,000万元, 95% of the commitment, 500万元 per firm, 10 days,
    0.1%/day for days 1–5 then 0.2%/day (the published rule)."""
    from decimal import Decimal

    from zonedesk.finance.services.bridge import FundData, bridge_fund_create

    values = dict(
        zone=zone,
        name=f"{zone.name}转贷资金（合成）",
        source="城投公司（合成）",
        size_wan=Decimal(5000),
        cap_per_firm_wan=Decimal(500),
    )
    return bridge_fund_create(actor=SYSTEM, data=FundData(**(values | fields)))


def bridge_loan(fund, firm: Enterprise, bank, *, state: str = "applied", day=None, **fields):
    """A bridge loan of `firm` (400万元 maturing, 400万元 committed, 300万元 requested), walked to
    `state` by the system through the one move service (disbursed and repaid on `day`)."""
    from decimal import Decimal

    from zonedesk.finance.services import bridge as services

    values = dict(
        firm=firm,
        bank=bank,
        maturing_wan=Decimal(400),
        maturing_on=dt.date(2020, 6, 10),
        committed_wan=Decimal(400),
        requested_wan=Decimal(300),
        commitment_ref="续贷承诺函（合成）第001号",
    )
    loan = services.bridge_loan_apply(
        actor=SYSTEM, fund=fund, data=services.ApplicationData(**(values | fields)), today=day
    )
    path = {
        "applied": [],
        "approved": ["approved"],
        "disbursed": ["approved", "disbursed"],
        "repaid": ["approved", "disbursed", "repaid"],
        "refused": ["refused"],
    }[state]
    for move in path:
        loan = services.bridge_loan_move(
            actor=SYSTEM,
            loan=loan,
            to=move,
            on=day,
            note="不符合条件（合成）" if move == "refused" else "",
        )
    return loan
