"""Investment leads: who adds and moves them, duplicates and their merge, signing into a key
project, landing, the stale flag, lost updates and the funnel."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from tests.chain import leads_factories as leads
from zonedesk.chain import leads_selectors as selectors
from zonedesk.chain import leads_services as services
from zonedesk.chain.leads_models import Lead, LeadActivity, LeadEvent
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.workflow import TransitionRefused
from zonedesk.projects.models import Project


@pytest.fixture
def world(shared_world):
    return shared_world


def data(**kw) -> services.LeadData:
    return services.LeadData(
        **{"name": "远航新材料有限公司", "region": "yangtze", "source": "exhibition", **kw}
    )


class TestCreate:
    def test_officer_adds_a_lead_they_own(self, world):
        """An officer's new lead is theirs, at 线索, audited."""
        officer = world.users["officer"]
        lead = services.lead_create(actor=officer, zone=world.zone_a, data=data())
        assert (lead.owner, lead.stage, lead.zone) == (officer, "lead", world.zone_a)
        assert AuditEntry.objects.filter(
            target_type="chain.lead", target_id=str(lead.pk), action="create"
        ).exists()

    def test_department_staff_own_with_their_department(self, world):
        """Department staff own leads; the lead is filed under their department."""
        dept = world.users["department"]
        lead = services.lead_create(actor=dept, zone=world.zone_a, data=data())
        assert lead.department_id == dept.department_id

    @pytest.mark.parametrize("role", ["enterprise", "bank", "auditor", "city_leader", "security"])
    def test_others_may_not_add(self, world, role):
        """Firm, bank, audit and security users, and a city's leaders, add no leads."""
        with pytest.raises(PermissionDenied):
            services.lead_create(actor=world.users[role], zone=world.zone_a, data=data())
        assert not Lead.objects.exists()

    def test_officer_of_another_zone_may_not_add(self, world):
        with pytest.raises(PermissionDenied):
            services.lead_create(actor=world.users["officer_b"], zone=world.zone_a, data=data())

    def test_officer_may_not_hand_a_new_lead_to_another(self, world):
        """Only the zone's managers name another owner."""
        with pytest.raises(ValidationFailed) as refused:
            services.lead_create(
                actor=world.users["officer"],
                zone=world.zone_a,
                data=data(owner=world.users["officer2"]),
            )
        assert "owner" in refused.value.errors
        lead = services.lead_create(
            actor=world.users["leader"], zone=world.zone_a, data=data(owner=world.users["officer2"])
        )
        assert lead.owner == world.users["officer2"]

    def test_bad_input_lands_nothing(self, world):
        """A bad credit code, an unknown region, an introduced lead without its firm: refused
        with the fields named, nothing stored."""
        with pytest.raises(ValidationFailed) as refused:
            services.lead_create(
                actor=world.users["officer"],
                zone=world.zone_a,
                data=data(credit_code="123", region="mars", source="introduced"),
            )
        assert {"introducer"} <= set(refused.value.errors)
        with pytest.raises(ValidationFailed) as refused:
            services.lead_create(
                actor=world.users["officer"],
                zone=world.zone_a,
                data=data(credit_code="123", region="mars"),
            )
        assert {"credit_code", "region"} <= set(refused.value.errors)
        assert not Lead.objects.exists()

    def test_introducer_of_another_zone_is_refused(self, world):
        with pytest.raises(ValidationFailed) as refused:
            services.lead_create(
                actor=world.users["officer"],
                zone=world.zone_a,
                data=data(source="introduced", introducer=world.firm_b),
            )
        assert "introducer" in refused.value.errors


