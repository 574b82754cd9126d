"""The round-the-clock clock of a problem (respond_by, resolve_by), its first response
(responded_at, filled for the problems already accepted from their first acceptance event) and
the officer who follows it besides the firm's liaison officer (a key project's service officer)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def responded_from_events(apps, schema_editor):
    Problem = apps.get_model("casework", "Problem")
    ProblemEvent = apps.get_model("casework", "ProblemEvent")
    first = {}
    for problem_id, at in (
        ProblemEvent.objects.filter(to_state="accepted", move="accepted")
        .order_by("problem_id", "at", "pk")
        .values_list("problem_id", "at")
    ):
        first.setdefault(problem_id, at)
    problems = list(Problem.objects.filter(pk__in=list(first)))
    for problem in problems:
        problem.responded_at = first[problem.pk]
    Problem.objects.bulk_update(problems, ["responded_at"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0008_verbose_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='problem',
            name='officer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='followed_problems', to=settings.AUTH_USER_MODEL, verbose_name='officer following it'),
        ),
        migrations.AddField(
            model_name='problem',
            name='resolve_by',
            field=models.DateTimeField(blank=True, null=True, verbose_name='resolve by'),
        ),
        migrations.AddField(
            model_name='problem',
            name='respond_by',
            field=models.DateTimeField(blank=True, null=True, verbose_name='respond by'),
        ),
        migrations.AddField(
            model_name='problem',
            name='responded_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='responded'),
        ),
        migrations.RunPython(responded_from_events, migrations.RunPython.noop),
    ]
