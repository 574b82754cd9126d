"""The demo zone's industrial chains (产业链): three synthetic chains fitting its firms'
industries, three levels deep (segment › link › sub-link), defined, suggested and confirmed
through the chain services as staff would.

Each chain has target links the zone lacks (缺链: 精密铸锻件, 数控机床, 集成电路, 电子专用材料,
包装材料), and links left weak (弱链): on 汽车零部件 and 电线电缆 one of the two suggested firms is
left unconfirmed (a chain is weak below 2 confirmed firms here, a county zone's realistic bar);
every other suggestion is confirmed, except the suggestion of the closed 木业 firm, rejected.
Deterministic: the same chains and firms on every machine.
"""

from decimal import Decimal

from zonedesk.chain import services
from zonedesk.chain.models import NodeFirm
from zonedesk.chain.services import ChainData, NodeData
from zonedesk.core.actors import SYSTEM

N = NodeData

CHAINS = [
    (
        "equipment",
        "装备制造产业链（合成）",
        "从金属材料、基础件到核心零部件与整机（合成数据）。",
        [
            N("eq-up", "上游·基础材料与基础件", "up"),
            N("eq-metal", "金属制品", "up", "eq-up", industries=("331", "334")),
            N(
                "eq-steel",
                "钢结构件",
                "up",
                "eq-metal",
                industries=("3311",),
                key_products="钢结构",
            ),
            N("eq-hardware", "五金件", "up", "eq-metal", industries=("3340",), key_products="五金"),
            N("eq-casting", "精密铸锻件", "up", "eq-up", industries=("3391",), key_products="铸件"),
            N("eq-mid", "中游·核心零部件", "mid"),
            N("eq-pump", "泵阀", "mid", "eq-mid", industries=("3441",), key_products="泵阀"),
            N("eq-motor", "电机", "mid", "eq-mid", industries=("3811",), key_products="电机"),
            N(
                "eq-auto",
                "汽车零部件",
                "mid",
                "eq-mid",
                industries=("3670",),
                key_products="汽车配件",
            ),
            N("eq-down", "下游·整机", "down"),
            N("eq-mining", "矿山机械", "down", "eq-down", industries=("3511",)),
            N("eq-cnc", "数控机床", "down", "eq-down", industries=("3421",), key_products="机床"),
        ],
    ),
    (
        "electronics",
        "电子信息产业链（合成）",
        "电子材料、元器件到仪器仪表（合成数据）。",
        [
            N("el-up", "上游·电子材料", "up"),
            N("el-cable", "电线电缆", "up", "el-up", industries=("3831",)),
            N("el-material", "电子专用材料", "up", "el-up", industries=("3985",)),
            N("el-mid", "中游·电子元器件", "mid"),
            N("el-parts", "元器件", "mid", "el-mid"),
            N("el-component", "电子元件", "mid", "el-parts", industries=("3981",)),
            N("el-device", "电子器件", "mid", "el-parts", industries=("3971",)),
            N("el-ic", "集成电路", "mid", "el-mid", industries=("3973",)),
            N("el-down", "下游·仪器仪表", "down"),
            N("el-meter", "仪器仪表", "down", "el-down", industries=("4090",), key_products="仪表"),
            # Outside the target map: shown, never a gap.
            N("el-phone", "整机终端", "down", "el-down", industries=("3922",), in_target=False),
        ],
    ),
    (
        "food",
        "绿色食品产业链（合成）",
        "粮油与肉类加工、食品与酒类制造、包装（合成数据）。",
        [
            N("fd-up", "上游·农产品加工", "up"),
            N(
                "fd-grain",
                "粮油加工",
                "up",
                "fd-up",
                industries=("1431", "1331"),
                key_products="粮油",
            ),
            N("fd-meat", "肉类加工", "up", "fd-up", industries=("1353",), key_products="肉制品"),
            N("fd-mid", "中游·食品饮料制造", "mid"),
            N("fd-food", "食品制造", "mid", "fd-mid", industries=("1391",)),
            N("fd-liquor", "酒类", "mid", "fd-mid", industries=("1512",), key_products="酒业"),
            N("fd-down", "下游·包装与家居配套", "down"),
            N("fd-pack", "包装材料", "down", "fd-down", industries=("2231",)),
            N("fd-wood", "木制品", "down", "fd-down", industries=("2021",)),
        ],
    ),
]

# Node codes where one of the two suggested firms is left as a suggestion (the weak links).
LEFT_SUGGESTED = {"eq-auto", "el-cable"}


def load(zone) -> None:
    for code, name, description, nodes in CHAINS:
        chain = services.chain_save(
            actor=SYSTEM,
            data=ChainData(
                code=code,
                name=name,
                zone=zone,
                description=description,
                weak_below_firms=2,
                dominant_share=Decimal("0.6"),
                nodes=tuple(nodes),
            ),
        )
        services.firms_suggest(actor=SYSTEM, chain=chain, expected_version=None)
        for node in chain.nodes.order_by("seq"):
            placements = list(
                node.firms.select_related("enterprise", "node__chain").order_by(
                    "enterprise__name", "pk"
                )
            )
            for i, p in enumerate(placements):
                if node.code in LEFT_SUGGESTED and i == len(placements) - 1:
                    continue
                closed = p.enterprise.status == "closed"
                state = NodeFirm.State.REJECTED if closed else NodeFirm.State.CONFIRMED
                fresh = NodeFirm.objects.select_related("node__chain").get(pk=p.pk)
                services.firm_decide(
                    actor=SYSTEM, placement=fresh, state=state, expected_version=None
                )
