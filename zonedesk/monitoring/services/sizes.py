"""Above-size status (规模以上) per firm and year: derived from last year's main business revenue
against the year's threshold (dated data, `SizeThreshold`), or set by hand with a reason.

The effective value of a firm's latest year is kept in `Enterprise.above_designated_size`, the
column policies' facts (and their trigger) read, so those readers need no change: every write
here that moves it updates the column in the same transaction, audited, and announces it
(firms_changed: policies re-match; registry_changed: pages). See docs/statistics.md.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit, events
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.core.services import created_once, version_bump, version_matches
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import access, pagecache
from zonedesk.monitoring.models import FirmSize, MonthlyFigure
from zonedesk.monitoring.selectors.sizes import size_threshold
from zonedesk.org.models import Zone

AUDITED = ("basis_revenue_wan", "threshold_wan", "derived", "override", "override_reason", "above")
REASON_MAX = 300
__all__ = ["SizesDerived", "size_override", "size_threshold", "sizes_derive"]


@dataclass(frozen=True)
class SizesDerived:
    """What a derivation did, for its summary: the firms of the zone, the statuses written
    (created or changed), the firms whose effective status of the year moved (to above, to
    below: against the year's stored status, else the registry's flag, which stood for it),
    the year's 新升规 and the firms without revenue of the year before (their status kept)."""

    year: int
    threshold_wan: Decimal
    firms: int
    written: int
    to_above: int
    to_below: int
    newly_above: int
    no_basis: int
    overridden: int  # statuses set by hand, kept over the derived value

    @property
    def changed(self) -> int:
        return self.to_above + self.to_below

    def summary(self) -> str:
        """One sentence for the page's message and the command's output."""
        return _(
            "%(year)d: %(firms)d firms judged against %(threshold)s (10k yuan); %(changed)d "
            "changed status (%(to_above)d to above size, %(to_below)d to below); %(newly)d newly "
            "above size; %(no_basis)d without revenue the year before kept their status; "
            "%(overridden)d set by hand kept."
        ) % {
            "year": self.year,
            "firms": self.firms,
            "threshold": f"{self.threshold_wan.normalize():,f}",
            "changed": self.changed,
            "to_above": self.to_above,
            "to_below": self.to_below,
            "newly": self.newly_above,
            "no_basis": self.no_basis,
            "overridden": self.overridden,
        }


def _effective(
    row: FirmSize, before: bool | None, registry: bool | None, *, keep: bool = True
) -> bool:
    """The override, else the derived status, else last year's, else the year's own stored
    status, else the registry's flag (a firm with no revenue reported for the year before keeps
    what it was). `registry` is None when the flag is not the year's to give: it holds the
    status of a later year (`_standing`), which a year without a basis must never borrow; such
    a year with nothing of its own is not above size (no basis). `keep=False` (a hand setting
    cleared) does not keep the stored status, which was the hand setting's."""
    stored = row.above if row.pk and keep else None
    for value in (row.override, row.derived, before, stored, registry):
        if value is not None:
            return value
    return False


def _later(firms, year: int) -> set[int]:
    """The firms with a status of a year after `year`: their registry flag is that year's."""
    return set(
        FirmSize.objects.filter(enterprise__in=firms, year__gt=year).values_list(
            "enterprise_id", flat=True
        )
    )


def _standing(e: Enterprise, later: set[int]) -> bool | None:
    """The registry flag as a status of the year: None when it follows a later year's status
    (`_sync_registry` keeps it on the firm's latest year), so another year's is not borrowed."""
    return None if e.pk in later else e.above_designated_size


def _revenue(firms, year: int) -> dict[int, tuple[Decimal, int]]:
    """Σ main business revenue of `year` per firm and how many months gave it (exact: summed
    as Decimals here, not by SQLite's floats)."""
    out: dict[int, list] = defaultdict(lambda: [Decimal(0), 0])
    rows = MonthlyFigure.objects.filter(
        enterprise__in=firms,
        period__gte=Period(year, 1).first_day,
        period__lte=Period(year, 12).first_day,
        revenue_wan__isnull=False,
    ).values_list("enterprise_id", "revenue_wan")
    for firm, revenue in rows.iterator(chunk_size=5000):
        out[firm][0] += revenue
        out[firm][1] += 1
    return {f: (v[0], v[1]) for f, v in out.items()}


