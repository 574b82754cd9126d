"""The eligibility rule language: parse, check, explain for one firm, evaluate for all firms.

Pure Python and NumPy, no Django: a rule is text such as

    industry_section == "C" and employees >= 20 and revenue_ytd_yoy <= -30%
    min(0.5 * interest_paid_wan, 50)

parsed into a small syntax tree and checked against the registry of facts before it is
stored. Nothing but the tree is ever evaluated: there is no eval, no attribute access, no
call except the whitelisted functions.

Grammar (lowest precedence first):
    expr     := and_expr ("or" and_expr)*
    and_expr := not_expr ("and" not_expr)*
    not_expr := "not" not_expr | compare
    compare  := arith [(== | != | < | <= | > | >= ) arith | ["not"] "in" list]
    arith    := term (("+" | "-") term)*
    term     := unary (("*" | "/") unary)*
    unary    := "-" unary | primary
    primary  := number ["%"] | string | true | false | name | name "(" args ")"
              | "(" expr ")" | list
    list     := "[" [expr ("," expr)*] "]"
≥ ≤ ≠ × ÷, full-width operators and Chinese quotes “…” are accepted too, and so are Chinese words:
且/并且 (and), 或/或者 (or), 非 (not), 属于 (in), 不属于 (not in), the functions' Chinese names
(较小值 较大值 绝对值 四舍五入 如果) and, given `names` (facts.NAMES), the facts' Chinese names:

    从业人数 >= 100 且 本年累计停产天数 >= 45

parses to the same tree as `employees >= 100 and days_halted_ytd >= 45`. Numbers are IEEE floats in both evaluators
(the same operations in the same order, so they agree to the bit); amounts are rounded to
Decimal cents by the caller.

Three-valued logic: a missing fact is *unknown* (None). Comparisons and arithmetic with an
unknown are unknown; "and" is false if any side is false, "or" true if any side is true,
otherwise unknown; a division by zero is unknown. A firm whose rule comes out unknown is
"undetermined", with the missing facts named.

A fact can also be NOT_APPLICABLE: a figure that cannot exist for the firm (last year's output
of a firm that started producing this year). It is unknown and stays so; each unknown value
carries whether it may still turn out true or false once the missing facts arrive. A rule
that is unknown and may never turn out true is "not applicable" to the firm (a definite
outcome, not "may qualify"): `price_yoy <= -30%` for a firm with no base year, and also
`price_yoy <= -30% and employees >= 20` with employees missing; but `price_yoy <= -30% or
employees >= 20` stays undetermined while employees are missing.

The package follows the pipeline: `tokens` -> `parser` (to the tree of `nodes`) -> `checker` (against
the facts, before storing) -> `explain` (one firm) or `evaluate` (every firm at once), and `words`
turns a tree into the sentence people read (never the code); the two
evaluators are held together by the property test in tests/policies/test_rules.py.
"""

from zonedesk.policies.rules.checker import check, compile_rule
from zonedesk.policies.rules.errors import (
    MAX_DEPTH,
    MAX_LENGTH,
    MESSAGES,
    TYPE_NAMES,
    WHAT,
    RuleError,
    Type,
)
from zonedesk.policies.rules.evaluate import Column, evaluate
from zonedesk.policies.rules.explain import Condition, Explanation, explain
from zonedesk.policies.rules.nodes import FUNCTIONS, NOT_APPLICABLE, Node, facts_used
from zonedesk.policies.rules.parser import parse
from zonedesk.policies.rules.tokens import Token, tokenize
from zonedesk.policies.rules.words import Term, describe

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MESSAGES",
    "NOT_APPLICABLE",
    "TYPE_NAMES",
    "WHAT",
    "Column",
    "Condition",
    "Explanation",
    "Node",
    "RuleError",
    "Term",
    "Token",
    "Type",
    "check",
    "compile_rule",
    "describe",
    "evaluate",
    "explain",
    "facts_used",
    "parse",
    "tokenize",
]
