"""The forms of the bridge-loan fund and the lending register (the services check the rules)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from zonedesk.core.forms import PlainDecimalField, StyledFormMixin, VersionedFormMixin
from zonedesk.finance.caps import NOTE_MAX, CappedTextMixin
from zonedesk.finance.models import BridgeLoan
from zonedesk.org.models import Bank

MONEY = {"max_digits": 14, "decimal_places": 2}
DATE = forms.DateInput(attrs={"type": "date"})


class LoanFilterForm(CappedTextMixin, forms.Form):
    status = forms.ChoiceField(
        choices=[
            ("", _("Every state")),
            ("overdue", _("Overdue")),
            *BridgeLoan.Status.choices,
        ],
        required=False,
    )
    q = forms.CharField(required=False, max_length=100)


class ApplyForm(CappedTextMixin, StyledFormMixin, forms.Form):
    firm = forms.ModelChoiceField(queryset=None, label=_("Enterprise"))
    bank = forms.ModelChoiceField(queryset=Bank.objects.order_by("name"), label=_("Bank"))
    maturing_wan = PlainDecimalField(label=_("Maturing loan (10k yuan)"), min_value=0, **MONEY)
    maturing_on = forms.DateField(label=_("Maturity date"), widget=DATE)
    committed_wan = PlainDecimalField(
        label=_("Renewal committed by the bank (10k yuan)"), min_value=0, **MONEY
    )
    commitment_file = forms.FileField(
        label=_("Bank's written commitment (PDF, JPEG or PNG)"), required=False
    )
    commitment_ref = forms.CharField(
        label=_("Bank's written commitment (reference and date)"),
        required=False,
        max_length=200,
        help_text=_(
            "What the bank signed and when, e.g. its commitment letter's number and date. The "
            "loan is approved only with the letter or its reference."
        ),
    )
    requested_wan = PlainDecimalField(label=_("Amount requested (10k yuan)"), **MONEY)
    term_days = forms.IntegerField(label=_("Days requested"), min_value=1, max_value=366)
    wage_arrears = forms.BooleanField(label=_("The firm has wage arrears"), required=False)
    bad_credit = forms.BooleanField(label=_("The firm has a bad credit record"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = firms


class MoveForm(CappedTextMixin, StyledFormMixin, forms.Form):
    to = forms.ChoiceField(choices=BridgeLoan.Status.choices)
    amount_wan = PlainDecimalField(label=_("Amount approved (10k yuan)"), required=False, **MONEY)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    commitment_ref = forms.CharField(
        label=_("Bank's written commitment (reference and date)"), required=False, max_length=200
    )


class InterFirmLoanForm(CappedTextMixin, StyledFormMixin, forms.Form):
    lender = forms.ModelChoiceField(queryset=None, label=_("Lender"))
    borrower = forms.ModelChoiceField(queryset=None, label=_("Borrower"))
    amount_wan = PlainDecimalField(label=_("Amount (10k yuan)"), min_value=0, **MONEY)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=600)
    rate_pct = PlainDecimalField(
        label=_("Annual rate (%)"), min_value=0, max_value=100, max_digits=6, decimal_places=3
    )
    contract_on = forms.DateField(label=_("Contract date"), widget=DATE)
    guarantees = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Guarantees of the loan"), required=False
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, firms, guarantees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lender"].queryset = firms
        self.fields["borrower"].queryset = firms
        self.fields["guarantees"].queryset = guarantees


class GuaranteeForm(CappedTextMixin, StyledFormMixin, forms.Form):
    guarantor = forms.ModelChoiceField(queryset=None, label=_("Guarantor"))
    guaranteed = forms.ModelChoiceField(queryset=None, label=_("Guaranteed firm"))
    amount_wan = PlainDecimalField(label=_("Amount guaranteed (10k yuan)"), min_value=0, **MONEY)
    creditor = forms.CharField(label=_("Creditor"), required=False, max_length=100)
    starts_on = forms.DateField(label=_("Start date"), widget=DATE)
    ends_on = forms.DateField(label=_("End date"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guarantor"].queryset = firms
        self.fields["guaranteed"].queryset = firms

    def clean(self):
        from zonedesk.finance.services.lending import ends_before_start

        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", ends_before_start(starts, ends))
        return data


class FeeTiersField(forms.CharField):
    """The daily fee tiers as people write them, one a line: “1: 0.1” (from day 1, 0.1% of the
    amount a day), “6: 0.2”; stored as [[from_day, "daily_pct"], ...]."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(f"{day}: {pct}" for day, pct in value)
        return value

    def to_python(self, value):
        from decimal import InvalidOperation

        text = super().to_python(value)
        tiers = []
        for n, line in enumerate(text.replace("：", ":").splitlines(), start=1):
            if not line.strip():
                continue
            day, sep, pct = line.partition(":")
            try:
                from_day, daily = int(day.strip()), Decimal(pct.strip())
            except (ValueError, InvalidOperation):
                from_day, daily = None, None
            if not sep or from_day is None or from_day < 1 or not daily.is_finite() or daily < 0:
                raise forms.ValidationError(
                    _("Line %(n)s: write “from day: daily %%”, e.g. “6: 0.2”.") % {"n": n}
                )
            tiers.append([from_day, str(daily)])
        if not tiers:
            raise forms.ValidationError(_("Give at least one tier, from day 1."))
        if tiers[0][0] != 1 or [t[0] for t in tiers] != sorted({t[0] for t in tiers}):
            raise forms.ValidationError(
                _("The tiers start on day 1 and go up, each from a later day.")
            )
        return tiers


