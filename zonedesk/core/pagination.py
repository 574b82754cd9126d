from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page numbers with bounds: an absurd page must not become an out-of-range SQL OFFSET."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=500)


class LazyPage:
    """A queryset the paginator slices, serialised only for the page it keeps: `out` turns one
    row into the response's dict."""

    def __init__(self, qs, out):
        self.qs, self.out = qs, out

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return [self.out(row) for row in self.qs[item]]
