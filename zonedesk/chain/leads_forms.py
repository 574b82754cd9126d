"""The leads pages' forms: they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zonedesk.chain import leads_selectors as selectors
from zonedesk.chain.leads_models import Lead, LeadActivity, LeadRegion, LeadSource
from zonedesk.chain.leads_services import LeadData
from zonedesk.core import industry, uscc
from zonedesk.core.forms import PlainDecimalField, StyledFormMixin


class _NodeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.chain.name} · {obj.name}"


class LeadForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Target company"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        required=False,
        help_text=_("When known: 18 characters."),
    )
    region = forms.ChoiceField(label=_("Region"), choices=LeadRegion.choices)
    industry_code = forms.CharField(
        label=_("Industry (GB/T 4754-2017)"),
        max_length=10,
        required=False,
        help_text=_("A division, group or class code, e.g. 3311."),
    )
    gap_node = _NodeChoice(label=_("Chain node it would fill"), queryset=None, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=LeadSource.choices)
    introducer = forms.ModelChoiceField(
        label=_("Introduced by (local firm)"),
        queryset=None,
        required=False,
        help_text=_("For a company introduced by a local firm (以商招商)."),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    department = forms.ModelChoiceField(label=_("Owning department"), queryset=None, required=False)
    next_action = forms.CharField(label=_("Next action"), max_length=200, required=False)
    next_action_due = forms.DateField(
        label=_("Next action due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    investment_wan = PlainDecimalField(
        label=_("Estimated investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    jobs = forms.IntegerField(
        label=_("Jobs"),
        min_value=0,
        max_value=10_000_000,
        required=False,
        error_messages={
            "invalid": _("Enter a whole number."),
            "min_value": _("Must be at least %(limit_value)s."),
            "max_value": _("Must be at most %(limit_value)s."),
        },
    )
    output_wan = PlainDecimalField(
        label=_("Expected annual output (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    # Set when the user saw the possible duplicates and saves the lead all the same.
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, zone, manager: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gap_node"].queryset = selectors.nodes_for(user)
        self.fields["introducer"].queryset = selectors.firms_for(zone)
        self.fields["department"].queryset = selectors.departments_for(zone)
        self.fields["owner"].queryset = selectors.owners_for(user, zone)
        if not manager:
            del self.fields["owner"]  # an officer's lead is their own

    # The credit code and industry code checked here too, with the validators the model
    # (and so the service) uses: every error of the form is shown in one round.
    def clean_credit_code(self) -> str:
        raw = (self.cleaned_data.get("credit_code") or "").strip()
        if raw:
            uscc.validate_credit_code(raw)
        return uscc.normalise(raw) if raw else ""

    def clean_industry_code(self) -> str:
        raw = (self.cleaned_data.get("industry_code") or "").strip()
        if raw:
            industry.validate_industry_code(raw)
        return raw

    @classmethod
    def of(cls, lead: Lead, **kw) -> "LeadForm":
        initial = {f: getattr(lead, f) for f in LeadData.__dataclass_fields__}
        initial["version"] = lead.version
        return cls(initial=initial, **kw)

    def data_(self) -> LeadData:
        d = self.cleaned_data
        return LeadData(
            name=d["name"],
            credit_code=(d["credit_code"] or "").strip().upper(),
            region=d["region"],
            industry_code=d["industry_code"] or "",
            gap_node=d["gap_node"],
            source=d["source"],
            introducer=d["introducer"],
            owner=d.get("owner"),
            department=d["department"],
            next_action=d["next_action"] or "",
            next_action_due=d["next_action_due"],
            investment_wan=d["investment_wan"],
            jobs=d["jobs"],
            output_wan=d["output_wan"],
            note=d["note"] or "",
        )


class ActivityForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LeadActivity.Kind.choices)
    on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveForm(forms.Form):
    """One move of a lead, with the fields the move may need."""

    to = forms.ChoiceField(choices=Lead.Stage.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)
    signed_on = forms.DateField(label=_("Signed on"), required=False)
    first_production_month = forms.CharField(
        label=_("Planned month of first production"), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    # the day of the move, when entered later (empty: today); a signing is dated by signed_on
    on = forms.DateField(label=_("Date (when entered later)"), required=False)

    def clean_first_production_month(self):
        import datetime as dt

        raw = (self.cleaned_data.get("first_production_month") or "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw[:7] + "-01")
        except ValueError as exc:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from exc


class MergeForm(forms.Form):
    other = forms.IntegerField(label=_("Duplicate lead"))
    keep = forms.ChoiceField(choices=[("this", "this"), ("other", "other")], required=False)
