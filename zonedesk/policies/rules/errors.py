"""The rule language's value types and its errors, with zh/en messages that point at a character."""

from enum import StrEnum


class Type(StrEnum):
    NUMBER = "number"
    TEXT = "text"
    BOOL = "bool"


TYPE_NAMES = {
    Type.NUMBER: ("数值", "a number"),
    Type.TEXT: ("文本", "text"),
    Type.BOOL: ("是/否", "true/false"),
}

MESSAGES = {
    # code: (Chinese, English)
    "unexpected_char": ("无法识别的字符“{char}”", "unexpected character “{char}”"),
    "single_equals": ("比较相等请用“==”", "use “==” to compare"),
    "unterminated": ("字符串缺少结束引号", "the text is missing its closing quote"),
    "bad_number": ("“{text}”不是有效的数字", "“{text}” is not a valid number"),
    "expected": ("此处应为{what}", "expected {what} here"),
    "unexpected_end": ("规则不完整：此处应为{what}", "the rule ends too early: expected {what}"),
    "trailing": ("多余的内容“{text}”", "unexpected “{text}” after the end of the rule"),
    "unknown_fact": ("未知的指标“{name}”{hint}", "unknown fact “{name}”{hint}"),
    "unknown_function": (
        "不支持的函数“{name}”（可用：{allowed}）",
        "unknown function “{name}” (allowed: {allowed})",
    ),
    "arity": ("函数 {name} 需要{count}个参数", "function {name} takes {count} arguments"),
    "type": ("{what}应为{expected}，实为{actual}", "{what} must be {expected}, not {actual}"),
    "mixed_list": ("列表中的值类型应一致", "the values of a list must all be of one type"),
    "empty": ("规则为空", "the rule is empty"),
    "too_long": (
        "规则过长（最多 {max} 个字符）",
        "the rule is too long (at most {max} characters)",
    ),
    "too_deep": ("规则嵌套过深", "the rule is nested too deeply"),
    "share_literal": (
        "{name} 是比率，请写成百分数，例如 {example}",
        "{name} is a share or a change: write a percentage, e.g. {example}",
    ),
    "not_share": (
        "{name} 不是比率，不能与百分数比较",
        "{name} is not a share: it cannot be compared with a percentage",
    ),
    "not_a_choice": (
        "{name} 没有“{value}”这个值（可用：{allowed}）",
        "{name} has no value “{value}” (its values: {allowed})",
    ),
    "round_places": (
        "round 的第二个参数应为 0 到 6 的整数",
        "round's second argument must be a whole number from 0 to 6",
    ),
}
WHAT = {
    "value": ("一个值", "a value"),
    "close_paren": ("“)”", "“)”"),
    "close_bracket": ("“]”", "“]”"),
    "list": ('列表，例如 ["C", "D"]', 'a list, e.g. ["C", "D"]'),
    "condition": ("条件", "a condition"),
    "number_operand": ("运算的对象", "an operand of arithmetic"),
    "comparison": ("比较的两边", "both sides of a comparison"),
    "logic": ("且/或/非（and/or/not）的对象", "an operand of and/or/not"),
    "argument": ("函数参数", "a function argument"),
    "result": ("规则的结果", "the rule's result"),
}
MAX_LENGTH = 2000
MAX_DEPTH = 40


class RuleError(ValueError):
    """A rule that cannot be used, with the position (0-based character offset) it points at."""

    def __init__(self, code: str, position: int, **params):
        self.code, self.position, self.params = code, position, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        zh, en = MESSAGES[self.code]
        i = 0 if lang.startswith("zh") else 1
        params = {k: (v[i] if isinstance(v, tuple) else v) for k, v in self.params.items()}
        text = (zh if i == 0 else en).format(**params)
        where = (
            f"第 {self.position + 1} 个字符处："
            if i == 0
            else f"at character {self.position + 1}: "
        )
        return where + text

    def pointer(self, source: str) -> str:
        """The rule with a caret under the position, for monospaced display."""
        return f"{source}\n{' ' * self.position}^"
