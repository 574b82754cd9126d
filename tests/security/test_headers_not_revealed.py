"""Another unit's record is not revealed (issue 14): for every page and endpoint that names a
record, each role gets the same answer for a record of another unit as for one that does not
exist (404, not 403; the same message but for the id). The requests are the access matrix's own
(tests/test_access_matrix.py), with the record's id swapped for one no record has (an id past every
row, as someone counting up from their own records would reach; a code no zone has)."""

import re
import uuid

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls import reverse as real_reverse

from tests import test_access_matrix as matrix

PERIOD = re.compile(r"^\d{4}-\d{2}$")
ROLES = [r for r in matrix.ROLES if r != "anonymous"]


@pytest.fixture
def world(shared_world, _logins_once):
    """The module's world and its users' log-ins, made once (tests/conftest.py: shared_world,
    _logins_once)."""
    return shared_world


def _record_routes(patterns=None, namespace=""):
    """Names of the routes whose URL carries a record's id or code."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            if ns != "admin:":
                yield from _record_routes(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name and getattr(p.pattern, "converters", None):
            yield namespace + p.name


# The node templates are a zone's (or the installation's defaults): another zone's node looks
# like no node, as every other unit's record does.
ROUTES = sorted(set(_record_routes()) & set(matrix.MATRIX))


class Ghost:
    """`reverse` as the matrix calls it, noting every id and code; with `swap`, each is replaced
    by one no record has."""

    def __init__(self, *, swap: bool):
        self.swap, self.values = swap, []

    def __call__(self, name, args=None, **kwargs):
        if args:
            args = [self.replace(a) for a in args]
        return real_reverse(name, args=args, **kwargs)

    def replace(self, value):
        if isinstance(value, matrix.Fixed):
            return value
        if isinstance(value, uuid.UUID):
            new = uuid.uuid4()
        elif isinstance(value, int):
            new = value + 1_000_003  # past every row the test made, as a counter would go
        elif isinstance(value, str) and not PERIOD.match(value):
            new = "999998" if value.isdigit() else "no-such-zone"
        else:
            return value
        new = new if self.swap else value
        self.values.append(str(new))
        return new


def answer(response, values: list[str]) -> tuple:
    """What the client learns: the status and the message, the requested ids and codes blanked."""
    body = ""
    if response.get("Content-Type", "").startswith("application/json"):
        body = str(response.json().get("detail", ""))
        for value in sorted(values, key=len, reverse=True):
            body = body.replace(value, "#")
    return response.status_code, body


def ask(client, world, name, role, *, swap: bool):
    """The matrix's out-of-scope request for (name, role), undone afterwards."""
    ghost = Ghost(swap=swap)
    with pytest.MonkeyPatch.context() as patch, transaction.atomic():
        patch.setattr(matrix, "reverse", ghost)
        response, _marker = matrix._request(client, world, name, role, "out")
        transaction.set_rollback(True)
    assert ghost.values, f"{name}: no id or code in the URL"
    return answer(response, ghost.values)


@pytest.mark.parametrize("name", ROUTES)
def test_another_units_record_looks_like_no_record(world, client_for, name):
    differ = []
    for role in ROLES:
        client = client_for(world.users[role])
        client.handler.enforce_csrf_checks = False
        other_units = ask(client, world, name, role, swap=False)
        missing = ask(client, world, name, role, swap=True)
        if other_units != missing:
            differ.append((role, other_units, missing))
    assert differ == []


def test_the_walk_covers_the_record_routes():
    assert {"enterprises:detail", "api:get_firm", "casework:problem", "user_edit"} <= set(ROUTES)
    assert len(ROUTES) >= 30
