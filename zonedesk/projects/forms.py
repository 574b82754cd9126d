import datetime as dt

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zonedesk.core.forms import SpreadsheetForm, StyledFormMixin, VersionedFormMixin
from zonedesk.core.period import Period
from zonedesk.org.models import Department
from zonedesk.projects import templates_default
from zonedesk.projects.models import MAX_WARN_DAYS, Guarantee, Kind, Project, Replan
from zonedesk.projects.services import investment_amount_problems, project_problems

LIGHTS = [("red", _("Red")), ("yellow", _("Yellow")), ("green", _("Green"))]


class FilterForm(forms.Form):
    level = forms.ChoiceField(
        choices=[("", _("Every level")), *Project.Level.choices], required=False
    )
    kind = forms.ChoiceField(
        choices=[("", pgettext_lazy("project kind", "Every kind")), *Kind.choices], required=False
    )
    light = forms.ChoiceField(choices=[("", _("Every light")), *LIGHTS], required=False)
    stage = forms.ChoiceField(required=False)
    leader = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)
    department = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)

    def __init__(self, *args, leaders=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            ("", _("Every stage")),
            *[(code, name) for code, name, *_rest in templates_default.NODES],
            ("done", _("Every node done")),
        ]
        self.fields["leader"].choices = [("", _("Every leading cadre")), *leaders]
        self.fields["department"].choices = [
            ("", _("Every department (current node)")),
            *departments,
        ]


