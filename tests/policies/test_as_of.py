"""Policy validity made visible (issue 17, item 5): a zone's as-of date is its latest reported
month's end (never after today; today without figures), and it is the one date the preview,
the save, matching, the pages and the API judge a document on."""

import datetime as dt
import json
import re

import pytest
from django.contrib.messages import get_messages

from tests.factories import figures
from zonedesk.core.actors import SYSTEM
from zonedesk.policies import asof, services
from zonedesk.policies.models import Entitlement, Measure

pytestmark = pytest.mark.django_db

MEASURE = {
    "clause": "第一条",
    "title": "稳岗补贴（合成）",
    "summary": "",
    "benefit_type": "subsidy",
    "mode": "automatic",
    "department": "人社局",
    "materials": "",
    "firm_statuses": ["producing", "halted"],
    "eligibility": "从业人数 >= 20",
    "benefit": "",
    "preview_zone": "zone-a",
}


def county_doc(world, **kw):
    values = {
        "valid_from": dt.date(2020, 1, 1),
        "valid_to": dt.date(2020, 12, 31),
        "title": "支持企业复工复产若干措施（合成）",
    } | kw
    return services.document_create(
        actor=SYSTEM, level="county", area=world.kaijiang, issuer="开江县人民政府（合成）", **values
    )


def test_the_as_of_date_is_the_latest_months_end_never_after_today(world):
    today = dt.date(2020, 7, 15)
    assert asof.zone_as_of(world.zone_a, today=today) == asof.AsOf(today, None)  # no figures
    figures(world.firm_a, 50)  # June 2020
    as_of = asof.zone_as_of(world.zone_a, today=today)
    assert as_of.date == dt.date(2020, 6, 30) and str(as_of.period) == "2020-06"
    # figures of the running month: not a day past today
    assert asof.zone_as_of(world.zone_a, today=dt.date(2020, 6, 10)).date == dt.date(2020, 6, 10)
    assert asof.zone_as_of(world.zone_b, today=today).period is None  # zone_b: nothing yet


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "status"),
    [
        (dt.date(2020, 1, 1), dt.date(2020, 6, 30), asof.IN_FORCE),  # its last day included
        (dt.date(2020, 6, 30), None, asof.IN_FORCE),
        (dt.date(2020, 7, 1), None, asof.NOT_YET),
        (dt.date(2019, 1, 1), dt.date(2020, 6, 29), asof.EXPIRED),
    ],
)
def test_a_document_is_judged_on_the_zones_as_of_date(world, valid_from, valid_to, status):
    figures(world.firm_a, 50)
    doc = county_doc(world, valid_from=valid_from, valid_to=valid_to)
    assert asof.zone_as_of(world.zone_a).status(doc) == status


def test_a_new_measure_on_a_document_in_force_on_the_as_of_date_matches_and_says_so(
    world, client_for
):
    """The demo's case: figures of 2020 and a 2020 package, read years later. Before, the
    preview counted firms on June's figures while matching checked the package against the
    calendar: it matched nothing, and the save said "matched"."""
    figures(world.firm_a, 50)
    figures(world.firm_a2, 10)
    doc = county_doc(world)
    admin = client_for(world.users["province_admin"])
    preview = admin.post(
        "/policies/rules/check/",
        {
            "eligibility": MEASURE["eligibility"],
            "preview_zone": "zone-a",
            "preview_document": doc.pk,
            "firm_statuses": ["producing", "halted"],
        },
    ).content.decode()
    assert 'data-as-of="2020-06-30" data-eligible="1" data-undetermined="0"' in preview
    assert "rule-not-in-force" not in preview

    response = admin.post(f"/policies/library/{doc.pk}/measures/new/", MEASURE)
    assert response.status_code == 302
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "2020-06-30" in message  # the same date as the preview ...
    assert re.search(r"\b1\b", message)  # ... and the same count: firm_a (50) qualifies
    (pair,) = Entitlement.objects.all()
    assert pair.enterprise == world.firm_a and pair.decision == "eligible"
    page = admin.get(f"/policies/measures/{pair.measure_id}/").content.decode()
    assert 'data-testid="validity" data-status="in_force"' in page


def test_a_measure_whose_document_is_not_yet_in_force_says_so_plainly(world, client_for):
    figures(world.firm_a, 50)
    doc = county_doc(world, valid_from=dt.date(2020, 7, 1), valid_to=None)
    admin = client_for(world.users["province_admin"])
    preview = admin.post(
        "/policies/rules/check/",
        {"eligibility": "employees >= 20", "preview_zone": "zone-a", "preview_document": doc.pk},
    ).content.decode()
    assert 'data-testid="rule-not-in-force" data-status="not_yet"' in preview
    assert "2020-06-30" in preview

    response = admin.post(f"/policies/library/{doc.pk}/measures/new/", MEASURE)
    (message,) = list(get_messages(response.wsgi_request))
    assert message.level_tag == "warning"
    assert "2020-06-30" in str(message) and "2020-07-01" in str(message)
    assert str(asof.STATUS_LABELS[asof.NOT_YET]) in str(message)
    assert not Entitlement.objects.exists()  # nothing matched, and nothing claims it was
    m = Measure.objects.get()
    for url in (f"/policies/measures/{m.pk}/", f"/policies/library/{doc.pk}/"):
        assert 'data-status="not_yet"' in admin.get(url).content.decode()


def test_the_library_marks_each_document_on_the_as_of_date(world, client_for):
    figures(world.firm_a, 50)
    county_doc(world, title="在施（合成）")
    county_doc(
        world,
        title="已失效（合成）",
        valid_from=dt.date(2019, 1, 1),
        valid_to=dt.date(2019, 12, 31),
    )
    county_doc(world, title="未生效（合成）", valid_from=dt.date(2021, 1, 1), valid_to=None)
    html = client_for(world.users["leader"]).get("/policies/library/").content.decode()
    statuses = re.findall(r'data-testid="validity" data-status="(\w+)"', html)
    assert sorted(statuses) == ["expired", "in_force", "not_yet"]


def test_the_api_states_the_validity_and_the_date_of_its_preview(world, client_for):
    figures(world.firm_a, 50)
    doc = county_doc(world, valid_from=dt.date(2020, 7, 1), valid_to=None)
    api = client_for(world.users["province_admin"])
    out = api.post(
        "/api/v1/policies/rules/check",
        json.dumps({"eligibility": "employees >= 20", "zone": "zone-a", "document_id": doc.pk}),
        content_type="application/json",
    ).json()
    assert (out["as_of"], out["document_status"], out["eligible"]) == ("2020-06-30", "not_yet", 1)
    detail = api.get(f"/api/v1/policies/documents/{doc.pk}").json()
    assert (detail["validity"], detail["as_of"]) == ("not_yet", "2020-06-30")


def test_a_firm_cannot_be_told_of_a_measure_not_yet_in_force_on_its_zones_date(world):
    from zonedesk.core.errors import DomainError

    figures(world.firm_a, 50)
    doc = county_doc(world)
    m = services.measure_create(
        actor=SYSTEM,
        document=doc,
        clause="一",
        title="x",
        benefit_type="subsidy",
        eligibility="employees >= 5",
    )
    pair = Entitlement.objects.get(measure=m)
    services.document_update(actor=SYSTEM, document=doc, valid_from=dt.date(2020, 7, 1))
    with pytest.raises(DomainError, match="2020-06-30"):
        services.entitlement_move(actor=world.users["officer"], entitlement=pair, to="notified")
