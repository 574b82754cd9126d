"""A firm's and a bank's users are told on each of their pages what they will see there and
when; the administration's staff, who see the data itself, are not."""

import html

import pytest
from django.urls import reverse
from django.utils import translation

from zonedesk.org.templatetags.rolenotes import NOTES

pytestmark = pytest.mark.django_db

PAGES = {
    "home": "home",
    "firms": "enterprises:list",
    "problems": "casework:problems",
    "contacts_due": "casework:contacts_due",
    "benefits": "policies:open",
    "projects": "projects:list",
}


def _note(client, url_name: str) -> str | None:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    page = response.content.decode()
    if 'data-testid="role-note"' not in page:
        return None
    return page.split('data-testid="role-note"')[1].split(">", 1)[1].split("</div>")[0]


@pytest.mark.parametrize(("user", "role"), [("bank", "bank"), ("enterprise", "enterprise")])
@pytest.mark.parametrize("page", PAGES)
def test_each_page_of_a_firm_or_bank_user_says_what_they_will_see(
    world, client_for, user, role, page
):
    shown = _note(client_for(world.users[user]), PAGES[page])
    with translation.override("zh-hans"):  # the pages' language
        assert shown == html.escape(str(NOTES[(role, page)]))


@pytest.mark.parametrize("user", ["leader", "officer", "department", "auditor"])
def test_staff_read_the_data_without_the_note(world, client_for, user):
    client = client_for(world.users[user])
    assert all(_note(client, name) is None for name in ("home", "casework:problems"))


def test_the_bank_user_is_pointed_to_its_inbox_not_told_financing_is_coming(world, client_for):
    """Financing is open: the notes said it was being built (issue 19)."""
    client = client_for(world.users["bank"])
    for name in ("home", "enterprises:list", "casework:problems"):
        note = _note(client, name)
        assert "开通" not in note and "“融资对接”" in note and "收件箱" in note, note
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for name in ("home", "enterprises:list", "casework:problems"):
        note = _note(client, name)
        assert "once it opens" not in note and "being built" not in note, note
        assert "inbox under Financing" in note, note


def test_the_bank_is_offered_no_firm_list_nor_casework(world, client_for):
    """No firm's records for a bank: the pages answer (200, empty, with the note) but are not
    linked, and offer no filter (包联干部) nor export."""
    client = client_for(world.users["bank"])
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("enterprises:list")}"' not in home
    assert f'href="{reverse("casework:problems")}"' not in home
    assert f'href="{reverse("finance:index")}"' in home
    firms = client.get(reverse("enterprises:list")).content.decode()
    assert 'name="officer"' not in firms and 'data-testid="export"' not in firms
    problems = client.get(reverse("casework:problems")).content.decode()
    assert 'data-testid="problem-filters"' not in problems
    staff = client_for(world.users["officer"])
    assert f'href="{reverse("enterprises:list")}"' in staff.get(reverse("home")).content.decode()
    assert 'name="officer"' in staff.get(reverse("enterprises:list")).content.decode()


@pytest.mark.parametrize(
    ("role", "codes"), [("enterprise", False), ("bank", False), ("leader", True)]
)
def test_the_zones_page_shows_codes_to_staff_only(world, client_for, role, codes):
    """Found on the outside walk: firm and bank users saw the zone's code ("demo") and the
    area's; they know a zone by its name."""
    page = client_for(world.users[role]).get(reverse("zones")).content.decode()
    assert "甲经开区" in page
    shown = '<td class="code">zone-a</td>' in page
    area_code = f'<span class="code text-secondary">{world.zone_a.area.code}</span>' in page
    assert (shown, area_code) == (codes, codes)


@pytest.mark.parametrize(
    ("user", "offered"),
    [
        ("enterprise", False),
        ("bank", False),
        ("department", False),
        ("auditor", False),
        ("officer", True),
        ("leader", True),
    ],
)
def test_contacts_due_are_offered_only_to_who_plans_contacts(world, client_for, user, offered):
    """The problems page links the contacts due for officers and leaders only: a firm's or a
    bank's user had a button to a list that is never theirs (issue 17's walk-through)."""
    page = client_for(world.users[user]).get(reverse("casework:problems")).content.decode()
    assert ('data-testid="contacts-due-link"' in page) is offered
    assert (reverse("casework:contacts_due") in page) is offered


@pytest.mark.parametrize(("user", "offered"), [("enterprise", False), ("officer", True)])
def test_only_an_officer_chooses_between_their_firms_and_all(world, client_for, user, offered):
    """The open benefits' "my firms / all firms" choice is an officer's: a firm's user was
    offered it, and "my firms" (the firms they liaise with) showed them nothing."""
    client = client_for(world.users[user])
    page = client.get(reverse("policies:open")).content.decode()
    assert ('data-testid="open-who"' in page) is offered
    asked_mine = client.get(reverse("policies:open"), {"who": "mine"}).context["mine"]
    assert asked_mine is offered
