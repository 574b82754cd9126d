"""The audit log is tamper-evident: every entry is chained to the one before by a SHA-256 hash;
`zonedesk audit_verify` names the first entry changed or removed with raw SQL, writers in
parallel leave an unbroken chain, and `audit_purge` keeps six months and a verifiable chain.
Run on SQLite and PostgreSQL."""

import datetime as dt
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.factories import JUNE, saved
from tests.factories import filled_template as filled
from zonedesk.core import audit, auditchain
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditChainHead, AuditEntry
from zonedesk.monitoring.services import monthly_import
from zonedesk.org.models import Zone

pytestmark = pytest.mark.django_db


def verify_output() -> str:
    """The first line of audit_verify's report (the second gives the last hash)."""
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", "--lang", "en", stdout=out)
    first, last = out.getvalue().strip().splitlines()
    number, digest = AuditChainHead.objects.values_list("seq", "hash").get(pk=1)
    assert last == f"Last entry: number {number}, hash {digest}."
    return first


def broken_message() -> str:
    with pytest.raises(CommandError) as exc:
        verify_output()
    return str(exc.value)


def raw(sql: str, params) -> None:
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


def test_the_chain_of_a_busy_world_holds(world):
    n = AuditEntry.objects.count()
    assert n > 10
    assert verify_output().strip() == f"Audit chain holds: {n} entries."
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert [s for s, _p, _h in seqs] == list(range(1, n + 1))
    assert all(seqs[i][1] == seqs[i - 1][2] for i in range(1, n))
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (n, seqs[-1][2])


@pytest.mark.parametrize("column", ["target_repr", "changes", "actor_name", "at"])
def test_an_entry_changed_with_sql_is_named(world, column):
    victim = AuditEntry.objects.order_by("seq")[5]
    value = {
        "target_repr": "nobody",
        "changes": '{"name": ["a", "b"]}',
        "actor_name": "someone-else",
        "at": victim.at - dt.timedelta(seconds=1),
    }[column]
    raw(f"UPDATE {{table}} SET {column} = %s WHERE id = %s", [value, victim.pk])  # noqa: S608

    message = broken_message()

    assert f"entry id {victim.pk} (number {victim.seq})" in message
    assert "changed since it was written" in message


def test_an_entry_deleted_with_sql_is_named_by_the_next(world):
    victim, after = AuditEntry.objects.order_by("seq")[3:5]
    raw("DELETE FROM {table} WHERE id = %s", [victim.pk])

    message = broken_message()

    assert f"entry id {after.pk}" in message
    assert f"entries {victim.seq}-{victim.seq} are missing before it" in message


def test_the_last_entry_deleted_is_found(world):
    last = AuditEntry.objects.order_by("-seq").first()
    raw("DELETE FROM {table} WHERE id = %s", [last.pk])
    assert f"entries {last.seq}-{last.seq} are missing at the end" in broken_message()


def test_a_row_rehashed_alone_breaks_the_next_link(world):
    """Recomputing a changed row's own hash is not enough: the next entry points at the old."""
    victim, after = AuditEntry.objects.order_by("seq")[2:4]
    victim_values = {name: getattr(victim, name) for name in auditchain.HASHED}
    victim_values["target_repr"] = "forged"
    forged = auditchain.digest(victim.prev_hash, victim_values)
    raw(
        "UPDATE {table} SET target_repr = %s, hash = %s WHERE id = %s",
        ["forged", forged, victim.pk],
    )
    message = broken_message()
    assert f"entry id {after.pk}" in message and "does not follow" in message


