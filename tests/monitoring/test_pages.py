"""Monitoring pages and API through the test client: entry, confirmation, targets, exports."""

import io
import json
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.monitoring.models import AnnualTarget, FigureEvent, MonthlyFigure

pytestmark = pytest.mark.django_db
FORM = {
    "output_value_wan": "1200.5",
    "employees": "80",
    "days_halted": "0",
    "revenue_wan": "",
    "electricity_kwh": "150000",
    "water_t": "",
    "export_value_wan": "",
    "orders_wan": "",
    "capacity_utilisation_pct": "",
}


def test_firm_user_reports_and_a_correction_needs_confirming_again(world, client_for):
    firm = client_for(world.users["enterprise"])
    url = f"/monitoring/enterprises/{world.firm_a.pk}/2020-06/"
    response = firm.post(url, {**FORM, "days_halted": "31", "version": 0})
    assert response.status_code == 400
    assert "该月只有 30 天" in response.content.decode()
    assert not MonthlyFigure.objects.exists()

    assert firm.post(url, {**FORM, "version": 0}).status_code == 302
    figure = MonthlyFigure.objects.get()
    assert figure.output_value_wan == Decimal("1200.50") and figure.status == "submitted"

    officer = client_for(world.users["officer"])
    officer.post(f"{url}confirm/")
    figure.refresh_from_db()
    assert figure.status == "confirmed" and figure.confirmed_by == world.users["officer"]
    assert officer.post(f"{url}confirm/").status_code == 302  # a second click: no error

    firm.post(url, {**FORM, "employees": "81", "version": figure.version})
    figure.refresh_from_db()
    assert figure.status == "submitted" and figure.confirmed_by is None
    entry = AuditEntry.objects.filter(target_type="monitoring.monthlyfigure").order_by("-id")[0]
    assert entry.changes["employees"] == [80, 81]
    assert entry.actor == world.users["enterprise"]
    steps = FigureEvent.objects.filter(figure=figure).values_list("move", "from_state", "actor")
    assert list(steps) == [
        ("submitted", "", world.users["enterprise"].pk),
        ("confirmed", "submitted", world.users["officer"].pk),
        ("submitted", "confirmed", world.users["enterprise"].pk),
    ]


def test_a_firm_reaches_every_month_it_is_expected_to_report_the_missed_ones_marked(
    world, client_for
):
    """The firm page's month picker lists the months the firm is expected to report, from its
    start of production to the month due, the missed ones marked, each opening its form."""
    import datetime as dt

    from django.utils import timezone

    from zonedesk.core.period import Period

    due = Period.of(timezone.localdate()).previous
    started = due.shift(-5)
    world.firm_a.production_start = dt.date(started.year, started.month, 10)
    world.firm_a.save(update_fields=["production_start"])
    firm = client_for(world.users["enterprise"])
    for month in (due, due.shift(-2)):
        url = f"/monitoring/enterprises/{world.firm_a.pk}/{month}/"
        assert firm.post(url, {**FORM, "version": 0}).status_code == 302
    html = firm.get(world.firm_a.get_absolute_url()).content.decode()
    picker = html.split('data-testid="month-picker"')[1].split("</details>")[0]
    listed = [chunk.split('"')[0] for chunk in picker.split('data-testid="month-')[1:]]
    assert listed == [str(due.shift(-i)) for i in range(6)]  # from the start of production on
    missed = [
        c.split('"')[0] for c in picker.split('data-testid="month-')[1:] if "data-missed" in c
    ]
    assert missed == [str(due.shift(-1))] + [str(due.shift(-i)) for i in range(3, 6)]
    assert "4 个月未报送" in picker
    assert (
        firm.get(f"/monitoring/enterprises/{world.firm_a.pk}/{due.shift(-1)}/").status_code == 200
    )
    # A user who cannot report for the firm gets no picker.
    auditor = client_for(world.users["auditor"]).get(world.firm_a.get_absolute_url())
    assert 'data-testid="month-picker"' not in auditor.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("output_value_wan", "-1"),
        ("output_value_wan", "abc"),
        ("employees", "1.5"),
        ("orders_wan", "1e99"),
    ],
)
def test_bad_entries_are_refused_with_field_errors(world, client_for, field, value):
    response = client_for(world.users["officer"]).post(
        f"/monitoring/enterprises/{world.firm_a.pk}/2020-06/", {**FORM, field: value}
    )
    assert response.status_code == 400
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert not MonthlyFigure.objects.exists()