class TestMoves:
    def test_owner_walks_the_stages_with_events(self, world):
        """The owner moves 线索 → 接洽 → 考察 → 洽谈; each move is an event row and an audit
        entry; the days in the stage restart."""
        officer = world.users["officer"]
        lead = leads.lead(world.zone_a, officer)
        for to in ("contact", "visit", "negotiation"):
            lead = services.lead_transition(actor=officer, lead=lead, to=to)
        assert lead.stage == "negotiation"
        assert list(lead.events.values_list("from_state", "to_state")) == [
            ("lead", "contact"),
            ("contact", "visit"),
            ("visit", "negotiation"),
        ]
        assert lead.stage_since == timezone.localdate()

    def test_skipping_a_stage_is_refused(self, world):
        lead = leads.lead(world.zone_a, world.users["officer"])
        with pytest.raises(TransitionRefused):
            services.lead_transition(actor=world.users["officer"], lead=lead, to="visit")
        lead.refresh_from_db()
        assert (lead.stage, lead.events.count()) == ("lead", 0)

    def test_another_officer_may_not_move_it(self, world):
        """An officer sees the zone's pipeline but moves only their own leads."""
        lead = leads.lead(world.zone_a, world.users["officer"])
        with pytest.raises(PermissionDenied):
            services.lead_transition(actor=world.users["officer2"], lead=lead, to="contact")
        with pytest.raises(PermissionDenied):
            services.lead_transition(actor=world.users["city_leader"], lead=lead, to="contact")
        services.lead_transition(actor=world.users["leader"], lead=lead, to="contact")

    def test_drop_needs_a_reason(self, world):
        officer = world.users["officer"]
        lead = leads.lead(world.zone_a, officer)
        with pytest.raises(ValidationFailed) as refused:
            services.lead_transition(actor=officer, lead=lead, to="dropped", reason="  ")
        assert "reason" in refused.value.errors
        lead = services.lead_transition(actor=officer, lead=lead, to="dropped", reason="另选他地")
        assert (lead.stage, lead.drop_reason) == ("dropped", "另选他地")
        assert lead.events.get().payload["reason"] == "另选他地"

    def test_pause_resumes_no_further_than_it_was(self, world):
        officer = world.users["officer"]
        lead = leads.walk(leads.lead(world.zone_a, officer), "visit")
        with pytest.raises(ValidationFailed) as refused:
            services.lead_transition(actor=officer, lead=lead, to="paused", reason=" ")
        assert "reason" in refused.value.errors
        lead = services.lead_transition(actor=officer, lead=lead, to="paused", reason="预算推迟")
        assert lead.paused_from == "visit"
        assert lead.events.get(to_state="paused").payload["reason"] == "预算推迟"
        with pytest.raises(TransitionRefused):
            services.lead_transition(actor=officer, lead=lead, to="negotiation")
        lead = services.lead_transition(actor=officer, lead=lead, to="contact")
        assert (lead.stage, lead.paused_from) == ("contact", "")

    def test_lost_update_is_refused(self, world):
        """Two editors on one version: the second is refused, naming the change; nothing lost."""
        officer = world.users["officer"]
        lead = leads.lead(world.zone_a, officer)
        read = lead.version
        services.lead_update(
            actor=officer, lead=lead, data=data(owner=officer, jobs=300), expected_version=read
        )
        stale = Lead.objects.get(pk=lead.pk)
        with pytest.raises(StaleVersion):
            services.lead_update(
                actor=world.users["leader"],
                lead=stale,
                data=data(owner=officer, jobs=100),
                expected_version=read,
            )
        with pytest.raises(StaleVersion):
            services.lead_transition(actor=officer, lead=stale, to="contact", expected_version=read)
        stale.refresh_from_db()
        assert (stale.jobs, stale.stage) == (300, "lead")


