"""Monthly investment: entry on the page and the all-or-nothing xlsx import."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.services import (
    audit_scope,
    clean,
    stale,
    version_bump,
    version_check,
)
from zonedesk.projects import access
from zonedesk.projects.models import (
    MonthlyInvestment,
    Project,
)
from zonedesk.projects.services.projects import wan_text

INVESTMENT_FIELDS = ("month", "planned_wan", "done_wan")


def _not_yours() -> str:
    return _(
        "Only the zone's leaders and administrators and the project's service officer enter "
        "its investment."
    )


def investment_amount_problems(
    *, total_wan: Decimal | None, planned_wan: Decimal | None, done_wan: Decimal | None
) -> dict[str, str]:
    """A month's planned or completed investment above the project's total investment (field ->
    reason): one month is a part of the total. The month's form and the service both ask."""
    above = {
        "planned_wan": _(
            "The month's planned investment (%(amount)s 10k yuan) is more than the project's "
            "total investment (%(total)s 10k yuan): one month is a part of the total."
        ),
        "done_wan": _(
            "The month's completed investment (%(amount)s 10k yuan) is more than the project's "
            "total investment (%(total)s 10k yuan): one month is a part of the total."
        ),
    }
    problems = {}
    for field, amount in (("planned_wan", planned_wan), ("done_wan", done_wan)):
        if total_wan is not None and amount is not None and amount > total_wan:
            problems[field] = above[field] % {
                "amount": wan_text(amount),
                "total": wan_text(total_wan),
            }
    return problems


def _month_problems(
    project: Project, month: dt.date, planned_wan: Decimal, done_wan: Decimal, today: dt.date
) -> dict[str, str]:
    """What is wrong with a month's figures of `project` (field -> reason): a month before the
    project's signing month, investment completed in a month not yet begun, or a month's planned
    or completed investment above the project's total investment (one month is a part of it)."""
    problems = {}
    if month < project.signed_on.replace(day=1):
        problems["month"] = _(
            "The month is before the project was signed (%(month)s): no investment is entered "
            "for it."
        ) % {"month": project.signed_on.strftime("%Y-%m")}
    elif month > today.replace(day=1) and done_wan > 0:
        problems["done_wan"] = _(
            "The month has not begun: its completed investment is 0 until it does."
        )
    amounts = investment_amount_problems(
        total_wan=project.total_investment_wan, planned_wan=planned_wan, done_wan=done_wan
    )
    for field, reason in amounts.items():
        problems.setdefault(field, reason)
    return problems


def _cents(value: Decimal) -> Decimal:
    """An amount with two decimals (80 -> 80.00), as stored; more decimals are left for the
    model's check to refuse, never rounded away."""
    value = Decimal(value)
    cents = value.quantize(Decimal("0.01")) if value.is_finite() else value
    return cents if cents == value else value


