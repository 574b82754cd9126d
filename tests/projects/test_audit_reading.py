"""Key projects in the auditor's log (pfix, item 7): a month reads as a month (2020年6月, not
2020-06-01), 万元 is written once (the label has it), and the firm column names the project's
investor for the project's own entries, its nodes' and its re-plans' (a new investor by name)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.projects import services
from zonedesk.projects.models import ProjectNode

pytestmark = pytest.mark.django_db


def _rows(client, query: str) -> list[str]:
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200
    body = response.content.decode().split('data-testid="audit-table"')[1].split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)) for r in rows]


def _firm_cells(client, query: str) -> list[str]:
    body = client.get(f"/audit/?{query}").content.decode()
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'data-testid="audit-firm">(.*?)</td>', body, flags=re.S)
    ]


def _project(world, **fields):
    return factories.project(
        world.zone_a,
        # Signed before its first production month (2020-06), as the form and service require.
        signed_on=dt.date(2020, 3, 2),
        first_production_month=dt.date(2020, 6, 1),
        total_investment_wan=123456,
        service_officer=world.users["officer"],
        **fields,
    )


def test_a_projects_entry_reads_its_month_and_its_figures_once_in_10k_yuan(world, client_for):
    _project(world, investor=world.firm_a, investor_name="")
    auditor = client_for(world.users["auditor"])

    (zh,) = _rows(auditor, "target_type=projects.project")
    assert "2020年6月" in zh and "2020-06-01" not in zh
    assert "123,456.00" in zh and "123,456.00 万元" not in zh and "（万元）" in zh

    auditor.cookies["django_language"] = "en"
    (en,) = _rows(auditor, "target_type=projects.project")
    assert "June 2020" in en and "123,456.00 10k yuan" not in en and "123,456.00" in en


def test_the_firm_column_names_the_investor_for_project_node_re_plan_and_item(world, client_for):
    project = _project(world, investor=world.firm_a, investor_name="")
    start = ProjectNode.objects.get(project=project, code="start")
    services.node_complete(actor=SYSTEM, node=ProjectNode.objects.get(project=project, code="sign"))
    services.replan_request(
        actor=world.users["officer"],
        node=start,
        to_on=timezone.localdate() + dt.timedelta(days=9),
        reason="延后",
    )
    services.guarantee_create(
        actor=SYSTEM,
        project=project,
        data=services.GuaranteeData(
            category="power", need="10kV专线", utility="供电公司", due_on=start.planned_on
        ),
    )
    auditor = client_for(world.users["auditor"])
    for kind in (
        "projects.project",
        "projects.projectnode",
        "projects.replan",
        "projects.guarantee",
    ):
        cells = _firm_cells(auditor, f"target_type={kind}")
        assert cells and set(cells) == {world.firm_a.name}, kind
    # The firm filter finds them too.
    listed = _firm_cells(auditor, f"firm={world.firm_a.name}&target_type=projects.replan")
    assert listed == [world.firm_a.name]


def test_a_new_investor_not_in_the_register_is_named(world, client_for):
    _project(world, code="N-1", investor_name="新投资有限公司（合成）")
    auditor = client_for(world.users["auditor"])
    assert _firm_cells(auditor, "target_type=projects.project") == ["新投资有限公司（合成）"]
