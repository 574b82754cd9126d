"""The syntax tree: frozen nodes that remember the span of rule text they came from."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    position: int = field(compare=False, kw_only=True)
    end: int = field(compare=False, kw_only=True)


@dataclass(frozen=True)
class Number(Node):
    value: float
    percent: bool = field(default=False, compare=False, kw_only=True)  # written as 30%


@dataclass(frozen=True)
class Text(Node):
    value: str


@dataclass(frozen=True)
class Bool(Node):
    value: bool


@dataclass(frozen=True)
class Fact(Node):
    name: str  # the registry's name, however it was written
    written: str = field(default="", compare=False, kw_only=True)  # as written (e.g. Chinese)

    @property
    def as_written(self) -> str:
        return self.written or self.name


@dataclass(frozen=True)
class ListOf(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Neg(Node):
    operand: Node


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Arith(Node):
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    op: str  # == != < <= > >=
    left: Node
    right: Node


@dataclass(frozen=True)
class In(Node):
    operand: Node
    options: ListOf
    negated: bool = False


@dataclass(frozen=True)
class Logic(Node):
    op: str  # and / or
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


class _NotApplicable:
    """The value of a fact that cannot exist for a firm (last year's output of a firm that
    started producing this year): unknown, and never to become known."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_APPLICABLE"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return (_NotApplicable, ())


NOT_APPLICABLE = _NotApplicable()

FUNCTIONS = {"min": (2, 8), "max": (2, 8), "abs": (1, 1), "round": (1, 2), "if": (3, 3)}
# The functions' Chinese names.
FUNCTION_NAMES = {
    "较小值": "min",
    "较大值": "max",
    "绝对值": "abs",
    "四舍五入": "round",
    "如果": "if",
}


def facts_used(tree: Node) -> set[str]:
    """The names of the facts a tree reads."""
    out = set()

    def walk(node):
        if isinstance(node, Fact):
            out.add(node.name)
        for value in vars(node).values():
            if isinstance(value, Node):
                walk(value)
            elif isinstance(value, tuple):
                for v in value:
                    if isinstance(v, Node):
                        walk(v)

    walk(tree)
    return out
