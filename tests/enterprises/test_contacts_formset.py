"""The firm's contacts on its edit page: labelled and styled like the fields above them, the
delete box a labelled checkbox."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_contacts_rows_are_styled(world, client_for):
    page = client_for(world.users["leader"]).get(f"/enterprises/{world.firm_a.pk}/edit/")
    html = page.content.decode()
    rows = html.split('data-testid="contact-row"')[1:]
    assert len(rows) == 2  # the firm's contact and an empty one
    first = rows[0].split("</form>")[0]
    labels = re.findall(r"<label[^>]*>", first)
    assert labels and all(
        'class="form-label' in lab or 'class="form-check' in lab for lab in labels
    )
    assert 'class="form-check-input"' in first and ">删除</span>" in first
    assert 'for="id_contacts-0-name">名称</label>' in first
    assert "---------" not in html
