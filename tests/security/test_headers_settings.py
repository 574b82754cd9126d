"""Headers and settings of issue 14: `check --deploy` clean with the README's production
settings, HSTS and the proxy's HTTPS header from the environment, `Cache-Control: no-store` on
every signed-in response, and the Content-Security-Policy on every response."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from zonedesk.core.actors import SYSTEM
from zonedesk.org.services import api_token_create

ROOT = Path(__file__).resolve().parents[2]
HOST = "zonedesk.example.gov.cn"


def production_env() -> dict[str, str]:
    """deploy/zonedesk.env.example, the settings file an operator installs (README)."""
    text = (ROOT / "deploy" / "zonedesk.env.example").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "=" in line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def run(args: list[str], env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DJANGO_"))}
    base.pop("DATABASE_URL", None)
    full = base | env | {"ZONEDESK_VAR_DIR": str(tmp_path)}
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args], env=full, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_production_settings_file(tmp_path):
    env = production_env()
    assert env["SECURE_HSTS_SECONDS"] == "31536000"
    done = run(
        ["-m", "zonedesk.cli", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_warns_without_them(tmp_path):
    """The same check fails on a development configuration, so the test above can fail."""
    done = run(["-m", "zonedesk.cli", "check", "--deploy", "--fail-level", "WARNING"], {}, tmp_path)
    assert done.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in done.stdout + done.stderr


PROBE = """
import json, django
HOST = "zonedesk.example.gov.cn"
django.setup()
from django.test import Client
c = Client(HTTP_HOST=HOST)
plain = c.get("/accounts/login/")
proxied = c.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "status": proxied.status_code,
    "hsts": proxied.headers.get("Strict-Transport-Security"),
    "csp": proxied.headers.get("Content-Security-Policy"),
    "csrf_cookie_secure": bool(proxied.cookies["csrftoken"]["secure"]),
}))
"""


def test_https_behind_the_proxy_with_the_production_settings(tmp_path):
    env = production_env() | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "zonedesk.settings",
    }
    done = run(["-c", PROBE], env, tmp_path)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # Plain HTTP is sent to HTTPS; the proxy's X-Forwarded-Proto: https is trusted.
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == f"https://{HOST}/accounts/login/"
    assert seen["status"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in seen["csp"]
    assert seen["csrf_cookie_secure"] is True


# --- Content-Security-Policy and Cache-Control, in this process ------------------------------------


def test_every_response_carries_the_policy(client, db):
    policy = client.get(reverse("login")).headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


NO_STORE = {"no-store", "no-cache", "must-revalidate", "private"}


def cache_control(response) -> set[str]:
    value = response.headers.get("Cache-Control", "")
    return {part.strip().split("=")[0] for part in value.split(",") if part.strip()}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/enterprises/",
        "/enterprises/{firm}/",
        "/enterprises/{firm}/edit/",
        "/enterprises/export/",
        "/monitoring/",
        "/policies/",
        "/casework/",
        "/zones/",
        "/users/",
        "/audit/",  # the system administrator is refused (403): still not kept
        "/enterprises/{other}/",  # a 404 says nothing, but is still not kept
        "/api/v1/firms",
        "/api/v1/firms/{firm}",
        "/api/v1/zones",
    ],
)
def test_signed_in_responses_are_not_stored(client_for, world, path):
    url = path.format(firm=world.firm_a.pk, other=world.firm_b.pk)
    response = client_for(world.users["admin"]).get(url)
    assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
    assert cache_control(response) >= NO_STORE, (url, response.headers.get("Cache-Control"))
    assert response.headers["Pragma"] == "no-cache"


def test_token_authenticated_api_answers_are_not_stored(client, world):
    _token, secret = api_token_create(actor=SYSTEM, user=world.users["leader"], name="t")
    auth = {"Authorization": f"Bearer {secret}"}
    for url in ("/api/v1/firms", f"/api/v1/firms/{world.firm_b.pk}", "/api/v1/firms?officer=x"):
        response = client.get(url, headers=auth)
        assert "no-store" in cache_control(response), url
    # A refused token still says nothing cacheable.
    refused = client.get("/api/v1/firms", headers={"Authorization": "Bearer zd_wrong"})
    assert refused.status_code == 401
    assert "no-store" in cache_control(refused)


def test_public_anonymous_answers_keep_default_caching(client, db):
    """The API's public schema is the same for everyone: caches may keep it. (The log-in form
    is never cached either way: Django's LoginView marks it so itself.)"""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
    assert "Pragma" not in response.headers


def test_no_template_carries_inline_script_handlers_or_styles():
    """What the policy would block, found in the templates themselves (partials and error pages
    included, which the browser walk may not reach)."""
    package = ROOT / "zonedesk"
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    style_attribute = re.compile(r"\sstyle\s*=", re.I)
    found = []
    for template in package.glob("**/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for name, pattern in (
            ("script", inline_script),
            ("handler", handler),
            ("style", style_attribute),
        ):
            found += [
                f"{template.relative_to(package)}: {name} {m.group()!r}"
                for m in pattern.finditer(text)
            ]
    assert found == []
