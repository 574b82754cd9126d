from django.db import migrations, models


class Migration(migrations.Migration):
    """The node template is edited on a page (services/templates.py): a version for the
    optimistic check, covering the template and its nodes."""

    dependencies = [
        ("projects", "0007_production"),
    ]

    operations = [
        migrations.AddField(
            model_name="nodetemplate",
            name="version",
            field=models.PositiveIntegerField(
                db_default=1,
                default=1,
                editable=False,
                help_text="Goes up by one with every saved change; an edit names the one it read.",
                verbose_name="version",
            ),
        ),
    ]
