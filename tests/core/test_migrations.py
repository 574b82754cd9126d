"""The models and the migrations agree: a change of a field (even of its validators or choices)
comes with its migration."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_no_model_change_lacks_its_migration():
    out = io.StringIO()
    call_command(
        "makemigrations", "--check", "--dry-run", stdout=out
    )  # exits 1 when one is missing
    assert "No changes detected" in out.getvalue()
