"""Backup and restore of the whole database (and of MEDIA_ROOT's files, when there are any).

PostgreSQL: `pg_dump --format=custom` to one file; restore is `pg_restore` into `psql` in one
transaction, so a failed restore changes nothing. SQLite: the online backup API
(`sqlite3.Connection.backup`), a consistent copy while the server runs, and the same API back.

Connection parameters come from the Django connection's settings; a password travels in the
PGPASSWORD environment variable of the child process, never on its command line. A backup file
holds personal data: it is written readable by its owner only (0600), first under a temporary
name, so a failed backup leaves no file that looks whole.

The runbook (docs/backup.md) says when to run it, where to keep the files and for how long.
"""

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# Tables every zonedesk database has: a file without them is not a backup of zonedesk.
MARKER_TABLES = ("django_migrations", "core_auditentry")
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupRefused(DomainError):
    pass


def engine() -> str:
    """ "sqlite" or "postgresql" (the only two zonedesk runs on)."""
    return connection.vendor


def default_path(now: dt.datetime | None = None) -> Path:
    """VAR_DIR/backups/zonedesk-<time>.<sqlite3|dump>."""
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if engine() == "sqlite" else "dump"
    return Path(settings.VAR_DIR) / "backups" / f"zonedesk-{stamp}.{suffix}"


def media_archive(path: Path) -> Path:
    """Where the backup at `path` keeps MEDIA_ROOT's files (only when there were any)."""
    return path.with_name(path.name + ".media.tar.gz")


# --- backup ----------------------------------------------------------------------------------------


def backup(path: Path) -> list[Path]:
    """Write the database's backup to `path` (and MEDIA_ROOT's files beside it); the files made."""
    if path.exists():
        raise BackupRefused(_("%(path)s exists already; choose another name.") % {"path": path})
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(path.name + ".partial")
    try:
        if engine() == "sqlite":
            _sqlite_backup(partial)
        else:
            _pg_dump(partial)
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    made = [path]
    if _media_files():
        made.append(_media_backup(media_archive(path)))
    return made


def _private(path: Path):
    """A new file readable by its owner only."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def _sqlite_backup(path: Path) -> None:
    _private(path).close()
    source = sqlite3.connect(connection.settings_dict["NAME"])
    target = sqlite3.connect(path)
    try:
        source.backup(target)
        # One self-contained file: no write-ahead log beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()


def pg_environment() -> dict:
    """The libpq variables for the Django connection (the password only here, not in argv)."""
    s = connection.settings_dict
    env = {**os.environ}
    pairs = {
        "PGHOST": s.get("HOST"),
        "PGPORT": s.get("PORT"),
        "PGUSER": s.get("USER"),
        "PGPASSWORD": s.get("PASSWORD"),
        "PGDATABASE": s.get("NAME"),
    }
    options = s.get("OPTIONS") or {}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "options"):
        pairs[f"PG{key.upper()}"] = options.get(key)
    env.update({k: str(v) for k, v in pairs.items() if v not in (None, "")})
    return env


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(args, env=pg_environment(), check=True, **kwargs)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupRefused(
            _("%(program)s is not installed (Debian: postgresql-client).") % {"program": args[0]}
        ) from exc
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace").strip()
        raise BackupRefused(
            _("%(program)s failed: %(detail)s") % {"program": args[0], "detail": detail}
        ) from exc


def _pg_dump(path: Path) -> None:
    with _private(path) as out:
        _run(["pg_dump", "--format=custom", "--no-password"], stdout=out, stderr=subprocess.PIPE)


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []


def _media_backup(archive: Path) -> Path:
    with _private(archive) as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
        tar.add(settings.MEDIA_ROOT, arcname="media")
    return archive


# --- restore ---------------------------------------------------------------------------------------


def kind_of(path: Path) -> str:
    """ "sqlite", "postgresql" or "" by the file's first bytes."""
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    return "postgresql" if head.startswith(PG_MAGIC) else ""


