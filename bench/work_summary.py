"""The work summary (issue 16): a zone's half year as .docx and PDF (target under 5 s) and a city's
(target under 15 s for 10 zones), as the summary page builds and renders them, each beside a
reference run on the same machine at the same moment: the same document, already built and
frozen as a draft keeps it (reports.drafts), rendered to both formats. The ratio says what
reading the data adds to the rendering, whatever the machine's load; the rendering's own floor
is LibreOffice converting the finished .docx (the third row). Also the draft page of the city
(its staleness check builds the whole summary again) and the monthly schedule's cost per zone.

A city of the synthetic province has up to 50 zones at full scale (5 per county, 10 counties);
the figure names how many the measured one has, and its target is scaled to them (1.5 s a zone).
"""

import secrets

from common import median, row, timed
from django.test import Client
from django.urls import reverse
from django.utils import translation

from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.demo import scale
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.org.models import Area, Role, User, Zone
from zonedesk.reports import drafts, services, summary
from zonedesk.reports.export import render_as
from zonedesk.reports.models import SummaryDraft
from zonedesk.reports.render import docx as docx_render
from zonedesk.reports.render import pdf as pdf_render

TITLE = "Work summary: a zone's and a city's half year as .docx and PDF"
ZONE_TARGET_S = 5.0
CITY_TARGET_S_PER_ZONE = 1.5  # the 15 s for a city of 10 zones


def run(*, runs: int, sample: int, log) -> list[dict]:
    with translation.override("zh-hans"):  # the summary as officials send it
        return _run(runs=runs, log=log)


def _leader(username: str, **unit):
    user = User.objects.filter(username=username).first()
    if user is None:
        from zonedesk.org.services import user_create

        user = user_create(
            actor=SYSTEM,
            username=username,
            password=secrets.token_urlsafe(24)
            + "Aa1-",  # nobody logs in; four classes whatever the draw
            roles=[Role.LEADER],
            full_name="基准测试领导",
            **unit,
        )
    return user


def _half_year(zone: Zone) -> str:
    """The latest half year whose months all have figures: the summary officials write once it
    has ended (a half year still running reads months nobody has reported yet)."""
    latest = Period.of(MonthlyFigure.objects.filter(enterprise__zone=zone).latest("period").period)
    if latest.month == 12:
        return f"{latest.year}-H2"
    return f"{latest.year}-H1" if latest.month >= 6 else f"{latest.year - 1}-H2"


def _both(user, period: str, **where):
    """(build, docx, pdf) seconds of one summary as the page makes it, and the document."""
    import time

    started = time.perf_counter()
    doc = summary.build(user, period=period, lang="zh", **where)
    built = time.perf_counter()
    render_as(doc, "docx")
    worded = time.perf_counter()
    render_as(doc, "pdf")
    done = time.perf_counter()
    return (built - started, worded - built, done - worded), doc


def _frozen(doc):
    """The document as a draft stores and reloads it: fixed, no data read to render it."""
    return drafts.load_document(drafts.dump_frame(doc), doc.title, drafts.dump_blocks(doc.blocks))


def _measure(user, period: str, runs: int, *, floor: bool = True, **where):
    """Timed runs of the summary, its frozen reference and (`floor`) LibreOffice alone; one
    untimed run first while this process has no LibreOffice profile yet (making one costs
    seconds): the zone's runs make it, so the city's are not preceded by one more."""
    phases: list[tuple[float, float, float]] = []

    def whole():
        got, doc = _both(user, period, **where)
        phases.append(got)
        return doc

    if not pdf_render.profile_made():
        whole()  # the process's first conversion makes LibreOffice's profile: not timed
        phases.clear()
    times, doc = timed(whole, runs)
    fixed = _frozen(doc)
    reference, _ = timed(lambda: (render_as(fixed, "docx"), render_as(fixed, "pdf")), runs)
    finished = docx_render.render(fixed, for_pdf=True)
    floor_times = timed(lambda: pdf_render.convert(finished), runs)[0] if floor else []
    split = [median([p[i] for p in phases]) for i in range(3)]
    return times, reference, floor_times, split, doc


