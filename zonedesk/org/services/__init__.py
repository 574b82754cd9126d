"""Writes to the org tree. Every one is atomic, checks permission and writes the audit row."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.masking import mask_phone
from zonedesk.core.services import (
    audit_scope,
    audited_update,
    clean,
    version_bump,
    version_check,
)
from zonedesk.org import access
from zonedesk.org.models import (
    Area,
    Department,
    PasswordHistory,
    Role,
    RoleGrant,
    User,
    Zone,
)
from zonedesk.org.services.logins import (  # noqa: F401 - the app's one services namespace
    login_failed,
    login_lock_lift,
    login_refused,
    login_succeeded,
)
from zonedesk.org.services.tokens import (  # noqa: F401
    TOKEN_REFUSALS,
    TokenRefused,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    api_tokens_revoke_all,
)

ZONE_FIELDS = ("code", "name", "area")
USER_FIELDS = ("username", "full_name", "phone", "zone", "area", "department", "bank", "is_active")


@transaction.atomic
def area_create(
    *, actor: Actor, code: str, name: str, level: str, parent: Area | None = None
) -> Area:
    if not actor.is_superuser:
        raise PermissionDenied()
    area = Area(code=code, name=name, level=level, parent=parent)
    clean(area)
    area.save()
    audit.record(
        actor=actor,
        action="create",
        instance=area,
        changes={"code": [None, code]},
        **audit_scope(area),
    )
    return area


@transaction.atomic
def zone_create(*, actor: Actor, code: str, name: str, area: Area) -> Zone:
    if not access.can_create_zone(actor, area):
        raise PermissionDenied()
    zone = Zone(code=code, name=name, area=area)
    clean(zone)
    zone.save()
    audit.record(
        actor=actor,
        action="create",
        instance=zone,
        changes=audit.diff({}, audit.snapshot(zone, ZONE_FIELDS)),
        **audit_scope(zone),
    )
    return zone


@transaction.atomic
def zone_update(*, actor: Actor, zone: Zone, expected_version: int | None = None, **fields) -> Zone:
    """Change the given fields of a zone (its name; the code and area stay); StaleVersion if
    it changed since `expected_version`."""
    if not access.can_manage_zone(actor, zone):
        raise PermissionDenied()
    unknown = set(fields) - {"name"}
    if unknown:
        raise ValidationFailed({f: [str(PermissionDenied.default_message)] for f in unknown})
    audited_update(
        actor=actor,
        instance=zone,
        data=fields,
        fields=ZONE_FIELDS,
        expected_version=expected_version,
    )
    return zone


@transaction.atomic
def department_create(*, actor: Actor, zone: Zone, name: str) -> Department:
    if not access.can_manage_zone(actor, zone):
        raise PermissionDenied()
    department = Department(zone=zone, name=name)
    clean(department)
    department.save()
    audit.record(
        actor=actor,
        action="create",
        instance=department,
        changes={"name": [None, name]},
        **audit_scope(department),
    )
    return department


def _user_audit(user: User) -> dict:
    """The user's audited fields, phone masked (auditors read the log)."""
    values = audit.snapshot(user, USER_FIELDS)
    values["phone"] = mask_phone(values["phone"])
    return values


def _check_user_fields(
    *, roles: list[str], zone: Zone | None, department: Department | None, bank
) -> None:
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        errors["roles"] = [_("Unknown roles: %(roles)s") % {"roles": ", ".join(unknown)}]
    elif not roles:
        errors["roles"] = [_("Give the user at least one role.")]
    elif len(access.DUTY_ROLES.intersection(roles)) > 1:
        errors["roles"] = [
            _(
                "An account holds at most one of the roles system administrator, security "
                "administrator and auditor (separation of duties)."
            )
        ]
    if department is not None and (zone is None or department.zone_id != zone.pk):
        errors["department"] = [_("The department must belong to the user's zone.")]
    if Role.DEPARTMENT in roles and department is None:
        errors["department"] = [_("Department staff need a department.")]
    if (Role.BANK in roles) != (bank is not None):
        errors["bank"] = [_("A bank user needs a bank, and only bank users have one.")]
    if errors:
        raise ValidationFailed(errors)


