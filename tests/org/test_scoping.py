"""Units: an area covers the zones under it by GB/T 2260 code prefix."""

import pytest

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.org.models import Area
from zonedesk.org.selectors import area_list, zone_list
from zonedesk.org.services import zone_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "level", "prefix"),
    [("510000", "province", "51"), ("511700", "city", "5117"), ("511723", "county", "511723")],
)
def test_scope_prefix(code, level, prefix):
    """An area covers the codes starting with its level's prefix of its code."""
    assert Area(code=code, level=level).scope_prefix == prefix


def test_each_level_sees_the_zones_beneath_it(world):
    xuanhan = factories.area("511722", "宣汉县", "county", world.dazhou)
    chengdu = factories.area(
        "510104", "锦江区", "county", factories.area("510100", "成都市", "city", world.sichuan)
    )
    zone_c = zone_create(actor=SYSTEM, code="zone-c", name="丙", area=xuanhan)
    zone_d = zone_create(actor=SYSTEM, code="zone-d", name="丁", area=chengdu)
    county = factories.user("county", ["leader"], area=world.kaijiang)

    assert set(zone_list(county)) == {world.zone_a}
    assert set(zone_list(world.users["city_leader"])) == {world.zone_a, zone_c}
    assert set(zone_list(world.users["province_admin"])) == {world.zone_a, zone_c, zone_d}
    assert set(zone_list(world.users["leader"])) == {world.zone_a}


def test_a_zone_user_sees_only_their_zones_area(world):
    assert list(area_list(world.users["leader"])) == [world.kaijiang]


def test_inactive_and_anonymous_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    leader = world.users["leader"]
    leader.is_active = False
    assert not zone_list(leader).exists() and not zone_list(AnonymousUser()).exists()


@pytest.mark.parametrize(
    ("code", "level", "parent_code", "field"),
    [
        ("511723", "city", "510000", "code"),  # a county code given as a city
        ("510000", "county", "511700", "code"),
        ("511700", "province", None, "code"),
        ("500101", "county", "511700", "parent"),  # not under its parent
    ],
)
def test_area_codes_must_fit_their_level_and_parent(world, code, level, parent_code, field):
    from django.core.exceptions import ValidationError

    parent = Area.objects.get(code=parent_code) if parent_code else None
    with pytest.raises(ValidationError) as exc:
        Area(code=code, name="x", level=level, parent=parent).clean()
    assert field in exc.value.message_dict