@transaction.atomic
def investment_set(
    *,
    actor: Actor,
    project: Project,
    month: dt.date,
    planned_wan: Decimal,
    done_wan: Decimal,
    expected_version: int | None = None,
    read_at: dt.datetime | None = None,
    today: dt.date | None = None,
) -> MonthlyInvestment:
    """A project's planned and completed investment of one month (a new month, or the stored
    one changed on the version the editor read: `expected_version`, None for a month the editor
    saw empty; StaleVersion when someone saved it since). `read_at`: when the editor's page was
    read, for a month typed into its empty form: a month stored and unchanged since then was on
    that page, so it is changed, not refused as entered behind the editor's back."""
    if not access.can_enter_project_investment(actor, project):
        raise PermissionDenied(_not_yours())
    today = today or timezone.localdate()
    month = month.replace(day=1)
    planned_wan, done_wan = _cents(planned_wan), _cents(done_wan)
    # Entries of one project wait for each other here (two first entries of a month).
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    problems = _month_problems(project, month, planned_wan, done_wan, today)
    if problems:
        raise ValidationFailed({k: [v] for k, v in problems.items()})
    row = MonthlyInvestment.objects.filter(project=project, month=month).first()
    if row is None:
        if expected_version is not None:  # the editor's row is gone: cannot happen today
            raise ValidationFailed({"__all__": [_("This month is no longer stored.")]})
        row = MonthlyInvestment(
            project=project, month=month, planned_wan=planned_wan, done_wan=done_wan
        )
        clean(row, exclude=["project"])
        row.save()
        audit.record(
            actor=actor,
            action="create",
            instance=row,
            changes=audit.diff({}, audit.snapshot(row, INVESTMENT_FIELDS)),
            **audit_scope(project),
        )
        return row
    if expected_version is None and read_at is not None and row.updated_at <= read_at:
        expected_version = row.version  # the month was on the editor's page as it is stored
    if expected_version is None:  # the editor saw the month empty; someone entered it since
        last = stale(row, current=row.version, expected=None)
        raise StaleVersion(
            _(
                "%(record)s was entered by %(user)s after you opened the page. Nothing was "
                "saved: see the stored figures and enter yours again."
            )
            % {"record": str(row), "user": last.changed_by or _("someone else")},
            current=row.version,
            changed_by=last.changed_by,
            changed_at=last.changed_at,
        )
    version_check(row, expected_version)
    before = audit.snapshot(row, INVESTMENT_FIELDS)
    row.planned_wan, row.done_wan = planned_wan, done_wan
    clean(row, exclude=["project"])
    after = audit.snapshot(row, INVESTMENT_FIELDS)
    if after == before:
        return row
    row.updated_at = timezone.now()
    row.save(update_fields=["planned_wan", "done_wan", "updated_at"])
    version_bump(row)
    audit.record(
        actor=actor,
        action="update",
        instance=row,
        changes=audit.diff(before, after),
        **audit_scope(project),
    )
    return row


@dataclass(frozen=True)
class InvestmentChange:
    """What an imported row does to its project's month: new, updated or unchanged."""

    line: object  # invest_imports.Line
    project: Project
    change: str
    old_planned: Decimal | None
    old_done: Decimal | None
    # The figures the month will have: a blank cell keeps the stored one (0 for a new month).
    new_planned: Decimal = Decimal(0)
    new_done: Decimal = Decimal(0)


@dataclass(frozen=True)
class InvestmentPreview:
    parsed: object  # invest_imports.Parsed
    rows: list[InvestmentChange]
    stored: str  # fingerprint of the stored months compared

    def count(self, change: str) -> int:
        return sum(1 for r in self.rows if r.change == change)


@dataclass(frozen=True)
class InvestmentImportResult:
    created: int
    updated: int
    unchanged: int
    months: tuple


def _zone_check(actor: Actor, zone) -> None:
    if not access.can_enter_investment(actor, zone):
        raise PermissionDenied(
            _("Only the zone's leaders, administrators and officers import the investment.")
        )


def _kept(cell: Decimal | None, stored: Decimal | None) -> Decimal:
    """A month's figure from a sheet's cell: the cell, else (blank) the stored one, else 0."""
    if cell is not None:
        return cell
    return stored if stored is not None else Decimal(0)