def test_a_row_written_around_the_chain_is_refused(world):
    """The database refuses an entry without a hash (a raw insert that skips the chain)."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (at, actor_name, action, target_type, target_id, "  # noqa: S608
            "target_repr, changes, via, area_code, seq, prev_hash, hash) "
            "VALUES (%s, 'x', 'update', 't', '1', 'r', '{}', '', '', 999999, '', '')",
            [timezone.now()],
        )


def test_bulk_writes_are_chained(world):
    """The monthly import writes its entries with COPY (PostgreSQL) or executemany; the
    figures' confirmation and the firms' import through bulk_create."""
    before = AuditEntry.objects.count()
    monthly_import(
        actor=world.users["leader"], zone=world.zone_a, period=JUNE, fileobj=saved(filled(world))
    )
    assert AuditEntry.objects.count() > before
    assert "holds" in verify_output()


def test_entries_of_many_writers_form_one_chain(world):
    """Entries written together in one bulk_create and alone by save interleave in one chain."""
    zone = world.zone_a
    entries = [
        audit.entry(actor=SYSTEM, action="update", instance=zone, changes={"n": [i, i + 1]})
        for i in range(5)
    ]
    AuditEntry.objects.bulk_create(entries)
    audit.record(
        actor=SYSTEM,
        action="update",
        instance=zone,
        changes={"x": [1.0, 1e20, 0.1, 1e-7, 2**70, True]},
    )
    assert "holds" in verify_output()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_an_unbroken_chain():
    """Threads, each on its own connection, write entries in their own transactions at once:
    the chain head serialises them (row lock on PostgreSQL, IMMEDIATE on SQLite)."""
    zone_holder = {}
    from tests.factories import area
    from zonedesk.org.services import zone_create

    kaijiang = area("511723", "开江县", "county", None)
    zone_holder["zone"] = zone_create(actor=SYSTEM, code="zone-c", name="丙经开区", area=kaijiang)
    start = threading.Barrier(4)
    errors = []

    def writer(k: int) -> None:
        try:
            zone = Zone.objects.get(pk=zone_holder["zone"].pk)
            start.wait()
            for i in range(15):
                with transaction.atomic():
                    audit.record(
                        actor=SYSTEM, action="update", instance=zone, changes={"w": [k, i]}
                    )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert AuditEntry.objects.filter(target_type="org.zone", changes__has_key="w").count() == 60
    n = AuditEntry.objects.count()
    assert verify_output().strip() == f"Audit chain holds: {n} entries."


def _old_entries(days_ago: int, n: int) -> None:
    zone = Zone.objects.first()
    at = timezone.now() - dt.timedelta(days=days_ago)
    for i in range(n):
        entry = audit.entry(actor=SYSTEM, action="update", instance=zone, changes={"i": [i, i]})
        entry.at = at
        entry.save()


def test_a_purge_keeps_six_months_and_a_verifiable_chain(world, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "AUDIT_RETENTION_DAYS": 30}  # counts as 180
    AuditEntry.objects.all()._raw_delete(AuditEntry.objects.db)
    AuditChainHead.objects.all().delete()
    _old_entries(400, 3)
    _old_entries(100, 2)
    too_recent = timezone.localdate() - dt.timedelta(days=170)

    with pytest.raises(CommandError, match="at least 180 days"):
        call_command("audit_purge", "--before", str(too_recent), "--lang", "en")
    assert AuditEntry.objects.count() == 5  # nothing removed

    call_command("audit_purge", "--before", str(too_recent - dt.timedelta(days=20)))

    assert AuditEntry.objects.filter(action="update").count() == 2
    purge = AuditEntry.objects.get(action="purge")
    assert purge.changes["removed"] == [None, 3] and purge.via == "command"
    assert AuditChainHead.objects.get(pk=1).anchor_seq == 3
    assert verify_output().strip() == "Audit chain holds: 3 entries."


def test_a_purge_refuses_a_broken_chain(world):
    _old_entries(400, 2)
    victim = AuditEntry.objects.order_by("seq")[1]
    raw("UPDATE {table} SET target_repr = %s WHERE id = %s", ["x", victim.pk])
    with pytest.raises(CommandError, match="broken"):
        call_command("audit_purge", "--before", "2000-01-01", "--lang", "en")


def test_a_date_that_is_not_a_date_is_refused(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("audit_purge", "--before", "last year", "--lang", "en")
