"""The industrial above-size thresholds as published by the NBS (docs/statistics.md)."""

from decimal import Decimal

from django.db import migrations

THRESHOLDS = [
    (
        2007,
        Decimal(500),
        "国家统计局：自2007年起规模以上工业统计范围为年主营业务收入500万元及以上的工业法人企业",
    ),
    (
        2011,
        Decimal(2000),
        "国家统计局（经国务院批准）：自2011年起规模以上工业企业起点标准由年主营业务收入500万元"
        "提高到2000万元",
    ),
]


def seed(apps, schema_editor):
    SizeThreshold = apps.get_model("monitoring", "SizeThreshold")
    for year, revenue, source in THRESHOLDS:
        SizeThreshold.objects.get_or_create(
            sector="industry", from_year=year, defaults={"revenue_wan": revenue, "source": source}
        )


def unseed(apps, schema_editor):
    apps.get_model("monitoring", "SizeThreshold").objects.filter(
        sector="industry", from_year__in=[y for y, _r, _s in THRESHOLDS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0015_above_size_status")]

    operations = [migrations.RunPython(seed, unseed)]
