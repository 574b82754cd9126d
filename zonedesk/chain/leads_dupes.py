"""When two leads are the same company (pure: no Django).

Two leads are duplicates when both have a unified social credit code and the codes are equal, or
when their normalised names are equal or similar enough. A name is normalised by
- folding full-width forms to ASCII and upper case to lower case (NFKC, casefold),
- removing every bracketed part ("(中国)", "（深圳）") and all spaces and punctuation,
- removing the legal-form words 股份有限公司, 有限责任公司, 有限公司, 股份, 集团, 公司 (and the
  English "co", "ltd", "limited", "group", "inc");
and two normalised names are similar when difflib's SequenceMatcher ratio is at least
SIMILAR (0.85): "比亚迪股份有限公司" and "比亚迪（中国）集团" both normalise to "比亚迪"; "华为技术" and
"华为技术有限公司" are equal; "宁德时代新能源" vs "宁德时代新能源科技" has a ratio of 0.875.
Two different codes are never duplicates, whatever the names (two firms of one group).
"""

import re
import unicodedata
from difflib import SequenceMatcher

SIMILAR = 0.85

_BRACKETED = re.compile(r"[(\[（【〔][^)\]）】〕]*[)\]）】〕]")
_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "股份", "集团", "公司")
_ENGLISH_FORMS = re.compile(r"\b(?:co|ltd|limited|group|inc|corp|corporation)\b")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(name: str) -> str:
    """The name as duplicates are compared (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = _BRACKETED.sub("", text)
    text = _ENGLISH_FORMS.sub("", text)
    text = _NOT_WORD.sub("", text)
    for form in _FORMS:
        text = text.replace(form, "")
    return text


def ratio(a: str, b: str) -> float:
    """The similarity of two names once normalised (1.0: the same)."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    return SequenceMatcher(None, na, nb).ratio()


def same_company(name_a: str, code_a: str, name_b: str, code_b: str) -> str | None:
    """Why two leads are the same company ("code" or "name"), or None."""
    if code_a and code_b:
        return "code" if code_a == code_b else None
    return "name" if ratio(name_a, name_b) >= SIMILAR else None
