"""The production recipe (deploy/) is checked by the tools that will run it: `systemd-analyze
verify` and `systemd-analyze security` for the units, `nginx -t` for the site, and nginx in front
of the unit's own gunicorn command serving /health/ over TLS. CI installs systemd and nginx-light
when missing (.ci/run): these tests are never skipped."""

import configparser
import http.client
import json
import os
import re
import shlex
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings

from tests.security.ops_helpers import ROOT, database_url
from zonedesk.core.health import Heartbeat

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("zonedesk-*"))
SERVICES = [u for u in UNITS if u.suffix == ".service"]
INSTALLED_VENV = "/opt/zonedesk/venv"
VAR_DIR = "/var/lib/zonedesk"


def unit(path: Path) -> configparser.ConfigParser:
    """A unit file as sections of keys (a key given twice keeps its last value)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser


@pytest.fixture
def installed_units(tmp_path):
    """The units as installed, with the virtualenv they name being this one (so `verify` finds
    the programs they start)."""
    for path in UNITS:
        text = path.read_text().replace(INSTALLED_VENV, sys.prefix)
        (tmp_path / path.name).write_text(text)
    return tmp_path


def test_the_units_pass_systemd_analyze_verify(installed_units):
    names = [p.name for p in UNITS]
    assert {
        "zonedesk-web.service",
        "zonedesk-worker.service",
        "zonedesk-backup.timer",
        "zonedesk-digest.timer",
        "zonedesk-report.timer",
        "zonedesk-project-remind.timer",
        "zonedesk-leads-land.timer",
    } <= set(names)
    done = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", *names],  # noqa: S607
        cwd=installed_units,
        capture_output=True,
        text=True,
    )
    # verify exits 0 on an unknown key or a bad value, but says so: nothing may be said.
    assert (done.returncode, done.stderr.strip()) == (0, "")


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_the_services_are_hardened(path, installed_units):
    service = unit(path)["Service"]
    assert service["User"] == "zonedesk" and service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict" and service["PrivateTmp"] == "yes"
    assert service["ReadWritePaths"].split() == [VAR_DIR]
    assert service["CapabilityBoundingSet"] == ""
    # systemd's own score of the exposure, 0 (none) to 10: at most 2.5 ("OK").
    done = subprocess.run(  # noqa: S603
        ["systemd-analyze", "security", "--offline=true", "--threshold=25", path.name],  # noqa: S607
        cwd=installed_units,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-400:]


def test_the_worker_has_a_memory_ceiling_and_time_to_finish_a_task():
    service = unit(DEPLOY / "systemd" / "zonedesk-worker.service")["Service"]
    assert service["MemoryMax"] and service["KillMode"] == "mixed"
    assert shlex.split(service["ExecStart"])[1:3] == ["worker", "--no-reload"]


def test_the_backup_runs_nightly_and_keeps_five_weeks():
    timer = unit(DEPLOY / "systemd" / "zonedesk-backup.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 02:30:00" and timer["Persistent"] == "true"
    service = unit(DEPLOY / "systemd" / "zonedesk-backup.service")["Service"]
    assert shlex.split(service["ExecStart"])[1:] == ["backup"]
    assert "-mtime +35 -delete" in service["ExecStartPost"]


def test_the_digest_runs_every_morning():
    timer = unit(DEPLOY / "systemd" / "zonedesk-digest.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 07:30:00" and timer["Persistent"] == "true"
    service = unit(DEPLOY / "systemd" / "zonedesk-digest.service")["Service"]
    assert shlex.split(service["ExecStart"])[1:] == ["notices", "digest"]


def test_the_project_reminder_runs_every_morning_before_the_digest():
    timer = unit(DEPLOY / "systemd" / "zonedesk-project-remind.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 07:00:00" and timer["Persistent"] == "true"
    service = unit(DEPLOY / "systemd" / "zonedesk-project-remind.service")["Service"]
    assert shlex.split(service["ExecStart"])[1:] == ["projects", "remind"]
    assert service["Type"] == "oneshot"


def test_signed_leads_land_every_morning_before_the_project_reminder():
    timer = unit(DEPLOY / "systemd" / "zonedesk-leads-land.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 06:45:00" and timer["Persistent"] == "true"
    service = unit(DEPLOY / "systemd" / "zonedesk-leads-land.service")["Service"]
    assert shlex.split(service["ExecStart"])[1:] == ["leads", "land"]


def test_the_monthly_summaries_are_scheduled_every_morning():
    """Daily at 06:30: the command itself knows the month's first working day (a holiday
    calendar is not something OnCalendar can say), and does nothing on the other days."""
    timer = unit(DEPLOY / "systemd" / "zonedesk-report.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 06:30:00" and timer["Persistent"] == "true"
    service = unit(DEPLOY / "systemd" / "zonedesk-report.service")["Service"]
    assert shlex.split(service["ExecStart"])[1:] == ["report", "schedule"]
    assert service["Type"] == "oneshot"


def test_the_example_environment_matches_the_units():
    env = dict(
        line.split("=", 1)
        for line in (DEPLOY / "zonedesk.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert env["ZONEDESK_VAR_DIR"] == VAR_DIR and env["LOG_FORMAT"] == "json"
    assert env["TRUST_X_FORWARDED_FOR"] == env["TRUST_X_REQUEST_ID"] == "1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx_site(tmp_path):
    """deploy/nginx/zonedesk.conf in a wrapper nginx.conf, with a throw-away certificate, logs
    and ports of its own; returns (wrapper, ports, the site's text)."""
    subprocess.run(  # noqa: S603
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-keyout", tmp_path / "privkey.pem"),
            *("-out", tmp_path / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )
    (tmp_path / "logs").mkdir()
    ports = {"http": _free_port(), "https": _free_port(), "app": _free_port()}
    site = (
        (DEPLOY / "nginx" / "zonedesk.conf")
        .read_text()
        .replace("/etc/ssl/zonedesk/", f"{tmp_path}/")
        .replace("/var/log/nginx/", f"{tmp_path}/logs/")
        .replace("127.0.0.1:8000", f"127.0.0.1:{ports['app']}")
        .replace("listen 443 ", f"listen 127.0.0.1:{ports['https']} ")
        .replace("listen 80;", f"listen 127.0.0.1:{ports['http']};")
    )
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)  # the test machine may lack IPv6
    (tmp_path / "zonedesk.conf").write_text(site)
    temp = "".join(f"    {k}_temp_path {tmp_path}/{k};\n" for k in ("client_body", "proxy"))
    temp += "".join(f"    {k}_temp_path {tmp_path}/{k};\n" for k in ("fastcgi", "uwsgi", "scgi"))
    wrapper = tmp_path / "nginx.conf"
    wrapper.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n    access_log {tmp_path}/logs/access.log;\n{temp}"
        f"    include {tmp_path}/zonedesk.conf;\n}}\n"
    )
    return wrapper, ports, site


