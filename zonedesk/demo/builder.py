"""Load the deterministic demo zone, through the same services every user goes through."""

from base64 import b32decode

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from zonedesk.core import uscc
from zonedesk.core.actors import SYSTEM
from zonedesk.demo import (
    casework,
    chains,
    data,
    finance,
    finance_bridge,
    leads,
    monthly,
    policies,
    projects,
    utility,
)
from zonedesk.enterprises import services as enterprise_services
from zonedesk.enterprises.models import Enterprise
from zonedesk.org import services as org_services
from zonedesk.org.access import second_factor_required
from zonedesk.org.models import Area, Bank, User, Zone

ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(division: str, serial: int, *, dept: str = "9", kind: str = "1") -> str:
    """A valid, synthetic credit code: department, kind, division, 9-char body, check char."""
    body, n = [], serial
    for _ in range(8):
        n, r = divmod(n, 31)
        body.append(ORG_CODE_ALPHABET[r])
    first17 = f"{dept}{kind}{division}MA{''.join(reversed(body))[1:]}"  # MA + 7: like new codes
    first17 = first17[:17]
    return first17 + uscc.check_character(first17)


def is_loaded() -> bool:
    return Zone.objects.filter(code=data.ZONE[0]).exists()


@transaction.atomic
def load() -> None:
    areas = {}
    for code, name, level, parent in data.AREAS:
        areas[code] = Area.objects.filter(code=code).first() or org_services.area_create(
            actor=SYSTEM, code=code, name=name, level=level, parent=areas.get(parent)
        )
    zone = org_services.zone_create(
        actor=SYSTEM, code=data.ZONE[0], name=data.ZONE[1], area=areas[data.ZONE[2]]
    )
    east = org_services.zone_create(
        actor=SYSTEM,
        code=data.NEIGHBOUR_ZONE[0],
        name=data.NEIGHBOUR_ZONE[1],
        area=areas[data.NEIGHBOUR_ZONE[2]],
    )
    departments = [
        org_services.department_create(actor=SYSTEM, zone=zone, name=n) for n in data.DEPARTMENTS
    ]
    bank = Bank.objects.create(name=data.BANK[0], area=areas[data.BANK[1]])

    users: dict[str, User] = {}
    for username, full_name, roles, unit in data.USERS:
        users[username] = org_services.user_create(
            actor=SYSTEM,
            username=username,
            password=data.PASSWORD,
            roles=roles,
            full_name=full_name,
            zone={"zone": zone, "neighbour": east}.get(unit),
            area=areas["511700"] if unit == "city" else areas["511723"] if unit == "bank" else None,
            department=departments[0] if "department" in roles else None,
            bank=bank if "bank" in roles else None,
        )
    users["superadmin"] = User.objects.create_superuser(
        "superadmin", password=data.PASSWORD, full_name="平台超级管理员（合成）"
    )
    for user in totp_users(users.values()):  # they need a second factor: a known one here
        TOTPDevice.objects.create(
            user=user,
            name="authenticator",
            key=b32decode(data.TOTP_SECRET).hex(),
            confirmed=True,
        )

    officers = [users["officer"], users["officer2"], users["officer3"]]
    firms = []
    for i, firm in enumerate(data.firm_plan()):
        contact_name, phone = firm.pop("contact")
        enterprise = enterprise_services.enterprise_create(
            actor=SYSTEM,
            zone=zone,
            data=enterprise_services.EnterpriseData(
                credit_code=credit_code(zone.area.code, 1000 + i),
                officer=officers[i % len(officers)],
                contacts=[
                    enterprise_services.ContactData(name=contact_name, title="总经理", phone=phone)
                ],
                **firm,
            ),
        )
        firms.append(enterprise)
    enterprise_services.enterprise_member_bind(
        actor=SYSTEM, user=users["firm"], enterprise=firms[0]
    )
    monthly.load(zone, firms)
    utility.load(zone, firms)
    policies.load(zone, officer_of=lambda firm: firm.officer)
    casework.load(zone, firms)
    projects.load(zone, firms, users)
    finance.load(zone, firms, users)
    finance_bridge.load(zone, firms, users)
    chains.load(zone)  # before the leads: a lead names the gap node it would fill
    leads.load(zone, firms, users)
    for i, (name, code) in enumerate(data.NEIGHBOUR_FIRMS):
        enterprise_services.enterprise_create(
            actor=SYSTEM,
            zone=east,
            data=enterprise_services.EnterpriseData(
                name=name,
                credit_code=credit_code(east.area.code, 5000 + i),
                industry_code=code,
                officer=users["east-officer"],
                above_designated_size=True,
            ),
        )


def totp_users(users) -> list[User]:
    """The demo users whose role needs a second factor (administrators, security
    administrators, superusers): they get the authenticator of data.TOTP_SECRET."""
    return [u for u in users if second_factor_required(u)]


def totp_usernames() -> list[str]:
    """Who logs in with the demo's authenticator (for the printed log-ins)."""
    return sorted(TOTPDevice.objects.values_list("user__username", flat=True))


def summary() -> list[tuple[str, str, str]]:
    """(user name, roles, what they see) for the printed log-ins."""
    rows = []
    for username, full_name, roles, _unit in data.USERS:
        rows.append((username, ",".join(roles), full_name))
    rows.append(("superadmin", "superuser", "/admin/"))
    return rows


def firm_count() -> int:
    return Enterprise.objects.filter(zone__code=data.ZONE[0]).count()
