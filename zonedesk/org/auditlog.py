"""The audit log as an auditor reads it: record types, fields, choices and units by their names,
users, firms and other records by name rather than id, times in local time; and the same rows
as a spreadsheet. Stored entries are not changed (their hash covers them): only their reading."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zonedesk.core import industry
from zonedesk.core.fields import IndustryCodeField
from zonedesk.core.xlsx import Column
from zonedesk.org import selectors
from zonedesk.org.forms import record_types
from zonedesk.org.models import Role

# The keys of changes that are not fields of the record (a security event's detail, a record's
# related rows, a status flow's step), by name.
DETAIL_LABELS = {
    "path": gettext_lazy("Path"),
    "method": gettext_lazy("Method"),
    "status": gettext_lazy("Answer"),
    "what": gettext_lazy("Exported"),
    "rows": gettext_lazy("Rows"),
    "query": gettext_lazy("Filters"),
    "token": gettext_lazy("Token"),
    "removed": gettext_lazy("Entries removed"),
    "before": gettext_lazy("Before"),
    "roles": gettext_lazy("Roles"),
    "contacts": gettext_lazy("Contacts"),
    "failures": gettext_lazy("Failed log-ins"),
    "locked_until": gettext_lazy("Locked until"),
    "until": gettext_lazy("Locked until"),
    "by": gettext_lazy("Locked by"),
    "key": gettext_lazy("Locked"),
    "username": gettext_lazy("User name"),
    "address": gettext_lazy("Client address"),
    "factor": gettext_lazy("Second factor"),
    "second_factor": gettext_lazy("Second factor"),
    "recovery_codes_left": gettext_lazy("Recovery codes left"),
    "step": gettext_lazy("Step taken"),
    "nodes": gettext_lazy("Project nodes"),
    "paragraphs_changed": gettext_lazy("Paragraphs changed"),
    "figures_removed": gettext_lazy("Figures deleted"),
    "replan_reason": gettext_lazy("Reason for the re-plan"),
    "replan": gettext_lazy("Re-plan"),
    # A service request's clock, recorded on the project's request (the problem's fields).
    "respond_by": gettext_lazy("respond by"),
    "resolve_by": gettext_lazy("resolve by"),
}
# The keys inside a detail that holds records as dicts (a firm's contacts), by the detail's key
# (the words of the contact's form: 姓名, 职务, 电话, 电子邮箱).
NESTED_LABELS = {
    "contacts": {
        "name": gettext_lazy("Full name"),
        "title": gettext_lazy("title"),
        "phone": gettext_lazy("phone"),
        "email": gettext_lazy("email"),
    },
}
# Values of those keys that are codes, by key: shown by their label.
DETAIL_CHOICES = {
    "roles": dict(Role.choices),
    "by": {"username": gettext_lazy("User name"), "address": gettext_lazy("Client address")},
    "factor": {
        "totp": gettext_lazy("Authenticator app"),
        "recovery_code": gettext_lazy("Recovery code"),
    },
    "second_factor": {"totp": gettext_lazy("Authenticator app")},
    # What an export held (core.audit.export's `what`), in the words of the page it came from.
    "what": {
        "above-size status": gettext_lazy("Above-size status"),
        "audit log": gettext_lazy("Audit log"),
        "contacts due": gettext_lazy("Contacts due"),
        "early warnings": gettext_lazy("Early warnings"),
        "enterprises": gettext_lazy("Enterprises"),
        "monthly figures": gettext_lazy("Monthly figures"),
        "open benefits": gettext_lazy("Open benefits"),
        "per-mu evaluation": gettext_lazy("Per-mu evaluation"),
        "policy coverage": gettext_lazy("Policy coverage"),
        "problems": gettext_lazy("Problems"),
        "production status": gettext_lazy("Production status"),
        "visit ledger": gettext_lazy("Visit ledger"),
    },
    # A notification's channels (notices.channels), by their names.
    "channels": {"inapp": gettext_lazy("In the platform"), "email": gettext_lazy("E-mail")},
    "channel": {"inapp": gettext_lazy("In the platform"), "email": gettext_lazy("E-mail")},
}
# How an entry came in (core.audit.RequestContext.via).
VIA_LABELS = {
    "web": gettext_lazy("Web page"),
    "api": gettext_lazy("API"),
    "command": gettext_lazy("Command line"),
    "system": gettext_lazy("system"),
}
# The unit of a field's value, by the end of its name (docs: units are in field names).
UNIT_SUFFIXES = (
    ("_wan", gettext_lazy("10k yuan")),
    ("_kwh", gettext_lazy("kWh")),
    ("_tce", gettext_lazy("tce")),
    ("_t", gettext_lazy("t")),
    ("_pct", "%"),
    ("employees", gettext_lazy("persons")),
    ("days_halted", gettext_lazy("days")),
)
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?$")
_TWO = Decimal("0.01")


# A notification's `about`: the record it concerns, "app_label.model:id".
_ABOUT = re.compile(r"^(\w+)\.(\w+):(\d+)$")


def _about(value) -> tuple | None:
    """(model, id) of an `about` value, or None when it names no installed model."""
    found = _ABOUT.match(value) if isinstance(value, str) else None
    if found is None:
        return None
    try:
        return apps.get_model(found[1], found[2]), found[3]
    except LookupError:
        return None


def field_of(model, name: str):
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


def _state_field(model):
    """The field holding a status flow's state (core.workflow's "step" names two of its codes)."""
    for name in ("status", "state", "stage"):
        field = field_of(model, name)
        if field is not None and getattr(field, "choices", None):
            return field
    return None


def field_label(model, name: str) -> str:
    """The record's field's name; else the detail's; else the key as it is."""
    field = field_of(model, name)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    if name in DETAIL_LABELS:
        return str(DETAIL_LABELS[name])
    return name