class FundForm(CappedTextMixin, VersionedFormMixin, StyledFormMixin, forms.Form):
    """A bridge-loan fund's size, source and limits; `zone` only when setting one up."""

    zone = forms.ModelChoiceField(queryset=None, label=_("Zone"))
    name = forms.CharField(label=_("Fund name"), max_length=100)
    source = forms.CharField(
        label=_("Source of the fund"),
        max_length=100,
        help_text=_("Who puts up the money, e.g. the platform company (平台公司)."),
    )
    size_wan = PlainDecimalField(
        label=_("Fund size (10k yuan)"), min_value=Decimal("0.01"), **MONEY
    )
    share_of_commitment_pct = PlainDecimalField(
        label=_("Share of the committed renewal (%)"),
        min_value=Decimal("0.01"),
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text=_("A loan is at most this share of the renewal the bank committed in writing."),
    )
    cap_per_firm_wan = PlainDecimalField(
        label=_("Cap per firm (10k yuan)"), min_value=Decimal("0.01"), required=False, **MONEY
    )
    longest_term_days = forms.IntegerField(
        label=_("Longest term (days)"), min_value=1, max_value=366
    )
    fee_tiers = FeeTiersField(
        label=_("Daily fee tiers"),
        max_length=500,
        help_text=_(
            "One a line: from which day, and the daily fee in % of the amount, e.g. “1: 0.1” "
            "and “6: 0.2”."
        ),
    )
    overdue_daily_pct = PlainDecimalField(
        label=_("Daily fee when overdue (%)"),
        min_value=0,
        max_digits=6,
        decimal_places=3,
        required=False,
    )
    exclude_wage_arrears = forms.BooleanField(
        label=_("Excludes firms with wage arrears"), required=False
    )
    exclude_bad_credit = forms.BooleanField(
        label=_("Excludes firms with a bad credit record"), required=False
    )
    active = forms.BooleanField(label=_("Open to applications"), required=False)

    def __init__(self, *args, zones=None, **kwargs):
        super().__init__(*args, **kwargs)
        if zones is None:
            del self.fields["zone"]
        else:
            self.fields["zone"].queryset = zones

    @staticmethod
    def initial_of(fund) -> dict:
        return {f: getattr(fund, f) for f in (*FUND_FORM_FIELDS, "active")}


FUND_FORM_FIELDS = (
    "name",
    "source",
    "size_wan",
    "share_of_commitment_pct",
    "cap_per_firm_wan",
    "longest_term_days",
    "fee_tiers",
    "overdue_daily_pct",
    "exclude_wage_arrears",
    "exclude_bad_credit",
)
