"""The audit log's hash chain: every entry carries the SHA-256 of its own fields and of the entry
before it, so that changing, removing or inserting a row is found by recomputing the chain
(`zonedesk audit_verify`).

Writers are serialised by one row, the chain head (`AuditChainHead`, id 1): `reserve` moves it
with `UPDATE … RETURNING`, which takes the row's lock on PostgreSQL and the database's write
lock on SQLite (zonedesk's SQLite transactions are IMMEDIATE), so no two transactions draw the
same sequence numbers or the same previous hash; the lock is held until the writer commits.
Entries are numbered (`seq`, 1, 2, 3 …) in chain order; the database id plays no part.

The hash covers a canonical JSON of the entry (`canonical`): keys sorted, no spaces, times as UTC
ISO 8601 with microseconds, addresses in Python's `ipaddress` form, numbers inside `changes` as
normalised decimals, so the text is the same before the row is written and after it is read back from
either database (PostgreSQL's jsonb reorders keys and keeps 1e20 as an integer).
"""

import datetime as dt
import decimal
import hashlib
import ipaddress
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

# The first entry's previous hash: nothing came before it.
GENESIS = "0" * 64
# The fields the hash covers, in the order of `canonical`'s keys (sorted anyway).
HASHED = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "changes",
    "ip_address",
    "via",
    "zone_id",
    "area_code",
)


_NUMBERS = decimal.Context(prec=400)


def _json_safe(value):
    """`value` as it reads back from either database, numbers in one spelling: PostgreSQL's
    jsonb keeps numbers as decimals (1e20 comes back as an integer), so every number becomes
    its normalised decimal text, tagged so that it cannot pass for a string."""
    if isinstance(value, str):
        return "#s:" + value if value.startswith("#") else value  # never mistaken for a number
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        number = decimal.Decimal(repr(value) if isinstance(value, float) else value)
        return "#n:" + str(_NUMBERS.normalize(number))
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def canonical(values: dict) -> str:
    """The text the hash is computed over, from an entry's field values (`HASHED`)."""
    at = values["at"]
    if timezone.is_naive(at):  # SQLite without time zone support; zonedesk stores UTC
        at = at.replace(tzinfo=dt.UTC)
    ip = values["ip_address"]
    plain = {
        **{name: values[name] for name in HASHED},
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "ip_address": str(ipaddress.ip_address(ip)) if ip else None,
        "changes": _json_safe(values["changes"] or {}),
        "actor_id": values["actor_id"],
        "zone_id": values["zone_id"],
        "target_id": str(values["target_id"]),
    }
    return json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(prev_hash: str, values: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(values)).encode()).hexdigest()


def _values(entry) -> dict:
    return {name: getattr(entry, name) for name in HASHED}


def _head_table() -> str:
    from zonedesk.core.models import AuditChainHead

    return connection.ops.quote_name(AuditChainHead._meta.db_table)


def reserve(n: int) -> tuple[int, str]:
    """Lock the chain head and move it `n` entries on: the first sequence number of the `n`
    and the hash of the entry before them. Call inside a transaction."""
    table = _head_table()
    with connection.cursor() as cursor:
        for _attempt in range(2):
            cursor.execute(
                f"UPDATE {table} SET seq = seq + %s WHERE id = 1 RETURNING seq, hash",  # noqa: S608
                [n],
            )
            row = cursor.fetchone()
            if row is not None:
                return row[0] - n + 1, row[1]
            # The head row is gone only when a test flushed every table: start a new chain.
            cursor.execute(
                f"INSERT INTO {table} (id, seq, hash, anchor_seq, anchor_hash) "  # noqa: S608
                "VALUES (1, 0, %s, 0, %s) ON CONFLICT (id) DO NOTHING",
                [GENESIS, GENESIS],
            )
    raise RuntimeError("The audit chain head cannot be created.")


def _set_head_hash(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_head_table()} SET hash = %s WHERE id = 1", [value])  # noqa: S608


def seal(entries: Sequence) -> None:
    """Number and hash unsaved entries (model instances or anything with the `HASHED`
    attributes), in order, and move the head past them. The caller inserts them in the same
    transaction (`transaction.atomic` around both)."""
    if not entries:
        return
    seq, prev = reserve(len(entries))
    now = timezone.now()
    for offset, entry in enumerate(entries):
        if entry.at is None:
            entry.at = now
        entry.seq = seq + offset
        entry.prev_hash = prev
        entry.hash = prev = digest(prev, _values(entry))
    _set_head_hash(prev)


