"""The demo's investment leads: every stage, three tied to demo key projects, stale ones, a
duplicate pair, and a funnel that counts the signed leads."""

import pytest

from zonedesk.chain import leads_selectors as selectors
from zonedesk.chain.leads_models import Lead
from zonedesk.org.models import User

pytestmark = pytest.mark.django_db


def test_demo_leads_in_every_stage_with_projects_stale_and_a_duplicate(demo):
    leader = User.objects.get(username="leader")
    leads = Lead.objects.filter(zone__code="demo")
    assert leads.count() >= 60
    assert set(leads.values_list("stage", flat=True)) == set(Lead.Stage.values)
    signed = leads.filter(project__isnull=False)
    assert signed.count() == 3
    assert sorted(signed.values_list("stage", flat=True)) == ["landed", "landed", "signed"]
    for lead in signed:
        assert lead.project.zone == lead.zone
        assert lead.events.filter(to_state="signed").exists()
    assert 3 <= selectors.lead_list(leader, selectors.LeadFilters(stale=True)).count() <= 8
    pair = leads.filter(name__startswith="成渝新材料科技").order_by("pk")
    assert pair.count() == 2
    found = selectors.duplicates(leader, zone=pair[0].zone, name=pair[0].name, exclude=pair[0].pk)
    assert [d.lead for d in found] == [pair[1]]
    # a real duplicate: the same company's region, industry and chain node, other owners
    a, b = pair
    assert (a.region, a.industry_code, a.gap_node_id) == (b.region, b.industry_code, b.gap_node_id)
    assert a.gap_node_id is not None and a.owner_id != b.owner_id
    # The funnel counts the signed leads (and the landed ones, which were signed first).
    everyone = selectors.funnel(leader)[0]
    assert everyone.signed == 3
    assert everyone.leads == leads.count()
