"""Financing matching (issue 19): every need x every bank product in force, decided with NumPy
(finance.matching.match_all), beside the explaining evaluator need by need; and one need against
every product with its reasons (what the need page computes). Targets: 100,000 needs x 500
products under 10 s; one need under 50 ms.

One need per synthetic firm (at least 1,000), their facts drawn from a fixed seed in the ranges
the demo uses (amount, term, purpose, collateral, years in operation, employees, last year's
revenue, size class, days halted), some missing; 500 products cycling through the rule shapes
banks write (ranges, collateral sets, one to three conditions). Pure computation: the facts are
in memory, as finance.selectors hands them over."""

import random
import time

from common import median, row, timed

from zonedesk.enterprises.models import Enterprise
from zonedesk.finance import facts, matching

TITLE = "Financing: every need x every bank product, with reasons"
PRODUCTS = 500
RULES = [
    "true",
    "经营年限 >= 2",
    "上年营收 >= 500",
    "经营年限 >= 3 且 从业人数 >= 20",
    '企业规模 属于 ["small", "micro", "medium"]',
    'purpose == "equipment"',
    "经营年限 >= 2 且 本年累计停产天数 <= 30",
    "上年营收 >= 1000 or 从业人数 >= 100",
    'not (purpose == "bridge") and amount_wan <= 0.5 * 上年营收',
]
COLLATERAL = ["property", "equipment", "receivables", "orders", "ip", "guarantee", "none"]
TYPES = {
    name: facts.TYPES[name]
    for name in (
        "amount_wan",
        "term_months",
        "purpose",
        "collateral",
        "years_in_operation",
        "employees",
        "revenue_last_year_wan",
        "size_class",
        "days_halted_ytd",
    )
}


def _needs(n: int, rng: random.Random) -> list[dict]:
    out = []
    for _ in range(n):
        out.append(
            {
                "amount_wan": float(rng.choice([20, 50, 100, 200, 500, 1000, 3000])),
                "term_months": float(rng.choice([3, 6, 12, 24, 36, 60])),
                "purpose": rng.choice(["working_capital", "equipment", "construction", "bridge"]),
                "collateral": rng.choice(COLLATERAL),
                "years_in_operation": rng.choice([None, 0.5, 1.5, 3.0, 8.0, 15.0]),
                "employees": rng.choice([None, 8.0, 25.0, 80.0, 300.0]),
                "revenue_last_year_wan": rng.choice([None, 200.0, 800.0, 2500.0, 20000.0]),
                "size_class": rng.choice([None, "large", "medium", "small", "micro"]),
                "days_halted_ytd": rng.choice([None, 0.0, 10.0, 45.0]),
            }
        )
    return out


def _products(rng: random.Random) -> list[matching.Product]:
    out = []
    for j in range(PRODUCTS):
        low = rng.choice([0, 10, 50, 200])
        source = RULES[j % len(RULES)]
        out.append(
            matching.Product(
                key=j,
                amount_min=low,
                amount_max=low + rng.choice([200, 1000, 5000]),
                term_min=rng.choice([1, 3, 12]),
                term_max=rng.choice([12, 36, 120]),
                collateral=frozenset(rng.sample(COLLATERAL, rng.choice([0, 1, 2, 3]))),
                rule=facts.compile_rule(source),
                source=source,
            )
        )
    return out


def run(*, runs: int, sample: int, log) -> list[dict]:
    rng = random.Random(19)
    n = max(1_000, min(100_000, Enterprise.objects.count()))
    needs = _needs(n, rng)
    products = _products(rng)
    log(f"  {n:,} needs x {len(products)} products")
    columns = matching.columns_of(needs, TYPES)
    all_times, matrix = timed(lambda: matching.match_all(columns, n, products), runs)
    matched = int((matrix == matching.MATCH).sum())
    # The explaining evaluator, need by need, on a sample, extrapolated to every need.
    picked = rng.sample(range(n), min(max(sample, 3), n))
    started = time.perf_counter()
    for i in picked:
        matching.explain(needs[i], products)
    per_need = (time.perf_counter() - started) / len(picked)
    one_times = []
    for i in picked:
        t, _r = timed(lambda i=i: matching.explain(needs[i], products), 1)
        one_times.extend(t)
    # The matrix and the explanations agree on the sample.
    for i in picked:
        if [r.outcome for r in matching.explain(needs[i], products)] != list(matrix[i]):
            raise RuntimeError(f"need {i}: the matrix and the explanation disagree")
    return [
        row(
            "every need x every product (match_all)",
            all_times,
            note=f"{n:,} x {len(products)}: {matched:,} pairs match; columns built beforehand",
            instead=per_need * n,
            target=("< 10 s at 100,000 x 500", median(all_times) < 10),
        ),
        row(
            "one need x every product, with reasons (explain)",
            one_times,
            note=f"{len(one_times)} needs; what the need page computes (facts given)",
            target=("< 50 ms", median(one_times) < 0.05),
        ),
    ]
