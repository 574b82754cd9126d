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


@pytest.mark.parametrize(
    ("files", "broken", "reported"),
    [
        (
            {"core/x.py": "import zonedesk.monitoring.selectors\n"},
            "core imports no app BROKEN",
            "zonedesk.core.x -> zonedesk.monitoring.selectors",
        ),
        (
            {"monitoring/x.py": "from zonedesk.policies import selectors\n"},
            "<- reports <- api, demo) BROKEN",
            "zonedesk.monitoring.x -> zonedesk.policies.selectors",
        ),
        (
            {"casework/x.py": "from zonedesk.monitoring import charts\n"},
            "schemas, models and pure modules BROKEN",
            "zonedesk.casework.x -> zonedesk.monitoring.charts",
        ),
        (
            {"casework/x.py": "from zonedesk.monitoring.models import MonthlyFigure\n"},
            "(only the registry's models are shared) BROKEN",
            "zonedesk.casework.x -> zonedesk.monitoring.models",
        ),
        (
            {
                "reports/sections.py": '"""Paragraphs."""\n',
                "monitoring/flows.py": "from zonedesk.reports import sections\n",
            },
            "(not even the sections) BROKEN",
            "zonedesk.monitoring.flows is not allowed to import zonedesk.reports",
        ),
        (
            {"monitoring/recovery.py": "from django.db import models\n"},
            "Pure computations reach no ORM BROKEN",
            "zonedesk.monitoring.recovery (l.",
        ),
    ],
    ids=["core-imports-an-app", "upwards", "private-room", "domain-table", "reports", "orm"],
)
def test_an_import_that_breaks_a_contract_fails_the_lint(tree_copy, files, broken, reported):
    for name, source in files.items():
        path = tree_copy / "zonedesk" / name
        path.write_text((path.read_text() if path.exists() else "") + source)

    result = lint_imports(tree_copy)

    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1, output
    assert broken in output
    assert reported in output
