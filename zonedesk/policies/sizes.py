"""Enterprise size classes (大中小微) by the national industry-specific thresholds.

Pure Python. The thresholds are those of 《中小企业划型标准规定》(工信部联企业〔2011〕300号),
as the statistics bureau's 大中小微型企业划分办法 (2017) repeats them. For industry, e.g.:
large when employees >= 1000 AND revenue >= 40000 万元; otherwise medium when employees >= 300
AND revenue >= 2000; small when employees >= 20 AND revenue >= 300; micro otherwise. Each class
needs every measure the industry uses. Employees are persons, revenue is 万元 a year.

Where the standard uses total assets (construction, leasing and business services, real
estate), zonedesk has no assets figure and uses the other measure alone; such classes are
marked approximate in the fact's description.
"""

from dataclasses import dataclass
from enum import StrEnum


class Size(StrEnum):
    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"


LABELS = {
    Size.LARGE: ("大型", "large"),
    Size.MEDIUM: ("中型", "medium"),
    Size.SMALL: ("小型", "small"),
    Size.MICRO: ("微型", "micro"),
}


@dataclass(frozen=True)
class Bounds:
    """The lower bounds of the large, medium and small classes (None: the measure is not used)."""

    large_employees: float | None
    large_revenue: float | None
    medium_employees: float | None
    medium_revenue: float | None
    small_employees: float | None
    small_revenue: float | None


# (name, GB/T 4754 section letters or code prefixes (division "51", group "702"), Bounds);
# the first match wins.
# None means the standard does not use that measure for the industry.
THRESHOLDS: list[tuple[str, tuple[str, ...], Bounds]] = [
    ("工业", ("B", "C", "D"), Bounds(1000, 40000, 300, 2000, 20, 300)),
    (
        "建筑业",
        ("E",),
        Bounds(None, 80000, None, 6000, None, 300),
    ),  # 营业收入 and 资产总额; revenue used
    ("批发业", ("51",), Bounds(200, 40000, 20, 5000, 5, 1000)),
    ("零售业", ("52",), Bounds(300, 20000, 50, 500, 10, 100)),
    ("交通运输业", ("53", "54", "55", "56", "57", "58"), Bounds(1000, 30000, 300, 3000, 20, 200)),
    ("仓储业", ("59",), Bounds(200, 30000, 100, 1000, 20, 100)),
    ("邮政业", ("60",), Bounds(1000, 30000, 300, 2000, 20, 100)),
    ("住宿业", ("61",), Bounds(300, 10000, 100, 2000, 10, 100)),
    ("餐饮业", ("62",), Bounds(300, 10000, 100, 2000, 10, 100)),
    ("信息传输业", ("63", "64"), Bounds(2000, 100000, 100, 1000, 10, 100)),
    ("软件和信息技术服务业", ("65",), Bounds(300, 10000, 100, 1000, 10, 50)),
    ("房地产开发经营", ("701",), Bounds(None, 200000, None, 1000, None, 100)),
    ("物业管理", ("702",), Bounds(1000, 5000, 300, 1000, 100, 500)),
    ("租赁和商务服务业", ("L",), Bounds(300, None, 100, None, 10, None)),
    ("其他未列明行业", (), Bounds(300, None, 100, None, 10, None)),
]


def bounds_for(section: str, code: str) -> tuple[str, Bounds]:
    """The industry's thresholds, by section letter or by the start of the firm's code."""
    for name, keys, bounds in THRESHOLDS:
        if not keys or any(k == section if k.isalpha() else code.startswith(k) for k in keys):
            return name, bounds
    raise AssertionError("the last row matches everything")


def _meets(value: float | None, bound: float | None) -> bool:
    return bound is None or (value is not None and value >= bound)


def size_class(
    section: str, code: str, employees: float | None, revenue_wan: float | None
) -> Size | None:
    """The firm's class (`code`: its GB/T 4754 digits), or None when a measure the industry
    needs is unknown."""
    _name, b = bounds_for(section, code)
    needs_employees = b.small_employees is not None
    needs_revenue = b.small_revenue is not None
    if (needs_employees and employees is None) or (needs_revenue and revenue_wan is None):
        return None
    if _meets(employees, b.large_employees) and _meets(revenue_wan, b.large_revenue):
        return Size.LARGE

    def at_least(emp_bound, rev_bound) -> bool:
        return _meets(employees, emp_bound) and _meets(revenue_wan, rev_bound)

    if at_least(b.medium_employees, b.medium_revenue):
        return Size.MEDIUM
    if at_least(b.small_employees, b.small_revenue):
        return Size.SMALL
    return Size.MICRO
