"""Reading a workbook's sheet in a child process whose memory is capped.

The extent checks (core.sheetlimits) bound what a file may ask for; this is the second wall, for
what they cannot foresee (a reader's own behaviour, an .xls string table): the child sets
RLIMIT_AS (and RLIMIT_CPU) on itself, reads the sheet with python-calamine and sends the rows
back pickled. A file that needs more fails the child, never the web server or the worker.

`python -m zonedesk.core.sheetread LIMIT_BYTES CPU_SECONDS SHEET` reads the file from standard
input; no Django is imported, so the child starts in a fraction of a second.
"""

import io
import logging
import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path

# The folder holding this zonedesk package, first on the child's path (a worktree or a checkout
# run in place must not have the child import another copy installed in the environment).
ROOT = str(Path(__file__).resolve().parents[2])

EXIT_UNREADABLE = 3
EXIT_MEMORY = 4


class ChildFailed(Exception):
    """The child could not read the file: `reason` is "memory", "time" or "unreadable"."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason, self.detail = reason, detail
        super().__init__(reason, detail)


def read_sheet(data: bytes, sheet_name: str | None):
    """(name, rows) of the named sheet, else the first: python-calamine, in this process."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    name = sheet_name if sheet_name in workbook.sheet_names else workbook.sheet_names[0]
    return name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)


def read_in_child(data: bytes, sheet_name: str | None, *, memory_bytes: int, cpu_seconds: int):
    """read_sheet in a child limited to `memory_bytes` of address space; ChildFailed if not."""
    command = [
        sys.executable,
        "-m",
        "zonedesk.core.sheetread",
        str(memory_bytes),
        str(cpu_seconds),
        sheet_name or "",
    ]
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            command,
            input=data,
            capture_output=True,
            timeout=cpu_seconds * 2 + 10,
            check=False,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]),
            },
        )
    except subprocess.TimeoutExpired as exc:
        raise ChildFailed("time") from exc
    if done.returncode == 0:
        return pickle.loads(done.stdout)  # noqa: S301 - written by our own child just now
    detail = done.stderr.decode("utf-8", "replace")[-500:]
    if done.returncode == EXIT_UNREADABLE:
        raise ChildFailed("unreadable", detail)
    logging.getLogger(__name__).warning("the sheet reader ended with %s", done.returncode)
    if done.returncode in (-9, -24, 137, 152) and "MemoryError" not in detail:
        raise ChildFailed("time", detail)  # SIGKILL / SIGXCPU: the CPU limit
    raise ChildFailed("memory", detail)  # MemoryError, or an allocator's abort (SIGABRT)


def _child(argv: list[str]) -> int:
    memory, cpu, sheet = int(argv[0]), int(argv[1]), argv[2] or None
    data = sys.stdin.buffer.read()
    import python_calamine  # noqa: F401 - loaded before the limit, which is for the reading

    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        result = read_sheet(data, sheet)
        out = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        sys.stderr.write("MemoryError\n")
        return EXIT_MEMORY
    except BaseException as exc:
        sys.stderr.write(str(exc)[:400])
        return EXIT_UNREADABLE
    sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
