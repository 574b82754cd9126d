from django.utils.translation import gettext as _
from ninja import Router, Status

from zonedesk.core.errors import NotFound, ValidationFailed
from zonedesk.core.schemas import ConflictOut
from zonedesk.org import selectors, services
from zonedesk.org.schemas import (
    ZoneIn,
    ZoneOut,
    ZonePatch,
)

router = Router(tags=["zones"])


def _zone(request, code: str):
    zone = selectors.zone_get(request.user, code=code)
    if zone is None:
        raise NotFound(_("No zone with code %(code)s.") % {"code": code})
    return zone


@router.get("/zones", response=list[ZoneOut])
def list_zones(request):
    return selectors.zone_list(request.user)


@router.get("/zones/{code}", response=ZoneOut)
def get_zone(request, code: str):
    return _zone(request, code)


@router.post("/zones", response={201: ZoneOut})
def create_zone(request, payload: ZoneIn):
    area = selectors.area_get(request.user, code=payload.area_code)
    if area is None:
        raise ValidationFailed({"area_code": [_("Not an area you administer.")]})
    zone = services.zone_create(actor=request.user, code=payload.code, name=payload.name, area=area)
    return Status(201, zone)


@router.patch("/zones/{code}", response={200: ZoneOut, 409: ConflictOut})
def update_zone(request, code: str, payload: ZonePatch):
    """Rename a zone; `version` is the one read (409 if the zone changed since)."""
    zone = _zone(request, code)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    return services.zone_update(actor=request.user, zone=zone, expected_version=version, **fields)
