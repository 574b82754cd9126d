"""Rules in Chinese: the facts' Chinese names and 且/或/非 parse to the same tree as the English
spelling; errors name the unknown word and its position in both languages; and a rule reads as
a sentence, never as code (issue 17, item 6)."""

import pytest

from zonedesk.policies import facts, rules
from zonedesk.policies.rules import RuleError, Term, Type

# The pure package on its own little registry.
TYPES = {"employees": Type.NUMBER, "days_halted_ytd": Type.NUMBER, "size_class": Type.TEXT}
NAMES = {"从业人数": "employees", "本年累计停产天数": "days_halted_ytd", "企业规模": "size_class"}
VOCABULARY = {
    "employees": Term("从业人数", "employees", "人"),
    "days_halted_ytd": Term("本年累计停产天数", "days halted, year to date", "天"),
    "size_class": Term("企业规模", "size class", "", {"small": ("小型", "small")}),
}


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("从业人数 >= 100 且 本年累计停产天数 >= 45", "employees >= 100 and days_halted_ytd >= 45"),
        # No spaces: a keyword ends the name before it.
        ("从业人数>=100且本年累计停产天数>=45", "employees >= 100 and days_halted_ytd >= 45"),
        ("从业人数 ≥ 100 并且 本年累计停产天数 ＞ 45", "employees >= 100 and days_halted_ytd > 45"),
        ("从业人数 < 10 或 非 本年累计停产天数 < 45", "employees < 10 or not days_halted_ytd < 45"),
        ("从业人数 < 10 或者 本年累计停产天数 > 45", "employees < 10 or days_halted_ytd > 45"),
        ('企业规模 属于 ["small"]', 'size_class in ["small"]'),
        ('企业规模 不属于 ["small"]', 'size_class not in ["small"]'),
        ("较小值(从业人数 × 0.5, 50) ÷ 2", "min(employees * 0.5, 50) / 2"),
        # English and Chinese mixed in one rule.
        ("employees >= 100 且 本年累计停产天数 >= 45", "从业人数 >= 100 and days_halted_ytd >= 45"),
    ],
)
def test_chinese_and_english_spellings_parse_to_the_same_tree(chinese, english):
    assert rules.parse(chinese, NAMES) == rules.parse(english, NAMES)
    result = Type.NUMBER if "较小值" in chinese else Type.BOOL
    assert rules.compile_rule(chinese, TYPES, result=result, names=NAMES) == rules.compile_rule(
        english, TYPES, result=result, names=NAMES
    )


def test_chinese_and_english_rules_decide_alike():
    firm = {"employees": 120.0, "days_halted_ytd": 46.0, "size_class": "small"}
    for source in (
        "从业人数 >= 100 且 本年累计停产天数 >= 45",
        "employees >= 100 and days_halted_ytd >= 45",
    ):
        assert rules.explain(rules.parse(source, NAMES), firm, source).value is True
    firm["days_halted_ytd"] = 44.0
    assert (
        rules.explain(rules.parse("从业人数>=100且本年累计停产天数>=45", NAMES), firm).value
        is False
    )


@pytest.mark.parametrize(
    ("source", "zh", "en"),
    [
        (
            "从业人口 >= 100",
            "第 1 个字符处：未知的指标“从业人口”，是否指 从业人数？",
            "at character 1: unknown fact “从业人口”; did you mean 从业人数?",
        ),
        (
            "从业人数 >= 100 且 停产日子 >= 45",
            "第 15 个字符处：未知的指标“停产日子”",
            "at character 15: unknown fact “停产日子”",
        ),
        (
            "employes >= 100",
            "第 1 个字符处：未知的指标“employes”，是否指 employees？",
            "at character 1: unknown fact “employes”; did you mean employees?",
        ),
        (
            "从业人数 >= 100 且",
            "第 14 个字符处：规则不完整：此处应为一个值",
            "at character 14: the rule ends too early: expected a value",
        ),
        (
            "从业人数 且 本年累计停产天数 >= 45",
            "第 1 个字符处：且/或/非（and/or/not）的对象应为是/否，实为数值",
            "at character 1: an operand of and/or/not must be true/false, not a number",
        ),
    ],
)
def test_errors_name_the_word_and_its_position_in_both_languages(source, zh, en):
    with pytest.raises(RuleError) as caught:
        rules.compile_rule(source, TYPES, result=Type.BOOL, names=NAMES)
    assert caught.value.message("zh-hans") == zh
    assert caught.value.message("en") == en


def test_a_share_literal_error_quotes_the_fact_as_written():
    with pytest.raises(RuleError) as caught:
        facts.compile_rule("出口占比 >= 20", result=Type.BOOL)
    assert caught.value.message("zh") == "第 9 个字符处：出口占比 是比率，请写成百分数，例如 20%"


@pytest.mark.parametrize(
    ("source", "zh", "en"),
    [
        (
            "days_halted_ytd >= 45",
            "本年累计停产天数不少于 45 天",
            "days halted, year to date: at least 45 days",
        ),
        (
            "45 <= 本年累计停产天数",
            "本年累计停产天数不少于 45 天",
            "days halted, year to date: at least 45 days",
        ),
        (
            "从业人数 >= 100 且 本年累计停产天数 > 45",
            "从业人数不少于 100 人，且本年累计停产天数多于 45 天",
            "employees: at least 100 people; and days halted, year to date: more than 45 days",
        ),
        ('size_class == "small"', "企业规模为小型", "size class is small"),
        (
            '从业人数 < 10 或 (企业规模 不属于 ["small"] 且 从业人数 <= 1000)',
            "从业人数少于 10 人，或（企业规模不为小型，且从业人数不超过 1,000 人）",
            "employees: less than 10 people; or (size class is none of small; and employees: at most 1,000 people)",
        ),
    ],
)
def test_a_rule_reads_as_a_sentence(source, zh, en):
    tree = rules.parse(source, NAMES)
    assert rules.describe(tree, VOCABULARY, "zh-hans") == zh
    assert rules.describe(tree, VOCABULARY, "en") == en


def test_the_registry_names_every_fact_in_chinese_without_a_keyword_in_a_name():
    assert set(facts.NAMES.values()) == set(facts.FACTS)
    for name in facts.NAMES:
        assert rules.parse(f"{name} == 1", facts.NAMES).left.name == facts.NAMES[name]
        assert not any(k in name for k in rules.tokens.CHINESE_KEYWORDS)
        assert not any(name in f for f in facts.FACTS)  # never an English name


def test_the_registry_sentences_use_units_and_shares():
    assert facts.sentence("revenue_ytd_yoy <= -30% and export_share >= 20%") == (
        "累计营收同比不高于 -30%，且本年出口交货值占营收比重不低于 20%"
    )
    assert facts.sentence("output_ytd_wan > 500", "en") == (
        "output value, year to date: more than 500 10k yuan"
    )
    assert facts.sentence("规上企业 且 非 本年新投产") == "是规模以上企业，且不是本年新投产"
    assert facts.sentence("min(0.1 * output_ytd_wan, 50)", condition=False) == (
        "0.1 × 本年累计产值、50 中的较小者"
    )
