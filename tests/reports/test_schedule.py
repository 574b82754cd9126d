"""The monthly summaries (`zonedesk report schedule`, reports.services.monthly_summaries_schedule):
on the first working day of a month, by the project's holiday calendar, the previous month's
summary of every zone is generated as a .docx and a PDF that open, stored under MEDIA_ROOT and
audited; a second run the same day does nothing; a year the calendar lacks stops the run with
a message that says so; only the system runs it.

The days, from the State Council's notices: 1 July 2020 is a Wednesday (the first working day);
1-8 October 2020 are the National Day and Mid-Autumn holiday, so October's first working day is
Friday the 9th; 1 February 2026 is a Sunday, so February's is Monday the 2nd."""

import datetime as dt
import io

import docx
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from zonedesk.casework.models import CalendarDay
from zonedesk.core.errors import PermissionDenied
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.reports import services
from zonedesk.reports.models import MonthlySummary


def _schedule(day: str) -> str:
    out = io.StringIO()
    call_command("report", "schedule", "--date", day, "--lang", "en", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("day", "first"),
    [
        ("2020-07-01", "2020-07-01"),
        ("2020-10-05", "2020-10-09"),  # 国庆节、中秋节 1-8 October
        ("2026-02-01", "2026-02-02"),  # a Sunday
    ],
)
def test_the_first_working_day_follows_the_holiday_calendar(db, day, first):
    assert services.first_working_day(dt.date.fromisoformat(day)) == dt.date.fromisoformat(first)


def test_an_administrators_own_day_moves_the_first_working_day(db):
    CalendarDay.objects.create(date=dt.date(2020, 7, 1), kind=CalendarDay.Kind.HOLIDAY)
    assert services.first_working_day(dt.date(2020, 7, 1)) == dt.date(2020, 7, 2)


def test_before_the_first_working_day_nothing_is_generated(world):
    out = _schedule("2020-10-08")
    assert "2020-10-09" in out
    assert not MonthlySummary.objects.exists()


def test_each_zone_gets_last_months_summary_once(world):
    out = _schedule("2020-07-01")
    rows = list(MonthlySummary.objects.select_related("zone").order_by("zone__code"))
    assert [(r.zone.code, r.period) for r in rows] == [("zone-a", "2020-06"), ("zone-b", "2020-06")]
    for row in rows:
        opened = docx.Document(row.docx.open("rb"))
        assert row.zone.name in opened.paragraphs[0].text  # the title names the zone
        assert opened.sections[0].page_width.mm == pytest.approx(210, abs=0.5)
        with row.pdf.open("rb") as f:
            pdf = PdfReader(f)
            assert row.zone.name in pdf.pages[0].extract_text()
        assert (
            row.docx.name
            == f"summaries/{row.zone.code}/2020-06/summary-{row.zone.code}-2020-06.docx"
        )
    assert "2 generated" in out
    audited = AuditEntry.objects.filter(target_type="reports.monthlysummary", action="create")
    assert audited.count() == 2
    assert {e.zone_id for e in audited} == {world.zone_a.pk, world.zone_b.pk}
    assert all(
        e.actor_name == "system" and e.changes["period"] == [None, "2020-06"] for e in audited
    )

    # The timer fires again the same day (and any later day of the month): nothing is redone.
    first = {r.pk: (r.generated_at, r.docx.name) for r in rows}
    out = _schedule("2020-07-01")
    assert "0 generated, 2 already there" in out
    out = _schedule("2020-07-15")
    assert "0 generated, 2 already there" in out
    assert {r.pk: (r.generated_at, r.docx.name) for r in MonthlySummary.objects.all()} == first
    assert audited.count() == 2


def test_a_missed_first_working_day_is_caught_up_later_in_the_month(world):
    """The machine was off on 9 October: the run on the 12th still makes September's."""
    _schedule("2020-10-12")
    assert set(MonthlySummary.objects.values_list("period", flat=True)) == {"2020-09"}


def test_a_year_missing_from_the_calendar_stops_the_run(world):
    with pytest.raises(CommandError) as caught:
        _schedule("2099-07-01")
    message = str(caught.value)
    assert "2099" in message and "working-day calendar has no holidays" in message
    assert "casework holidays --load" in message  # what to do about it
    assert not MonthlySummary.objects.exists()


