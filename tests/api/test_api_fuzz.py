"""Schemathesis generates requests from our own OpenAPI schema: no input gets a 500."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from zonedesk.core.actors import SYSTEM
from zonedesk.org.services import api_token_create


@pytest.fixture
def keep_connection():
    """As Django's test client does: a request must not close the test's connection (and with it
    the transaction that holds the test data)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(world, keep_connection):
    _row, token = api_token_create(actor=SYSTEM, user=world.users["leader"], name="fuzz")
    return {"Authorization": f"Bearer {token}"}


# Loading the schema serves /api/v1/openapi.json through the WSGI app; it needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_no_generated_request_gets_a_server_error(case, bearer):
    response = case.call(headers=bearer)
    assert response.status_code < 500, response.text[:500]
