"""Every link a user is shown leads somewhere: from the home page and its navigation, and from
the pages those lead to, no link or button of a signed-in user answers 4xx or 5xx."""

import re

import pytest

pytestmark = pytest.mark.django_db

LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')
# Not pages: static files, the language switch and log-out (POST), and spreadsheets (their
# own tests read them).
SKIP = ("/static/", "/i18n/", "/accounts/logout/", "/admin/")


def _links(html: str) -> set[str]:
    found = {h.replace("&amp;", "&") for h in LINK.findall(html)}
    return {h for h in found if not h.startswith(SKIP) and ".xlsx" not in h and "export" not in h}


@pytest.mark.parametrize("role", ["department", "bank", "enterprise"])
def test_every_link_two_clicks_from_home_resolves(world, client_for, role):
    client = client_for(world.users[role])
    depth = {"/": 0}
    queue, broken = ["/"], []
    while queue:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code in (301, 302):
            target = response["Location"]
            if target.startswith("/") and target not in depth:
                depth[target] = depth[path]
                queue.append(target)
            continue
        if response.status_code >= 400:
            broken.append((path, response.status_code))
            continue
        if depth[path] >= 2 or "html" not in response.get("Content-Type", ""):
            continue
        for link in sorted(_links(response.content.decode()) - set(depth)):
            depth[link] = depth[path] + 1
            queue.append(link)
    assert len(depth) > 5
    assert broken == []
