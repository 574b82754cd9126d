"""`zonedesk leads land`: the daily run (deploy/systemd/zonedesk-leads-land.timer) lands the
signed leads whose key project is in production, once, dated and audited as the system."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.chain import leads_factories as leads
from zonedesk.chain.leads_models import LeadEvent
from zonedesk.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    return shared_world


def _run(*args) -> str:
    out = io.StringIO()
    call_command("leads", "land", *args, "--lang", "en", stdout=out)
    return out.getvalue()


def test_a_producing_projects_lead_lands_once_and_an_active_ones_waits(world):
    day = timezone.localdate() - dt.timedelta(days=1)
    earlier = {"on": day - dt.timedelta(days=30)}
    producing = leads.walk(
        leads.lead(world.zone_a, world.users["officer"], name="投产公司", **earlier),
        "signed",
        **earlier,
    )
    waiting = leads.walk(
        leads.lead(world.zone_a, world.users["officer"], name="在建公司", **earlier),
        "signed",
        **earlier,
    )
    leads.produce(producing)

    out = _run("--date", day.isoformat())

    assert "1 signed leads landed" in out and "投产公司" in out
    producing.refresh_from_db()
    waiting.refresh_from_db()
    assert (producing.stage, producing.stage_since) == ("landed", day)
    assert waiting.stage == "signed"
    event = LeadEvent.objects.get(lead=producing, to_state="landed")
    assert event.actor_id is None and timezone.localdate(event.at) == day
    assert AuditEntry.objects.filter(target_id=producing.pk, via="command").exists()
    assert "0 signed leads landed" in _run()


def test_one_zone_only_and_bad_arguments_stop_the_command(world):
    other = leads.walk(leads.lead(world.zone_b, world.users["officer_b"]), "signed")
    leads.produce(other)
    assert "0 signed leads landed" in _run("--zone", world.zone_a.code)
    other.refresh_from_db()
    assert other.stage == "signed"
    with pytest.raises(CommandError, match="not a date"):
        _run("--date", "2020-13-01")
    with pytest.raises(CommandError, match="future"):
        _run("--date", (timezone.localdate() + dt.timedelta(days=1)).isoformat())
    with pytest.raises(CommandError, match="no-such-zone"):
        _run("--zone", "no-such-zone")