def test_a_future_or_impossible_month_is_not_found_or_refused(world, client_for):
    client = client_for(world.users["officer"])
    assert client.get(f"/monitoring/enterprises/{world.firm_a.pk}/2020-13/").status_code == 404
    response = client.post(f"/monitoring/enterprises/{world.firm_a.pk}/2099-01/", FORM)
    assert response.status_code == 400 and not MonthlyFigure.objects.exists()


def test_confirm_all_confirms_only_what_the_officer_may(world, client_for):
    other = factories.firm(world.zone_a, "甲三电子有限公司", officer=world.users["officer2"])
    for firm in (world.firm_a, other):
        MonthlyFigure.objects.create(
            enterprise=firm, period="2020-06-01", output_value_wan=10, employees=1
        )
    client_for(world.users["officer"]).post(
        "/monitoring/month/confirm/",
        {"zone": "zone-a", "period": "2020-06", "firm": [world.firm_a.pk, other.pk]},
    )
    statuses = dict(MonthlyFigure.objects.values_list("enterprise_id", "status"))
    assert statuses == {world.firm_a.pk: "confirmed", other.pk: "submitted"}
    steps = FigureEvent.objects.values_list("figure__enterprise", "move", "from_state", "actor")
    assert list(steps) == [(world.firm_a.pk, "confirmed", "submitted", world.users["officer"].pk)]


def test_confirm_all_asks_first_and_says_which_flagged_reports_it_leaves(world, client_for):
    """ "Confirm all" opens a confirmation step listing the reports it confirms and the ones
    flagged 请核对 (output ±50 %) that it leaves for one-by-one review; a post without the
    confirmed list confirms nothing; afterwards the result says how many were left and why."""
    for firm, may, june in ((world.firm_a, 10, 100), (world.firm_a2, 10, 11)):
        for period, value in (("2020-05-01", may), ("2020-06-01", june)):
            MonthlyFigure.objects.create(
                enterprise=firm, period=period, output_value_wan=value, employees=1
            )
    client = client_for(world.users["leader"])
    query = {"zone": "zone-a", "period": "2020-06"}

    page = client.get("/monitoring/month/", query)
    assert [r.enterprise for r in page.context["flagged"]] == [world.firm_a]
    assert b'data-testid="confirm-all-flagged"' in page.content
    assert b'href="/monitoring/month/confirm/ask/?zone=zone-a&amp;period=2020-06"' in page.content

    ask = client.get("/monitoring/month/confirm/ask/", query)
    assert [r.enterprise for r in ask.context["bulk"]] == [world.firm_a2]
    assert [r.enterprise for r in ask.context["flagged"]] == [world.firm_a]
    assert b'data-testid="confirm-all-left"' in ask.content
    assert f'name="firm" value="{world.firm_a2.pk}"'.encode() in ask.content
    assert f'name="firm" value="{world.firm_a.pk}"'.encode() not in ask.content
    assert not MonthlyFigure.objects.filter(status="confirmed").exists()

    unasked = client.post("/monitoring/month/confirm/", query)
    assert unasked.status_code == 302 and "/monitoring/month/confirm/ask/" in unasked["Location"]
    assert not MonthlyFigure.objects.filter(status="confirmed").exists()

    done = client.post(
        "/monitoring/month/confirm/",
        {**query, "firm": [world.firm_a.pk, world.firm_a2.pk]},
        follow=True,
    )
    june = dict(
        MonthlyFigure.objects.filter(period="2020-06-01").values_list("enterprise", "status")
    )
    assert june == {world.firm_a.pk: "submitted", world.firm_a2.pk: "confirmed"}
    said = [(m.level_tag, str(m)) for m in done.context["messages"]]
    assert [level for level, _text in said] == ["success", "warning"]
    assert "1" in said[0][1] and "1" in said[1][1]


