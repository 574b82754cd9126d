import hashlib
import secrets
import string
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zonedesk.core.divisions import validate_code as validate_division_code
from zonedesk.core.fields import phone_validator, validate_name
from zonedesk.core.models import Versioned

area_code_validator = RegexValidator(
    r"^\d{6}$", _("An administrative division code (GB/T 2260) has six digits.")
)
zone_code_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{1,31}$",
    _("Use 2-32 lower-case letters, digits or dashes, starting with a letter."),
)


# Trigger zd_match_area_update (policies, migration 0003) watches `code` and `level`: a firm's
# county, city and province codes are eligibility facts and a document's scope is an area, so a
# change marks every firm of the area's zones for a re-match (policies.models.MatchState).
# Renaming either column, or a fact reading another one, needs the trigger to follow
# (tests/policies/test_triggers.py fails until it does).
class Area(models.Model):
    """An administrative area (GB/T 2260): province > prefecture-level city > county."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    code = models.CharField(
        _("division code"),
        max_length=6,
        unique=True,
        # The shape, then the code itself: a real GB/T 2260 code, current or historic.
        validators=[area_code_validator, validate_division_code],
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_name])
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        """The code must fit the level (GB/T 2260): scoping relies on the code's prefix."""
        errors = {}
        if self.code and len(self.code) == 6 and self.code.isdigit():
            if self.level == self.Level.PROVINCE and not self.code.endswith("0000"):
                errors["code"] = _("A province's code ends in 0000.")
            elif self.level == self.Level.CITY and (
                self.code.endswith("0000") or not self.code.endswith("00")
            ):
                errors["code"] = _("A city's code ends in 00 (but not 0000).")
            elif self.level == self.Level.COUNTY and self.code.endswith("00"):
                errors["code"] = _("A county's code does not end in 00.")
            elif self.parent is not None and not self.code.startswith(self.parent.scope_prefix):
                errors["parent"] = _("The code does not lie under the parent area's code.")
        if self.parent is not None and self.level == self.Level.PROVINCE:
            errors["parent"] = _("A province has no parent area.")
        if errors:
            raise ValidationError(errors)

    @property
    def scope_prefix(self) -> str:
        """The code prefix shared by every area below this one: 51, 5117, 511723."""
        return {"province": self.code[:2], "city": self.code[:4]}.get(self.level, self.code)


