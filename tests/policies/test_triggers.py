"""The triggers policies installs on other apps' tables (migrations 0003-0005) watch every column
a fact reads: a fact added on a new column, or a column renamed, fails here until the trigger
follows (otherwise a re-match would keep stale decisions for the firms that changed)."""

import re

import pytest
from django.db import connection

from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import columnar
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.org.models import Area, Zone
from zonedesk.policies import bulk, facts

pytestmark = pytest.mark.django_db

# The trigger that watches each table's updates (inserts and deletes of figures count always).
WATCHING = {
    MonthlyFigure: "zd_match_figure_update",
    Enterprise: "zd_match_firm_update",
    Zone: "zd_match_zone_update",
    Area: "zd_match_area_update",
}
# "OLD.x IS NOT NEW.x" (SQLite), "(old.x)::text IS DISTINCT FROM …" (PostgreSQL's rendering of
# a row trigger's WHEN) and "o.x IS DISTINCT FROM n.x" (the figures' statement trigger).
COMPARED = re.compile(r"\b(?:old|o)\.(\w+)\)?(?:::[a-z]+(?: [a-z]+)*)?\s+is\b", re.IGNORECASE)


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


def read_columns() -> dict[type, set[str]]:
    """The columns of each table that some fact reads: the registry paths of the fact table
    (facts.REGISTRY, through zone and county) and the figure columns monitoring's columnar read
    returns (plus the firm and the month each figure belongs to)."""
    read = {model: set() for model in WATCHING}
    for path in facts.REGISTRY:
        model = Enterprise
        *hops, last = path.split("__")
        for hop in hops:
            read[model].add(_column(model, hop))
            model = model._meta.get_field(hop).related_model
        if last != "pk":
            read[model].add(_column(model, last))
    read[MonthlyFigure] |= {
        _column(MonthlyFigure, name)
        for name in ("enterprise", "period", *columnar.MONTH_COLUMNS, *columnar.SUM_COLUMNS)
    }
    return read


def watched_columns(trigger: str) -> set[str]:
    """The columns the installed trigger compares between the old and the new row."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [trigger]
            )
        else:
            cursor.execute(
                "SELECT pg_get_triggerdef(t.oid) || ' ' || p.prosrc FROM pg_trigger t "
                "JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgname = %s",
                [trigger],
            )
        row = cursor.fetchone()
    assert row is not None, f"trigger {trigger} is not installed"
    return set(COMPARED.findall(row[0]))


def test_every_trigger_of_the_match_state_is_installed():
    assert bulk.triggers_present()


@pytest.mark.parametrize("model", list(WATCHING), ids=lambda m: m._meta.label)
def test_trigger_watches_every_column_a_fact_reads(model):
    """Each column a fact reads exists on the model and is compared by its table's trigger."""
    columns = {f.column for f in model._meta.concrete_fields}
    read = read_columns()[model]
    assert read <= columns, read - columns
    assert read <= watched_columns(WATCHING[model]), read - watched_columns(WATCHING[model])


def test_a_column_the_trigger_misses_is_found():
    """The reading of a trigger's columns is not vacuous: it names what the trigger compares,
    and a column it does not compare is missing from it."""
    watched = watched_columns(WATCHING[Enterprise])
    assert {"industry_code", "zone_id"} <= watched
    assert "name" not in watched  # a new name does not change a fact
