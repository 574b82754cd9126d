"""Every write of the policy library and of entitlements: atomic, permission-checked, audited.

Matching: the facts of every firm in scope are computed once (three queries), each measure's
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
from decimal import Decimal
from functools import lru_cache

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zonedesk.core import audit
from zonedesk.core.actors import Actor, is_system, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.policies import access, bulk, facts, matching, rules
from zonedesk.policies.models import (
    Entitlement,
    EntitlementEvent,
    Measure,
    PolicyDocument,
    RuleVersion,
)

DOCUMENT_FIELDS = (
    "level",
    "area",
    "zone",
    "issuer",
    "number",
    "title",
    "published",
    "valid_from",
    "valid_to",
    "source_text",
)
MEASURE_FIELDS = ("clause", "title", "summary", "benefit_type", "mode", "department", "materials")
# States a pair keeps even when the firm stops qualifying: its benefit is on its way.
IN_WORKFLOW = (
    Entitlement.State.NOTIFIED,
    Entitlement.State.APPLIED,
    Entitlement.State.APPROVED,
    Entitlement.State.DISBURSED,
    Entitlement.State.REJECTED,
    Entitlement.State.DECLINED,
)


def _scope_of(document: PolicyDocument) -> dict:
    if document.zone_id:
        return {"zone_id": document.zone_id, "area_code": document.zone.area.code}
    return {"area_code": document.area.code}


def compile_rules(
    eligibility: str, benefit: str = "", *, authoring: bool = True
) -> tuple[rules.Node, rules.Node | None]:
    """Both rules checked against the fact registry; ValidationFailed names the field, the
    position and the reason (in the active language). A rule being written is also held to
    the registry's shares and codes (facts.compile_rule); a stored one only to the types, so a
    version saved before a check was added still decides."""
    from django.utils.translation import get_language

    lang = get_language() or "zh-hans"
    errors = {}
    trees = []
    for name, source, kind in (
        ("eligibility", eligibility, rules.Type.BOOL),
        ("benefit", benefit, rules.Type.NUMBER),
    ):
        if name == "benefit" and not source.strip():
            trees.append(None)
            continue
        try:
            trees.append(
                facts.compile_rule(source, result=kind)
                if authoring
                else rules.compile_rule(source, facts.TYPES, result=kind)
            )
        except rules.RuleError as exc:
            errors[name] = [exc.message(lang)]
            trees.append(None)
    if errors:
        raise ValidationFailed(errors)
    return trees[0], trees[1]


@dataclass(frozen=True)
class RuleProblem:
    field: str  # eligibility or benefit
    message: str  # with the position, in the given language
    line: str  # the line of the rule the position is on
    caret: int  # the position within that line

    @property
    def pad(self) -> str:
        """Spaces up to the caret, for a monospaced pointer under the line."""
        return " " * self.caret


def rule_problems(eligibility: str, benefit: str, lang: str) -> list[RuleProblem]:
    """What is wrong with a measure's rules, for the editor's live check (empty: both fine)."""
    problems = []
    for name, source, kind in (
        ("eligibility", eligibility, rules.Type.BOOL),
        ("benefit", benefit, rules.Type.NUMBER),
    ):
        if name == "benefit" and not source.strip():
            continue
        try:
            facts.compile_rule(source, result=kind)
        except rules.RuleError as exc:
            start = source.rfind("\n", 0, exc.position) + 1
            end = source.find("\n", exc.position)
            line = source[start : end if end >= 0 else len(source)]
            problems.append(RuleProblem(name, exc.message(lang), line, exc.position - start))
    return problems


@transaction.atomic
def document_create(*, actor: Actor, **values) -> PolicyDocument:
    if not access.can_edit_document(actor, area=values.get("area"), zone=values.get("zone")):
        raise PermissionDenied()
    document = PolicyDocument(**values)
    try:
        document.full_clean()
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    document.save()
    audit.record(
        actor=actor,
        action="create",
        instance=document,
        changes=audit.diff({}, audit.snapshot(document, DOCUMENT_FIELDS)),
        **_scope_of(document),
    )
    return document


@transaction.atomic
def measure_create(
    *,
    actor: Actor,
    document: PolicyDocument,
    eligibility: str,
    benefit: str = "",
    rematch: bool = True,
    **values,
) -> Measure:
    """A new measure of a document, its rules checked first; the firms it covers are matched
    at once (rematch=False for a loader that matches everything once at its end)."""
    if not access.can_edit_document(actor, area=document.area, zone=document.zone):
        raise PermissionDenied()
    compile_rules(eligibility, benefit)
    measure = Measure(document=document, **values)
    _check_clause(measure)
    try:
        measure.full_clean(exclude=["current"])
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    measure.save()
    _add_version(actor, measure, 1, eligibility, benefit)
    if rematch:
        rematch_measure(actor=actor, measure=measure)
    audit.record(
        actor=actor,
        action="create",
        instance=measure,
        changes={
            **audit.diff({}, audit.snapshot(measure, MEASURE_FIELDS)),
            "eligibility": [None, eligibility],
            "benefit": [None, benefit],
        },
        **_scope_of(document),
    )
    return measure


def _check_clause(measure: Measure) -> None:
    """A clause names one measure of its document (the import keys measures by it)."""
    from django.utils.translation import gettext as _

    clause = (measure.clause or "").strip()
    taken = Measure.objects.filter(document_id=measure.document_id, clause=clause).exclude(
        pk=measure.pk
    )
    if clause and taken.exists():
        raise ValidationFailed({"clause": [_("The document already has this clause.")]})


def _add_version(
    actor: Actor, measure: Measure, number: int, eligibility: str, benefit: str
) -> RuleVersion:
    """A new version of the measure's rules, made current."""
    version = RuleVersion.objects.create(
        measure=measure,
        number=number,
        eligibility=eligibility,
        benefit=benefit,
        created_by=user_or_none(actor),
    )
    measure.current = version
    measure.save(update_fields=["current"])
    return version


