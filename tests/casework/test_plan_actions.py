"""Who may be responsible for an action of a firm's plan (一企一策): the zone's officials who act on
firms (leaders, administrators, liaison officers, department staff), never an auditor, a security
administrator, a firm or a bank user; refused on the field by the form, the service and the API."""

import datetime as dt
import json

import pytest

from zonedesk.casework import selectors, services
from zonedesk.casework.models import PlanAction
from zonedesk.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

MAY = {"admin", "leader", "officer", "officer2", "department"}
MAY_NOT = {"enterprise", "bank", "auditor", "security", "officer_b"}


def test_the_owners_offered_are_the_zones_acting_officials(world):
    offered = {u.username for u in selectors.action_owners(world.zone_a)}
    assert offered == MAY


@pytest.mark.parametrize("who", sorted(MAY_NOT))
def test_the_service_refuses_an_owner_who_may_not_act(world, who):
    with pytest.raises(ValidationFailed) as refused:
        services.action_add(
            actor=world.users["officer"],
            enterprise=world.firm_a,
            kind="other",
            title="回访",
            owner=world.users[who],
            due_on=dt.date(2030, 1, 1),
        )
    assert set(refused.value.errors) == {"owner"}
    assert not PlanAction.objects.exists()


def test_the_page_offers_and_takes_only_acting_officials(world, client_for):
    officer = client_for(world.users["officer"])
    url = f"/casework/firms/{world.firm_a.pk}/plan/"
    form = officer.get(url).content.decode().split('data-testid="action-form"')[1]
    select = form.split('name="owner"')[1].split("</select>")[0]
    for who in MAY:
        assert f'value="{world.users[who].pk}"' in select
    for who in MAY_NOT:
        assert f'value="{world.users[who].pk}"' not in select
    body = {"kind": "other", "title": "回访", "due_on": "2030-07-01"}
    refused = officer.post(url, {**body, "owner": world.users["auditor"].pk})
    assert refused.status_code == 400
    assert 'data-testid="error-owner"' in refused.content.decode()
    assert not PlanAction.objects.exists()
    assert officer.post(url, {**body, "owner": world.users["department"].pk}).status_code == 302
    assert PlanAction.objects.get().owner == world.users["department"]


def test_the_api_refuses_an_owner_who_may_not_act_on_its_field(world, client_for):
    officer = client_for(world.users["officer"])
    url = f"/api/v1/firms/{world.firm_a.pk}/plan-actions"
    body = {"kind": "other", "title": "回访", "due_on": "2030-07-01"}
    for who in ("auditor", "enterprise"):
        refused = officer.post(
            url, json.dumps({**body, "owner_id": world.users[who].pk}), "application/json"
        )
        assert refused.status_code == 400 and set(refused.json()["errors"]) == {"owner_id"}
    assert not PlanAction.objects.exists()
    made = officer.post(
        url, json.dumps({**body, "owner_id": world.users["leader"].pk}), "application/json"
    )
    assert made.status_code == 201
    assert made.json()["owner_id"] == world.users["leader"].pk
    assert PlanAction.objects.get().owner == world.users["leader"]


def test_the_measures_offered_name_their_document_and_level(world, client_for):
    """The province's and the city's documents both have a "第一条 稳岗补贴": the dropdown
    listed it twice, identical. Each entry now names its level and its document."""
    from tests import factories
    from zonedesk.policies.models import Entitlement, PolicyDocument

    docs = [
        factories.document(world, "province", area=world.sichuan),
        factories.document(world, "city", area=world.dazhou),
    ]
    PolicyDocument.objects.filter(pk=docs[1].pk).update(number="")  # then its title names it
    for doc in docs:
        measure = factories.measure(doc, "true", rematch=False)
        Entitlement.objects.create(
            enterprise=world.firm_a,
            measure=measure,
            decision="eligible",
            rule_version=measure.current,
            period="2020-06-01",
            decided_at=dt.datetime(2020, 7, 1, tzinfo=dt.UTC),
            state="notified",
        )
    page = client_for(world.users["officer"]).get(f"/casework/firms/{world.firm_a.pk}/plan/")
    select = page.content.decode().split('name="measure"')[1].split("</select>")[0]
    labels = [o.split(">", 1)[1].split("<")[0] for o in select.split("<option")[2:]]
    assert sorted(labels) == [
        "市 · city 支持措施（合成） · 第一条 稳岗补贴（合成）",
        "省 · province〔2020〕1号 · 第一条 稳岗补贴（合成）",
    ]
