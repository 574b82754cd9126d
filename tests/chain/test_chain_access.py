"""Who works a chain (issue 20): a zone's chain is worked by the zone's own staff; a city's leader
or a province's administrator reads it and is refused every action, in the services and over
HTTP; an area's chain is defined by the area's own managers and its firms placed by the zones'
staff. And the chain workbook's numbers are numbers."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import figures
from zonedesk.chain import imports, services
from zonedesk.chain.models import Chain, NodeFirm
from zonedesk.chain.services import ChainData, NodeData
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db

NODES = (
    NodeData("up", "基础材料", "up"),
    NodeData("metal", "上游·金属制品", "up", "up", industries=("33",)),
    NodeData("steel", "钢结构", "up", "metal", industries=("3311",)),
    NodeData("food", "食品环节", "mid", industries=("1391",)),
)
ABOVE = ("city_leader", "province_admin")


def _chain(world, **owner) -> Chain:
    owner = owner or {"zone": world.zone_a}
    made = services.chain_save(
        actor=SYSTEM, data=ChainData(code="t", name="测试产业链", nodes=NODES, **owner)
    )
    services.firms_suggest(actor=SYSTEM, chain=made, expected_version=None)
    made.refresh_from_db()
    return made


@pytest.fixture
def chain(world) -> Chain:
    made = _chain(world)
    figures(world.firm_a, 42, output=1838.04)
    return made


@pytest.mark.parametrize("who", ABOVE)
def test_a_unit_above_the_zone_is_refused_every_action_in_the_services(world, chain, who):
    actor = world.users[who]
    placement = NodeFirm.objects.get(node__chain=chain, enterprise=world.firm_a2)
    with pytest.raises(PermissionDenied):
        services.firms_suggest(actor=actor, chain=chain, expected_version=chain.version)
    for state in ("confirmed", "rejected"):
        with pytest.raises(PermissionDenied):
            services.firm_decide(
                actor=actor, placement=placement, state=state, expected_version=chain.version
            )
    with pytest.raises(PermissionDenied):
        services.firm_place(
            actor=actor,
            node=chain.nodes.get(code="food"),
            enterprise=world.firm_a,
            expected_version=chain.version,
        )
    with pytest.raises(PermissionDenied):
        services.chain_save(
            actor=actor,
            data=ChainData(code="t", name="改名", zone=world.zone_a, nodes=NODES),
            expected_version=chain.version,
        )
    with pytest.raises(PermissionDenied):
        imports.chain_import(actor=actor, owner="zone:zone-a", fileobj=imports.template_bytes())
    chain.refresh_from_db()
    assert chain.name == "测试产业链"
    assert not Chain.objects.filter(code="example").exists()
    assert NodeFirm.objects.get(pk=placement.pk).state == "suggested"
    assert not NodeFirm.objects.filter(node__code="food", enterprise=world.firm_a).exists()


@pytest.mark.parametrize("who", ABOVE)
def test_a_unit_above_the_zone_reads_the_pages_without_buttons_and_gets_403(
    world, client_for, chain, who
):
    c = client_for(world.users[who])
    node = chain.nodes.get(code="metal")
    placement = NodeFirm.objects.get(node__code="metal", node__chain=chain, enterprise=world.firm_a)
    page = c.get(reverse("chain:map", args=[chain.pk]))
    assert page.status_code == 200 and 'data-testid="suggest"' not in page.content.decode()
    page = c.get(reverse("chain:node", args=[node.pk]), {"firm": "甲"})
    html = page.content.decode()
    assert page.status_code == 200 and world.firm_a.name in html
    assert 'data-testid="place-form"' not in html and "place-matches" not in html
    assert f'data-testid="confirm-{placement.pk}"' not in html
    assert f'data-testid="reject-{placement.pk}"' not in html
    v = {"version": chain.version}
    assert c.post(reverse("chain:suggest", args=[chain.pk]), v).status_code == 403
    r = c.post(reverse("chain:place", args=[node.pk]), {"firm": world.firm_a2.credit_code, **v})
    assert r.status_code == 403
    r = c.post(reverse("chain:decide", args=[placement.pk]), {"state": "confirmed", **v})
    assert r.status_code == 403
    assert NodeFirm.objects.get(pk=placement.pk).state == "suggested"
    assert NodeFirm.objects.filter(node__chain=chain, state="confirmed").count() == 0
    # The import offers their own area only, and refuses the zone named anyway.
    own = {"city_leader": "area:511700", "province_admin": "area:510000"}[who]
    assert [v for v, _label in imports.owner_choices(world.users[who])] == [own]
    page = c.get(reverse("chain:import")).content.decode()
    assert f'value="{own}"' in page and 'value="zone:zone-a"' not in page
    assert 'value="area:511723"' not in page  # the county under the city
    upload = SimpleUploadedFile("c.xlsx", imports.template_bytes())
    r = c.post(reverse("chain:import"), {"owner": "zone:zone-a", "file": upload})
    assert r.status_code == 400 and not Chain.objects.filter(code="example").exists()


def test_the_zones_own_staff_still_act(world, client_for, chain):
    c = client_for(world.users["officer"])
    placement = NodeFirm.objects.get(node__code="metal", node__chain=chain, enterprise=world.firm_a)
    r = c.post(
        reverse("chain:decide", args=[placement.pk]),
        {"state": "confirmed", "version": chain.version},
    )
    assert r.status_code == 302
    assert NodeFirm.objects.get(pk=placement.pk).state == "confirmed"
    assert [v for v, _label in imports.owner_choices(world.users["leader"])] == ["zone:zone-a"]


def test_an_areas_chain_is_defined_by_the_area_and_placed_by_its_zones(world, client_for):
    """The city's chain: its leader imports it (the zone's leader may not); the zone's officer
    places the zone's firms on it (the city's leader may not)."""
    upload = SimpleUploadedFile("c.xlsx", imports.template_bytes())
    r = client_for(world.users["city_leader"]).post(
        reverse("chain:import"), {"owner": "area:511700", "file": upload}
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    chain = Chain.objects.get(area=world.dazhou, code="example")
    with pytest.raises(PermissionDenied):
        services.chain_save(
            actor=world.users["leader"],
            data=ChainData(code="example", name="改名", area=world.dazhou, nodes=NODES),
            expected_version=chain.version,
        )
    with pytest.raises(PermissionDenied):  # the province over the city does not define it
        services.chain_save(
            actor=world.users["province_admin"],
            data=ChainData(code="example", name="改名", area=world.dazhou, nodes=NODES),
            expected_version=chain.version,
        )
    node = chain.nodes.get(code="up-steel")
    with pytest.raises(PermissionDenied):
        services.firm_place(
            actor=world.users["city_leader"],
            node=node,
            enterprise=world.firm_a,
            expected_version=chain.version,
        )
    services.firm_place(
        actor=world.users["officer"], node=node, enterprise=world.firm_a, expected_version=None
    )
    assert NodeFirm.objects.get(node=node, enterprise=world.firm_a).state == "confirmed"


def _cell(content: bytes, column: str):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    return sheet.cell(row=2, column=header.index(column) + 1)


def test_workbook_and_template_write_the_dominant_share_as_a_number(world, client_for, chain):
    content = client_for(world.users["leader"]).get(reverse("chain:workbook", args=[chain.pk]))
    cell = _cell(content.content, "龙头企业占比")
    assert cell.data_type == "n" and Decimal(str(cell.value)) == Decimal("0.6")
    weak = _cell(content.content, "弱链门槛（家）")
    assert weak.data_type == "n" and weak.value == 3
    cell = _cell(imports.template_bytes(), "龙头企业占比")
    assert cell.data_type == "n" and Decimal(str(cell.value)) == Decimal("0.6")


@pytest.mark.parametrize("share", [0.655, "0.655", "0.655 "])
def test_the_import_reads_the_share_as_number_or_text(world, share):
    book = openpyxl.load_workbook(io.BytesIO(imports.template_bytes()))
    header = [c.value for c in book.worksheets[0][1]]
    book.worksheets[0].cell(row=2, column=header.index("龙头企业占比") + 1, value=share)
    out = io.BytesIO()
    book.save(out)
    made = imports.chain_import(
        actor=world.users["leader"], owner="zone:zone-a", fileobj=out.getvalue()
    )
    assert made.dominant_share == Decimal("0.655")


def test_node_header_names_the_segment_once(world, client_for, chain):
    c = client_for(world.users["leader"])
    html = c.get(reverse("chain:node", args=[chain.nodes.get(code="metal").pk])).content.decode()
    place = html.split('data-testid="node-place">')[1].split("</span>")[0]
    assert place.strip() == "上游 · 基础材料"  # a parent not named after the segment: both
    html = c.get(reverse("chain:node", args=[chain.nodes.get(code="steel").pk])).content.decode()
    place = html.split('data-testid="node-place">')[1].split("</span>")[0]
    assert place.strip() == "上游·金属制品"  # the parent's name says it already


def test_a_search_that_finds_nothing_keeps_the_text(world, client_for, chain):
    c = client_for(world.users["officer"])
    node = chain.nodes.get(code="food")
    r = c.post(reverse("chain:place", args=[node.pk]), {"firm": "无此企业", "version": 1})
    assert r.status_code == 302 and "firm=" in r["Location"]
    html = c.get(r["Location"]).content.decode()
    assert 'value="无此企业"' in html
    matches = html.split('data-testid="place-matches"')[1][:800]
    assert "本产业链所属园区中没有此信用代码或名称的企业。" in matches and "match-" not in matches
