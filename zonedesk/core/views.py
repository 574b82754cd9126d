"""What every app's pages share."""

from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.http import Http404, HttpResponse

from zonedesk.core import audit, xlsx

T = TypeVar("T")


class OutOfScope(Http404):
    """A record the acting user's selector did not find: outside their scope, or absent. The
    request is answered 404 like any other and recorded as refused in the audit log
    (core.middleware.RequestContextMiddleware)."""


def found(record: T | None) -> T:
    """What a selector found for the page, else 404: a record outside the user's scope is not
    found, rather than forbidden, so that a page does not tell which records exist."""
    if record is None:
        raise OutOfScope
    return record


def export_response(
    request, sheets: Iterable[tuple[str, Sequence, Iterable]], filename: str, *, what: str
) -> HttpResponse:
    """A spreadsheet export of zone data (firms and their contacts, figures, problems): the
    workbook, and an "export" entry in the audit log naming what, how many rows and the
    filters (the query string)."""
    rows = 0

    def counted(data):
        nonlocal rows
        for row in data:
            rows += 1
            yield row

    content = xlsx.write_workbook((name, cols, counted(data)) for name, cols, data in sheets)
    audit.exported(request.user, what=what, rows=rows, query=request.GET.urlencode())
    return xlsx.xlsx_response(content, filename)
