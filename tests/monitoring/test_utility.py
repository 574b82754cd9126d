"""Utility data: a firm's power and water account numbers, the companies' monthly sheets
imported as they send them (all or nothing, matched by account number, previewed, a re-import
replacing the accounts it lists) and the consumption index against the pre-epidemic month."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tests import factories
from tests.factories import POWER_HEADER, WATER_HEADER, utility_accounts, utility_sheet
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.core.xlsx import ImportRejected
from zonedesk.monitoring import selectors, services, utility_imports
from zonedesk.monitoring.models import MonthlyFigure, UtilityAccount, UtilityReading
from zonedesk.monitoring.schemas import status_dict
from zonedesk.reports.sections import status as status_section

pytestmark = pytest.mark.django_db
TITLE = "国网开江县供电公司 2020年6月 大工业用户用电量明细"


def _power_rows(rows):
    """(户号, 户名, 抄表年月, kWh) as the company's wider row."""
    return [
        [
            i + 1,
            number,
            name,
            "开江县经开区",
            month,
            kwh,
            round(kwh * 0.6, 2) if isinstance(kwh, int | float) else None,
        ]
        for i, (number, name, month, kwh) in enumerate(rows)
    ]


def _import(world, rows, *, kind="power", user=None, header=None, replace_month=False, **sheet):
    data = utility_sheet(
        header or (POWER_HEADER if kind == "power" else WATER_HEADER),
        _power_rows(rows) if kind == "power" and header is None else rows,
        **sheet,
    )
    return services.utility_import(
        actor=user or world.users["admin"],
        zone=world.zone_a,
        kind=kind,
        fileobj=data,
        replace_month=replace_month,
    )


def _rejected(world, rows, **kw) -> list:
    before = UtilityReading.objects.count()
    with translation.override("en"), pytest.raises(ImportRejected) as caught:
        _import(world, rows, **kw)
    assert UtilityReading.objects.count() == before  # nothing half-lands
    return [(e.row, e.column, e.value, e.reason) for e in caught.value.errors]


class TestAccounts:
    def test_accounts_are_set_per_kind_audited_and_move_the_firms_version(self, world):
        """Given a firm at version v, when its power and water numbers are set, then they are
        stored per kind, the firm is at v+1 and one audit entry records both sets."""
        firm = world.firm_a
        version = firm.version
        changed = services.utility_accounts_set(
            actor=world.users["officer"],
            enterprise=firm,
            power=[" 3100123456 ", "3100123457", "3100123456"],
            water=["８８０１"],  # full-width digits as an input method types them
            expected_version=version,
        )
        assert changed
        got = selectors.utility_accounts(world.users["officer"], enterprise=firm)
        assert got == {"power": ["3100123456", "3100123457"], "water": ["8801"]}
        firm.refresh_from_db()
        assert firm.version == version + 1
        entry = AuditEntry.objects.filter(target_id=str(firm.pk), action="update").first()
        assert entry.changes == {
            "power_accounts": [[], ["3100123456", "3100123457"]],
            "water_accounts": [[], ["8801"]],
        }

    def test_a_save_on_an_old_version_is_refused_and_changes_nothing(self, world):
        firm = world.firm_a
        old = firm.version
        utility_accounts(firm, power=["1001"])
        with pytest.raises(StaleVersion):
            services.utility_accounts_set(
                actor=world.users["admin"],
                enterprise=firm,
                power=["2002"],
                water=[],
                expected_version=old,
            )
        assert list(UtilityAccount.objects.values_list("number", flat=True)) == ["1001"]

    def test_a_number_held_by_another_firm_of_the_kind_is_refused(self, world):
        """Unique per kind: the same digits may be a power and a water account."""
        utility_accounts(world.firm_b, power=["5555"])
        with translation.override("en"), pytest.raises(ValidationFailed) as caught:
            services.utility_accounts_set(
                actor=SYSTEM, enterprise=world.firm_a, power=["5555"], water=[]
            )
        assert "another firm" in caught.value.errors["power_accounts"][0]
        utility_accounts(world.firm_a, water=["5555"])
        assert UtilityAccount.objects.filter(number="5555").count() == 2

    def test_a_malformed_number_is_refused(self, world):
        with pytest.raises(ValidationFailed) as caught:
            services.utility_accounts_set(
                actor=SYSTEM, enterprise=world.firm_a, power=["31/0012"], water=[]
            )
        assert "power_accounts" in caught.value.errors

    def test_only_the_firms_officials_may_edit(self, world):
        for name in ("officer2", "enterprise", "auditor", "officer_b"):
            with pytest.raises(PermissionDenied):
                services.utility_accounts_set(
                    actor=world.users[name], enterprise=world.firm_a, power=["1"], water=[]
                )
        assert not UtilityAccount.objects.exists()

    def test_recording_a_number_matches_the_stored_readings_and_removing_it_unmatches(self, world):
        _import(world, [("7001", "甲一机械", "2020-05", 1000)])
        reading = UtilityReading.objects.get()
        assert reading.enterprise_id is None
        utility_accounts(world.firm_a, power=["7001"])
        reading.refresh_from_db()
        assert reading.enterprise_id == world.firm_a.pk
        utility_accounts(world.firm_a, power=[])
        reading.refresh_from_db()
        assert reading.enterprise_id is None


