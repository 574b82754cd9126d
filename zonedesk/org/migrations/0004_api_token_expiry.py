"""API tokens expire and are revoked rather than deleted (issue 14).

Tokens made before this migration expire 90 days after their creation (the default lifetime).
"""

import datetime as dt

from django.db import migrations, models


def expire_existing(apps, schema_editor):
    ApiToken = apps.get_model("org", "ApiToken")
    ApiToken.objects.update(expires_at=models.F("created_at") + dt.timedelta(days=90))


class Migration(migrations.Migration):
    dependencies = [("org", "0003_security_events")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked"),
        ),
        migrations.RunPython(expire_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
    ]
