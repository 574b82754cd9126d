"""The default per-mu scheme's name as an official writes it: 亩均效益综合评价, without the
developer's note "（浙江式，默认）" (its source, kept beside it, names the Zhejiang method). A
name a zone has changed since is left as it is."""

import datetime as dt

from django.db import migrations

SEEDED = "亩均效益综合评价（浙江式，默认）"
NAME = "亩均效益综合评价"


def rename(apps, schema_editor):
    apps.get_model("monitoring", "PerMuScheme").objects.filter(
        valid_from=dt.date(2018, 1, 1), name=SEEDED
    ).update(name=NAME)


def unrename(apps, schema_editor):
    apps.get_model("monitoring", "PerMuScheme").objects.filter(
        valid_from=dt.date(2018, 1, 1), name=NAME
    ).update(name=SEEDED)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0023_comparable_names")]

    operations = [migrations.RunPython(rename, unrename)]
