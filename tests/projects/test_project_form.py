"""Creating and editing a key project (pform): the services (who may, what is refused, the
stale edit naming who changed it), the pages (field errors in both languages, nothing saved)."""

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse

from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.projects import services
from zonedesk.projects.models import Project
from zonedesk.projects.services import ProjectData

pytestmark = pytest.mark.django_db

SIGNED = dt.date(2026, 3, 2)


def _data(world, **fields) -> ProjectData:
    values = {
        "code": "XM-NEW",
        "name": "新能源电池项目",
        "level": "city",
        "kind": "industrial",
        "total_investment_wan": Decimal("120000"),
        "first_production_month": dt.date(2027, 6, 15),
        "signed_on": SIGNED,
        "investor": world.firm_a,
        "industry_code": "C3841",
        "leading_cadre": world.users["leader"],
        "service_officer": world.users["officer"],
        **fields,
    }
    return ProjectData(**values)


def test_a_leader_creates_a_project_with_its_nodes_planned(world):
    project = services.project_create(
        actor=world.users["leader"], zone=world.zone_a, data=_data(world)
    )
    project.refresh_from_db()
    assert project.industry_code == "3841"  # stored as digits, as the registry's firms
    assert project.first_production_month == dt.date(2027, 6, 1)
    nodes = list(project.nodes.order_by("seq"))
    assert nodes and nodes[0].planned_on == SIGNED and nodes[0].baseline_on == SIGNED


@pytest.mark.parametrize("role", ["officer", "department", "enterprise", "auditor", "officer_b"])
def test_others_may_not_create(world, role):
    with pytest.raises(PermissionDenied):
        services.project_create(actor=world.users[role], zone=world.zone_a, data=_data(world))
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"investor": None, "investor_name": ""}, "investor_name"),
        ({"investor": None, "investor_name": "新公司", "investor_credit_code": "123"}, None),
        ({"industry_code": "Z9999"}, "industry_code"),
        ({"leading_cadre": "officer"}, "leading_cadre"),
        ({"service_officer": "leader"}, "service_officer"),
        ({"service_officer": "officer_b"}, "service_officer"),
        ({"investor": "firm_b"}, "investor"),
        ({"total_investment_wan": Decimal("-1")}, "total_investment_wan"),
    ],
)
def test_bad_values_are_refused_on_their_field(world, fields, field):
    people = {k: world.users[v] for k, v in fields.items() if v in world.users}
    firms = {k: world.firm_b for k, v in fields.items() if v == "firm_b"}
    data = _data(world, **{**fields, **people, **firms})
    with pytest.raises(ValidationFailed) as exc:
        services.project_create(actor=world.users["leader"], zone=world.zone_a, data=data)
    assert (field or "investor_credit_code") in exc.value.errors
    assert not Project.objects.exists()


def test_the_code_is_unique_in_the_zone(world):
    services.project_create(actor=world.users["leader"], zone=world.zone_a, data=_data(world))
    with pytest.raises(ValidationFailed) as exc:
        services.project_create(actor=world.users["admin"], zone=world.zone_a, data=_data(world))
    assert "code" in exc.value.errors
    # Another zone may use the same code.
    services.project_create(
        actor=SYSTEM,
        zone=world.zone_b,
        data=_data(world, investor=world.firm_b, leading_cadre=None, service_officer=None),
    )


def _project(world):
    return services.project_create(
        actor=world.users["leader"], zone=world.zone_a, data=_data(world)
    )


def test_the_service_officer_edits_audited_field_by_field(world):
    project = _project(world)
    planned = list(project.nodes.values_list("planned_on", flat=True))
    data = replace(
        ProjectData.of(project),
        name="新能源电池二期项目",
        total_investment_wan=Decimal("150000"),
        kind="services",  # fixed once created: ignored
    )
    services.project_edit(
        actor=world.users["officer"], project=project, data=data, expected_version=project.version
    )
    project.refresh_from_db()
    assert project.name == "新能源电池二期项目" and project.kind == "industrial"
    assert project.version == 2
    assert list(project.nodes.values_list("planned_on", flat=True)) == planned
    entry = AuditEntry.objects.filter(
        target_type="projects.project", target_id=str(project.pk), action="update"
    ).get()
    assert set(entry.changes) == {"name", "total_investment_wan"}
    assert entry.changes["name"] == ["新能源电池项目", "新能源电池二期项目"]


