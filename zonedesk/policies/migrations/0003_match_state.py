"""The match state of each firm, and the triggers that count the changes to a firm's inputs
(its monthly figures, its registry entry, its zone and its county), however they are made: a
re-match decides again only the firms whose count moved (see policies.models.MatchState).

SQLite has row triggers only; PostgreSQL counts a statement's figures at once (transition
tables), so a bulk import pays one statement, not one per row. The names are those that
policies.bulk.TRIGGERS checks for before trusting the state."""

import django.db.models.deletion
from django.db import migrations, models

STATE = "policies_matchstate"
FIGURES = "monitoring_monthlyfigure"
# The figures' columns the facts are computed from (policies.facts).
FIGURE_COLUMNS = (
    "enterprise_id",
    "period",
    "employees",
    "output_value_wan",
    "revenue_wan",
    "days_halted",
    "export_value_wan",
)
FIRM_COLUMNS = ("industry_code", "above_designated_size", "status", "production_start", "zone_id")
BUMP = "ON CONFLICT (enterprise_id) DO UPDATE SET changes = {state}.changes + 1".format(
    state=STATE
)


def _differ(columns, old="OLD", new="NEW") -> str:
    return " OR ".join(f"{old}.{c} IS NOT {new}.{c}" for c in columns)


SQLITE = [
    f"""CREATE TRIGGER zd_match_figure_insert AFTER INSERT ON {FIGURES} BEGIN
        INSERT INTO {STATE} (enterprise_id, changes, pairs) VALUES (NEW.enterprise_id, 1, 0)
        {BUMP}; END""",
    f"""CREATE TRIGGER zd_match_figure_update AFTER UPDATE ON {FIGURES}
        WHEN {_differ(FIGURE_COLUMNS)} BEGIN
        INSERT INTO {STATE} (enterprise_id, changes, pairs)
        SELECT e, 1, 0 FROM (SELECT OLD.enterprise_id AS e UNION SELECT NEW.enterprise_id)
        WHERE true {BUMP}; END""",
    f"""CREATE TRIGGER zd_match_figure_delete AFTER DELETE ON {FIGURES} BEGIN
        INSERT INTO {STATE} (enterprise_id, changes, pairs) VALUES (OLD.enterprise_id, 1, 0)
        {BUMP}; END""",
    f"""CREATE TRIGGER zd_match_firm_update AFTER UPDATE ON enterprises_enterprise
        WHEN {_differ(FIRM_COLUMNS)} BEGIN
        INSERT INTO {STATE} (enterprise_id, changes, pairs) VALUES (NEW.id, 1, 0) {BUMP}; END""",
    f"""CREATE TRIGGER zd_match_zone_update AFTER UPDATE ON org_zone
        WHEN {_differ(("code", "area_id"))} BEGIN
        INSERT INTO {STATE} (enterprise_id, changes, pairs)
        SELECT id, 1, 0 FROM enterprises_enterprise WHERE zone_id = NEW.id {BUMP}; END""",
    f"""CREATE TRIGGER zd_match_area_update AFTER UPDATE ON org_area
        WHEN {_differ(("code", "level"))} BEGIN
        INSERT INTO {STATE} (enterprise_id, changes, pairs)
        SELECT e.id, 1, 0 FROM enterprises_enterprise e JOIN org_zone z ON z.id = e.zone_id
        WHERE z.area_id = NEW.id {BUMP}; END""",
]

_FIGURE_ROWS = {
    "insert": "SELECT enterprise_id FROM new_rows",
    "delete": "SELECT enterprise_id FROM old_rows",
    "update": "SELECT e FROM old_rows o JOIN new_rows n ON n.id = o.id, "
    "LATERAL (VALUES (o.enterprise_id), (n.enterprise_id)) v(e) "
    f"WHERE {_differ(FIGURE_COLUMNS, 'o', 'n').replace('IS NOT', 'IS DISTINCT FROM')}",
}
_TRANSITION = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def _function(name: str, rows: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {STATE} (enterprise_id, changes, pairs)
            SELECT e, 1, 0 FROM ({rows}) c(e) GROUP BY e ORDER BY e {BUMP};
            RETURN NULL;
        END $$"""


POSTGRES = []
for _event, _rows in _FIGURE_ROWS.items():
    POSTGRES += [
        _function(f"zd_match_figure_{_event}", _rows),
        f"CREATE TRIGGER zd_match_figure_{_event} AFTER {_event.upper()} ON {FIGURES} "
        f"{_TRANSITION[_event]} FOR EACH STATEMENT EXECUTE FUNCTION zd_match_figure_{_event}()",
    ]
for _name, _table, _columns, _rows in (
    ("firm", "enterprises_enterprise", FIRM_COLUMNS, "SELECT NEW.id"),
    (
        "zone",
        "org_zone",
        ("code", "area_id"),
        "SELECT id FROM enterprises_enterprise WHERE zone_id = NEW.id",
    ),
    (
        "area",
        "org_area",
        ("code", "level"),
        "SELECT e.id FROM enterprises_enterprise e JOIN org_zone z ON z.id = e.zone_id "
        "WHERE z.area_id = NEW.id",
    ),
):
    POSTGRES += [
        _function(f"zd_match_{_name}_update", _rows),
        f"CREATE TRIGGER zd_match_{_name}_update AFTER UPDATE ON {_table} FOR EACH ROW "
        f"WHEN ({_differ(_columns).replace('IS NOT', 'IS DISTINCT FROM')}) "
        f"EXECUTE FUNCTION zd_match_{_name}_update()",
    ]

NAMES = [
    ("zd_match_figure_insert", FIGURES),
    ("zd_match_figure_update", FIGURES),
    ("zd_match_figure_delete", FIGURES),
    ("zd_match_firm_update", "enterprises_enterprise"),
    ("zd_match_zone_update", "org_zone"),
    ("zd_match_area_update", "org_area"),
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return  # no triggers: policies.bulk then decides every firm every time
    for sql in SQLITE if vendor == "sqlite" else POSTGRES:
        schema_editor.execute(sql, params=None)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, table in NAMES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_phone_validation"),
        ("monitoring", "0003_target_validators"),
        ("org", "0002_phone_validation"),
        ("policies", "0002_entitlement_event"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchState",
            fields=[
                (
                    "enterprise",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="enterprises.enterprise",
                    ),
                ),
                ("changes", models.BigIntegerField(default=0)),
                ("matched", models.BigIntegerField(blank=True, null=True)),
                ("period", models.DateField(blank=True, null=True)),
                ("rules", models.BigIntegerField(blank=True, null=True)),
                ("pairs", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install, remove),
    ]
