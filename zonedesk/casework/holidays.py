"""China's public holidays and make-up working days (国务院办公厅 notices), as shipped in
data/holidays_cn.csv. Pure Python, no Django.

Only years whose official notice was checked are in the file: 2020 (国办发明电〔2019〕16号,
with the Spring Festival extended to 2 February by 国办发明电〔2020〕1号, which cancelled the
make-up working day of 1 February) and 2026 (国务院办公厅, 4 November 2025). Other years are
added in the admin or with `zonedesk casework holidays --load FILE`.
"""

import csv
import datetime as dt
from pathlib import Path

DATA = Path(__file__).parent / "data" / "holidays_cn.csv"
KINDS = ("holiday", "workday")


def read(path: Path = DATA) -> list[tuple[dt.date, str, str]]:
    """(date, kind, name) rows; a bad row raises ValueError naming its line."""
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                day = dt.date.fromisoformat(row["date"].strip())
                kind = row["kind"].strip()
                if kind not in KINDS:
                    raise ValueError(f"kind must be one of {KINDS}")
            except (KeyError, ValueError, AttributeError) as exc:
                raise ValueError(f"{path.name}, line {line}: {exc}") from exc
            rows.append((day, kind, (row.get("name") or "").strip()))
    return rows
