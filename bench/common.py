"""Helpers shared by the benchmark scripts: timing and result rows."""

import statistics
import time
from collections.abc import Callable


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
