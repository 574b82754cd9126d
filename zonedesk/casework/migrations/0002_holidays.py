"""Load the shipped public holidays (casework/data/holidays_cn.csv); days already set are kept."""

from django.db import migrations


def load(apps, schema_editor):
    from zonedesk.casework import holidays

    CalendarDay = apps.get_model("casework", "CalendarDay")
    known = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, kind=kind, name=name)
        for day, kind, name in holidays.read()
        if day not in known
    )


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