class TestSigning:
    def test_signing_creates_the_linked_key_project(self, world):
        """签约 registers an industrial, county-level key project pre-filled from the lead and
        links it both ways."""
        officer = world.users["officer"]
        lead = leads.walk(
            leads.lead(
                world.zone_a,
                officer,
                investment_wan=Decimal("80000"),
                output_wan=Decimal("120000"),
            ),
            "negotiation",
        )
        lead = services.lead_transition(
            actor=world.users["leader"],
            lead=lead,
            to="signed",
            first_production_month=dt.date(2031, 3, 1),
        )
        project = lead.project
        assert project is not None and project.lead == lead
        assert (project.kind, project.level, project.zone) == ("industrial", "county", lead.zone)
        assert project.investor_name == lead.name
        assert project.total_investment_wan == Decimal("80000")
        assert project.expected_output_wan == Decimal("120000")
        assert project.industry_code == "3311"
        assert project.service_officer == officer
        assert lead.events.latest("id").payload["project"] == project.pk

    def test_signing_completes_the_projects_signing_node_on_the_day(self, world):
        """The project's 签约 node is done on the signing date (audited as the signer's node
        completion), so it does not ask to be confirmed again."""
        day = timezone.localdate() - dt.timedelta(days=3)
        lead = leads.walk(
            leads.lead(world.zone_a, world.users["officer"], on=day - dt.timedelta(days=30)),
            "negotiation",
            on=day - dt.timedelta(days=20),
        )
        lead = services.lead_transition(
            actor=world.users["leader"],
            lead=lead,
            to="signed",
            signed_on=day,
            first_production_month=dt.date(2031, 3, 1),
        )
        sign = lead.project.nodes.get(code="sign")
        assert (sign.status, sign.done_on) == ("done", day)
        assert sign.events.get().actor == world.users["leader"]
        assert AuditEntry.objects.filter(
            target_type="projects.projectnode", target_id=str(sign.pk)
        ).exists()
        assert lead.project.nodes.exclude(code="sign").filter(status="done").count() == 0

    def test_signing_plans_trial_and_production_from_the_production_month(self, world):
        """The month of first production given at signing plans the project's 投产 node (due
        on the month's last day), 试生产 and 达产 at the template's distance from it; the
        nodes before them stay planned from the signing date."""
        day = timezone.localdate() - dt.timedelta(days=3)
        lead = leads.walk(
            leads.lead(world.zone_a, world.users["officer"], on=day - dt.timedelta(days=30)),
            "negotiation",
            on=day - dt.timedelta(days=20),
        )
        lead = services.lead_transition(
            actor=world.users["leader"],
            lead=lead,
            to="signed",
            signed_on=day,
            first_production_month=dt.date(2031, 2, 1),
        )
        nodes = {n.code: n for n in lead.project.nodes.all()}
        assert lead.project.first_production_month == dt.date(2031, 2, 1)
        assert nodes["producing"].planned_on == dt.date(2031, 2, 28)
        assert nodes["trial"].planned_on == dt.date(2031, 1, 29)  # 30 days before
        assert nodes["full"].planned_on == dt.date(2031, 2, 28) + dt.timedelta(days=365)
        for n in nodes.values():
            assert n.baseline_on == n.planned_on, n.code
        offsets = {"start": 165, "accepted": 420}
        for code, days in offsets.items():
            assert nodes[code].planned_on == day + dt.timedelta(days=days), code

    def test_signing_with_a_near_production_month_plans_every_node_in_order(self, world):
        """Production some nine months after signing: 主体完工 and 竣工验收 are brought in
        before 试生产, so every node is planned no earlier than the nodes it waits for."""
        day = timezone.localdate()
        lead = leads.walk(
            leads.lead(world.zone_a, world.users["officer"], on=day - dt.timedelta(days=30)),
            "negotiation",
            on=day - dt.timedelta(days=20),
        )
        month = (day + dt.timedelta(days=280)).replace(day=1)
        lead = services.lead_transition(
            actor=world.users["leader"],
            lead=lead,
            to="signed",
            signed_on=day,
            first_production_month=month,
        )
        nodes = list(lead.project.nodes.prefetch_related("depends_on"))
        by_code = {n.code: n for n in nodes}
        assert by_code["accepted"].planned_on <= by_code["trial"].planned_on
        for node in nodes:
            assert node.planned_on >= day, node.code
            for dep in node.depends_on.all():
                assert node.planned_on >= dep.planned_on, (node.code, dep.code)

    def test_a_signing_today_sorts_after_the_days_earlier_moves(self, world):
        """Signed today after moves made today: the signing event is stamped now, not at a
        date-only noon that would sort it below them in the lead's history."""
        lead = leads.walk(leads.lead(world.zone_a, world.users["officer"]), "negotiation")
        before = timezone.now()
        lead = services.lead_transition(
            actor=world.users["leader"],
            lead=lead,
            to="signed",
            signed_on=timezone.localdate(),
            first_production_month=dt.date(2031, 3, 1),
        )
        history = list(lead.events.order_by("at", "id"))
        assert history[-1].to_state == "signed"
        assert history[-1].at >= before
        assert [e.at for e in history] == sorted(e.at for e in history)

    def test_a_signing_backdated_to_a_day_of_later_moves_sorts_after_them(self, world):
        """Signed on a past day whose moves were stamped in the evening: the signing event is
        dated that day and sorts after the last of them, never before."""
        day = timezone.localdate() - dt.timedelta(days=6)
        lead = leads.walk(
            leads.lead(world.zone_a, world.users["officer"], on=day), "negotiation", on=day
        )
        evening = timezone.make_aware(dt.datetime.combine(day, dt.time(20, 56)))
        lead.events.update(at=evening)
        lead = services.lead_transition(
            actor=world.users["leader"],
            lead=lead,
            to="signed",
            signed_on=day,
            first_production_month=dt.date(2031, 3, 1),
        )
        signing = lead.events.get(to_state="signed")
        assert timezone.localtime(signing.at).date() == day
        assert signing.at > evening
        assert list(lead.events.order_by("at", "id"))[-1] == signing
        assert lead.stage_since == day

    def test_a_signing_entered_afterwards_is_dated_on_its_day(self, world):
        """The signing date dates the move too: the lead's stage, its event, the funnel's days
        in 洽谈 and the period the attraction paragraph counts it in."""
        talks = dt.date(2020, 3, 2)
        lead = leads.walk(
            leads.lead(world.zone_a, world.users["officer"], on=dt.date(2020, 1, 6)),
            "negotiation",
            on=talks,
        )
        day = dt.date(2020, 5, 15)
        lead = services.lead_transition(
            actor=world.users["leader"],
            lead=lead,
            to="signed",
            signed_on=day,
            first_production_month=dt.date(2031, 3, 1),
        )
        lead.refresh_from_db()
        event = lead.events.latest("id")
        assert (lead.stage, lead.stage_since, lead.project.signed_on) == ("signed", day, day)
        assert (event.to_state, timezone.localdate(event.at)) == ("signed", day)
        facts = selectors.attraction(
            world.users["leader"],
            zones=[world.zone_a],
            first=dt.date(2020, 1, 1),
            last=dt.date(2020, 6, 30),
        )
        assert facts.signed == 1
        funnel = selectors.funnel(world.users["leader"])
        (everyone,) = funnel
        negotiation = next(s for s in everyone.stages if s.stage == "negotiation")
        assert negotiation.median_days == (day - talks).days

    def test_a_date_before_the_stage_began_is_refused(self, world):
        """A move dated before the lead entered its stage (or a signing on 0001-01-01) would
        make a negative stay: refused at the field, nothing changed."""
        lead = leads.walk(
            leads.lead(world.zone_a, world.users["officer"], on=dt.date(2020, 1, 6)),
            "negotiation",
            on=dt.date(2020, 3, 2),
        )
        for day in (dt.date(2020, 3, 1), dt.date(1, 1, 1)):
            with pytest.raises(ValidationFailed) as refused:
                services.lead_transition(
                    actor=world.users["leader"],
                    lead=lead,
                    to="signed",
                    signed_on=day,
                    first_production_month=dt.date(2031, 3, 1),
                )
            assert "signed_on" in refused.value.errors
        with pytest.raises(ValidationFailed) as refused:
            services.lead_transition(
                actor=world.users["officer"],
                lead=lead,
                to="paused",
                reason="推迟",
                on=dt.date(2020, 2, 1),
            )
        assert "on" in refused.value.errors
        lead.refresh_from_db()
        assert (lead.stage, lead.project_id, Project.objects.count()) == ("negotiation", None, 0)

    def test_linking_a_registered_project_completes_its_signing_node(self, world):
        """A lead signed onto the zone's already registered project completes the project's
        open 签约 node on the signing day."""
        project = factories.project(world.zone_a, code="XM-LINK", signed_on=dt.date(2020, 3, 3))
        sign = project.nodes.get(code="sign")
        assert sign.status != "done"
        second = leads.walk(
            leads.lead(world.zone_a, world.users["officer"], on=dt.date(2020, 1, 6)),
            "negotiation",
            on=dt.date(2020, 2, 1),
        )
        services.lead_transition(
            actor=world.users["leader"],
            lead=second,
            to="signed",
            project=project,
            signed_on=dt.date(2020, 3, 3),
        )
        sign.refresh_from_db()
        assert (sign.status, sign.done_on) == ("done", dt.date(2020, 3, 3))

    def test_owner_officer_may_not_sign(self, world):
        """Signing registers a key project: the zone's leaders or administrators."""
        officer = world.users["officer"]
        lead = leads.walk(leads.lead(world.zone_a, officer), "negotiation")
        with pytest.raises(PermissionDenied):
            services.lead_transition(
                actor=officer, lead=lead, to="signed", first_production_month=dt.date(2031, 3, 1)
            )
        assert not Project.objects.exists()

    def test_signing_needs_the_production_month(self, world):
        lead = leads.walk(leads.lead(world.zone_a, world.users["officer"]), "negotiation")
        with pytest.raises(ValidationFailed) as refused:
            services.lead_transition(actor=world.users["leader"], lead=lead, to="signed")
        assert "first_production_month" in refused.value.errors
        assert not Project.objects.exists()

    def test_a_refused_project_leaves_the_lead_as_it_was(self, world):
        """A production month before signing is the project's refusal, said on the lead."""
        lead = leads.walk(leads.lead(world.zone_a, world.users["officer"]), "negotiation")
        with pytest.raises(ValidationFailed):
            services.lead_transition(
                actor=world.users["leader"],
                lead=lead,
                to="signed",
                first_production_month=dt.date(2001, 1, 1),
            )
        lead.refresh_from_db()
        assert (lead.stage, lead.project_id, Project.objects.count()) == ("negotiation", None, 0)

    def test_lands_once_the_project_produces(self, world):
        """落地 is refused while the project is under way, and made for producing ones."""
        lead = leads.walk(leads.lead(world.zone_a, world.users["officer"]), "signed")
        with pytest.raises(TransitionRefused):
            services.lead_transition(actor=world.users["officer"], lead=lead, to="landed")
        assert services.leads_land_producing(actor=SYSTEM) == []
        leads.produce(lead)
        landed = services.leads_land_producing(actor=SYSTEM)
        assert [x.pk for x in landed] == [lead.pk]
        lead.refresh_from_db()
        assert lead.stage == "landed"