def _sync_registry(*, actor: Actor, firms: list[Enterprise], year: int) -> int:
    """Set `above_designated_size` of the firms whose latest status year is `year` to that
    year's effective value; audited and announced. Returns how many changed."""
    later = _later(firms, year)
    now = dict(
        FirmSize.objects.filter(enterprise__in=firms, year=year).values_list(
            "enterprise_id", "above"
        )
    )
    changed = [
        e
        for e in firms
        if e.pk not in later and e.pk in now and e.above_designated_size != now[e.pk]
    ]
    entries = []
    for e in changed:
        entries.append(
            audit.entry(
                actor=actor,
                action="update",
                instance=e,
                changes={"above_designated_size": [e.above_designated_size, now[e.pk]]},
                zone_id=e.zone_id,
                area_code=e.zone.area.code,
            )
        )
        e.above_designated_size = now[e.pk]
    if changed:
        Enterprise.objects.bulk_update(changed, ["above_designated_size"], batch_size=1000)
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
        qs = Enterprise.objects.filter(pk__in=[e.pk for e in changed])
        events.firms_changed(actor=actor, firms=qs)
        events.registry_changed(actor=actor, firms=qs, fields=frozenset({"above_designated_size"}))
    return len(changed)


@transaction.atomic
def sizes_derive(*, actor: Actor, zone: Zone, year: int) -> SizesDerived:
    """Derive every firm's above-size status of `year` in the zone from its revenue of the year
    before; hand-set statuses are kept (their derived value is refreshed beside them).
    新升规 (newly above) is marked against the firm's status of the year before, when it has
    one. Returns what changed (`SizesDerived`)."""
    if not access.can_set_size(actor, zone):
        raise PermissionDenied()
    threshold = size_threshold(year)
    if threshold is None:
        raise ValidationFailed(
            {"year": [_("No above-size threshold is recorded for %(year)d.") % {"year": year}]}
        )
    firms = list(Enterprise.objects.filter(zone=zone).select_related("zone__area"))
    revenue = _revenue(firms, year - 1)
    by_pk = {e.pk: e for e in firms}
    existing = {
        r.enterprise_id: r for r in FirmSize.objects.filter(enterprise__in=firms, year=year)
    }
    for r in existing.values():
        r.enterprise = by_pk[r.enterprise_id]  # named in the audit entries, without a query each
    before = dict(
        FirmSize.objects.filter(enterprise__in=firms, year=year - 1).values_list(
            "enterprise_id", "above"
        )
    )
    later = _later(firms, year)
    create, update, entries = [], [], []
    to_above = to_below = 0
    for e in firms:
        row = existing.get(e.pk) or FirmSize(enterprise=e, year=year)
        old = audit.snapshot(row, AUDITED) if row.pk else {}
        was = row.above if row.pk else _standing(e, later)
        basis, months = revenue.get(e.pk, (None, 0))
        row.basis_revenue_wan, row.basis_months = basis, months
        row.threshold_wan = threshold.revenue_wan
        row.derived = None if basis is None else basis >= threshold.revenue_wan
        row.above = _effective(row, before.get(e.pk), _standing(e, later))
        row.newly_above = row.above and before.get(e.pk) is False
        to_above += row.above and was is False
        to_below += was is True and not row.above
        changes = audit.diff(old, audit.snapshot(row, AUDITED))
        if row.pk is None:
            create.append(row)
        elif changes:
            update.append(row)
        if changes:
            entries.append((row, changes))
    FirmSize.objects.bulk_create(create, batch_size=1000)
    FirmSize.objects.bulk_update(
        update,
        ["basis_revenue_wan", "basis_months", "threshold_wan", "derived", "above", "newly_above"],
        batch_size=1000,
    )
    AuditEntry.objects.bulk_create(
        [
            audit.entry(
                actor=actor,
                action="create" if row in create else "update",
                instance=row,
                changes=changes,
                zone_id=zone.pk,
                area_code=zone.area.code,
            )
            for row, changes in entries
        ],
        batch_size=1000,
    )
    _refresh_next_year(firms, year)
    _sync_registry(actor=actor, firms=firms, year=year)
    pagecache.changed([zone.pk])
    rows = [existing.get(e.pk) for e in firms] + create
    rows = [r for r in rows if r is not None]
    return SizesDerived(
        year=year,
        threshold_wan=threshold.revenue_wan,
        firms=len(firms),
        written=len(entries),
        to_above=to_above,
        to_below=to_below,
        newly_above=sum(1 for r in rows if r.newly_above),
        no_basis=sum(1 for r in rows if r.basis_revenue_wan is None),
        overridden=sum(1 for r in rows if r.override is not None),
    )


