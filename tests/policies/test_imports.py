"""The policy library from and to Excel: the template, every bad cell named, nothing
half-stored, rules versioned only when they change, and export → import giving the same library."""

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from python_calamine import CalamineWorkbook

from tests import factories
from tests.factories import COUNTY_DOCUMENT as COUNTY_DOC
from tests.factories import LIBRARY_HEADER as HEADER
from tests.factories import library_row as row
from tests.factories import library_workbook as workbook
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied
from zonedesk.core.models import AuditEntry
from zonedesk.core.xlsx import ImportRejected
from zonedesk.policies import imports, services
from zonedesk.policies.models import Measure, PolicyDocument, RuleVersion

pytestmark = pytest.mark.django_db


def run(world, content, user="province_admin", filename="measures.xlsx"):
    actor = world.users[user] if user else SYSTEM
    return services.measures_import(actor=actor, content=content, filename=filename)


def library() -> list[tuple]:
    """The whole library as plain values, to compare two libraries."""
    return sorted(
        (
            m.document.level,
            m.document.zone.code if m.document.zone_id else m.document.area.code,
            m.document.issuer,
            m.document.number,
            m.document.title,
            m.document.published,
            m.document.valid_from,
            m.document.valid_to,
            m.clause,
            m.title,
            m.summary,
            m.benefit_type,
            m.mode,
            m.department,
            m.materials,
            m.current.eligibility,
            m.current.benefit,
        )
        for m in Measure.objects.select_related("document__area", "document__zone", "current")
    )


def wipe() -> None:
    Measure.objects.update(current=None)
    RuleVersion.objects.all().delete()
    PolicyDocument.objects.all().delete()