def _unit(key: str) -> str:
    for suffix, unit in UNIT_SUFFIXES:
        if key.endswith(suffix):
            return str(unit)
    return ""


def _unit_in(label: str, key: str) -> bool:
    """Whether the field's label names its unit in brackets already: 产值（万元）, output
    value (10k yuan). Not a word that holds the unit's letter (月末用工人数, 停产天数)."""
    unit = _unit(key)
    return bool(unit) and (f"（{unit}）" in label or f"({unit})" in label)


def _number(value, key: str, *, bare: bool = False) -> str | None:
    """A figure with separators and its unit ("1,234.50 万元"), when the key names a unit;
    `bare`: without the unit (the field's label says it already: 总投资（万元）)."""
    unit = _unit(key)
    if not unit or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if key.endswith(("_wan", "_pct")):
        number = number.quantize(_TWO, rounding=ROUND_HALF_UP)
    shown = number_format(number, force_grouping=True)
    if bare:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-01$")


def _month(value, key: str) -> str | None:
    """A month kept as its first day (a field named …_month) as a month: 2020年6月, June 2020."""
    if not key.endswith("_month") or not isinstance(value, str) or not _ISO_DAY.match(value):
        return None
    return formats.date_format(dt.date.fromisoformat(value), "YEAR_MONTH_FORMAT")


def _time(value: str) -> str | None:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        return value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def one(value, *, field=None, key: str = "", names: dict | None = None, bare: bool = False) -> str:
    """One stored value as the auditor reads it: a record by its name, a code by its label, a
    figure with its unit (`bare`: without, the label having it), a month as a month, a time
    in local time."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, list):
        return "、".join(one(v, field=field, key=key, names=names, bare=bare) for v in value) or "∅"
    if isinstance(value, dict):
        # a record kept whole (a contact): its filled-in fields by their names
        # in the form's order (PostgreSQL's jsonb keeps its keys in an order of its own)
        labels = NESTED_LABELS.get(key, {})
        order = [*labels, *sorted(k for k in value if k not in labels)]
        return "；".join(
            f"{labels.get(k) or field_label(None, k)}: {one(value[k], key=k)}"
            for k in order
            if k in value and value[k] not in (None, "")
        )
    if key == "about" and _about(value) is not None:
        model, pk = _about(value)
        name = (names or {}).get((model, pk), pk)
        return f"{model._meta.verbose_name}：{name}"
    if field is not None and field.is_relation and names is not None:
        return names.get((field.related_model, str(value)), str(value))
    if isinstance(field, IndustryCodeField):
        found = industry.get(str(value))
        return str(found) if found is not None else str(value)
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if key in DETAIL_CHOICES:
        return str(DETAIL_CHOICES[key].get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    figure = _number(value, key, bare=bare)
    if figure is not None:
        return figure
    month = _month(value, key)
    if month is not None:
        return month
    if isinstance(value, str) and _ISO_TIME.match(value):
        return _time(value) or value
    return str(value)


def _is_pair(value, field) -> bool:
    """A change [before, after]; for a many-to-many field, a pair of lists (or nothing)."""
    if not isinstance(value, list) or len(value) != 2:
        return False
    if field is not None and field.many_to_many:
        return all(v is None or isinstance(v, list) for v in value)
    return True


def shown(
    value, *, field=None, key: str = "", names: dict | None = None, bare: bool = False
) -> str | None:
    """A change [before, after] as "before → after"; a security event's detail as it is; None
    for a change that reads the same on both sides (nothing to "∅ → ∅")."""
    if _is_pair(value, field):
        before, after = (one(v, field=field, key=key, names=names, bare=bare) for v in value)
        return None if before == after else f"{before} → {after}"
    return one(value, field=field, key=key, names=names, bare=bare)


def _related_names(entries, types, firms: dict) -> dict:
    """The names of the records the entries' changes point to (a firm, an officer), and of the
    firms the entries concern: {(model, id): name}."""
    wanted: dict = {}
    for e in entries:
        model = apps.get_model(e.target_type) if e.target_type in types else None
        for key, value in e.changes.items():
            if key == "about":  # a notification's record
                for v in value if isinstance(value, list) else [value]:
                    if _about(v) is not None:
                        about_model, pk = _about(v)
                        wanted.setdefault(about_model, set()).add(pk)
                continue
            field = field_of(model, key)
            if field is None or not field.is_relation or field.related_model is None:
                continue
            values = value if isinstance(value, list) else [value]
            flat = [v for x in values for v in (x if isinstance(x, list) else [x])]
            wanted.setdefault(field.related_model, set()).update(
                str(v) for v in flat if isinstance(v, int | str) and str(v).isdigit()
            )
    if firms:
        wanted.setdefault(apps.get_model(selectors.FIRM_MODEL), set()).update(firms.values())
    return selectors.audit_record_names(wanted)


def _choice_labels(model) -> dict[str, str]:
    """{stored code: its name} of the model's fields with choices."""
    if model is None:
        return {}
    return {
        str(value): str(label)
        for f in model._meta.get_fields()
        if getattr(f, "choices", None)
        for value, label in f.flatchoices
    }


