"""The monthly figures a firm reports: one spec per figure, shared by the model, the forms,
the API and the spreadsheet import, so every path checks the same ranges."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FigureSpec:
    name: str
    label: str
    unit: str
    required: bool
    places: int  # decimal places (0: a whole number)
    maximum: Decimal

    @property
    def integer(self) -> bool:
        return self.places == 0

    @property
    def quantum(self) -> Decimal:
        """The stored precision: Decimal('0.01') for two places."""
        return Decimal(1).scaleb(-self.places)


SPECS: dict[str, FigureSpec] = {
    s.name: s
    for s in (
        FigureSpec("output_value_wan", _("Output value"), _("10k yuan"), True, 2, Decimal("1e10")),
        FigureSpec(
            "revenue_wan", _("Main business revenue"), _("10k yuan"), False, 2, Decimal("1e10")
        ),
        FigureSpec("electricity_kwh", _("Electricity"), _("kWh"), False, 0, Decimal("1e13")),
        FigureSpec("water_t", _("Water"), _("t"), False, 0, Decimal("1e12")),
        FigureSpec("employees", _("Employees at month end"), _("persons"), True, 0, Decimal("1e6")),
        FigureSpec("days_halted", _("Days halted"), _("days"), False, 0, Decimal(31)),
        FigureSpec(
            "export_value_wan", _("Export delivery value"), _("10k yuan"), False, 2, Decimal("1e10")
        ),
        FigureSpec("orders_wan", _("Orders on hand"), _("10k yuan"), False, 2, Decimal("1e10")),
        FigureSpec(
            "capacity_utilisation_pct", _("Capacity utilisation"), "%", False, 2, Decimal(200)
        ),
        # Collected where the zone collects them (optional columns): the per-mu evaluation's
        # tax and energy use (monitoring.permu).
        FigureSpec("tax_wan", _("Tax paid"), _("10k yuan"), False, 2, Decimal("1e10")),
        FigureSpec("energy_tce", _("Energy use"), _("tce"), False, 2, Decimal("1e9")),
    )
}


def problem(spec: FigureSpec, value) -> str | None:
    """Why `value` (a Decimal, int or None) is not acceptable for `spec`, or None."""
    if value is None:
        return str(_("Required.")) if spec.required else None
    value = Decimal(value)
    if not value.is_finite():
        return str(_("Not a number."))
    if value < 0:
        return str(_("Cannot be negative."))
    if value > spec.maximum:
        return str(_("At most %(max)s.") % {"max": f"{spec.maximum:,.0f}"})
    if spec.integer and value != value.to_integral_value():
        return str(_("A whole number is expected."))
    if not spec.integer and value.as_tuple().exponent < -spec.places:
        return str(_("At most %(places)d decimal places.") % {"places": spec.places})
    return None


def check(values: dict, days_in_month: int) -> dict[str, list[str]]:
    """Field errors of one month's figures ({} when they are acceptable)."""
    errors: dict[str, list[str]] = {}
    for name, spec in SPECS.items():
        msg = problem(spec, values.get(name))
        if msg:
            errors[name] = [msg]
    halted = values.get("days_halted")
    if "days_halted" not in errors and halted is not None and halted > days_in_month:
        errors["days_halted"] = [
            str(_("The month has only %(days)d days.") % {"days": days_in_month})
        ]
    return errors


# Warnings: figures accepted as they are, but worth a second look (never a refusal).
HALTED_WITH_OUTPUT = "halted_with_output"


def halted_with_output(values: dict, days_in_month: int) -> bool:
    """Halted every day of the month (days halted = the month's days) yet output reported
    (> 0): accepted (a firm may sell from stock or book trial runs), flagged to be checked."""
    halted, output = values.get("days_halted"), values.get("output_value_wan")
    if halted is None or output is None:
        return False
    return int(halted) >= days_in_month and Decimal(str(output)) > 0


def warnings(values: dict, days_in_month: int) -> dict[str, str]:
    """The month's figures' warnings (`{kind: message}`, {} without any): what the form says
    after a save, the import preview lists per firm and the API returns; nothing is refused."""
    out = {}
    if halted_with_output(values, days_in_month):
        out[HALTED_WITH_OUTPUT] = str(
            _(
                "Halted all %(days)d days of the month, yet an output value of %(output)s (10k "
                "yuan) is reported: please check the days halted or the output (the figures "
                "are kept as entered)."
            )
            % {"days": days_in_month, "output": f"{Decimal(str(values['output_value_wan'])):,.2f}"}
        )
    return out
