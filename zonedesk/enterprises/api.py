from dataclasses import replace

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from zonedesk.core.errors import NotFound, ValidationFailed
from zonedesk.core.pagination import LazyPage, Pagination
from zonedesk.core.schemas import ConflictOut
from zonedesk.enterprises import selectors, services
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.schemas import (
    EnterpriseDetailOut,
    EnterpriseFilterIn,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
)
from zonedesk.org.selectors import officer_list, zone_get

router = Router(tags=["enterprises"])


def _out(user, e: Enterprise, *, contacts: bool = False) -> dict:
    ind = e.industry
    out = {
        "id": e.pk,
        "name": e.name,
        "credit_code": e.credit_code,
        "zone": e.zone.code,
        "industry_code": e.industry_code,
        "industry_section": ind.section if ind else None,
        "industry_name": ind.name if ind else None,
        "above_designated_size": e.above_designated_size,
        "status": e.status,
        "production_start": e.production_start,
        "address": e.address,
        "legal_representative": e.legal_representative,
        "registered_capital_wan": e.registered_capital_wan,
        "established_on": e.established_on,
        "enterprise_type": e.enterprise_type or None,
        "main_products": e.main_products,
        "land_area_mu": e.land_area_mu,
        "officer": e.officer.username if e.officer else None,
        "version": e.version,
    }
    if contacts:
        out["contacts"] = selectors.contact_rows(user, e)
    return out


def _get(request, pk: int) -> Enterprise:
    enterprise = selectors.enterprise_get(request.user, pk=pk)
    if enterprise is None:
        raise NotFound(_("No enterprise with id %(id)d.") % {"id": pk})
    return enterprise


def _officer(request, username: str | None, zone):
    if not username:
        return None
    officer = officer_list(request.user, zone=zone).filter(username=username).first()
    if officer is None:
        raise ValidationFailed(
            {
                "officer": [
                    _("%(user)s is not a liaison officer of %(zone)s.")
                    % {"user": username, "zone": zone}
                ]
            }
        )
    return officer


def _contacts(items) -> list[services.ContactData] | None:
    return None if items is None else [services.ContactData(**c.dict()) for c in items]


@router.get("/firms", response=list[EnterpriseOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_firms(request, filters: Query[EnterpriseFilterIn]):
    qs = selectors.enterprise_list(request.user, selectors.EnterpriseFilters(**filters.dict()))
    return LazyPage(qs, lambda e: _out(request.user, e))


@router.get("/firms/{int:pk}", response=EnterpriseDetailOut)
def get_firm(request, pk: int):
    return _out(request.user, _get(request, pk), contacts=True)


@router.post("/firms", response={201: EnterpriseDetailOut})
def create_firm(request, payload: EnterpriseIn):
    zone = zone_get(request.user, code=payload.zone)
    if zone is None:
        raise ValidationFailed({"zone": [_("Not one of your zones.")]})
    data = payload.dict(exclude={"zone", "contacts", "officer"})
    data["enterprise_type"] = data["enterprise_type"] or ""
    enterprise = services.enterprise_create(
        actor=request.user,
        zone=zone,
        data=services.EnterpriseData(
            **data,
            officer=_officer(request, payload.officer, zone),
            contacts=_contacts(payload.contacts),
        ),
    )
    return Status(201, _out(request.user, _get(request, enterprise.pk), contacts=True))


@router.patch("/firms/{int:pk}", response={200: EnterpriseDetailOut, 409: ConflictOut})
def update_firm(request, pk: int, payload: EnterprisePatch):
    """Change the fields given; `version` is the one read, and the change is refused (409, with
    who changed the firm and when) if someone changed the firm since."""
    enterprise = _get(request, pk)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    contacts = _contacts(payload.contacts) if "contacts" in fields else None
    fields.pop("contacts", None)
    if "officer" in fields:
        fields["officer"] = _officer(request, fields["officer"], enterprise.zone)
    for name in ("name", "credit_code", "industry_code", "status", "above_designated_size"):
        if name in fields and fields[name] is None:
            raise ValidationFailed({name: [_("This field cannot be empty.")]})
    for name in ("address", "legal_representative", "enterprise_type", "main_products"):
        if name in fields and fields[name] is None:
            fields[name] = ""  # null clears a text field
    data = replace(services.EnterpriseData.of(enterprise), **fields, contacts=contacts)
    services.enterprise_update(
        actor=request.user, enterprise=enterprise, data=data, expected_version=version
    )
    return _out(request.user, _get(request, pk), contacts=True)
