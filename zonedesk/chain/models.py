"""Industrial chains (产业链) as data, and the firms placed on their nodes.

A chain is a tree of nodes (segments up-, mid- and downstream, and sub-nodes to any depth), owned
by the unit that defines it: a zone, or an area above zones (a province's or a city's chain map is
shared by its zones). Each node names the GB/T 4754 classes and key products that belong to it;
firms are suggested onto nodes from their industry class and products and confirmed by staff
(services). A chain's health and gaps are computed from the confirmed firms' monthly figures when
asked for, never stored, so the map cannot go stale.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import IndustryCodeField, validate_name, validate_text
from zonedesk.core.models import Versioned


class Chain(Versioned):
    """One industrial chain of a unit, with its chain leader (链长) and the thresholds its health
    is judged by."""

    zone = models.ForeignKey(
        "org.Zone",
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chains",
    )
    area = models.ForeignKey(
        "org.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chains",
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100, validators=[validate_name])
    description = models.TextField(
        _("description"), blank=True, max_length=2000, validators=[validate_text]
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chain leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A node is weak (弱链) with fewer confirmed firms than this, and has a single point of
    # failure when one firm makes `dominant_share` of its output or more (达到…及以上).
    weak_below_firms = models.PositiveSmallIntegerField(
        _("weak below (firms)"), default=3, validators=[MinValueValidator(1)]
    )
    dominant_share = models.DecimalField(
        _("dominant firm's share"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.600"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
    )

    class Meta:
        verbose_name = _("industrial chain")
        verbose_name_plural = _("industrial chains")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(zone__isnull=True) ^ Q(area__isnull=True), name="chain_one_owner"
            ),
            models.UniqueConstraint(fields=["zone", "code"], name="chain_zone_code"),
            models.UniqueConstraint(fields=["area", "code"], name="chain_area_code"),
        ]

    def __str__(self) -> str:
        return self.name


class ChainNode(models.Model):
    """A segment or sub-node of a chain."""

    class Segment(models.TextChoices):
        UPSTREAM = "up", _("Upstream")
        MIDSTREAM = "mid", _("Midstream")
        DOWNSTREAM = "down", _("Downstream")

    chain = models.ForeignKey(
        Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent node"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100, validators=[validate_name])
    segment = models.CharField(_("segment"), max_length=4, choices=Segment.choices)
    seq = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(
        _("description"), blank=True, max_length=2000, validators=[validate_text]
    )
    # Key products, separated by 、 or commas: matched against the firms' main products.
    key_products = models.CharField(
        _("key products"), max_length=500, blank=True, validators=[validate_name]
    )
    # In the target map (目标图谱): the chain wants this node present locally. A target node with
    # no confirmed firm is a gap (缺链); a node outside the target map is shown, never flagged.
    in_target = models.BooleanField(_("in the target map"), default=True)

    class Meta:
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")
        ordering = ["chain", "seq", "code"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "code"], name="chain_node_code"),
        ]

    def __str__(self) -> str:
        return self.name


class NodeIndustry(models.Model):
    """A GB/T 4754-2017 code (division, group or class) belonging to a node: a firm whose class
    starts with it is suggested for the node."""

    node = models.ForeignKey(
        ChainNode, verbose_name=_("node"), on_delete=models.CASCADE, related_name="industries"
    )
    industry_code = IndustryCodeField(_("industry (GB/T 4754-2017)"))

    class Meta:
        verbose_name = _("node industry")
        verbose_name_plural = _("node industries")
        constraints = [
            models.UniqueConstraint(fields=["node", "industry_code"], name="chain_node_industry"),
        ]
        indexes = [models.Index(fields=["industry_code"])]

    def __str__(self) -> str:
        return self.industry_code


class NodeFirm(models.Model):
    """A firm on a node: suggested by its industry or products, then confirmed or rejected by
    staff. Only confirmed firms count in the chain's health. A firm may sit on several nodes."""

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    class Basis(models.TextChoices):
        INDUSTRY = "industry", _("Industry class")
        PRODUCT = "product", _("Main products")
        MANUAL = "manual", _("Placed by staff")

    node = models.ForeignKey(
        ChainNode, verbose_name=_("node"), on_delete=models.CASCADE, related_name="firms"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="chain_nodes",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUGGESTED
    )
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("firm on a node")
        verbose_name_plural = _("firms on nodes")
        constraints = [
            models.UniqueConstraint(fields=["node", "enterprise"], name="chain_node_firm"),
        ]
        indexes = [models.Index(fields=["node", "state"])]

    def __str__(self) -> str:
        return f"{self.node} · {self.enterprise}"


from zonedesk.chain.leads_models import *  # noqa: E402, F403  (the investment leads)
