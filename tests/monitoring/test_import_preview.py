"""A month's sheet says what it will change before it is written: the firms whose stored month
it would overwrite (each figure stored and in the file; confirmed, the firm's own report or the
office's), then, confirmed, the firms created, updated and unchanged by name. The same on the
page, over the API and in the `import-monthly` command."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext as _

from tests.factories import JUNE, saved
from tests.factories import filled_template as filled
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import ValidationFailed
from zonedesk.monitoring.models import ImportJob, MonthlyFigure
from zonedesk.monitoring.services import Source, monthly_import, monthly_import_preview
from zonedesk.org.services import api_token_create

pytestmark = pytest.mark.django_db


def _stored(world):
    """June as stored before the upload: firm_a's own report (output 1000), firm_a2's month
    entered by the office and confirmed (output 500)."""
    MonthlyFigure.objects.create(
        enterprise=world.firm_a,
        period=JUNE.first_day,
        output_value_wan=Decimal("1000.00"),
        employees=80,
        submitted_by=world.users["enterprise"],
    )
    MonthlyFigure.objects.create(
        enterprise=world.firm_a2,
        period=JUNE.first_day,
        output_value_wan=Decimal("500.00"),
        employees=85,
        submitted_by=world.users["leader"],
        status="confirmed",
        confirmed_by=world.users["officer"],
    )


def _book(world):
    """The template filled in: firm_a's output 1234.5 (was 1000), firm_a2's employees as
    stored but its output 1234.5 too (was 500)."""
    return filled(world)


def _snapshot():
    return list(
        MonthlyFigure.objects.order_by("enterprise_id").values_list(
            "enterprise_id", "output_value_wan", "employees", "status", "version"
        )
    )


class TestPreview:
    def test_lists_each_overwritten_month_with_its_figures_and_source_and_writes_nothing(
        self, world
    ):
        _stored(world)
        before = _snapshot()

        preview = monthly_import_preview(
            actor=world.users["leader"], zone=world.zone_a, period=JUNE, fileobj=saved(_book(world))
        )

        assert _snapshot() == before
        assert preview.created == () and preview.unchanged == ()
        # The confirmed month first: a careless upload undoes it first.
        by_firm = {o.firm.name: o for o in preview.overwrites}
        assert [o.firm.name for o in preview.overwrites] == [world.firm_a2.name, world.firm_a.name]
        own, confirmed = by_firm[world.firm_a.name], by_firm[world.firm_a2.name]
        assert (own.source, confirmed.source) == ("own", "confirmed")
        assert own.firm.credit_code == world.firm_a.credit_code and own.period == JUNE
        assert own.changes["output_value_wan"] == ["1000.00", "1234.50"]
        assert own.changes["employees"] == [80, 85]
        assert "employees" not in confirmed.changes
        assert confirmed.changes["output_value_wan"] == ["500.00", "1234.50"]
        assert preview.sources() == {"confirmed": 1, "own": 1, "office": 0}

    def test_a_month_entered_by_the_office_and_a_new_and_an_unchanged_one(self, world):
        monthly_import(
            actor=world.users["leader"],
            zone=world.zone_a,
            period=JUNE,
            fileobj=saved(filled(world)),
        )
        MonthlyFigure.objects.filter(enterprise=world.firm_a2).delete()
        book = filled(world)
        row_a = next(
            r
            for r in range(2, 4)
            if book.worksheets[0].cell(row=r, column=1).value == world.firm_a.credit_code
        )
        preview = monthly_import_preview(
            actor=world.users["leader"], zone=world.zone_a, period=JUNE, fileobj=saved(book)
        )
        assert [f.name for f in preview.created] == [world.firm_a2.name]
        assert [f.name for f in preview.unchanged] == [world.firm_a.name]
        assert preview.overwrites == ()
        book.worksheets[0].cell(row=row_a, column=4, value=99)
        (office,) = monthly_import_preview(
            actor=world.users["leader"], zone=world.zone_a, period=JUNE, fileobj=saved(book)
        ).overwrites
        assert office.source == "office"

    def test_the_import_names_the_firms_created_updated_and_unchanged(self, world):
        MonthlyFigure.objects.create(
            enterprise=world.firm_a,
            period=JUNE.first_day,
            output_value_wan=Decimal("1000.00"),
            employees=80,
        )
        result = monthly_import(
            actor=world.users["leader"],
            zone=world.zone_a,
            period=JUNE,
            fileobj=saved(filled(world)),
        )
        assert [f.name for f in result.created_firms] == [world.firm_a2.name]
        assert [f.name for f in result.updated_firms] == [world.firm_a.name]
        again = monthly_import(
            actor=world.users["leader"],
            zone=world.zone_a,
            period=JUNE,
            fileobj=saved(filled(world)),
        )
        assert sorted(f.name for f in again.unchanged_firms) == sorted(
            [world.firm_a.name, world.firm_a2.name]
        )

    def test_a_month_changed_since_the_preview_is_not_overwritten(self, world):
        _stored(world)
        preview = monthly_import_preview(
            actor=world.users["leader"], zone=world.zone_a, period=JUNE, fileobj=saved(_book(world))
        )
        # The firm corrects its report in between (its month's version moves on).
        MonthlyFigure.objects.filter(enterprise=world.firm_a).update(
            output_value_wan=Decimal("1100.00"), version=2
        )
        before = _snapshot()
        with pytest.raises(ValidationFailed, match=r"预览之后|changed since the preview"):
            monthly_import(
                actor=world.users["leader"],
                zone=world.zone_a,
                period=JUNE,
                fileobj=saved(_book(world)),
                expected_stored=preview.stored,
            )
        assert _snapshot() == before


class TestPage:
    def _upload(self, client, book):
        data = saved(book)
        data.name = "june.xlsx"
        return client.post(
            "/monitoring/import/", {"zone": "zone-a", "period": str(JUNE), "file": data}
        )

    def test_the_preview_names_the_overwritten_firms_then_the_result_names_them_all(
        self, world, client_for
    ):
        _stored(world)
        client = client_for(world.users["leader"])
        response = self._upload(client, _book(world))
        page = client.get(response["Location"]).content.decode()
        assert 'data-testid="preview-overwrites"' in page
        assert world.firm_a.name in page and world.firm_a.credit_code in page
        assert "1000.00" in page and "1234.50" in page and "产值（万元）" in page
        assert 'data-source="own"' in page and 'data-source="confirmed"' in page
        # The column holds a state (已审定, 企业自报): headed as one, not as a source.
        with translation.override("zh-hans"):
            assert _("State of the stored figures") in page and "已存数据来源" not in page
        assert 'data-testid="preview-warning"' in page
        assert MonthlyFigure.objects.get(enterprise=world.firm_a).output_value_wan == 1000

        job = ImportJob.objects.get()
        client.post(f"/monitoring/import/{job.pk}/confirm/", {"action": "confirm"})

        job.refresh_from_db()
        assert job.state == "done" and job.updated == 2
        page = client.get(response["Location"]).content.decode()
        assert 'data-testid="firms-updated"' in page and world.firm_a2.name in page
        figure = MonthlyFigure.objects.get(enterprise=world.firm_a2)
        assert figure.output_value_wan == Decimal("1234.50") and figure.status == "submitted"

    def test_a_confirmation_after_the_month_changed_is_refused_and_changes_nothing(
        self, world, client_for
    ):
        _stored(world)
        client = client_for(world.users["leader"])
        response = self._upload(client, _book(world))
        MonthlyFigure.objects.filter(enterprise=world.firm_a2).update(version=5)
        before = _snapshot()
        job = ImportJob.objects.get()
        client.post(f"/monitoring/import/{job.pk}/confirm/", {"action": "confirm"})
        job.refresh_from_db()
        assert job.state == "rejected" and _snapshot() == before
        page = client.get(response["Location"]).content.decode()
        # A refusal of the whole confirmation, not of a cell: said above the table, never as row 0.
        assert 'data-testid="import-file-errors"' in page and job.errors[0][4] in page
        assert "2020-06" in job.errors[0][4]


@pytest.fixture
def token(world):
    _row, text = api_token_create(actor=SYSTEM, user=world.users["leader"], name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


class TestApi:
    URL = "/api/v1/zones/zone-a/figures/2020-06/import"

    def _post(self, client, token, book, query="", **extra):
        upload = SimpleUploadedFile("june.xlsx", saved(book).getvalue())
        return client.post(self.URL + query, {"file": upload}, **token, **extra)

    def test_a_dry_run_then_the_import_against_it(self, client, world, token):
        _stored(world)
        before = _snapshot()
        answer = self._post(client, token, _book(world), "?dry_run=true")
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert _snapshot() == before
        assert (body["dry_run"], body["created"], body["updated"]) == (True, 0, 2)
        first = body["overwrites"][0]
        assert first["enterprise"]["name"] == world.firm_a2.name and first["source"] == "confirmed"
        assert first["changes"]["output_value_wan"] == {"stored": "500.00", "in_file": "1234.50"}
        own = body["overwrites"][1]
        assert own["source"] == "own" and own["changes"]["employees"] == {
            "stored": 80,
            "in_file": 85,
        }

        written = self._post(client, token, _book(world), f"?expected_stored={body['stored']}")
        assert written.status_code == 200, written.content
        done = written.json()
        assert (done["dry_run"], done["updated"]) == (False, 2)
        assert {f["credit_code"] for f in done["updated_firms"]} == {
            world.firm_a.credit_code,
            world.firm_a2.credit_code,
        }

    def test_a_stale_dry_run_is_refused_and_writes_nothing(self, client, world, token):
        _stored(world)
        body = self._post(client, token, _book(world), "?dry_run=true").json()
        MonthlyFigure.objects.filter(enterprise=world.firm_a).update(version=9)
        before = _snapshot()
        refused = self._post(client, token, _book(world), f"?expected_stored={body['stored']}")
        assert refused.status_code == 400 and "__all__" in refused.json()["errors"]
        assert _snapshot() == before

    @pytest.mark.parametrize(
        ("language", "reason"), [("en", "Not a number"), ("zh-hans", "不是数字")]
    )
    def test_a_bad_file_is_refused_whole_in_the_users_language(
        self, client, world, token, language, reason
    ):
        book = _book(world)
        book.worksheets[0].cell(row=3, column=4, value="很多")
        for query in ("?dry_run=true", ""):
            answer = self._post(client, token, book, query, HTTP_ACCEPT_LANGUAGE=language)
            assert answer.status_code == 400
            (problem,) = answer.json()["rows"]
            assert (problem["row"], problem["value"]) == (3, "很多")
            assert reason in problem["reason"]
        assert not MonthlyFigure.objects.exists()

    def test_a_month_that_is_not_one_is_a_400(self, client, world, token):
        upload = SimpleUploadedFile("june.xlsx", saved(_book(world)).getvalue())
        answer = client.post(
            "/api/v1/zones/zone-a/figures/2020-13/import", {"file": upload}, **token
        )
        assert answer.status_code == 400 and "period" in answer.json()["errors"]


class TestCommand:
    def _run(self, path, *flags):
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "import-monthly",
            str(path),
            "--zone",
            "zone-a",
            "--period",
            "2020-06",
            *flags,
            stdout=out,
            stderr=err,
        )
        return out.getvalue()

    def test_lists_the_overwritten_firms_and_asks_before_writing(self, world, tmp_path):
        _stored(world)
        path = tmp_path / "june.xlsx"
        _book(world).save(path)
        before = _snapshot()

        out = self._run(path, "--dry-run")
        assert world.firm_a.name in out and world.firm_a.credit_code in out
        assert "1000.00 → 1234.50" in out
        with translation.override("zh-hans"):
            labels = [str(Source.LABELS[s]) for s in ("own", "confirmed")]
        assert all(f"[{label}]" in out for label in labels)
        assert _snapshot() == before

        with pytest.raises(CommandError, match="--yes"):
            self._run(path)  # no terminal to ask on: refused
        assert _snapshot() == before

        out = self._run(path, "--yes")
        assert world.firm_a.name in out and world.firm_a2.name in out
        assert MonthlyFigure.objects.get(enterprise=world.firm_a).output_value_wan == Decimal(
            "1234.50"
        )

    def test_a_file_that_overwrites_nothing_is_imported_without_asking(self, world, tmp_path):
        path = tmp_path / "june.xlsx"
        _book(world).save(path)
        out = self._run(path)
        assert MonthlyFigure.objects.count() == 2 and world.firm_a2.name in out
