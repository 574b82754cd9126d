"""The bank's and the firm's users, in a real browser on a desktop and a phone: each of their
pages opens with a note of what they will see there and when, and the page does not scroll
sideways."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PATHS = ["/", "/enterprises/", "/casework/", "/policies/open/"]


@pytest.mark.parametrize("username", ["bank", "firm"])
@pytest.mark.parametrize("viewport", [None, {"width": 390, "height": 844}])
def test_every_page_of_the_bank_and_firm_users_explains_itself(
    demo, live_server, open_page, log_in, username, viewport
):
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, username, then="/")
    for path in PATHS:
        page.goto(f"{live_server.url}{path}")
        note = page.get_by_test_id("role-note")
        expect(note).to_be_visible()
        assert len(note.inner_text()) >= 20  # a sentence, not a word (Chinese is dense)
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not wide, path
    assert problems == []