def _compare(zone, parsed, today: dt.date, *, actor: Actor, lock: bool = False, errors=()):
    """Each line matched to the zone's project of its code and compared with the stored month;
    ImportRejected listing every line whose code is unknown or whose month is refused, with
    the sheet's own `errors` (by row)."""
    from zonedesk.core.xlsx import CellError, ImportRejected

    codes = {line.code for line in parsed.lines} | {c for _row, c in parsed.refused_codes}
    projects = Project.objects.filter(zone=zone, code__in=codes).select_related("zone")
    if lock:
        projects = projects.select_for_update()
    by_code = {p.code: p for p in projects}
    stored_rows = MonthlyInvestment.objects.filter(
        project__in=list(by_code.values()),
        month__in=sorted({line.month.first_day for line in parsed.lines}),
    )
    stored = {(r.project_id, r.month): r for r in stored_rows}
    errors, rows = list(errors), []
    unknown = _("No key project of the zone has this code.")
    for row, code in parsed.refused_codes:
        if code not in by_code:
            errors.append(CellError(parsed.sheet, row, parsed.headers["code"], code, unknown))
    for line in parsed.lines:
        project = by_code.get(line.code)
        if project is None:
            errors.append(
                parsed.error(
                    line, "code", line.code, _("No key project of the zone has this code.")
                )
            )
            continue
        if not access.can_enter_project_investment(actor, project):
            errors.append(parsed.error(line, "code", line.code, _not_yours()))
            continue
        old = stored.get((project.pk, line.month.first_day))
        planned = _kept(line.planned_wan, None if old is None else old.planned_wan)
        done = _kept(line.done_wan, None if old is None else old.done_wan)
        problems = _month_problems(project, line.month.first_day, planned, done, today)
        for key, reason in problems.items():
            value = str(line.month) if key == "month" else getattr(line, key)
            errors.append(parsed.error(line, key, value, reason))
        if problems:
            continue
        if old is None:
            change = "new"
        elif (old.planned_wan, old.done_wan) == (planned, done):
            change = "unchanged"
        else:
            change = "updated"
        rows.append(
            InvestmentChange(
                line,
                project,
                change,
                None if old is None else old.planned_wan,
                None if old is None else old.done_wan,
                planned,
                done,
            )
        )
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    digest = hashlib.sha256()
    for key in sorted(stored):
        r = stored[key]
        digest.update(f"{key[0]}|{key[1]}|{r.planned_wan}|{r.done_wan}|{r.version}\n".encode())
    return rows, stored, digest.hexdigest()


def investment_import_preview(
    *, actor: Actor, zone, fileobj, today: dt.date | None = None
) -> InvestmentPreview:
    """Read and check a sheet of the zone's monthly investment (ImportRejected as the import)
    and say, per project and month, what importing it would do; nothing is written."""
    from zonedesk.projects import invest_imports

    _zone_check(actor, zone)
    parsed, errors = invest_imports.read(fileobj)
    rows, _stored, fingerprint = _compare(
        zone, parsed, today or timezone.localdate(), actor=actor, errors=errors
    )
    return InvestmentPreview(parsed, rows, fingerprint)


@transaction.atomic
def investment_import(
    *,
    actor: Actor,
    zone,
    parsed=None,
    fileobj=None,
    expected_stored: str | None = None,
    today: dt.date | None = None,
) -> InvestmentImportResult:
    """Store every row of the sheet (`fileobj`, or the `parsed` rows of a preview the user
    confirmed) or none: each row sets its project's month (added or changed, audited); months
    the sheet does not list are kept. Refused (ImportRejected) when any row is; refused
    (ValidationFailed) when the stored months compared by the preview (`expected_stored`)
    changed since."""
    from zonedesk.projects import invest_imports

    _zone_check(actor, zone)
    errors = []
    if parsed is None:
        parsed, errors = invest_imports.read(fileobj)
    rows, stored, fingerprint = _compare(
        zone, parsed, today or timezone.localdate(), actor=actor, lock=True, errors=errors
    )
    if expected_stored is not None and fingerprint != expected_stored:
        raise ValidationFailed(
            {
                "__all__": [
                    _(
                        "The stored investment of these projects and months changed since the "
                        "preview: nothing was imported. Upload the file again to see the "
                        "changes as they are now."
                    )
                ]
            }
        )
    for r in rows:
        if r.change == "unchanged":
            continue
        old = stored.get((r.project.pk, r.line.month.first_day))
        investment_set(
            actor=actor,
            project=r.project,
            month=r.line.month.first_day,
            planned_wan=r.new_planned,
            done_wan=r.new_done,
            expected_version=None if old is None else old.version,
            today=today,
        )
    return InvestmentImportResult(
        created=sum(r.change == "new" for r in rows),
        updated=sum(r.change == "updated" for r in rows),
        unchanged=sum(r.change == "unchanged" for r in rows),
        months=tuple(sorted({r.line.month for r in rows})),
    )


# --- element guarantees (要素保障) ------------------------------------------------------------
