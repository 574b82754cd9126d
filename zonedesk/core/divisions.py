"""Administrative division codes (中华人民共和国行政区划代码), GB/T 2260, historic codes included.

Six digits: province (2), prefecture-level city (2), county (2). A code is never given back
to another area once withdrawn, and records keep the code of their time: a credit code
(GB 32100-2015, positions 3-8) carries the registration authority's code when the code was
assigned, so a firm registered at 长岛县 (370634, withdrawn 2020) keeps it. Every code that was
ever in force is therefore valid input; `Division.last_year` says whether it still is.

The list lives in data/gbt2260.csv, built from the published editions by
`zonedesk refresh_gbt2260` (core/divisions_refresh.py; source, version and licence in
docs/decisions.md). Nothing is fetched at run time. The set of codes is a frozenset loaded once
per process, so a check is one hash look-up.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DATA_FILE = Path(__file__).parent / "data" / "gbt2260.csv"
COLUMNS = ("code", "name", "first_year", "last_year", "former_names", "source")


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str  # the latest name under this code
    first_year: int  # the first year the code was in force
    last_year: int | None  # the last year it was in force; None while it still is
    former_names: tuple[str, ...]
    source: str  # gbt2260 | nbs | mca (docs/decisions.md)

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return "province"
        return "city" if self.code.endswith("00") else "county"

    @property
    def in_force(self) -> bool:
        return self.last_year is None


def parse_row(row: dict[str, str]) -> Division:
    return Division(
        code=row["code"],
        name=row["name"],
        first_year=int(row["first_year"]),
        last_year=int(row["last_year"]) if row["last_year"] else None,
        former_names=tuple(n for n in row["former_names"].split("|") if n),
        source=row["source"],
    )


@cache
def table() -> dict[str, Division]:
    """Every code ever in force, by code."""
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: parse_row(row) for row in csv.DictReader(fh)}


@cache
def codes() -> frozenset[str]:
    """The codes alone, read without building the rows (the check needs nothing else)."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        next(fh)
        return frozenset(line[:6] for line in fh)


def is_known(code: str) -> bool:
    """Whether `code` is a GB/T 2260 code that is or was in force."""
    return code in codes()


def get(code: str) -> Division | None:
    return table().get(code)


def unknown_code_message(code: str) -> str:
    """What is wrong with a well-formed six-digit code missing from the list."""
    return _(
        "“%(code)s” is not a valid administrative division code (GB/T 2260, current or historic)."
    ) % {"code": code}


def validate_code(value: str) -> None:
    """Django validator for a division code field; the six-digit shape is checked apart."""
    if isinstance(value, str) and len(value) == 6 and value.isdigit() and not is_known(value):
        raise ValidationError(unknown_code_message(value), code="unknown_division_code")
