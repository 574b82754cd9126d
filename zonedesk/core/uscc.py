"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from the 31-character set 0-9 and A-Z without I, O, S, V, Z:
1 registration department, 2 organisation category, 3-8 administrative division
(GB/T 2260, digits), 9-17 organisation code (GB 11714), 18 check character.
The check character makes sum(value(c_i) * 3^(i-1) mod 31) + value(c_18) ≡ 0 (mod 31).
Registration departments may use letters (e.g. A 中央军委改革和编制办公室, N 农业,
Y 其他), so unlike python-stdnum positions 1-2 accept the whole character set.
Positions 3-8 must be a GB/T 2260 code that is or was in force (core/divisions.py): the code
of the registration authority when the credit code was assigned, which it keeps.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zonedesk.core import divisions

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18


def normalise(value: str) -> str:
    """Upper-case and drop spaces and dashes people paste in."""
    return "".join(str(value).split()).replace("-", "").upper()


def check_character(first17: str) -> str:
    """The check character for the first 17 characters."""
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problems(code: str) -> list[str]:
    """What is wrong with `code` (already normalised), in the active language; empty when valid."""
    if len(code) != LENGTH:
        return [
            _("A unified social credit code has 18 characters; this one has %(n)d.")
            % {"n": len(code)}
        ]
    found = []
    for pos, char in enumerate(code, start=1):
        if char not in VALUES:
            found.append(
                _(
                    "Character %(pos)d, “%(char)s”, is not allowed: only 0-9 and "
                    "A-Z without I, O, S, V, Z."
                )
                % {"pos": pos, "char": char}
            )
    if found:
        return found
    if not code[2:8].isdigit():
        found.append(
            _("Characters 3-8, “%(part)s”, must be a six-digit administrative division code.")
            % {"part": code[2:8]}
        )
    elif not divisions.is_known(code[2:8]):
        found.append(
            _(
                "Characters 3-8 of the unified social credit code, “%(part)s”, are not a valid "
                "administrative division code (GB/T 2260, current or historic)."
            )
            % {"part": code[2:8]}
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        found.append(
            _("The check character (18th) should be “%(expected)s”, not “%(actual)s”.")
            % {"expected": expected, "actual": code[17]}
        )
    return found


def validate_credit_code(value: str) -> None:
    """Django validator: raise ValidationError naming what is wrong."""
    msgs = problems(normalise(value))
    if msgs:
        raise ValidationError([ValidationError(m, code="invalid_credit_code") for m in msgs])


def is_valid(value: str) -> bool:
    return not problems(normalise(value))
