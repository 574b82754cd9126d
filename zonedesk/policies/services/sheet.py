"""The library as a spreadsheet: every document and measure of a sheet created or updated through
the library's services, or nothing at all."""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.policies import access
from zonedesk.policies.services import library
from zonedesk.policies.services.matches import rematch_measures


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
                document = library.document_create(
                    actor=actor, data=library.DocumentData(**p.values)
                )
                counts["documents_created"] += 1
            else:
                before = audit.snapshot(document, library.DOCUMENT_FIELDS)
                document = library.document_update(
                    actor=actor, document=document, rematch=False, **p.values
                )
                if before != audit.snapshot(document, library.DOCUMENT_FIELDS):
                    touched.extend(document.measures.filter(current__isnull=False))
                changed = before != audit.snapshot(document, library.DOCUMENT_FIELDS)
                counts["documents_updated" if changed else "documents_unchanged"] += 1
            for m in p.measures:
                row = m.row
                if m.existing is None:
                    touched.append(
                        library.measure_create(
                            actor=actor,
                            document=document,
                            data=library.MeasureData(
                                eligibility=m.eligibility, benefit=m.benefit or "", **m.values
                            ),
                            rematch=False,
                        )
                    )
                    counts["measures_created"] += 1
                    counts["rule_versions_added"] += 1
                    continue
                measure = m.existing
                measure.document = document
                before = audit.snapshot(measure, library.MEASURE_FIELDS)
                library.measure_update(actor=actor, measure=measure, rematch=False, **m.values)
                after = audit.snapshot(measure, library.MEASURE_FIELDS)
                changed = before != after
                if before["firm_statuses"] != after["firm_statuses"]:
                    touched.append(measure)  # who it applies to changed: re-match
                previous = measure.current_id
                benefit = m.benefit if m.benefit is not None else measure.current.benefit
                version = library.measure_rules_set(
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
