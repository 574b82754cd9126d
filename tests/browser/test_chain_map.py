"""The demo's chain map in Chromium, on a desktop and on a phone: the tree is drawn in the
strength colours with its legend, tapping a node opens its panel (its firms and their figures,
its flags), a gap's panel says it has no confirmed firm; an officer confirms a suggested firm on
a node's page (htmx) and the weak link is no longer weak (a single point: the other firm is
halted)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.charts import shot, texts_fit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"
# The fill colours of the tree's symbols, as ECharts drew them in the SVG.
FILLS = """() => [...document.querySelectorAll('#chain-tree svg path')]
  .map(p => (p.getAttribute('fill') || '').toLowerCase())"""


def _open_chain(page, base, log_in, name="装备制造产业链（合成）"):
    log_in(page, base, "leader", then="/chain/")
    page.get_by_role("link", name=name).click()
    expect(page.locator("#chain-tree")).to_have_attribute("data-ready", "1")
    page.wait_for_load_state("networkidle")


def _tap(page, label: str) -> None:
    """Tap a node of the tree by its label (ECharts' SVG text)."""
    page.locator("#chain-tree svg text", has_text=re.compile(f"^{label}$")).first.click()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_chain_map(demo, live_server, open_page, log_in, phone, device):
    page, problems = open_page(viewport=phone if device == "phone" else None)
    base = live_server.url
    _open_chain(page, base, log_in)
    assert page.evaluate(FITS)
    fills = set(page.evaluate(FILLS))
    assert {"#d63939", "#f76707", "#2fb344"} <= fills  # gap, weak and healthy nodes drawn
    legend = page.get_by_test_id("legend")
    for word in ("缺链", "弱链", "单点依赖", "健康"):
        expect(legend).to_contain_text(word)

    # A node with firms: its panel lists them with the month's output.
    _tap(page, "电机")
    panel = page.get_by_test_id("panel-eq-motor")
    expect(panel).to_be_visible()
    rows = panel.locator("[data-testid=panel-firms-eq-motor] tbody tr")
    assert rows.count() >= 1
    expect(rows.first).to_contain_text("电机")
    assert re.search(r"\d", panel.get_by_test_id("fig-output").inner_text())

    # A gap: red, and no confirmed firm.
    _tap(page, "数控机床")
    gap = page.get_by_test_id("panel-eq-cnc")
    expect(gap).to_be_visible()
    expect(panel).to_be_hidden()
    expect(gap.locator("[data-strength=gap]")).to_have_text("缺链")
    expect(gap).to_contain_text("本节点没有已确认企业")
    assert gap.get_by_test_id("fig-firms").inner_text() == "0"
    assert problems == []


def test_officer_confirms_a_suggested_firm(demo, live_server, open_page, log_in, phone):
    page, problems = open_page(viewport=phone)
    base = live_server.url
    log_in(page, base, "officer", then="/chain/gaps/")
    weak = page.get_by_test_id("gap-eq-auto")
    expect(weak).to_have_attribute("data-strength", "weak")
    weak.get_by_role("link", name="汽车零部件").click()
    suggested = page.get_by_test_id("firms-suggested").locator("tbody tr")
    expect(suggested).to_have_count(1)
    name = suggested.first.locator("td").first.inner_text()
    suggested.first.get_by_role("button", name="确认").click()
    confirmed = page.get_by_test_id("firms-confirmed")
    expect(confirmed).to_contain_text(name)
    expect(page.get_by_test_id("firms-suggested")).to_contain_text("无。")
    page.goto(f"{base}/chain/gaps/")
    # Two firms now: not weak, but the halted one makes nothing, so the other is a single point.
    expect(page.get_by_test_id("gap-eq-auto")).to_have_attribute("data-strength", "single")
    assert page.evaluate(FITS)
    assert problems == []


def test_deciding_refreshes_the_node_figures_and_rejecting_asks(
    demo, live_server, open_page, log_in
):
    """Confirming a firm (htmx) updates the node's count card too; rejecting a confirmed firm
    asks first, and a dismissed question changes nothing."""
    page, problems = open_page()
    base = live_server.url
    log_in(page, base, "officer", then="/chain/gaps/")
    page.get_by_test_id("gap-eq-auto").get_by_role("link", name="汽车零部件").click()
    count = page.get_by_test_id("fig-firms")
    before = int(count.inner_text())
    page.get_by_test_id("firms-suggested").locator("tbody tr").first.get_by_role(
        "button", name="确认"
    ).click()
    expect(count).to_have_text(str(before + 1))
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    confirmed = page.get_by_test_id("firms-confirmed").locator("tbody tr")
    confirmed.first.get_by_role("button", name="排除").click()
    page.wait_for_timeout(300)
    assert asked and "确定排除" in asked[0]
    expect(count).to_have_text(str(before + 1))
    page.once("dialog", lambda d: d.accept())
    confirmed.first.get_by_role("button", name="排除").click()
    expect(count).to_have_text(str(before))
    assert problems == []


# The boxes of the tree's texts and of the chart, on the page.
LABEL_BOXES = """e => {
  const c = e.getBoundingClientRect();
  const texts = [...e.querySelectorAll('svg text')].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, left: b.left, right: b.right, top: b.top, bottom: b.bottom};
  }).filter(b => b.text.trim() && b.right > b.left);
  return {chart: {left: c.left, right: c.right, top: c.top, bottom: c.bottom}, texts};
}"""


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 768}, {"width": 390, "height": 844}],
    ids=["desk", "phone"],
)
def test_map_labels_stay_inside_the_chart(demo, live_server, open_page, log_in, viewport):
    """Every label of the tree, the chain's own name at the root included, is drawn whole inside
    the chart's box: none is cut at the left or right edge."""
    page, problems = open_page(viewport=viewport)
    _open_chain(page, live_server.url, log_in)
    page.wait_for_timeout(400)  # the tree's entry animation
    boxes = page.locator("#chain-tree").evaluate(LABEL_BOXES)
    chart = boxes["chart"]
    names = [t["text"] for t in boxes["texts"]]
    assert "装备制造产业链（合成）" in "".join(names)  # the root's label (wrapped on a phone)
    tag = "desk" if viewport["width"] > 600 else "phone"
    shot(page, f"map-{tag}", full_page=False)
    for t in boxes["texts"]:
        assert chart["left"] - 1 <= t["left"] and t["right"] <= chart["right"] + 1, (t, chart)
    assert page.evaluate(FITS)
    assert problems == []


