"""Forms of the casework pages: raising a problem, and its next step (the service checks the
rest: who may take it, what it needs)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zonedesk.casework.models import Contact, PlanAction, Problem
from zonedesk.core.forms import StyledFormMixin, VersionedFormMixin


class ProblemForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["category", "title", "description", "severity", "raised_via", "anonymous"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {"title": _("In a few words"), "description": _("What happened, what is needed")}

    def __init__(self, *args, member: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_via"].required = not member
        if member:  # the firm itself raises it online
            del self.fields["raised_via"]


class StepForm(StyledFormMixin, forms.Form):
    to = forms.CharField(max_length=20, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reply, reason or note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False)
    due_on = forms.DateField(
        label=_("New due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(i, f"{i} ★") for i in range(5, 0, -1)]],
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class ContactForm(StyledFormMixin, forms.Form):
    """A visit or call, entered on a phone, with at most one problem heard."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=Contact.Kind.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    figures_seen = forms.CharField(
        label=_("Figures seen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    follow_up_on = forms.DateField(
        label=_("Follow up on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    problem_category = forms.ChoiceField(
        label=_("A problem raised (optional)"),
        required=False,
        choices=[("", "—"), *Problem.Category.choices],
    )
    problem_title = forms.CharField(
        label=_("The problem in a few words"), required=False, max_length=200
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("problem_category")) != bool((data.get("problem_title") or "").strip()):
            self.add_error(
                "problem_title", _("Give both the problem's category and a few words about it.")
            )
        return data


class MeasureChoiceField(forms.ModelChoiceField):
    """A measure named with its document's level and short name: the province's, the city's and
    the county's documents each have a "第1条", often on the same subject."""

    SHORT = 20  # characters of a document's title when it has no number (文号)

    def label_from_instance(self, obj) -> str:
        doc = obj.document
        short = doc.number or (
            doc.title if len(doc.title) <= self.SHORT else doc.title[: self.SHORT] + "…"
        )
        return f"{doc.get_level_display()} · {short} · {obj}"


class ActionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanAction.Kind.choices)
    title = forms.CharField(label=_("What is to be done"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    problem = forms.ModelChoiceField(label=_("For the problem"), queryset=None, required=False)
    measure = MeasureChoiceField(label=_("For the measure"), queryset=None, required=False)

    def __init__(self, *args, owners, problems, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["problem"].queryset = problems
        self.fields["measure"].queryset = measures.select_related("document")


class PlanForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """How often the firm is to be visited and called; the leading cadre (包联领导) is named by
    a leader."""

    visit_every_days = forms.IntegerField(label=_("Visit every (days)"), min_value=1, max_value=366)
    call_every_days = forms.IntegerField(label=_("Call every (days)"), min_value=1, max_value=366)
    at_risk = forms.BooleanField(label=_("At risk: contact twice as often"), required=False)
    leading_cadre = forms.ModelChoiceField(
        label=_("Leading cadre (包联领导)"), queryset=None, required=False
    )

    def __init__(self, *args, cadres, may_name_cadre: bool, initial: dict, **kwargs):
        super().__init__(*args, initial=initial, version=initial["version"], **kwargs)
        self.fields["leading_cadre"].queryset = cadres
        if not may_name_cadre:
            self.fields["leading_cadre"].disabled = True


class LedgerFilterForm(StyledFormMixin, forms.Form):
    """The visit ledger's filters: an invalid value is shown on its field and left out."""

    officer = forms.TypedChoiceField(
        label=_("Liaison officer"), required=False, coerce=int, empty_value=None
    )
    firm = forms.TypedChoiceField(
        label=_("Enterprise"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Every kind")), *Contact.Kind.choices]
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, officers, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", _("Every officer"))] + [
            (u.pk, str(u)) for u in officers
        ]
        self.fields["firm"].choices = [("", _("Every firm"))] + [(e.pk, e.name) for e in firms]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return data

    def to_filters(self):
        """The valid filters (an invalid one is left out, and said on its field)."""
        from zonedesk.casework.selectors import LedgerFilters

        if not self.is_bound:
            return LedgerFilters()
        self.is_valid()
        d = self.cleaned_data
        return LedgerFilters(
            officer=d.get("officer"),
            enterprise=d.get("firm"),
            kind=d.get("kind") or "",
            date_from=d.get("date_from"),
            date_to=d.get("date_to") if "date_to" not in self.errors else None,
        )
