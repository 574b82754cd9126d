"""Industry classification of the national economy (国民经济行业分类), GB/T 4754-2017.

Codes are kept as the standard writes them: a section is a letter (A-T), a division
two digits, a group three, a class four. A firm's code is stored as digits (division,
group or class); "C3011" is accepted on input and normalised to "3011" when the letter
matches the code's section. The table lives in data/gbt4754_2017.csv (no package ships it).
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

DATA_FILE = Path(__file__).parent / "data" / "gbt4754_2017.csv"
LEVELS = ("section", "division", "group", "class")


@dataclass(frozen=True, slots=True)
class Industry:
    code: str
    level: str
    parent: str
    name_zh: str
    name_en: str

    @property
    def section(self) -> str:
        return self.code if self.level == "section" else division_section()[self.code[:2]]

    @property
    def display_code(self) -> str:
        """The code as officials write it, with its section letter: C3011."""
        return self.code if self.level == "section" else f"{self.section}{self.code}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "zh-hans").startswith("en") else self.name_zh

    def __str__(self) -> str:
        return f"{self.display_code} {self.name}"


@cache
def table() -> dict[str, Industry]:
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: Industry(**row) for row in csv.DictReader(fh)}


@cache
def division_section() -> dict[str, str]:
    return {i.code: i.parent for i in table().values() if i.level == "division"}


def by_level(level: str) -> list[Industry]:
    return [i for i in table().values() if i.level == level]


def normalise(value: str) -> str:
    """Strip spaces and a leading section letter ("C3011" -> "3011"); upper-case a section."""
    code = "".join(str(value).split()).upper()
    if len(code) > 1 and code[0].isalpha() and code[1:].isdigit():
        return code[1:] if division_section().get(code[1:3]) == code[0] else code
    return code


def problems(value: str) -> list[str]:
    """Why `value` is not a firm's industry code; empty when it is one."""
    raw = "".join(str(value).split()).upper()
    code = normalise(raw)
    if code[:1].isalpha() and len(code) > 1 and code[1:].isdigit():
        section = division_section().get(code[1:3])
        if section is None:
            return [_("“%(code)s” is not a GB/T 4754-2017 industry code.") % {"code": raw}]
        return [
            _("Division %(div)s belongs to section %(right)s, not %(wrong)s.")
            % {"div": code[1:3], "right": section, "wrong": code[0]}
        ]
    if not code.isdigit() or len(code) not in (2, 3, 4):
        return [
            _(
                "“%(code)s” is not an industry code: give a GB/T 4754-2017 division, group "
                "or class code of 2 to 4 digits, e.g. 13, 131 or C1311."
            )
            % {"code": raw}
        ]
    if code not in table():
        return [_("“%(code)s” is not a GB/T 4754-2017 industry code.") % {"code": raw}]
    return []


def validate_industry_code(value: str) -> None:
    msgs = problems(value)
    if msgs:
        raise ValidationError([ValidationError(m, code="invalid_industry_code") for m in msgs])


def get(code: str) -> Industry | None:
    return table().get(normalise(code))
