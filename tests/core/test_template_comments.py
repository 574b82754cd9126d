"""Django's `{# … #}` comment ends on its own line: one spread over several lines is not a
comment, and its text appears on every page that includes it (it happened once, in base.html).
Longer notes use {% comment %}."""

from pathlib import Path

import zonedesk

ROOT = Path(zonedesk.__file__).parent


def open_comments(text: str) -> list[int]:
    """The numbers of the lines that open `{#` without closing it on the same line."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        rest = line
        while "{#" in rest:
            rest = rest[rest.index("{#") + 2 :]
            if "#}" not in rest:
                found.append(number)
                break
            rest = rest[rest.index("#}") + 2 :]
    return found


def test_the_check_finds_a_comment_spread_over_lines():
    assert open_comments("a {# one #} b\n{# two\nlines #}\n") == [2]
    assert open_comments("{# x #}{# y #}") == []


def test_no_template_spreads_a_short_comment_over_lines():
    templates = sorted(p for p in ROOT.rglob("*.html") if "static" not in p.parts)
    assert len(templates) > 50  # the whole tree was read
    bad = {
        str(p.relative_to(ROOT)): lines
        for p in templates
        if (lines := open_comments(p.read_text(encoding="utf-8")))
    }
    assert bad == {}
