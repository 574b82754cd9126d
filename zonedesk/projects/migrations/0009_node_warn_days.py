import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    """A template node's own yellow warning (working days before its planned date), copied to
    the nodes of the projects created afterwards; empty falls back to the zone's setting
    (ZONEDESK["PROJECT_WARN_WORKDAYS"]), as every node did before."""

    dependencies = [
        ("projects", "0008_template_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="projectnode",
            name="warn_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(30)],
                verbose_name="yellow warning (working days)",
            ),
        ),
        migrations.AddField(
            model_name="templatenode",
            name="warn_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(30)],
                verbose_name="yellow warning (working days)",
            ),
        ),
        migrations.AddIndex(
            model_name="projectnode",
            index=models.Index(
                condition=models.Q(("warn_days__isnull", False)),
                fields=["warn_days"],
                name="projects_node_own_warn",
            ),
        ),
    ]