def test_the_service_officer_may_not_hand_the_project_to_someone_else(world):
    """Who leads and serves a project is the zone's leaders' call: its service officer edits
    the rest, and a change of either person is a field error that changes nothing."""
    project = _project(world)
    for change in ({"service_officer": world.users["officer2"]}, {"leading_cadre": None}):
        with pytest.raises(ValidationFailed) as refused:
            services.project_edit(
                actor=world.users["officer"],
                project=project,
                data=replace(ProjectData.of(project), name="改名", **change),
                expected_version=project.version,
            )
        assert set(refused.value.errors) == set(change)
        project.refresh_from_db()
        assert project.name == "新能源电池项目" and project.version == 1
    services.project_edit(
        actor=world.users["leader"],
        project=project,
        data=replace(ProjectData.of(project), service_officer=world.users["officer2"]),
        expected_version=project.version,
    )
    project.refresh_from_db()
    assert project.service_officer == world.users["officer2"]


@pytest.mark.parametrize("role", ["officer2", "department", "enterprise", "auditor"])
def test_others_may_not_edit(world, role):
    project = _project(world)
    with pytest.raises(PermissionDenied):
        services.project_edit(
            actor=world.users[role],
            project=project,
            data=replace(ProjectData.of(project), name="改名"),
        )
    project.refresh_from_db()
    assert project.name == "新能源电池项目" and project.version == 1


def test_a_stale_edit_names_who_changed_it(world):
    project = _project(world)
    mine = Project.objects.get(pk=project.pk)
    services.project_edit(
        actor=world.users["admin"],
        project=project,
        data=replace(ProjectData.of(project), site="三号地块"),
        expected_version=1,
    )
    with pytest.raises(StaleVersion) as exc:
        services.project_edit(
            actor=world.users["officer"],
            project=mine,
            data=replace(ProjectData.of(mine), name="改名"),
            expected_version=1,
        )
    assert exc.value.changed_by == "admin" and "admin" in exc.value.message
    mine.refresh_from_db()
    assert mine.name == "新能源电池项目" and mine.site == "三号地块"


def test_an_edit_to_a_code_taken_is_refused(world):
    project = _project(world)
    services.project_create(
        actor=world.users["leader"], zone=world.zone_a, data=_data(world, code="XM-2")
    )
    with pytest.raises(ValidationFailed) as exc:
        services.project_edit(
            actor=world.users["leader"],
            project=project,
            data=replace(ProjectData.of(project), code="XM-2"),
        )
    assert "code" in exc.value.errors


# --- the pages ------------------------------------------------------------------------------


def _post(world, **fields):
    body = {
        "zone": world.zone_a.pk,
        "code": "XM-P1",
        "name": "智能装备产业园项目",
        "level": "county",
        "kind": "industrial",
        "investor": world.firm_a.name,
        "investor_credit_code": "",
        "industry_code": "C3311",
        "site": "开江县工业园三号地块",
        "site_area_mu": "120.5",
        "total_investment_wan": "85000",
        "yearly_investment_wan": "20000",
        "expected_output_wan": "150000",
        "first_production_month": "2027-09",
        "signed_on": "2026-04-01",
        "leading_cadre": world.users["leader"].pk,
        "service_officer": world.users["officer"].pk,
        "state": "active",
    }
    return {**body, **fields}


def _client(client_for, user, lang):
    client = client_for(user)
    client.cookies["django_language"] = lang
    return client


