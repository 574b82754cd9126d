"""Names refuse control and bidirectional-override characters (issue 14): one validator on the
model fields, so the forms, the API and the services all refuse them with the same message."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from tests.enterprises import test_pages
from zonedesk.core.actors import SYSTEM
from zonedesk.core.fields import validate_name, validate_text
from zonedesk.core.workflow import TransitionEvent
from zonedesk.enterprises.models import Enterprise
from zonedesk.org.services import api_token_create

REFUSED_IN_NAMES = [
    "\x00",
    "\t",
    "\n",
    "\r",
    "\x1b",  # ESC, the start of a terminal colour sequence
    "\x7f",
    "\x85",  # NEL, a C1 line break
    "\x9b",
    "\u061c",
    "\u200b",
    "\u200e",
    "\u200f",
    "\u2028",
    "\u2029",
    *[chr(c) for c in range(0x202A, 0x202F)],
    "\u2060",
    *[chr(c) for c in range(0x2066, 0x206A)],
    "\ufeff",
    "\ud800",
]
FINE_NAMES = [
    "甲一机械有限公司（合成）",
    "A&B (Sichuan) Co., Ltd. · 第3车间",
    "O'Brien-Zhang",
    "👨‍👩‍👧 家庭农场",  # joiners inside an emoji sequence stay allowed
    "١٢٣ شركة",  # right-to-left letters themselves are fine; only the controls are refused
]


@pytest.mark.parametrize("char", REFUSED_IN_NAMES, ids=lambda c: f"U+{ord(c):04X}")
def test_a_name_refuses_each_control_character(char):
    with pytest.raises(ValidationError) as refused:
        validate_name(f"甲{char}乙")
    assert refused.value.code == "control_character"
    assert f"U+{ord(char):04X}" in refused.value.message % refused.value.params


@pytest.mark.parametrize("name", FINE_NAMES)
def test_ordinary_names_pass(name):
    validate_name(name)


def test_a_text_keeps_its_lines_and_direction_marks_but_not_overrides():
    validate_text("第一条\n\t一、说明\r\n二、\u200e混排 LTR mark")
    for char in ("\x1b", "\x0b", "\x0c", "\x85", "\u202e", "\u2066", "\ud800"):
        with pytest.raises(ValidationError):
            validate_text(f"说明{char}")


# Text columns written only by the system or checked by a validator of their own.
NOT_FREE_TEXT = {
    "core.AuditEntry",  # written by the audit module from values already validated
    "monitoring.ImportJob",  # the worker's state; its file name is the uploads' part
    "org.User.username",  # UnicodeUsernameValidator: letters, digits and @.+-_ only
    "org.User.password",
    "org.User.first_name",  # not used: full_name is the person's name
    "org.User.last_name",
    "org.User.email",  # EmailField
    "enterprises.Contact.email",
    "org.ApiToken.prefix",
    "org.ApiToken.digest",
    "monitoring.ZoneMonth",
    "org.PasswordHistory",  # password hashes
    "org.LoginThrottle.key",  # the user name as typed at a failed log-in, or an address
    "core.WorkerHeartbeat",  # the worker's host name and id
    "core.AuditChainHead",  # hashes
}

EVENT_COPIES = {"move", "from_state", "to_state", "actor_name"}


def free_text_fields():
    for config in apps.get_app_configs():
        if not config.name.startswith("zonedesk."):
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, models.CharField | models.TextField) or field.choices:
                    continue
                label = f"{model._meta.label}.{field.name}"
                if model._meta.label in NOT_FREE_TEXT or label in NOT_FREE_TEXT:
                    continue
                # A status flow's event row: the move's and states' names and the actor's user
                # name are copied by core.workflow, not typed in.
                if issubclass(model, TransitionEvent) and field.name in EVENT_COPIES:
                    continue
                yield label, field


def test_every_free_text_column_refuses_control_characters():
    """A new name or text column must choose validate_name or validate_text (or a validator
    of its own, as codes and phone numbers have)."""
    missing = []
    for label, field in free_text_fields():
        own = [v for v in field.validators if not v.__class__.__name__.endswith("LengthValidator")]
        text_without = isinstance(field, models.TextField) and validate_text not in field.validators
        if not own or text_without:
            missing.append(label)
    assert missing == []


@pytest.fixture
def en_client(client_for, world):
    client = client_for(world.users["leader"])
    client.cookies["django_language"] = "en"
    return client


def test_the_firm_form_refuses_a_right_to_left_override(en_client, world):
    form = test_pages.TestForms()._form(zone=world.zone_a.pk, name="表单\u202e企业有限公司")
    form["contacts-0-name"] = "钱\x1b[31m六"
    response = en_client.post("/enterprises/new/", form)
    assert response.status_code == 200
    assert "U+202E" in response.context["form"].errors["name"][0]
    assert "U+001B" in str(response.context["formset"].forms[0].errors["name"])
    assert not Enterprise.objects.filter(credit_code="91110108551385082Q").exists()


def test_a_form_field_with_undecodable_bytes_is_not_a_server_error(en_client, world):
    """A form cannot carry a surrogate: Django decodes bad UTF-8 as U+FFFD; still no 500."""
    body = f"name=%ED%A0%80&zone={world.zone_a.pk}&contacts-TOTAL_FORMS=0&contacts-INITIAL_FORMS=0"
    response = en_client.post(
        "/enterprises/new/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.fixture
def bearer(world):
    _row, token = api_token_create(actor=SYSTEM, user=world.users["leader"], name="names")
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def test_the_api_refuses_them_as_field_errors(client, world, bearer):
    for body, code in (
        ({"name": "甲一\u2066机械"}, "U+2066"),
        ({"contacts": [{"name": "联系人\u200b甲"}]}, "U+200B"),
    ):
        firm = client.patch(
            f"/api/v1/firms/{world.firm_a.pk}",
            {**body, "version": world.firm_a.version},
            content_type="application/json",
            headers=bearer,
        )
        assert firm.status_code == 400, firm.content
        assert code in str(firm.json()["errors"]), firm.content
    world.firm_a.refresh_from_db()
    assert world.firm_a.name == "甲一机械有限公司"
    assert world.firm_a.contacts.get().name == "联系人甲"
    contact = client.post(
        f"/api/v1/firms/{world.firm_a.pk}/contacts",
        {"kind": "call", "date": "2020-06-01", "notes": "第一行\n第二行\u202e"},
        content_type="application/json",
        headers=bearer,
    )
    assert contact.status_code in (400, 422), contact.content
    assert "U+202E" in contact.content.decode()
