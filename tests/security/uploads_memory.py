"""A process that reads uploads as an import does (core.xlsx.read_first_sheet, with the default
limits) and reports its peak memory after each one, so that a test can hold every crafted file
to a stated bound without risking its own process (tests/security/test_uploads_fuzz.py).

The peak is ru_maxrss of the process itself and of the children it waited for (the memory-
limited reader of core.sheetread), above the process's own after Django's set-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, os, resource, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zonedesk.settings")
import django
django.setup()
from django.utils import translation
from zonedesk.core.xlsx import ImportRejected, read_first_sheet
import python_calamine
# A runaway file must fail this process, not the machine.
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

def peak():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) // 1024

base = peak()
print(json.dumps({"base": base}), flush=True)
for line in sys.stdin:
    with open(line.strip(), "rb") as fh:
        data = fh.read()
    with translation.override("en"):
        try:
            name, rows = read_first_sheet(data, sheet_name="enterprises")
            outcome = {"read": len(rows)}
        except ImportRejected as exc:
            outcome = {"refused": [e.reason for e in exc.errors]}
    outcome["peak"] = peak() - base
    print(json.dumps(outcome), flush=True)
"""


class Reader:
    """The reading process: `read(data)` -> {"read": rows} or {"refused": reasons}, with
    "peak" (MB above the start); AssertionError when the process died on a file."""

    def __init__(self, workdir: Path):
        self.workdir, self.count = workdir, 0
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(  # noqa: S603 - our interpreter, our script
            [sys.executable, "-c", CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        self.base = json.loads(self.proc.stdout.readline() or "{}").get("base")
        assert self.base, self.proc.stderr.read()

    def read(self, data: bytes) -> dict:
        self.count += 1
        path = self.workdir / f"upload-{self.count}"
        path.write_bytes(data)
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        path.unlink()
        assert line, f"the reading process died: {self.proc.stderr.read()[-2000:]}"
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
