"""`zonedesk backup` and `zonedesk restore` round-trip the demo database, on SQLite and on
PostgreSQL (whichever DATABASE_URL names): the backup is restored into a fresh database by a
separate `zonedesk restore` process, and every table's row count and checksum (computed here with
plain SQL, rows ordered by primary key) is the same. The restore refuses what it must."""

import io
import os
import sqlite3
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests import dbsnapshot
from tests.security.ops_helpers import checksums, database_url, zonedesk
from zonedesk.core.models import AuditEntry

# The backup and restore run outside the test's transaction (pg_dump, a child process).
pytestmark = pytest.mark.django_db(transaction=True)
# The backup's and the restore's own audit entries are written after the copy: left out of the
# comparison, and checked on their own.
# The chain head holds the last entry's hash, so it moves with them: the restored chain is
# checked with `audit_verify` instead.
NOT_THE_EVENTS = {
    "core_auditentry": "target_type <> 'system.backup'",
    "core_auditchainhead": "1 = 0",
}


@pytest.fixture
def demo_db(transactional_db):
    """The demo as `zonedesk demo` loads it: put back from this process's snapshot of it when
    another test loaded it already (tests/dbsnapshot.py), and the database as it was after."""
    with dbsnapshot.demo_loaded():
        yield


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the same kind, for the restore: a new SQLite file, or a database
    created on the same PostgreSQL server (and dropped afterwards)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        yield database_url(name=str(tmp_path / "restored.sqlite3"))
        return
    name = f"{s['NAME']}_restored"[:63]
    server = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]
    env = {"PGPASSWORD": s["PASSWORD"] or ""}
    run = dict(check=True, capture_output=True, env={**os.environ, **env})
    subprocess.run(["dropdb", *server, "--if-exists", "--force", name], **run)  # noqa: S603,S607
    subprocess.run(["createdb", *server, name], **run)  # noqa: S603,S607
    yield database_url(name=name)
    subprocess.run(["dropdb", *server, "--if-exists", "--force", name], **run)  # noqa: S603,S607


def test_the_demo_database_round_trips(demo_db, fresh_database, tmp_path, settings):
    media = tmp_path / "media"
    (media / "letters").mkdir(parents=True)
    (media / "letters" / "批复.pdf").write_bytes(b"%PDF-1.4 synthetic")
    settings.MEDIA_ROOT = media
    backup_file = tmp_path / "backups" / "zonedesk.backup"

    call_command("backup", output=backup_file, lang="en", stdout=io.StringIO())

    source = checksums(database_url(), NOT_THE_EVENTS)
    assert source["enterprises_enterprise"][0] == 57 and source["monitoring_monthlyfigure"][0]
    assert sum(rows for rows, _ in source.values()) > 5000
    assert oct(backup_file.stat().st_mode & 0o777) == "0o600"
    event = AuditEntry.objects.get(target_type="system.backup")
    assert (event.action, event.actor_name, event.via) == ("backup", "system", "command")
    assert event.target_repr == "zonedesk.backup"

    var_dir = tmp_path / "var"
    done = zonedesk("restore", str(backup_file), database=fresh_database, var_dir=var_dir)

    assert done.returncode == 0, done.stderr
    restored = checksums(fresh_database, NOT_THE_EVENTS)
    assert restored == source
    assert (var_dir / "media" / "letters" / "批复.pdf").read_bytes() == b"%PDF-1.4 synthetic"
    events = checksums(fresh_database, {"core_auditentry": "action = 'restore'"})
    assert events["core_auditentry"][0] == 1
    verified = zonedesk("audit_verify", database=fresh_database, var_dir=var_dir)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # Again, onto the database that now has data: refused without --force, and unchanged.
    again = zonedesk("restore", str(backup_file), database=fresh_database, var_dir=var_dir)
    assert again.returncode == 1 and "not empty" in again.stderr
    assert checksums(fresh_database, NOT_THE_EVENTS) == source

    # A backup cut short is refused or rolled back, even with --force: nothing changes.
    cut = tmp_path / "cut.backup"
    cut.write_bytes(backup_file.read_bytes()[: backup_file.stat().st_size // 2])
    broken = zonedesk("restore", str(cut), "--force", database=fresh_database, var_dir=var_dir)
    assert broken.returncode == 1, broken.stdout
    assert checksums(fresh_database, NOT_THE_EVENTS) == source

    # --force replaces the data, and a table made since the backup (a newer migration's) goes.
    create_table(fresh_database, "made_after_the_backup")
    forced = zonedesk(
        "restore", str(backup_file), "--force", database=fresh_database, var_dir=var_dir
    )
    assert forced.returncode == 0, forced.stderr
    assert checksums(fresh_database, NOT_THE_EVENTS) == source


def create_table(url: str, name: str) -> None:
    if url.startswith("sqlite:///"):
        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        con.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)")
        con.commit()
        con.close()
        return
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as con:
        con.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)")


def _text(path):
    path.write_text("hello")
    return path


def _not_zonedesk(path):
    """A backup of another database of this kind: an SQLite file of notes, or a pg_dump of the
    server's `postgres` database."""
    if connection.vendor == "sqlite":
        sqlite3.connect(path).execute("CREATE TABLE notes (body TEXT)").connection.close()
        return path
    s = connection.settings_dict
    server = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]
    env = {**os.environ, "PGPASSWORD": s["PASSWORD"] or ""}
    dump = ["pg_dump", *server, "--format=custom", f"--file={path}", "postgres"]
    subprocess.run(dump, check=True, env=env)  # noqa: S603
    return path


def _pg_header(path):
    path.write_bytes(b"PGDMP" + bytes(200))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_text, "is not a backup"),
        (_not_zonedesk, "is not a backup of zonedesk"),
        (_pg_header, "is a backup of a"),
        (lambda p: p, "No such file"),
    ],
    ids=["text", "another-sqlite-database", "wrong-kind-or-damaged", "missing"],
)
def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(tmp_path, make, message):
    before = checksums(database_url())
    path = make(tmp_path / "file.backup")
    if connection.vendor == "postgresql" and message == "is a backup of a":
        # On PostgreSQL the wrong kind is an SQLite file of zonedesk's tables.
        path.unlink()
        con = sqlite3.connect(path)
        con.executescript("CREATE TABLE django_migrations (id); CREATE TABLE core_auditentry (id);")
        con.close()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--force", "--lang", "en", stdout=io.StringIO())
    assert checksums(database_url()) == before
