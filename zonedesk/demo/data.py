"""The demo zone's fixed content. Every name here is synthetic and marked as such."""

import datetime as dt
from decimal import Decimal

PASSWORD = "Zonedesk-Demo-2026"  # noqa: S105 - printed by `zonedesk demo`; demo data only
SYNTHETIC = "（合成）"
# The authenticator secret (base32, for a TOTP app) of the demo users whose role needs a second
# factor (builder.totp_users): printed by `zonedesk demo`, in the README. Demo data only.
TOTP_SECRET = "ZONEDESKDEMO2FA7ZONEDESKDEMO2FA7"  # noqa: S105

AREAS = [  # GB/T 2260 codes of a real Sichuan chain; the zone and firms in it are invented
    ("510000", "四川省", "province", None),
    ("511700", "达州市", "city", "510000"),
    ("511723", "开江县", "county", "511700"),
    ("511722", "宣汉县", "county", "511700"),
]
ZONE = ("demo", "演示经济技术开发区（合成数据）", "511723")
NEIGHBOUR_ZONE = ("demo-east", "东部演示园区（合成数据）", "511722")
DEPARTMENTS = ["经济发展局", "招商服务局", "规划建设局", "财政金融局", "综合办公室"]
BANK = ("演示农村商业银行开江支行（合成）", "511723")

# (username, full name, roles, unit) — unit: "zone", "neighbour", "city", or None (superuser)
USERS = [
    # The three duties of MLPS level 3 (三权分立), one account each: the system administrator
    # (accounts), the security administrator (roles) and the auditor (the audit log).
    ("admin", "王管理（合成）", ["admin"], "zone"),
    ("security", "冯安全（合成）", ["security"], "zone"),
    ("leader", "李主任（合成）", ["leader"], "zone"),
    ("officer", "张干部（合成）", ["officer"], "zone"),
    ("officer2", "刘干部（合成）", ["officer"], "zone"),
    ("officer3", "陈干部（合成）", ["officer"], "zone"),
    ("dept", "赵科员（合成）", ["department"], "zone"),
    ("firm", "周经理（合成）", ["enterprise"], "zone"),
    ("bank", "吴客户经理（合成）", ["bank"], "bank"),
    ("auditor", "郑审计（合成）", ["auditor"], "zone"),
    ("city", "孙市级领导（合成）", ["leader"], "city"),
    ("east-officer", "钱干部（合成）", ["officer"], "neighbour"),
]

# Name stems and products: stem + product + 有限公司 + （合成）
STEMS = [
    "开明",
    "宏达",
    "川东",
    "明月",
    "普安",
    "新宁",
    "任市",
    "讲治",
    "甘棠",
    "长岭",
    "八庙",
    "灵岩",
    "永兴",
    "广福",
    "梅家",
    "天师",
    "拔妙",
    "新太",
    "骑龙",
    "回龙",
    "大德",
    "金山",
    "银河",
    "鑫源",
    "恒泰",
    "华川",
    "蜀丰",
    "巴山",
    "渝达",
    "川北",
]
# (industry class code, product words)
PRODUCTS = [
    ("1391", "食品"),
    ("1431", "粮油"),
    ("1512", "酒业"),
    ("1761", "纺织"),
    ("1819", "服饰"),
    ("1951", "鞋业"),
    ("2110", "家具"),
    ("2021", "木业"),
    ("2641", "涂料"),
    ("2710", "药业"),
    ("2929", "塑料制品"),
    ("3021", "建材"),
    ("3031", "陶瓷"),
    ("3311", "钢结构"),
    ("3340", "五金"),
    ("3441", "泵阀"),
    ("3511", "矿山机械"),
    ("3670", "汽车配件"),
    ("3811", "电机"),
    ("3831", "电线电缆"),
    ("3971", "电子"),
    ("3981", "电子元件"),
    ("4090", "仪表"),
    ("1353", "肉制品"),
]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "明华强军平伟勇"
CAPITALS = ["500", "1000", "2000", "3000", "5000", "800", "1200", "10000", "600", "1500"]
# Registration types (国统字〔2011〕86号): mostly private limited companies, as in a county zone.
TYPES = ["173", "173", "173", "159", "174", "173", "160", "171", "173", "230", "173", "310"]
# Land in use, mu: 20-150 mu, the plots a county zone sells to manufacturers.
LAND_MU = ["42.5", "68", "35", "120", "55.3", "88", "26", "150", "47", "73.8", "31", "96", "60"]


def firm_plan() -> list[dict]:
    """51 firms: 47 producing (4 of them started production in 2020), 2 halted, 1 closed,
    1 under construction. Deterministic, so the demo is the same on every machine."""
    plan = []
    for i in range(51):
        stem = STEMS[i % len(STEMS)]
        code, product = PRODUCTS[(i * 7) % len(PRODUCTS)]
        suffix = "" if i < len(STEMS) else "新"
        if i < 43:
            status, start = "producing", dt.date(2008 + i % 11, 1 + i % 12, 1 + i % 27)
        elif i < 47:  # the four firms new in 2020
            status, start = "producing", dt.date(2020, 3 + (i - 43), 10 + i - 43)
        elif i < 49:
            status, start = "halted", dt.date(2012 + i % 5, 6, 1)
        elif i == 49:
            status, start = "closed", dt.date(2010, 9, 1)
        else:
            status, start = "construction", None
        plan.append(
            {
                "name": f"{stem}{suffix}{product}有限公司{SYNTHETIC}",
                "industry_code": code,
                "status": status,
                "production_start": start,
                "above_designated_size": i % 5 not in (3, 4) and status != "construction",
                "address": f"演示经开区{['工业大道', '创业路', '科技路', '园区一路', '园区二路'][i % 5]}{10 + i * 3}号",
                "legal_representative": f"{SURNAMES[i % len(SURNAMES)]}某{GIVEN[i % 7]}{SYNTHETIC}",
                "registered_capital_wan": Decimal(CAPITALS[i % len(CAPITALS)]),
                "established_on": (start or dt.date(2019, 11, 1)) - dt.timedelta(days=200 + i * 11),
                "enterprise_type": TYPES[i % len(TYPES)],
                "main_products": product,
                # One firm rents its workshop and records no land: it is not graded per mu.
                "land_area_mu": None if i == 42 else Decimal(LAND_MU[i % len(LAND_MU)]),
                "contact": (
                    f"联系人{i + 1:02d}{SYNTHETIC}",
                    f"13{(8 + i) % 10}{(i * 7919) % 100000000:08d}",
                ),
            }
        )
    return plan


NEIGHBOUR_FIRMS = [
    ("东林食品有限公司（合成）", "1391"),
    ("东岳机械有限公司（合成）", "3511"),
    ("东华纺织有限公司（合成）", "1761"),
    ("东兴建材有限公司（合成）", "3021"),
    ("东盛电子有限公司（合成）", "3971"),
    ("东升家具有限公司（合成）", "2110"),
]