def test_the_nginx_site_passes_nginx_t(nginx_site):
    wrapper, _ports, _site = nginx_site
    done = subprocess.run(  # noqa: S603
        ["nginx", "-t", "-p", wrapper.parent, "-c", wrapper],  # noqa: S607
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_the_nginx_site_sets_what_zonedesk_relies_on():
    site = (DEPLOY / "nginx" / "zonedesk.conf").read_text()
    for header in (
        "X-Forwarded-For $proxy_add_x_forwarded_for",
        "X-Forwarded-Proto $scheme",
        "X-Request-ID $request_id",
    ):
        assert f"proxy_set_header {header};" in site
    assert re.search(r"Strict-Transport-Security \"max-age=\d{8,}", site)
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in site and "server_tokens off;" in site
    limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1)) * 1024 * 1024
    cap = settings.ZONEDESK["IMPORT_MAX_BYTES"]
    assert cap <= limit <= cap + 2 * 1024 * 1024  # room for the form, not for another file


def _get(url: str):
    """(status, headers, body) of a GET, redirects not followed, the certificate not checked."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=10, context=context)
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", parts.path)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def _wait(url: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return _get(url)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.django_db(transaction=True)
def test_nginx_in_front_of_the_units_gunicorn(nginx_site, tmp_path):
    """The web unit's own gunicorn command behind the site: /health/ over TLS answers 200 with
    HSTS, and the request id nginx made is the one zonedesk answers with and both log."""
    wrapper, ports, _site = nginx_site
    Heartbeat(worker_id="deploy-test").beat()
    command = shlex.split(unit(DEPLOY / "systemd" / "zonedesk-web.service")["Service"]["ExecStart"])
    command[0] = command[0].replace(INSTALLED_VENV, sys.prefix)
    command[command.index("--bind") + 1] = f"127.0.0.1:{ports['app']}"
    command[command.index("--workers") + 1] = "1"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "ZONEDESK_VAR_DIR": str(tmp_path / "var"),
        "TRUST_X_FORWARDED_FOR": "1",
        "TRUST_X_REQUEST_ID": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_FORMAT": "json",
    }
    log = (tmp_path / "web.log").open("w")
    web = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log)  # noqa: S603
    proxy = subprocess.Popen(  # noqa: S603
        ["nginx", "-p", wrapper.parent, "-c", wrapper, "-g", "daemon off;"],  # noqa: S607
        stderr=subprocess.PIPE,
    )
    try:
        _wait(f"http://127.0.0.1:{ports['app']}/health/")
        status, headers, body = _wait(f"https://127.0.0.1:{ports['https']}/health/")
        redirect = _get(f"http://127.0.0.1:{ports['http']}/health/")
    finally:
        proxy.terminate()
        web.terminate()
        proxy.wait(timeout=10)
        web.wait(timeout=10)
        log.close()
    assert status == 200, body
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert len(headers.get_all("Strict-Transport-Security")) == 1
    request_id = headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert f"id={request_id}" in (wrapper.parent / "logs" / "zonedesk.access.log").read_text()
    lines = [json.loads(x) for x in (tmp_path / "web.log").read_text().splitlines() if x[:1] == "{"]
    assert {"logger": "zonedesk.request", "request_id": request_id, "status": 200}.items() <= next(
        line for line in lines if line.get("request_id") == request_id
    ).items()
    assert headers["Server"] == "nginx"  # no version
    assert redirect[0] == 301 and redirect[1]["Location"] == "https://127.0.0.1/health/"