def test_parent_panel_says_its_count_includes_sub_nodes(demo, live_server, open_page, log_in):
    """A parent node's panel on the map says its firm count includes its sub-nodes; a leaf's
    does not."""
    from zonedesk.chain.models import ChainNode

    parent = ChainNode.objects.filter(children__isnull=False).order_by("pk").first()
    leaf = (
        ChainNode.objects.filter(chain=parent.chain, children__isnull=True).order_by("pk").first()
    )
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then=f"/chain/{parent.chain_id}/")
    expect(page.locator("#chain-tree")).to_have_attribute("data-ready", "1")
    page.wait_for_timeout(400)
    _tap(page, parent.name)
    panel = page.get_by_test_id(f"panel-{parent.code}")
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("fig-firms-subtree")).to_have_text("（含下级环节）")
    _tap(page, leaf.name)
    expect(page.get_by_test_id(f"panel-{leaf.code}")).to_be_visible()
    expect(
        page.get_by_test_id(f"panel-{leaf.code}").get_by_test_id("fig-firms-subtree")
    ).to_have_count(0)
    assert problems == []


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_place_card_fits_and_lists_partial_matches(
    demo, live_server, open_page, log_in, phone, device
):
    """The place-firm card stays inside the page's column, on a phone too; part of a firm's
    name lists the matching firms, and one of them is placed on the node from the list."""
    from zonedesk.chain.models import ChainNode, NodeFirm
    from zonedesk.chain.services import chain_firms
    from zonedesk.org.models import User

    officer = User.objects.get(username="officer")
    node = ChainNode.objects.filter(children__isnull=True).order_by("pk")
    node = next(n for n in node if chain_firms(officer, n.chain).exists())
    on_node = NodeFirm.objects.filter(node=node).values("enterprise")
    firm = chain_firms(officer, node.chain).exclude(pk__in=on_node).order_by("pk").first()
    part = firm.name[1:4]
    page, problems = open_page(viewport=phone if device == "phone" else None)
    log_in(page, live_server.url, "officer", then=f"/chain/nodes/{node.pk}/")
    card = page.get_by_test_id("place-card")
    box, column = card.bounding_box(), page.get_by_test_id("node-card").bounding_box()
    assert (
        column["x"] - 1 <= box["x"] and box["x"] + box["width"] <= column["x"] + column["width"] + 1
    )
    assert page.evaluate(FITS)
    shot(page, f"place-{device}", full_page=True)
    card.locator("input[name=firm]").fill(part)
    page.get_by_test_id("place").click()
    matches = page.get_by_test_id("place-matches")
    expect(matches).to_contain_text(firm.name)
    assert page.evaluate(FITS)
    shot(page, f"place-matches-{device}", full_page=True)
    page.get_by_test_id(f"place-{firm.pk}").click()
    expect(page.get_by_test_id("firms-confirmed")).to_contain_text(firm.name)
    assert NodeFirm.objects.get(node=node, enterprise=firm).state == "confirmed"
    assert problems == []


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_tooltip_writes_numbers_as_the_table_does(demo, live_server, open_page, log_in, device):
    """The tree's tooltip groups thousands and keeps two places, as the node table (1,838.04)."""
    page, problems = open_page(
        viewport={"width": 390, "height": 844}
        if device == "phone"
        else {"width": 1366, "height": 768}
    )
    _open_chain(page, live_server.url, log_in)
    text = page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById('chain-tree'))
          .getOption().tooltip[0].formatter({name: '电机', data: {strength_name: '单点依赖',
            firms: 2, output: '1838.04'}})"""
    )
    assert text == "电机\n单点依赖 · 2 · 1,838.04"
    big = page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById('chain-tree'))
          .getOption().tooltip[0].formatter({name: 'x', data: {firms: 1234, output: '1234567.5'}})"""
    )
    assert big == "x\n1,234 · 1,234,567.50"
    _tap(page, "电机")
    page.locator("#chain-tree svg text", has_text=re.compile("^电机$")).first.hover()
    page.wait_for_timeout(300)
    shot(page, f"chainfix3-map-tooltip-{device}")
    assert problems == []


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_node_page_basis_and_header(demo, live_server, open_page, log_in, device):
    """On a node's page the basis of a confirmed firm and who decided it read as one value at
    the row's right (a phone's card rows too), and the header names the segment once; a search
    that finds nothing keeps the typed text and says so."""
    from zonedesk.chain.models import ChainNode, NodeFirm
    from zonedesk.chain.services import chain_firms, firm_place
    from zonedesk.org.models import User

    officer = User.objects.get(username="officer")
    node = next(
        n
        for n in ChainNode.objects.filter(
            parent__isnull=False, parent__parent__isnull=True
        ).order_by("pk")
        if chain_firms(officer, n.chain).exists()
    )
    on_node = NodeFirm.objects.filter(node=node).values("enterprise")
    firm = chain_firms(officer, node.chain).exclude(pk__in=on_node).order_by("pk").first()
    firm_place(actor=officer, node=node, enterprise=firm, expected_version=None)
    placement = NodeFirm.objects.get(node=node, enterprise=firm)
    viewport = (
        {"width": 390, "height": 844} if device == "phone" else {"width": 1366, "height": 768}
    )
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "officer", then=f"/chain/nodes/{node.pk}/")
    header = page.get_by_test_id("node-place").inner_text()
    segment = node.get_segment_display()
    assert header.count(segment) == 1 and node.parent.name in header, header
    basis = page.get_by_test_id(f"basis-{placement.pk}")
    expect(basis).to_contain_text("人工认定")
    # The basis's words and the decider's name stand side by side (not pushed to the two ends).
    gap = basis.evaluate(
        """e => {
          const r = document.createRange(); r.selectNodeContents(e.firstChild);
          const words = r.getBoundingClientRect(), who = e.querySelector('span').getBoundingClientRect();
          return who.left - words.right;
        }"""
    )
    assert 0 <= gap < 12, gap
    cell = basis.locator("xpath=..").bounding_box()
    box = basis.bounding_box()
    if device == "phone":  # the value at the card row's right, the label at its left
        assert cell["x"] + cell["width"] - (box["x"] + box["width"]) < 20
    assert page.evaluate(FITS)
    shot(page, f"chainfix3-node-{device}", full_page=True)
    card = page.get_by_test_id("place-card")
    card.locator("input[name=firm]").fill("无此企业名称")
    page.get_by_test_id("place").click()
    expect(page.get_by_test_id("place-matches")).to_contain_text("没有此信用代码或名称的企业")
    expect(card.locator("input[name=firm]")).to_have_value("无此企业名称")
    shot(page, f"chainfix3-nomatch-{device}", full_page=True)
    assert problems == []