def check_file(path: Path) -> None:
    """Refuse a file that is not a whole zonedesk backup for this server's kind of database."""
    if not path.is_file():
        raise BackupRefused(_("No such file: %(path)s") % {"path": path})
    kind = kind_of(path)
    if not kind:
        raise BackupRefused(
            _("%(path)s is not a backup: neither a pg_dump archive nor an SQLite database.")
            % {"path": path}
        )
    if kind != engine():
        raise BackupRefused(
            _("%(path)s is a backup of a %(kind)s database; this server's database is %(engine)s.")
            % {"path": path, "kind": NAMES[kind], "engine": NAMES[engine()]}
        )
    tables = _sqlite_tables(path) if kind == "sqlite" else _pg_tables(path)
    if not set(MARKER_TABLES) <= tables:
        raise BackupRefused(_("%(path)s is not a backup of zonedesk.") % {"path": path})


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _sqlite_tables(path: Path) -> set[str]:
    source = _read_only(path)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError
        rows = source.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(_("%(path)s is damaged.") % {"path": path}) from exc
    finally:
        source.close()
    return {name for (name,) in rows}


def _pg_tables(path: Path) -> set[str]:
    """The tables an archive's table of contents lists ("TABLE public name owner")."""
    listing = _run(["pg_restore", "--list", str(path)], capture_output=True).stdout.decode()
    names = set()
    for line in listing.splitlines():
        words = line.split()
        if not line.startswith(";") and "TABLE" in words:
            at = words.index("TABLE") + (
                2 if words[words.index("TABLE") + 1 :][:1] != ["DATA"] else 3
            )
            names.update(words[at : at + 1])
    return names


def is_empty() -> bool:
    """No tables at all (a database just created)."""
    return not connection.introspection.table_names()


def restore(path: Path, *, force: bool) -> list[Path]:
    """Replace the database (and MEDIA_ROOT's files, if the backup has them) by the backup at
    `path`. Refused on a database with tables unless `force`. The files restored."""
    check_file(path)
    archive = media_archive(path)
    if not force and (not is_empty() or (archive.exists() and _media_files())):
        raise BackupRefused(
            _(
                "The database is not empty: restoring would replace its data. "
                "Add --force to replace it."
            )
        )
    connection.close()
    if engine() == "sqlite":
        _sqlite_restore(path)
    else:
        _pg_restore(path, clean=force)
    if archive.exists():
        _media_restore(archive)
        return [path, archive]
    return [path]


def _sqlite_restore(path: Path) -> None:
    source = _read_only(path)
    target = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _pg_restore(path: Path, *, clean: bool) -> None:
    """pg_restore writes the archive as SQL; psql runs it in one transaction, committed only when
    pg_restore read the whole archive (a truncated script is rolled back, not half-applied).
    Replacing a database first drops everything in its schema, so a newer migration's tables go
    too."""
    env = pg_environment()
    script = subprocess.Popen(  # noqa: S603
        ["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(path)],  # noqa: S607
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    psql = ["psql", "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1", "--file=-"]
    with tempfile.TemporaryFile() as errors:
        runner = subprocess.Popen(  # noqa: S603
            psql, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=env
        )
        with contextlib.suppress(BrokenPipeError):  # psql stopped at an error: read below
            runner.stdin.write(b"BEGIN; SET client_min_messages = warning;\n")
            if clean:
                runner.stdin.write(b"DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;\n")
            shutil.copyfileobj(script.stdout, runner.stdin)
            if script.wait() == 0:
                runner.stdin.write(b"COMMIT;\n")
            runner.stdin.close()
        script.wait()
        runner.wait()
        errors.seek(0)
        detail = errors.read().decode(errors="replace").strip()
    if script.returncode or runner.returncode:
        raise BackupRefused(
            _("The restore failed and changed nothing: %(detail)s")
            % {"detail": detail or _("pg_restore could not read the archive.")}
        )


def _media_restore(archive: Path) -> None:
    """Unpack beside MEDIA_ROOT first, then swap: a damaged archive leaves the files as they were."""
    root = Path(settings.MEDIA_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent, prefix=".media-restore-") as scratch:
        with tarfile.open(archive, mode="r:gz") as tar:
            # Only plain files and folders under the target (Python >= 3.11.4 checks that).
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(scratch, **safe)  # noqa: S202 - our own archive, filtered
        if root.exists():
            shutil.rmtree(root)
        (Path(scratch) / "media").rename(root)
