"""Monthly import (issue 5): one month's sheet of a zone holding every synthetic firm's worth of
firms, read, checked and stored by monitoring.services.monthly_import (audit entries, each
row's step and the policy re-match included), beside the limit (python-calamine reading the
same file, then one bulk load of its rows, no checks) and what users would use instead
(django-import-export in its bulk mode)."""

import io
import time

import tablib
from common import median, peak_rss_mib, reset_peak_rss, row, timed
from django.db import connection
from django.utils import timezone, translation
from import_export import fields, resources, widgets
from python_calamine import CalamineWorkbook

from zonedesk.core import xlsx
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.demo import scale
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import figures, imports, services
from zonedesk.monitoring.models import FigureEvent, MonthlyFigure

TITLE = "Monthly import: one month's sheet of one zone, checked and stored"
SLOW = 30.0  # seconds: a reference this slow is timed once
SAMPLE_ROWS = 5_000  # rows django-import-export is timed on (it is linear: a query per row)


def run(*, runs: int, sample: int, log) -> list[dict]:
    with translation.override("zh-hans"):  # the sheet as a Chinese park fills it in
        return _run(runs=runs, log=log)


def _run(*, runs: int, log) -> list[dict]:
    zone = scale.big_zone(scale.exists())  # made by `bench` prepare; idempotent
    month = scale.big_zone_month(zone)
    actor = scale.zone_admin(zone)
    firms = {
        pk: (code, name)
        for pk, code, name in Enterprise.objects.filter(zone=zone).values_list(
            "pk", "credit_code", "name"
        )
    }
    sheet = scale.big_zone_sheet(zone)
    at = {name: i for i, name in enumerate(scale.FIGURE_COLUMNS)}
    cols = imports.columns()

    def workbook(changed: bool, limit: int | None = None) -> bytes:
        # The export's layout (the template's columns, firms by name), as a park sends it back.
        rows = []
        for r in sheet[:limit]:
            # optional columns the synthetic zone does not draw (tax, energy) stay empty
            values = [r[at[name]] if name in at else None for name in imports.FIGURES]
            if changed:
                values[0] = round(values[0] * 1.03, 2)  # output
                values[4] += 1  # employees
            rows.append([*firms[r[0]], str(month), *values])
        rows.sort(key=lambda x: x[1])
        return xlsx.write_workbook([(imports.sheet_name(), list(cols.values()), rows)])

    files = [workbook(changed=False), workbook(changed=True)]
    n = len(sheet)
    log(
        f"  {len(firms):,} firms in zone {zone.code}, {n:,} rows of {month}, "
        f"{len(cols)} columns, {len(files[0]) / 2**20:.1f} MiB"
    )

    def forget_month():
        # Raw: the month's rows, their steps and the entries the imports wrote, as before the
        # benchmark.
        table, audit_table = MonthlyFigure._meta.db_table, AuditEntry._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FigureEvent._meta.db_table} WHERE figure_id IN "  # noqa: S608
                f"(SELECT f.id FROM {table} f JOIN {Enterprise._meta.db_table} e "
                "ON e.id = f.enterprise_id WHERE f.period = %s AND e.zone_id = %s)",
                [month.first_day, zone.pk],
            )
            cursor.execute(
                f"DELETE FROM {table} WHERE period = %s AND enterprise_id IN "  # noqa: S608
                f"(SELECT id FROM {Enterprise._meta.db_table} WHERE zone_id = %s)",
                [month.first_day, zone.pk],
            )
            cursor.execute(
                f"DELETE FROM {audit_table} WHERE zone_id = %s AND target_type = %s",  # noqa: S608
                [zone.pk, MonthlyFigure._meta.label_lower],
            )

    rss: list[float] = []

    def measured(fn):
        def call():
            reset_peak_rss()
            out = fn()
            rss.append(peak_rss_mib())
            return out

        return call

    def import_file(data: bytes):
        return lambda: services.monthly_import(
            actor=actor, zone=zone, period=month, fileobj=io.BytesIO(data)
        )

    # zonedesk: a first import (every row created), then re-imports that change every row.
    first_times, first = timed(
        measured(import_file(files[0])), runs, before=lambda i: forget_month()
    )
    expect(first.created == n, first)
    first_rss = max(rss)
    log(f"  first import: {median(first_times):.2f} s, peak RSS {first_rss:.0f} MiB")
    rss.clear()
    again_times = []
    for i in range(runs):
        started = time.perf_counter()
        again = measured(import_file(files[(i + 1) % 2]))()
        again_times.append(time.perf_counter() - started)
        expect(again.updated == n, again)
    again_rss = max(rss)
    log(
        f"  re-import, every row changed: {median(again_times):.2f} s, peak RSS {again_rss:.0f} MiB"
    )

    # The limit: python-calamine reads the file, the rows go in with one bulk load (COPY on
    # PostgreSQL, one executemany on SQLite), in one transaction; no checks at all.
    # The sheet's figure columns the synthetic zone writes, in the sheet's order (its columns
    # start at the fourth: credit code, name, month).
    kept = [i for i, name in enumerate(imports.FIGURES) if name in at]
    integer = [figures.SPECS[imports.FIGURES[i]].integer for i in kept]
    read_times, load_times = [], []

    def limit_load():
        started = time.perf_counter()
        book = CalamineWorkbook.from_filelike(io.BytesIO(files[0]))
        cells = book.get_sheet_by_name(book.sheet_names[0]).to_python()
        read_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        ids = dict(Enterprise.objects.filter(zone=zone).values_list("credit_code", "pk"))
        first_day, now = month.first_day, timezone.now()
        rows = (
            (
                ids[c[0]],
                first_day,
                *(
                    None if v == "" else int(v) if whole else v
                    for v, whole in zip([c[3 + i] for i in kept], integer, strict=True)
                ),
                MonthlyFigure.Status.SUBMITTED,
                now,
            )
            for c in cells[1:]
        )
        written = scale.write_figures(rows)
        load_times.append(time.perf_counter() - started)
        return written

    limit_times, loaded = timed(limit_load, runs, before=lambda i: forget_month())
    expect(loaded == n, loaded)
    limit = median(limit_times)
    log(
        f"  limit: {limit:.2f} s (calamine read {median(read_times):.2f} s, "
        f"bulk load {median(load_times):.2f} s)"
    )

    # What users would use instead: django-import-export, bulk mode, from a tablib Dataset.
    resource = figure_resource(cols, month)

    def import_export(data: bytes):
        def go():
            dataset = tablib.Dataset().load(data, format="xlsx")
            result = resource().import_data(dataset, dry_run=False, raise_errors=True)
            expect(not result.has_errors(), result)
            return result

        return go

    def adaptive(fn, before=None):
        times = []
        for i in range(runs):
            if before is not None:
                before(i)
            started = time.perf_counter()
            fn(i)
            times.append(time.perf_counter() - started)
            if times[-1] > SLOW:
                break
        return times

    # It looks every row up one query at a time (its firm, its stored figures) and updates in
    # batches (bulk_update, a CASE per column): over 20 ms a row on a shared machine, so it is
    # timed on at most SAMPLE_ROWS rows of the sheet and scaled to the whole sheet beyond that.
    part = min(n, SAMPLE_ROWS)
    ie_files = files if part == n else [workbook(False, part), workbook(True, part)]
    ie_times = [
        t * n / part
        for t in adaptive(lambda i: import_export(ie_files[0])(), before=lambda i: forget_month())
    ]
    log(f"  django-import-export, first import: {median(ie_times):.2f} s ({len(ie_times)} runs)")
    ie_again_times = [
        t * n / part for t in adaptive(lambda i: import_export(ie_files[(i + 1) % 2])())
    ]
    log(f"  django-import-export, re-import: {median(ie_again_times):.2f} s ({part:,} rows timed)")
    forget_month()

    first_med, again_med = median(first_times), median(again_times)
    ie, ie_again = median(ie_times), median(ie_again_times)
    sheet_note = (
        f"{n:,} rows of {len(cols)} columns (every column of the month's sheet: code, name, "
        f"month and {len(imports.FIGURES)} figures), one zone of {len(firms):,} firms"
    )
    ie_note = (
        "django-import-export: ModelResource keyed by the firm's credit code (ForeignKeyWidget), "
        "use_bulk, skip_diff, batch_size 2000, the month's rows looked up by firm, Dataset loaded "
        f"from the same xlsx (openpyxl); no audit, no re-match; first import timed "
        f"{len(ie_times)} time(s)"
        + (" (too slow for more runs)" if len(ie_times) < runs else "")
        + f", re-import {len(ie_again_times)} time(s)"
        + (
            f", each on the first {part:,} rows of the sheet, scaled to {n:,} rows (linear: "
            "per-row lookups, fixed-size batches)"
            if part < n
            else ""
        )
    )
    limit_note = (
        f"limit phases: calamine read {median(read_times):.2f} s, bulk load "
        f"{median(load_times):.2f} s"
    )

    def target(med: float, peak: float, instead: float) -> tuple[str, bool]:
        return (
            f"≤ 3x the limit, ≥ 10x faster than django-import-export, peak RSS < 1 GiB "
            f"(measured {peak:.0f} MiB)",
            med <= 3 * limit and instead / med >= 10 and peak < 1024,
        )

    return [
        row(
            "first import (every row created)",
            first_times,
            note=f"{sheet_note}; read, every cell checked, upserted, an audit entry a row, the "
            f"zone's firms re-matched; peak RSS of the process during the import "
            f"{first_rss:.0f} MiB; {limit_note}; {ie_note}",
            limit=limit,
            instead=ie,
            target=target(first_med, first_rss, ie),
        ),
        row(
            "re-import, every row changed (updated)",
            again_times,
            note=f"peak RSS during the import {again_rss:.0f} MiB; 'instead' is "
            "django-import-export re-importing the same changed file",
            limit=limit,
            instead=ie_again,
            target=target(again_med, again_rss, ie_again),
        ),
        row(
            "limit: python-calamine read + one bulk load, no checks",
            limit_times,
            note="COPY on PostgreSQL, one executemany in one transaction on SQLite",
        ),
    ]


