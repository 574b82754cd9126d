"""The forms of the bridge-loan fund and the lending register (the services check the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zonedesk.core.forms import StyledFormMixin
from zonedesk.finance.models import BridgeLoan
from zonedesk.org.models import Bank

MONEY = {"max_digits": 14, "decimal_places": 2}
DATE = forms.DateInput(attrs={"type": "date"})


class LoanFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            ("", _("Every state")),
            ("overdue", _("Overdue")),
            *BridgeLoan.Status.choices,
        ],
        required=False,
    )
    q = forms.CharField(required=False, max_length=100)


class ApplyForm(StyledFormMixin, forms.Form):
    firm = forms.ModelChoiceField(queryset=None, label=_("Enterprise"))
    bank = forms.ModelChoiceField(queryset=Bank.objects.order_by("name"), label=_("Bank"))
    maturing_wan = forms.DecimalField(label=_("Maturing loan (10k yuan)"), min_value=0, **MONEY)
    maturing_on = forms.DateField(label=_("Maturity date"), widget=DATE)
    committed_wan = forms.DecimalField(
        label=_("Renewal committed by the bank (10k yuan)"), min_value=0, **MONEY
    )
    commitment_file = forms.FileField(
        label=_("Bank's written commitment (PDF, JPEG or PNG)"), required=False
    )
    requested_wan = forms.DecimalField(label=_("Amount requested (10k yuan)"), **MONEY)
    term_days = forms.IntegerField(label=_("Days requested"), min_value=1, max_value=366)
    wage_arrears = forms.BooleanField(label=_("The firm has wage arrears"), required=False)
    bad_credit = forms.BooleanField(label=_("The firm has a bad credit record"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = firms


class MoveForm(StyledFormMixin, forms.Form):
    to = forms.ChoiceField(choices=BridgeLoan.Status.choices)
    amount_wan = forms.DecimalField(label=_("Amount approved (10k yuan)"), required=False, **MONEY)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class InterFirmLoanForm(StyledFormMixin, forms.Form):
    lender = forms.ModelChoiceField(queryset=None, label=_("Lender"))
    borrower = forms.ModelChoiceField(queryset=None, label=_("Borrower"))
    amount_wan = forms.DecimalField(label=_("Amount (10k yuan)"), min_value=0, **MONEY)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=600)
    rate_pct = forms.DecimalField(
        label=_("Annual rate (%)"), min_value=0, max_value=100, max_digits=6, decimal_places=3
    )
    contract_on = forms.DateField(label=_("Contract date"), widget=DATE)
    guarantees = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Guarantees of the loan"), required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, firms, guarantees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lender"].queryset = firms
        self.fields["borrower"].queryset = firms
        self.fields["guarantees"].queryset = guarantees


class GuaranteeForm(StyledFormMixin, forms.Form):
    guarantor = forms.ModelChoiceField(queryset=None, label=_("Guarantor"))
    guaranteed = forms.ModelChoiceField(queryset=None, label=_("Guaranteed firm"))
    amount_wan = forms.DecimalField(label=_("Amount guaranteed (10k yuan)"), min_value=0, **MONEY)
    creditor = forms.CharField(label=_("Creditor"), required=False, max_length=100)
    starts_on = forms.DateField(label=_("Start date"), widget=DATE)
    ends_on = forms.DateField(label=_("End date"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guarantor"].queryset = firms
        self.fields["guaranteed"].queryset = firms
