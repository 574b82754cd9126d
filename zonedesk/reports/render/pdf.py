"""The work summary as a PDF: the .docx of `render.docx`, converted by LibreOffice.

The route was chosen by measuring (docs/decisions.md, "Work summary layout"): LibreOffice lays out
the very .docx an official downloads, so the PDF has its page breaks by construction; a second
typesetter (Typst, WeasyPrint) would be a second layout to keep in step with the first.

The conversion runs `soffice --headless --convert-to pdf` with
- its own profile (-env:UserInstallation) in a directory of this process, made once and reused
  (a new profile costs seconds), under a lock, so two conversions never share a running instance;
- FONTCONFIG_FILE pointing at the project's fonts.conf, which maps each declared font to one
  free substitute; after the conversion the PDF's embedded fonts are checked against that list,
  so a missing font package is an error (`FontError`), never a silent substitution;
- a timeout (`TIMEOUT_S`), after which the process group is killed.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from zonedesk.reports import document as d
from zonedesk.reports.render import FACES, FONT_DIRS, FONTCONFIG_FILE, fonts_used_note
from zonedesk.reports.render import docx as docx_render

TIMEOUT_S = 60
_lock = threading.Lock()
_profile: Path | None = None


class ConversionError(RuntimeError):
    """LibreOffice did not produce a PDF (missing, timed out or failed)."""


class FontError(ConversionError):
    """The PDF embeds a font that is not one of the intended substitutes (or lacks one)."""


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise ConversionError(
            "LibreOffice (soffice) is not installed: run `make pdf-deps` (Debian's libreoffice-writer-nogui)."
        )
    return exe


def intended_fonts() -> set[str]:
    """PostScript names the PDF may embed: the substitutes of the declared fonts."""
    return {f.postscript for f in FACES}


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """Base font name (without the subset tag) -> whether its program is embedded."""
    out: dict[str, bool] = {}
    reader = PdfReader(BytesIO(pdf))

    def visit(font):
        font = font.get_object()
        name = str(font.get("/BaseFont", "")).lstrip("/")
        name = re.sub(r"^[A-Z]{6}\+", "", name)
        desc = font.get("/FontDescriptor")
        if font.get("/Subtype") == "/Type0":
            for sub in font.get("/DescendantFonts", []):
                visit(sub)
            return
        embedded = bool(desc) and any(
            k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
        )
        out[name] = out.get(name, False) or embedded

    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Fonts") or (page.get("/Resources") or {}).get(
            "/Font"
        )
        if not fonts:
            continue
        for ref in fonts.get_object().values():
            visit(ref)
    return out


def check_fonts(pdf: bytes) -> dict[str, bool]:
    fonts = embedded_fonts(pdf)
    stray = {n for n in fonts if n not in intended_fonts()}
    bare = {n for n, e in fonts.items() if not e}
    if stray or bare:
        raise FontError(
            f"the PDF uses fonts other than the intended substitutes or does not embed them: "
            f"unexpected {sorted(stray)}, not embedded {sorted(bare)}; expected only {sorted(intended_fonts())} "
            f"(are the font packages installed? `make pdf-deps`)"
        )
    return fonts


def profile_made() -> bool:
    """Whether this process has converted before: its LibreOffice profile exists (the first
    conversion of a process makes it, which takes seconds longer than the next ones)."""
    return _profile is not None and (_profile / "user").is_dir()


def _profile_dir() -> Path:
    global _profile
    if _profile is None or not _profile.exists():
        _profile = Path(tempfile.mkdtemp(prefix=f"zonedesk-lo-{os.getpid()}-"))
    return _profile


def convert(docx: bytes) -> bytes:
    """A .docx converted to PDF by LibreOffice, fonts mapped by the project's fonts.conf."""
    missing = [p for p in FONT_DIRS if not Path(p).is_dir()]
    if missing:
        raise FontError(
            f"font directory missing: {missing} (run `make pdf-deps`: Debian's texlive-lang-chinese)"
        )
    exe = soffice()
    with _lock, tempfile.TemporaryDirectory(prefix="zonedesk-pdf-") as work:
        src = Path(work) / "summary.docx"
        src.write_bytes(docx)
        env = {
            **os.environ,
            "FONTCONFIG_FILE": str(FONTCONFIG_FILE),
            "HOME": str(_profile_dir()),
            "SAL_USE_VCLPLUGIN": "svp",
        }
        cmd = [
            exe,
            f"-env:UserInstallation={_profile_dir().as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            work,
            str(src),
        ]
        proc = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _out, err = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ConversionError(f"LibreOffice did not finish within {TIMEOUT_S} s") from exc
        pdf = Path(work) / "summary.pdf"
        if proc.returncode != 0 or not pdf.exists():
            raise ConversionError(
                f"LibreOffice failed (exit {proc.returncode}): {err.decode('utf-8', 'replace')[-500:]}"
            )
        return pdf.read_bytes()


def render(doc: d.Document) -> bytes:
    """The document as PDF bytes: its .docx converted, the fonts checked, the metadata set
    (title, author, and the fonts-used note as the subject)."""
    pdf = convert(docx_render.render(doc, for_pdf=True))
    check_fonts(pdf)
    return _metadata(pdf, doc)


def _metadata(pdf: bytes, doc: d.Document) -> bytes:
    reader = PdfReader(BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    from django.utils import translation

    with translation.override(doc.lang):
        note = fonts_used_note()
    writer.add_metadata(
        {
            "/Title": d.plain(doc.title),
            "/Author": doc.issuer,
            "/Subject": note,
            "/Keywords": "; ".join(f"{k}={v}" for k, v in sorted(doc.meta.items())),
            "/Creator": "zonedesk",
        }
    )
    buf = BytesIO()
    writer.write(buf)
    return buf.getvalue()
