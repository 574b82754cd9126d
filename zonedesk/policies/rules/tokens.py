"""Rule text to tokens: operators (with ≥ ≤ ≠ × ÷ and full-width aliases), numbers, quoted text,
names (English, or Chinese: a run of Chinese characters) and keywords in either language.

A keyword token carries its English spelling as its value: 且/并且 is "and", 或/或者 "or", 非 "not",
属于 "in" and 不属于 "not" then "in", so the parser sees one language. Chinese is written without
spaces, so a Chinese keyword ends the name before it: `从业人数>=100且本年停产天数>=45` reads as
the rule with spaces. (No fact name contains a keyword's characters: facts.py holds that.)
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from zonedesk.policies.rules.errors import MAX_LENGTH, RuleError

KEYWORDS = {"and", "or", "not", "in", "true", "false"}
# Chinese keywords, longest first (the tokenizer takes the longest at each character).
CHINESE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "不属于": ("not", "in"),
    "并且": ("and",),
    "或者": ("or",),
    "属于": ("in",),
    "且": ("and",),
    "或": ("or",),
    "非": ("not",),
}
TWO_CHAR = {"==", "!=", "<=", ">="}
ONE_CHAR = set("<>+-*/()[],%")
ALIASES = {
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "（": "(",
    "）": ")",
    "，": ",",
    "×": "*",
    "÷": "/",
    "＞": ">",
    "＜": "<",
    "＋": "+",
    "－": "-",
    "＊": "*",
    "／": "/",
    "％": "%",
    "［": "[",
    "］": "]",
}
QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, name, op, keyword, end
    text: str  # as written
    position: int
    value: object = None  # a number's Decimal, a string's text, a keyword's English spelling


def _chinese(ch: str) -> bool:
    """A character of a Chinese name: a letter outside ASCII (CJK ideographs are letters)."""
    return not ch.isascii() and ch.isalpha()


def _chinese_keyword(source: str, i: int) -> str | None:
    for word in CHINESE_KEYWORDS:
        if source.startswith(word, i):
            return word
    return None


def tokenize(source: str) -> list[Token]:
    if len(source) > MAX_LENGTH:
        raise RuleError("too_long", MAX_LENGTH, max=MAX_LENGTH)
    tokens, i, n = [], 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
            continue
        if ch in ALIASES:
            tokens.append(Token("op", ALIASES[ch], i))
            i += 1
        elif source[i : i + 2] in TWO_CHAR:
            tokens.append(Token("op", source[i : i + 2], i))
            i += 2
        elif ch in ONE_CHAR:
            tokens.append(Token("op", ch, i))
            i += 1
        elif ch in QUOTES:
            end = source.find(QUOTES[ch], i + 1)
            if end < 0:
                raise RuleError("unterminated", i)
            tokens.append(Token("string", source[i : end + 1], i, source[i + 1 : end]))
            i = end + 1
        elif ch.isascii() and (ch.isdigit() or (ch == "." and source[i + 1 : i + 2].isdigit())):
            j = i
            while j < n and source[j].isascii() and (source[j].isdigit() or source[j] in "._"):
                j += 1
            text = source[i:j].replace("_", "")
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise RuleError("bad_number", i, text=source[i:j]) from None
            if text.count(".") > 1 or not value.is_finite():
                raise RuleError("bad_number", i, text=source[i:j])
            tokens.append(Token("number", source[i:j], i, value))
            i = j
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            j = i
            while j < n and source[j].isascii() and (source[j].isalnum() or source[j] == "_"):
                j += 1
            word = source[i:j]
            if word.lower() in KEYWORDS:
                tokens.append(Token("keyword", word, i, word.lower()))
            else:
                tokens.append(Token("name", word, i))
            i = j
        elif _chinese(ch):
            keyword = _chinese_keyword(source, i)
            if keyword is not None:
                meanings = CHINESE_KEYWORDS[keyword]
                if len(meanings) == 2:  # 不属于: "not" on 不, "in" on 属于
                    tokens.append(Token("keyword", keyword[0], i, meanings[0]))
                    tokens.append(Token("keyword", keyword[1:], i + 1, meanings[1]))
                else:
                    tokens.append(Token("keyword", keyword, i, meanings[0]))
                i += len(keyword)
                continue
            j = i
            while j < n and _chinese(source[j]) and _chinese_keyword(source, j) is None:
                j += 1
            tokens.append(Token("name", source[i:j], i))
            i = j
        elif ch == "=":
            raise RuleError("single_equals", i)
        else:
            raise RuleError("unexpected_char", i, char=ch)
    tokens.append(Token("end", "", n))
    return tokens
