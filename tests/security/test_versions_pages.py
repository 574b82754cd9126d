"""No lost update on the pages: an edit form carries the version it was read at; saved on a
version someone else has changed since, the form comes back (409) with the user's input kept,
the other person's values shown beside it, and the stored version, so that saving again puts
the user's values on top of the other change, knowingly."""

import datetime as dt
import html

import pytest

from tests.factories import JUNE
from zonedesk.casework.models import ContactPlan
from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.org.models import User
from zonedesk.policies import services as policies

pytestmark = pytest.mark.django_db


def _read(client, url) -> int:
    """Open the edit page as an editor does: the version the form was read at."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["form"]["version"].value()


def _conflict(response, field: str, theirs: str):
    """The refused save: 409, the other person's value shown under the field, the form's
    version moved to the stored one; returns the form as re-shown."""
    assert response.status_code == 409
    form = response.context["form"]
    assert form.conflict[field] == theirs
    body = response.content.decode()
    assert f'data-testid="theirs-{field}"' in body and html.escape(theirs) in body
    return form


def _firm_form(firm, version, **fields):
    data = {
        "name": firm.name,
        "credit_code": firm.credit_code,
        "industry_code": firm.industry_code,
        "status": firm.status,
        "address": firm.address,
        "officer": firm.officer_id or "",
        "version": version,
        "contacts-TOTAL_FORMS": 1,
        "contacts-INITIAL_FORMS": 0,
        "contacts-0-name": "联系人甲",
        "contacts-0-phone": "13812345678",
    }
    return {**data, **fields}


def test_a_stale_firm_edit_comes_back_with_the_other_change_and_saves_on_top(world, client_for):
    firm = world.firm_a
    url = f"/enterprises/{firm.pk}/edit/"
    leader, officer = client_for(world.users["leader"]), client_for(world.users["officer"])
    read_by_leader = _read(leader, url)
    read_by_officer = _read(officer, url)

    theirs = _firm_form(
        firm, read_by_officer, address="乙路 2 号", **{"contacts-0-name": "新联系人"}
    )
    assert officer.post(url, theirs).status_code == 302

    mine = _firm_form(firm, read_by_leader, address="甲路 1 号", name="甲一机械股份有限公司")
    response = leader.post(url, mine)
    form = _conflict(response, "address", "乙路 2 号")
    assert "officer" in " ".join(form.non_field_errors())  # who changed it (the audit log's)
    assert form["address"].value() == "甲路 1 号"  # the user's input is kept
    assert form["name"].value() == "甲一机械股份有限公司"
    assert form.conflict["name"] == firm.name  # what is stored now, beside the user's input
    assert form["version"].value() == read_by_leader + 1
    assert 'data-testid="theirs-contacts"' in response.content.decode()
    stored = Enterprise.objects.get(pk=firm.pk)
    assert stored.address == "乙路 2 号" and stored.name == firm.name  # nothing of mine saved

    again = leader.post(url, form.data)
    assert again.status_code == 302
    stored = Enterprise.objects.get(pk=firm.pk)
    assert (stored.address, stored.name) == ("甲路 1 号", "甲一机械股份有限公司")
    assert stored.contacts.get().name == "联系人甲"
    updates = AuditEntry.objects.filter(target_id=str(firm.pk), action="update")
    assert sorted(e.actor_name for e in updates) == ["leader", "officer"]


def test_a_field_only_the_other_person_changed_takes_their_value(world, client_for):
    """The officer changes the name while the leader changes the address: the officer's stale
    save comes back with the leader's address in the field (not the one the officer read), so
    saving again keeps both changes instead of silently putting the old address back."""
    firm = world.firm_a
    url = f"/enterprises/{firm.pk}/edit/"
    leader, officer = client_for(world.users["leader"]), client_for(world.users["officer"])
    page = officer.get(url).context["form"]
    read = {"version": page["version"].value(), "read": page["read"].value()}
    assert (
        leader.post(url, _firm_form(firm, _read(leader, url), address="乙路 2 号")).status_code
        == 302
    )

    response = officer.post(url, {**_firm_form(firm, 0, name="甲一机械股份有限公司"), **read})
    assert response.status_code == 409
    form = response.context["form"]
    assert form["address"].value() == "乙路 2 号" and form.taken == {"address": "乙路 2 号"}
    assert form["name"].value() == "甲一机械股份有限公司"
    assert 'data-testid="taken-address"' in response.content.decode()
    assert officer.post(url, form.data).status_code == 302
    stored = Enterprise.objects.get(pk=firm.pk)
    assert (stored.address, stored.name) == ("乙路 2 号", "甲一机械股份有限公司")


def test_a_forged_read_field_is_ignored(world, client_for):
    """The values read are signed: a forged `read` is as if none were sent (the user's input
    kept in every field, the stored values shown beside it)."""
    firm = world.firm_a
    url = f"/enterprises/{firm.pk}/edit/"
    leader, officer = client_for(world.users["leader"]), client_for(world.users["officer"])
    version = _read(officer, url)
    assert (
        leader.post(url, _firm_form(firm, _read(leader, url), address="乙路 2 号")).status_code
        == 302
    )
    forged = {**_firm_form(firm, version, name="新名称有限公司"), "read": '{"address": null}'}
    form = _conflict(officer.post(url, forged), "address", "乙路 2 号")
    assert form["address"].value() == firm.address and not form.taken


def test_a_tampered_version_is_refused_on_its_field(world, client_for):
    firm = world.firm_a
    client = client_for(world.users["leader"])
    response = client.post(f"/enterprises/{firm.pk}/edit/", _firm_form(firm, "x", address="y"))
    assert response.status_code == 200 and "version" in response.context["form"].errors
    assert Enterprise.objects.get(pk=firm.pk).address == ""


def test_a_stale_user_edit(world, client_for):
    target = world.users["officer2"]
    url = f"/users/{target.pk}/edit/"
    one, other = client_for(world.users["admin"]), client_for(world.users["province_admin"])
    read_at = _read(one, url)
    base = {"full_name": "", "roles": ["officer"], "is_active": "on"}
    assert other.post(url, {**base, "full_name": "王五", "version": read_at}).status_code == 302
    response = one.post(
        url, {**base, "full_name": "赵六", "phone": "13900000000", "version": read_at}
    )
    form = _conflict(response, "full_name", "王五")
    assert form["phone"].value() == "13900000000"
    assert one.post(url, form.data).status_code == 302
    assert User.objects.get(pk=target.pk).full_name == "赵六"


def _document(world):
    return policies.document_create(
        actor=SYSTEM,
        level="zone",
        zone=world.zone_a,
        issuer="管委会（合成）",
        number="甲管发〔2020〕1号",
        title="支持措施（合成）",
        valid_from=dt.date(2020, 2, 1),
    )


def test_a_stale_policy_document_edit(world, client_for):
    doc = _document(world)
    url = f"/policies/library/{doc.pk}/edit/"
    one, other = client_for(world.users["admin"]), client_for(world.users["leader"])
    read_at = _read(one, url)
    base = {
        "level": "zone",
        "scope": f"zone:{world.zone_a.code}",
        "issuer": doc.issuer,
        "number": doc.number,
        "title": doc.title,
        "valid_from": "2020-02-01",
        "version": read_at,
    }
    assert other.post(url, {**base, "title": "他改的标题"}).status_code == 302
    form = _conflict(one.post(url, {**base, "issuer": "我改的发文机关"}), "title", "他改的标题")
    assert form["issuer"].value() == "我改的发文机关"
    assert one.post(url, form.data).status_code == 302
    doc.refresh_from_db()
    # Saving on top puts the whole form: the user saw the other title and kept theirs.
    assert (doc.issuer, doc.title) == ("我改的发文机关", "支持措施（合成）")


def test_a_stale_measure_edit_shows_the_other_rules(world, client_for):
    doc = _document(world)
    m = policies.measure_create(
        actor=SYSTEM,
        document=doc,
        clause="第一条",
        title="稳岗补贴（合成）",
        benefit_type="subsidy",
        eligibility="employees >= 20",
        rematch=False,
    )
    url = f"/policies/measures/{m.pk}/edit/"
    one, other = client_for(world.users["admin"]), client_for(world.users["leader"])
    read_at = _read(one, url)
    base = {
        "clause": "第一条",
        "title": "稳岗补贴（合成）",
        "benefit_type": "subsidy",
        "mode": "application",
        "firm_statuses": ["producing", "halted"],
        "eligibility": "employees >= 20",
        "version": read_at,
    }
    assert other.post(url, {**base, "eligibility": "employees >= 50"}).status_code == 302
    form = _conflict(one.post(url, {**base, "title": "新标题"}), "eligibility", "employees >= 50")
    assert one.post(url, form.data).status_code == 302
    m.refresh_from_db()
    assert m.title == "新标题" and m.current.eligibility == "employees >= 20"
    assert m.current.number == 3  # 20 -> 50 (theirs) -> 20 (mine, on top): every version kept


FIGURES = {"output_value_wan": "100", "employees": "10", "days_halted": "0"}


def test_two_first_reports_of_a_month_on_the_page(world, client_for):
    url = f"/monitoring/enterprises/{world.firm_a.pk}/{JUNE}/"
    firm, officer = client_for(world.users["enterprise"]), client_for(world.users["officer"])
    assert _read(firm, url) == 0 == _read(officer, url)
    assert (
        officer.post(url, {**FIGURES, "output_value_wan": "222", "version": 0}).status_code == 302
    )
    response = firm.post(url, {**FIGURES, "output_value_wan": "111", "version": 0})
    form = _conflict(response, "output_value_wan", "222.00")
    assert firm.post(url, form.data).status_code == 302
    figure = MonthlyFigure.objects.get()
    assert figure.output_value_wan == 111 and figure.version == 2


def test_a_stale_confirmation_is_refused(world, client_for):
    """The officer confirms the figures they saw, not a correction made since."""
    from zonedesk.monitoring.services import FigureData, figure_save

    figure = figure_save(
        actor=SYSTEM, enterprise=world.firm_a, period=JUNE, data=FigureData(100, 10)
    )
    figure_save(actor=SYSTEM, enterprise=world.firm_a, period=JUNE, data=FigureData(900, 10))
    officer = client_for(world.users["officer"])
    url = f"/monitoring/enterprises/{world.firm_a.pk}/{JUNE}/confirm/"
    officer.post(url, {"version": figure.version})
    assert MonthlyFigure.objects.get().status == "submitted"
    officer.post(url, {"version": figure.version + 1})
    assert MonthlyFigure.objects.get().status == "confirmed"


def test_a_stale_contact_plan_comes_back_on_the_plan_page(world, client_for):
    url = f"/casework/firms/{world.firm_a.pk}/contact-plan/"
    page = f"/casework/firms/{world.firm_a.pk}/plan/"
    officer, leader = client_for(world.users["officer"]), client_for(world.users["leader"])
    read_at = officer.get(page).context["plan_form"]["version"].value()
    assert read_at == 0
    theirs = {"visit_every_days": 45, "call_every_days": 15, "version": 0}
    assert leader.post(url, theirs).status_code == 302
    response = officer.post(url, {"visit_every_days": 60, "call_every_days": 20, "version": 0})
    assert response.status_code == 409
    form = response.context["plan_form"]
    assert form.conflict == {"visit_every_days": "45", "call_every_days": "15"}
    assert form["visit_every_days"].value() == "60"
    assert officer.post(url, form.data).status_code == 302
    assert ContactPlan.objects.get().visit_every_days == 60


def test_an_admin_site_edit_makes_open_forms_stale(world, client_for):
    """Django's admin carries no version, but its change moves the record's version on, so an
    edit form or API client holding the old one is refused rather than overwriting it."""
    root = User.objects.create_superuser("root", password="unused-in-tests")
    zone = world.zone_a
    response = client_for(root).post(
        f"/admin/org/zone/{zone.pk}/change/",
        {"code": zone.code, "name": "后台改名", "area": zone.area_id},
    )
    assert response.status_code == 302
    zone.refresh_from_db()
    assert zone.name == "后台改名" and zone.version == 2


def test_a_stale_annual_target_is_refused_with_both_values(world, client_for):
    """Two officials set the zone's target from the dashboard at once: the second save, made on
    the page read before the first, is refused, naming the stored target and the refused one."""
    import re

    from zonedesk.monitoring.models import AnnualTarget

    # The dashboard shows the target form once the month has reports.
    MonthlyFigure.objects.create(
        enterprise=world.firm_a, period="2020-06-01", output_value_wan=100, employees=10
    )
    page = f"/monitoring/?zone={world.zone_a.code}&period={JUNE}"
    leader, admin = client_for(world.users["leader"]), client_for(world.users["admin"])

    def version(client) -> str:
        form = client.get(page).content.decode().split('data-testid="target-form"', 1)[1]
        return re.search(r'name="version" value="(\d+)"', form).group(1)

    def save(client, pct, version):
        body = {"zone": world.zone_a.code, "period": JUNE, "year": 2020}
        return client.post(
            "/monitoring/target/",
            {**body, "output_growth_pct": pct, "version": version},
            follow=True,
        )

    seen_by_leader, seen_by_admin = version(leader), version(admin)
    assert seen_by_leader == seen_by_admin == "0"
    save(leader, "8", seen_by_leader)
    refused = save(admin, "10", seen_by_admin)
    text = " ".join(str(m) for m in refused.context["messages"])
    assert "甲经开区 2020 年目标" in text and "leader" in text and "未保存" in text, text
    assert "已保存的目标：8%；您填写的 10% 未保存。" in text, text
    target = AnnualTarget.objects.get(zone=world.zone_a, year=2020)
    assert target.output_growth_pct == 8 and target.version == 1
    # Saved again on the page as it is now, the admin's target goes on top, knowingly.
    save(admin, "10", version(admin))
    target.refresh_from_db()
    assert target.output_growth_pct == 10 and target.version == 2
    # A form without its version is refused on the field, nothing saved.
    save(leader, "12", "")
    target.refresh_from_db()
    assert target.output_growth_pct == 10