# Trigger zd_match_zone_update (policies, migration 0003) watches `code` and `area_id`: the
# zone's code and its county are eligibility facts of its firms, so a change marks them for a
# re-match (policies.models.MatchState); tests/policies/test_triggers.py holds the two together.
class Zone(Versioned):
    """An economic and technological development zone, under one area."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[zone_code_validator])
    name = models.CharField(_("name"), max_length=100, validators=[validate_name])
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="zones"
    )

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department of a zone administration (e.g. 经济发展局, 招商服务局)."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_name])

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["zone", "name"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="org_department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Bank(models.Model):
    """A bank (or branch) that offers financing to firms."""

    name = models.CharField(_("name"), max_length=100, unique=True, validators=[validate_name])
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="banks"
    )

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    LEADER = "leader", _("Zone leader")
    OFFICER = "officer", _("Liaison officer")
    DEPARTMENT = "department", _("Department staff")
    ENTERPRISE = "enterprise", _("Enterprise user")
    BANK = "bank", _("Bank user")
    AUDITOR = "auditor", _("Auditor")
    # Level 3 of MLPS separates three duties: the system administrator (ADMIN: users and
    # configuration), the security administrator (roles, lock-outs, security policies) and the
    # auditor (reads the audit log only).
    SECURITY = "security", _("Security administrator")


class User(Versioned, AbstractUser):
    """A person using zonedesk. Belongs to one unit: a zone, or an area above zones."""

    full_name = models.CharField(
        _("full name"), max_length=50, blank=True, validators=[validate_name]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    bank = models.ForeignKey(
        Bank,
        verbose_name=_("bank"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    # Set by org.services whenever the password is set; None when an administrator set it, so
    # the user must choose their own at the next log-in (org.access.password_expired).
    password_changed_at = models.DateTimeField(
        _("password changed"), null=True, blank=True, default=timezone.now
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(zone__isnull=True) | Q(area__isnull=True),
                name="org_user_one_unit",
                violation_error_message=_("A user belongs to a zone or to an area, not both."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("roles", None)
        self.__dict__.pop("role_labels", None)
        super().refresh_from_db(*args, **kwargs)

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return frozenset(self.role_grants.values_list("role", flat=True))

    @cached_property
    def role_labels(self) -> list[str]:
        """The roles as the user menu names them (from `roles`: no further query)."""
        return [str(RoleGrant(user=self, role=r)) for r in sorted(self.roles)]

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def unit(self) -> Zone | Area | None:
        return self.zone or self.area


class RoleGrant(models.Model):
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="role_grants",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="org_rolegrant_unique"),
            # Separation of duties (MLPS level 3): at most one of the three duty roles per user
            # (org.access.DUTY_ROLES; the services say so first, with a field error).
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role__in=["admin", "security", "auditor"]),
                name="org_rolegrant_one_duty",
                violation_error_message=_(
                    "An account holds at most one of the roles system administrator, security "
                    "administrator and auditor (separation of duties)."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.role == Role.LEADER and self.user.area_id is not None:
            # a leader of a county, city or province, not of a zone
            return _("%(level)s leader") % {"level": self.user.area.get_level_display()}
        return self.get_role_display()


class PasswordHistory(models.Model):
    """A password a user had before (its hash), so that a new one is not an old one again
    (org.passwords.PasswordHistoryValidator; ZONEDESK["PASSWORD_HISTORY"] are kept)."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name=_("user"),
    )
    password = models.CharField(_("password hash"), max_length=128)
    replaced_at = models.DateTimeField(_("replaced"), default=timezone.now)

    class Meta:
        verbose_name = _("former password")
        verbose_name_plural = _("former passwords")
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.replaced_at:%Y-%m-%d}"


class LoginThrottle(models.Model):
    """Failed log-ins counted for one typed user name or one client address; locked at
    ZONEDESK["LOGIN_MAX_FAILURES"] for ZONEDESK["LOGIN_COOLDOWN_MINUTES"] (org.services.login_failed).
    The user name is counted whether or not such an account exists, so a lock tells nothing."""

    class Kind(models.TextChoices):
        USERNAME = "username", _("User name")
        ADDRESS = "address", _("Network address")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("user name or address"), max_length=150)
    # The account the user name names, when one does (so a unit's security administrator sees it).
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    failures = models.PositiveIntegerField(_("failed log-ins"), default=0)
    last_failure_at = models.DateTimeField(_("last failure"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("log-in lock")
        verbose_name_plural = _("log-in locks")
        ordering = ["-last_failure_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="org_loginthrottle_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"

    @staticmethod
    def username_key(username: str) -> str:
        """The typed user name as locks count it: case and surrounding spaces ignored."""
        return username.strip().casefold()[:150]


TOKEN_ALPHABET = string.ascii_letters + string.digits


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is stored; the token is shown once.

    A token is refused after `expires_at`, and from its revocation on (by its owner, or of
    every token of a user whose password changed); revoked rows stay, so a refusal can say why.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_name])
    prefix = models.CharField(_("prefix"), max_length=8)
    digest = models.CharField(_("token digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # When the token's use was last written to the audit log (at most once an hour: see
    # org.services.api_token_authenticate).
    last_audited_at = models.DateTimeField(_("last audited use"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_valid(self, now) -> bool:
        return self.revoked_at is None and now < self.expires_at

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        """zd_ and 43 letters and digits (256 random bits). No "-" or "_": a prefix starting
        with "-" would read as an option to `zonedesk token revoke USER PREFIX`, and the whole
        token selects with one double click."""
        return "zd_" + "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(43))
