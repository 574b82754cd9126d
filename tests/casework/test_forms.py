"""The casework forms as officials read them: a prompt, not Django's "---------", in every
select, and each checkbox labelled once."""

import pytest

pytestmark = pytest.mark.django_db


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_selects_prompt_in_chinese(world, client_for):
    officer = client_for(world.users["officer"])
    leader = client_for(world.users["leader"])
    for client, url in [
        (officer, f"/casework/firms/{world.firm_a.pk}/new/"),
        (officer, f"/casework/firms/{world.firm_a.pk}/plan/"),
        (leader, f"/casework/firms/{world.firm_a.pk}/plan/"),
    ]:
        page = _page(client, url)
        assert "---------" not in page
        assert '<option value="" selected>请选择…</option>' in page


def test_each_checkbox_is_labelled_once(world, client_for):
    officer = client_for(world.users["officer"])
    new = _page(officer, f"/casework/firms/{world.firm_a.pk}/new/")
    assert new.count("引用时隐去企业名称") == 1
    plan = _page(officer, f"/casework/firms/{world.firm_a.pk}/plan/")
    assert plan.count("重点关注：联系频次加倍") == 1
