"""Writes of one firm's month and of a zone's target: atomic, permission-checked, audited; each
step of a figure's status on monitoring.flows.FIGURE_FLOW, with its event row."""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit, events
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.core.services import (
    audit_scope,
    clean,
    created_once,
    version_bump,
    version_matches,
)
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import access, figures, pagecache, rollups
from zonedesk.monitoring.flows import FIGURE_FLOW
from zonedesk.monitoring.models import AnnualFigure, AnnualTarget, FigureEvent, MonthlyFigure
from zonedesk.org.models import Zone

FIGURE_FIELDS = tuple(figures.SPECS)
AUDITED_FIELDS = (*FIGURE_FIELDS, "status")
# A confirmation's audit entry names the status only, as it did before the flow.
CONFIRM_AUDITED = ("status",)
Status = MonthlyFigure.Status


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
    tax_wan: Decimal | None = None
    energy_tce: Decimal | None = None


def _check(data: FigureData, period: Period) -> None:
    errors = figures.check(vars(data), period.days)
    if errors:
        raise ValidationFailed(errors)


def check_month(period: Period) -> None:
    if period > Period.of(timezone.localdate()):
        raise ValidationFailed({"period": [_("Figures cannot be reported for a future month.")]})


@transaction.atomic
def figure_save(
    *,
    actor: Actor,
    enterprise: Enterprise,
    period: Period,
    data: FigureData,
    expected_version: int | None = None,
) -> MonthlyFigure:
    """Report (or correct) a firm's month: the flow's move "submitted". A correction of
    confirmed figures needs confirming again; figures given again unchanged are no move.
    `expected_version`: the version of the month the editor read (0: none was reported yet);
    StaleVersion if the month changed (or was reported) since. None: no compare."""
    stored = MonthlyFigure.objects.select_for_update().filter(
        enterprise=enterprise, period=period.first_day
    )
    figure = stored.first()
    new = figure is None
    if new:
        figure = MonthlyFigure(enterprise=enterprise, period=period.first_day)
    version_matches(None if new else figure, expected_version, absent=figure)
    FIGURE_FLOW.check(actor=actor, obj=figure, move=Status.SUBMITTED)
    check_month(period)
    _check(data, period)
    before = {} if new else audit.snapshot(figure, AUDITED_FIELDS)
    for name, value in vars(data).items():
        setattr(figure, name, value)
    if not new and not audit.diff(before, audit.snapshot(figure, FIGURE_FIELDS)):
        return figure
    figure.submitted_by = user_or_none(actor)
    figure.submitted_at = timezone.now()
    figure.confirmed_by = None
    figure.confirmed_at = None
    if new:
        with created_once(figure, expected_version, existing=stored):
            _figure_create(actor=actor, figure=figure)
    else:
        version_bump(figure)
        FIGURE_FLOW.apply(
            actor=actor,
            obj=figure,
            move=Status.SUBMITTED,
            before=before,
            audited=AUDITED_FIELDS,
            scope=audit_scope(enterprise),
            at=figure.submitted_at,
        )
    rollups.invalidate([enterprise.zone_id], [period])
    events.firms_changed(actor=actor, firms=Enterprise.objects.filter(pk=enterprise.pk))
    return figure


def _figure_create(*, actor: Actor, figure: MonthlyFigure) -> None:
    """Store a month's first report with its event (from no state) and audit entry."""
    figure.status = FIGURE_FLOW.initial
    figure.save()
    FIGURE_FLOW.event(
        actor=actor,
        obj=figure,
        move=Status.SUBMITTED,
        from_state="",
        to_state=figure.status,
        at=figure.submitted_at,
    ).save()
    audit.record(
        actor=actor,
        action="create",
        instance=figure,
        changes=audit.diff({}, audit.snapshot(figure, AUDITED_FIELDS)),
        **audit_scope(figure),
    )


@transaction.atomic
def figure_confirm(
    *, actor: Actor, figure: MonthlyFigure, expected_version: int | None = None
) -> MonthlyFigure:
    """The liaison officer confirms what the firm reported (the flow's move "confirmed");
    `expected_version`: the version the officer saw (StaleVersion if the firm corrected the
    figures since: the officer confirms what they read, not a later correction)."""
    figure = (
        MonthlyFigure.objects.select_for_update(of=("self",))
        .select_related("enterprise__zone__area")
        .get(pk=figure.pk)
    )
    FIGURE_FLOW.check(actor=actor, obj=figure, move=Status.CONFIRMED)
    version_matches(figure, expected_version, absent=figure)
    version_bump(figure)
    before = audit.snapshot(figure, CONFIRM_AUDITED)
    figure.confirmed_by = user_or_none(actor)
    figure.confirmed_at = timezone.now()
    FIGURE_FLOW.apply(
        actor=actor,
        obj=figure,
        move=Status.CONFIRMED,
        before=before,
        audited=CONFIRM_AUDITED,
        scope=audit_scope(figure),
        at=figure.confirmed_at,
    )
    _confirmed(figure.enterprise.zone_id, figure.month)
    return figure


def _confirmed(zone_id: int, period: Period) -> None:
    """After confirmations: the zone's month counts fewer reports awaiting confirmation (its kept
    summary) and its 审定 figures changed (its pages)."""
    rollups.invalidate([zone_id], [period], values=False)
    pagecache.changed([zone_id])


