"""Every node's sub-tree sums of one chain at once, from its placements as numpy arrays: counts
and sums over the placements, no set of firm ids per node. Pure: no Django.

A firm placed once in the chain (nearly all of them) is counted in its node and, by adding each
node's sums to its parent's, in every ancestor: once each. A firm placed more than once (on two
nodes, or twice on one) is paired with every ancestor of each of its nodes and the pairs made
distinct (`np.unique`): counted once per node whose sub-tree holds it. The largest firm needs no
such care (a maximum is the same over repeats). Lane sums are exact in int64: a lane's sum over
distinct firms is at most its sum over every firm of the table, which its width holds
(`_Packed._arrays`); a group's sum is the difference of two running totals, exact modulo 2⁶⁴
(numpy's int64 wraps) and so exact, the sum itself being below 2⁶²."""

from dataclasses import dataclass
from itertools import chain as chained

import numpy as np


@dataclass(frozen=True)
class SubtreeSums:
    """By node id (0: the whole chain): the distinct firms' count, their packed sums (the
    lanes put back together) and the largest rank (−1: none reporting); and each node's own
    distinct firms' count."""

    firms: dict[int, int]
    packed: dict[int, int]
    rank: dict[int, int]
    own: dict[int, int]


def _running(values: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """Per group (0 to size − 1; `groups` sorted): the sum of `values` (lanes × items), by the
    differences of one running total (exact: see the module)."""
    lanes = values.shape[0]
    total = np.zeros((lanes, len(groups) + 1), dtype=np.int64)
    np.cumsum(values, axis=1, out=total[:, 1:])
    ends = np.searchsorted(groups, np.arange(size + 1), side="left")
    return total[:, ends[1:]] - total[:, ends[:-1]]


def subtree_sums(
    order: list[int],
    parent: dict[int, int | None],
    own_firms: dict[int, tuple[int, ...]],
    arrays: tuple,
) -> SubtreeSums:
    """The sums of every node of `order` (children before parents; `parent` by node id, None
    for a root) over its sub-tree's distinct firms, and of the whole chain. `arrays`: the
    table's (lanes × firm id int64 columns, each lane's first bit, ranks by firm id)."""
    columns, firsts, ranks = arrays
    n = len(order)
    pos = {node_id: i for i, node_id in enumerate(order)}
    up = np.array(
        [-1 if parent[node_id] is None else pos[parent[node_id]] for node_id in order],
        dtype=np.int64,
    )
    lengths = np.fromiter((len(own_firms[i]) for i in order), dtype=np.int64, count=n)
    firms = np.fromiter(
        chained.from_iterable(own_firms[i] for i in order), dtype=np.int64, count=int(lengths.sum())
    )
    at = np.repeat(np.arange(n, dtype=np.int64), lengths)  # each placement's node, sorted
    lanes = columns.shape[0]
    once_count = np.zeros(n, dtype=np.int64)
    own_count = np.zeros(n, dtype=np.int64)
    sums = np.zeros((lanes, n), dtype=np.int64)
    best = np.full(n, -1, dtype=np.int64)
    multi_firms = np.zeros(0, dtype=np.int64)
    multi_sums = np.zeros((lanes, n), dtype=np.int64)
    multi_count = np.zeros(n, dtype=np.int64)
    if len(firms):
        placed = np.bincount(firms)
        once = placed[firms] == 1
        # Firms placed once: summed on their node, then up the tree below.
        once_count = np.bincount(at[once], minlength=n)
        own_count = once_count.copy()
        sums = _running(columns[:, firms[once]], at[once], n)
        filled = np.flatnonzero(lengths)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[filled]
        best[filled] = np.maximum.reduceat(ranks[firms], starts)
        # Firms placed more than once: (ancestor, firm) pairs, made distinct.
        more = ~once
        if more.any():
            m_at, m_firms = at[more], firms[more]
            multi_firms = np.unique(m_firms)
            width = int(firms.max()) + 1
            mine = np.unique(m_at * width + m_firms) // width
            own_count += np.bincount(mine, minlength=n)
            keys, node = [], m_at
            while len(node):
                keys.append(node * width + m_firms)
                climbing = up[node] >= 0
                node, m_firms = up[node][climbing], m_firms[climbing]
            pairs = np.unique(np.concatenate(keys))
            pair_node, pair_firm = pairs // width, pairs % width
            multi_count = np.bincount(pair_node, minlength=n)
            multi_sums = _running(columns[:, pair_firm], pair_node, n)
    # Deepest first, each node's single-placement sums into its parent's (a level at a time).
    ups, levels = up.tolist(), [0] * n
    for i in range(n - 1, -1, -1):  # parents after children in `order`: walk it backwards
        if ups[i] >= 0:
            levels[i] = levels[ups[i]] + 1
    depth = np.array(levels, dtype=np.int64)
    counts = once_count.copy()
    for level in range(int(depth.max(initial=0)), 0, -1):
        idx = np.flatnonzero(depth == level)
        np.add.at(sums.T, up[idx], sums.T[idx])
        np.add.at(counts, up[idx], counts[idx])
        np.maximum.at(best, up[idx], best[idx])
    roots = np.flatnonzero(up < 0)
    firms_of = (counts + multi_count).tolist()
    lane_sums = (sums + multi_sums).T.tolist()

    def packed_of(lane_values) -> int:
        out = 0
        for first, v in zip(firsts, lane_values, strict=True):
            out += v << first
        return out

    ranks_of, own_list = best.tolist(), own_count.tolist()
    out_firms = dict(zip(order, firms_of, strict=True))
    out_packed = {node_id: packed_of(v) for node_id, v in zip(order, lane_sums, strict=True)}
    out_rank = dict(zip(order, ranks_of, strict=True))
    out_own = dict(zip(order, own_list, strict=True))
    whole = sums[:, roots].sum(axis=1)
    whole_firms = int(counts[roots].sum())
    if len(multi_firms):
        whole = whole + columns[:, multi_firms].sum(axis=1)
        whole_firms += len(multi_firms)
    out_firms[0] = whole_firms
    out_packed[0] = packed_of(whole.tolist())
    out_rank[0] = int(best[roots].max(initial=-1))
    out_own[0] = 0
    return SubtreeSums(out_firms, out_packed, out_rank, out_own)
