"""The chain pages: list, map, node (confirm and reject, htmx), gaps, exports, import."""

import io

import openpyxl
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.factories import JUNE, figures
from zonedesk.chain import imports, services
from zonedesk.chain.models import Chain, NodeFirm
from zonedesk.chain.services import ChainData, NodeData
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NODES = (
    NodeData("up", "上游环节", "up"),
    NodeData("metal", "金属制品环节", "up", "up", industries=("33",)),
    NodeData("food", "食品环节", "mid", industries=("1391",)),
    NodeData("chips", "芯片环节", "down", industries=("3973",)),
)


@pytest.fixture
def chain(world) -> Chain:
    made = services.chain_save(
        actor=SYSTEM, data=ChainData(code="t", name="测试产业链", zone=world.zone_a, nodes=NODES)
    )
    services.firms_suggest(actor=SYSTEM, chain=made, expected_version=None)
    made.refresh_from_db()
    p = NodeFirm.objects.select_related("node__chain").get(enterprise=world.firm_a)
    services.firm_decide(actor=SYSTEM, placement=p, state="confirmed", expected_version=None)
    figures(world.firm_a, 42, output=321)
    made.refresh_from_db()
    return made


def test_list_map_and_gaps(world, client_for, chain):
    c = client_for(world.users["leader"])
    page = c.get(reverse("chain:list")).content.decode()
    assert "测试产业链" in page and str(JUNE) in page
    page = c.get(reverse("chain:map", args=[chain.pk])).content.decode()
    assert 'id="chain-tree-data"' in page
    assert 'data-testid="panel-metal"' in page
    assert "321.00" in page  # firm_a's June output on its node
    gaps = c.get(reverse("chain:gaps")).content.decode()
    assert 'data-testid="gap-chips"' in gaps and 'data-testid="gap-food"' in gaps
    assert 'data-testid="gap-metal"' in gaps  # one firm: weak


