"""The policy library's writes: documents, their measures and the versions of a measure's rules.
Every write is permission-checked, validated and audited in its transaction; a change that
alters who a measure covers re-matches the firms concerned."""

import datetime as dt
from dataclasses import dataclass, fields

from django.db import transaction

from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import audit_scope, clean, version_bump, version_check
from zonedesk.org.models import Area, Zone
from zonedesk.policies import access
from zonedesk.policies.models import OPERATING, Measure, PolicyDocument, RuleVersion
from zonedesk.policies.services.matches import firms_covered, rematch_measure, rematch_measures
from zonedesk.policies.services.rule_check import compile_rules

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
MEASURE_FIELDS = (
    "clause",
    "title",
    "summary",
    "benefit_type",
    "mode",
    "department",
    "materials",
    "firm_statuses",
)


@dataclass(frozen=True)
class DocumentData:
    """A document's fields, as the pages, the API and the sheet deliver them (a missing one is
    reported by the model's validation, like a blank one)."""

    level: str = ""
    area: Area | None = None
    zone: Zone | None = None
    issuer: str = ""
    number: str = ""
    title: str = ""
    published: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source_text: str = ""


@dataclass(frozen=True)
class MeasureData:
    """A measure's fields and its rules (eligibility, and the benefit estimate if any)."""

    clause: str = ""
    title: str = ""
    summary: str = ""
    benefit_type: str = ""
    mode: str = Measure.Mode.APPLICATION
    department: str = ""
    materials: str = ""
    eligibility: str = ""
    benefit: str = ""
    # The firm statuses it applies to (models.OPERATING unless it says otherwise).
    firm_statuses: tuple[str, ...] | list[str] = OPERATING


def _values(data) -> dict:
    """A dataclass's fields as a dict (shallow: model instances stay themselves)."""
    return {f.name: getattr(data, f.name) for f in fields(data)}


def _data(kind, data, values: dict):
    """`data`, or the same dataclass built from loose keyword arguments (the shape of callers
    not yet moved to the dataclass); not both."""
    if data is None:
        return kind(**values)
    if values:
        raise TypeError(f"either data or keyword fields, not both: {sorted(values)}")
    return data


@transaction.atomic
def document_create(*, actor: Actor, data: DocumentData | None = None, **values) -> PolicyDocument:
    """A new document (`data`, or its fields as keywords)."""
    data = _data(DocumentData, data, values)
    if not access.can_edit_document(actor, area=data.area, zone=data.zone):
        raise PermissionDenied()
    document = PolicyDocument(**_values(data))
    clean(document)
    document.save()
    audit.record(
        actor=actor,
        action="create",
        instance=document,
        changes=audit.diff({}, audit.snapshot(document, DOCUMENT_FIELDS)),
        **audit_scope(document),
    )
    return document


@transaction.atomic
def measure_create(
    *,
    actor: Actor,
    document: PolicyDocument,
    data: MeasureData | None = None,
    rematch: bool = True,
    **values,
) -> Measure:
    """A new measure of a document (`data`, or its fields as keywords), its rules checked
    first; the firms it covers are matched at once (rematch=False for a loader that matches
    everything once at its end)."""
    data = _data(MeasureData, data, values)
    if not access.can_edit_document(actor, area=document.area, zone=document.zone):
        raise PermissionDenied()
    compile_rules(data.eligibility, data.benefit)
    fields = {n: getattr(data, n) for n in MEASURE_FIELDS}
    fields["firm_statuses"] = _statuses(fields["firm_statuses"])
    measure = Measure(document=document, **fields)
    _check_clause(measure)
    clean(measure, exclude=["current"])
    measure.save()
    _add_version(actor, measure, 1, data.eligibility, data.benefit)
    if rematch:
        rematch_measure(actor=actor, measure=measure)
    audit.record(
        actor=actor,
        action="create",
        instance=measure,
        changes={
            **audit.diff({}, audit.snapshot(measure, MEASURE_FIELDS)),
            "eligibility": [None, data.eligibility],
            "benefit": [None, data.benefit],
        },
        **audit_scope(document),
    )
    return measure


def _statuses(value):
    """A list of statuses as the model stores it (any other value is left for its validator)."""
    return list(value) if isinstance(value, tuple | list) else value


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
    version_bump(measure)  # the rules are part of what an edit form of the measure read
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
        **audit_scope(document),
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
    *,
    actor: Actor,
    document: PolicyDocument,
    data: DocumentData | None = None,
    rematch: bool = True,
    expected_version: int | None = None,
    **values,
) -> PolicyDocument:
    """Change a document's fields (all of them from `data`, or those given as keywords); the
    actor must be able to edit it where it was and where it goes (a change of level or scope).
    Audited as a diff; no change writes nothing. A change of scope or validity re-matches its
    measures (the firms it covered too). StaleVersion if it changed since `expected_version`."""
    if data is not None:
        values = _values(_data(DocumentData, data, values))
    _unknown(values, DOCUMENT_FIELDS)
    _check_edit(actor, area=document.area, zone=document.zone)
    version_check(document, expected_version)
    old_firms = firms_covered(document) if document.pk else None
    before = audit.snapshot(document, DOCUMENT_FIELDS)
    for name, value in values.items():
        setattr(document, name, value)
    if "area" in values or "zone" in values:
        _check_edit(actor, area=document.area, zone=document.zone)
    clean(document)
    changes = audit.diff(before, audit.snapshot(document, DOCUMENT_FIELDS))
    if changes:
        document.save()
        version_bump(document)
        audit.record(
            actor=actor,
            action="update",
            instance=document,
            changes=changes,
            **audit_scope(document),
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
    data: MeasureData | None = None,
    eligibility: str | None = None,
    benefit: str | None = None,
    rematch: bool = True,
    expected_version: int | None = None,
    **values,
) -> Measure:
    """Change a measure's fields and, when given, its rules (a new version, only if they
    differ): all of them from `data`, or those given as keywords. Field and rule errors are
    reported together; nothing is changed on any error. StaleVersion if the measure (its
    fields or its rules) changed since `expected_version`."""
    if data is not None:
        values = _values(_data(MeasureData, data, values))
        eligibility, benefit = values.pop("eligibility"), values.pop("benefit")
    _unknown(values, MEASURE_FIELDS)
    document = measure.document
    _check_edit(actor, area=document.area, zone=document.zone)
    version_check(measure, expected_version)
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
    if "firm_statuses" in values:
        values["firm_statuses"] = _statuses(values["firm_statuses"])
    for name, value in values.items():
        setattr(measure, name, value)
    try:
        clean(measure, exclude=["current", "document"])
        _check_clause(measure)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        measure.refresh_from_db()
        raise ValidationFailed(errors)
    changes = audit.diff(before, audit.snapshot(measure, MEASURE_FIELDS))
    if changes:
        measure.save(update_fields=list(changes))
        version_bump(measure)
        audit.record(
            actor=actor,
            action="update",
            instance=measure,
            changes=changes,
            **audit_scope(document),
        )
    rules_before = measure.current_id
    if eligibility is not None:
        measure_rules_set(
            actor=actor,
            measure=measure,
            eligibility=eligibility,
            benefit=benefit,
            rematch=rematch,
        )
    if rematch and "firm_statuses" in changes and measure.current_id == rules_before:
        # Who it applies to changed, its rules did not (new rules re-matched it already).
        rematch_measure(actor=actor, measure=measure)
    return measure
