from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import validate_name, validate_text
from zonedesk.core.models import Versioned
from zonedesk.core.workflow import TransitionEvent


class PolicyDocument(Versioned):
    """A support-policy document (文件) issued by a province, city, county or zone."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        ZONE = "zone", _("Zone")

    level = models.CharField(_("issuing level"), max_length=10, choices=Level.choices)
    # Where it applies: an area (province, city, county) or one zone.
    area = models.ForeignKey(
        "org.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT
    )
    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT
    )
    issuer = models.CharField(_("issuer"), max_length=100, validators=[validate_name])
    number = models.CharField(
        _("document number"), max_length=100, blank=True, validators=[validate_name]
    )  # 文号
    title = models.CharField(_("title"), max_length=300, validators=[validate_name])
    published = models.DateField(_("published"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source_text = models.TextField(_("source text"), blank=True, validators=[validate_text])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ["level", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="zone", zone__isnull=False, area__isnull=True)
                    | (~models.Q(level="zone") & models.Q(zone__isnull=True, area__isnull=False))
                ),
                name="policy_document_has_one_scope",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="policy_document_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def clean(self):
        """A province's, city's or county's document applies to an area of that level; it ends
        no earlier than it starts."""
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("Ends before it starts (%(start)s).") % {"start": self.valid_from}}
            )
        if self.level != self.Level.ZONE and self.area_id and self.area.level != self.level:
            raise ValidationError(
                {
                    "area": _("%(name)s is a %(level)s, not a %(wanted)s.")
                    % {
                        "name": self.area.name,
                        "level": self.area.get_level_display(),
                        "wanted": self.get_level_display(),
                    }
                }
            )

    @property
    def scope_prefix(self) -> str:
        """The area-code prefix of the firms it covers ('' for a zone document)."""
        return self.area.scope_prefix if self.area_id else ""


# The firm statuses (enterprises.Enterprise.Status) a measure applies to unless it says
# otherwise: operating measures are for firms that produce, or did and have halted; a closed
# firm and a site still under construction are not (see docs/statistics.md, "Eligibility and
# the firm's life").
OPERATING = ("producing", "halted")
FIRM_STATUSES = ("producing", "halted", "construction", "closed")


def operating_statuses() -> list[str]:
    return list(OPERATING)


def validate_firm_statuses(value) -> None:
    """One or more of the firm statuses, each once."""
    if not isinstance(value, list) or not value:
        raise ValidationError(
            _("Choose at least one firm status the measure applies to."), code="required"
        )
    unknown = [v for v in value if v not in FIRM_STATUSES]
    if unknown:
        raise ValidationError(
            _("%(value)s is not a firm status: use %(allowed)s.")
            % {"value": ", ".join(map(str, unknown)), "allowed": ", ".join(FIRM_STATUSES)},
            code="firm_status",
        )


class Measure(Versioned):
    """One measure (条款) of a document, with its current eligibility and benefit rules."""

    class BenefitType(models.TextChoices):
        SUBSIDY = "subsidy", _("Subsidy")
        TAX_RELIEF = "tax_relief", _("Tax or fee relief")
        DEFERRAL = "deferral", _("Deferral")
        INTEREST_SUBSIDY = "interest", _("Interest subsidy")
        RENT_REDUCTION = "rent", _("Rent reduction")
        SERVICE = "service", _("Service")

    class Mode(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic (免申即享)")
        APPLICATION = "application", _("On application")

    document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="measures",
    )
    clause = models.CharField(_("clause"), max_length=30, validators=[validate_name])
    title = models.CharField(_("title"), max_length=200, validators=[validate_name])
    summary = models.TextField(_("summary"), blank=True, validators=[validate_text])
    benefit_type = models.CharField(_("benefit type"), max_length=12, choices=BenefitType.choices)
    mode = models.CharField(
        _("application mode"), max_length=12, choices=Mode.choices, default=Mode.APPLICATION
    )
    department = models.CharField(
        _("responsible department"), max_length=100, blank=True, validators=[validate_name]
    )
    materials = models.TextField(_("required materials"), blank=True, validators=[validate_text])
    # Which firms it is for by their life (Enterprise.status), before any rule is applied.
    firm_statuses = models.JSONField(
        _("firm statuses it applies to"),
        default=operating_statuses,
        validators=[validate_firm_statuses],
        help_text=_(
            "Operating measures apply to producing and halted firms; add firms under "
            "construction (or closed firms) only where the measure is written for them."
        ),
    )
    current = models.ForeignKey(
        "RuleVersion",
        verbose_name=_("current rules"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["document", "id"]

    def __str__(self) -> str:
        return f"{self.clause} {self.title}"

    def clean(self):
        """The statuses in their usual order (producing, halted, construction, closed)."""
        if isinstance(self.firm_statuses, list):
            chosen = set(self.firm_statuses)
            known = [s for s in FIRM_STATUSES if s in chosen]
            if len(known) == len(chosen):
                self.firm_statuses = known


class RuleVersion(models.Model):
    """The rules of a measure as they were at one edit. Never changed: an edit adds a version,
    so every decision stays explainable by the rules that made it."""

    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("measure"),
    )
    number = models.PositiveIntegerField(_("version number"))
    eligibility = models.TextField(_("eligibility rule"), validators=[validate_text])
    benefit = models.TextField(
        _("benefit estimate (10k yuan)"), blank=True, validators=[validate_text]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        constraints = [
            models.UniqueConstraint(fields=["measure", "number"], name="one_rule_version_number")
        ]
        ordering = ["measure", "number"]

    def __str__(self) -> str:
        return f"{self.measure_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("rule versions are never changed; add a new version")
        super().save(*args, **kwargs)


class Entitlement(models.Model):
    """A firm x measure: what the rules decided, and where the benefit is on its way."""

    class Decision(models.TextChoices):
        ELIGIBLE = "eligible", _("Eligible")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        UNDETERMINED = "undetermined", _("Undetermined")

    class State(models.TextChoices):
        NONE = "", _("—")
        IDENTIFIED = "identified", _("Identified")
        NOTIFIED = "notified", _("Notified")
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        DISBURSED = "disbursed", _("Disbursed")
        REJECTED = "rejected", _("Rejected")
        DECLINED = "declined", _("Declined by the firm")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="entitlements",
        verbose_name=_("enterprise"),
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="entitlements",
        verbose_name=_("measure"),
    )
    decision = models.CharField(_("decision"), max_length=14, choices=Decision.choices)
    missing = models.JSONField(_("missing facts"), default=list, blank=True)
    estimate_wan = models.DecimalField(
        _("estimated benefit (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    rule_version = models.ForeignKey(
        RuleVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rule version"),
    )
    period = models.DateField(_("facts of month"))
    decided_at = models.DateTimeField(_("decided"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, blank=True)
    approved_wan = models.DecimalField(
        _("approved (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    disbursed_wan = models.DecimalField(
        _("disbursed (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, validators=[validate_text])

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "measure"], name="one_entitlement")
        ]
        indexes = [models.Index(fields=["measure", "decision"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} × {self.measure_id}: {self.decision}"


class EntitlementEvent(TransitionEvent):
    """One step of a benefit on its way (flows.ENTITLEMENT), stamped with who and when (never
    changed), with the amount approved or disbursed and the reason given."""

    entitlement = models.ForeignKey(
        Entitlement,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("entitlement"),
    )
    # The flow's states, with their labels for the history.
    from_state = models.CharField(
        _("from"), max_length=12, choices=Entitlement.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=Entitlement.State.choices)
    amount_wan = models.DecimalField(
        _("amount (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_text])

    class Meta(TransitionEvent.Meta):
        verbose_name = _("benefit step")
        verbose_name_plural = _("benefit steps")

    def __str__(self) -> str:
        return f"{self.entitlement_id}: {self.from_state} → {self.to_state}"


class MatchState(models.Model):
    """What a firm's stored decisions were computed from, so that a re-match decides again only
    the firms whose inputs changed (see docs/decisions.md).

    `changes` counts the changes to the firm's inputs: database triggers (migration 0003) bump
    it whenever a monthly figure of the firm, its registry entry, its zone or its county
    changes, however the change is made. `matched` is the count a match read before deciding
    the firm against every measure in force, on the facts of `period`, under the measures'
    rules and scopes summed up in `rules`; `pairs` is how many pairs it left stored."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    changes = models.BigIntegerField(_("input changes"), default=0)
    matched = models.BigIntegerField(_("matched at change"), null=True, blank=True)
    period = models.DateField(_("facts of month"), null=True, blank=True)
    rules = models.BigIntegerField(_("rules fingerprint"), null=True, blank=True)
    pairs = models.IntegerField(_("decisions stored"), default=0)

    class Meta:
        verbose_name = _("matching state")
        verbose_name_plural = _("matching states")

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.matched}/{self.changes}"