def _refresh_next_year(firms, year: int) -> None:
    """新升规 of the year after depends on this year's status: kept in step."""
    now = dict(
        FirmSize.objects.filter(enterprise__in=firms, year=year).values_list(
            "enterprise_id", "above"
        )
    )
    following = list(FirmSize.objects.filter(enterprise__in=firms, year=year + 1))
    for row in following:
        row.newly_above = row.above and now.get(row.enterprise_id) is False
    FirmSize.objects.bulk_update(following, ["newly_above"], batch_size=1000)


@transaction.atomic
def size_override(
    *,
    actor: Actor,
    enterprise: Enterprise,
    year: int,
    above: bool | None,
    reason: str = "",
    expected_version: int | None = None,
) -> FirmSize:
    """Set (True/False) or clear (None) the firm's above-size status of `year` by hand; setting
    needs a reason (e.g. "新建投产企业，预计年主营业务收入超过2000万元，经统计部门核准纳入").
    Audited with the reason, who and when kept on the row; the registry flag follows when it is
    the firm's latest year. `expected_version`: the status's version the editor read (0: there
    was none for the year); StaleVersion if it was set by hand since. None: no compare."""
    zone = enterprise.zone
    if not access.can_set_size(actor, zone):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if above is not None and not reason:
        raise ValidationFailed(
            {"reason": [_("Say why the status is set by hand (the reason is kept with it).")]}
        )
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            {
                "reason": [
                    _("The reason is %(n)d characters long; at most %(max)d are kept.")
                    % {"n": len(reason), "max": REASON_MAX}
                ]
            }
        )
    stored = FirmSize.objects.select_for_update().filter(enterprise=enterprise, year=year)
    row = stored.first()
    absent = FirmSize(enterprise=enterprise, year=year)
    version_matches(row, expected_version, absent=absent)
    old = audit.snapshot(row, AUDITED) if row else {}
    if row is None:
        threshold = size_threshold(year)
        row = FirmSize(
            enterprise=enterprise,
            year=year,
            threshold_wan=threshold.revenue_wan if threshold else None,
        )
    prior = (
        FirmSize.objects.filter(enterprise=enterprise, year=year - 1)
        .values_list("above", flat=True)
        .first()
    )
    row.override = above
    row.override_reason = reason if above is not None else ""
    standing = _standing(enterprise, _later([enterprise], year))
    row.above = _effective(row, prior, standing, keep=above is not None)
    row.newly_above = row.above and prior is False
    changes = audit.diff(old, audit.snapshot(row, AUDITED))
    if old and not changes:
        return row  # the same setting again: nothing to write
    row.override_by, row.override_at = user_or_none(actor), timezone.now()
    if row.pk is None:
        with created_once(row, expected_version, existing=stored):
            row.save()
    else:
        version_bump(row)
        row.save()
    audit.record(
        actor=actor,
        action="update" if old else "create",
        instance=row,
        changes=changes,
        zone_id=zone.pk,
        area_code=zone.area.code,
    )
    _refresh_next_year([enterprise], year)
    _sync_registry(
        actor=actor,
        firms=list(Enterprise.objects.filter(pk=enterprise.pk).select_related("zone__area")),
        year=year,
    )
    pagecache.changed([zone.pk])
    return row