class TestImport:
    def test_the_companys_sheet_is_read_as_sent_and_matched_by_account(self, world):
        """A title row, extra columns and the totals line are passed over; readings of the
        zone's firms' accounts are matched, the others kept and listed."""
        utility_accounts(world.firm_a, power=["3100000001"])
        utility_accounts(world.firm_a2, power=["3100000002"])
        utility_accounts(world.firm_b, power=["3100000009"])  # a firm of another zone
        result = _import(
            world,
            [
                ("3100000001", "甲一机械有限公司", "2020-06", 125000.5),
                ("3100000002", "甲二食品有限公司", "202006", 80000),
                ("3100000003", "开江经开区管委会", "2020年6月", 3000),
                ("3100000009", "乙一电子", "2020/6", 10),
            ],
            title=TITLE,
            total=True,
        )
        assert (result.created, result.updated, result.unchanged, result.removed) == (4, 0, 0, 0)
        assert result.periods == (Period(2020, 6),)
        assert result.matched == 2
        assert [(u.account_number, u.account_name) for u in result.unmatched] == [
            ("3100000003", "开江经开区管委会"),
            ("3100000009", "乙一电子"),
        ]
        stored = {
            r.account_number: (r.enterprise_id, r.electricity_kwh, r.water_t)
            for r in UtilityReading.objects.all()
        }
        assert stored == {
            "3100000001": (world.firm_a.pk, Decimal("125000.50"), None),
            "3100000002": (world.firm_a2.pk, Decimal("80000.00"), None),
            "3100000003": (None, Decimal("3000.00"), None),
            "3100000009": (None, Decimal("10.00"), None),
        }

    @pytest.mark.parametrize("label", ["合计", "总 计", "小计：", "Total"])
    def test_a_totals_row_labelled_in_the_account_column_is_passed_over(self, world, label):
        """The usual supplier layout writes 合计 in the 户号 column with the month left empty
        and the sum in the consumption column: that line is the total, not a reading."""
        rows = [
            ["3100000001", "甲一机械有限公司", "2020-06", 125000.5],
            ["3100000002", "甲二食品有限公司", "2020-06", 80000],
            [label, None, None, 205000.5],
        ]
        result = _import(
            world, rows, header=["户号", "户名", "抄表年月", "用电量(千瓦时)"], title=TITLE
        )
        assert result.created == 2
        assert sorted(UtilityReading.objects.values_list("account_number", flat=True)) == [
            "3100000001",
            "3100000002",
        ]

    def test_a_totals_label_with_a_month_is_still_refused(self, world):
        """A row naming a month is a reading: a 合计 account number there is a mistake to show."""
        errors = _rejected(
            world,
            [["合计", "某户", "2020-06", 5]],
            header=["户号", "户名", "抄表年月", "用电量(千瓦时)"],
        )
        assert [e[1] for e in errors] == ["户号"]

    @pytest.mark.parametrize(
        "header",
        [
            ["户号", "户名", "抄表年月", "用电量(千瓦时)"],
            ["用户编号", "户名", "月份", "电量"],
            ["户号", "户名", "月份", "用电量（千瓦时）"],
            [" 用户编号 ", "用户名称", "抄表年月", "用电量(kWh)"],
            ["Account number", "Account name", "Month", "Electricity (kWh)"],
        ],
    )
    def test_header_variants_of_power_sheets(self, world, header):
        result = _import(world, [["42", "某户", "2020-06", 7]], header=header)
        assert result.created == 1
        assert UtilityReading.objects.get().electricity_kwh == 7

    def test_a_water_sheet_reads_tonnes(self, world):
        utility_accounts(world.firm_a, water=["W-01"])
        rows = [["W-01", "甲一机械", dt.date(2020, 6, 1), 321.5], ["W-02", "某户", "2020-06", 1]]
        result = _import(world, rows, kind="water")
        assert result.matched == 1
        r = UtilityReading.objects.get(account_number="W-01")
        assert (r.kind, r.water_t, r.electricity_kwh, r.enterprise_id) == (
            "water",
            Decimal("321.50"),
            None,
            world.firm_a.pk,
        )

    def test_a_water_sheet_uploaded_as_power_is_refused(self, world):
        errors = _rejected(
            world, [["1", "某户", "2020-06", 5]], header=["户号", "户名", "月份", "用水量(吨)"]
        )
        assert [e[1] for e in errors] == ["用水量(吨)", "Electricity (kWh)"]
        assert "water" in errors[0][3].lower() and "missing" in errors[1][3]

    def test_bad_rows_are_refused_all_or_nothing_each_named(self, world):
        """An unknown month, a negative kWh and an account twice in one month: every problem
        with its row, column, value and reason; not one reading is stored."""
        errors = _rejected(
            world,
            [
                ("1001", "甲", "2020-06", 10),  # good
                ("1002", "乙", "2020-13", 10),  # no such month
                ("1003", "丙", "六月", 10),  # not a month
                ("1004", "丁", "2020-06", -5),  # negative
                ("1001", "甲", "2020-06", 11),  # the same account again in June
                ("1005", "戊", "2020-06", "很多"),  # not a number
            ],
            title=TITLE,
        )
        assert errors == [
            (4, "抄表年月", "2020-13", "Not a month: write YYYY-MM, e.g. 2020-06."),
            (5, "抄表年月", "六月", "Not a month: write YYYY-MM, e.g. 2020-06."),
            (6, "用电量(千瓦时)", "-5", "Cannot be negative."),
            (7, "户号", "1001", "The same account is on row 3 for 2020-06."),
            (8, "用电量(千瓦时)", "很多", "Not a number."),
        ]

    def test_a_bidirectional_override_in_the_name_is_refused(self, world):
        errors = _rejected(world, [("1001", "甲\u202e机械", "2020-06", 10)])
        assert [(e[0], e[1]) for e in errors] == [(2, "户名")]

    def test_the_same_account_in_two_months_is_two_readings(self, world):
        result = _import(world, [("1001", "甲", "2020-05", 1), ("1001", "甲", "2020-06", 2)])
        assert result.created == 2 and result.periods == (Period(2020, 5), Period(2020, 6))

    def test_a_month_not_yet_ended_is_refused(self, world):
        this_month = Period.of(timezone.localdate())
        errors = _rejected(world, [("1", "甲", str(this_month), 1)])
        assert errors[0][1] == "抄表年月" and "not ended" in errors[0][3]

    def test_the_error_report_is_in_chinese_for_a_chinese_user(self, world):
        with translation.override("zh-hans"), pytest.raises(ImportRejected) as caught:
            _import(world, [("1", "甲", "2020-06", -1)])
        (error,) = caught.value.errors
        assert (error.row, error.column, error.value) == (2, "用电量(千瓦时)", "-1")
        assert error.reason == "不能为负数。"  # the month's sheet's message, translated already

    def test_a_file_that_is_not_a_spreadsheet_is_refused(self, world):
        with pytest.raises(ImportRejected):
            services.utility_import(
                actor=world.users["admin"], zone=world.zone_a, kind="power", fileobj=b"a,b\n"
            )

    def test_a_sheet_asking_for_a_billion_cells_is_refused_before_it_is_read(self, world):
        """The extent limits of every import (core.sheetlimits) guard this one too."""
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(POWER_HEADER)
        sheet.cell(row=1_048_576, column=16_384, value="x")
        out = io.BytesIO()
        book.save(out)
        with translation.override("en"), pytest.raises(ImportRejected) as caught:
            services.utility_import(
                actor=world.users["admin"], zone=world.zone_a, kind="power", fileobj=out.getvalue()
            )
        assert "reaches row 1048576 and column 16384" in caught.value.errors[0].reason
        assert caught.value.errors[0].row == 0  # the file, not a row
        assert not UtilityReading.objects.exists()

    def test_a_sheet_without_an_account_column_is_refused(self, world):
        errors = _rejected(world, [["x", "2020-06", 1]], header=["名称", "月份", "电量"])
        assert errors[0][1] == "Account number"

    def test_re_import_of_the_same_month_replaces_it_and_is_idempotent(self, world):
        """The same file twice changes nothing (no audit entry either); a corrected file for
        the month, with the whole month replaced, updates, adds and removes readings so the
        month is exactly the file."""
        utility_accounts(world.firm_a, power=["1001"])
        rows = [("1001", "甲", "2020-06", 100), ("1002", "乙", "2020-06", 50)]
        _import(world, rows)
        _import(world, [("1001", "甲", "2020-05", 90)])  # another month: untouched below
        entries = AuditEntry.objects.count()
        again = _import(world, rows)
        assert (again.created, again.updated, again.unchanged, again.removed) == (0, 0, 2, 0)
        assert AuditEntry.objects.count() == entries
        last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
        corrected = _import(
            world,
            [("1001", "甲", "2020-06", 120), ("1003", "丙", "2020-06", 5)],
            replace_month=True,
        )
        assert (corrected.created, corrected.updated, corrected.unchanged) == (1, 1, 0)
        assert corrected.removed == 1
        june = dict(
            UtilityReading.objects.filter(period="2020-06-01").values_list(
                "account_number", "electricity_kwh"
            )
        )
        assert june == {"1001": Decimal(120), "1003": Decimal(5)}
        assert UtilityReading.objects.filter(period="2020-05-01").count() == 1
        actions = list(
            AuditEntry.objects.filter(
                target_type="monitoring.utilityreading", seq__gt=last
            ).values_list("action", flat=True)
        )
        assert sorted(actions) == ["create", "delete", "update"]

    def test_a_partial_sheet_replaces_only_the_accounts_it_lists(self, world):
        """Some accounts of a month uploaded again: theirs are updated or added, the month's
        other accounts are kept (and counted as kept); nothing is removed."""
        _import(world, [("1001", "甲", "2020-06", 100), ("1002", "乙", "2020-06", 50)])
        partial = _import(world, [("1001", "甲", "2020-06", 120), ("1003", "丙", "2020-06", 7)])
        assert (partial.created, partial.updated, partial.removed, partial.kept) == (1, 1, 0, 1)
        june = dict(
            UtilityReading.objects.filter(period="2020-06-01").values_list(
                "account_number", "electricity_kwh"
            )
        )
        assert june == {"1001": Decimal(120), "1002": Decimal(50), "1003": Decimal(7)}

    def test_the_preview_says_what_changes_and_writes_nothing(self, world):
        """Per account and month: new, updated (stored → file), unchanged, and the stored
        readings the file does not list; confirming the preview's readings stores them."""
        utility_accounts(world.firm_a, power=["1001"])
        _import(world, [("1001", "甲", "2020-06", 100), ("1002", "乙", "2020-06", 50)])
        entries = AuditEntry.objects.count()
        data = utility_sheet(
            POWER_HEADER,
            _power_rows([("1001", "甲", "2020-06", 120), ("1003", "丙", "2020-06", 7)]),
        )
        admin = world.users["admin"]
        preview = services.utility_import_preview(
            actor=admin, zone=world.zone_a, kind="power", fileobj=data
        )
        assert [(r.account_number, r.change, r.old, r.new) for r in preview.rows] == [
            ("1001", "updated", Decimal(100), Decimal(120)),
            ("1003", "new", None, Decimal(7)),
        ]
        assert preview.rows[0].firm == world.firm_a.name
        assert [(r.account_number, r.change, r.old) for r in preview.others] == [
            ("1002", "kept", Decimal(50))
        ]
        assert AuditEntry.objects.count() == entries
        assert UtilityReading.objects.get(account_number="1001").electricity_kwh == 100

        result = services.utility_import(
            actor=admin,
            zone=world.zone_a,
            kind="power",
            readings=preview.readings,
            replace_month=True,
            expected_stored=preview.stored,
        )
        assert (result.created, result.updated, result.removed, result.kept) == (1, 1, 1, 0)
        assert sorted(UtilityReading.objects.values_list("account_number", flat=True)) == [
            "1001",
            "1003",
        ]

    def test_a_preview_whose_stored_readings_changed_is_not_imported(self, world):
        _import(world, [("1001", "甲", "2020-06", 100)])
        data = utility_sheet(POWER_HEADER, _power_rows([("1001", "甲", "2020-06", 120)]))
        admin = world.users["admin"]
        preview = services.utility_import_preview(
            actor=admin, zone=world.zone_a, kind="power", fileobj=data
        )
        _import(world, [("1002", "乙", "2020-06", 9)])  # another upload in between
        with pytest.raises(ValidationFailed):
            services.utility_import(
                actor=admin,
                zone=world.zone_a,
                kind="power",
                readings=preview.readings,
                expected_stored=preview.stored,
            )
        assert UtilityReading.objects.get(account_number="1001").electricity_kwh == 100

    def test_power_and_water_of_one_month_are_kept_apart(self, world):
        _import(world, [("1", "甲", "2020-06", 10)])
        _import(world, [["1", "甲", "2020-06", 3]], kind="water")
        assert UtilityReading.objects.count() == 2

    def test_only_the_zones_managers_may_import(self, world):
        for name in ("officer", "enterprise", "auditor", "officer_b"):
            with pytest.raises(PermissionDenied):
                _import(world, [("1", "甲", "2020-06", 10)], user=world.users[name])
        assert not UtilityReading.objects.exists()

    def test_the_template_is_read_back_in_either_language(self, world):
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                data = utility_imports.template_bytes("power")
            book = openpyxl.load_workbook(io.BytesIO(data))
            sheet = book.worksheets[0]
            sheet.append(["9001", "某户", "2020-06", 12.5])
            out = io.BytesIO()
            book.save(out)
            result = services.utility_import(
                actor=SYSTEM, zone=world.zone_a, kind="power", fileobj=out.getvalue()
            )
            assert result.rows == 1
        assert UtilityReading.objects.get().electricity_kwh == Decimal("12.50")

    def test_the_template_downloads_under_a_chinese_name(self, world, client_for):
        """Found on the outside walk: the template came as 抄表数据-power.xlsx."""
        client = client_for(world.users["leader"])
        names = {}
        for kind in ("power", "water"):
            response = client.post("/monitoring/utility/template.xlsx", {"kind": kind})
            names[kind] = response["Content-Disposition"]
        assert "power" not in names["power"] and "water" not in names["water"]
        with translation.override("zh-hans"):
            expected = {k: f"{utility_imports.sheet_name(k)}.xlsx" for k in names}
        assert expected == {"power": "用电抄表数据.xlsx", "water": "用水抄表数据.xlsx"}
        from urllib.parse import quote

        for kind, header in names.items():
            assert quote(expected[kind]) in header or expected[kind] in header

    def test_the_preview_formats_the_readings(self, world, client_for):
        """Found on the outside walk: "256920.31" in the preview; 256,920.31 as elsewhere."""
        UtilityReading.objects.create(
            zone=world.zone_a,
            kind="power",
            period="2020-06-01",
            account_number="3100000001",
            electricity_kwh=Decimal("1000"),
        )
        client = client_for(world.users["leader"])
        upload = io.BytesIO(
            utility_sheet(POWER_HEADER, _power_rows([("3100000001", "甲", "2020-06", 256920.31)]))
        )
        upload.name = "power.xlsx"
        page = client.post(
            "/monitoring/utility/import/", {"zone": "zone-a", "kind": "power", "file": upload}
        ).content.decode()
        row = page.split('data-testid="change-3100000001-2020-06"')[1].split("</tr>")[0]
        assert "256,920.31" in row and "1,000.00" in row and "256920.31" not in row
        assert "2020年6月" in page.split('data-testid="utility-preview"')[1].split("</h3>")[0]