# Every label of the tree as ECharts laid it out (its zrender text, the wrapped lines put back
# together) and its box on the page, read from the chart instance.
ZR_LABELS = """e => {
  const chart = echarts.getInstanceByDom(e);
  const c = e.getBoundingClientRect();
  const data = chart.getModel().getSeriesByIndex(0).getData();
  const out = [];
  for (let i = 0; i < data.count(); i++) {
    const node = data.getItemGraphicEl(i);
    let label = null;
    if (node) node.traverse(el => { label = label || (el.getTextContent && el.getTextContent()); });
    if (!label || label.ignore || label.invisible) continue;
    const r = label.getBoundingRect().clone();
    label.updateTransform();
    r.applyTransform(label.getComputedTransform());
    out.push({text: label.style.text, left: c.left + r.x, right: c.left + r.x + r.width,
              top: c.top + r.y, bottom: c.top + r.y + r.height});
  }
  return out;
}"""


@pytest.mark.parametrize("chain", ["装备制造产业链（合成）", "电子信息产业链（合成）", "long"])
def test_phone_map_labels_wrap_whole_and_apart(demo, live_server, open_page, log_in, chain):
    """On a phone (390 × 844) every node's label is drawn whole inside the chart, wrapped onto
    more lines when longer than its column, never cut short ("…") and over no other label:
    the demo's chains, and a chain of long names and many links."""
    from zonedesk.chain import services
    from zonedesk.chain.models import Chain, ChainNode
    from zonedesk.chain.services import ChainData, NodeData
    from zonedesk.core.actors import SYSTEM

    if chain == "long":
        N = NodeData
        nodes = [N("L-up", "上游·关键基础材料与高端精密基础零部件", "up")]
        nodes += [
            N(f"L-{i}", f"高性能复合材料与特种合金精密加工环节{i}", "up", "L-up") for i in range(14)
        ]
        nodes.append(N("L-sub", "超长名称的下级环节用于检验自动换行效果", "up", "L-3"))
        chain = "一条名称很长的测试用新材料与高端装备产业链（合成）"
        zone = Chain.objects.get(name="装备制造产业链（合成）").zone
        services.chain_save(
            actor=SYSTEM, data=ChainData(code="long", name=chain, zone=zone, nodes=tuple(nodes))
        )
    page, problems = open_page(viewport={"width": 390, "height": 844})
    _open_chain(page, live_server.url, log_in, name=chain)
    page.wait_for_timeout(600)  # the tree's entry animation
    tree = page.locator("#chain-tree")
    labels = tree.evaluate(ZR_LABELS)
    names = {n.name for n in ChainNode.objects.filter(chain__name=chain)} | {chain}
    drawn = [t["text"].replace("\n", "") for t in labels]
    assert sorted(drawn) == sorted(names)  # every node's label, whole, once
    box = tree.bounding_box()
    x0, x1, y0, y1 = box["x"], box["x"] + box["width"], box["y"], box["y"] + box["height"]
    for t in labels:
        assert x0 - 1 <= t["left"] and t["right"] <= x1 + 1, (t, box)
        assert y0 - 1 <= t["top"] and t["bottom"] <= y1 + 1, (t, box)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            apart = (
                a["right"] <= b["left"] + 1
                or b["right"] <= a["left"] + 1
                or a["bottom"] <= b["top"] + 1
                or b["bottom"] <= a["top"] + 1
            )
            assert apart, (a, b)
    # The same in the SVG the browser drew: whole, inside, apart.
    texts_fit(tree)
    assert any(t["bottom"] - t["top"] > 24 for t in labels)  # a long label was wrapped
    assert page.evaluate(FITS)
    shot(page, f"map-phone-labels-{len(names)}", full_page=True)
    assert problems == []