def expect(ok: bool, what) -> None:
    if not ok:
        raise RuntimeError(f"unexpected: {what}")


class PeriodWidget(widgets.Widget):
    """'2020-06' as the month's first day."""

    def clean(self, value, row=None, **kwargs):
        return Period.parse(value).first_day


def figure_resource(cols: dict, month: Period) -> type:
    """A django-import-export resource for the month's sheet, headed as `cols`, as its
    documentation advises for large files (bulk, no diff). The default instance loader: the
    cached one asks for every id in one query, beyond SQLite's 32,766 parameters at scale."""
    attrs = {
        "enterprise": fields.Field(
            attribute="enterprise",
            column_name=cols["credit_code"].header,
            widget=widgets.ForeignKeyWidget(Enterprise, field="credit_code"),
        ),
        "period": fields.Field(
            attribute="period", column_name=cols["period"].header, widget=PeriodWidget()
        ),
    }
    for name in imports.FIGURES:
        spec = figures.SPECS[name]
        attrs[name] = fields.Field(
            attribute=name,
            column_name=cols[name].header,
            widget=widgets.IntegerWidget() if spec.integer else widgets.DecimalWidget(),
        )

    class Meta:
        model = MonthlyFigure
        fields = ("enterprise", "period", *imports.FIGURES)
        import_id_fields = ("enterprise",)
        use_bulk = True
        batch_size = 2000
        skip_diff = True
        skip_unchanged = False

    def get_queryset(self):
        return MonthlyFigure.objects.filter(period=month.first_day)

    def before_save_instance(self, instance, row, **kwargs):
        instance.days_halted = instance.days_halted or 0

    attrs.update(Meta=Meta, get_queryset=get_queryset, before_save_instance=before_save_instance)
    return type("MonthlyFigureResource", (resources.ModelResource,), attrs)
