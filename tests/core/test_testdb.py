"""The test databases are copies of one migrated template (tests/testdb.py); the template's name
carries a hash of what the migrations are made of, so a change to them is never served stale."""

from pathlib import Path

import pytest
from django.db import connection

from tests import testdb

ROOT = Path(__file__).resolve().parents[2]


def test_the_key_covers_the_migrations_what_they_import_and_read():
    files = {str(p.relative_to(ROOT)) for p in testdb.key_files() if ROOT in p.parents}
    assert "zonedesk/casework/migrations/0002_holidays.py" in files
    # imported inside the data migration's function, and the file that module reads
    assert "zonedesk/casework/holidays.py" in files
    assert "zonedesk/casework/data/holidays_cn.csv" in files
    assert "zonedesk/projects/templates_default.py" in files  # a module-level import
    # an installed app's own migrations (outside the project) count too
    assert any("django_otp" in str(p) and "/migrations/" in str(p) for p in testdb.key_files())


def test_the_key_changes_with_a_migration(monkeypatch):
    before = testdb.migrations_key(connection)
    assert testdb.migrations_key(connection) == before
    migration = ROOT / "zonedesk/casework/migrations/0002_holidays.py"
    real_read = Path.read_bytes

    def read_bytes(path):
        data = real_read(path)
        return data + b"\n# changed\n" if path == migration else data

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert testdb.migrations_key(connection) != before


@pytest.mark.django_db
def test_this_process_has_a_copy_of_the_template_with_the_migrations_rows():
    from zonedesk.casework.models import CalendarDay

    name = str(connection.settings_dict["NAME"])
    assert "test" in name
    assert testdb.PG_PREFIX not in name and not name.endswith(".building")
    assert CalendarDay.objects.exists()  # the data migration's rows came with the copy