def _pages(doc) -> str:
    paragraphs = sum(1 for b in doc.blocks if type(b).__name__ == "Paragraph")
    return f"{paragraphs} paragraphs, {len(doc.annex)} annex blocks"


def _run(*, runs: int, log) -> list[dict]:
    zone = Zone.objects.filter(area__code__startswith=scale.PROVINCE[:2]).order_by("code").first()
    period = _half_year(zone)
    leader = _leader(f"bench-leader-{zone.code}", zone=zone)
    firms = Enterprise.objects.filter(zone=zone).count()
    z_times, z_ref, z_floor, z_split, z_doc = _measure(leader, period, runs, zone=zone.code)
    log(
        f"  zone {zone.code} {period}: {median(z_times):.2f} s (data {z_split[0]:.2f}, docx "
        f"{z_split[1]:.2f}, pdf {z_split[2]:.2f}); the frozen document {median(z_ref):.2f} s"
    )

    city = Area.objects.get(code=zone.area.parent.code)  # the county's city
    n_zones = Zone.objects.filter(area__code__startswith=city.scope_prefix).count()
    city_leader = _leader(f"bench-leader-{city.code}", area=city)
    c_times, c_ref, _none, c_split, c_doc = _measure(
        city_leader, period, runs, floor=False, area=city.code
    )
    log(
        f"  city {city.code} ({n_zones} zones): {median(c_times):.2f} s (data {c_split[0]:.2f}, "
        f"docx {c_split[1]:.2f}, pdf {c_split[2]:.2f}); frozen {median(c_ref):.2f} s"
    )

    # The city's draft page: opened once, then shown (its figures checked against the data).
    draft, _created = services.draft_open(
        actor=city_leader, area=city.code, period=period, lang="zh"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(city_leader)
    url = reverse("reports:draft", args=[draft.pk])

    def page():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    page()
    draft_times, _ = timed(page, runs)
    log(f"  the city's draft page: {median(draft_times):.2f} s")
    SummaryDraft.objects.filter(pk=draft.pk).delete()  # leave the data as generated

    city_target = CITY_TARGET_S_PER_ZONE * n_zones
    zone_s, city_s = median(z_times), median(c_times)
    return [
        row(
            "a zone's half-year summary, .docx and PDF (build + render_as both)",
            z_times,
            note=f"zone {zone.code}, {firms} firms, {period}; "
            f"{_pages(z_doc)}; phases: data {z_split[0]:.2f} s, .docx {z_split[1]:.2f} s, "
            f"PDF {z_split[2]:.2f} s; {zone_s / median(z_ref):.2f}x the frozen document",
            limit=median(z_ref),
            target=(f"< {ZONE_TARGET_S:.0f} s", zone_s < ZONE_TARGET_S),
        ),
        row(
            "reference: the same zone document, frozen, rendered to both formats",
            z_ref,
            note="no data read: the renderers and LibreOffice alone",
        ),
        row(
            "floor: LibreOffice converting the zone's finished .docx",
            z_floor,
            note="reports.render.pdf.convert, own profile, warm",
        ),
        row(
            f"a city's half-year summary, .docx and PDF ({n_zones} zones)",
            c_times,
            note=f"city {city.code}, {period}; {_pages(c_doc)}; phases: data {c_split[0]:.2f} s, "
            f".docx {c_split[1]:.2f} s, PDF {c_split[2]:.2f} s; "
            f"{city_s / median(c_ref):.2f}x the frozen document",
            limit=median(c_ref),
            target=(
                f"< {city_target:.0f} s ({CITY_TARGET_S_PER_ZONE} s a zone)",
                city_s < city_target,
            ),
        ),
        row(
            "reference: the same city document, frozen, rendered to both formats",
            c_ref,
            note="no data read",
        ),
        row(
            "the city's draft page (GET /reports/drafts/<pk>/, figures checked against the data)",
            draft_times,
            note="rebuilds the city's summary to find stale figures; renders no file",
        ),
    ]