def _check_grant(actor: Actor, user: User, roles: list[str]) -> None:
    """The roles given or withdrawn must be the actor's to grant; nobody changes their own."""
    held = user.roles if user.pk is not None else frozenset()  # (not cached before the save)
    changed = set(roles).symmetric_difference(held)
    if not changed:
        return
    if user.pk is not None and actor.pk == user.pk:
        raise ValidationFailed(
            {
                "roles": [
                    _("Your own roles are granted and withdrawn by the security administrator.")
                ]
            }
        )
    refused = sorted(changed - access.grantable_roles(actor))
    if refused:
        labels = ", ".join(str(Role(r).label) for r in refused if r in Role.values)
        raise ValidationFailed(
            {
                "roles": [
                    _("Only the security administrator grants or withdraws: %(roles)s.")
                    % {"roles": labels or ", ".join(refused)}
                ]
            }
        )


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": exc.messages}) from exc


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    roles: list[str],
    full_name: str = "",
    zone: Zone | None = None,
    area: Area | None = None,
    department: Department | None = None,
    bank=None,
    phone: str = "",
) -> User:
    """Create a user in one unit (a zone, or an area) with its roles: the system administrator
    opens accounts with the daily-work roles; the duties (system or security administrator,
    auditor) are granted by the security administrator afterwards."""
    roles = sorted(set(roles))
    zone = zone or (department.zone if department else None)
    user = User(
        username=username,
        full_name=full_name,
        zone=zone,
        area=area,
        department=department,
        bank=bank,
        phone=phone,
    )
    if not access.can_manage_user(actor, user):
        raise PermissionDenied()
    if zone is None and area is None:
        raise ValidationFailed({"unit": [_("Choose the zone or area the user belongs to.")]})
    _check_user_fields(roles=roles, zone=zone, department=department, bank=bank)
    _check_grant(actor, user, roles)
    _check_password(password, user)
    _store_password(actor=actor, user=user, password=password)
    clean(user, exclude=["password"])
    user.save()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
    audit.record(
        actor=actor,
        action="create",
        instance=user,
        changes={
            **audit.diff({}, _user_audit(user)),
            "roles": [None, sorted(roles)],
        },
        **audit_scope(user),
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: Actor,
    user: User,
    roles: list[str],
    full_name: str,
    phone: str = "",
    department: Department | None = None,
    bank=None,
    is_active: bool = True,
    expected_version: int | None = None,
) -> User:
    """Change a user's name, phone, department, bank and whether they may log in (the system
    administrator), and their roles (the security administrator; the system administrator the
    daily-work roles only, never its own); StaleVersion if the user was changed since
    `expected_version` (the one the editor read)."""
    roles = sorted(set(roles))
    may_edit = access.can_manage_user(actor, user)
    if not (may_edit or access.can_grant_roles(actor, user)):
        raise PermissionDenied()
    version_check(user, expected_version)
    account = (user.full_name, user.phone, user.department, user.bank, user.is_active)
    if not may_edit and account != (full_name, phone, department, bank, is_active):
        raise PermissionDenied()
    if actor.pk == user.pk and not is_active:
        raise ValidationFailed(
            {"is_active": [_("You cannot lock yourself out: keep your own account active.")]}
        )
    if (Role.ENTERPRISE in roles) != (Role.ENTERPRISE in user.roles):
        raise ValidationFailed(
            {"roles": [_("A firm account stays a firm account: open a new account instead.")]}
        )
    _check_user_fields(roles=roles, zone=user.zone, department=department, bank=bank)
    _check_grant(actor, user, roles)
    before = {**_user_audit(user), "roles": sorted(user.roles)}
    user.full_name, user.phone, user.department, user.bank, user.is_active = (
        full_name,
        phone,
        department,
        bank,
        is_active,
    )
    clean(user, exclude=["password"])
    user.save()
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=user, role=r) for r in set(roles) - set(before["roles"])]
    )
    user.__dict__.pop("roles", None)  # the cached role set is stale now
    user.__dict__.pop("role_labels", None)
    changes = audit.diff(before, {**_user_audit(user), "roles": sorted(roles)})
    if changes:
        version_bump(user)
        audit.record(
            actor=actor, action="update", instance=user, changes=changes, **audit_scope(user)
        )
    return user


def _store_password(*, actor: Actor, user: User, password: str) -> None:
    """Set the (checked) password, keeping the former one in the history. A password that an
    administrator set for somebody else must be changed at that user's next log-in; the
    system's (commands, the demo) and the user's own count from now."""
    if user.pk is not None and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
        kept = max(settings.ZONEDESK["PASSWORD_HISTORY"] - 1, 0)
        old = user.password_history.values_list("pk", flat=True)[kept:]
        PasswordHistory.objects.filter(pk__in=list(old)).delete()
    user.set_password(password)
    by_other = user_or_none(actor) is not None and actor.pk != user.pk
    user.password_changed_at = None if by_other else timezone.now()


def on_password_changed(*, actor: Actor, user: User) -> None:
    """What follows every change of a user's password, inside the change's transaction: the
    user's API tokens are revoked (a token must not outlive the password). The user's other
    sessions end by themselves (Django's session hash follows the password); the page that
    changed it keeps its own (update_session_auth_hash)."""
    api_tokens_revoke_all(actor=actor, user=user)


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> None:
    """Set a new password (administrators for their users; everybody for themselves). The one
    path for every password change: the pages, the site administration and `changepassword`."""
    if actor.pk != user.pk and not access.can_manage_user(actor, user):
        raise PermissionDenied()
    _check_password(password, user)
    _store_password(actor=actor, user=user, password=password)
    user.save(update_fields=["password", "password_changed_at"])
    audit.record(
        actor=actor,
        action="update",
        instance=user,
        changes={"password": ["***", "***"]},
        **audit_scope(user),
    )
    on_password_changed(actor=actor, user=user)


@transaction.atomic
def user_change_own_password(*, actor: User, old_password: str, password: str) -> None:
    """A user changes their own password, giving the current one first."""
    if not actor.check_password(old_password):
        raise ValidationFailed(
            {"old_password": [_("Your current password was entered incorrectly.")]}
        )
    user_set_password(actor=actor, user=actor, password=password)
