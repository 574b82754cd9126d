"""A deleted figure bumps its firm's match state only when the firm has one (an UPDATE, not an
INSERT): a firm without a state is decided anyway, and inserting one while the firm itself is
being deleted (a cascade, a flush) left a state row pointing at a firm that no longer exists."""

from django.db import migrations

STATE = "policies_matchstate"
FIGURES = "monitoring_monthlyfigure"

SQLITE = [
    "DROP TRIGGER IF EXISTS zd_match_figure_delete",
    f"""CREATE TRIGGER zd_match_figure_delete AFTER DELETE ON {FIGURES} BEGIN
        UPDATE {STATE} SET changes = changes + 1 WHERE enterprise_id = OLD.enterprise_id; END""",
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION zd_match_figure_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {STATE} SET changes = changes + 1
            WHERE enterprise_id IN (SELECT enterprise_id FROM old_rows);
            RETURN NULL;
        END $$""",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("policies", "0003_match_state")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