@transaction.atomic
def measure_rules_set(
    *, actor: Actor, measure: Measure, eligibility: str, benefit: str = "", rematch: bool = True
) -> RuleVersion:
    """A rule edit: a new version (the old one stays, with the decisions it made), and the
    firms the measure covers re-matched under it."""
    document = measure.document
    if not access.can_edit_document(actor, area=document.area, zone=document.zone):
        raise PermissionDenied()
    compile_rules(eligibility, benefit)
    # one edit at a time: the next version number is read under the measure's lock
    measure.current = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("current")
        .get(pk=measure.pk)
        .current
    )
    current = measure.current
    if current and current.eligibility == eligibility and current.benefit == benefit:
        return current
    number = (
        measure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = _add_version(actor, measure, number, eligibility, benefit)
    if rematch:
        rematch_measure(actor=actor, measure=measure)
    audit.record(
        actor=actor,
        action="update",
        instance=measure,
        changes={
            "eligibility": [current.eligibility if current else None, eligibility],
            "benefit": [current.benefit if current else None, benefit],
            "version": [current.number if current else None, number],
        },
        **_scope_of(document),
    )
    return version


def _check_edit(actor: Actor, *, area=None, zone=None) -> None:
    if not access.can_edit_document(actor, area=area, zone=zone):
        raise PermissionDenied()


def _unknown(values: dict, allowed) -> None:
    from django.utils.translation import gettext as _

    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationFailed({name: [_("Not a field that can be changed.")] for name in unknown})


@transaction.atomic
def document_update(
    *, actor: Actor, document: PolicyDocument, rematch: bool = True, **values
) -> PolicyDocument:
    """Change a document's fields; the actor must be able to edit it where it was and where
    it goes (a change of level or scope). Audited as a diff; no change writes nothing. A
    change of scope or validity re-matches its measures (the firms it covered too)."""
    _unknown(values, DOCUMENT_FIELDS)
    _check_edit(actor, area=document.area, zone=document.zone)
    old_firms = firms_covered(document) if document.pk else None
    before = audit.snapshot(document, DOCUMENT_FIELDS)
    for name, value in values.items():
        setattr(document, name, value)
    if "area" in values or "zone" in values:
        _check_edit(actor, area=document.area, zone=document.zone)
    try:
        document.full_clean()
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    changes = audit.diff(before, audit.snapshot(document, DOCUMENT_FIELDS))
    if changes:
        document.save()
        audit.record(
            actor=actor,
            action="update",
            instance=document,
            changes=changes,
            **_scope_of(document),
        )
    if rematch and changes.keys() & {"level", "area", "zone", "valid_from", "valid_to"}:
        rematch_measures(
            actor=actor,
            measures=document.measures.filter(current__isnull=False).select_related("document"),
            also_firms=old_firms,
        )
    return document


@transaction.atomic
def measure_update(
    *,
    actor: Actor,
    measure: Measure,
    eligibility: str | None = None,
    benefit: str | None = None,
    rematch: bool = True,
    **values,
) -> Measure:
    """Change a measure's fields and, when given, its rules (a new version, only if they
    differ). Field and rule errors are reported together; nothing is changed on any error."""
    _unknown(values, MEASURE_FIELDS)
    document = measure.document
    _check_edit(actor, area=document.area, zone=document.zone)
    errors: dict[str, list[str]] = {}
    if eligibility is not None or benefit is not None:
        current = measure.current
        eligibility = eligibility if eligibility is not None else current.eligibility
        benefit = benefit if benefit is not None else current.benefit
        try:
            compile_rules(eligibility, benefit)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    before = audit.snapshot(measure, MEASURE_FIELDS)
    for name, value in values.items():
        setattr(measure, name, value)
    try:
        measure.full_clean(exclude=["current", "document"])
        _check_clause(measure)
    except ValidationError as exc:
        errors.update(ValidationFailed.from_django(exc).errors)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        measure.refresh_from_db()
        raise ValidationFailed(errors)
    changes = audit.diff(before, audit.snapshot(measure, MEASURE_FIELDS))
    if changes:
        measure.save(update_fields=list(changes))
        audit.record(
            actor=actor,
            action="update",
            instance=measure,
            changes=changes,
            **_scope_of(document),
        )
    if eligibility is not None:
        measure_rules_set(
            actor=actor,
            measure=measure,
            eligibility=eligibility,
            benefit=benefit,
            rematch=rematch,
        )
    return measure


# --- matching ------------------------------------------------------------------------------------


def measures_in_force(today: dt.date):
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
        parts.append(f"{m.pk}:{m.current_id}:{scope}")
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
    given) on the facts of `period`; store the decisions in bulk.

    Only what changed is written: a pair whose decision, estimate, missing facts, rule version,
    month of facts and state are as stored is left alone (its `decided_at` says when it was last
    decided differently), so a re-match with no change in the data writes nothing.

    Against every measure in force, only the firms whose inputs changed since they were last
    decided (their figures, registry entry, zone or county, counted by triggers), or whose
    month, measures, rule versions or scopes differ, are decided again: the others' stored
    decisions are what deciding them would give (see MatchState). `force` decides them all;
    the eligible and undetermined counts of the result are those of the firms decided.
    """
    today = today or timezone.localdate()
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
    scopes = bulk.Scopes(table)
    prepared = []
    for measure in measures:
        eligibility, benefit = _compiled(measure.current.eligibility, measure.current.benefit)
        prepared.append(
            matching.Rule(
                measure.document.level, eligibility, benefit, scopes.mask(measure.document)
            )
        )
    decided = matching.decide(table.columns, len(table), prepared)
    result.eligible, result.undetermined = decided.eligible, decided.undetermined
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
        # The change counts read before the facts: a change made since leaves the firm to
        # decide again next time.
        # (A firm created meanwhile has no count read: it is left to decide again.)
        ids = np.asarray(table.firm_ids, dtype=np.int64)
        at = np.minimum(np.searchsorted(states.ids, ids), max(len(states.ids) - 1, 0))
        known = states.ids[at] == ids if len(states.ids) else np.zeros(len(ids), dtype=bool)
        pairs = plan.stored_per_row(len(table), len(measures))
        bulk.write_states(ids[known], states.changes[at][known], pairs[known], period, rules_key)
    elif not every_measure:
        # Some of these firms' pairs now follow rules that the state does not sum up.
        bulk.forget_states(chosen)
    return result


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


def _by_latest_month(firms) -> list[tuple[Period, object]]:
    """The firms grouped by their own latest reported month (firms with no figures are left
    out: their stored decisions stand until they report)."""
    from django.db.models import OuterRef, Subquery

    from zonedesk.monitoring.models import MonthlyFigure

    latest = Subquery(
        MonthlyFigure.objects.filter(enterprise=OuterRef("pk"))
        .order_by("-period")
        .values("period")[:1]
    )
    dated = firms.annotate(latest_month=latest)
    months = sorted(set(dated.exclude(latest_month=None).values_list("latest_month", flat=True)))
    return [
        (
            Period.of(month),
            Enterprise.objects.filter(pk__in=dated.filter(latest_month=month).values("pk")),
        )
        for month in months
    ]


def _match_each_month(*, actor: Actor, firms, today, measures=None) -> MatchResult | None:
    """Decide each firm on the facts of its own latest month (one columnar match per month)."""
    total = None
    for period, group in _by_latest_month(firms):
        result = match(actor=actor, firms=group, period=period, today=today, measures=measures)
        if total is None:
            total = result
            continue
        total.firms += result.firms
        total.eligible += result.eligible
        total.undetermined += result.undetermined
        for name in ("stored", "inserted", "updated", "removed"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
    return total


def rematch_firms(*, actor: Actor, firms, today: dt.date | None = None) -> MatchResult | None:
    """Re-match firms after their figures or registry entry changed, each on the facts of its
    own latest reported month (a correction of an earlier month changes the year-to-date facts
    of the later ones too; a firm that has not reported the month others have keeps its own).
    Nothing to do without measures in force or figures, nor when no measure in force covers
    any of the firms and none of them holds a decision (a whole zone's import outside every
    document's scope would otherwise build its facts for nothing)."""
    today = today or timezone.localdate()
    in_force = list(measures_in_force(today))
    if not in_force:
        return None
    if (
        not _covers_any(in_force, firms)
        and not Entitlement.objects.filter(enterprise__in=firms).exists()
    ):
        return None
    return _match_each_month(actor=actor, firms=firms, today=today)


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
    document no longer covers) after rules or documents changed. A measure no longer in force
    is not re-matched: its pairs stay as they were decided (its coverage stays true), and
    firms cannot be newly told of it (see _moves)."""
    from django.db.models import Q

    today = today or timezone.localdate()
    measures = list(measures)
    in_force = list(measures_in_force(today).filter(pk__in=[m.pk for m in measures]))
    if not in_force:
        return None
    covered = Q(pk__in=[])
    for document in {m.document for m in in_force}:
        covered |= Q(pk__in=firms_covered(document).values("pk"))
    firms = Enterprise.objects.filter(covered)
    if also_firms is not None:
        firms = Enterprise.objects.filter(covered | Q(pk__in=also_firms.values("pk")))
    return _match_each_month(actor=actor, firms=firms, today=today, measures=in_force)


def rematch_measure(
    *, actor: Actor, measure: Measure, today: dt.date | None = None
) -> MatchResult | None:
    """Re-match every firm the measure's document covers after its rules changed."""
    return rematch_measures(actor=actor, measures=[measure], today=today)


