"""The statement trigger that counts updated figures (PostgreSQL) joins the statement's old and
new rows by id. Transition tables have no statistics, so the planner chose a nested loop: a
re-import of 95,000 rows compared 9 billion pairs and ran for many minutes. The function now
runs with nested loops off, which leaves a hash join: linear in the rows."""

from importlib import import_module

from django.db import migrations

match_state = import_module("zonedesk.policies.migrations.0003_match_state")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    sql = match_state._function("zd_match_figure_update", match_state._FIGURE_ROWS["update"])
    marker = "RETURNS trigger LANGUAGE plpgsql AS"
    if marker not in sql:
        raise RuntimeError("the trigger function's header changed: update this migration")
    sql = sql.replace(marker, "RETURNS trigger LANGUAGE plpgsql SET enable_nestloop = off AS")
    schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("policies", "0004_figure_delete_bumps_only")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