class CompleteForm(StyledFormMixin, forms.Form):
    """A node's completion: the actual date is given (the page shows today; an emptied field
    is refused, never read as today)."""

    done_on = forms.DateField(
        label=_("Actual date"),
        error_messages={
            "required": _(
                "Give the node's actual date: the day it was done. An empty date is not read "
                "as today."
            )
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReplanForm(StyledFormMixin, forms.Form):
    to_on = forms.DateField(
        label=_("New planned date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DecideForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[(Replan.Status.APPROVED, ""), (Replan.Status.REFUSED, "")],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    # "replans" when sent from the list of re-plans to decide (back there afterwards).
    back = forms.ChoiceField(
        choices=[("", ""), ("replans", "")], required=False, widget=forms.HiddenInput
    )


MONTH_ERROR = _("Not a month: write YYYY-MM, e.g. 2020-06.")


class GroupedDecimalField(forms.DecimalField):
    """A decimal as officials type it: thousands separators ("1,500.5", "1，500.5") allowed."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("，", "").replace(" ", "").strip()
        return super().to_python(value)


class InvestmentForm(StyledFormMixin, forms.Form):
    """A project's planned and completed investment of a month; `version`: the stored month's,
    as read (empty for a month the page showed without figures)."""

    month = forms.CharField(
        label=_("Month"), max_length=20, widget=forms.TextInput(attrs={"type": "month"})
    )
    planned_wan = GroupedDecimalField(
        label=_("Planned (10k yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    done_wan = GroupedDecimalField(
        label=_("Completed (10k yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    # When the page was read (ISO 8601): a month typed into the empty form that was stored,
    # unchanged, before then was on the page, so saving it is a change, not a conflict.
    read_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, total_wan=None, **kwargs):
        """`total_wan`: the project's total investment, which bounds a month's (the service
        refuses more, too)."""
        super().__init__(*args, **kwargs)
        self.total_wan = total_wan
        if total_wan is not None:
            for name in ("planned_wan", "done_wan"):
                self.fields[name].widget.attrs["max"] = f"{total_wan:f}"

    def clean(self):
        cleaned = super().clean()
        if self.total_wan is None:
            return cleaned
        problems = investment_amount_problems(
            total_wan=self.total_wan,
            planned_wan=cleaned.get("planned_wan"),
            done_wan=cleaned.get("done_wan"),
        )
        for name, reason in problems.items():
            self.add_error(name, reason)
        return cleaned

    def clean_month(self):
        try:
            return Period.parse(self.cleaned_data["month"]).first_day
        except ValueError as exc:
            raise forms.ValidationError(MONTH_ERROR, code="month") from exc

    def clean_read_at(self):
        """The page's time, or None when missing or not a time (then a stored month conflicts)."""
        try:
            read = dt.datetime.fromisoformat(self.cleaned_data["read_at"])
        except ValueError:
            return None
        return read if timezone.is_aware(read) else None


class InvestmentImportForm(SpreadsheetForm):
    """A sheet of the monthly investment of one zone's projects."""

    zone = forms.ChoiceField(label=_("Zone"))
    field_order = ["zone", "file"]

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [(z.code, z.name) for z in zones]
        self.fields["file"].help_text = _(
            ".xlsx, .xls or .ods in the template's layout: project code, name, month, planned "
            "and completed investment (10k yuan)"
        )


class GuaranteeForm(StyledFormMixin, forms.Form):
    """An element guarantee item: what is needed (a quantity with its unit, or words), who
    provides it (a department of the project's zone, or a utility) and by when."""

    category = forms.ChoiceField(label=_("Category"), choices=Guarantee.Category.choices)
    land_stage = forms.ChoiceField(
        label=_("Land stage"),
        choices=[("", _("Not land")), *Guarantee.LandStage.choices],
        required=False,
    )
    quantity = forms.DecimalField(
        label=_("Quantity needed"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    unit = forms.CharField(
        label=pgettext_lazy("measurement", "Unit"),
        required=False,
        max_length=10,
        help_text=_("亩 for land and 户 for households unless given."),
    )
    need = forms.CharField(label=_("Need (in words)"), required=False, max_length=200)
    department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none(), required=False
    )
    utility = forms.CharField(
        label=_("Utility (when not a department)"), required=False, max_length=100
    )
    due_on = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(zone_id=project.zone_id)

    @classmethod
    def of(cls, guarantee: Guarantee) -> "GuaranteeForm":
        """The form of an item as stored (the edit form on the project page)."""
        initial = {
            f: getattr(guarantee, f)
            for f in ("category", "land_stage", "quantity", "unit", "need", "utility", "due_on")
        }
        initial |= {
            "department": guarantee.department_id,
            "note": guarantee.note,
            "version": guarantee.version,
        }
        return cls(initial=initial, project=guarantee.project, prefix=f"g{guarantee.pk}")


class GuaranteeDoneForm(StyledFormMixin, forms.Form):
    done_on = forms.DateField(
        label=_("Done date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BlockForm(forms.Form):
    """Mark a node blocked by one of its project's open items, or release it (no item)."""

    guarantee = forms.IntegerField(required=False, min_value=1)
    version = forms.IntegerField(min_value=1)


def _instant_field():
    return forms.DateTimeField(
        label=_("When (if not now)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ServiceRaiseForm(StyledFormMixin, forms.Form):
    """A service request (7x24): what, how it came in, and when if recorded afterwards."""

    title = forms.CharField(label=_("Request"), max_length=200)
    category = forms.ChoiceField(label=_("Category"))
    raised_via = forms.ChoiceField(label=_("Raised via"))
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    at = _instant_field()

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = choices["category"]
        self.fields["raised_via"].choices = choices["raised_via"]


class ServiceRespondForm(StyledFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Handed to"), queryset=Department.objects.none())
    at = _instant_field()

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(zone=zone).order_by("name")


class ServiceResolveForm(StyledFormMixin, forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    at = _instant_field()


def _label(name: str):
    return Project._meta.get_field(name).verbose_name


class ProjectForm(StyledFormMixin, forms.Form):
    """A key project's fields (part 1 of issue 18). The investor is a firm of the zone, picked
    by its name or credit code from the list, or a new firm by name (with its credit code when
    known): `clean` tells which, for the service (which checks everything again)."""

    zone = forms.ModelChoiceField(label=_("Zone"), queryset=None)
    code = forms.CharField(label=_label("code"), max_length=32)
    name = forms.CharField(label=_label("name"), max_length=200)
    level = forms.ChoiceField(label=_label("level"), choices=Project.Level.choices)
    kind = forms.ChoiceField(label=_label("kind"), choices=Kind.choices)
    investor = forms.CharField(
        label=_label("investor"),
        max_length=200,
        help_text=_(
            "A firm of the zone (type to search its name or credit code), or a new firm's name."
        ),
        widget=forms.TextInput(attrs={"list": "investor-firms", "autocomplete": "off"}),
    )
    investor_credit_code = forms.CharField(
        label=_("New investor's credit code"),
        max_length=30,
        required=False,
        help_text=_("18 characters, GB 32100-2015; when known."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    industry_code = forms.CharField(
        label=_label("industry_code"),
        max_length=10,
        required=False,
        help_text=_("Division, group or class of GB/T 4754-2017, e.g. C3011."),
        widget=forms.TextInput(attrs={"list": "industry-codes", "autocomplete": "off"}),
    )
    site = forms.CharField(label=_label("site"), max_length=200, required=False)
    site_area_mu = forms.DecimalField(
        label=_label("site_area_mu"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    total_investment_wan = forms.DecimalField(
        label=_label("total_investment_wan"), min_value=0, max_digits=14, decimal_places=2
    )
    yearly_investment_wan = forms.DecimalField(
        label=_label("yearly_investment_wan"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    expected_output_wan = forms.DecimalField(
        label=_label("expected_output_wan"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    expected_tax_wan = forms.DecimalField(
        label=_label("expected_tax_wan"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    first_production_month = forms.CharField(
        label=_label("first_production_month"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    signed_on = forms.DateField(
        label=_label("signed_on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    leading_cadre = forms.ModelChoiceField(
        label=_label("leading_cadre"), queryset=None, required=False
    )
    service_officer = forms.ModelChoiceField(
        label=_label("service_officer"), queryset=None, required=False
    )
    state = forms.ChoiceField(label=_label("state"), choices=Project.State.choices)

    def __init__(self, *args, zones, firms, leaders, officers, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project, self.firms = project, firms
        self.fields["leading_cadre"].queryset = leaders
        self.fields["service_officer"].queryset = officers
        for name in ("leading_cadre", "service_officer"):
            self.fields[name].label_from_instance = lambda u: u.full_name or u.username
        if project is not None:
            del self.fields["zone"]
            # The nodes were planned from the kind's template: the kind stays.
            self.fields["kind"].disabled = True
        else:
            self.fields["zone"].queryset = zones
            if len(zones) == 1:
                self.fields["zone"].initial = zones[0]

    def clean_first_production_month(self):
        try:
            return Period.parse(self.cleaned_data["first_production_month"]).first_day
        except ValueError as exc:
            raise forms.ValidationError(MONTH_ERROR, code="month") from exc

    def clean_yearly_investment_wan(self):
        value = self.cleaned_data["yearly_investment_wan"]
        return 0 if value is None else value

    def clean(self):
        """`investor` names a firm of the zone (by name or credit code) or a new firm; the dates
        and amounts agree (services.project_problems, which the service asks again)."""
        cleaned = super().clean()
        problems = project_problems(
            signed_on=cleaned.get("signed_on"),
            first_production_month=cleaned.get("first_production_month"),
            total_investment_wan=cleaned.get("total_investment_wan"),
            yearly_investment_wan=cleaned.get("yearly_investment_wan"),
        )
        for field, reason in problems.items():
            self.add_error(field, reason)
        zone = self.project.zone if self.project is not None else cleaned.get("zone")
        text = (cleaned.get("investor") or "").strip()
        firm = None
        if zone is not None and text:
            firm = (
                self.firms.filter(zone=zone)
                .filter(models.Q(name=text) | models.Q(credit_code=text.upper()))
                .first()
            )
        cleaned["investor_firm"] = firm
        cleaned["investor_name"] = "" if firm else text
        if firm is not None:
            cleaned["investor_credit_code"] = ""
        return cleaned

    @classmethod
    def initial_of(cls, project: Project) -> dict:
        values = {
            name: getattr(project, name)
            for name in (
                "code",
                "name",
                "level",
                "kind",
                "investor_credit_code",
                "site",
                "site_area_mu",
                "total_investment_wan",
                "yearly_investment_wan",
                "expected_output_wan",
                "expected_tax_wan",
                "signed_on",
                "leading_cadre",
                "service_officer",
                "state",
            )
        }
        values["investor"] = project.investor_label
        values["industry_code"] = (
            project.industry.display_code if project.industry else project.industry_code
        )
        values["first_production_month"] = f"{project.first_production_month:%Y-%m}"
        return values


class ProjectEditForm(VersionedFormMixin, ProjectForm):
    """The edit of a project, on the version read (a stale save names who changed it)."""


class TemplateNodeForm(StyledFormMixin, forms.Form):
    """A node of a kind's template (added or changed), on the template version read."""

    name = forms.CharField(label=_("Name"), max_length=50)
    code = forms.SlugField(
        label=_("Code"),
        max_length=20,
        help_text=_("Letters, digits, - and _; unique in the template."),
    )
    offset_days = forms.IntegerField(
        label=_("Planned days after signing"),
        min_value=0,
        max_value=3650,
        initial=0,
        help_text=_("A new project plans the node this many days after its signing date."),
    )
    department_name = forms.CharField(
        label=_("Department in charge"),
        max_length=100,
        required=False,
        help_text=_("The zone's department of this name takes the node in each new project."),
        widget=forms.TextInput(attrs={"list": "department-names"}),
    )
    warn_days = forms.IntegerField(
        label=_("Yellow warning (working days)"),
        required=False,
        min_value=0,
        max_value=MAX_WARN_DAYS,
        help_text=_(
            "The node turns yellow this many working days before its planned date. Leave it "
            "empty for the setting of every node (%(days)s)."
        ),
    )
    depends_on = forms.MultipleChoiceField(
        label=_("Waits for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The template read (the zone's own or the default it used): a node added on the default
    # while the zone got its own copy is refused, not added to a template nobody read.
    template = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, template, node=None, warn_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["warn_days"]
        field.help_text = field.help_text % {"days": warn_days}
        others = template.nodes.order_by("seq")
        if node is not None:
            others = others.exclude(pk=node.pk)
        self.fields["depends_on"].choices = [(n.code, f"{n.name} ({n.code})") for n in others]
        self.fields["depends_on"].widget.attrs["class"] = "form-check-input"

    @classmethod
    def of(cls, node, **kwargs) -> "TemplateNodeForm":
        initial = {
            "name": node.name,
            "code": node.code,
            "offset_days": node.offset_days,
            "department_name": node.department_name,
            "warn_days": node.warn_days,
            "depends_on": [d.code for d in node.depends_on.all()],
            "version": node.template.version,
        }
        return cls(initial=initial, template=node.template, node=node, **kwargs)


class TemplateActionForm(forms.Form):
    """Move or remove a template node, or restore the default, on the template version read."""

    version = forms.IntegerField(min_value=1)
    up = forms.BooleanField(required=False)
