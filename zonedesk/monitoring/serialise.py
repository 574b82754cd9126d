"""A month's status as plain JSON-ready data: the API and `report status --json` share it.

Rates are percentages rounded half-up to 2 places (as strings, so no float creeps in);
amounts are exact decimals as strings.
"""

from decimal import Decimal

from zonedesk.monitoring.indicators import CapacityClass, percent
from zonedesk.monitoring.selectors import Status


def _pct(rate: Decimal | None) -> str | None:
    shown = percent(rate)
    return None if shown is None else str(shown)


def _num(value) -> str | None:
    return None if value is None else str(value)


def status_dict(st: Status) -> dict:
    s, rec = st.summary, st.recovery
    return {
        "scope": {
            "kind": "zone" if st.scope.zone else "area",
            "code": st.scope.code,
            "name": st.scope.label,
        },
        "period": str(st.period),
        "firms_expected": st.expected,
        "firms_reported": s.reporting,
        "firms_producing": s.producing,
        "firms_halted": len(s.halted),
        "capacity": {
            "band_pct": _pct(s.band),
            "level": s.count(CapacityClass.LEVEL),
            "above": s.count(CapacityClass.ABOVE),
            "below": s.count(CapacityClass.BELOW),
            "new": len(s.new_firms),
            "new_firms": [{"id": f, "name": st.name(f)} for f in s.new_firms],
        },
        "figures": {
            m: {
                "total": _num(a.current),
                "firms": a.firms,
                "last_year": _num(a.last_year),
                "yoy_pct": _pct(a.yoy),
                "mom_pct": _pct(a.mom),
                "new_firms_points": _pct(a.new_part),
                "existing_firms_points": _pct(a.existing_part),
                "ytd_total": _num(st.ytd[m].current),
                "ytd_last_year": _num(st.ytd[m].last_year),
                "ytd_yoy_pct": _pct(st.ytd[m].yoy),
            }
            for m, a in s.aggregates.items()
        },
        "recovery": {
            "through_month": rec.through_month,
            "target_pct": _pct(rec.target),
            "catch_up_pct": _pct(rec.catch_up),
            "to_target_pct": _pct(rec.to_target),
            "last_year_total": _num(rec.last_year_total),
            "actual_to_date": _num(rec.actual_to_date),
            "last_year_to_date": _num(rec.last_year_to_date),
        },
        "not_reported": [{"id": e.pk, "name": e.name} for e in st.missing],
    }
