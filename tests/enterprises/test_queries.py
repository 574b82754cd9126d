"""Lists cost the same number of queries however many firms they show (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from zonedesk.enterprises.services import ContactData

pytestmark = pytest.mark.django_db
URLS = ["/enterprises/", "/enterprises/export.xlsx", "/api/v1/firms", "/"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("role", ["leader", "city_leader", "auditor"])
def test_query_count_does_not_grow_with_the_firms(world, client_for, url, role):
    client = client_for(world.users[role])
    before = _queries(client, url)
    for i in range(20):
        factories.firm(
            world.zone_a,
            officer=world.users["officer"],
            contacts=[ContactData(name=f"联系人{i}", phone="13800000000")],
        )
    assert _queries(client, url) == before