def test_a_leader_creates_a_project_on_the_page(world, client_for):
    client = _client(client_for, world.users["leader"], "en")
    assert b'data-testid="project-new"' in client.get(reverse("projects:list")).content
    page = client.get(reverse("projects:create"))
    assert page.status_code == 200 and world.firm_a.name in page.content.decode()
    response = client.post(reverse("projects:create"), _post(world))
    project = Project.objects.get(code="XM-P1")
    assert response.status_code == 302 and response.url == reverse(
        "projects:detail", args=[project.pk]
    )
    assert project.investor == world.firm_a and project.investor_name == ""
    assert project.industry_code == "3311" and project.first_production_month == dt.date(2027, 9, 1)
    assert project.nodes.count() > 0
    detail = client.get(response.url).content.decode()
    assert "C3311" in detail and "开江县工业园三号地块" in detail and "2026-04-01" in detail
    assert (
        'value="C3311"' in client.get(reverse("projects:edit", args=[project.pk])).content.decode()
    )


def test_a_new_investor_by_name_with_its_credit_code(world, client_for):
    client = _client(client_for, world.users["admin"], "en")
    body = _post(world, investor="蓝海新材料有限公司", investor_credit_code="91110108551385082Q")
    assert client.post(reverse("projects:create"), body).status_code == 302
    project = Project.objects.get(code="XM-P1")
    assert project.investor is None and project.investor_name == "蓝海新材料有限公司"
    assert project.investor_credit_code == "91110108551385082Q"


@pytest.mark.parametrize(
    ("lang", "fields", "field", "words"),
    [
        ("en", {"investor": "新公司", "investor_credit_code": "9111"}, "investor_credit_code", ""),
        (
            "zh-hans",
            {"investor": "新公司", "investor_credit_code": "9111"},
            "investor_credit_code",
            "",
        ),
        ("en", {"first_production_month": "2027-13"}, "first_production_month", "Not a month"),
        ("zh-hans", {"first_production_month": "2027-13"}, "first_production_month", "不是"),
        ("en", {"industry_code": "Z99"}, "industry_code", ""),
        ("en", {"service_officer": "leader"}, "service_officer", "valid choice"),
        ("zh-hans", {"service_officer": "leader"}, "service_officer", "有效"),
        ("en", {"total_investment_wan": "-5"}, "total_investment_wan", ""),
        ("en", {"investor": ""}, "investor", ""),
    ],
)
def test_bad_input_shows_a_field_error_and_saves_nothing(
    world, client_for, lang, fields, field, words
):
    fields = {k: world.users[v].pk if v in world.users else v for k, v in fields.items()}
    client = _client(client_for, world.users["leader"], lang)
    response = client.post(reverse("projects:create"), _post(world, **fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-testid="error-{field}"' in html
    assert words in html
    assert not Project.objects.exists()


def test_an_officer_gets_no_create_page(world, client_for):
    client = _client(client_for, world.users["officer"], "en")
    assert b'data-testid="project-new"' not in client.get(reverse("projects:list")).content
    assert client.get(reverse("projects:create")).status_code == 403
    assert client.post(reverse("projects:create"), _post(world)).status_code == 403
    assert not Project.objects.exists()


def test_the_service_officer_edits_on_the_page(world, client_for):
    project = _project(world)
    client = _client(client_for, world.users["officer"], "en")
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'data-testid="project-edit"' in detail
    page = client.get(reverse("projects:edit", args=[project.pk]))
    assert page.status_code == 200 and "新能源电池项目" in page.content.decode()
    body = _post(world, code="XM-NEW", name="新能源电池二期项目", version=1)
    body.pop("zone")
    response = client.post(reverse("projects:edit", args=[project.pk]), body)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "新能源电池二期项目" and project.version == 2
    other = _client(client_for, world.users["officer2"], "en")
    assert (
        'data-testid="project-edit"'
        not in other.get(reverse("projects:detail", args=[project.pk])).content.decode()
    )
    assert other.get(reverse("projects:edit", args=[project.pk])).status_code == 403


def test_a_stale_edit_on_the_page_names_who_changed_it(world, client_for):
    project = _project(world)
    services.project_edit(
        actor=world.users["admin"],
        project=project,
        data=replace(ProjectData.of(project), site="三号地块"),
    )
    client = _client(client_for, world.users["leader"], "en")
    body = _post(world, code="XM-NEW", name="我的改名", version=1)
    body.pop("zone")
    response = client.post(reverse("projects:edit", args=[project.pk]), body)
    assert response.status_code == 409
    assert "changed by admin" in response.content.decode()
    project.refresh_from_db()
    assert project.name == "新能源电池项目"


# --- the API ---------------------------------------------------------------------------------

JSON = "application/json"


def _body(world, **fields):
    body = {
        "zone": world.zone_a.code,
        "code": "XM-API",
        "name": "数据中心项目",
        "level": "province",
        "kind": "infrastructure",
        "investor_id": world.firm_a.pk,
        "industry_code": "I6450",
        "total_investment_wan": "300000",
        "first_production_month": "2028-03-01",
        "signed_on": "2026-05-10",
        "leading_cadre": world.users["leader"].username,
        "service_officer": world.users["officer"].username,
    }
    return {**body, **fields}


def _api(client_for, user):
    return _client(client_for, user, "en")


def test_the_api_creates_a_project_with_its_nodes(world, client_for):
    client = _api(client_for, world.users["admin"])
    response = client.post("/api/v1/projects", json.dumps(_body(world)), content_type=JSON)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["code"] == "XM-API" and out["investor_id"] == world.firm_a.pk
    assert out["industry_code"] == "6450" and out["version"] == 1
    assert out["nodes"] and out["nodes"][0]["planned_on"] == "2026-05-10"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"investor_id": None}, "investor_name"),
        ({"investor_id": 999999}, "investor_id"),
        ({"leading_cadre": "officer"}, "leading_cadre"),
        ({"service_officer": "officer_b"}, "service_officer"),
        ({"level": "nation"}, "level"),
        ({"zone": "zone-b"}, "zone"),
        ({"investor_id": None, "investor_name": "新公司", "investor_credit_code": "1"}, None),
    ],
)
def test_the_api_refuses_bad_values_with_field_errors(world, client_for, fields, field):
    client = _api(client_for, world.users["leader"])
    response = client.post(
        "/api/v1/projects", json.dumps(_body(world, **fields)), content_type=JSON
    )
    assert response.status_code == 400, response.content
    assert (field or "investor_credit_code") in response.content.decode()
    assert not Project.objects.exists()


