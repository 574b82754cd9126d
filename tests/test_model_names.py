"""Every zonedesk model and field has a Chinese name: the admin, the audit log and error
messages name records and fields by their verbose names, so an untranslated one shows English
(or a code such as `rows_total`) to a Chinese reader.

Compares each name under English with the same under Chinese: different, holding Chinese
characters and no Latin words beyond the allowed abbreviations. The catalogue entries the
names need come with the code (zonedesk/locale)."""

import re

import pytest
from django.apps import apps
from django.utils import translation

# Latin allowed inside a Chinese name: abbreviations officials use as they are.
ALLOWED_LATIN = {"API", "ID", "IP", "GB", "T"}
# Fields whose names wait for a migration of their app (reports): listed so a new field without
# a Chinese name anywhere else still fails. Remove them with the reports migration that adds them.
WAITING: set[tuple[str, str, str]] = set()  # fields waiting for a migration


def _models():
    return [m for m in apps.get_models() if m.__module__.startswith("zonedesk.")]


def _both(lazy) -> tuple[str, str]:
    with translation.override("en"):
        en = str(lazy)
    with translation.override("zh-hans"):
        zh = str(lazy)
    return en, zh


def _not_chinese(en: str, zh: str) -> bool:
    latin = set(re.findall(r"[A-Za-z]+", zh)) - ALLOWED_LATIN
    return zh == en or not re.search(r"[\u4e00-\u9fff]", zh) or bool(latin)


def test_there_are_models_to_check():
    assert len(_models()) > 40


@pytest.mark.parametrize("model", _models(), ids=lambda m: m._meta.label)
def test_every_model_has_a_chinese_name_and_plural(model):
    bad = [
        (which, en, zh)
        for which, lazy in (
            ("verbose_name", model._meta.verbose_name),
            ("verbose_name_plural", model._meta.verbose_name_plural),
        )
        for en, zh in [_both(lazy)]
        if _not_chinese(en, zh)
    ]
    assert bad == []


def test_every_field_has_a_chinese_name():
    bad = []
    for model in _models():
        for field in model._meta.get_fields():
            if not field.concrete or field.auto_created:
                continue
            if (model._meta.app_label, model.__name__, field.name) in WAITING:
                continue
            en, zh = _both(field.verbose_name)
            if _not_chinese(en, zh):
                bad.append(f"{model._meta.label}.{field.name}: {en!r} → {zh!r}")
    assert bad == []