class TestImport:
    def test_rows_become_documents_and_measures_with_their_first_rule_version(self, world):
        """Rows of one document make one document; each row one measure with version 1."""
        content = workbook([row("第一条"), row("第二条", mode="免申即享"), row("一", doc=None)])
        summary = run(world, content)
        assert summary == services.ImportSummary(
            documents_created=1, measures_created=3, rule_versions_added=3
        )
        doc = PolicyDocument.objects.get()
        assert (doc.level, doc.area, doc.number) == ("county", world.kaijiang, "开府发〔2020〕3号")
        assert doc.published == dt.date(2020, 2, 10) and doc.valid_to is None
        m = doc.measures.get(clause="第二条")
        assert (m.mode, m.benefit_type, m.current.number) == ("automatic", "subsidy", 1)
        assert m.current.benefit == "min(employees * 0.1, 50)"
        assert AuditEntry.objects.filter(target_type="policies.measure").count() == 3

    def test_a_second_import_updates_in_place_and_versions_only_changed_rules(self, world):
        """Same keys → updates; an unchanged rule adds no version, a changed one adds one."""
        run(world, workbook([row("第一条"), row("第二条")]))
        entries = AuditEntry.objects.count()
        again = run(world, workbook([row("第一条"), row("第二条")]))
        assert again == services.ImportSummary(documents_unchanged=1, measures_unchanged=2)
        assert AuditEntry.objects.count() == entries  # nothing changed, nothing written

        changed = run(
            world,
            workbook(
                [
                    row("第一条", summary="新的摘要（合成）"),
                    row("第二条", eligibility="employees >= 30"),
                    row("第三条"),
                ]
            ),
        )
        assert changed == services.ImportSummary(
            documents_unchanged=1,
            measures_created=1,
            measures_updated=2,
            rule_versions_added=2,
        )
        second = Measure.objects.get(clause="第二条")
        assert [v.eligibility for v in second.versions.order_by("number")] == [
            "employees >= 20",
            "employees >= 30",
        ]
        assert second.current.number == 2
        assert Measure.objects.get(clause="第一条").current.number == 1

    def test_labels_in_either_language_and_full_width_codes_are_read(self, world):
        """Levels, benefit types and modes as English or Chinese labels or codes; NFKC on codes."""
        with translation.override("en"):
            level, benefit, mode = "County", "Interest subsidy", "On application"
        content = workbook(
            [
                row("一", level=level, benefit_type=benefit, mode=mode, scope="５１１７２３"),
                row("二", level="COUNTY", benefit_type="rent", mode=""),
            ]
        )
        run(world, content)
        assert sorted(Measure.objects.values_list("clause", "benefit_type", "mode")) == [
            ("一", "interest", "application"),
            ("二", "rent", "application"),
        ]

    def test_every_bad_cell_is_named_and_nothing_is_stored(self, world):
        """Every problem of every row at once, with sheet, row, column, value and reason."""
        content = workbook(
            [
                row("一", level="村", eligibility="employes >= 20"),
                row("二", scope="999999", valid_from="2020-13-01", benefit_type="gift"),
                row("三", eligibility="employees >= ", benefit="employees > 3"),
                row("四", **{"measure_title": ""}),
                row("四"),
                row("五", scope="zone-b", level="zone"),
                row("六", valid_to=dt.date(2019, 1, 1)),
            ]
        )
        with pytest.raises(ImportRejected) as exc, translation.override("en"):
            run(world, content)
        found = {(e.row, e.column) for e in exc.value.errors}
        assert {
            (2, "level"),
            (2, "eligibility"),
            (3, "scope"),
            (3, "valid_from"),
            (3, "benefit_type"),
            (4, "eligibility"),
            (4, "benefit"),
            (5, "measure_title"),
            (7, "scope"),
            (8, "valid_to"),
        } <= found
        assert all(e.sheet == imports.SHEET for e in exc.value.errors)
        rule_error = next(e for e in exc.value.errors if (e.row, e.column) == (2, "eligibility"))
        assert rule_error.value == "employes >= 20" and "character 1" in rule_error.reason
        assert PolicyDocument.objects.count() == 0 and Measure.objects.count() == 0

    def test_rule_errors_are_in_chinese_by_default(self, world):
        with pytest.raises(ImportRejected) as exc, translation.override("zh-hans"):
            run(world, workbook([row(eligibility="employees >=")]))
        assert "第" in exc.value.errors[0].reason and "个字符处" in exc.value.errors[0].reason

    def test_repeated_clause_and_disagreeing_document_columns_are_errors(self, world):
        content = workbook([row("一"), row("一"), row("二", issuer="另一个发文机关")])
        with pytest.raises(ImportRejected) as exc:
            run(world, content)
        assert {(e.row, e.column) for e in exc.value.errors} == {(3, "clause"), (4, "issuer")}

    def test_a_row_for_another_unit_is_refused_with_its_row(self, world):
        """A zone's leader may import the zone's documents, not the county's or another zone's."""
        zone_doc = [
            "zone",
            "zone-a",
            "甲经开区管委会（合成）",
            "甲管〔2020〕1号",
            "园区措施（合成）",
        ]
        content = workbook([row("一", doc=zone_doc), row("一")])
        with pytest.raises(ImportRejected) as exc:
            run(world, content, user="leader")
        assert [(e.row, e.column) for e in exc.value.errors] == [(3, "scope")]
        summary = run(world, workbook([row("一", doc=zone_doc)]), user="leader")
        assert summary.measures_created == 1

    def test_who_may_import_at_all(self, world):
        with pytest.raises(PermissionDenied):
            run(world, workbook([row()]), user="officer")

    def test_a_changed_clause_that_would_collide_keeps_everything_or_nothing(self, world):
        """A file with one good and one bad row stores neither."""
        run(world, workbook([row("一")]))
        before = library()
        with pytest.raises(ImportRejected):
            run(world, workbook([row("一", summary="改了（合成）"), row("二", benefit="true")]))
        assert library() == before

    def test_blank_rows_and_the_example_row_are_skipped(self, world):
        template = CalamineWorkbook.from_filelike(io.BytesIO(imports.template_bytes()))
        example = template.get_sheet_by_name(imports.SHEET).to_python()[1]
        content = workbook([example, [""] * len(HEADER), row("一")], header=None)
        assert run(world, content).measures_created == 1

    def test_not_a_spreadsheet(self, world):
        """A file that is not a spreadsheet, or with another extension, is rejected."""
        with pytest.raises(ImportRejected):
            run(world, b"not a spreadsheet", filename="x.xlsx")
        with pytest.raises(ImportRejected):
            run(world, workbook([row()]), filename="x.csv")


class TestTemplate:
    def test_the_template_has_the_columns_an_example_and_the_facts(self):
        with translation.override("en"):
            book = CalamineWorkbook.from_filelike(io.BytesIO(imports.template_bytes()))
        assert book.sheet_names[:2] == [imports.SHEET, imports.FACTS_SHEET]
        header, example = book.get_sheet_by_name(imports.SHEET).to_python()[:2]
        assert header[0] == "Issuing level" and len(header) == len(HEADER)
        assert example[4].startswith(imports.EXAMPLE) and "synthetic" in example[4]
        facts_rows = book.get_sheet_by_name(imports.FACTS_SHEET).to_python()
        names = {r[0]: r for r in facts_rows[1:]}
        assert names["employees"][2] == "本月末用工人数" and names["employees"][4] == "人"
        assert "revenue_ytd_yoy" in names

    def test_the_template_headers_import_in_either_language(self, world):
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                book = CalamineWorkbook.from_filelike(io.BytesIO(imports.template_bytes()))
            header = book.get_sheet_by_name(imports.SHEET).to_python()[0]
            with translation.override("en" if lang == "zh-hans" else "zh-hans"):
                run(world, workbook([row(str(len(header)) + lang)], header=header))
        assert Measure.objects.count() == 2


