"""Every write of monthly figures and targets: atomic, permission-checked, audited."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import access, figures
from zonedesk.monitoring.models import AnnualTarget, MonthlyFigure
from zonedesk.org.models import Zone

FIGURE_FIELDS = tuple(figures.SPECS)
AUDITED_FIELDS = (*FIGURE_FIELDS, "status")


@dataclass(frozen=True)
class FigureData:
    """One firm's figures for one month, as forms, the API and imports deliver them."""

    output_value_wan: Decimal
    employees: int
    days_halted: int = 0
    revenue_wan: Decimal | None = None
    electricity_kwh: int | None = None
    water_t: int | None = None
    export_value_wan: Decimal | None = None
    orders_wan: Decimal | None = None
    capacity_utilisation_pct: Decimal | None = None


def _scope(enterprise: Enterprise) -> dict:
    return {"zone_id": enterprise.zone_id, "area_code": enterprise.zone.area.code}


def _check(data: FigureData, period: Period) -> None:
    errors = figures.check(vars(data), period.days)
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def figure_save(
    *, actor, enterprise: Enterprise, period: Period, data: FigureData
) -> MonthlyFigure:
    """Report (or correct) a firm's month. A correction of confirmed figures needs confirming again."""
    if actor is not None and not access.can_report(actor, enterprise):
        raise PermissionDenied()
    if period > Period.of(timezone.localdate()):
        raise ValidationFailed({"period": [_("Figures cannot be reported for a future month.")]})
    _check(data, period)
    figure = (
        MonthlyFigure.objects.select_for_update()
        .filter(enterprise=enterprise, period=period.first_day)
        .first()
    )
    before = audit.snapshot(figure, AUDITED_FIELDS) if figure else {}
    if figure is None:
        figure = MonthlyFigure(enterprise=enterprise, period=period.first_day)
    for name, value in vars(data).items():
        setattr(figure, name, value)
    after = audit.snapshot(figure, FIGURE_FIELDS)
    changes = audit.diff(before, after)
    if figure.pk is not None and not changes:
        return figure
    figure.status = MonthlyFigure.Status.SUBMITTED
    figure.submitted_by = actor if getattr(actor, "pk", None) else None
    figure.submitted_at = timezone.now()
    figure.confirmed_by = None
    figure.confirmed_at = None
    figure.save()
    changes = audit.diff(before, audit.snapshot(figure, AUDITED_FIELDS))
    audit.record(
        actor=actor,
        action="update" if before else "create",
        instance=figure,
        changes=changes,
        **_scope(enterprise),
    )
    return figure


@transaction.atomic
def figure_confirm(*, actor, figure: MonthlyFigure) -> MonthlyFigure:
    """The liaison officer confirms what the firm reported."""
    enterprise = figure.enterprise
    if actor is not None and not access.can_confirm(actor, enterprise):
        raise PermissionDenied()
    if figure.status == MonthlyFigure.Status.CONFIRMED:
        return figure
    figure.status = MonthlyFigure.Status.CONFIRMED
    figure.confirmed_by = actor if getattr(actor, "pk", None) else None
    figure.confirmed_at = timezone.now()
    figure.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit.record(
        actor=actor,
        action="update",
        instance=figure,
        changes={"status": [MonthlyFigure.Status.SUBMITTED, MonthlyFigure.Status.CONFIRMED]},
        **_scope(enterprise),
    )
    return figure


@transaction.atomic
def target_set(*, actor, zone: Zone, year: int, output_growth_pct: Decimal) -> AnnualTarget:
    if actor is not None and not access.can_set_target(actor, zone):
        raise PermissionDenied()
    target = AnnualTarget.objects.filter(zone=zone, year=year).first()
    before = audit.snapshot(target, ["output_growth_pct"]) if target else {}
    target = target or AnnualTarget(zone=zone, year=year)
    target.output_growth_pct = output_growth_pct
    try:
        target.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    target.save()
    audit.record(
        actor=actor,
        action="update" if before else "create",
        instance=target,
        changes=audit.diff(before, audit.snapshot(target, ["output_growth_pct"])),
        zone_id=zone.pk,
        area_code=zone.area.code,
    )
    return target


