"""The work summary as a file: Markdown here, .docx and PDF by `reports.render` (imported when
asked, so that an installation without a renderer says so instead of failing to start)."""

import importlib

from django.utils.translation import gettext as _

from zonedesk.reports import markdown
from zonedesk.reports.document import Document

FORMATS = ("md", "docx", "pdf")


class RendererMissing(Exception):
    """No renderer for the format in this installation (reports.render.docx or .pdf)."""

    def __init__(self, fmt: str):
        self.format = fmt
        super().__init__(
            _("The %(format)s renderer (zonedesk.reports.render.%(format)s) is not installed.")
            % {"format": fmt}
        )


def render_as(doc: Document, fmt: str) -> bytes:
    """The document in `fmt` (one of FORMATS)."""
    if fmt == "md":
        return markdown.render(doc).encode("utf-8")
    try:
        module = importlib.import_module(f"zonedesk.reports.render.{fmt}")
    except ImportError as exc:
        if exc.name and not exc.name.startswith("zonedesk.reports.render"):
            raise  # the renderer is there but one of its own imports failed: not "missing"
        raise RendererMissing(fmt) from exc
    return module.render(doc)
