"""What the ops tests share: the test database as a DATABASE_URL for a `zonedesk` child process,
running one, and a checksum of every table computed here with plain SQL through the database's
own driver (not with the code under test)."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def database_url(s: dict | None = None, *, name: str | None = None) -> str:
    """A DATABASE_URL for the Django connection's database (or another `name` on its server)."""
    s = s or connection.settings_dict
    if s["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{name or s['NAME']}"
    password = f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else ""
    host = f"{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}"
    return f"postgres://{quote(s['USER'] or '', safe='')}{password}@{host}/{name or s['NAME']}"


def zonedesk(*args, database: str, var_dir: Path, **kwargs) -> subprocess.CompletedProcess:
    """Run `zonedesk ARGS` as an operator would, in a child process, on `database` (messages in
    English)."""
    env = {**os.environ, "DATABASE_URL": database, "ZONEDESK_VAR_DIR": str(var_dir)}
    if args[0] in ("backup", "restore"):
        args = (*args, "--lang", "en")
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "zonedesk.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def _digest(rows) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(repr(tuple(row)).encode())
        h.update(b"\n")
    return h.hexdigest()


def sqlite_checksums(path: str, where: dict[str, str]) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of the rows ordered by primary key)} of an SQLite file."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        out = {}
        for table in tables:
            info = con.execute(f'PRAGMA table_info("{table}")').fetchall()
            keys = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]] or ["rowid"]
            order = ", ".join(f'"{k}"' for k in keys)
            rows = con.execute(
                f'SELECT * FROM "{table}" WHERE {where.get(table, "1=1")} ORDER BY {order}'  # noqa: S608
            ).fetchall()
            out[table] = (len(rows), _digest(rows))
        return out
    finally:
        con.close()


def postgres_checksums(url: str, where: dict[str, str]) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of the rows ordered by primary key)} of a PostgreSQL database."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as con:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        out = {}
        for table in tables:
            keys = [
                k
                for (k,) in con.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                    "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                    "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
                    [f'public."{table}"'],
                )
            ]
            if not keys:  # no primary key: every column, in order
                width = len(con.execute(f'SELECT * FROM public."{table}" LIMIT 0').description)  # noqa: S608
                keys = [str(i) for i in range(1, width + 1)]
            order = ", ".join(k if k.isdigit() else f'"{k}"' for k in keys)
            rows = con.execute(
                f'SELECT * FROM public."{table}" WHERE {where.get(table, "true")} ORDER BY {order}'  # noqa: S608
            ).fetchall()
            out[table] = (len(rows), _digest(rows))
        return out


def checksums(url: str, where: dict[str, str] | None = None) -> dict[str, tuple[int, str]]:
    where = where or {}
    if url.startswith("sqlite:///"):
        return sqlite_checksums(url.removeprefix("sqlite:///"), where)
    return postgres_checksums(url, where)
