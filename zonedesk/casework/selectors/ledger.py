"""The visit ledger (走访台账): every visit and call with the firms, as recorded — notes, figures
seen, problems heard, follow-up — per firm and per officer, and the firms never visited."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from zonedesk.casework.models import Contact, Problem
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.models import Role


@dataclass(frozen=True)
class LedgerFilters:
    """The ledger's filters, shared by the page and its sheet."""

    officer: int | None = None  # a participant in the contact, or who recorded it
    enterprise: int | None = None
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def ledger_firms(user) -> QuerySet[Enterprise]:
    """The firms whose contacts the user may read: the unit's staff read those of its firms
    (a firm or bank user reads none: the notes are the administration's)."""
    if not can_view_dashboard(user):
        return Enterprise.objects.none()
    return enterprise_scope(user)


def visit_ledger(user, filters: LedgerFilters | None = None) -> QuerySet[Contact]:
    """The contacts with the user's firms, newest first, filtered; with who took part, who
    recorded it and the problems heard."""
    f = filters or LedgerFilters()
    qs = Contact.objects.filter(enterprise__in=ledger_firms(user))
    if f.officer is not None:
        qs = qs.filter(
            Q(created_by_id=f.officer)
            | Q(
                pk__in=Contact.participants.through.objects.filter(user_id=f.officer).values(
                    "contact_id"
                )
            )
        )
    if f.enterprise is not None:
        qs = qs.filter(enterprise_id=f.enterprise)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.date_from is not None:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(date__lte=f.date_to)
    return (
        qs.select_related("enterprise", "created_by")
        .prefetch_related(
            "participants",
            Prefetch(
                "problems",
                queryset=Problem.objects.order_by("id").only("id", "title", "status", "contact_id"),
            ),
        )
        .order_by("-date", "-id")
    )


def never_visited(user, filters: LedgerFilters | None = None) -> QuerySet[Enterprise]:
    """The user's firms (not closed) that were never visited on site nor came in, whatever the
    calls: of the officer's firms when the ledger is an officer's, of one firm when it is one
    firm's (the kind and dates do not apply: never is never)."""
    f = filters or LedgerFilters()
    visits = Contact.objects.filter(enterprise=OuterRef("pk"), kind__in=Contact.VISIT_KINDS)
    qs = (
        ledger_firms(user)
        .exclude(status=Enterprise.Status.CLOSED)
        .filter(~Exists(visits))
        .select_related("officer")
    )
    if f.officer is not None:
        qs = qs.filter(officer_id=f.officer)
    if f.enterprise is not None:
        qs = qs.filter(pk=f.enterprise)
    return qs.order_by("name", "id")


def ledger_officers(user):
    """The liaison officers of the user's firms, for the ledger's filter.

    Scoped: officers assigned to a firm the user may read."""
    from zonedesk.org.models import User

    return (
        User.objects.filter(
            role_grants__role=Role.OFFICER,
            pk__in=ledger_firms(user).exclude(officer=None).values("officer_id"),
        )
        .distinct()
        .order_by("username")
    )