class TestIndex:
    def _readings(self, world):
        """firm_a: 1000 kWh in June 2019, 900 in June 2020; firm_a2: 500 then 650; an unmatched
        account that would move the index if it counted; water for firm_a only."""
        utility_accounts(world.firm_a, power=["P1"], water=["W1"])
        utility_accounts(world.firm_a2, power=["P2"])
        _import(
            world,
            [
                ("P1", "甲", "2019-06", 1000),
                ("P2", "乙", "2019-06", 500),
                ("P1", "甲", "2020-06", 900),
                ("P2", "乙", "2020-06", 650),
                ("X9", "管委会", "2020-06", 99999),
                ("P1", "甲", "2020-05", 1),
            ],
        )
        _import(world, [["W1", "甲", "2019-06", 40], ["W1", "甲", "2020-06", 30]], kind="water")

    def test_the_index_is_this_months_readings_over_the_base_years_month(self, world):
        """(900 + 650) / (1000 + 500) = 103.33 %; water 30 / 40 = 75 %."""
        self._readings(world)
        scope = selectors.Scope.of_zone(world.zone_a)
        index = selectors.utility_index(world.users["leader"], scope, Period(2020, 6))
        power, water = index["power"], index["water"]
        assert (power.current, power.base_value) == (Decimal(1550), Decimal(1500))
        assert (power.accounts, power.base_accounts, power.base) == (2, 2, Period(2019, 6))
        assert power.share.quantize(Decimal("0.0001")) == Decimal("1.0333")
        assert water.share == Decimal("0.75")

    def test_the_dashboard_names_the_base_month_in_chinese(self, world, client_for):
        """Found on the outside walk: "为疫情前 2019-06 的" in the index's card."""
        self._readings(world)
        for period in ("2019-06-01", "2020-06-01"):
            MonthlyFigure.objects.create(
                enterprise=world.firm_a, period=period, output_value_wan=1, employees=1
            )
        page = client_for(world.users["leader"]).get(
            "/monitoring/", {"zone": "zone-a", "period": "2020-06"}
        )
        card = page.content.decode().split('data-testid="utility-index-power"')[1]
        card = card.split("</div></div></div>")[0]
        assert "为疫情前 2019年6月 的" in card and "2019-06" not in card

    def test_the_firms_page_shows_its_own_figures_beside_the_companies_readings(self, world):
        self._readings(world)
        MonthlyFigure.objects.create(
            enterprise=world.firm_a,
            period="2020-06-01",
            output_value_wan=1,
            employees=1,
            electricity_kwh=850,
        )
        months = selectors.firm_utility_months(world.users["officer"], enterprise=world.firm_a)
        assert [m.period for m in months] == [Period(2020, 6), Period(2020, 5), Period(2019, 6)]
        assert months[0] == selectors.UtilityMonth(
            Period(2020, 6), 850, Decimal(900), None, Decimal(30)
        )
        assert months[1].reported_kwh is None and months[1].read_kwh == 1
        assert (
            selectors.firm_utility_months(world.users["officer_b"], enterprise=world.firm_a) == []
        )

    def test_no_index_without_both_months_or_in_the_base_year(self, world):
        self._readings(world)
        scope = selectors.Scope.of_zone(world.zone_a)
        leader = world.users["leader"]
        assert selectors.utility_index(leader, scope, Period(2020, 5)) == {}  # no May 2019
        assert selectors.utility_index(leader, scope, Period(2019, 6)) == {}
        assert selectors.utility_index(leader, scope, Period(2020, 6), base_year=2018) == {}

    def test_the_base_year_is_a_setting(self, world, settings):
        self._readings(world)
        settings.ZONEDESK = {**settings.ZONEDESK, "UTILITY_BASE_YEAR": 2020}
        scope = selectors.Scope.of_zone(world.zone_a)
        assert selectors.utility_index(world.users["leader"], scope, Period(2020, 6)) == {}

    def test_a_user_counts_only_the_firms_they_see(self, world):
        self._readings(world)
        scope = selectors.Scope.of_zone(world.zone_a)
        outsider = world.users["officer_b"]
        assert selectors.utility_index(outsider, scope, Period(2020, 6)) == {}

    def test_a_size_scope_counts_only_its_firms_accounts(self, world):
        """firm_a above size in 2020, firm_a2 below: above-size power 900 / 1000 = 90.00 %,
        below-size 650 / 500 = 130.00 %, water (firm_a's only) 75 % above and none below; the
        status of a size scope carries its own index, not the zone's 103.33 %."""
        from zonedesk.monitoring.models import FirmSize

        self._readings(world)
        for firm, above in ((world.firm_a, True), (world.firm_a2, False)):
            FirmSize.objects.create(enterprise=firm, year=2020, above=above, derived=above)
        scope = selectors.Scope.of_zone(world.zone_a)
        leader, june = world.users["leader"], Period(2020, 6)
        above = selectors.utility_index(leader, scope, june, size="above")
        below = selectors.utility_index(leader, scope, june, size="below")
        assert (above["power"].current, above["power"].base_value) == (Decimal(900), Decimal(1000))
        assert above["power"].share == Decimal("0.9") and above["water"].share == Decimal("0.75")
        assert (below["power"].current, below["power"].base_value) == (Decimal(650), Decimal(500))
        assert below["power"].share == Decimal("1.3") and "water" not in below
        st = selectors.status(leader, scope, june, size="above")
        assert st.utility["power"].share == Decimal("0.9")
        assert status_dict(st)["utility"]["power"]["share_pct"] == "90.00"

    def test_the_status_paragraph_says_the_share_and_its_source(self, world):
        """Only with readings in both months; the figures of the firms' own reports stay."""
        self._readings(world)
        for firm in (world.firm_a, world.firm_a2):
            for day in ("2019-06-01", "2020-05-01", "2019-05-01"):
                MonthlyFigure.objects.create(
                    enterprise=firm, period=day, output_value_wan=100, employees=10
                )
            factories.figures(firm, 10, output=110)
        scope = selectors.Scope.of_zone(world.zone_a)
        leader = world.users["leader"]
        with translation.override("en"):
            june = status_section.sentences(selectors.status(leader, scope, Period(2020, 6)).facts)
            may = status_section.sentences(selectors.status(leader, scope, Period(2020, 5)).facts)
        said = [s for s in june if "meter readings" in s]
        assert said == [
            "By the power and water companies' meter readings, electricity use is back to "
            "103.33% and water use to 75.00% of the same month of 2019, before the epidemic."
        ]
        assert not [s for s in may if "meter readings" in s]