def test_the_api_refuses_an_officer_the_create(world, client_for):
    client = _api(client_for, world.users["officer"])
    response = client.post("/api/v1/projects", json.dumps(_body(world)), content_type=JSON)
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_the_api_patches_with_the_version_and_409_when_stale(world, client_for):
    project = _project(world)
    url = f"/api/v1/projects/{project.pk}"
    officer = _api(client_for, world.users["officer"])
    body = {"version": 1, "name": "二期项目", "site": None, "investor_name": "新投资方有限公司"}
    response = officer.patch(url, json.dumps(body), content_type=JSON)
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["name"] == "二期项目" and out["version"] == 2
    assert out["investor_id"] is None and out["investor"] == "新投资方有限公司"
    leader = _api(client_for, world.users["leader"])
    stale = leader.patch(url, json.dumps({"version": 1, "name": "三期"}), content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["changed_by"] == "officer"
    assert stale.json()["version"] == 2
    empty = leader.patch(url, json.dumps({"version": 2, "name": None}), content_type=JSON)
    assert empty.status_code == 400 and "name" in empty.content.decode()
    project.refresh_from_db()
    assert project.name == "二期项目" and project.version == 2
    other = _api(client_for, world.users["officer2"])
    assert (
        other.patch(url, json.dumps({"version": 2, "name": "x"}), content_type=JSON).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "The zone has a project with this code already."),
        ("zh-hans", "本园区已有该编号的项目"),
    ],
)
def test_a_code_taken_is_a_field_error_in_both_languages(world, client_for, lang, words):
    client = _client(client_for, world.users["leader"], lang)
    assert client.post(reverse("projects:create"), _post(world)).status_code == 302
    response = client.post(reverse("projects:create"), _post(world, name="另一个项目"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-code"' in html and words in html
    assert Project.objects.count() == 1
