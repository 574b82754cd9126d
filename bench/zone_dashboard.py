"""Zone dashboard (issue 5): the production dashboard of one synthetic zone of 500 firms for its
latest month, requested through Django's test client as the zone's leader, 200 times after a
few warm-up requests; p50 and p95 of the page, and the status selector alone beside it.

The page is cached until something it shows changes (monitoring/pagecache.py), so it is
measured twice: computed (the cache emptied before each request: the first view after a write)
and repeated (the same user's page again, as the 200 requests of one session are)."""

from common import first_zone, median, percentile, row, timed, zone_leader
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import selectors
from zonedesk.monitoring.models import MonthlyFigure

TITLE = "Zone dashboard: one zone of 500 firms, the page through the test client"
REQUESTS = 200
WARM_UP = 5
TARGET = 0.150  # p95, seconds


def run(*, runs: int, sample: int, log) -> list[dict]:
    zone = first_zone()
    user = zone_leader(zone)
    firms = Enterprise.objects.filter(zone=zone)
    period = selectors.latest_period_of(firms)
    n_firms = firms.count()
    months = MonthlyFigure.objects.filter(enterprise__in=firms).values("period").distinct().count()
    url = reverse("monitoring:dashboard") + "?" + urlencode({"zone": zone.code, "period": period})
    # The smoke run (sample of a few firms) asks for fewer requests; the suite asks for 200.
    count = REQUESTS if sample >= REQUESTS else max(20, sample)
    log(f"  zone {zone.code}: {n_firms} firms, {months} months to {period}; {count} requests")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def get(address=url):
        response = client.get(address)
        if response.status_code != 200:
            raise RuntimeError(f"{address} answered {response.status_code}")
        return response

    for _ in range(WARM_UP):
        get()

    def statements():
        queries = []  # the statements of one request (Django resets its own log on each one)
        with connection.execute_wrapper(
            lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)
        ):
            size = len(get().content)
        return queries, size

    cache.clear()
    computed_queries, size = statements()

    def empty_cache(_i):
        cache.clear()  # nothing kept: the figures and the page are computed

    computed_times, _ = timed(get, count, before=empty_cache)
    c50, c95 = percentile(computed_times, 50), percentile(computed_times, 95)
    log(
        f"  page computed: p50 {c50 * 1000:.1f} ms, p95 {c95 * 1000:.1f} ms, "
        f"{len(computed_queries)} queries"
    )

    get()
    queries, _size = statements()
    times, _ = timed(get, count)
    p50, p95 = percentile(times, 50), percentile(times, 95)
    log(
        f"  page repeated: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, {len(queries)} queries"
    )

    # As a leader first opens it, from the menu: no month in the URL, so the view looks up the
    # zone's latest month first (selectors.latest_period).
    landing = reverse("monitoring:dashboard") + "?" + urlencode({"zone": zone.code})
    first_times, _ = timed(lambda: get(landing), max(runs, count // 4), before=empty_cache)
    first_p50, first_p95 = percentile(first_times, 50), percentile(first_times, 95)
    log(f"  page without a month: p50 {first_p50 * 1000:.1f} ms, p95 {first_p95 * 1000:.1f} ms")

    scope = selectors.Scope.of_zone(zone)
    status_times, _ = timed(
        lambda: selectors.status(user, scope, period, by_zone=True), max(runs, count // 4)
    )
    log(f"  status selector alone: {median(status_times) * 1000:.1f} ms")

    client.logout()
    return [
        row(
            "dashboard page, GET as the zone's leader, computed (nothing cached)",
            computed_times,
            note=f"{count} requests after {WARM_UP} warm-up ones, the cache emptied before each "
            f"(the first view after a write); {n_firms} firms, {months} months of figures, the "
            f"latest ({period}); p50 {c50 * 1000:.1f} ms, p95 {c95 * 1000:.1f} ms; "
            f"{len(computed_queries)} queries, {size / 1024:.0f} KiB of HTML",
            target=("p95 < 150 ms", c95 < TARGET),
        ),
        row(
            "dashboard page, the same user's repeated view (cached)",
            times,
            note=f"{count} requests; p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms; "
            f"{len(queries)} queries",
            target=("p95 < 150 ms", p95 < TARGET),
        ),
        row(
            "dashboard page as first opened (no month in the URL)",
            first_times,
            note=f"{len(first_times)} requests, the cache emptied before each; the view first "
            f"looks up the zone's latest month; p50 {first_p50 * 1000:.1f} ms, p95 {first_p95 * 1000:.1f} ms",
            target=("p95 < 150 ms", first_p95 < TARGET),
        ),
        row(
            "of which the status selector (monitoring.selectors.status)",
            status_times,
            note="the same zone and month, called directly: the page's time less this is the "
            "view, the chart series, the paragraph and the template",
        ),
    ]