class TestExport:
    def test_export_then_import_into_an_empty_library_gives_the_same_library(self, world):
        """Export → wipe → import: the same documents, measures and current rules."""
        zone_doc = ["zone", "zone-a", "甲经开区管委会（合成）", "", "园区措施（合成）"]
        run(
            world,
            workbook(
                [
                    row("一"),
                    row("二", mode="application", benefit="", materials="营业执照；申请表"),
                    row("1", doc=zone_doc, valid_to=dt.date(2020, 12, 31), published=None),
                    row(
                        "一",
                        doc=["province", "510000", "省政府（合成）", "川府发〔2020〕4号", "十三条"],
                    ),
                ]
            ),
        )
        Measure.objects.filter(clause="二").update(summary="")
        m = Measure.objects.get(clause="一", document__level="county")
        services.measure_rules_set(
            actor=SYSTEM, measure=m, eligibility='industry_section == "C" and is_sme'
        )
        before = library()
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                content = imports.export_bytes(world.users["province_admin"])
            again = run(world, content)
            assert again.measures_unchanged == 4 and again.rule_versions_added == 0
            wipe()
            summary = run(world, content, user=None)
            assert summary.documents_created == 3 and summary.measures_created == 4
            assert library() == before

    def test_export_is_scoped_to_what_the_user_sees(self, world):
        run(world, workbook([row("一")]))
        chongqing = [
            "county",
            "500101",
            "万州区政府（合成）",
            "万府〔2020〕1号",
            "万州措施（合成）",
        ]
        run(world, workbook([row("一", doc=chongqing)]), user=None)
        titles = {
            r[4]
            for r in CalamineWorkbook.from_filelike(
                io.BytesIO(imports.export_bytes(world.users["leader"]))
            )
            .get_sheet_by_name(imports.SHEET)
            .to_python()[1:]
        }
        assert titles == {COUNTY_DOC[-1]}

    def test_an_export_reimported_unchanged_passes_though_it_holds_other_units(self, world):
        """The export holds every level the user reads; rows of other units are refused only
        when they would change something."""
        run(
            world,
            workbook(
                [row("一"), row("一", doc=["province", "510000", "省（合成）", "", "省措施"])]
            ),
            user=None,
        )
        city = world.users["city_leader"]
        content = imports.export_bytes(city)
        summary = services.measures_import(actor=city, content=content, filename="x.xlsx")
        assert summary.measures_created == summary.measures_updated == 0
        changed = workbook(
            [
                row(
                    "一",
                    doc=["province", "510000", "省（合成）", "", "省措施"],
                    eligibility="employees >= 1",
                )
            ]
        )
        with pytest.raises(ImportRejected) as caught:
            services.measures_import(actor=city, content=changed, filename="x.xlsx")
        assert [e.row for e in caught.value.errors] == [2]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice Calc is not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_an_export_saved_by_libreoffice_calc_imports_unchanged(world, tmp_path, fmt):
    """The export re-saved by LibreOffice Calc (dates, long text, Chinese) reads back the same."""
    until = dt.date(2021, 6, 30)
    run(world, workbook([row("一", valid_to=until), row("二", valid_to=until, summary="长" * 300)]))
    before = library()
    source = tmp_path / "export.xlsx"
    source.write_bytes(imports.export_bytes(world.users["province_admin"]))
    content = factories.resaved_by_calc(source, fmt, tmp_path).read_bytes()
    assert run(world, content, filename=f"export.{fmt}").measures_unchanged == 2
    wipe()
    assert run(world, content, filename=f"export.{fmt}").measures_created == 2
    assert library() == before


class TestCommands:
    def test_import_and_export_on_the_command_line(self, world, tmp_path):
        path = tmp_path / "in.xlsx"
        path.write_bytes(workbook([row("一"), row("二")]))
        out = io.StringIO()
        call_command("policies", "import", str(path), "--user", "province_admin", stdout=out)
        assert Measure.objects.count() == 2 and "2" in out.getvalue()
        target = tmp_path / "out.xlsx"
        call_command("policies", "export", "--out", str(target), "--zone", "zone-a", stdout=out)
        rows = CalamineWorkbook.from_filelike(io.BytesIO(target.read_bytes()))
        assert len(rows.get_sheet_by_name(imports.SHEET).to_python()) == 3

    def test_a_bad_file_lists_the_problems_and_fails(self, world, tmp_path):
        path = Path(tmp_path / "bad.xlsx")
        path.write_bytes(workbook([row(eligibility="nonsense >= 1")]))
        err = io.StringIO()
        with pytest.raises(CommandError):
            call_command("policies", "import", str(path), "--lang", "en", stderr=err)
        assert "row 2" in err.getvalue() and Measure.objects.count() == 0
