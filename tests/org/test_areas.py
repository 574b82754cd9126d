"""Administrative areas carry real GB/T 2260 codes, current or historic."""

import pytest
from django.utils import translation

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.org.models import Area
from zonedesk.org.services import area_create

pytestmark = pytest.mark.django_db

UNKNOWN = "“511799” is not a valid administrative division code (GB/T 2260, current or historic)."


def test_a_made_up_county_code_is_refused_and_named(world):
    """Given a code of the right shape under 达州市 that GB/T 2260 never listed, nothing is
    written and the message names the code."""
    audits = AuditEntry.objects.count()
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        area_create(actor=SYSTEM, code="511799", name="虚构县", level="county", parent=world.dazhou)
    assert exc.value.errors == {"code": [UNKNOWN]}
    assert not Area.objects.filter(code="511799").exists()
    assert AuditEntry.objects.count() == audits


def test_a_historic_code_is_accepted(world):
    """A county withdrawn since (达县, 511721, became 达川区 in 2013) may still be recorded."""
    area = area_create(
        actor=SYSTEM, code="511721", name="达县", level="county", parent=world.dazhou
    )
    assert area.pk and AuditEntry.objects.filter(action="create", target_id=str(area.pk)).exists()


def test_the_shape_check_comes_first(world):
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        area_create(actor=SYSTEM, code="5117", name="短码", level="county", parent=world.dazhou)
    assert exc.value.errors["code"] == [
        "An administrative division code (GB/T 2260) has six digits."
    ]


def test_the_admin_form_shows_the_unknown_code_on_its_field(world, client_for):
    client = client_for(factories.User.objects.create_superuser("root", password="x"))
    client.cookies["django_language"] = "en"
    response = client.post(
        "/admin/org/area/add/",
        {"code": "511799", "name": "虚构县", "level": "county", "parent": world.dazhou.pk},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["code"] == [UNKNOWN]
    assert not Area.objects.filter(code="511799").exists()
    added = client.post(
        "/admin/org/area/add/",
        {"code": "511722", "name": "宣汉县", "level": "county", "parent": world.dazhou.pk},
    )
    assert added.status_code == 302 and Area.objects.filter(code="511722").exists()
