"""Reports (issue 5): the status paragraph of a work summary for one zone of 500 firms, and the
month's xlsx export of the big zone (the month export page's code path: imports.export_rows +
xlsx.write_workbook) beside the limit, xlsxwriter in constant-memory mode writing the same
cells from rows already in memory."""

import datetime as dt
import io
from decimal import Decimal

import xlsxwriter
from common import median, peak_rss_mib, reset_peak_rss, row, timed
from django.utils import translation

from zonedesk.core import xlsx
from zonedesk.core.period import Period
from zonedesk.demo import scale
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import imports, selectors
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.org.models import Zone
from zonedesk.reports import sections

TITLE = "Reports: the status paragraph and the month's xlsx export"


def run(*, runs: int, sample: int, log) -> list[dict]:
    with translation.override("zh-hans"):  # the summary as officials read it
        return _run(runs=runs, log=log)


def _run(*, runs: int, log) -> list[dict]:
    # (a) The status paragraph of one synthetic zone (500 firms at full scale).
    zone = Zone.objects.filter(area__code__startswith=scale.PROVINCE[:2]).order_by("code").first()
    user = scale.zone_admin(zone)
    firms = Enterprise.objects.filter(zone=zone).count()
    period = Period.of(MonthlyFigure.objects.filter(enterprise__zone=zone).latest("period").period)
    scope = selectors.Scope.of_zone(zone)

    def paragraph():
        return sections.status.paragraph(selectors.status(user, scope, period).facts)

    status_times, text = timed(paragraph, runs)
    st = selectors.status(user, scope, period)
    words_times, _ = timed(lambda: sections.status.paragraph(st.facts), max(runs, 20))
    log(
        f"  status paragraph, zone {zone.code} ({firms} firms): {median(status_times) * 1000:.1f}"
        f" ms, of which the wording {median(words_times) * 1000:.2f} ms"
    )

    # (b) The month's export of the big zone (every synthetic firm's worth of firms).
    big = scale.big_zone(scale.exists())  # made by `bench` prepare; idempotent
    admin = scale.zone_admin(big)
    month = scale.big_zone_month(big).previous  # its latest stored month
    rss: list[float] = []

    def export():
        reset_peak_rss()
        cols, rows = imports.export_rows(admin, big, month)
        content = xlsx.write_workbook([(imports.sheet_name(), cols, rows)])
        rss.append(peak_rss_mib())
        return content

    export_times, content = timed(export, runs)
    export_rss = max(rss)
    cols, rows = imports.export_rows(admin, big, month)
    query_times, _ = timed(lambda: imports.export_rows(admin, big, month), runs)
    write_times, _ = timed(lambda: xlsx.write_workbook([(imports.sheet_name(), cols, rows)]), runs)
    log(
        f"  export of {len(rows):,} rows: {median(export_times):.2f} s (rows read "
        f"{median(query_times):.2f} s, workbook {median(write_times):.2f} s), "
        f"peak RSS {export_rss:.0f} MiB, {len(content) / 2**20:.1f} MiB"
    )

    # The limit: xlsxwriter in constant-memory mode writing the same cells, rows in memory,
    # each cell with its typed call; no formats, no comments.
    def limit_write():
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
        sheet = book.add_worksheet("sheet")
        for c, col in enumerate(cols):
            sheet.write_string(0, c, col.header)
        write_string, write_number = sheet.write_string, sheet.write_number
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, int | float | Decimal):
                    write_number(r, c, value)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value)
                else:
                    write_string(r, c, value)
        book.close()
        return buffer.getvalue()

    rss.clear()

    def limit_measured():
        reset_peak_rss()
        out = limit_write()
        rss.append(peak_rss_mib())
        return out

    limit_times, _ = timed(limit_measured, runs)
    limit_rss = max(rss)
    limit = median(limit_times)
    log(f"  limit (xlsxwriter, rows in memory): {limit:.2f} s, peak RSS {limit_rss:.0f} MiB")

    cells = len(rows) * len(cols)
    return [
        row(
            "status paragraph (selectors.status + sections.status.paragraph)",
            status_times,
            note=f"zone {zone.code}, {firms} firms, {period}; {len(text)} characters",
        ),
        row(
            "status paragraph, the wording alone (sections.status.paragraph)",
            words_times,
            note="on a Status already computed",
        ),
        row(
            "month's xlsx export (export_rows + write_workbook)",
            export_times,
            note=f"{len(rows):,} rows x {len(cols)} columns ({cells:,} cells) of the big zone, "
            f"{month}; phases: rows read {median(query_times):.2f} s, workbook written "
            f"{median(write_times):.2f} s; peak RSS of the process during the export "
            f"{export_rss:.0f} MiB (the limit's {limit_rss:.0f} MiB); "
            f"{len(content) / 2**20:.1f} MiB file",
            limit=limit,
        ),
        row(
            "limit: xlsxwriter constant-memory, the same cells from rows in memory",
            limit_times,
            note="typed write calls, header without formats or comments",
        ),
    ]
