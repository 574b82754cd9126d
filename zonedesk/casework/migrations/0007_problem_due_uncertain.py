"""Problem.due_uncertain: the due date was counted on ordinary weeks.

Before the chinese-calendar package was the base of the calendar, a deadline in a year without
CalendarDay rows was counted on ordinary weeks without saying so; the stored deadlines of such
years are flagged here (not recomputed: a calendar change never moves a deadline already set;
the problem's next step computes its next deadline on the full calendar).
"""

from django.db import migrations, models


def flag_deadlines_counted_on_ordinary_weeks(apps, schema_editor):
    CalendarDay = apps.get_model("casework", "CalendarDay")
    Problem = apps.get_model("casework", "Problem")
    entered = {d.year for d in CalendarDay.objects.dates("date", "year")}
    years = {d.year for d in Problem.objects.filter(due_at__isnull=False).dates("due_at", "year")}
    uncertain = sorted(years - entered)
    if uncertain:
        Problem.objects.filter(due_at__year__in=uncertain).update(due_uncertain=True)


class Migration(migrations.Migration):
    dependencies = [("casework", "0006_edit_version")]

    operations = [
        migrations.AddField(
            model_name="problem",
            name="due_uncertain",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "That year's public holiday arrangement had not been entered when the due "
                    "date was computed."
                ),
                verbose_name="due date counted on ordinary weeks",
            ),
        ),
        migrations.RunPython(flag_deadlines_counted_on_ordinary_weeks, migrations.RunPython.noop),
    ]
