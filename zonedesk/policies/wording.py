"""What a firm or an official reads of a rule: sentences, never code.

A rule (`days_halted_ytd >= 45`, or `本年停产天数 >= 45`) is shown as the sentence facts.sentence
makes of it ("本年累计停产天数不少于 45 天"); a condition applied to one firm adds the firm's own
value ("本年累计停产天数不少于 45 天：贵企业为 46 天", or "该企业为" when an official reads it).
The wording comes in zh/en pairs beside the facts' own names (facts.FactDef), picked by the
active language, like the rule language's messages (rules.errors).
"""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zonedesk.core.templatetags.zd import count, pct, wan
from zonedesk.policies import facts, rules

WORDS = {
    # (zh, en)
    "firm_own": ("贵企业", "yours"),
    "firm_other": ("该企业", "the firm's"),
    "is": ("{sentence}：{who}为 {value}", "{sentence}: {who} is {value}"),
    "facts": ("{sentence}：{who}{values}", "{sentence}: {who}: {values}"),
    "one_fact": ("{label}为 {value}", "{label} {value}"),
    "meets": ("{sentence}：{who}符合", "{sentence}: {who} does"),
    "fails": ("{sentence}：{who}不符合", "{sentence}: {who} does not"),
    "separator": ("，", "; "),
}


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def _word(key: str) -> str:
    zh, en = WORDS[key]
    return zh if _zh() else en


def lang() -> str:
    return "zh" if _zh() else "en"


# Coded values of text facts, as people read them (facts.VALUE_WORDS, in the active language).
def fact_value(value, name: str) -> str:
    """A firm's value of a fact as people read it: 12.5% for a change, 1,234.00 万元 for money,
    是/否 for yes-no, “missing” when the firm has not reported it."""
    if value is None:
        return _("missing")
    if value is rules.NOT_APPLICABLE:
        return _("none (no base year)")
    definition = facts.FACTS.get(name)
    unit = definition.unit if definition else ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    coded = facts.VALUE_WORDS.get(name, {})
    if value in coded:
        return coded[value][0 if _zh() else 1]
    if unit == "%":
        return pct(value)
    if unit == "万元":
        return _("%(value)s (10k yuan)") % {"value": wan(value)}
    if unit == "人":
        return _("%(value)s people") % {"value": count(int(value))}
    if unit == "天":
        return _("%(value)s days") % {"value": count(int(value))}
    if isinstance(value, float) and value.is_integer():
        return count(int(value))
    return str(value)


def rule_text(source: str, *, condition: bool = True) -> str:
    """A stored rule (eligibility, or a benefit formula with condition=False) as a sentence."""
    return facts.sentence(source, lang(), condition=condition)


def condition_text(condition: rules.Condition, *, member: bool = False) -> str:
    """One condition as it applies to a firm: the sentence and the firm's own value(s);
    `member`: the firm itself reads it (贵企业), else an official (该企业)."""
    sentence = (
        facts.sentence(condition.node, lang()) if condition.node is not None else condition.text
    )
    who = _word("firm_own" if member else "firm_other")
    values = condition.values
    if not values:
        return sentence
    if len(values) == 1:
        name, value = next(iter(values.items()))
        if isinstance(value, bool) and condition.outcome is not None:
            return _word("meets" if condition.outcome else "fails").format(
                sentence=sentence, who=who
            )
        return _word("is").format(sentence=sentence, who=who, value=fact_value(value, name))
    parts = [
        _word("one_fact").format(
            label=facts.FACTS[name].short(lang()) if name in facts.FACTS else name,
            value=fact_value(value, name),
        )
        for name, value in values.items()
    ]
    return _word("facts").format(sentence=sentence, who=who, values=_word("separator").join(parts))
