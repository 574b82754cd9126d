"""The financing pages' forms: they parse; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zonedesk.core.forms import PlainDecimalField, StyledFormMixin
from zonedesk.finance.caps import LINE_MAX, NAME_MAX, NOTE_MAX, CappedTextMixin
from zonedesk.finance.models import (
    BankProduct,
    Collateral,
    DeclineReason,
    FinancingNeed,
    ProductType,
    Purpose,
    Urgency,
)
from zonedesk.finance.services import NeedData, ProductData
from zonedesk.finance.services.needs import MAX_RATE_PCT
from zonedesk.finance.services.products import EVERYONE


class NeedForm(CappedTextMixin, StyledFormMixin, forms.Form):
    amount_wan = PlainDecimalField(
        label=_("Amount (10k yuan)"), max_digits=12, decimal_places=2, min_value=0.01
    )
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=360)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    collateral = forms.ChoiceField(label=_("Collateral offered"), choices=Collateral.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    problem = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    @classmethod
    def of(cls, need: FinancingNeed) -> "NeedForm":
        return cls(
            initial={
                "amount_wan": need.amount_wan,
                "term_months": need.term_months,
                "purpose": need.purpose,
                "collateral": need.collateral,
                "urgency": need.urgency,
                "note": need.note,
                "version": need.version,
            }
        )

    def data_(self) -> NeedData:
        d = self.cleaned_data
        return NeedData(
            amount_wan=d["amount_wan"],
            term_months=d["term_months"],
            purpose=d["purpose"],
            collateral=d["collateral"],
            urgency=d["urgency"],
            note=d["note"],
        )


class MoveForm(CappedTextMixin, forms.Form):
    """One move of a need, with the fields the move may need."""

    to = forms.ChoiceField(choices=FinancingNeed.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    on = forms.DateField(label=_("Date"), required=False)
    amount_wan = PlainDecimalField(
        label=_("Amount (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )
    # A bank's annual rate: above zero and at most 24 % (MAX_RATE_PCT, the old ceiling of the
    # courts' protection of private lending; no bank loan is dearer).
    rate_pct = PlainDecimalField(
        label=_("Annual rate (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_RATE_PCT,
        required=False,
    )
    term_months = forms.IntegerField(
        label=_("Term (months)"), min_value=1, max_value=360, required=False
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", "—"), *DeclineReason.choices], required=False
    )
    note = forms.CharField(label=_("In the bank's words"), required=False, max_length=NOTE_MAX)
    product = forms.IntegerField(required=False)


class ConsentForm(CappedTextMixin, forms.Form):
    bank = forms.IntegerField(
        label=_("Bank"),
        error_messages={
            "required": _("Choose the bank the firm consents to share with."),
            "invalid": _("Choose the bank the firm consents to share with."),
        },
    )
    covers_figures = forms.BooleanField(label=_("Share the monthly figures"), required=False)
    covers_contacts = forms.BooleanField(label=_("Share the contacts"), required=False)
    written = forms.CharField(
        label=_("The firm's written consent (officer: what was signed, and when)"),
        required=False,
        max_length=LINE_MAX,
    )


class ProductForm(CappedTextMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    type = forms.ChoiceField(label=_("Type"), choices=ProductType.choices)
    amount_min_wan = PlainDecimalField(
        label=_("Smallest amount (10k yuan)"), max_digits=12, decimal_places=2, min_value=0
    )
    amount_max_wan = PlainDecimalField(
        label=_("Largest amount (10k yuan)"), max_digits=12, decimal_places=2, min_value=0
    )
    term_min_months = forms.IntegerField(label=_("Shortest term (months)"), min_value=1)
    term_max_months = forms.IntegerField(label=_("Longest term (months)"), min_value=1)
    rate_kind = forms.ChoiceField(
        label=pgettext_lazy("interest", "Rate"), choices=BankProduct.RateKind.choices
    )
    rate_min_pct = PlainDecimalField(
        label=_("Lowest annual rate (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    rate_max_pct = PlainDecimalField(
        label=_("Highest annual rate (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    lpr_spread_bp = forms.IntegerField(
        label=_("Basis points over the one-year LPR"), required=False
    )
    collateral = forms.MultipleChoiceField(
        label=_("Collateral accepted (none chosen: none required)"),
        choices=Collateral.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eligibility = forms.CharField(
        label=_("Eligibility rule"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Empty: every firm. In the rule language of support measures, e.g. "
            "经营年限 >= 2 且 上年营收 >= 500."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    valid_from = forms.DateField(label=_("In force from"))
    valid_to = forms.DateField(label=_("In force until"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    @classmethod
    def of(cls, product: BankProduct) -> "ProductForm":
        initial = {f: getattr(product, f) for f in cls.base_fields if f != "version"}
        initial["version"] = product.version
        if initial["eligibility"].strip() == EVERYONE:
            initial["eligibility"] = ""
        return cls(initial=initial)

    def data_(self) -> ProductData:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        return ProductData(**d)