def test_only_the_system_runs_the_schedule(world):
    with pytest.raises(PermissionDenied):
        services.monthly_summaries_schedule(actor=world.users["admin"], day=dt.date(2020, 7, 1))
    with pytest.raises(PermissionDenied):
        services.monthly_summary_generate(
            actor=world.users["leader"],
            zone=world.zone_a,
            period=Period(2020, 6),
            today=dt.date(2020, 7, 1),
        )
    assert not MonthlySummary.objects.exists()


def test_a_file_above_the_cap_is_refused(world):
    from django.core.files.base import ContentFile

    from zonedesk.core.errors import ValidationFailed
    from zonedesk.core.services import clean
    from zonedesk.reports.models import MONTHLY_FILE_MAX_BYTES

    row = MonthlySummary(zone=world.zone_a, period="2020-06")
    row.docx = ContentFile(b"x" * (MONTHLY_FILE_MAX_BYTES + 1), name="big.docx")
    row.pdf = ContentFile(b"%PDF", name="small.pdf")
    with pytest.raises(ValidationFailed) as caught:
        clean(row)
    assert list(caught.value.errors) == ["docx"]
    assert "20 MiB" in caught.value.errors["docx"][0]


def test_a_bad_date_is_named(db):
    with pytest.raises(CommandError, match="2020-13-01"):
        _schedule("2020-13-01")


def _stored(zone, period="2020-06"):
    """A generated summary's row with small stand-in files (the generation is tested above)."""
    from django.core.files.base import ContentFile

    row = MonthlySummary(zone=zone, period=period)
    row.docx = ContentFile(f"docx of {zone.code} {period}".encode(), name="s.docx")
    row.pdf = ContentFile(f"%PDF of {zone.code} {period}".encode(), name="s.pdf")
    row.save()
    return row


def test_the_dashboard_offers_the_newest_summaries_of_the_users_zones(world, client_for):
    """The leader of zone A sees A's newest month with both downloads, never B's; the city's
    leader (of A's city) the same; department staff, who do not write summaries, no card."""
    from django.urls import reverse

    _stored(world.zone_a, "2020-05")
    june = _stored(world.zone_a)
    other = _stored(world.zone_b)
    page = client_for(world.users["leader"]).get(reverse("monitoring:dashboard")).content.decode()
    assert 'data-testid="monthly-summaries"' in page
    assert reverse("reports:monthly_download", args=[june.pk, "docx"]) in page
    assert reverse("reports:monthly_download", args=[june.pk, "pdf"]) in page
    assert f"/reports/monthly/{other.pk}/" not in page
    assert "2020-05" not in page and "2020年5月" not in page
    city = client_for(world.users["city_leader"]).get(reverse("monitoring:dashboard")).content
    assert reverse("reports:monthly_download", args=[june.pk, "pdf"]).encode() in city
    staff = client_for(world.users["department"]).get(reverse("monitoring:dashboard"))
    assert staff.status_code == 200 and b'data-testid="monthly-summaries"' not in staff.content


def test_the_download_gives_the_stored_file_to_its_zones_officials(world, client_for):
    from django.urls import reverse

    june = _stored(world.zone_a)
    leader = client_for(world.users["leader"])
    got = leader.get(reverse("reports:monthly_download", args=[june.pk, "pdf"]))
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert b"".join(got.streaming_content) == b"%PDF of zone-a 2020-06"
    assert 'filename="summary-zone-a-2020-06.pdf"' in got["Content-Disposition"]
    assert (
        leader.get(reverse("reports:monthly_download", args=[june.pk, "xlsx"])).status_code == 404
    )
    other = _stored(world.zone_b)
    assert (
        leader.get(reverse("reports:monthly_download", args=[other.pk, "pdf"])).status_code == 404
    )
    june.pdf.storage.delete(june.pdf.name)  # the file gone from MEDIA_ROOT: not found, no error
    assert leader.get(reverse("reports:monthly_download", args=[june.pk, "pdf"])).status_code == 404
