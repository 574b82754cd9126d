"""Request ids and structured logs: each response carries X-Request-ID (the trusted proxy's, or
a new one), every log record written while serving it names that id, and one line per request
says method, path, status, duration and user, as JSON when LOG_FORMAT=json."""

import json
import logging
import logging.config

import pytest
from django.conf import settings as django_settings

from zonedesk.core import logs

pytestmark = pytest.mark.django_db

NGINX_ID = "0f3c9a1e5b7d4c2a8e6f1b3d5a7c9e0f"  # nginx's $request_id: 32 hex digits


def request_lines(caplog):
    return [r for r in caplog.records if r.name == "zonedesk.request"]


def test_each_request_gets_an_id_in_its_header_and_its_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger="zonedesk.request")
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert all(logs.valid_id(i) and len(i) == 32 for i in ids) and ids[0] != ids[1]
    lines = request_lines(caplog)
    assert [r.request_id for r in lines] == ids
    assert (lines[0].method, lines[0].path, lines[0].status) == ("GET", "/accounts/login/", 200)
    assert lines[0].user_id is None and lines[0].duration_ms >= 0


def test_the_signed_in_user_is_named_by_id(client, caplog, django_user_model):
    user = django_user_model.objects.create_user("ops_reader", password="x")
    client.force_login(user)
    caplog.set_level(logging.INFO, logger="zonedesk.request")
    client.get("/zones/")
    (line,) = request_lines(caplog)
    assert line.user_id == user.pk and line.status == 200


def test_a_trusted_proxys_id_is_kept(client, caplog, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "TRUST_X_REQUEST_ID": True}
    caplog.set_level(logging.INFO, logger="zonedesk.request")
    response = client.get("/accounts/login/", headers={"X-Request-ID": NGINX_ID})
    assert response["X-Request-ID"] == NGINX_ID
    assert request_lines(caplog)[0].request_id == NGINX_ID


@pytest.mark.parametrize("given", [NGINX_ID, "abc\nINFO forged line", "x" * 200, "短"])
def test_an_untrusted_or_malformed_id_is_replaced(client, settings, given):
    trusted = given != NGINX_ID  # the well-formed one is refused because no proxy is trusted
    settings.ZONEDESK = {**settings.ZONEDESK, "TRUST_X_REQUEST_ID": trusted}
    response = client.get("/accounts/login/", headers={"X-Request-ID": given})
    assert response["X-Request-ID"] != given and logs.valid_id(response["X-Request-ID"])


def test_the_query_string_is_not_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="zonedesk.request")
    client.get("/accounts/login/", {"next": "/enterprises/?q=13800138000"})
    (line,) = request_lines(caplog)
    assert "13800138000" not in line.getMessage() and line.path == "/accounts/login/"


@pytest.fixture
def console(capsys):
    """The console handler as settings.LOGGING builds it, plain or JSON, writing to captured
    stderr; the settings' own configuration is put back afterwards."""

    def configure(log_format: str):
        logging.config.dictConfig(logs.config(log_format, "WARNING"))
        capsys.readouterr()
        return lambda: capsys.readouterr().err.splitlines()

    yield configure
    logging.config.dictConfig(django_settings.LOGGING)


def test_json_lines_carry_the_request_id_on_every_record(client, console):
    read = console("json")
    response = client.get("/no-such-page/")  # Django logs a warning while serving it
    records = [json.loads(line) for line in read()]
    assert response.status_code == 404
    assert {r["logger"] for r in records} == {"django.request", "zonedesk.request"}
    assert {r["request_id"] for r in records} == {response["X-Request-ID"]}
    line = next(r for r in records if r["logger"] == "zonedesk.request")
    assert line["level"] == "INFO" and line["message"] == "GET /no-such-page/ 404"
    assert (line["method"], line["path"], line["status"], line["user_id"]) == (
        "GET",
        "/no-such-page/",
        404,
        None,
    )
    assert isinstance(line["duration_ms"], float) and line["time"].endswith("+00:00")


def test_plain_lines_carry_the_request_id_too(client, console):
    read = console("plain")
    response = client.get("/no-such-page/")
    lines = read()
    assert len(lines) == 2
    assert all(f"[{response['X-Request-ID']}]" in line for line in lines)
    rid = response["X-Request-ID"]
    assert any(
        line.endswith(f" INFO zonedesk.request [{rid}] GET /no-such-page/ 404") for line in lines
    )


def test_records_outside_a_request_say_so(console):
    read = console("json")
    logging.getLogger("zonedesk.test").warning("from a command")
    (record,) = [json.loads(line) for line in read()]
    assert record["request_id"] == "-" and record["message"] == "from a command"
