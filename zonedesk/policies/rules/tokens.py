"""Rule text to tokens: operators (with ≥ ≤ ≠ and full-width aliases), numbers, quoted text, names."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from zonedesk.policies.rules.errors import MAX_LENGTH, RuleError

KEYWORDS = {"and", "or", "not", "in", "true", "false"}
TWO_CHAR = {"==", "!=", "<=", ">="}
ONE_CHAR = set("<>+-*/()[],%")
ALIASES = {"≥": ">=", "≤": "<=", "≠": "!=", "（": "(", "）": ")", "，": ","}
QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, name, op, keyword, end
    text: str
    position: int
    value: object = None


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
            tokens.append(Token("keyword" if word.lower() in KEYWORDS else "name", word, i))
            i = j
        elif ch == "=":
            raise RuleError("single_equals", i)
        else:
            raise RuleError("unexpected_char", i, char=ch)
    tokens.append(Token("end", "", n))
    return tokens
