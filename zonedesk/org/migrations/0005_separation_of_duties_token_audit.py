"""When a token's use was last audited (hourly), and separation of duties (MLPS level 3): no account holds two of the roles system administrator,
security administrator and auditor.

Accounts that hold two already stop the migration with their names: which duty such a person
keeps is for the operator to decide (in Django's admin, as a superuser, before migrating), not
for a migration to guess by withdrawing a privilege silently."""

from django.db import migrations, models

DUTIES = ["admin", "security", "auditor"]


def refuse_accounts_with_two_duties(apps, schema_editor):
    RoleGrant = apps.get_model("org", "RoleGrant")
    doubled = (
        RoleGrant.objects.filter(role__in=DUTIES)
        .values("user__username")
        .annotate(n=models.Count("id"))
        .filter(n__gt=1)
        .order_by("user__username")
    )
    names = [row["user__username"] for row in doubled]
    if names:
        raise RuntimeError(
            "These accounts hold two or more of the roles admin, security and auditor; withdraw "
            f"all but one (Django's admin, as a superuser), then migrate again: {', '.join(names)}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_api_token_expiry"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="last_audited_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last audited use"),
        ),
        migrations.RunPython(refuse_accounts_with_two_duties, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="rolegrant",
            constraint=models.UniqueConstraint(
                condition=models.Q(("role__in", ["admin", "security", "auditor"])),
                fields=("user",),
                name="org_rolegrant_one_duty",
                violation_error_message=(
                    "An account holds at most one of the roles system administrator, security "
                    "administrator and auditor (separation of duties)."
                ),
            ),
        ),
    ]
