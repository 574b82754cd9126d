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


def compile_rules(eligibility: str, benefit: str = "") -> tuple[rules.Node, rules.Node | None]:
    """Both rules checked against the fact registry; ValidationFailed names the field, the
    position and the reason (in the active language)."""
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
            trees.append(rules.compile_rule(source, facts.TYPES, result=kind))
        except rules.RuleError as exc:
            errors[name] = [exc.message(lang)]
            trees.append(None)
    if errors:
        raise ValidationFailed(errors)
    return trees[0], trees[1]


@transaction.atomic
def document_create(*, actor, **values) -> PolicyDocument:
    if actor is not None and not access.can_edit_document(
        actor, area=values.get("area"), zone=values.get("zone")
    ):
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
    *, actor, document: PolicyDocument, eligibility: str, benefit: str = "", **values
) -> Measure:
    if actor is not None and not access.can_edit_document(
        actor, area=document.area, zone=document.zone
    ):
        raise PermissionDenied()
    compile_rules(eligibility, benefit)
    measure = Measure(document=document, **values)
    try:
        measure.full_clean(exclude=["current"])
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    measure.save()
    _add_version(actor, measure, 1, eligibility, benefit)
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


def _add_version(
    actor, measure: Measure, number: int, eligibility: str, benefit: str
) -> RuleVersion:
    """A new version of the measure's rules, made current."""
    version = RuleVersion.objects.create(
        measure=measure,
        number=number,
        eligibility=eligibility,
        benefit=benefit,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    measure.current = version
    measure.save(update_fields=["current"])
    return version


@transaction.atomic
def measure_rules_set(
    *, actor, measure: Measure, eligibility: str, benefit: str = ""
) -> RuleVersion:
    """A rule edit: a new version (the old one stays, with the decisions it made)."""
    document = measure.document
    if actor is not None and not access.can_edit_document(
        actor, area=document.area, zone=document.zone
    ):
        raise PermissionDenied()
    compile_rules(eligibility, benefit)
    current = measure.current
    if current and current.eligibility == eligibility and current.benefit == benefit:
        return current
    number = (
        measure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = _add_version(actor, measure, number, eligibility, benefit)
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


@lru_cache(maxsize=4096)
def _compiled(eligibility: str, benefit: str) -> tuple[rules.Node, rules.Node | None]:
    """Rule versions never change, so their trees are parsed once per process."""
    return compile_rules(eligibility, benefit)


@transaction.atomic
def match(
    *, actor, firms, period: Period, today: dt.date | None = None, measures=None
) -> MatchResult:
    """Decide every firm in `firms` (a queryset) against every measure in force (or those
    given) on the facts of `period`; store the decisions in bulk.

    Only what changed is written: a pair whose decision, estimate, missing facts, rule version,
    month of facts and state are as stored is left alone (its `decided_at` says when it was last
    decided differently), so a re-match with no change in the data writes nothing.
    """
    today = today or timezone.localdate()
    with bulk.no_gc():
        table = facts.fact_table(firms, period)
    result = MatchResult(firms=len(table))
    measures = list(measures if measures is not None else measures_in_force(today))
    result.measures = len(measures)
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
    stored = bulk.read_stored(firms, measures, table, period, decided.missing_texts)
    versions = np.array([x.current_id for x in measures], dtype=np.int64)
    plan = matching.plan(decided, stored)
    bulk.write(plan, table, measures, versions, decided.missing_texts, period, timezone.now())
    result.stored, result.inserted, result.updated = plan.stored, plan.inserted, plan.updated
    result.removed = len(plan.delete_keys)
    return result


def match_firm(
    *, actor, enterprise: Enterprise, period: Period, today: dt.date | None = None
) -> MatchResult:
    """Re-match one firm after its data changed (the same code path, for one row)."""
    return match(
        actor=actor, firms=Enterprise.objects.filter(pk=enterprise.pk), period=period, today=today
    )


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


def _may_move(actor, entitlement: Entitlement, who: str) -> bool:
    from zonedesk.enterprises import access as enterprise_access
    from zonedesk.monitoring.access import is_member

    if actor is None:
        return True
    firm = entitlement.enterprise
    staff = enterprise_access.can_edit(actor, firm)
    member = is_member(actor, firm)
    return {STAFF: staff, FIRM: member, EITHER: staff or member}[who]


@transaction.atomic
def entitlement_move(
    *,
    actor,
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
        .select_related("enterprise__zone__area", "measure")
        .get(pk=entitlement.pk)
    )
    current = entitlement.state
    allowed = MOVES.get(current, {})
    if to not in allowed:
        raise DomainError(
            _("“%(to)s” cannot follow “%(from)s”.")
            % {"to": S(to).label if to in S.values else to, "from": S(current).label}
        )
    if not _may_move(actor, entitlement, allowed[to]):
        raise PermissionDenied()
    if entitlement.decision != Entitlement.Decision.ELIGIBLE and to in (S.NOTIFIED, S.APPROVED):
        raise DomainError(_("The firm does not qualify under the current rules."))
    errors = {}
    if to in (S.APPROVED, S.DISBURSED) and (amount_wan is None or amount_wan <= 0):
        errors["amount_wan"] = [_("Give the amount (10k yuan).")]
    if to == S.DISBURSED and (on is None or on > timezone.localdate()):
        errors["on"] = [_("Give the date the money or relief arrived (not in the future).")]
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
        actor=actor if getattr(actor, "pk", None) else None,
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