def on_firms_changed(*, actor: Actor, firms) -> None:
    """Handler of core.events.firms_changed (settings.ZONEDESK["ON_FIRMS_CHANGED"])."""
    rematch_firms(actor=actor, firms=firms)


# --- the way of a benefit ------------------------------------------------------------------------

S = Entitlement.State
STAFF, FIRM, EITHER = "staff", "firm", "either"
# from state -> {to state: who may make the move}
MOVES = {
    S.IDENTIFIED: {S.NOTIFIED: STAFF, S.DECLINED: FIRM},
    S.NOTIFIED: {S.APPLIED: EITHER, S.APPROVED: STAFF, S.DECLINED: FIRM},
    S.APPLIED: {S.APPROVED: STAFF, S.REJECTED: STAFF},
    S.APPROVED: {S.DISBURSED: STAFF},
}


def _may_move(actor: Actor, entitlement: Entitlement, who: str) -> bool:
    from zonedesk.enterprises import access as enterprise_access
    from zonedesk.enterprises.access import is_member

    if is_system(actor):  # the demo loader replays firms' own steps too
        return True
    firm = entitlement.enterprise
    staff = enterprise_access.can_edit(actor, firm)
    member = is_member(actor, firm)
    return {STAFF: staff, FIRM: member, EITHER: staff or member}[who]


