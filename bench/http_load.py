"""HTTP under load (issue 5): gunicorn with 2 sync workers, as production runs it (README,
"Production"), serving zonedesk on a free localhost port; ApacheBench on the same machine sends
a fixed count of requests, a few at a time, to the zone dashboard (a leader's session cookie), to
the firm-list API (a bearer token) and to the limit: a view that returns a constant, behind the
same middleware and server (bench/httpserver, a URLconf that only this benchmark serves)."""

import contextlib
import csv
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

from common import first_zone, median, row, zone_leader
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils.http import urlencode

from zonedesk.core.actors import SYSTEM
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import selectors
from zonedesk.org import services

TITLE = "HTTP under load: gunicorn (2 sync workers) and ApacheBench on the same machine"
WORKERS = 2
CONCURRENCY = 4  # two requests waiting for each worker: the workers are never idle
TARGET = 0.40  # throughput, as a share of the constant view's
BENCH = Path(__file__).resolve().parent
AB_MISSING = (
    "ApacheBench (ab) is not installed: `apt-get install apache2-utils` (`make bench` installs it)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(log_dir: Path):
    """gunicorn on a free port of 127.0.0.1 on this process's database; stopped on the way out,
    whatever happens."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        raise RuntimeError("gunicorn cannot open an in-memory SQLite database; use a file")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "httpserver.settings",
        # The database this process reads (the tests' own in the smoke run), the same key to
        # read its session cookies with, production's DEBUG and a host ab names.
        "ZONEDESK_BENCH_DB_NAME": str(connection.settings_dict["NAME"]),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "zonedesk.wsgi",
        *("--workers", str(WORKERS), "--worker-class", "sync"),
        *("--bind", f"127.0.0.1:{port}", "--pythonpath", str(BENCH)),
        *("--access-logfile", str(log_dir / "access.log")),
        *("--error-logfile", str(log_dir / "error.log")),
    ]
    server = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603 - our own
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited ({server.returncode}): "
                    + (log_dir / "error.log").read_text(errors="replace")[-2000:]
                )
            try:
                with urlopen(f"{base}/bench/constant/", timeout=5) as answer:  # noqa: S310 - ours
                    if answer.status == 200:
                        break
            except (URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield base, server
    finally:
        server.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # its own session: only the server's processes
            server.wait()


def first_page_csrf(url: str, session: str) -> str:
    """The CSRF cookie ("name=value") that a first visit to the page sets."""
    from http.cookies import SimpleCookie
    from urllib.request import Request

    with urlopen(Request(url, headers={"Cookie": session}), timeout=30) as answer:  # noqa: S310
        jar = SimpleCookie()
        for header in answer.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    name = settings.CSRF_COOKIE_NAME
    if name not in jar:
        raise RuntimeError(f"{url} set no {name} cookie")
    return f"{name}={jar[name].value}"


def ab(url: str, count: int, headers: list[str], work: Path) -> dict:
    """One ApacheBench run: total seconds, requests/s and p99 (ms); fails on any error or
    non-2xx answer (a page's length varies with its CSRF token: not a failure)."""
    percentiles = work / "percentiles.csv"
    command = ["ab", "-q", "-n", str(count), "-c", str(CONCURRENCY), "-e", str(percentiles)]
    for header in headers:
        command += ["-H", header]
    done = subprocess.run(  # noqa: S603 - ab with our own arguments
        [*command, url], capture_output=True, text=True, check=False
    )
    out = done.stdout

    def number(label: str) -> float:
        found = re.search(rf"^{label}:\s+([0-9.]+)", out, re.MULTILINE)
        if found is None:
            raise RuntimeError(f"ab {url}: no {label!r} in its output:\n{out}\n{done.stderr}")
        return float(found.group(1))

    if done.returncode:
        raise RuntimeError(f"ab {url} failed ({done.returncode}): {done.stderr or out}")
    complete = int(number("Complete requests"))
    failed = re.search(r"\(Connect: (\d+), Receive: (\d+), Length: \d+, Exceptions: (\d+)\)", out)
    non_2xx = re.search(r"^Non-2xx responses:\s+(\d+)", out, re.MULTILINE)
    if complete != count or (failed and any(int(x) for x in failed.groups())) or non_2xx:
        raise RuntimeError(f"ab {url}: requests failed or were refused:\n{out}")
    with percentiles.open() as f:
        served = {int(float(r[0])): float(r[1]) for r in list(csv.reader(f))[1:]}
    return {
        "seconds": number("Time taken for tests"),
        "rps": number("Requests per second"),
        "p99_ms": served[99],
    }


def run(*, runs: int, sample: int, log) -> list[dict]:
    if shutil.which("ab") is None:
        raise RuntimeError(AB_MISSING)
    zone = first_zone()
    user = zone_leader(zone)
    firms = Enterprise.objects.filter(zone=zone)
    period = selectors.latest_period_of(firms)
    client = Client()
    client.force_login(user)  # a session row, as the login page would write
    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    page = "/monitoring/?" + urlencode({"zone": zone.code, "period": period})
    cookies = [session]  # and the CSRF cookie of the first page, below
    _token_row, token = services.api_token_create(actor=SYSTEM, user=user, name="bench http_load")
    count = max(20, sample)  # requests per timed run
    targets = [
        ("constant view (the limit)", "/bench/constant/", []),
        (
            "constant view for a signed-in user (session and user read; a reference)",
            "/bench/constant-signed-in/",
            cookies,
        ),
        (
            "zone dashboard, a leader's session",
            page,
            cookies,
        ),
        (
            "firm-list API, a bearer token (first page, 50 firms)",
            "/api/v1/firms?" + urlencode({"zone": zone.code}),
            [f"Authorization: Bearer {token}"],
        ),
    ]
    log(f"  zone {zone.code}, {period}; {runs} runs of {count} requests, {CONCURRENCY} at a time")
    results = {}
    try:
        with tempfile.TemporaryDirectory() as tmp, serving(Path(tmp)) as (base, _server):
            work = Path(tmp)
            # A browser's cookies after its first page: the session and the CSRF cookie that
            # page set (a request without one has its page rendered afresh, to set it).
            cookies[:] = [f"Cookie: {session}; {first_page_csrf(base + page, session)}"]
            for figure, path, headers in targets:
                ab(base + path, WORKERS * CONCURRENCY, headers, work)  # warm both workers up
                results[figure] = [ab(base + path, count, headers, work) for _ in range(runs)]
                rps = median([r["rps"] for r in results[figure]])
                log(f"  {figure}: {rps:.0f} requests/s")
    finally:
        services.api_token_revoke(actor=SYSTEM, token=_token_row)
        client.logout()

    def seconds(figure):
        return [r["seconds"] for r in results[figure]]

    def note(figure):
        rs = results[figure]
        return (
            f"time is seconds for {count} requests, {CONCURRENCY} at a time ({runs} runs); "
            f"median {median([r['rps'] for r in rs]):.0f} requests/s, p99 "
            f"{median([r['p99_ms'] for r in rs]):.0f} ms (median of the runs' p99)"
        )

    constant, signed_in, *pages = (figure for figure, _path, _headers in targets)
    limit = median(seconds(constant))
    floor = median(seconds(signed_in))
    out = [
        row(constant, seconds(constant), note=note(constant) + "; the limit"),
        row(
            signed_in,
            seconds(signed_in),
            note=f"{note(signed_in)}; throughput {limit / floor:.1%} of the constant view's: "
            "what any page behind a login can reach at best",
            limit=limit,
        ),
    ]
    for figure in pages:
        share = limit / median(seconds(figure))
        out.append(
            row(
                figure,
                seconds(figure),
                note=f"{note(figure)}; throughput {share:.1%} of the constant view's, "
                f"{floor / median(seconds(figure)):.1%} of the signed-in constant view's",
                limit=limit,
                target=(f"throughput ≥ {TARGET:.0%} of the constant view's", share >= TARGET),
            )
        )
    return out
