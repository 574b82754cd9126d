import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Node templates per zone: a template belongs to a zone (its own, copied from the default on
    its first change) or to no zone (the installation's default of the kind, the rows stored so
    far). One template of a kind per zone, one default per kind."""

    dependencies = [
        ("org", "0010_verbose_names"),
        ("projects", "0009_node_warn_days"),
    ]

    operations = [
        migrations.AlterField(
            model_name="nodetemplate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("industrial", "Industrial"),
                    ("infrastructure", "Infrastructure"),
                    ("services", "Services"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="nodetemplate",
            name="zone",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: the installation's default, for the zones without their own.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="node_templates",
                to="org.zone",
                verbose_name="zone",
            ),
        ),
        migrations.AddConstraint(
            model_name="nodetemplate",
            constraint=models.UniqueConstraint(
                fields=("zone", "kind"), name="projects_template_zone_kind"
            ),
        ),
        migrations.AddConstraint(
            model_name="nodetemplate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("zone__isnull", True)),
                fields=("kind",),
                name="projects_template_default_kind",
            ),
        ),
    ]
