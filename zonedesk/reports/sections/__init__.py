"""Every paragraph zonedesk writes: one module per section of the work summary.

A section is a pure function from a domain selector's plain data (frozen dataclasses, no ORM
and no model import) to sentences or a paragraph; the domain app keeps the numbers. Adding a
section means adding a module here, never editing a domain app.

Translation: prose goes through gettext in the active language (`pgettext` where a short
msgid is ambiguous, `ngettext` for plurals); the interface (view, API, command) picks the
language with `translation.override`. A hand-written (zh, en) table is used only where the
label is data rather than prose (a fact's or a category's name kept beside its key), never for
sentences.

The work summary: a module that contributes to it declares `SUMMARY = Part(...)` (see `part`);
reports.summary finds it there and reads its data through the function it names.

Layering: reports sits above the domain apps. Domain modules (models, services, selectors,
access) never import it; a domain app's interface modules (views, api, templatetags,
management commands) may import `zonedesk.reports.sections` to show a paragraph.
"""

from zonedesk.reports.sections import (
    difficulties,
    finance,
    liaison,
    next_steps,
    part,
    permu,
    production,
    projects,
    recovery,
    status,
    support,
    words,
)

__all__ = [
    "difficulties",
    "finance",
    "liaison",
    "next_steps",
    "part",
    "permu",
    "production",
    "projects",
    "recovery",
    "status",
    "support",
    "words",
]
