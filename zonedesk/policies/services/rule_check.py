"""Rules checked against the fact registry: when a measure is written (held to the registry's
shares and codes) and when a stored version is compiled to decide (held to the types only)."""

from dataclasses import dataclass

from zonedesk.core.errors import ValidationFailed
from zonedesk.policies import facts, rules


def compile_rules(
    eligibility: str, benefit: str = "", *, authoring: bool = True
) -> tuple[rules.Node, rules.Node | None]:
    """Both rules checked against the fact registry; ValidationFailed names the field, the
    position and the reason (in the active language). A rule being written is also held to
    the registry's shares and codes (facts.compile_rule); a stored one only to the types, so a
    version saved before a check was added still decides."""
    from django.utils.translation import get_language

    lang = get_language() or "zh-hans"
    errors = {}
    trees = []
    for name, source, kind in (
        ("eligibility", eligibility, rules.Type.BOOL),
        ("benefit", benefit, rules.Type.NUMBER),
    ):
        if name == "benefit" and not source.strip():
            trees.append(None)
            continue
        try:
            trees.append(
                facts.compile_rule(source, result=kind)
                if authoring
                else rules.compile_rule(source, facts.TYPES, result=kind, names=facts.NAMES)
            )
        except rules.RuleError as exc:
            errors[name] = [exc.message(lang)]
            trees.append(None)
    if errors:
        raise ValidationFailed(errors)
    return trees[0], trees[1]


@dataclass(frozen=True)
class RuleProblem:
    field: str  # eligibility or benefit
    message: str  # with the position, in the given language
    line: str  # the line of the rule the position is on
    caret: int  # the position within that line

    @property
    def pad(self) -> str:
        """Spaces up to the caret, for a monospaced pointer under the line."""
        return " " * self.caret


def rule_problems(eligibility: str, benefit: str, lang: str) -> list[RuleProblem]:
    """What is wrong with a measure's rules, for the editor's live check (empty: both fine)."""
    problems = []
    for name, source, kind in (
        ("eligibility", eligibility, rules.Type.BOOL),
        ("benefit", benefit, rules.Type.NUMBER),
    ):
        if name == "benefit" and not source.strip():
            continue
        try:
            facts.compile_rule(source, result=kind)
        except rules.RuleError as exc:
            start = source.rfind("\n", 0, exc.position) + 1
            end = source.find("\n", exc.position)
            line = source[start : end if end >= 0 else len(source)]
            problems.append(RuleProblem(name, exc.message(lang), line, exc.position - start))
    return problems