def test_leader_sets_the_target_and_bad_values_are_refused(world, client_for):
    client = client_for(world.users["leader"])
    client.post(
        "/monitoring/target/",
        {"zone": "zone-a", "year": "2020", "output_growth_pct": "8", "version": "0"},
    )
    assert AnnualTarget.objects.get(zone=world.zone_a, year=2020).output_growth_pct == 8
    response = client.post(
        "/monitoring/target/",
        {"zone": "zone-a", "year": "2020", "output_growth_pct": "abc", "version": "1"},
        follow=True,
    )
    assert AnnualTarget.objects.get().output_growth_pct == 8
    assert "产值增长目标" in response.content.decode()


def test_dashboard_workbook_has_every_table(demo, client_for):
    from zonedesk.org.models import User

    client = client_for(User.objects.get(username="leader"))
    response = client.get("/monitoring/status.xlsx", {"zone": "demo", "period": "2020-06"})
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == [
        "生产经营现状",
        "主要指标",
        "产能分类",
        "趋势",
        "降幅最大",
        "未报送",
    ]
    capacity = book.get_sheet_by_name("产能分类").to_python()
    assert [r[1] for r in capacity[1:4]] == [20, 13, 14]
    trend = book.get_sheet_by_name("趋势").to_python()
    assert len(trend) == 14 and trend[-1][0] == "2020-06"


def test_dashboard_workbook_opens_with_the_paragraph_and_keeps_stocks_at_month_end(
    demo, client_for
):
    """The workbook starts with the status paragraph the page shows; in its key figures the
    year to date of a stock (employees, orders on hand) is the month-end value of the last
    month, and only flows (output, electricity...) are summed over the months."""
    from zonedesk.org.models import User

    client = client_for(User.objects.get(username="leader"))
    response = client.get("/monitoring/status.xlsx", {"zone": "demo", "period": "2020-06"})
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    paragraph = "".join(r[0] for r in book.get_sheet_by_name("生产经营现状").to_python()[1:])
    assert "在产企业 47 家" in paragraph
    assert "（其中：新开工企业拉动增长 8.61 个百分点）" in paragraph
    rows = book.get_sheet_by_name("主要指标").to_python()
    header, by_label = rows[0], {r[0]: r for r in rows[1:]}
    month, ytd, taken = header.index("本月"), header.index("本年累计"), header.index("累计口径")
    employees, orders = by_label["月末用工人数"], by_label["在手订单"]
    for stock in (employees, orders):
        assert stock[ytd] == stock[month] and stock[taken] == "2020年6月末数（时点指标）"
    output = by_label["产值"]
    assert output[ytd] > 3 * output[month] and output[taken] == "1—6月合计"


def test_the_dashboard_card_says_how_much_the_new_firms_pulled_output(demo, client_for):
    """The output card words the newly started firms' part as officials do (拉动增长 … 个百分点)."""
    from zonedesk.org.models import User

    client = client_for(User.objects.get(username="leader"))
    page = client.get("/monitoring/", {"zone": "demo", "period": "2020-06"}).content.decode()
    assert "新开工企业拉动增长 8.61 个百分点" in page and "新开工企业占" not in page


