"""The paragraphs zonedesk writes are the same as before reports owned the prose: every status
paragraph, recovery sentence and difficulties paragraph of the demo, in Chinese and English,
as the `report` and `recovery` commands, the pages and the API give them, equals the golden
file written by the code before the move (tests/reports/golden_sections.json)."""

import ast
import json
import os
import subprocess
from pathlib import Path

import pytest

import zonedesk

GOLDEN = Path(__file__).with_name("golden_sections.json")
HOW = (
    "ZONEDESK_WRITE_GOLDEN=1 python -m pytest tests/reports/test_sections.py "
    "-k demo_paragraphs (renders through tests/reports/conftest.py:render_all)"
)


def test_the_demo_paragraphs_are_those_of_the_golden_file(rendered):
    if os.environ.get("ZONEDESK_WRITE_GOLDEN"):
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607 - only when rewriting the file
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        header = {"generated_by": HOW, "commit": commit, "paragraphs": len(rendered)}
        GOLDEN.write_text(
            json.dumps({"header": header, "paragraphs": rendered}, ensure_ascii=False, indent=1)
            + "\n",
            encoding="utf-8",
        )
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["paragraphs"]
    assert rendered.keys() == golden.keys()
    differ = [key for key in golden if rendered[key] != golden[key]]
    if differ:  # every differing paragraph in full, golden above rendered
        pytest.fail(
            f"{len(differ)} paragraphs differ from the golden file:\n"
            + "\n".join(f"{key}\n- {golden[key]}\n+ {rendered[key]}" for key in differ)
        )


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_sections_read_plain_data_and_no_domain_module_imports_them():
    """A section imports no models, services or selectors; models, services, selectors and
    access of the domain apps never import reports (only their interfaces may)."""
    package = Path(zonedesk.__file__).parent
    for module in (package / "reports" / "sections").glob("*.py"):
        touched = {
            name
            for name in _imports(module)
            if name.startswith("zonedesk.")
            and name.split(".")[-1] in {"models", "services", "selectors", "access"}
        }
        assert touched == set(), module.name
    domain = [
        path
        for app in ("core", "org", "enterprises", "monitoring", "casework", "policies")
        for name in ("models", "services", "selectors", "access", "facts", "difficulties")
        for path in [*(package / app).glob(f"{name}*.py"), *(package / app / name).rglob("*.py")]
    ]
    assert len(domain) >= 15
    for path in domain:
        assert not any(n.startswith("zonedesk.reports") for n in _imports(path)), path
