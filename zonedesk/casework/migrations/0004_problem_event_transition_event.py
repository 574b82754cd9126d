"""ProblemEvent on core.workflow's TransitionEvent: from_status/to_status renamed (rows kept),
the actor's name stored with the step, moves and statuses up to 20 characters."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def name_the_actors(apps, schema_editor):
    """Past steps get their user's name; a step without a user (the system's, or a user since
    deleted) keeps a blank name, since which of the two cannot be told."""
    ProblemEvent = apps.get_model("casework", "ProblemEvent")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    ProblemEvent.objects.filter(actor__isnull=False).update(
        actor_name=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("username")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0003_plan_actions"),
    ]

    operations = [
        migrations.RenameField("problemevent", "from_status", "from_state"),
        migrations.RenameField("problemevent", "to_status", "to_state"),
        migrations.AlterField(
            model_name="problemevent",
            name="from_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("submitted", "Submitted"),
                    ("accepted", "Accepted"),
                    ("in_progress", "In progress"),
                    ("replied", "Replied"),
                    ("resolved", "Resolved"),
                    ("confirmed", "Confirmed by the firm"),
                    ("reopened", "Reopened"),
                    ("transferred", "Transferred"),
                    ("closed_unsolvable", "Closed as not solvable"),
                ],
                max_length=20,
                verbose_name="from",
            ),
        ),
        migrations.AlterField(
            model_name="problemevent",
            name="to_state",
            field=models.CharField(
                choices=[
                    ("submitted", "Submitted"),
                    ("accepted", "Accepted"),
                    ("in_progress", "In progress"),
                    ("replied", "Replied"),
                    ("resolved", "Resolved"),
                    ("confirmed", "Confirmed by the firm"),
                    ("reopened", "Reopened"),
                    ("transferred", "Transferred"),
                    ("closed_unsolvable", "Closed as not solvable"),
                ],
                max_length=20,
                verbose_name="to",
            ),
        ),
        migrations.AlterField(
            model_name="problemevent",
            name="move",
            field=models.CharField(max_length=20, verbose_name="step"),
        ),
        migrations.AddField(
            model_name="problemevent",
            name="actor_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="user name"),
        ),
        migrations.RunPython(name_the_actors, migrations.RunPython.noop),
    ]