def _record(e, firm_id: str, firm_name: str, codes: dict[str, str]) -> str:
    """The record's label, with its firm's name where the label carries the firm's id (monthly
    figures, visits: "17 2026-10"), and a code stored in older labels ("2020-06 power_drift")
    by its name."""
    words = e.target_repr.split(" ")
    if firm_name and len(words) > 1:
        if words[0] == firm_id:
            words[0] = firm_name
        elif words[-1] == firm_id:
            words[-1] = firm_name
    if len(words) > 1 and codes:  # never a one-word label: a name could equal a code
        words = [codes.get(w, w) for w in words]
    return " ".join(words)


def labelled(entries) -> list[dict]:
    """Entries as the auditor reads them: record types, fields and zones by name, the firm each
    concerns, the user and the channel."""
    entries = list(entries)
    types = record_types()
    zones = selectors.zone_names(e.zone_id for e in entries)
    firms = selectors.audit_firm_ids(entries)
    firm_texts = selectors.audit_firm_texts(entries, firms)
    names = _related_names(entries, types, firms)
    firm_model = apps.get_model(selectors.FIRM_MODEL)
    rows = []
    codes: dict = {}
    for e in entries:
        model = apps.get_model(e.target_type) if e.target_type in types else None
        if model not in codes:
            codes[model] = _choice_labels(model)
        changes = []
        for k, v in e.changes.items():
            field = _state_field(model) if k == "step" else field_of(model, k)
            label = field_label(model, k)
            reading = shown(v, field=field, key=k, names=names, bare=_unit_in(label, k))
            if reading is not None:
                changes.append((label, reading))
        firm_id = firms.get(e.pk, "")
        firm = names.get((firm_model, firm_id), "") if firm_id else firm_texts.get(e.pk, "")
        rows.append(
            {
                "entry": e,
                "user": (e.actor.full_name if e.actor else "") or _user_name(e.actor_name),
                "type": types.get(e.target_type, e.target_type),
                "record": _record(e, firm_id, firm, codes[model]),
                "firm": firm,
                "zone": zones.get(e.zone_id, ""),
                "via": str(VIA_LABELS.get(e.via, e.via)),
                "changes": changes,
            }
        )
    return rows


def _user_name(name: str) -> str:
    return _("system") if name == "system" else name


def columns() -> list[Column]:
    headers = [
        (_("Time"), 20),
        (_("User name"), 14),
        (_("Full name"), 14),
        (_("Action"), 12),
        (_("Record type"), 16),
        (_("Record"), 30),
        (_("Record id"), 10),
        (_("Firm"), 30),
        (_("Zone"), 16),
        (_("Changes"), 60),
        (_("Client address"), 16),
        (_("Via"), 8),
        (_("Number"), 10),
        (_("Hash"), 66),
    ]
    return [Column(str(h), width=w, fmt="text") for h, w in headers]


def cells(row: dict) -> list:
    e = row["entry"]
    changes = "; ".join(f"{label}: {value}" for label, value in row["changes"])
    return [
        timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
        e.actor_name,
        row["user"],
        e.get_action_display(),
        row["type"],
        row["record"],
        e.target_id,
        row["firm"],
        row["zone"],
        changes,
        e.ip_address or "",
        row["via"],
        e.seq,
        e.hash,
    ]
