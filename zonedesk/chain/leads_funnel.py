"""The leads funnel (pure: no Django): how many leads reached each stage, the conversion from
one stage to the next, and the median days a lead spent in each stage, per group (source,
region, chain or owner).

Definitions (written here once; the funnel page and the attraction paragraph use them):
- a lead *reached* a stage of the way 线索 → 接洽 → 考察 → 洽谈 → 签约 → 落地 when it is or
  has been at that stage or a later one (its furthest stage: a paused or dropped lead counts
  at the furthest stage it had reached);
- the *conversion* from a stage to the next is reached(next) / reached(stage), None when no lead
  reached the stage;
- the *days in a stage* are counted for completed stays only (from entering the stage to the
  next move, pauses included), so a lead still in a stage does not pull the median down; the
  median is the middle value of the stays (the mean of the two middle ones for an even count).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WAY = ("lead", "contact", "visit", "negotiation", "signed", "landed")


@dataclass(frozen=True)
class LeadPath:
    """One lead as the funnel reads it: its group, its creation and its moves in order."""

    group: str
    created: dt.datetime
    moves: Sequence[tuple[dt.datetime, str, str]]  # (at, from stage, to stage)
    current: str


@dataclass(frozen=True)
class StageLine:
    stage: str
    reached: int
    conversion: Decimal | None  # to the next stage of the way, a fraction; None for the last
    median_days: Decimal | None


@dataclass(frozen=True)
class FunnelGroup:
    group: str
    leads: int
    stages: tuple[StageLine, ...]

    @property
    def signed(self) -> int:
        return self.stages[WAY.index("signed")].reached


def furthest(path: LeadPath) -> int:
    """The index in WAY of the furthest stage the lead reached."""
    seen = [path.current, *(to for _at, _from, to in path.moves)]
    return max((WAY.index(s) for s in seen if s in WAY), default=0)


def stays(path: LeadPath) -> dict[str, list[float]]:
    """Days of each completed stay in a stage of the way."""
    out: dict[str, list[float]] = defaultdict(list)
    entered_at, stage = path.created, "lead"
    for at, _from, to in path.moves:
        if to in ("paused", stage):
            continue  # a pause, and the resumption at the same stage, are part of the stay
        if stage in WAY:
            out[stage].append((at - entered_at).total_seconds() / 86400)
        entered_at, stage = at, to
    return out


def median(values: Iterable[float]) -> Decimal | None:
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    value = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def funnel(paths: Iterable[LeadPath]) -> list[FunnelGroup]:
    """One line per group (sorted by name), and "" for all the leads together, first."""
    groups: dict[str, list[LeadPath]] = defaultdict(list)
    for p in paths:
        groups[p.group].append(p)
        if p.group != "":
            groups[""].append(p)
    groups.setdefault("", [])
    out = []
    for name in sorted(groups):
        members = groups[name]
        far = [furthest(p) for p in members]
        reached = [sum(1 for f in far if f >= i) for i in range(len(WAY))]
        days: dict[str, list[float]] = defaultdict(list)
        for p in members:
            for stage, values in stays(p).items():
                days[stage].extend(values)
        lines = []
        for i, stage in enumerate(WAY):
            conversion = None
            if i + 1 < len(WAY) and reached[i]:
                conversion = Decimal(reached[i + 1]) / Decimal(reached[i])
            lines.append(StageLine(stage, reached[i], conversion, median(days.get(stage, []))))
        out.append(FunnelGroup(name, len(members), tuple(lines)))
    return out
