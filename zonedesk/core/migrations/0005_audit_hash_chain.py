"""Chain the audit log by hash (core.auditchain): number and hash the entries already written,
in the order they were written, and add the chain head that serialises the writers."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact

GENESIS = "0" * 64


def seal_existing(apps, schema_editor):
    from zonedesk.core.auditchain import HASHED, digest

    AuditEntry = apps.get_model("core", "AuditEntry")
    Head = apps.get_model("core", "AuditChainHead")
    prev, seq = GENESIS, 0
    batch = []
    for entry in AuditEntry.objects.order_by("at", "id").iterator(chunk_size=2000):
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = prev = digest(prev, {name: getattr(entry, name) for name in HASHED})
        batch.append(entry)
        if len(batch) == 2000:
            AuditEntry.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    AuditEntry.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
    Head.objects.create(id=1, seq=seq, hash=prev, anchor_seq=0, anchor_hash=GENESIS)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_worker_heartbeat_and_backup_events"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
                ("anchor_seq", models.BigIntegerField(default=0)),
                ("anchor_hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "audit chain head"},
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="number"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="previous hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(db_index=True, editable=False, verbose_name="time"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Created"),
                    ("update", "Updated"),
                    ("delete", "Deleted"),
                    ("login", "Logged in"),
                    ("logout", "Logged out"),
                    ("login_failed", "Log-in failed"),
                    ("locked_out", "Locked out"),
                    ("refused", "Refused"),
                    ("export", "Exported"),
                    ("token_used", "API token used"),
                    ("purge", "Purged old entries"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True, verbose_name="number"),
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={"ordering": ["-seq"], "verbose_name": "audit entry", "verbose_name_plural": "audit log"},
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.CheckConstraint(
                condition=Q(Exact(Length("hash"), 64)) & Q(Exact(Length("prev_hash"), 64)),
                name="core_auditentry_sealed",
            ),
        ),
    ]
