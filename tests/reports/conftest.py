"""Fixtures of the reports tests: the demo zone, and every paragraph zonedesk writes rendered
from it through the interfaces that print or show them (the `report` and `recovery` commands,
the dashboard and casework overview pages, the difficulties endpoint), in Chinese and English."""

import html
import io
import re

import pytest
from django.core.management import call_command

ZONE, AREA = "demo", "511700"  # the demo zone and its city (the city's other zone has no figures)
STATUS_MONTHS = [f"2019-{m:02d}" for m in range(1, 13)] + [f"2020-{m:02d}" for m in range(1, 8)]
# The demo year of problems: July 2019 to June 2020, and the quarter after it (nothing raised).
PROBLEM_MONTHS = [f"2019-{m:02d}" for m in range(7, 13)] + [f"2020-{m:02d}" for m in range(1, 7)]
PROBLEM_QUARTERS = ["2019-Q3", "2019-Q4", "2020-Q1", "2020-Q2", "2020-Q3"]
# The recovery command's what-ifs: each sentence of 追赶测算 appears in one of them.
RECOVERY_CASES = [
    [],
    ["--target", "10"],
    ["--target", "-50"],
    ["--halted-days", "3"],
    ["--halted-days", "45"],  # the reference's "平均停产时间按 45 天算", as one total
    ["--target", "10", "--halted-days", "5"],
]
LANGS = ("zh", "en")


def _command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _testid(page: str, testid: str) -> str:
    """The text of the first <p> inside the element marked data-testid, unescaped."""
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</p>', page, flags=re.S)
    assert found, testid
    return html.unescape(re.sub(r"<[^>]+>", "", found[1].split("<p", 1)[-1].split(">", 1)[-1]))


def _pages(client) -> dict:
    out = {}
    for lang in LANGS:
        client.cookies["django_language"] = "zh-hans" if lang == "zh" else "en"
        for query in (
            {"zone": ZONE, "period": "2020-06"},
            {"zone": ZONE, "period": "2020-03", "halted": "3"},
            {"zone": ZONE, "period": "2019-06"},
            {"area": AREA, "period": "2020-06"},
        ):
            key = "&".join(f"{k}={v}" for k, v in query.items())
            page = client.get("/monitoring/", query).content.decode()
            out[f"dashboard?{key} {lang}"] = _testid(page, "status-paragraph")
        for month in ("2019-11", "2020-06"):
            page = client.get("/casework/overview/", {"zone": ZONE, "period": month})
            out[f"overview?period={month} {lang}"] = _testid(page.content.decode(), "difficulties")
        for period in ("2020-Q2", "2020-05"):
            answer = client.get(f"/api/v1/zones/{ZONE}/difficulties", {"period": period})
            out[f"api difficulties {period} {lang}"] = answer.json()["text"]
    return out


def render_all(client) -> dict:
    """Every paragraph of the demo, keyed by how it was asked for."""
    out = {}
    for lang in LANGS:
        for scope in (["--zone", ZONE], ["--area", AREA]):
            for month in STATUS_MONTHS:
                args = ["report", "status", *scope, "--period", month, "--lang", lang]
                out[" ".join(args)] = _command(*args)
        for month in ("2020-01", "2020-03", "2020-06"):
            for case in RECOVERY_CASES:
                args = ["recovery", "--zone", ZONE, "--through", month, *case, "--lang", lang]
                out[" ".join(args)] = _command(*args)
        args = ["recovery", "--area", AREA, "--through", "2020-06", "--lang", lang]
        out[" ".join(args)] = _command(*args)
        for period in PROBLEM_MONTHS + PROBLEM_QUARTERS:
            args = ["report", "difficulties", "--zone", ZONE, "--period", period, "--lang", lang]
            out[" ".join(args)] = _command(*args)
    return out | _pages(client)


@pytest.fixture
def rendered(demo, client_for):
    """The paragraphs of the demo as the commands, pages and API give them."""
    from zonedesk.org.models import User

    return render_all(client_for(User.objects.get(username="superadmin")))