class TestDuplicatesAndMerge:
    def test_duplicates_by_code_and_by_name_across_departments(self, world):
        """Another department's lead of the same code or a similar name is found."""
        a = leads.lead(world.zone_a, world.users["officer"], name="宁德时代新能源科技股份有限公司")
        b = leads.lead(world.zone_a, world.users["department"], name="完全不同")
        found = selectors.duplicates(
            world.users["officer2"], zone=world.zone_a, name="宁德时代新能源（四川）"
        )
        assert [(d.lead, d.why) for d in found] == [(a, "name")]
        assert b not in [d.lead for d in found]
        # another zone's staff see none of zone_a's leads
        assert (
            selectors.duplicates(world.users["officer_b"], zone=world.zone_a, name="宁德时代新能源")
            == []
        )

    def test_duplicates_by_credit_code(self, world):
        code = world.firm_a2.credit_code
        a = leads.lead(world.zone_a, world.users["officer"], name="甲名", credit_code=code)
        found = selectors.duplicates(
            world.users["leader"], zone=world.zone_a, name="乙名", credit_code=code
        )
        assert [(d.lead, d.why) for d in found] == [(a, "code")]

    def test_merge_moves_history_and_loses_nothing(self, world):
        """The merged lead's activities and events move onto the kept one (marked where from),
        a merge event is written in both histories, both are audited, nothing is deleted."""
        leader = world.users["leader"]
        keep = leads.walk(
            leads.lead(world.zone_a, world.users["officer"], name="远航新材料"), "contact"
        )
        drop = leads.walk(
            leads.lead(world.zone_a, world.users["department"], name="远航新材料有限公司"), "visit"
        )
        services.lead_activity_add(
            actor=world.users["officer"],
            lead=keep,
            kind="call",
            on=dt.date(2020, 3, 1),
            note="电话",
        )
        services.lead_activity_add(
            actor=world.users["department"],
            lead=drop,
            kind="visit",
            on=dt.date(2020, 4, 1),
            note="上门拜访",
        )
        ids = set(LeadActivity.objects.values_list("pk", flat=True)) | set(
            LeadEvent.objects.values_list("pk", flat=True)
        )
        kept = services.lead_merge(actor=leader, keep=keep, drop=drop)
        drop.refresh_from_db()
        assert drop.merged_into == kept
        assert kept.activities.count() == 2
        assert kept.activities.get(kind="visit").moved_from == drop
        assert set(kept.events.filter(moved_from=drop).values_list("to_state", flat=True)) == {
            "contact",
            "visit",
        }
        assert kept.events.filter(move="merged").get().payload["merged_from"] == drop.pk
        assert drop.events.filter(move="merged").get().payload["merged_into"] == kept.pk
        assert kept.last_activity_on == dt.date(2020, 4, 1)
        # nothing lost: every row still there
        assert ids <= set(LeadActivity.objects.values_list("pk", flat=True)) | set(
            LeadEvent.objects.values_list("pk", flat=True)
        )
        entries = AuditEntry.objects.filter(target_type="chain.lead", action="update")
        assert entries.filter(target_id=str(kept.pk), changes__merged_from=[None, drop.pk]).exists()
        assert entries.filter(target_id=str(drop.pk), changes__merged_into=[None, kept.pk]).exists()
        # the merged lead leaves the lists and cannot be moved again
        assert drop not in selectors.lead_list(leader)
        with pytest.raises(ValidationFailed):
            services.lead_transition(actor=leader, lead=drop, to="paused", reason="重复")

    def test_only_managers_merge(self, world):
        keep = leads.lead(world.zone_a, world.users["officer"], name="甲")
        drop = leads.lead(world.zone_a, world.users["officer"], name="甲有限公司")
        for role in ("officer", "department", "city_leader", "auditor"):
            with pytest.raises(PermissionDenied):
                services.lead_merge(actor=world.users[role], keep=keep, drop=drop)
        drop.refresh_from_db()
        assert drop.merged_into is None

    def test_signed_duplicate_hands_its_project_over(self, world):
        keep = leads.lead(world.zone_a, world.users["officer"], name="甲")
        drop = leads.walk(
            leads.lead(world.zone_a, world.users["officer"], name="甲有限公司"), "signed"
        )
        project = drop.project
        services.lead_merge(actor=world.users["leader"], keep=keep, drop=drop)
        keep.refresh_from_db()
        drop.refresh_from_db()
        assert (keep.project, drop.project) == (project, None)