def insert(rows: Sequence) -> None:
    """Seal and insert entries given as plain values (`core.audit.row`) in SQL (core.bulk: COPY
    on PostgreSQL), for the services that write tens of thousands at once."""
    from zonedesk.core import bulk
    from zonedesk.core.models import AuditEntry

    if not rows:
        return
    columns = ("seq", "prev_hash", "hash", *HASHED[1:])
    ops = connection.ops
    with transaction.atomic():
        seal(rows)
        bulk.insert(
            AuditEntry._meta.db_table,
            columns,
            (
                (
                    r.seq,
                    r.prev_hash,
                    r.hash,
                    ops.adapt_datetimefield_value(r.at),
                    *(getattr(r, name) for name in columns[4:10]),
                    json.dumps(r.changes),
                    ops.adapt_ipaddressfield_value(r.ip_address),
                    r.via,
                    r.zone_id,
                    r.area_code,
                )
                for r in rows
            ),
        )


def head() -> tuple[int, str]:
    """The last entry's number and hash (0 and GENESIS before any entry)."""
    from zonedesk.core.models import AuditChainHead

    row = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return row if row is not None else (0, GENESIS)


@dataclass(frozen=True)
class Break:
    """Where the chain stops holding: the entry (None past the last one) and why."""

    entry_id: int | None
    seq: int | None
    reason: str


def _entries() -> Iterator:
    from zonedesk.core.models import AuditEntry

    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def verify() -> tuple[int, Break | None]:
    """Recompute the chain from the anchor (the last purged entry, or the start): how many
    entries hold, and the first break (None when the whole chain holds)."""
    from django.utils.translation import gettext as _

    from zonedesk.core.models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        head = AuditChainHead(seq=0, hash=GENESIS, anchor_seq=0, anchor_hash=GENESIS)
    prev, expected, checked = head.anchor_hash, head.anchor_seq + 1, 0
    for entry in _entries():
        if entry.seq < expected:
            return checked, Break(entry.id, entry.seq, _("numbered before the chain's start"))
        if entry.seq != expected:
            missing = {"first": expected, "last": entry.seq - 1}
            reason = _("entries %(first)s-%(last)s are missing before it") % missing
            return checked, Break(entry.id, entry.seq, reason)
        if entry.prev_hash != prev:
            return checked, Break(entry.id, entry.seq, _("does not follow the entry before it"))
        if digest(prev, _values(entry)) != entry.hash:
            return checked, Break(entry.id, entry.seq, _("changed since it was written"))
        prev, expected, checked = entry.hash, expected + 1, checked + 1
    if head.seq != expected - 1 or head.hash != prev:
        missing = {"first": expected, "last": head.seq}
        reason = _("entries %(first)s-%(last)s are missing at the end") % missing
        return checked, Break(None, expected, reason)
    return checked, None


# MLPS level 3: audit records are kept at least six months; no setting goes below this.
MIN_RETENTION_DAYS = 180


def retention_days() -> int:
    from django.conf import settings

    return max(MIN_RETENTION_DAYS, int(settings.ZONEDESK.get("AUDIT_RETENTION_DAYS", 0)))


def purge(*, actor, before: dt.date) -> int:
    """Remove the entries written before `before` (a prefix of the chain), keeping the last
    removed entry's number and hash as the chain's new anchor so that what is left still
    verifies; audited. Refuses a date inside the retention period and a broken chain (a purge
    must not wipe the evidence of tampering). Returns how many entries were removed."""
    from django.utils.translation import gettext as _

    from zonedesk.core import audit
    from zonedesk.core.errors import ValidationFailed
    from zonedesk.core.models import AuditChainHead, AuditEntry

    days = retention_days()
    if before > timezone.localdate() - dt.timedelta(days=days):
        message = _("Audit entries are kept at least %(days)d days: choose a date before %(date)s.")
        latest = timezone.localdate() - dt.timedelta(days=days)
        raise ValidationFailed({"before": [message % {"days": days, "date": latest}]})
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    with transaction.atomic():
        reserve(0)  # hold the head: no entry is written while the chain is cut
        _checked, broken = verify()
        if broken is not None:
            message = _("The audit chain is broken at entry %(id)s: purge refused.")
            raise ValidationFailed({"before": [message % {"id": broken.entry_id or "-"}]})
        head = AuditChainHead.objects.get(pk=1)
        first_kept = AuditEntry.objects.filter(at__gte=cutoff).order_by("seq").first()
        last = first_kept.seq - 1 if first_kept is not None else head.seq
        removed = 0
        if last > head.anchor_seq:
            anchor = AuditEntry.objects.get(seq=last)
            removed, _by_model = AuditEntry.objects.filter(seq__lte=last).delete()
            AuditChainHead.objects.filter(pk=1).update(anchor_seq=last, anchor_hash=anchor.hash)
        audit.record(
            actor=actor,
            action=AuditEntry.Action.PURGE,
            instance=head,
            changes={"before": [None, str(before)], "removed": [None, removed]},
        )
    return removed