def test_confirm_and_reject_with_htmx(world, client_for, chain):
    """An officer confirms a suggestion: the table comes back with it confirmed, audited; a
    button of a page read before is refused (409) and changes nothing."""
    c = client_for(world.users["officer"])
    p = NodeFirm.objects.get(enterprise=world.firm_a2)
    url = reverse("chain:decide", args=[p.pk])
    r = c.post(url, {"state": "confirmed", "version": chain.version}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert f'data-testid="reject-{p.pk}"' in r.content.decode()
    assert NodeFirm.objects.get(pk=p.pk).state == "confirmed"
    assert AuditEntry.objects.filter(target_type="chain.chain", actor=world.users["officer"])
    r = c.post(url, {"state": "rejected", "version": chain.version}, HTTP_HX_REQUEST="true")
    assert r.status_code == 409
    assert NodeFirm.objects.get(pk=p.pk).state == "confirmed"
    node = c.get(reverse("chain:node", args=[p.node_id])).content.decode()
    assert world.firm_a2.name in node


def test_decide_refreshes_the_node_figures_too(world, client_for, chain):
    """The htmx answer to a decision carries the node's card with the new count (not only the
    firm tables); rejecting a confirmed firm asks first."""
    c = client_for(world.users["officer"])
    p = NodeFirm.objects.get(enterprise=world.firm_a2)
    r = c.post(
        reverse("chain:decide", args=[p.pk]),
        {"state": "confirmed", "version": chain.version},
        HTTP_HX_REQUEST="true",
    )
    html = r.content.decode()
    assert 'data-testid="node-card"' in html
    assert '<dd class="col-6" data-testid="fig-firms">1</dd>' in html
    assert 'data-testid="place-form"' in html  # with the chain's new version
    chain.refresh_from_db()
    assert f'name="version" value="{chain.version}"' in html.split('data-testid="place-form"')[1]
    confirmed = html.split('data-testid="firms-confirmed"')[1].split("</table>")[0]
    assert confirmed.count("data-confirm=") == 1
    assert "确定排除该环节的已确认企业" in confirmed


def test_a_parent_node_says_its_count_includes_sub_nodes(world, client_for, chain):
    """上游环节 has no firm of its own but counts 金属制品环节's: the page says so and lists it."""
    up = chain.nodes.get(code="up")
    page = client_for(world.users["officer"]).get(reverse("chain:node", args=[up.pk]))
    html = page.content.decode()
    assert '<dd class="col-6" data-testid="fig-firms">1</dd>' in html
    assert "（含下级环节）" in html
    subs = html.split('data-testid="sub-node-firms"')[1].split("</ul>")[0]
    assert "金属制品环节</a>：" in subs and world.firm_a.name in subs
    metal = chain.nodes.get(code="metal")
    html = client_for(world.users["officer"]).get(reverse("chain:node", args=[metal.pk]))
    assert "（含下级环节）" not in html.content.decode()


def test_node_page_names_its_own_address(world, client_for, chain):
    """The node page carries its own address for app.js (shown again after a refused form)."""
    node = chain.nodes.get(code="metal")
    page = client_for(world.users["officer"]).get(reverse("chain:node", args=[node.pk]))
    own = reverse("chain:node", args=[node.pk])
    assert f'<meta name="zonedesk-page-url" content="{own}">' in page.content.decode()


def test_bad_state_is_refused(world, client_for, chain):
    c = client_for(world.users["leader"])
    p = NodeFirm.objects.get(enterprise=world.firm_a2)
    r = c.post(reverse("chain:decide", args=[p.pk]), {"state": "maybe", "version": "x"})
    assert r.status_code == 302
    assert NodeFirm.objects.get(pk=p.pk).state == "suggested"


def test_map_export_has_a_row_per_node(world, client_for, chain):
    r = client_for(world.users["leader"]).get(reverse("chain:map_export", args=[chain.pk]))
    assert r.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 1 + 1 + 4  # the header, the whole chain, the nodes
    assert {row[0] for row in rows[1:]} == {"2020-06"}  # every row states its month
    by_code = {row[1]: row for row in rows[2:]}
    assert by_code["metal"][7] == 1 and float(by_code["metal"][9]) == 321
    assert by_code["up"][9] == by_code["metal"][9]  # the parent sums its sub-tree
    whole = rows[1]
    assert whole[2] == f"全链：{chain.name}" and whole[1] == ""
    # the chain's line counts each confirmed firm once, over every root
    confirmed = NodeFirm.objects.filter(node__chain=chain, state="confirmed")
    assert whole[7] == confirmed.values("enterprise").distinct().count()
    assert AuditEntry.objects.filter(action="export").exists()


def test_map_export_names_every_flag(world, client_for, chain):
    """A node both weak and dependent on one firm says both, as its badges do."""
    r = client_for(world.users["leader"]).get(reverse("chain:map_export", args=[chain.pk]))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    metal = next(row for row in rows if row[1] == "metal")
    # one confirmed firm (firm_a): below the weak threshold, and all of the node's output
    assert metal[16] == "弱链、单点依赖", metal


def test_map_export_writes_rates_as_numbers(world, client_for, chain):
    """YoY and the largest firm's share are number cells with a number format, not text."""
    from zonedesk.monitoring.models import MonthlyFigure

    MonthlyFigure.objects.create(
        enterprise=world.firm_a,
        period=JUNE.last_year.first_day,
        output_value_wan=300,
        revenue_wan=90,
        employees=40,
    )
    r = client_for(world.users["leader"]).get(reverse("chain:map_export", args=[chain.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    metal = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "metal")
    yoy, share, hhi = metal[10], metal[14], metal[15]
    assert yoy.data_type == "n" and yoy.value == 7 and yoy.number_format == "#,##0.00"
    assert share.data_type == "n" and share.value == 100
    assert share.number_format == "#,##0.00"
    assert hhi.data_type == "n" and hhi.value == 1
    # and the pages write Chinese punctuation in Chinese
    c = client_for(world.users["leader"])
    page = c.get(reverse("chain:map", args=[chain.pk])).content.decode()
    assert "：</span>" in page and "%}:" not in page
    node = c.get(reverse("chain:node", args=[chain.nodes.get(code="metal").pk])).content.decode()
    assert "（共 1 家企业）" in node and "(共" not in node
    assert "4754-2017）：" in node


def _workbook(chain_rows, node_rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "产业链"
    ws.append(["链代码", "链名称", "说明", "弱链门槛（家）", "龙头企业占比"])
    for r in chain_rows:
        ws.append(r)
    ws = book.create_sheet("节点")
    ws.append(
        ["节点代码", "上级节点代码", "节点", "环节", "行业代码（GB/T 4754-2017）", "重点产品"]
    )
    for r in node_rows:
        ws.append(r)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_import_round_trip(world, client_for, chain):
    """The chain's own workbook imported for the zone again changes nothing but the version."""
    c = client_for(world.users["leader"])
    data = c.get(reverse("chain:workbook", args=[chain.pk])).content
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("chain.xlsx", data)
    r = c.post(reverse("chain:import"), {"owner": "zone:zone-a", "file": upload})
    assert r.status_code == 302, r.content.decode()[:2000]
    chain.refresh_from_db()
    assert sorted(chain.nodes.values_list("code", flat=True)) == ["chips", "food", "metal", "up"]
    assert NodeFirm.objects.filter(state="confirmed").count() == 1  # kept


def test_import_reports_every_bad_cell_and_writes_nothing(world, client_for):
    c = client_for(world.users["leader"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _workbook(
        [["new", "新链", "", "x", "2"]],
        [
            ["a", "", "甲", "上游", "3311", ""],
            ["b", "zz", "乙", "旁游", "C", ""],
            ["a", "", "丙", "下游", "", ""],
        ],
    ).getvalue()
    r = c.post(
        reverse("chain:import"),
        {"owner": "zone:zone-a", "file": SimpleUploadedFile("c.xlsx", data)},
    )
    assert r.status_code == 400
    page = r.content.decode()
    for expected in ("弱链门槛", "龙头企业占比", "旁游", "“zz”", "第 3 行" if False else "zz"):
        assert expected in page
    assert not Chain.objects.filter(code="new").exists()


def test_import_in_english_headers(world):
    from django.utils import translation

    with translation.override("en"):
        data = imports.template_bytes()
    created = imports.chain_import(actor=world.users["leader"], owner="zone:zone-a", fileobj=data)
    assert created.code == "example"
    assert created.nodes.get(code="up-steel").parent.code == "up"


def test_import_refuses_another_units_owner(world):
    from zonedesk.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        imports.chain_import(
            actor=world.users["leader"], owner="zone:zone-b", fileobj=imports.template_bytes()
        )


def test_place_by_credit_code(world, client_for, chain):
    c = client_for(world.users["officer"])
    node = chain.nodes.get(code="chips")
    r = c.post(
        reverse("chain:place", args=[node.pk]),
        {"firm": world.firm_a2.credit_code, "version": chain.version},
    )
    assert r.status_code == 302
    assert NodeFirm.objects.get(node=node, enterprise=world.firm_a2).state == "confirmed"
    # Another province's firm is not found: nothing placed.
    chain.refresh_from_db()
    r = c.post(
        reverse("chain:place", args=[node.pk]),
        {"firm": world.firm_b.credit_code, "version": chain.version},
    )
    assert r.status_code == 302
    assert not NodeFirm.objects.filter(enterprise=world.firm_b).exists()


def _upload(chain, drop: set[str]):
    """The chain's own workbook without the nodes of the codes in `drop`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    book = openpyxl.load_workbook(io.BytesIO(imports.export_bytes(chain)))
    ws = book.worksheets[1]
    for row in range(ws.max_row, 1, -1):
        if ws.cell(row, 1).value in drop:
            ws.delete_rows(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("chain.xlsx", out.getvalue())


@pytest.mark.parametrize("drop", [{"metal"}, {"up", "metal"}])
def test_import_refuses_to_remove_a_node_with_confirmed_firms(world, client_for, chain, drop):
    """A file that omits a node holding confirmed firms (itself or its removed sub-nodes) is
    refused naming the node and the firm count; nothing is changed."""
    c = client_for(world.users["leader"])
    version = chain.version
    r = c.post(reverse("chain:import"), {"owner": "zone:zone-a", "file": _upload(chain, drop)})
    assert r.status_code == 400
    page = r.content.decode()
    named = "上游环节" if "up" in drop else "金属制品环节"
    assert f"导入将删除环节“{named}”" in page and "1 家已确认企业" in page
    chain.refresh_from_db()
    assert chain.version == version
    assert sorted(chain.nodes.values_list("code", flat=True)) == ["chips", "food", "metal", "up"]
    assert NodeFirm.objects.filter(state="confirmed", enterprise=world.firm_a).count() == 1


def test_import_says_how_many_nodes_were_added_changed_removed(world, client_for, chain):
    """Removing a node without confirmed firms is allowed and counted in the message."""
    c = client_for(world.users["leader"])
    r = c.post(
        reverse("chain:import"),
        {"owner": "zone:zone-a", "file": _upload(chain, {"chips"})},
        follow=True,
    )
    assert "新增 0 个环节，修改 0 个，删除 1 个" in r.content.decode()
    assert sorted(chain.nodes.values_list("code", flat=True)) == ["food", "metal", "up"]


def test_map_panels_say_a_parents_count_includes_sub_nodes(world, client_for, chain):
    """On the map, 上游环节's panel (its one firm is 金属制品环节's) says its count includes the
    sub-nodes, as the node page does; 金属制品环节's own panel does not."""
    html = client_for(world.users["leader"]).get(reverse("chain:map", args=[chain.pk]))
    html = html.content.decode()
    up = html.split('data-testid="panel-up"')[1].split('data-testid="node-link-up"')[0]
    assert '<dd class="col-6" data-testid="fig-firms">1</dd>' in up
    assert 'data-testid="fig-firms-subtree">（含下级环节）</span>' in up
    metal = html.split('data-testid="panel-metal"')[1].split('data-testid="node-link-metal"')[0]
    assert "fig-firms-subtree" not in metal and "含下级环节" not in metal
    client = client_for(world.users["leader"])
    client.cookies["django_language"] = "en"
    english = client.get(reverse("chain:map", args=[chain.pk]))
    up = english.content.decode().split('data-testid="panel-up"')[1].split("node-link-up")[0]
    assert "(sub-nodes included)" in up


def test_part_of_a_name_lists_the_firms_to_choose_from(world, client_for, chain):
    """A part of a name places nothing: the node's page lists the matching firms of the chain's
    zone (not another province's), each with its own button; one of them is then placed."""
    c = client_for(world.users["officer"])
    node = chain.nodes.get(code="chips")
    before = NodeFirm.objects.count()
    r = c.post(reverse("chain:place", args=[node.pk]), {"firm": "有限", "version": chain.version})
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("chain:node", args=[node.pk]) + "?firm=")
    assert r["Location"].endswith("#place-matches")
    assert NodeFirm.objects.count() == before
    page = c.get(r["Location"].split("#")[0])
    assert page.status_code == 200
    html = page.content.decode()
    matches = html.split('data-testid="place-matches"')[1].split("</table>")[0]
    assert f'data-testid="match-{world.firm_a.pk}"' in matches
    assert f'data-testid="match-{world.firm_a2.pk}"' in matches
    assert world.firm_b.name not in matches  # 乙一电子有限公司: another province's zone
    assert 'value="有限"' in html  # the words stay in the box
    r = c.post(
        reverse("chain:place", args=[node.pk]),
        {"firm": world.firm_a2.credit_code, "version": chain.version},
    )
    assert r.status_code == 302
    assert NodeFirm.objects.get(node=node, enterprise=world.firm_a2).state == "confirmed"
    # A firm confirmed on the node is listed as such, without a button.
    html = c.get(reverse("chain:node", args=[node.pk]), {"firm": "甲二"}).content.decode()
    row = html.split(f'data-testid="match-{world.firm_a2.pk}"')[1].split("</tr>")[0]
    assert "已确认在本节点" in row and "<button" not in row


def test_a_search_that_finds_nothing_says_so(world, client_for, chain):
    c = client_for(world.users["officer"])
    node = chain.nodes.get(code="chips")
    r = c.post(
        reverse("chain:place", args=[node.pk]), {"firm": "乙一电子", "version": chain.version}
    )
    assert r.status_code == 302 and "?firm=" in r["Location"]  # the text stays to correct
    assert not NodeFirm.objects.filter(enterprise=world.firm_b).exists()
    html = c.get(reverse("chain:node", args=[node.pk]), {"firm": "乙一电子"}).content.decode()
    assert "place-matches" in html and "match-" not in html


def test_a_reader_who_cannot_place_gets_no_search(world, client_for, chain):
    """The list of firms to place is for who may place them (the auditor reads the node only)."""
    node = chain.nodes.get(code="chips")
    page = client_for(world.users["auditor"]).get(
        reverse("chain:node", args=[node.pk]), {"firm": "有限"}
    )
    assert page.status_code == 200
    assert "place-matches" not in page.content.decode()
    assert world.firm_a2.name not in page.content.decode()


def test_placeable_firms_order_code_prefix_and_cap(world, chain):
    """The exact name first, then names that start with the words, then the others (shorter
    first); a credit code is found by its start in any case; another province's firm never;
    the list stops at the limit and says there are more."""
    from tests.factories import firm
    from zonedesk.chain.selectors import placeable_firms

    officer = world.users["officer"]
    node = chain.nodes.get(code="chips")
    exact = firm(world.zone_a, "机械")
    prefix = firm(world.zone_a, "机械加工厂")
    longer = firm(world.zone_a, "乙方重型机械制造集团有限公司")
    firm(world.zone_b, "机械配件有限公司")  # another province's zone
    found, more = placeable_firms(officer, node, "机械")
    names = [m.firm.name for m in found]
    assert names == [exact.name, prefix.name, world.firm_a.name, longer.name]
    assert not more
    found, more = placeable_firms(officer, node, "机械", limit=2)
    assert [m.firm for m in found] == [exact, prefix] and more
    code = world.firm_a2.credit_code
    found, _ = placeable_firms(officer, node, code[:14].lower())
    assert world.firm_a2 in [m.firm for m in found]
    found, _ = placeable_firms(officer, node, code[3:12])  # the middle of a code: not a start
    assert world.firm_a2 not in [m.firm for m in found]
    assert placeable_firms(officer, node, "  ") == ([], False)
    states = {m.firm.pk: m.state for m in placeable_firms(officer, node, "食品")[0]}
    assert states == {world.firm_a2.pk: ""}


def test_place_card_keeps_its_row_inside_the_card(world, client_for, chain):
    """The place form's grid row sits in the card's body, not on the card itself (the row's
    negative margins pushed the card out of its column)."""
    node = chain.nodes.get(code="chips")
    html = client_for(world.users["officer"]).get(reverse("chain:node", args=[node.pk]))
    card = html.content.decode().split('data-testid="place-card"')[1].split("</form>")[0]
    assert 'class="card-body" data-testid="place-form"' in card
    assert '<div class="row g-2">' in card
