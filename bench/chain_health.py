"""Industrial chains (issue 20) at province scale: 20 chains of the province, each of 200 nodes
three levels deep (10 segments of 19 links, 10 of which split into two sub-links), every link
holding one GB/T 4754 class of manufacturing, the province's firms of that class confirmed on it
(about a seventh of them per chain at 100,000 firms). Written once per database, in bulk.

As the province's leader: the health of all 20 chains in their firms' latest month
(chain.selectors.healths: a few queries, then the pure health module per chain, every node's
sub-tree firms counted once) — what the chain list and the gaps page compute — and one chain's
map (chain_map: its health and every confirmed firm's row). The target: the province's chains
under 2 s on PostgreSQL. Beside the wall time: the process's CPU time and the queries' count
and time (the machine is shared), and the limit: the same inputs read with nothing computed.

Instead: one chain's health computed per node, each node's sub-tree firms and figures read with
their own queries (what a naive view would do), on one chain and multiplied by 20."""

import os
import random
import secrets
import time
from decimal import Decimal

from common import median, row, timed
from django.db import connection
from django.db.models import Sum

from zonedesk.chain import selectors
from zonedesk.chain.models import Chain, ChainNode, NodeFirm, NodeIndustry
from zonedesk.core.actors import SYSTEM
from zonedesk.core.industry import by_level
from zonedesk.demo import scale
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import selectors as monitoring
from zonedesk.org import services as org_services
from zonedesk.org.models import Area, Role, User

TITLE = "Industrial chains: the health of a province's chains"
TARGET = 2.0  # seconds, on PostgreSQL
CHAINS = 20
SEGMENTS = 10  # top nodes per chain
LINKS = 19  # links per segment: 10 + 10 x 19 = 200 nodes, before sub-links replace links
SPLIT = 10  # links (per chain) that get two sub-links instead of holding a class themselves


def _user(province: Area) -> User:
    user = User.objects.filter(username="bench-province").first()
    if user is None:
        user = org_services.user_create(
            actor=SYSTEM,
            username="bench-province",
            password=secrets.token_urlsafe(18) + "Aa1-",
            roles=[Role.LEADER],
            area=province,
        )
    return user


