"""Matching: the facts of every firm in scope are computed once (three queries), each measure's
rules are evaluated over them with NumPy, and the decisions are upserted in bulk. Only pairs
that matter are stored: eligible and undetermined ones, and any pair whose benefit is on its
way (a pair that stops qualifying keeps its workflow). Why a firm does *not* qualify is
computed on demand by the explaining evaluator.

Decisions are derived data: they are not audited one by one (the rule versions and the facts
they come from are); the workflow steps of a benefit are.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zonedesk.core.actors import Actor
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import selectors as figure_selectors
from zonedesk.policies import asof, bulk, facts, matching, rules
from zonedesk.policies.models import OPERATING, Entitlement, Measure, PolicyDocument
from zonedesk.policies.services.rule_check import compile_rules


def measures_in_force(today: dt.date):
    """The measures whose document is in force on a date (a zone's as-of date: asof)."""
    return (
        Measure.objects.filter(current__isnull=False, document__valid_from__lte=today)
        .exclude(document__valid_to__lt=today)
        .select_related("document__area", "document__zone", "current")
        .order_by("id")
    )


@dataclass
class MatchResult:
    firms: int = 0
    measures: int = 0
    eligible: Counter = field(default_factory=Counter)  # per issuing level
    undetermined: Counter = field(default_factory=Counter)
    not_applicable: Counter = field(default_factory=Counter)  # a figure cannot exist
    stored: int = 0  # pairs stored after the match
    inserted: int = 0  # rows written: new pairs ...
    updated: int = 0  # ... and pairs whose decision, estimate, rules, month or state changed
    removed: int = 0
    decided: int = 0  # firms decided (the others' stored decisions stood)


@lru_cache(maxsize=4096)
def _compiled(eligibility: str, benefit: str) -> tuple[rules.Node, rules.Node | None]:
    """Rule versions never change, so their trees are parsed once per process."""
    return compile_rules(eligibility, benefit, authoring=False)


# A re-match with more firms to decide than this reads the facts of all of them (one query
# over the scope instead of a list of ids).
FEW_FIRMS = 10_000


def _rules_key(measures: list[Measure]) -> int:
    """What the decisions of a firm depend on besides its facts: each measure's current rule
    version and scope (and the registry of facts), as a signed 64-bit number."""
    import hashlib

    parts = [f"facts:{facts.VERSION}"]
    for m in sorted(measures, key=lambda x: x.pk):
        document = m.document
        scope = (
            f"zone:{document.zone.code}" if document.zone_id else f"area:{document.scope_prefix}"
        )
        parts.append(f"{m.pk}:{m.current_id}:{scope}:{','.join(m.firm_statuses)}")
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@transaction.atomic
def match(
    *,
    actor: Actor,
    firms,
    period: Period,
    today: dt.date | None = None,
    measures=None,
    force: bool = False,
) -> MatchResult:
    """Decide every firm in `firms` (a queryset) against every measure in force (or those
    given) on the facts of `period`; store the decisions in bulk. In force on `today`, or
    (not given) on each firm's zone's as-of date (asof.zone_as_of).

    Only what changed is written: a pair whose decision, estimate, missing facts, rule version,
    month of facts and state are as stored is left alone (its `decided_at` says when it was last
    decided differently), so a re-match with no change in the data writes nothing.

    Against every measure in force, only the firms whose inputs changed since they were last
    decided (their figures, registry entry, zone or county, counted by triggers), or whose
    month, measures, rule versions or scopes differ, are decided again: the others' stored
    decisions are what deciding them would give (see MatchState). `force` decides them all;
    the eligible and undetermined counts of the result are those of the firms decided.
    """
    if today is None:
        # Each zone's firms against the measures in force on the zone's as-of date.
        groups = _by_as_of(firms)
        if len(groups) != 1:
            total = MatchResult()
            for on, group in groups:
                _add(
                    total,
                    match(
                        actor=actor,
                        firms=group,
                        period=period,
                        today=on,
                        measures=measures,
                        force=force,
                    ),
                )
            return total
        today = groups[0][0]
    every_measure = measures is None
    measures = list(measures if measures is not None else measures_in_force(today))
    result = MatchResult(measures=len(measures))
    rules_key = _rules_key(measures)
    states = None
    chosen = firms
    if every_measure and bulk.triggers_present():
        states = bulk.read_states(firms, period, rules_key, every_firm=force)
        result.firms, result.stored = states.firms, states.pairs
        if not measures or not len(states.ids):
            return result
        if len(states.ids) <= FEW_FIRMS:
            # By id: the firms' queryset may be costly to repeat (rematch_firms' months).
            chosen = Enterprise.objects.filter(pk__in=states.ids.tolist())
        elif len(states.ids) < states.firms:
            # Too many to list: every firm is decided (and its count read).
            states = bulk.read_states(firms, period, rules_key, every_firm=True)
            result.stored = 0
    with bulk.no_gc():
        table = facts.fact_table(chosen, period)
    result.firms = result.firms or len(table)
    if not len(table) or not measures:
        return result
    decided = _decide(table, measures)
    result.eligible, result.undetermined = decided.eligible, decided.undetermined
    result.not_applicable = decided.not_applicable
    if max(m.pk for m in measures) >= matching.PACK:
        raise RuntimeError("measure ids outgrew the packing of pairs in matching.PACK")
    stored = bulk.read_stored(
        chosen,
        measures,
        table,
        period,
        decided.missing_texts,
        ids=table.firm_ids if chosen is not firms else None,
    )
    versions = np.array([x.current_id for x in measures], dtype=np.int64)
    plan = matching.plan(decided, stored)
    bulk.write(plan, table, measures, versions, decided.missing_texts, period, timezone.now())
    result.stored += plan.stored
    result.inserted, result.updated = plan.inserted, plan.updated
    result.removed = len(plan.delete_keys)
    result.decided = len(table)
    if states is not None:
        _write_states(states, table, plan, len(measures), period, rules_key)
    elif not every_measure:
        # Some of these firms' pairs now follow rules that the state does not sum up.
        bulk.forget_states(chosen)
    return result


def _decide(table: facts.FactTable, measures: list[Measure]) -> matching.Decisions:
    """Every firm of the table against every measure, each within its document's scope and
    among the firms whose status (their life: producing, halted, under construction, closed)
    it applies to."""
    scopes = bulk.Scopes(table)
    prepared = []
    for measure in measures:
        eligibility, benefit = _compiled(measure.current.eligibility, measure.current.benefit)
        in_scope = scopes.mask(measure.document) & scopes.statuses(measure.firm_statuses)
        prepared.append(matching.Rule(measure.document.level, eligibility, benefit, in_scope))
    return matching.decide(table.columns, len(table), prepared)


def _write_states(
    states: bulk.States,
    table: facts.FactTable,
    plan: matching.Plan,
    measures: int,
    period: Period,
    rules_key: int,
) -> None:
    """Each decided firm's state: the change count read before its facts (a change made since
    leaves the firm to decide again next time; a firm created meanwhile has no count read and
    is left to decide again)."""
    ids = np.asarray(table.firm_ids, dtype=np.int64)
    at = np.minimum(np.searchsorted(states.ids, ids), max(len(states.ids) - 1, 0))
    known = states.ids[at] == ids if len(states.ids) else np.zeros(len(ids), dtype=bool)
    pairs = plan.stored_per_row(len(table), measures)
    bulk.write_states(ids[known], states.changes[at][known], pairs[known], period, rules_key)


def match_firm(
    *, actor: Actor, enterprise: Enterprise, period: Period, today: dt.date | None = None
) -> MatchResult:
    """Re-match one firm after its data changed (the same code path, for one row)."""
    return match(
        actor=actor, firms=Enterprise.objects.filter(pk=enterprise.pk), period=period, today=today
    )


# --- re-matching when data or rules change ------------------------------------------------------


def firms_covered(document: PolicyDocument):
    """The firms a document applies to: its zone's, or every zone's under its area."""
    if document.zone_id:
        return Enterprise.objects.filter(zone_id=document.zone_id)
    return Enterprise.objects.filter(zone__area__code__startswith=document.scope_prefix)


def _by_as_of(firms, today: dt.date | None = None) -> list[tuple[dt.date, object]]:
    """The firms grouped by their zone's as-of date (all on `today` when it is given)."""
    if today is not None:
        return [(today, firms)]
    zone_ids = set(firms.order_by().values_list("zone_id", flat=True).distinct())
    groups = asof.by_date(zone_ids)
    if len(groups) <= 1:
        return [(groups[0][0] if groups else timezone.localdate(), firms)]
    return [(on, firms.filter(zone_id__in=ids)) for on, ids in groups]


def _add(total: MatchResult, result: MatchResult | None) -> MatchResult:
    if result is None:
        return total
    total.firms += result.firms
    total.measures = max(total.measures, result.measures)
    total.eligible += result.eligible
    total.undetermined += result.undetermined
    total.not_applicable += result.not_applicable
    for name in ("stored", "inserted", "updated", "removed", "decided"):
        setattr(total, name, getattr(total, name) + getattr(result, name))
    return total


def month_groups(firms, on: dt.date) -> list[tuple[Period, object]]:
    """The firms as they are decided: each on the facts of its own latest month.

    A firm with no figures is left out, unless its life explains why it has none: a site under
    construction (or a closed firm) is decided on its registry entry, on the month of `on`
    (the zone's as-of date), so that a measure for firms under construction reaches it. The
    rule editor's preview groups firms the same way, so that it counts what a save stores."""
    groups = figure_selectors.firms_by_latest_month(firms)
    reported = Q(pk__in=[])
    for _period, group in groups:
        reported |= Q(pk__in=group.values("pk"))
    idle = firms.exclude(status__in=OPERATING).exclude(reported)
    if idle.exists():
        groups.append((Period.of(on), Enterprise.objects.filter(pk__in=idle.values("pk"))))
    return groups


def _match_each_month(*, actor: Actor, firms, today, measures=None) -> MatchResult | None:
    """Decide each firm on the facts of its own latest month (month_groups)."""
    total = None
    for period, group in month_groups(firms, today):
        result = match(actor=actor, firms=group, period=period, today=today, measures=measures)
        total = result if total is None else _add(total, result)
    return total


def rematch_firms(*, actor: Actor, firms, today: dt.date | None = None) -> MatchResult | None:
    """Re-match firms after their figures or registry entry changed, each on the facts of its
    own latest reported month (a correction of an earlier month changes the year-to-date facts
    of the later ones too; a firm that has not reported the month others have keeps its own),
    against the measures in force on its zone's as-of date.
    Nothing to do without measures in force or figures, nor when no measure in force covers
    any of the firms and none of them holds a decision (a whole zone's import outside every
    document's scope would otherwise build its facts for nothing)."""
    total = None
    for on, group in _by_as_of(firms, today):
        in_force = list(measures_in_force(on))
        if not in_force:
            continue
        if (
            not _covers_any(in_force, group)
            and not Entitlement.objects.filter(enterprise__in=group).exists()
        ):
            continue
        result = _match_each_month(actor=actor, firms=group, today=on)
        total = result if total is None else _add(total, result)
    return total


def _covers_any(measures, firms) -> bool:
    """Whether a document of `measures` applies to a firm of `firms` (over their few zones)."""
    from zonedesk.org.models import Zone

    places = Zone.objects.filter(pk__in=firms.values("zone_id")).values_list("pk", "area__code")
    zone_ids = {zone_id for zone_id, _code in places}
    codes = {code for _zone_id, code in places}
    for document in {m.document for m in measures}:
        if document.zone_id:
            if document.zone_id in zone_ids:
                return True
        elif any(code.startswith(document.scope_prefix) for code in codes):
            return True
    return False


def rematch_measures(
    *, actor: Actor, measures, also_firms=None, today: dt.date | None = None
) -> MatchResult | None:
    """Re-match the firms the measures' documents cover (and `also_firms`, say those a
    document no longer covers) after rules or documents changed, each zone's firms on its
    as-of date. A measure not in force on a zone's date is not re-matched there: its pairs
    stay as they were decided (its coverage stays true), and firms cannot be newly told of it
    (see flows.ENTITLEMENT)."""
    measures = list(measures)
    covered = Q(pk__in=[])
    for document in {m.document for m in measures}:
        covered |= Q(pk__in=firms_covered(document).values("pk"))
    firms = Enterprise.objects.filter(covered)
    if also_firms is not None:
        firms = Enterprise.objects.filter(covered | Q(pk__in=also_firms.values("pk")))
    total = None
    for on, group in _by_as_of(firms, today):
        in_force = list(measures_in_force(on).filter(pk__in=[m.pk for m in measures]))
        if not in_force:
            continue  # not in force on these zones' date: their pairs stay as decided
        result = _match_each_month(actor=actor, firms=group, today=on, measures=in_force)
        total = result if total is None else _add(total, result)
    return total


def rematch_measure(
    *, actor: Actor, measure: Measure, today: dt.date | None = None
) -> MatchResult | None:
    """Re-match every firm the measure's document covers after its rules changed."""
    return rematch_measures(actor=actor, measures=[measure], today=today)


def on_firms_changed(*, actor: Actor, firms) -> None:
    """Handler of core.events.firms_changed (settings.ZONEDESK["ON_FIRMS_CHANGED"])."""
    rematch_firms(actor=actor, firms=firms)
