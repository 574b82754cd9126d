"""Helpers shared by the benchmark scripts: timing and result rows."""

import statistics
import time
from collections.abc import Callable

from zonedesk.core.actors import SYSTEM


def timed(fn: Callable, runs: int, *, before: Callable | None = None) -> tuple[list[float], object]:
    """Seconds of `runs` calls of fn (after an untimed `before(i)` each), and the last result."""
    times, result = [], None
    for i in range(runs):
        if before is not None:
            before(i)
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def median(times: list[float]) -> float:
    return statistics.median(times)


def row(
    figure: str,
    times: list[float],
    *,
    note: str = "",
    limit: float | None = None,
    instead: float | None = None,
    target: tuple[str, bool] | None = None,
) -> dict:
    """One line of the report: a figure's run times and what it is compared with."""
    return {
        "figure": figure,
        "times": times,
        "note": note,
        "limit": limit,
        "instead": instead,
        "target": target,
    }


def reset_peak_rss() -> bool:
    """Start a new peak-RSS measurement for this process (Linux: /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def peak_rss_mib() -> float:
    """The process's peak RSS since reset_peak_rss() (or since it started), in MiB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def first_zone():
    """The first synthetic zone (500 firms at any scale of 500 or more)."""
    from zonedesk.demo import scale
    from zonedesk.org.models import Zone

    return Zone.objects.filter(area__code__startswith=scale.PROVINCE[:2]).order_by("code").first()


def zone_leader(zone):
    """A leader of `zone` to request its pages as, created once and kept with the bench data
    (a leader sees the whole zone and may set its target: the dashboard's fullest form)."""
    import secrets

    from zonedesk.org import selectors, services
    from zonedesk.org.models import Role

    username = f"bench-leader-{zone.code}"
    user = selectors.user_for_command(username)
    if user is None:
        user = services.user_create(
            actor=SYSTEM,
            username=username,
            password=secrets.token_urlsafe(24) + "Aa1-",  # four classes whatever the draw
            roles=[Role.LEADER],
            zone=zone,
            full_name="基准测试园区领导",
        )
    return user


def percentile(times: list[float], q: float) -> float:
    """The q-th percentile (0-100) of `times`, nearest rank."""
    ordered = sorted(times)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def key_projects(log) -> int:
    """The synthetic key projects (scale.generate_projects: one for every ten synthetic firms,
    30 nodes each), generated once per database and kept for the project benchmarks."""
    from django.db import connection
    from django.utils import timezone

    from zonedesk.demo import scale
    from zonedesk.projects.models import Project

    wanted = max(1, int(scale.exists() * scale.PROJECTS_PER_FIRM))
    present = scale.projects_exist()
    if present != wanted:
        if present:
            Project.objects.filter(zone__area__code__startswith=scale.PROVINCE[:2]).delete()
        scale.generate_projects(wanted, today=timezone.localdate())
        with connection.cursor() as cursor:  # planner statistics (VACUUM: not in a transaction)
            cursor.execute("ANALYZE projects_project")
            cursor.execute("ANALYZE projects_projectnode")
        log(f"  generated {wanted:,} projects x {scale.PROJECT_NODES} nodes")
    return wanted
