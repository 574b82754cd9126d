"""The per-mu (亩均效益) evaluation page of a zone and its export (the views module is full)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zonedesk.core.views import export_response, found
from zonedesk.core.xlsx import Column
from zonedesk.monitoring import permu, selectors
from zonedesk.monitoring.views import _zone
from zonedesk.reports import sections


def indicator_labels() -> dict[str, str]:
    return {
        "tax_per_mu": _("Tax per mu (10k yuan)"),
        "value_added_per_mu": _("Value added per mu (10k yuan)"),
        "value_added_per_tce": _("Value added per tce (10k yuan)"),
        "labour_productivity": _("Labour productivity (10k yuan per person)"),
        "rd_share": _("R&D spending / revenue"),
    }


def not_graded_labels() -> dict[str, str]:
    return {
        permu.NotGraded.NO_LAND: _("Not graded: no land area recorded"),
        permu.NotGraded.NO_FIGURES: _("Not graded: no monthly figures in the year"),
        permu.NotGraded.CLOSED: _("Not graded: closed"),
        permu.NotGraded.CONSTRUCTION: _("Not graded: under construction"),
        permu.NotGraded.NOT_PRODUCING: _("Not evaluated: no output all year (halted)"),
    }


def _year(request, zone) -> int:
    """The year asked for, else the last complete year with figures, else last year."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    latest = selectors.latest_period(request.user, selectors.Scope.of_zone(zone))
    if latest is None:
        return timezone.localdate().year - 1
    return latest.year if latest.month == 12 else latest.year - 1


def _report(request):
    zone = _zone(request)
    year = _year(request, zone)
    return found(selectors.permu_report(request.user, zone, year))


def score_scale(report, labels: dict[str, str]) -> dict | None:
    """What a score means: the points of the indicators scored (an indicator no graded firm
    has is left out for all, monitoring.permu.evaluate) and their sum, the score of a firm at
    the zone's average on every one of them. None when nobody is graded."""
    scored = next(
        (r.evaluation.points for r in report.rows if r.evaluation.score is not None), None
    )
    if not scored or report.scheme is None:
        return None
    weights = {k: report.scheme.weights[k] for k in labels if k in scored}
    total = sum(weights.values())
    return {
        "total": f"{total:g}",
        "weights": pgettext("list separator", ", ").join(
            _("%(indicator)s %(points)s") % {"indicator": labels[k], "points": f"{w:g}"}
            for k, w in weights.items()
        ),
    }


@login_required
def permu_page(request):
    report = _report(request)
    labels = indicator_labels()
    reasons = not_graded_labels()
    rows = [
        {
            "row": r,
            "values": [(r.evaluation.indicators[k], k == "rd_share") for k in labels],
            "labelled": [
                (label, r.evaluation.indicators[k], k == "rd_share") for k, label in labels.items()
            ],
            "reason": reasons.get(r.evaluation.not_graded, ""),
        }
        for r in report.rows
    ]
    return render(
        request,
        "monitoring/permu.html",
        {
            "report": report,
            "zone": report.zone,
            "year": report.year,
            "rows": rows,
            "labels": labels.values(),
            "grades": [(g, report.distribution[g]) for g in permu.GRADES],
            "not_graded": report.distribution["none"],
            "not_producing": report.distribution["not_producing"],
            "query": f"zone={report.zone.code}&year={report.year}",
            "scale": score_scale(report, labels),
            "paragraph": " ".join(
                sections.permu.sentences(
                    report.year,
                    [r.evaluation for r in report.rows],
                    {r.firm.pk: r.last_grade for r in report.rows if r.last_grade},
                    report.months,
                )
            ),
        },
    )


@login_required
def permu_export(request):
    report = _report(request)
    labels = indicator_labels()
    reasons = not_graded_labels()
    cols = [
        Column(_("Enterprise name"), 30, "text"),
        Column(_("Unified social credit code"), 22, "text"),
        Column(_("Land in use (mu)"), 12, "wan"),
        *(Column(label, 16) for label in labels.values()),
        Column(_("Output stands in for value added"), 12),
        Column(_("Score"), 10),
        Column(_("Rank"), 8, "int"),
        Column(_("Grade"), 8, "text"),
        Column(_("Grade last year"), 8, "text"),
        Column(_("Not graded because"), 30, "text"),
    ]
    rows = [
        [
            r.firm.name,
            r.firm.credit_code,
            r.firm.land_area_mu,
            *(
                None if v is None else round(v, 4)
                for v in (r.evaluation.indicators[k] for k in labels)
            ),
            _("Yes") if r.evaluation.output_as_value_added else _("No"),
            None if r.evaluation.score is None else round(r.evaluation.score, 2),
            r.evaluation.rank,
            r.evaluation.grade or "",
            r.last_grade or "",
            reasons.get(r.evaluation.not_graded, ""),
        ]
        for r in report.rows
    ]
    return export_response(
        request,
        [(_("per-mu evaluation"), cols, rows)],
        _("per-mu-%(zone)s-%(year)d.xlsx") % {"zone": report.zone.code, "year": report.year},
        what="per-mu evaluation",
    )