class TestStaleAndFunnel:
    def test_stale_after_n_days_without_activity(self, world, settings):
        """An open lead with no activity for more than LEAD_STALE_DAYS is stale; an activity
        clears it; a signed lead is never stale."""
        settings.ZONEDESK = {**settings.ZONEDESK, "LEAD_STALE_DAYS": 10}
        officer = world.users["officer"]
        lead = leads.lead(world.zone_a, officer)
        Lead.objects.filter(pk=lead.pk).update(created_at=timezone.now() - dt.timedelta(days=11))
        stale = selectors.lead_list(officer, selectors.LeadFilters(stale=True))
        assert list(stale) == [lead]
        services.lead_activity_add(
            actor=officer, lead=lead, kind="call", on=timezone.localdate(), note="回访"
        )
        assert list(selectors.lead_list(officer, selectors.LeadFilters(stale=True))) == []
        lead.refresh_from_db()
        assert not services.is_stale(lead, timezone.localdate() + dt.timedelta(days=5))
        assert services.is_stale(lead, timezone.localdate() + dt.timedelta(days=11))

    def test_future_activity_is_refused(self, world):
        lead = leads.lead(world.zone_a, world.users["officer"])
        with pytest.raises(ValidationFailed):
            services.lead_activity_add(
                actor=world.users["officer"],
                lead=lead,
                kind="call",
                on=timezone.localdate() + dt.timedelta(days=1),
                note="x",
            )
        assert not lead.activities.exists()

    def test_funnel_counts_a_signed_lead(self, world):
        """The funnel counts each lead at its furthest stage, by source."""
        leads.walk(leads.lead(world.zone_a, world.users["officer"], name="甲"), "signed")
        leads.walk(
            leads.lead(world.zone_a, world.users["officer"], name="乙", source="online"), "contact"
        )
        groups = {g.group: g for g in selectors.funnel(world.users["leader"], by="source")}
        assert groups[""].signed == 1
        assert [s.reached for s in groups[""].stages] == [2, 2, 1, 1, 1, 0]
        assert sorted(g.signed for name, g in groups.items() if name) == [0, 1]
        # a firm's user sees no funnel
        assert selectors.funnel(world.users["enterprise"])[0].leads == 0