def _generate(province: Area, seed: int = 20201206) -> int:
    """The province's 20 chains, their nodes and classes, and the confirmed firms, in bulk."""
    rng = random.Random(seed)
    classes = [i.code for i in by_level("class") if "13" <= i.code[:2] <= "43"]
    Chain.objects.filter(area=province, code__startswith="bench-").delete()
    chains = Chain.objects.bulk_create(
        [
            Chain(area=province, code=f"bench-{c:02d}", name=f"产业链{c:02d}（合成）")
            for c in range(CHAINS)
        ]
    )
    segments = ChainNode.objects.bulk_create(
        [
            ChainNode(
                chain=ch, code=f"s{s}", name=f"环节{s}", segment=["up", "mid", "down"][s % 3], seq=s
            )
            for ch in chains
            for s in range(SEGMENTS)
        ]
    )
    links = ChainNode.objects.bulk_create(
        [
            ChainNode(
                chain=seg.chain,
                parent=seg,
                code=f"{seg.code}-l{k}",
                name=f"{seg.name}链节{k}",
                segment=seg.segment,
                seq=k,
                in_target=rng.random() > 0.05,
            )
            for seg in segments
            for k in range(LINKS)
        ]
    )
    by_chain: dict[int, list[ChainNode]] = {}
    for link in links:
        by_chain.setdefault(link.chain_id, []).append(link)
    split = {n.pk for ls in by_chain.values() for n in rng.sample(ls, SPLIT)}
    subs = ChainNode.objects.bulk_create(
        [
            ChainNode(
                chain_id=link.chain_id,
                parent=link,
                code=f"{link.code}-{x}",
                name=f"{link.name}{x}",
                segment=link.segment,
                seq=i,
            )
            for link in links
            if link.pk in split
            for i, x in enumerate("ab")
        ]
    )
    leaves = [n for n in links if n.pk not in split] + subs
    code_of = {n.pk: rng.choice(classes) for n in leaves}
    # A few links left without a class: gaps of the target map.
    for n in rng.sample(leaves, len(leaves) // 40):
        code_of.pop(n.pk)
    NodeIndustry.objects.bulk_create(
        [NodeIndustry(node_id=pk, industry_code=code) for pk, code in code_of.items()],
        batch_size=5000,
    )
    firms_of: dict[str, list[int]] = {}
    for pk, code in Enterprise.objects.filter(
        zone__area__code__startswith=province.scope_prefix
    ).values_list("pk", "industry_code"):
        firms_of.setdefault(code, []).append(pk)
    placed = 0
    batch = []
    for node_pk, code in code_of.items():
        for firm in firms_of.get(code, ()):
            batch.append(
                NodeFirm(node_id=node_pk, enterprise_id=firm, state="confirmed", basis="industry")
            )
        if len(batch) >= 20000:
            NodeFirm.objects.bulk_create(batch, batch_size=5000)
            placed += len(batch)
            batch = []
    NodeFirm.objects.bulk_create(batch, batch_size=5000)
    placed += len(batch)
    with connection.cursor() as cursor:
        for model in (Chain, ChainNode, NodeIndustry, NodeFirm):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return placed


def _prepare(province: Area, log) -> int:
    chains = Chain.objects.filter(area=province, code__startswith="bench-")
    if chains.count() != CHAINS or not NodeFirm.objects.filter(node__chain__in=chains).exists():
        placed = _generate(province)
        log(f"  generated {CHAINS} chains x ~200 nodes, {placed:,} confirmed firms on nodes")
    return NodeFirm.objects.filter(node__chain__in=chains).count()


def _naive(user, chain: Chain, period) -> Decimal:
    """Per node: its sub-tree's confirmed firms and their output, each with its own queries."""
    total = Decimal(0)
    for node in chain.nodes.all():
        ids, todo = set(), [node.pk]
        while todo:
            ids |= set(
                NodeFirm.objects.filter(node_id__in=todo, state="confirmed").values_list(
                    "enterprise_id", flat=True
                )
            )
            todo = list(ChainNode.objects.filter(parent_id__in=todo).values_list("pk", flat=True))
        out = (
            monitoring.figure_scope(user)
            .filter(enterprise_id__in=ids, period=period.first_day)
            .aggregate(s=Sum("output_value_wan"))["s"]
        )
        total += out or 0
    return total


class _Queries:
    """The queries run inside the block: how many, and their seconds at the database's call
    (execute; rows fetched later by a server-side cursor are not in it)."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def _measured(fn, runs: int):
    """Wall seconds per run (as `timed`), and per run the process's CPU seconds and the
    queries' count and seconds; the last result."""
    times, cpu, queries, result = [], [], [], None
    for _ in range(runs):
        q = _Queries()
        started, cpu_started = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(q):
            result = fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        queries.append(q)
    return times, cpu, queries, result


def _reads(user, chains, period) -> int:
    """The limit: the health's inputs read and nothing computed (the placements per node and
    the month's figures with last year's output, as integers: what `healths` reads)."""
    from zonedesk.chain.selectors import chains as chain_selectors

    visible = chain_selectors._visible_firms(user)
    placed = chain_selectors._placements(chains, visible)
    specs = chain_selectors._specs(chains, placed)
    since = period.shift(1 - monitoring.new_firm_months()).first_day
    _exp, rows = monitoring.month_scaled(visible, period, since)
    return sum(len(s) for s in specs.values()) + len(rows)


def run(*, runs: int, sample: int, log) -> list[dict]:
    province = Area.objects.get(code=scale.PROVINCE)
    placed = _prepare(province, log)
    user = _user(province)
    chains = list(Chain.objects.filter(area=province, code__startswith="bench-").order_by("code"))
    nodes = ChainNode.objects.filter(chain__in=chains).count()

    times, cpu, queries, (period, found) = _measured(lambda: selectors.healths(user, chains), runs)
    gaps = sum(len(h.gaps) for h in found.values())
    firms = sum(h.whole.firms for h in found.values() if h.whole)
    limit_times, _ = timed(lambda: _reads(user, chains, period), runs)
    load = os.getloadavg()[0]
    log(
        f"  healths of {len(chains)} chains: {median(times):.3f} s (CPU {median(cpu):.3f} s, "
        f"{queries[-1].count} queries {median([q.seconds for q in queries]):.3f} s; reads alone "
        f"{median(limit_times):.3f} s; load {load:.1f}); {nodes:,} nodes, {placed:,} "
        f"placements, {gaps} gaps, month {period}"
    )
    map_times, map_cpu, map_queries, view = _measured(
        lambda: selectors.chain_map(user, chains[0]), runs
    )
    log(f"  one chain's map: {median(map_times):.3f} s (CPU {median(map_cpu):.3f} s)")

    naive_times, _ = timed(lambda: _naive(user, chains[0], period), 1)
    instead = median(naive_times) * len(chains)
    note = (
        f"{len(chains)} chains, {nodes:,} nodes, {placed:,} confirmed placements "
        f"({firms:,} firm-chain pairs), {gaps} gaps; figures of {period}; CPU of the process "
        f"{median(cpu):.3f} s (runs {', '.join(f'{c:.2f}' for c in cpu)}), "
        f"{queries[-1].count} queries {median([q.seconds for q in queries]):.3f} s at the "
        f"database's call; the limit is the same reads with nothing computed; 1-minute load "
        f"average {load:.1f} on {os.cpu_count()} cores at the end"
    )
    return [
        row(
            "health of the province's chains (chain.selectors.healths)",
            times,
            note=note,
            limit=median(limit_times),
            instead=instead,
            target=(f"< {TARGET:g} s on PostgreSQL", median(times) < TARGET),
        ),
        row(
            "one chain's map (chain.selectors.chain_map)",
            map_times,
            note=(
                f"{len(view.nodes)} nodes, {sum(len(v) for v in view.firms.values()):,} firm "
                f"rows; CPU {median(map_cpu):.3f} s, {map_queries[-1].count} queries "
                f"{median([q.seconds for q in map_queries]):.3f} s"
            ),
        ),
        row(
            "instead: per node, its sub-tree's firms and output queried, x 20 chains",
            [instead],
            note=f"{median(naive_times):.3f} s for one chain, times {len(chains)}",
        ),
    ]
