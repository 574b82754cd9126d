"""Chinese first, English complete."""

import re
from pathlib import Path

import pytest

import zonedesk

PO = Path(zonedesk.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    """(msgid, [msgstr...], flags) for every entry of a .po file, header excluded."""
    for block in text.split("\n\n"):
        msgid = (
            "".join(re.findall(r'"(.*)"', block.split("msgid ", 1)[1].split("msgstr", 1)[0]))
            if "msgid " in block
            else None
        )
        if not msgid:
            continue
        strs = [
            "".join(re.findall(r'"(.*)"', part.split("\n#")[0]))
            for part in re.split(r"msgstr(?:\[\d\])? ", block)[1:]
        ]
        flags = re.findall(r"^#, (.*)$", block, flags=re.M)
        yield msgid, strs, flags


def test_every_string_has_a_chinese_translation():
    entries = list(_entries(PO.read_text(encoding="utf-8")))
    assert len(entries) > 200
    untranslated = [m for m, strs, _f in entries if not all(strs)]
    fuzzy = [m for m, _s, flags in entries if any("fuzzy" in f for f in flags)]
    assert untranslated == [] and fuzzy == []


def test_translation_functions_keep_names_makemessages_knows():
    """makemessages finds gettext, gettext_lazy, ngettext, pgettext… and `_`; a string marked with
    another alias (`gettext_lazy as _lazy`) is never extracted, so it stays English."""
    aliased = [
        f"{path.relative_to(PO.parents[3])}: {line.strip()}"
        for path in Path(zonedesk.__file__).parent.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"\s*from django\.utils\.translation import .*\b\w*gettext\w* as (?!_\b)", line)
    ]
    assert aliased == []


def test_placeholders_survive_translation():
    for msgid, strs, _flags in _entries(PO.read_text(encoding="utf-8")):
        expected = set(re.findall(r"%\(\w+\)[sd]", msgid))
        for s in strs:
            assert set(re.findall(r"%\(\w+\)[sd]", s)) == expected, msgid


def test_compiled_catalogue_is_up_to_date():
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime - 1, "run make messages"


@pytest.mark.django_db
def test_pages_are_chinese_even_for_an_english_browser(client):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in body and "Log in" not in body


@pytest.mark.django_db
def test_the_language_switch_turns_pages_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    body = client.get("/accounts/login/").content.decode()
    assert "Log in" in body and "登录" not in body


@pytest.mark.django_db
def test_the_api_answers_in_the_language_asked_for(client):
    zh = client.get("/api/v1/firms").json()["detail"]
    en = client.get("/api/v1/firms", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert en == "Log in or send a bearer token." and zh != en