def test_pages_use_a_constant_number_of_queries(demo, client_for):
    from zonedesk.org.models import User

    client = client_for(User.objects.get(username="leader"))
    counts = []
    for period in ("2020-06", "2020-05"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/monitoring/", {"period": period}).status_code == 200
        counts.append(len(ctx))
    with CaptureQueriesContext(connection) as ctx:
        client.get("/monitoring/month/", {"zone": "demo", "period": "2020-06"})
    assert counts[0] == counts[1] and counts[0] < 30
    assert len(ctx) < 30


def test_api_status_gives_the_published_figures(demo, client_for):
    from zonedesk.org.models import User

    client = client_for(User.objects.get(username="city"))
    data = client.get("/api/v1/zones/demo/status", {"period": "2020-06"}).json()
    assert data["firms_producing"] == 47
    assert data["figures"]["output_value_wan"]["yoy_pct"] == "12.78"
    assert data["recovery"]["to_target_pct"] == "25.67"
    # Year to date: a stock (the month-end headcount) is June's value, a flow the months' sum.
    employees, output = data["figures"]["employees"], data["figures"]["output_value_wan"]
    assert employees["ytd_total"] == employees["total"]
    assert employees["ytd_yoy_pct"] == employees["yoy_pct"] == "6.28"
    assert Decimal(output["ytd_total"]) > 3 * Decimal(output["total"])
    assert client.get("/api/v1/zones/demo/status", {"period": "June"}).status_code == 400
    area = client.get("/api/v1/areas/511700/status", {"period": "2020-06"}).json()
    assert area["firms_producing"] == 47 and area["scope"]["kind"] == "area"


def test_api_reports_and_confirms_figures(world, client_for):
    firm = client_for(world.users["enterprise"])
    firm.handler.enforce_csrf_checks = False
    url = f"/api/v1/firms/{world.firm_a.pk}/figures/2020-06"
    body = {"output_value_wan": "99.50", "employees": 9, "days_halted": 31}
    response = firm.put(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and "days_halted" in response.json()["errors"]
    body["days_halted"] = 3
    assert firm.put(url, json.dumps(body), content_type="application/json").status_code == 200
    assert firm.post(f"{url}/confirm").status_code == 403
    officer = client_for(world.users["officer"])
    assert officer.post(f"{url}/confirm").json()["status"] == "confirmed"
    # Confirming again (a repeated request) answers as the first time and takes no step.
    assert officer.post(f"{url}/confirm").json()["status"] == "confirmed"
    assert firm.post(f"{url}/confirm").status_code == 403
    assert list(FigureEvent.objects.values_list("move", flat=True)) == ["submitted", "confirmed"]
    listed = firm.get(f"/api/v1/firms/{world.firm_a.pk}/figures").json()
    assert listed[0]["period"] == "2020-06" and listed[0]["output_value_wan"] == "99.50"


@pytest.mark.parametrize(
    "url",
    [
        "/monitoring/?period=1900-06",
        "/monitoring/?period=2000-01",
        "/monitoring/?period=2020-06&halted=%C2%B2",
        "/monitoring/?period=2020-06&halted=99",
        "/monitoring/month/?period=1900-06",
        "/monitoring/status.xlsx?period=1901-01",
        "/monitoring/?area=511723",
    ],
)
def test_odd_parameters_never_give_a_500(world, client_for, url):
    assert client_for(world.users["leader"]).get(url).status_code in (200, 404)


def test_months_out_of_range_are_refused_everywhere(world, client_for):
    client = client_for(world.users["officer"])
    client.handler.enforce_csrf_checks = False
    assert client.get(f"/monitoring/enterprises/{world.firm_a.pk}/1900-01/").status_code == 404
    body = {"output_value_wan": "1", "employees": 1}
    response = client.put(
        f"/api/v1/firms/{world.firm_a.pk}/figures/1900-01",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 400 and not MonthlyFigure.objects.exists()
    assert client.get("/api/v1/zones/zone-a/status?period=1900-06").status_code == 400


def test_confirm_all_refuses_a_bad_month_and_changes_nothing(world, client_for):
    MonthlyFigure.objects.create(
        enterprise=world.firm_a, period="2020-06-01", output_value_wan=1, employees=1
    )
    response = client_for(world.users["officer"]).post(
        "/monitoring/month/confirm/", {"zone": "zone-a", "period": "garbage"}
    )
    assert response.status_code == 400
    assert MonthlyFigure.objects.get().status == "submitted"


def test_the_falls_sheet_names_every_firm(demo, client_for):
    from zonedesk.org.models import User

    client = client_for(User.objects.get(username="leader"))
    response = client.get("/monitoring/status.xlsx", {"zone": "demo", "period": "2020-06"})
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    falls = book.get_sheet_by_name("降幅最大").to_python()[1:]
    assert len(falls) > 10 and all("有限公司" in row[0] for row in falls)


def test_a_zone_leader_lands_on_the_dashboard_others_on_the_overview(world, client):
    for username, target in (("leader", "/monitoring/"), ("officer", "/"), ("enterprise", "/")):
        user = world.users[username]
        user.set_password("pw-landing-1")
        user.save()
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": username, "password": "pw-landing-1"}, follow=True
        )
        assert response.redirect_chain[-1][0] == target, username


def _producing(response) -> int:
    html = response.content.decode()
    return int(html.split('data-testid="producing">', 1)[1].split("<", 1)[0])


def test_the_dashboard_is_computed_once_and_follows_every_write(
    demo, client_for, django_capture_on_commit_callbacks
):
    """The figures are cached per zone version: the second request reads no figures, and a
    figure, a firm's name or the target changed in between shows on the next request (the
    versions change when a write commits: run here as the commit would)."""
    import dataclasses

    from zonedesk.core.period import Period
    from zonedesk.enterprises import services as enterprise_services
    from zonedesk.enterprises.models import Enterprise
    from zonedesk.monitoring import selectors, services
    from zonedesk.org.models import User, Zone

    client = client_for(User.objects.get(username="leader"))
    june = {"period": "2020-06"}
    with CaptureQueriesContext(connection) as first:
        before = client.get("/monitoring/", june)
    with CaptureQueriesContext(connection) as second:
        again = client.get("/monitoring/", june)
    assert again.content.decode().count("data-testid") == before.content.decode().count(
        "data-testid"
    )
    assert _producing(again) == _producing(before) == 47
    figures_read = [q["sql"] for q in second.captured_queries if "monthlyfigure" in q["sql"]]
    assert figures_read == [] and len(second) < len(first) - 5

    # A figure: a producing firm reports no output.
    figure = MonthlyFigure.objects.filter(
        enterprise__zone__code="demo", period="2020-06-01", output_value_wan__gt=0
    ).first()
    data = services.FigureData(
        **{f.name: getattr(figure, f.name) for f in dataclasses.fields(services.FigureData)}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.figure_save(
            actor=SYSTEM,
            enterprise=figure.enterprise,
            period=Period(2020, 6),
            data=dataclasses.replace(data, output_value_wan=Decimal(0)),
        )
    assert _producing(client.get("/monitoring/", june)) == 46

    # A firm's name (a single save: the Enterprise signal), the largest fall of the month.
    leader = User.objects.get(username="leader")
    st = selectors.status(leader, selectors.scope_for(leader, zone="demo"), Period(2020, 6))
    fallen = Enterprise.objects.get(pk=st.summary.top_falls(1)[0].firm_id)
    old_name = fallen.name
    assert old_name in client.get("/monitoring/", june).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_services.enterprise_update(
            actor=SYSTEM,
            enterprise=fallen,
            data=replace(
                enterprise_services.EnterpriseData.of(fallen), name="改名后的企业（合成）"
            ),
        )
    renamed = client.get("/monitoring/", june).content.decode()
    assert "改名后的企业（合成）" in renamed and old_name not in renamed

    # The target: what is needed to reach it changes.
    def to_target(html):
        return html.split('data-testid="to-target">', 1)[1].split("<", 1)[0]

    with django_capture_on_commit_callbacks(execute=True):
        services.target_set(
            actor=SYSTEM,
            zone=Zone.objects.get(code="demo"),
            year=2020,
            output_growth_pct=Decimal(30),
        )
    assert to_target(client.get("/monitoring/", june).content.decode()) != to_target(renamed)

    # A write that rolls back changes no version: the cached page stays.
    from zonedesk.monitoring.models import ZoneVersion

    versions = list(ZoneVersion.objects.values_list("zone_id", "version"))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.target_set(
            actor=SYSTEM,
            zone=Zone.objects.get(code="demo"),
            year=2020,
            output_growth_pct=Decimal(5),
        )
        raise RuntimeError("rolled back")
    assert list(ZoneVersion.objects.values_list("zone_id", "version")) == versions


def _token(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def test_a_cached_page_is_one_users_own(demo):
    """The same browser (its CSRF cookie) signed in as another user never gets the first
    user's cached page, and each page's form posts with its user's token."""
    from django.test import Client

    from zonedesk.org import services as org_services
    from zonedesk.org.models import Role, User, Zone

    leader = User.objects.get(username="leader")
    other = org_services.user_create(
        actor=SYSTEM,
        username="leader-two",
        password="x-zonedesk-test-1",
        roles=[Role.LEADER],
        zone=Zone.objects.get(code="demo"),
        full_name="第二位主任（合成）",
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    june = {"period": "2020-06"}
    client.get("/monitoring/", june)  # sets the CSRF cookie
    client.get("/monitoring/", june)  # with it: the page is kept
    with CaptureQueriesContext(connection) as cached:
        first = client.get("/monitoring/", june).content.decode()
    # the page cache answered (one of these queries asks whether the user has a second factor:
    # org.mfa_middleware; one counts their unread notifications, part of the key: the badge;
    # one sums the key projects' forecast by month, part of the key too: a re-plan is no
    # monitoring write)
    assert len(cached) <= 9 and str(leader) in first
    client.force_login(other)
    second = client.get("/monitoring/", june).content.decode()
    assert "第二位主任（合成）" in second and str(leader) not in second
    response = client.post(
        "/monitoring/target/",
        {
            "zone": "demo",
            "period": "2020-06",
            "year": "2020",
            "output_growth_pct": "7",
            "version": second.split('name="version" value="', 1)[1].split('"', 1)[0],
            "csrfmiddlewaretoken": _token(second),
        },
    )
    assert response.status_code == 302
    assert AnnualTarget.objects.get(zone__code="demo", year=2020).output_growth_pct == 7


def test_a_page_with_a_message_to_show_is_never_served_from_the_cache(demo, client_for):
    from zonedesk.org.models import User

    client = client_for(User.objects.get(username="leader"))
    june = {"period": "2020-06"}
    client.get("/monitoring/", june)
    client.get("/monitoring/", june)  # cached now
    # A month that is not one: the page warns, then shows the latest month.
    warned = client.get("/monitoring/", {"period": "2020-13"}).content.decode()
    assert "2020-13" in warned and "不是" in warned
    client.post("/monitoring/target/", {"zone": "demo", "year": "2020", "output_growth_pct": "9"})
    after = client.get("/monitoring/", june).content.decode()
    assert 'role="alert"' in after  # the target's confirmation, shown once
    assert 'role="alert"' not in client.get("/monitoring/", june).content.decode()


def test_the_scope_select_is_named_for_what_it_chooses(world, client_for):
    """Found on the outside walk: the 规上/规下/全部 select was read out as "企业数"."""
    import re

    from django.utils import translation
    from django.utils.translation import gettext as _

    client = client_for(world.users["leader"])
    with translation.override("zh-hans"):
        label = _("Statistical scope")
    for url in ("/monitoring/", "/monitoring/alerts/"):
        page = client.get(url, {"zone": "zone-a", "period": "2020-06"}).content.decode()
        select = re.search(r'<select[^>]*data-testid="size-select"[^>]*>', page).group(0)
        assert f'aria-label="{label}"' in select and "企业数" not in select, url