@dataclass(frozen=True)
class ImportResult:
    period: Period
    created: int
    updated: int
    unchanged: int

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


@transaction.atomic
def monthly_import(*, actor, zone: Zone, period: Period, fileobj) -> ImportResult:
    """Store every row of the month's sheet, or nothing at all (raises ImportRejected).

    Rows are upserted in bulk (INSERT … ON CONFLICT on both databases); each created or changed
    row gets an audit entry, written in bulk in the same transaction.
    """
    from zonedesk.core.models import AuditEntry
    from zonedesk.monitoring import imports

    if actor is not None and not access.can_import(actor, zone):
        raise PermissionDenied()
    if period > Period.of(timezone.localdate()):
        raise ValidationFailed({"period": [_("Figures cannot be reported for a future month.")]})
    rows = imports.parse(zone=zone, period=period, fileobj=fileobj)
    present = frozenset().union(*(r.values.keys() for r in rows))
    stored = {
        f["enterprise_id"]: f
        for f in MonthlyFigure.objects.filter(
            enterprise__zone=zone, period=period.first_day
        ).values("id", "enterprise_id", *FIGURE_FIELDS)
    }
    now = timezone.now()
    by = actor if getattr(actor, "pk", None) else None
    scope = {"zone_id": zone.pk, "area_code": zone.area.code}
    objs, entries = [], []
    created = updated = unchanged = 0
    for row in rows:
        old = stored.get(row.enterprise_id)
        # A column the sheet lacks keeps the stored value (or stays empty on a new row).
        values = {
            name: row.values.get(name) if name in present else (old or {}).get(name)
            for name in FIGURE_FIELDS
        }
        if values["days_halted"] is None:
            values["days_halted"] = 0
        if old is not None:
            changes = {
                k: [audit.plain(old[k]), audit.plain(v)]
                for k, v in values.items()
                if audit.plain(old[k]) != audit.plain(v)
            }
            if not changes:
                unchanged += 1
                continue
            updated += 1
        else:
            changes = {k: [None, audit.plain(v)] for k, v in values.items() if v is not None}
            created += 1
        figure = MonthlyFigure(
            enterprise_id=row.enterprise_id,
            period=period.first_day,
            status=MonthlyFigure.Status.SUBMITTED,
            submitted_by=by,
            submitted_at=now,
            confirmed_by=None,
            confirmed_at=None,
            **values,
        )
        objs.append(figure)
        entries.append((figure, old, changes))
    MonthlyFigure.objects.bulk_create(
        objs,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["enterprise", "period"],
        update_fields=[
            *FIGURE_FIELDS,
            "status",
            "submitted_by",
            "submitted_at",
            "confirmed_by",
            "confirmed_at",
        ],
    )
    ctx = audit.current_context.get()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=by,
                actor_name=getattr(actor, "username", "") or "system",
                action="update" if old is not None else "create",
                target_type=MonthlyFigure._meta.label_lower,
                target_id=str(old["id"]) if old is not None else "",
                target_repr=f"{figure.enterprise_id} {period}",
                changes=changes,
                ip_address=ctx.ip_address,
                via=ctx.via,
                **scope,
            )
            for figure, old, changes in entries
        ],
        batch_size=2000,
    )
    return ImportResult(period=period, created=created, updated=updated, unchanged=unchanged)


@transaction.atomic
def figures_confirm(*, actor, zone: Zone, period: Period) -> int:
    """Confirm every submitted figure of the month that the actor may confirm; returns how many."""
    pending = list(
        MonthlyFigure.objects.select_related("enterprise__zone__area").filter(
            enterprise__zone=zone,
            period=period.first_day,
            status=MonthlyFigure.Status.SUBMITTED,
        )
    )
    done = 0
    for figure in pending:
        if actor is None or access.can_confirm(actor, figure.enterprise):
            figure_confirm(actor=actor, figure=figure)
            done += 1
    return done