def _moves(entitlement: Entitlement) -> dict[str, str]:
    """The moves the benefit's state and measure allow: a measure paid without application
    (免申即享) has no 'applied' step; a measure no longer in force takes no new firms."""
    allowed = dict(MOVES.get(entitlement.state, {}))
    measure = entitlement.measure
    if measure.mode == Measure.Mode.AUTOMATIC:
        allowed.pop(S.APPLIED, None)
    if not in_force(measure.document):
        allowed.pop(S.NOTIFIED, None)
    return allowed


def in_force(document: PolicyDocument, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return document.valid_from <= today and (
        document.valid_to is None or today <= document.valid_to
    )


def next_moves(actor: Actor, entitlement: Entitlement) -> list[str]:
    """The steps this user may take next on the benefit's way (for the pages' buttons; the
    move itself checks again)."""
    qualifies = entitlement.decision == Entitlement.Decision.ELIGIBLE
    return [
        to
        for to, who in _moves(entitlement).items()
        if _may_move(actor, entitlement, who) and (qualifies or to not in (S.NOTIFIED, S.APPROVED))
    ]


@transaction.atomic
def entitlement_move(
    *,
    actor: Actor,
    entitlement: Entitlement,
    to: str,
    amount_wan: Decimal | None = None,
    on: dt.date | None = None,
    note: str = "",
) -> Entitlement:
    """One step on the benefit's way (identified → notified → applied → approved → disbursed,
    or rejected / declined). Disallowed moves are refused with the reason; every step is
    stamped with actor and time and audited."""
    from django.utils.translation import gettext as _

    from zonedesk.core.errors import DomainError

    entitlement = (
        Entitlement.objects.select_for_update()
        .select_related("enterprise__zone__area", "measure__document")
        .get(pk=entitlement.pk)
    )
    current = entitlement.state
    allowed = _moves(entitlement)
    if to not in allowed:
        if to == S.NOTIFIED and to in MOVES.get(current, {}):
            raise DomainError(_("The measure is no longer in force: firms cannot be told of it."))
        if to == S.APPLIED and to in MOVES.get(current, {}):
            raise DomainError(_("The measure is paid without application (免申即享)."))
        raise DomainError(
            _("“%(to)s” cannot follow “%(from)s”.")
            % {"to": S(to).label if to in S.values else to, "from": S(current).label}
        )
    if not _may_move(actor, entitlement, allowed[to]):
        raise PermissionDenied()
    if entitlement.decision != Entitlement.Decision.ELIGIBLE and to in (S.NOTIFIED, S.APPROVED):
        raise DomainError(_("The firm does not qualify under the current rules."))
    errors = {}
    if to in (S.APPROVED, S.DISBURSED):
        if amount_wan is None:
            errors["amount_wan"] = [_("Give the amount (10k yuan).")]
        elif amount_wan <= 0:
            errors["amount_wan"] = [_("The amount must be more than 0.")]
        elif (
            to == S.DISBURSED and entitlement.approved_wan and amount_wan > entitlement.approved_wan
        ):
            errors["amount_wan"] = [
                _("More than the approved %(approved)s (10k yuan): record what arrived.")
                % {"approved": entitlement.approved_wan}
            ]
    if to == S.DISBURSED:
        # An approval is often recorded after the fact, so only the measure's start bounds the
        # date from below.
        earliest = entitlement.measure.document.valid_from
        if on is None or on > timezone.localdate():
            errors["on"] = [_("Give the date the money or relief arrived (not in the future).")]
        elif on < earliest:
            errors["on"] = [
                _("Before the measure took effect (%(date)s).") % {"date": earliest.isoformat()}
            ]
    if to in (S.REJECTED, S.DECLINED) and not note.strip():
        errors["note"] = [_("Give the reason.")]
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(entitlement, ["state", "approved_wan", "disbursed_wan", "disbursed_on"])
    entitlement.state = to
    if to == S.APPROVED:
        entitlement.approved_wan = amount_wan
    if to == S.DISBURSED:
        entitlement.disbursed_wan, entitlement.disbursed_on = amount_wan, on
    if to in (S.REJECTED, S.DECLINED):
        entitlement.reason = note.strip()
    entitlement.save()
    EntitlementEvent.objects.create(
        entitlement=entitlement,
        from_state=current,
        to_state=to,
        actor=user_or_none(actor),
        amount_wan=amount_wan,
        note=note.strip(),
    )
    firm = entitlement.enterprise
    audit.record(
        actor=actor,
        action="update",
        instance=entitlement,
        changes=audit.diff(
            before,
            audit.snapshot(entitlement, ["state", "approved_wan", "disbursed_wan", "disbursed_on"]),
        ),
        zone_id=firm.zone_id,
        area_code=firm.zone.area.code,
    )
    return entitlement


# --- the library as a spreadsheet ----------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    documents_created: int = 0
    documents_updated: int = 0
    documents_unchanged: int = 0
    measures_created: int = 0
    measures_updated: int = 0
    measures_unchanged: int = 0
    rule_versions_added: int = 0


def measures_import(*, actor: Actor, content: bytes, filename: str = "") -> ImportSummary:
    """Create or update every document and measure of the sheet, or nothing at all (raises
    ImportRejected with every problem: sheet, row, column, value, reason).

    Documents are matched by (level, area or zone, number, title), measures by (document,
    clause); a changed rule adds a rule version, an unchanged one adds nothing. Every change
    goes through the same services as the pages, so it is permission-checked and audited.
    """
    from zonedesk.policies import imports

    if not access.can_edit_library(actor):
        raise PermissionDenied()
    parsed = imports.parse(actor, content, filename)
    return _import_write(actor=actor, parsed=parsed)


@transaction.atomic
def _import_write(*, actor: Actor, parsed) -> ImportSummary:
    from zonedesk.policies import imports

    counts = Counter()
    touched = []  # measures created or with new rules; re-matched once at the end
    for p in parsed:
        row = p.row
        try:
            document = p.existing
            if document is None:
                document = document_create(actor=actor, **p.values)
                counts["documents_created"] += 1
            else:
                before = audit.snapshot(document, DOCUMENT_FIELDS)
                document = document_update(
                    actor=actor, document=document, rematch=False, **p.values
                )
                if before != audit.snapshot(document, DOCUMENT_FIELDS):
                    touched.extend(document.measures.filter(current__isnull=False))
                changed = before != audit.snapshot(document, DOCUMENT_FIELDS)
                counts["documents_updated" if changed else "documents_unchanged"] += 1
            for m in p.measures:
                row = m.row
                if m.existing is None:
                    touched.append(
                        measure_create(
                            actor=actor,
                            document=document,
                            eligibility=m.eligibility,
                            benefit=m.benefit or "",
                            rematch=False,
                            **m.values,
                        )
                    )
                    counts["measures_created"] += 1
                    counts["rule_versions_added"] += 1
                    continue
                measure = m.existing
                measure.document = document
                before = audit.snapshot(measure, MEASURE_FIELDS)
                measure_update(actor=actor, measure=measure, rematch=False, **m.values)
                changed = before != audit.snapshot(measure, MEASURE_FIELDS)
                previous = measure.current_id
                benefit = m.benefit if m.benefit is not None else measure.current.benefit
                version = measure_rules_set(
                    actor=actor,
                    measure=measure,
                    eligibility=m.eligibility,
                    benefit=benefit,
                    rematch=False,
                )
                if version.pk != previous:
                    counts["rule_versions_added"] += 1
                    touched.append(measure)
                    changed = True
                counts["measures_updated" if changed else "measures_unchanged"] += 1
        except ValidationFailed as exc:
            raise imports.rejected_from(exc, imports.SHEET, row) from exc
    if touched:
        rematch_measures(actor=actor, measures={m.pk: m for m in touched}.values())
    return ImportSummary(**counts)
