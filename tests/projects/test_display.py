"""How key projects read (pfix, item 5): 万元 figures with thousands separators, a legend of the
lights on the list, the project and the meeting, dates kept on one line, and a short note for a
firm's user (their own projects) and a bank's (none) on the projects pages."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories
from zonedesk.org.templatetags.rolenotes import NOTES

pytestmark = pytest.mark.django_db


def _project(world):
    return factories.project(
        world.zone_a,
        signed_on=timezone.localdate() - dt.timedelta(days=100),
        total_investment_wan=1234567,
        yearly_investment_wan=45678.5,
        investor=world.firm_a,
        investor_name="",
    )


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_10k_yuan_figures_are_grouped_in_thousands(world, client_for):
    project = _project(world)
    leader = client_for(world.users["leader"])
    listing = _page(leader, reverse("projects:list"))
    assert "1,234,567.00" in listing and "1234567" not in listing
    detail = _page(leader, reverse("projects:detail", args=[project.pk]))
    assert "1,234,567.00" in detail and "45,678.50" in detail


@pytest.mark.parametrize("where", ["projects:list", "projects:meeting", "projects:detail"])
def test_every_page_with_lights_has_their_legend(world, client_for, where, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "PROJECT_WARN_WORKDAYS": 4}
    project = _project(world)
    args = [project.pk] if where == "projects:detail" else []
    client = client_for(world.users["leader"])
    client.cookies["django_language"] = "en"
    page = _page(client, reverse(where, args=args))
    legend = page.split('data-testid="light-legend"')[1].split("</p>")[0]
    assert {"red", "yellow", "green"} <= set(re.findall(r'data-light="(\w+)"', legend))
    assert "within 4 working days" in legend


def test_dates_do_not_wrap(world, client_for):
    project = _project(world)
    client = client_for(world.users["leader"])
    for url in (reverse("projects:meeting"), reverse("projects:detail", args=[project.pk])):
        page = _page(client, url)
        cells = re.findall(r"<td([^>]*)>\s*\d{4}-\d{2}-\d{2}\s*</td>", page)
        assert cells and all("text-nowrap" in attrs for attrs in cells), url


@pytest.mark.parametrize(("user", "role"), [("enterprise", "enterprise"), ("bank", "bank")])
@pytest.mark.parametrize("where", ["projects:list", "projects:meeting", "projects:detail"])
def test_a_firms_and_a_banks_user_are_told_what_they_see(world, client_for, user, role, where):
    project = _project(world)  # firm_a's: the enterprise user's firm
    args = [project.pk] if where == "projects:detail" else []
    response = client_for(world.users[user]).get(reverse(where, args=args))
    if role == "bank" and where == "projects:detail":
        assert response.status_code == 404
        return
    if where == "projects:meeting":  # the meeting lists other firms' projects (projfix)
        assert response.status_code == 403
        return
    page = response.content.decode()
    with translation.override("zh-hans"):
        assert html.escape(str(NOTES[(role, "projects")])) in page
    leader = _page(client_for(world.users["leader"]), reverse(where, args=args))
    assert 'data-testid="role-note"' not in leader
