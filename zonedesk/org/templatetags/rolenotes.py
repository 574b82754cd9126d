"""What a firm's or a bank's account sees on a page, and when: outside the administration, their
users would otherwise meet empty lists with no word of why (issue 17)."""

from django import template
from django.utils.translation import gettext_lazy as _

from zonedesk.org import access
from zonedesk.org.access import UNIT_WIDE_ROLES, is_active
from zonedesk.org.models import Role

register = template.Library()

# (role, page) -> the note. Pages: home, firms, problems, contacts_due, benefits, projects.
NOTES = {
    (Role.BANK, "home"): _(
        "As a bank user you find the financing needs that firms share with your bank in your "
        "bank's inbox under Financing: a need appears there as soon as the firm or its liaison "
        "officer shares it with your bank, and stays while the firm's consent stands."
    ),
    (Role.BANK, "firms"): _(
        "The firms' registry and figures are for the zone's staff: a bank user sees no firm "
        "here. The needs firms share with your bank, and what their consent lets you see of "
        "them, are in your bank's inbox under Financing."
    ),
    (Role.BANK, "problems"): _(
        "Firms' problems are handled by the zone's liaison officers and departments, so a bank "
        "user sees none here. The financing needs firms share with your bank are in your bank's "
        "inbox under Financing."
    ),
    (Role.BANK, "contacts_due"): _(
        "This list is for the zone's liaison officers, to plan their visits and calls; it "
        "lists no firm for a bank's account."
    ),
    (Role.BANK, "benefits"): _(
        "Firms claim their benefits with the zone's officers, so a bank user has none to follow "
        "here. The policy library is open to you to read."
    ),
    (Role.ENTERPRISE, "home"): _(
        "You see your own firm here. On its page (Enterprises) you report its figures each "
        "month, raise a problem and see the benefits it qualifies for; its liaison officer is "
        "named there."
    ),
    (Role.ENTERPRISE, "firms"): _(
        "Only your own firm is listed: open it to report the month's figures, raise a problem "
        "or see its benefits."
    ),
    (Role.ENTERPRISE, "problems"): _(
        "The problems your firm raises, online here or to its liaison officer on a visit, are "
        "listed here from the day they are submitted, with each step: accepted by a department, "
        "in progress, replied, resolved. When one is resolved, you confirm it and rate the help."
    ),
    (Role.ENTERPRISE, "contacts_due"): _(
        "This list is for the zone's liaison officers, to plan their visits and calls; it "
        "lists no firm for a firm's account. Your liaison officer is named on your firm's page."
    ),
    (Role.ENTERPRISE, "benefits"): _(
        "The benefits your firm qualifies for and has not yet received are listed here, with "
        "the next step and who takes it. The zone draws the list up by matching its support "
        "measures against your firm's registry data and monthly figures, and updates it when "
        "either changes."
    ),
    (Role.BANK, "projects"): _(
        "Key projects are followed by the zone's leaders, officers and departments; a bank user "
        "sees none here."
    ),
    (Role.ENTERPRISE, "projects"): _(
        "You see the key projects your firm invests in: their nodes, who is in charge of each "
        "and when it is planned. The zone's officers and departments move the nodes and ask "
        "for new dates; tell your service officer when something holds your project up."
    ),
}


def outside_role(user) -> str:
    """The user's role outside the administration (firm or bank), when they hold no staff role;
    else ""."""
    if not is_active(user) or user.is_superuser or user.has_role(*UNIT_WIDE_ROLES):
        return ""
    for role in (Role.ENTERPRISE, Role.BANK):
        if user.has_role(role):
            return role
    return ""


@register.simple_tag(takes_context=True)
def is_bank_only(context) -> bool:
    """A bank's account (no firm list nor casework filters are offered to it)."""
    request = context.get("request")
    return access.is_bank_only(getattr(request, "user", None)) if request is not None else False


@register.inclusion_tag("partials/role_note.html", takes_context=True)
def role_note(context, page: str) -> dict:
    """The note for the page and the signed-in firm or bank user (nothing for staff)."""
    request = context.get("request")
    role = outside_role(getattr(request, "user", None)) if request is not None else ""
    return {"note": NOTES.get((role, page), ""), "page": page}
