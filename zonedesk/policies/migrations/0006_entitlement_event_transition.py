"""Entitlement events take the shape of every flow's events (core.workflow.TransitionEvent): the
move made, the actor's name as it was, a JSON payload; the time is set by the flow (the demo's
replayed history keeps its own times). Existing events made the move named like their state."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def fill_moves(apps, schema_editor):
    Event = apps.get_model("policies", "EntitlementEvent")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Event.objects.update(move=F("to_state"))
    Event.objects.filter(actor__isnull=False).update(
        actor_name=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("username")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0005_figure_update_hash_join"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="entitlementevent",
            name="actor_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="user name"),
        ),
        migrations.AddField(
            model_name="entitlementevent",
            name="move",
            field=models.CharField(default="", max_length=20, verbose_name="step"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="entitlementevent",
            name="payload",
            field=models.JSONField(blank=True, default=dict, verbose_name="details"),
        ),
        migrations.AlterField(
            model_name="entitlementevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="entitlementevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="time"),
        ),
        migrations.RunPython(fill_moves, migrations.RunPython.noop),
    ]