@transaction.atomic
def target_set(
    *,
    actor: Actor,
    zone: Zone,
    year: int,
    output_growth_pct: Decimal,
    expected_version: int | None = None,
) -> AnnualTarget:
    """Set the zone's growth target for a year. `expected_version`: the version of the year's
    target the editor read (0: none was set); StaleVersion if it changed since. None: no
    compare (the demo's loader)."""
    if not access.can_set_target(actor, zone):
        raise PermissionDenied()
    stored = AnnualTarget.objects.select_for_update().filter(zone=zone, year=year)
    target = stored.first()
    new = target is None
    target = target or AnnualTarget(zone=zone, year=year)
    version_matches(None if new else target, expected_version, absent=target)
    before = {} if new else audit.snapshot(target, ["output_growth_pct"])
    target.output_growth_pct = output_growth_pct
    clean(target)
    if new:
        with created_once(target, expected_version, existing=stored):
            target.save()
    elif not audit.diff(before, audit.snapshot(target, ["output_growth_pct"])):
        return target
    else:
        version_bump(target)
        target.save(update_fields=["output_growth_pct"])
    pagecache.changed([zone.pk])
    audit.record(
        actor=actor,
        action="update" if before else "create",
        instance=target,
        changes=audit.diff(before, audit.snapshot(target, ["output_growth_pct"])),
        zone_id=zone.pk,
        area_code=zone.area.code,
    )
    return target


@transaction.atomic
def figures_confirm(
    *, actor: Actor, zone: Zone, period: Period, enterprise_ids: Collection[int] | None = None
) -> int:
    """Confirm every submitted figure of the month that the actor may confirm (of the firms
    `enterprise_ids` when given: the ones the official was shown), except unusual ones (output
    ±50 % on last month or last year: confirmed one by one); returns how many."""
    from zonedesk.core.models import AuditEntry
    from zonedesk.monitoring.indicators import unusual

    bases = {
        p: dict(
            MonthlyFigure.objects.filter(enterprise__zone=zone, period=p.first_day).values_list(
                "enterprise_id", "output_value_wan"
            )
        )
        for p in (period.previous, period.last_year)
    }
    pending = MonthlyFigure.objects.select_related("enterprise__zone__area").filter(
        enterprise__zone=zone,
        period=period.first_day,
        status=Status.SUBMITTED,
    )
    if enterprise_ids is not None:
        pending = pending.filter(enterprise_id__in=list(enterprise_ids))
    pending = list(pending.select_for_update(of=("self",)))
    mine = [
        f
        for f in pending
        if access.can_confirm(actor, f.enterprise)
        and not unusual(f.output_value_wan, *(b.get(f.enterprise_id) for b in bases.values()))
    ]
    now = timezone.now()
    by = user_or_none(actor)
    steps = []
    for figure in mine:
        steps.append(
            FIGURE_FLOW.event(
                actor=actor,
                obj=figure,
                move=Status.CONFIRMED,
                from_state=figure.status,
                to_state=FIGURE_FLOW.target(figure.status, Status.CONFIRMED),
                at=now,
            )
        )
        figure.status, figure.confirmed_by, figure.confirmed_at = steps[-1].to_state, by, now
        figure.version = F("version") + 1
    MonthlyFigure.objects.bulk_update(mine, ["status", "confirmed_by", "confirmed_at", "version"])
    FigureEvent.objects.bulk_create(steps)
    AuditEntry.objects.bulk_create(
        [
            audit.entry(
                actor=actor,
                action="update",
                instance=step.figure,
                changes={
                    "status": [step.from_state, step.to_state],
                    "step": [step.from_state, step.move],
                },
                zone_id=zone.pk,
                area_code=zone.area.code,
            )
            for step in steps
        ]
    )
    if mine:
        _confirmed(zone.pk, period)
    return len(mine)


def zone_months_rebuild(*, actor: Actor, zone_ids: list[int] | None = None) -> int:
    """Recompute the zone-month summaries (of the zones given, else of all) after figures were
    written in bulk outside these services (the demo loader, the scale generator); the number of
    summaries stored. Only the system or a superuser may. Not audited and not one transaction:
    the summaries are derived from the figures, and `rollups.rebuild` commits a few zones at a
    time so that a province's rebuild keeps memory and locks bounded."""
    if not actor.is_superuser:
        raise PermissionDenied()
    return rollups.rebuild(zone_ids)


ANNUAL_FIELDS = ("value_added_wan", "rd_spending_wan")


@transaction.atomic
def annual_figure_save(
    *,
    actor: Actor,
    enterprise: Enterprise,
    year: int,
    value_added_wan: Decimal | None,
    rd_spending_wan: Decimal | None,
) -> AnnualFigure:
    """Record a firm's yearly value added and R&D spending (None: not reported), audited."""
    if not access.can_report(actor, enterprise):
        raise PermissionDenied()
    if year > timezone.localdate().year:
        raise ValidationFailed({"year": [_("Figures cannot be reported for a future year.")]})
    row = AnnualFigure.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    before = audit.snapshot(row, ANNUAL_FIELDS) if row else {}
    row = row or AnnualFigure(enterprise=enterprise, year=year)
    cent = Decimal("0.01")
    row.value_added_wan, row.rd_spending_wan = (
        None if v is None else Decimal(v).quantize(cent) for v in (value_added_wan, rd_spending_wan)
    )
    clean(row)
    changes = audit.diff(before, audit.snapshot(row, ANNUAL_FIELDS))
    if before and not changes:
        return row
    row.save()
    audit.record(
        actor=actor,
        action="update" if before else "create",
        instance=row,
        changes=changes,
        **audit_scope(enterprise),
    )
    return row
