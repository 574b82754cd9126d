"""The work summary assembled from the sections: `build(user, zone=…|area=…, period=…, lang=…)`
gives a `reports.document.Document` that the renderers (Markdown here; .docx and PDF in
`reports.render`) lay out.

The sections are discovered, not listed: every module of `reports.sections` that declares
`SUMMARY = Part(...)` (reports.sections.part) takes its place by part and order; its data
function reads the domain selectors for the acting user, and a section without data is left
out and named in `Document.omitted` with the reason. Part 4 (下步打算) is written from the open
items the other sections report."""

import datetime as dt
import importlib
import pkgutil
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zonedesk.core.errors import NotFound
from zonedesk.core.report_periods import ReportPeriod, parse
from zonedesk.monitoring import selectors as monitoring
from zonedesk.reports import sections
from zonedesk.reports.document import Block, Document, Heading, Omitted, Source
from zonedesk.reports.sections import next_steps
from zonedesk.reports.sections.part import Found, Missing, Part

LANGUAGES = {"zh": "zh-hans", "en": "en"}

# The document's four parts (一、二、三、四), in order.
PARTS = {
    1: gettext_lazy("Production and operation"),
    2: gettext_lazy("Difficulties the firms face"),
    3: gettext_lazy("The main work"),
    4: gettext_lazy("Next steps"),
}


@dataclass(frozen=True)
class Ask:
    """What a section's data function is asked for."""

    user: object
    scope: monitoring.Scope
    period: ReportPeriod
    today: dt.date


def parts() -> list[Part]:
    """Every section that contributes to the summary, by part and order."""
    found = []
    for info in pkgutil.iter_modules(sections.__path__):
        module = importlib.import_module(f"{sections.__name__}.{info.name}")
        part = getattr(module, "SUMMARY", None)
        if isinstance(part, Part):
            found.append(part)
    return sorted(found, key=lambda p: (p.part, p.order, p.key))


def title(scope_label: str, period: ReportPeriod) -> str:
    return _("%(scope)s work summary for %(period)s") % {
        "scope": scope_label,
        "period": period.label,
    }


def build(
    user,
    *,
    zone: str | None = None,
    area: str | None = None,
    period: str | ReportPeriod,
    lang: str = "zh",
    today: dt.date | None = None,
) -> Document:
    """The summary of a zone (code) or an area (division code) over a period (2020-06,
    2020-Q2, 2020-H1, 2020) in `lang` (zh or en), as the user may see it. NotFound when the
    scope is not one the user sees; ValueError for a period that is none of those."""
    if isinstance(period, str):
        period = parse(period)
    scope = monitoring.scope_for(user, zone=zone or "", area=area or "")
    if scope is None or not (zone or area):
        raise NotFound(_("No zone or area “%(code)s” that you may see.") % {"code": zone or area})
    language = LANGUAGES.get(lang, lang)
    with translation.override(language):
        return _assemble(Ask(user, scope, period, today or timezone.localdate()), language)


def section(
    user,
    key: str,
    *,
    zone: str | None = None,
    area: str | None = None,
    period: str | ReportPeriod,
    lang: str = "zh",
    today: dt.date | None = None,
) -> Document:
    """One section of the summary (its `Part.key`, e.g. "projects") as a document of its own:
    the same data function and wording as in the whole summary, nothing else. Its `omitted`
    says why when the section has nothing to say. NotFound and ValueError as `build`."""
    if isinstance(period, str):
        period = parse(period)
    if key not in {p.key for p in parts()}:
        raise NotFound(_("No section “%(key)s” in the work summary.") % {"key": key})
    scope = monitoring.scope_for(user, zone=zone or "", area=area or "")
    if scope is None or not (zone or area):
        raise NotFound(_("No zone or area “%(code)s” that you may see.") % {"code": zone or area})
    language = LANGUAGES.get(lang, lang)
    with translation.override(language):
        ask = Ask(user, scope, period, today or timezone.localdate())
        return _assemble(ask, language, only=key)


def _assemble(ask: Ask, language: str, only: str | None = None) -> Document:
    found: dict[str, Found] = {}
    omitted: list[Omitted] = []
    for part in parts():
        if only and part.key != only:
            continue
        got = import_string(part.data)(ask)
        if isinstance(got, Missing):
            omitted.append(Omitted(str(part.title), got.reason))
        else:
            found[part.key] = got
    blocks: list[Block] = []
    annex: list[Block] = []
    steps: list[tuple[str, Source]] = []
    every = parts()
    for number in (1, 2, 3):
        here = [p for p in every if p.part == number and p.key in found]
        if not here:
            if not only and not any(p.part == number for p in every):  # else its sections said why
                omitted.append(Omitted(str(PARTS[number]), _("No section of it is installed.")))
            continue
        blocks.append(Heading(1, str(PARTS[number])))
        for part in here:
            data = found[part.key]
            if number == 3:
                blocks.append(Heading(2, str(part.title)))
            blocks += part.build(data)
            if part.next_steps:
                steps += [(text, data.source) for text in part.next_steps(data)]
            if part.annex:
                annex += part.annex(data)
    if steps:
        blocks.append(Heading(1, str(PARTS[4])))
        blocks += next_steps.build(steps)
    elif not only:
        omitted.append(Omitted(str(PARTS[4]), _("No open item: nothing overdue or owed.")))
    times = [f.as_of for f in found.values() if f.as_of is not None]
    return Document(
        title=title(ask.scope.label, ask.period)
        + "".join(f" · {p.title}" for p in every if only and p.key == only),
        issuer=ask.scope.label,
        dated=ask.today,
        blocks=tuple(blocks),
        as_of=max(times) if times else None,
        annex=tuple(annex),
        omitted=tuple(omitted),
        lang=language,
        meta={
            "scope": f"{'zone' if ask.scope.zone else 'area'}={ask.scope.code}",
            "period": ask.period.code,
            "sections": ",".join(found),
        },
    )
