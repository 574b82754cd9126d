"""What every app's pages share."""

from typing import TypeVar

from django.http import Http404

T = TypeVar("T")


def found(record: T | None) -> T:
    """What a selector found for the page, else 404: a record outside the user's scope is not
    found, rather than forbidden, so that a page does not tell which records exist."""
    if record is None:
        raise Http404
    return record