@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_the_same_month_at_once_both_land_once(world):
    """Two managers upload the month at the same moment: the second waits for the first (the
    zone's row is locked) and then finds its readings, so neither fails on the unique key and
    the month holds the file's rows once."""
    import threading

    from django.db import connections

    rows = [(str(7000 + n), f"户{n}", "2020-06", n) for n in range(300)]
    data = utility_sheet(POWER_HEADER, _power_rows(rows))
    barrier, outcomes = threading.Barrier(2), []

    def upload(user):
        try:
            barrier.wait()
            result = services.utility_import(
                actor=user, zone=world.zone_a, kind="power", fileobj=data
            )
            outcomes.append((result.created, result.unchanged))
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=upload, args=(world.users[name],)) for name in ("admin", "leader")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(o, tuple) for o in outcomes), outcomes  # no IntegrityError
    assert sorted(outcomes) == [(0, 300), (300, 0)]
    assert UtilityReading.objects.count() == 300


class TestImportPage:
    """The upload page: a preview first, the import on confirmation of that preview only."""

    def _preview(self, client, world, rows):
        data = utility_sheet(POWER_HEADER, _power_rows(rows))
        upload = io.BytesIO(data)
        upload.name = "power.xlsx"
        response = client.post(
            "/monitoring/utility/import/",
            {"zone": "zone-a", "kind": "power", "file": upload},
        )
        assert response.status_code == 200
        return response

    def test_nothing_is_written_before_the_confirmation(self, client, world):
        client.force_login(world.users["leader"])
        response = self._preview(client, world, [("1001", "甲", "2020-06", 100)])
        assert b'data-testid="utility-preview"' in response.content
        assert not UtilityReading.objects.exists()
        token = response.context["token"]
        response = client.post(
            "/monitoring/utility/import/",
            {"step": "confirm", "token": token, "zone": "zone-a", "kind": "power"},
        )
        assert response.status_code == 200
        assert response.context["result"].created == 1
        assert UtilityReading.objects.get().electricity_kwh == 100

    def test_an_altered_or_borrowed_preview_is_refused_with_a_reason(self, client, world):
        """A token edited by hand, or taken from another user's preview, imports nothing: 400
        with the reason, never a 500."""
        client.force_login(world.users["leader"])
        token = self._preview(client, world, [("1001", "甲", "2020-06", 100)]).context["token"]
        for forged in (token[:-2] + "xx", ""):
            response = client.post(
                "/monitoring/utility/import/",
                {"step": "confirm", "token": forged, "zone": "zone-a", "kind": "power"},
            )
            assert response.status_code == 400
            assert b'data-testid="confirm-refused"' in response.content
            assert response.context["refused"] == [
                _(
                    "The preview has expired or is not yours: nothing was imported. Upload the file "
                    "again."
                )
            ]
        # Another user of the zone (a second manager) cannot confirm it either.
        other = factories.user("leader-two", ["leader"], zone=world.zone_a)
        client.force_login(other)
        response = client.post(
            "/monitoring/utility/import/",
            {"step": "confirm", "token": token, "zone": "zone-a", "kind": "power"},
        )
        assert response.status_code == 400
        assert not UtilityReading.objects.exists()
