"""The import rules of docs/architecture.md hold, and `make lint` fails on an import that breaks one.

`lint-imports` runs in a subprocess from a directory holding the package, `.importlinter` and the
project's own contract types, so it analyses that directory's copy of zonedesk; no database.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - the venv's own lint-imports, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree_copy(tmp_path) -> Path:
    """A throw-away copy of the package's Python modules with the contracts that `make lint` reads."""
    shutil.copytree(
        ROOT / "zonedesk",
        tmp_path / "zonedesk",
        ignore=shutil.ignore_patterns("static", "templates", "locale", "__pycache__", "data"),
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "__init__.py").touch()
    shutil.copy(ROOT / "tests" / "import_contracts.py", tmp_path / "tests")
    shutil.copy(ROOT / ".importlinter", tmp_path)
    return tmp_path


def test_the_tree_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


# One import per contract: (module written into the copy, its added source, the broken contract's
# name as lint-imports prints it, the import it reports).
BREAKING = [
    (
        "core/x.py",
        "import zonedesk.monitoring.selectors\n",
        "core imports no app BROKEN",
        "zonedesk.core.x -> zonedesk.monitoring.selectors",
    ),
    (
        "monitoring/x.py",
        "from zonedesk.policies import selectors\n",
        "<- reports <- api, demo) BROKEN",
        "zonedesk.monitoring.x -> zonedesk.policies.selectors",
    ),
    (
        "casework/x.py",
        "from zonedesk.monitoring import charts\n",
        "schemas, models and pure modules BROKEN",
        "zonedesk.casework.x -> zonedesk.monitoring.charts",
    ),
    (
        "casework/y.py",
        "from zonedesk.monitoring.models import MonthlyFigure\n",
        "(only the registry's models are shared) BROKEN",
        "zonedesk.casework.y -> zonedesk.monitoring.models",
    ),
    (
        "policies/flows.py",
        "from zonedesk.reports import sections\n",
        "(not even the sections) BROKEN",
        "zonedesk.policies.flows -> zonedesk.reports.sections",
    ),
    (
        "monitoring/recovery.py",
        "from django.db import models\n",
        "Pure computations reach no ORM BROKEN",
        "zonedesk.monitoring.recovery (l.",
    ),
]


def test_an_import_that_breaks_a_contract_fails_the_lint(tree_copy):
    sections = tree_copy / "zonedesk" / "reports" / "sections"
    if not sections.exists():
        sections.with_suffix(".py").write_text('"""Paragraphs."""\n')
    for module, source, _contract, _reported in BREAKING:
        path = tree_copy / "zonedesk" / module
        path.write_text((path.read_text() if path.exists() else "") + source)

    result = lint_imports(tree_copy)

    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1, output
    for _module, _source, contract, reported in BREAKING:
        assert contract in output
        assert reported in output
