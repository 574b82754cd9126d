"""The zone-month totals become whole-number columns the database adds up, and the summaries'
firms become compact text (indicators.SUMMARY_VERSION 2). The kept summaries are derived data:
they are dropped here and read from the rows until `zonedesk rollups` (or the next write of a
month's figures) stores them again."""

from django.db import migrations, models


def drop_summaries(apps, schema_editor):
    apps.get_model("monitoring", "ZoneMonth").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0004_zone_month"),
    ]

    operations = [
        migrations.RunPython(drop_summaries, migrations.RunPython.noop),
        migrations.RemoveField(model_name="zonemonth", name="totals"),
        # Backwards, the summaries go before `totals` comes back (a column without a default).
        migrations.RunPython(migrations.RunPython.noop, drop_summaries),
        migrations.AddField(
            model_name="zonemonth", name="firms", field=models.PositiveIntegerField(default=0)
        ),
        *(
            migrations.AddField(
                model_name="zonemonth", name=f"sum_{m}", field=models.BigIntegerField(null=True)
            )
            for m in (
                "output_value_wan",
                "revenue_wan",
                "electricity_kwh",
                "water_t",
                "employees",
                "export_value_wan",
                "orders_wan",
            )
        ),
    ]
