"""The access matrix: every role x an in-scope and an out-of-scope record x every page and endpoint.

Each row lists one expectation per role, in ROLES order, for the in-scope record and for the
out-of-scope one:
  a status code (200, 302 to log in, 400, 401, 403, 404, 405), or
  V = 200 and the record is listed, H = 200 and the record is not listed.
In-scope is firm_a / zone_a; out-of-scope is firm_b / zone_b (another province), except for the
enterprise user, whose out-of-scope firm is firm_a2: a neighbour in their own zone.
A new page or endpoint fails test_every_route_is_in_the_matrix until it has a row here.
"""

import datetime as dt
import io
import json

import pytest
from django.urls import get_resolver, reverse
from python_calamine import CalamineWorkbook

from tests.factories import World
from zonedesk.core.actors import SYSTEM

ROLES = [
    "admin",
    "leader",
    "officer",
    "officer2",
    "department",
    "enterprise",
    "bank",
    "auditor",
    "security",
    "city_leader",
    "province_admin",
    "anonymous",
]


def row(spec: str) -> list[str]:
    codes = spec.split()
    assert len(codes) == len(ROLES), spec
    return codes


def same(code: str, anon: str) -> str:
    return " ".join([code] * 11 + [anon])


#                          admin leader off off2 dept ent  bank aud  sec  city prov anon
MATRIX = {
    "home": (same("200", "302"), same("200", "302")),
    "landing": (same("302", "302"), same("302", "302")),
    "enterprises:list": ("V V V V V V H V H V V 302", same("H", "302")),
    "enterprises:export": ("V V V V V V H V H V V 302", same("H", "302")),
    "enterprises:detail": ("200 200 200 200 200 200 404 200 404 200 200 302", same("404", "302")),
    "enterprises:edit": ("200 200 200 403 403 403 404 403 404 200 200 302", same("404", "302")),
    "enterprises:create": ("200 200 403 403 403 403 403 403 403 200 200 302",) * 2,
    "enterprises:import": ("200 200 403 403 403 403 403 403 403 200 200 302",) * 2,
    "enterprises:import_template": ("200 200 403 403 403 403 403 403 403 200 200 302",) * 2,
    "zones": (same("V", "302"), same("H", "302")),
    # The auditor alone reads the log (separation of duties: not the administrators it records).
    "audit_log": (
        "403 403 403 403 403 403 403 V 403 403 403 302",
        "403 403 403 403 403 403 403 H 403 403 403 302",
    ),
    "audit_export": (
        "403 403 403 403 403 403 403 V 403 403 403 302",
        "403 403 403 403 403 403 403 H 403 403 403 302",
    ),
    "users": (
        "V 403 403 403 403 403 403 403 V 403 V 302",
        "H 403 403 403 403 403 403 403 H 403 H 302",
    ),
    "user_create": ("200 403 403 403 403 403 403 403 403 403 200 302",) * 2,
    "user_edit": ("200 404 404 404 404 404 404 404 200 404 200 302", same("404", "302")),
    "user_password": ("200 404 404 404 404 404 404 404 403 404 200 302", same("404", "302")),
    # the security administrator's (tests/security/test_mfa_second_factor.py)
    "user_second_factor_remove": (
        "403 404 404 404 404 404 404 404 302 404 403 302",
        same("404", "302"),
    ),
    # Everybody changes their own password. Log-in locks are the security administrator's: those
    # of their unit's users (in: a locked officer of zone_a; out: one of zone_b).
    "password_change": (same("200", "302"),) * 2,
    "lockouts": (
        "403 403 403 403 403 403 403 403 V 403 403 302",
        "403 403 403 403 403 403 403 403 H 403 403 302",
    ),
    "lockout_lift": (
        "403 403 403 403 403 403 403 403 302 403 403 302",
        "403 403 403 403 403 403 403 403 404 403 403 302",
    ),
    "enterprises:account_create": (
        "302 403 403 403 403 403 404 403 404 403 302 302",
        same("404", "302"),
    ),
    "login": (same("302", "200"),) * 2,
    "logout": (same("405", "405"),) * 2,
    "set_language": (same("302", "302"),) * 2,
    # The health check needs no log-in and is the same for everyone (a worker's heartbeat is
    # written first: without one it is 503 for everyone, tests/security/test_ops_health.py).
    "health": (same("200", "200"),) * 2,
    "api:api-root": (same("404", "404"),)
    * 2,  # ninja names the bare prefix; nothing is served there
    "api:openapi-json": (same("200", "200"),) * 2,
    "api:openapi-view": (same("200", "200"),) * 2,
    "api:list_zones": (same("V", "401"), same("H", "401")),
    "api:get_zone": (same("200", "401"), same("404", "401")),
    "api:create_zone": ("403 403 403 403 403 403 403 403 403 403 201 401", same("400", "401")),
    "api:update_zone": ("200 403 403 403 403 403 403 403 403 403 200 401", same("404", "401")),
    "api:list_firms": ("V V V V V V H V H V V 401", same("H", "401")),
    "api:get_firm": ("200 200 200 200 200 200 404 200 404 200 200 401", same("404", "401")),
    "api:create_firm": ("201 201 403 403 403 403 403 403 403 201 201 401", same("400", "401")),
    "api:update_firm": ("200 200 200 403 403 403 404 403 404 200 200 401", same("404", "401")),
    # Monitoring: zone-wide pages for the unit's staff; a firm's month for whoever reports it.
    "monitoring:dashboard": (
        "200 200 200 200 200 403 403 200 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:dashboard_export": (
        "200 200 200 200 200 403 403 200 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:month": (
        "V V V V V 403 403 V 403 V V 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:month_export": (
        "V V V V V 403 403 V 403 V V 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    # The work summary: whoever sees the zone's dashboard (department staff: without the
    # liaison sections, which their role does not show); the same page downloads it.
    "reports:summary": (
        "200 200 200 200 200 403 403 200 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    # The summary's drafts: the officials who write it (leaders, administrators, officers) of
    # the zone or area; department staff and auditors are refused (a draft holds the liaison
    # sections). Opening one redirects to it.
    "reports:draft_open": (
        "302 302 302 302 403 403 403 403 403 302 302 302",
        "404 404 404 404 403 403 403 403 403 404 404 302",
    ),
    "reports:draft": (
        "200 200 200 200 403 403 403 403 403 200 200 302",
        "404 404 404 404 403 403 403 403 403 404 404 302",
    ),
    # A generated monthly summary's files (the dashboard's card): as the drafts, for the
    # officials who write summaries, of their own zones; other zones' are not found.
    "reports:monthly_download": (
        "200 200 200 200 403 403 403 403 403 200 200 302",
        "404 404 404 404 403 403 403 403 403 404 404 302",
    ),
    # The per-mu evaluation: zone-wide, for the unit's staff (firm and bank users: their own).
    "monitoring:permu": (
        "V V V V V 403 403 V 403 V V 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:permu_export": (
        "V V V V V 403 403 V 403 V V 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    # Above-size status (规模以上): read by the unit's staff like the per-mu page; derived and
    # set by hand by the zone's managers (monitoring.access.can_set_size).
    "monitoring:sizes": (
        "V V V V V 403 403 V 403 V V 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:sizes_export": (
        "V V V V V 403 403 V 403 V V 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:sizes_derive": (
        "302 302 403 403 403 403 403 403 403 302 302 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:size_override": (
        "200 200 403 403 403 403 404 403 404 200 200 302",
        same("404", "302"),
    ),
    "monitoring:confirm_all": (
        "302 302 302 302 403 403 403 403 403 302 302 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    # The confirmation step of "confirm all" (a GET: what will be confirmed, what is left).
    "monitoring:confirm_all_ask": (
        "200 200 200 200 403 403 403 403 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:import": ("200 200 403 403 403 403 403 403 403 200 200 302",) * 2,
    # An upload's job: its uploader only (in: the user's own job; out: somebody else's).
    "monitoring:import_job": (same("200", "302"), same("404", "302")),
    # Confirming (or cancelling) an upload's preview: its uploader, if they may still import.
    "monitoring:import_confirm": (
        "302 302 403 403 403 403 403 403 403 302 302 302",
        same("404", "302"),
    ),
    "monitoring:import_template": (
        "200 200 403 403 403 403 403 403 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:target": (
        "302 302 403 403 403 403 403 403 403 302 302 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:figure_edit": (
        "200 200 200 403 403 200 404 403 404 200 200 302",
        same("404", "302"),
    ),
    "monitoring:figure_confirm": (
        "302 302 302 403 403 403 404 403 404 302 302 302",
        same("404", "302"),
    ),
    # Early warning: the unit's staff see it (an officer their own firms by default, like the
    # open benefits); the firm's officer and the zone's managers acknowledge a warning.
    "monitoring:alerts": (
        "V V V H V 403 403 V 403 V V 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:alerts_export": (
        "V V V H V 403 403 V 403 V V 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "monitoring:alert_ack": (
        "302 302 302 403 403 403 403 403 403 302 302 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "api:list_alerts": (
        "V V V H V 403 403 V 403 V V 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:acknowledge_alert": (
        "201 201 201 403 403 403 403 403 403 201 201 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:zone_status": (
        "200 200 200 200 200 403 403 200 403 200 200 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    # An area's figures are for area users; a zone's users see their zone only.
    "api:area_status": (
        "404 404 404 404 404 403 403 404 403 200 200 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:list_figures": ("V V V V V V 404 V 404 V V 401", same("404", "401")),
    # Policies: a firm's entitlements for whoever sees the firm; moves by role (service).
    "api:list_entitlements": ("V V V V V V 404 V 404 V V 401", same("404", "401")),
    "api:list_other_measures": ("V V V V V V 404 V 404 V V 401", same("404", "401")),
    "api:move_entitlement": ("200 200 200 403 403 403 404 403 404 200 200 401", same("404", "401")),
    "api:zone_coverage": (
        "200 200 200 200 200 403 403 200 403 200 200 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    # Policy pages: a firm's benefits for whoever sees the firm; an officer's open list is
    # their own firms by default; coverage for the unit's staff, like the dashboard.
    "policies:index": (same("302", "302"),) * 2,
    "policies:firm": ("200 200 200 200 200 200 404 200 404 200 200 302", same("404", "302")),
    "policies:move": ("302 302 302 403 403 403 404 403 404 302 302 302", same("404", "302")),
    "policies:open": ("V V V H V V H V H V V 302", same("H", "302")),
    "policies:open_export": ("V V V H V V H V H V V 302", same("H", "302")),
    "policies:coverage": (
        "200 200 200 200 200 403 403 200 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "policies:coverage_export": (
        "200 200 200 200 200 403 403 200 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    # The policy library: read by everyone under (or covered by) the unit, edited by its
    # managers; out-of-scope is zone_b's document. The rule preview is for the zone's staff.
    "api:list_documents": (same("V", "401"), same("H", "401")),
    "api:get_document": (same("200", "401"), same("404", "401")),
    "api:create_document": ("201 201 403 403 403 403 403 403 403 201 201 401", same("400", "401")),
    "api:update_document": ("200 200 403 403 403 403 403 403 403 200 200 401", same("404", "401")),
    "api:list_measures": (same("V", "401"), same("H", "401")),
    "api:get_measure": (same("200", "401"), same("404", "401")),
    "api:create_measure": ("201 201 403 403 403 403 403 403 403 201 201 401", same("404", "401")),
    "api:update_measure": ("200 200 403 403 403 403 403 403 403 200 200 401", same("404", "401")),
    "api:check_rules": (
        "200 200 200 200 200 403 403 200 403 200 200 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:export_measures": (same("V", "401"), same("H", "401")),
    "api:measures_template": (same("200", "401"),) * 2,
    # An upload's rows for another unit are named as errors (400); non-managers may not upload.
    "api:import_measures": (
        "200 200 403 403 403 403 403 403 403 200 200 401",
        "400 400 403 403 403 403 403 403 403 400 400 401",
    ),
    # The library's pages: read like the API; edited by the managers of the document's unit;
    # the live rule check (the unit's staff) previews only a zone of the user's (out: another
    # zone asked for is not shown).
    "policies:library": (same("V", "302"), same("H", "302")),
    "policies:library_export": (same("V", "302"), same("H", "302")),
    "policies:library_template": (same("200", "302"),) * 2,
    "policies:library_import": ("200 200 403 403 403 403 403 403 403 200 200 302",) * 2,
    "policies:document": (same("200", "302"), same("404", "302")),
    "policies:document_create": ("200 200 403 403 403 403 403 403 403 200 200 302",) * 2,
    "policies:document_edit": (
        "200 200 403 403 403 403 403 403 403 200 200 302",
        same("404", "302"),
    ),
    "policies:measure_create": (
        "200 200 403 403 403 403 403 403 403 200 200 302",
        same("404", "302"),
    ),
    "policies:measure": (same("200", "302"), same("404", "302")),
    "policies:measure_edit": (
        "200 200 403 403 403 403 403 403 403 200 200 302",
        same("404", "302"),
    ),
    "policies:rule_check": (
        "V V V V V 403 403 V 403 V V 302",
        "H H H H H 403 403 H 403 H H 302",
    ),
    "api:list_open_entitlements": ("V V V H V V H V H V V 401", same("H", "401")),
    "api:zone_coverage_by_measure": (
        "200 200 200 200 200 403 403 200 403 200 200 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:zone_unclaimed": (
        "V V V V V 403 403 V 403 V V 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    # Casework: a firm's problem for the zone's readers and the firm itself (a department sees
    # it once it is in its charge); steps by who the service allows.
    "api:list_problems": ("V V V V H V H V H V V 401", same("H", "401")),
    "api:get_problem": ("200 200 200 200 404 200 404 200 404 200 200 401", same("404", "401")),
    "api:submit_problem": ("201 201 201 403 403 201 404 403 404 201 201 401", same("404", "401")),
    "api:take_step": ("200 200 200 403 404 403 404 403 404 200 200 401", same("404", "401")),
    "api:contacts_due": ("V V V H H H H H H V V 401", same("H", "401")),
    "api:zone_casework": (
        "200 200 200 200 200 403 403 200 403 200 200 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "casework:problems": ("V V V H H V H V H V V 302", same("H", "302")),
    "casework:problem": ("200 200 200 200 404 200 404 200 404 200 200 302", same("404", "302")),
    "casework:step": ("302 302 302 403 404 403 404 403 404 302 302 302", same("404", "302")),
    "casework:new": ("200 200 200 403 403 200 404 403 404 200 200 302", same("404", "302")),
    "casework:contacts_due": ("V V V H H H H H H V V 302", same("H", "302")),
    "casework:contact_new": ("200 200 200 403 403 403 404 403 404 200 200 302", same("404", "302")),
    "casework:overview": (
        "200 200 200 200 200 403 403 200 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "casework:overview_export": (
        "200 200 200 200 200 403 403 200 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "casework:plan": ("200 200 200 200 200 403 404 200 404 200 200 302", same("404", "302")),
    "casework:action_close": (
        "302 302 302 403 403 403 404 403 404 302 302 302",
        same("404", "302"),
    ),
    "casework:problems_export": ("V V V H H V H V H V V 302", same("H", "302")),
    "casework:contacts_due_export": ("V V V H H H H H H V V 302", same("H", "302")),
    # The visit ledger: the unit's staff read the visits and calls with its firms (the notes are
    # the administration's: not the firm's, the bank's or the security administrator's).
    "casework:ledger": ("V V V V V 403 403 V 403 V V 302", "H H H H H 403 403 H 403 H H 302"),
    "casework:ledger_export": (
        "V V V V V 403 403 V 403 V V 302",
        "H H H H H 403 403 H 403 H H 302",
    ),
    # Leaders only (a zone's, a city's over its zones): in, an overdue problem of firm_a; out,
    # one of firm_b (not listed; its reminder is refused with a message, nothing sent).
    "casework:escalation": (
        "403 V 403 403 403 403 403 403 403 V 403 302",
        "403 H 403 403 403 403 403 403 403 H 403 302",
    ),
    "casework:remind": ("403 302 403 403 403 403 403 403 403 302 403 302",) * 2,
    "casework:plan_set": ("302 302 302 403 403 403 404 403 404 302 302 302", same("404", "302")),
    # Key projects: in, a project of zone_a that firm_a invests in, served by `officer`, its
    # 立项 node in 经济发展局's charge; out, one of zone_b (the enterprise user's: firm_a2's).
    # Every open node is red, so the scheduling meeting lists it. The meeting lists every
    # project of the unit: the enterprise user (who reads only its firm's) is refused it, as are
    # the bank and security users, who follow no project (projfix).
    "projects:list": ("V V V V V V H V H V V 302", same("H", "302")),
    "projects:meeting": (
        "V V V V V 403 403 V 403 V V 302",
        "H H H H H 403 403 H 403 H H 302",
    ),
    # The project dashboard: the unit's staff and leaders, for a zone of theirs (?zone=code; in,
    # zone_a; out, zone_b: not found). Department, enterprise, bank and security users: refused.
    "projects:dashboard": (
        "200 200 200 200 403 403 403 200 403 200 200 302",
        "404 404 404 404 403 403 403 404 403 404 404 302",
    ),
    "projects:detail": ("200 200 200 200 200 200 404 200 404 200 200 302", same("404", "302")),
    # Completing the signing node or asking for a re-plan of the start: the zone's managers and
    # the service officer (the node is in no department's charge); readers are refused.
    "projects:node_complete": (
        "302 302 302 403 403 403 404 403 404 302 302 302",
        same("404", "302"),
    ),
    "projects:node_replan": (
        "302 302 302 403 403 403 404 403 404 302 302 302",
        same("404", "302"),
    ),
    # The re-plans awaiting a decision, listed for who may decide them: a leader over the zone
    # (the zone's, the city's), not its administrators nor the one who asked (pfix). Department,
    # enterprise, bank and security users follow no project's plan: refused (projwalk).
    "projects:replans": (
        "H V H H 403 403 403 H 403 V H 302",
        "H H H H 403 403 403 H 403 H H 302",
    ),
    # A re-plan is decided by a leader over the zone (not an administrator) or the leading cadre.
    "projects:replan_decide": (
        "403 302 403 403 403 403 404 403 404 302 403 302",
        same("404", "302"),
    ),
    # A project's monthly investment: entered by the managers of a unit over the zone and the
    # project's service officer (not any officer of the zone, projwalk); imported by the zone's
    # managers and officers (each row checked as the entry); the import page lists the user's
    # zones (in: zone_a listed; out: zone_b never), the template the zone's projects.
    "projects:investment_set": (
        "302 302 302 403 403 403 404 403 404 302 302 302",
        same("404", "302"),
    ),
    "projects:investment_import": (
        "V V V V 403 403 403 403 403 V V 302",
        "H H H H 403 403 403 403 403 H H 302",
    ),
    "projects:investment_template": (
        "V V V V 403 403 403 403 403 V V 302",
        "H H H H 403 403 403 403 403 H H 302",
    ),
    # The meeting's export: the same rows as the page (the project is listed by its nodes), for
    # the same users.
    "projects:meeting_export": (
        "V V V V V 403 403 V 403 V V 302",
        "H H H H H 403 403 H 403 H H 302",
    ),
    # Marking the start blocked by a guarantee item is acting on the node (as completing it).
    "projects:node_block": (
        "302 302 302 403 403 403 404 403 404 302 302 302",
        same("404", "302"),
    ),
    # Element guarantees: added by the zone's managers and the service officer; an item in
    # 经济发展局's charge is also edited and marked done by that department's staff.
    "projects:guarantee_add": (
        "302 302 302 403 403 403 404 403 404 302 302 302",
        same("404", "302"),
    ),
    "projects:guarantee_edit": (
        "302 302 302 403 302 403 404 403 404 302 302 302",
        same("404", "302"),
    ),
    "projects:guarantee_done": (
        "302 302 302 403 302 403 404 403 404 302 302 302",
        same("404", "302"),
    ),
    # A service request (7x24) of the project: raised by the zone's managers, the project's
    # service officer or the investor firm's user; responded to (handed to a department) by a
    # manager or the service officer; resolved by them or the department it was handed to.
    "projects:service_raise": (
        "302 302 302 403 403 302 404 403 404 302 302 302",
        same("404", "302"),
    ),
    "projects:service_respond": (
        "302 302 302 403 403 403 404 403 404 302 302 302",
        same("404", "302"),
    ),
    "projects:service_resolve": (
        "302 302 302 403 302 403 404 403 404 302 302 302",
        same("404", "302"),
    ),
    # The key projects API: scoped and permitted exactly as the pages above (same project,
    # same nodes; the re-plan decided is one the system asked for).
    "api:list_projects": ("V V V V V V H V H V V 401", same("H", "401")),
    "api:get_project": ("200 200 200 200 200 200 404 200 404 200 200 401", same("404", "401")),
    "api:list_replans": ("200 200 200 200 200 200 404 200 404 200 200 401", same("404", "401")),
    "api:complete_node": (
        "200 200 200 403 403 403 404 403 404 200 200 401",
        same("404", "401"),
    ),
    "api:request_replan": (
        "201 201 201 403 403 403 404 403 404 201 201 401",
        same("404", "401"),
    ),
    "api:decide_replan": (
        "403 200 403 403 403 403 404 403 404 200 403 401",
        same("404", "401"),
    ),
    # A new key project: the zone's own leaders and administrators (the page offers their zone;
    # the API names the zone: out, zone_b, is none of the caller's). A city's leader and a
    # province's administrator read their zones' projects but do not add them: the zone that
    # signs a project registers it (projfix; README's `city` row). A project's fields: edited
    # by the managers over the zone and by its service officer (`officer`); its readers are
    # refused (pform).
    "projects:create": ("200 200 403 403 403 403 403 403 403 403 403 302",) * 2,
    # The node templates, per zone (the installation's defaults are the superusers'): read by
    # the leaders and administrators over the zone, so the city's and province's read zone_a's
    # page but change nothing (403); changed by the zone's own (its first change copies the
    # default; restoring removes the copy). In: zone_a's templates; out: zone_b's own, which no
    # user of zone_a or Sichuan reads (404). A change answers with a redirect to the page.
    "projects:templates": (
        "200 200 403 403 403 403 403 403 403 200 200 302",
        "404 404 403 403 403 403 403 403 403 404 404 302",
    ),
    "projects:template_node_edit": (
        "200 200 403 403 403 403 403 403 403 403 403 302",
        "404 404 403 403 403 403 403 403 403 404 404 302",
    ),
    "projects:template_node_add": (
        "302 302 403 403 403 403 403 403 403 403 403 302",
        "404 404 403 403 403 403 403 403 403 404 404 302",
    ),
    "projects:template_node_move": (
        "302 302 403 403 403 403 403 403 403 403 403 302",
        "404 404 403 403 403 403 403 403 403 404 404 302",
    ),
    "projects:template_node_remove": (
        "302 302 403 403 403 403 403 403 403 403 403 302",
        "404 404 403 403 403 403 403 403 403 404 404 302",
    ),
    "projects:template_restore": (
        "302 302 403 403 403 403 403 403 403 403 403 302",
        "404 404 403 403 403 403 403 403 403 404 404 302",
    ),
    "projects:edit": ("200 200 200 403 403 403 404 403 404 200 200 302", same("404", "302")),
    "api:create_project": (
        "201 201 403 403 403 403 403 403 403 403 403 401",
        "400 400 400 400 400 400 400 400 400 400 400 401",
    ),
    "api:update_project": (
        "200 200 200 403 403 403 404 403 404 200 200 401",
        same("404", "401"),
    ),
    # The projects API's guarantees, investment and service requests: as their pages above.
    "api:list_guarantees": ("200 200 200 200 200 200 404 200 404 200 200 401", same("404", "401")),
    "api:add_guarantee": (
        "201 201 201 403 403 403 404 403 404 201 201 401",
        same("404", "401"),
    ),
    "api:edit_guarantee": (
        "200 200 200 403 200 403 404 403 404 200 200 401",
        same("404", "401"),
    ),
    "api:guarantee_done": (
        "200 200 200 403 200 403 404 403 404 200 200 401",
        same("404", "401"),
    ),
    "api:block_node": ("200 200 200 403 403 403 404 403 404 200 200 401", same("404", "401")),
    "api:get_investment": ("200 200 200 200 200 200 404 200 404 200 200 401", same("404", "401")),
    "api:put_investment": (
        "200 200 200 403 403 403 404 403 404 200 200 401",
        same("404", "401"),
    ),
    "api:list_service_requests": (
        "200 200 200 200 200 200 404 200 404 200 200 401",
        same("404", "401"),
    ),
    "api:raise_service_request": (
        "201 201 201 403 403 201 404 403 404 201 201 401",
        same("404", "401"),
    ),
    "api:respond_service_request": (
        "200 200 200 403 403 403 404 403 404 200 200 401",
        same("404", "401"),
    ),
    "api:resolve_service_request": (
        "200 200 200 403 200 403 404 403 404 200 200 401",
        same("404", "401"),
    ),
    # The owner of a plan's action is one of the zone's acting officials (the firm's officer).
    "api:add_plan_action": (
        "201 201 201 403 403 403 404 403 404 201 201 401",
        same("404", "401"),
    ),
    "api:log_contact": ("201 201 201 403 403 403 404 403 404 201 201 401", same("404", "401")),
    "api:get_contact_plan": ("200 200 200 200 200 403 404 200 404 200 200 401", same("404", "401")),
    "api:set_contact_plan": ("200 200 200 403 403 403 404 403 404 200 200 401", same("404", "401")),
    "api:zone_difficulties": (
        "200 200 200 200 404 403 403 200 403 200 200 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    # Utility data: the companies' readings are uploaded by the zone's managers (like the
    # month's sheet); a firm's account numbers are edited by whoever edits the firm.
    "monitoring:utility_import": ("200 200 403 403 403 403 403 403 403 200 200 302",) * 2,
    "monitoring:utility_template": ("200 200 403 403 403 403 403 403 403 200 200 302",) * 2,
    "monitoring:utility_accounts": (
        "200 200 200 403 403 403 404 403 404 200 200 302",
        same("404", "302"),
    ),
    "api:get_utility_accounts": (
        "200 200 200 200 200 200 404 200 404 200 200 401",
        same("404", "401"),
    ),
    "api:put_utility_accounts": (
        "200 200 200 403 403 403 404 403 404 200 200 401",
        same("404", "401"),
    ),
    "api:import_utility": (
        "200 200 403 403 403 403 403 403 403 200 200 401",
        same("404", "401"),
    ),
    # The month's sheet over the API (here its dry run): the zone's managers, as on the page.
    "api:import_monthly": (
        "200 200 403 403 403 403 403 403 403 200 200 401",
        same("404", "401"),
    ),
    "api:put_figures": ("200 200 200 403 403 200 404 403 404 200 200 401", same("404", "401")),
    "api:confirm_figures": ("200 200 200 403 403 403 404 403 404 200 200 401", same("404", "401")),
    "api:put_annual": ("200 200 200 403 403 200 404 403 404 200 200 401", same("404", "401")),
    "api:zone_permu": (
        "V V V V V 403 403 V 403 V V 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:zone_sizes": (
        "V V V V V 403 403 V 403 V V 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:derive_sizes": (
        "200 200 403 403 403 403 403 403 403 200 200 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:override_size": (
        "200 200 403 403 403 403 403 403 403 200 200 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    # One's own account: every signed-in user, about themselves only. The administrators
    # (admin, province_admin) have an authenticator (a second factor is required of them), so
    # their set-up page sends them back and they may renew recovery codes; the others have none.
    "account:second_factor": (same("200", "302"),) * 2,
    "account:second_factor_setup": ("302 200 200 200 200 200 200 200 302 200 302 302",) * 2,
    "account:verify": (same("302", "302"),) * 2,
    "account:recovery_codes": ("200 302 302 302 302 302 302 302 200 302 200 302",) * 2,
    "account:second_factor_remove": (same("302", "302"),) * 2,
    # in: the user's own token; out: another zone's officer's token (never listed, never revoked)
    "account:tokens": (same("V", "302"), same("H", "302")),
    "account:token_revoke": (same("302", "302"), same("404", "302")),
    # The notification centre: everybody's own (in: a notification to the user; out: one to
    # another zone's officer, never listed, never marked read).
    "notices:centre": (same("V", "302"), same("H", "302")),
    "notices:read": (same("302", "302"), same("404", "302")),
    "notices:read_all": (same("302", "302"),) * 2,
    "notices:preferences": (same("302", "302"),) * 2,
    "api:list_notices": (same("V", "401"), same("H", "401")),
    "api:read_notice": (same("200", "401"), same("404", "401")),
    "api:due_for_me": (same("200", "401"),) * 2,
    # Financing (finance): in, a need of firm_a shared with the test bank (the bank user's)
    # and that bank's product; out, a need of the out-of-scope firm shared with another bank, and
    # another bank's product (the library's out: a product no longer in force). Staff of the unit
    # read the pipeline; the bank its inbox; the firm its tab; department and security: none.
    "finance:index": (
        "302 302 302 302 403 302 302 302 403 302 302 302",
        "302 302 302 302 403 302 302 302 403 302 302 302",
    ),
    "finance:pipeline": (
        "V V V V 403 403 403 V 403 V V 302",
        "H H H H 403 403 403 H 403 H H 302",
    ),
    "finance:pipeline_export": (
        "V V V V 403 403 403 V 403 V V 302",
        "H H H H 403 403 403 H 403 H H 302",
    ),
    "finance:inbox": (
        "403 403 403 403 403 403 V 403 403 403 403 302",
        "403 403 403 403 403 403 H 403 403 403 403 302",
    ),
    "finance:inbox_export": (
        "403 403 403 403 403 403 V 403 403 403 403 302",
        "403 403 403 403 403 403 H 403 403 403 403 302",
    ),
    "finance:firm": ("200 200 200 200 403 200 404 200 404 200 200 302", same("404", "302")),
    "finance:need_new": ("200 200 200 403 403 200 404 403 404 403 403 302", same("404", "302")),
    "finance:need": ("200 200 200 200 404 200 200 200 404 200 200 302", same("404", "302")),
    "finance:need_edit": ("200 200 200 403 404 200 403 403 404 403 403 302", same("404", "302")),
    # A declined need turned into a problem: the firm's side (a need not declined is refused
    # with a message, back to its page).
    "finance:need_problem": (
        "302 302 302 403 404 302 403 403 404 403 403 302",
        same("404", "302"),
    ),
    # The bank's first move (received): its users only; the firm's side is refused.
    "finance:need_move": ("403 403 403 403 404 403 302 403 404 403 403 302", same("404", "302")),
    # Consent is the firm's: its user, or its officer recording the written consent.
    "finance:consent_grant": (
        "403 403 302 403 404 302 403 403 404 403 403 302",
        same("404", "302"),
    ),
    "finance:consent_revoke": (
        "403 403 302 403 404 302 403 403 404 403 403 302",
        same("404", "302"),
    ),
    "finance:products": (
        "V V V V 403 V V V 403 V V 302",
        "H H H H 403 H H H 403 H H 302",
    ),
    # The library's export: in, the test bank's product; out, another bank's product in force,
    # in every reader's sheet but the bank user's (a bank exports its own catalogue only).
    "finance:product_export": (
        "V V V V 403 V V V 403 V V 302",
        "V V V V 403 V H V 403 V V 302",
    ),
    "finance:product_new": ("403 403 403 403 403 403 200 403 403 403 403 302",) * 2,
    # Only a bank's users edit products, and only their bank's: another bank's is not found.
    "finance:product_edit": (
        "403 403 403 403 403 403 200 403 403 403 403 302",
        "403 403 403 403 403 403 404 403 403 403 403 302",
    ),
    # The financing overview and its export: the unit's readers (their zones: in, firm_a's zone
    # holds a need shared with the test bank) and a bank user (its own bank's row; out: a need
    # shared with another bank is not in it). Listed = the need's bank named in the rows.
    "finance:overview": (
        "V V V V 403 403 V V 403 V V 302",
        "H H H H 403 403 H H 403 H H 302",
    ),
    "finance:overview_export": (
        "V V V V 403 403 V V 403 V V 302",
        "H H H H 403 403 H H 403 H H 302",
    ),
    "api:list_financing_needs": ("V V V V H V V V H V V 401", same("H", "401")),
    "api:get_financing_need": (
        "200 200 200 200 404 200 200 200 404 200 200 401",
        same("404", "401"),
    ),
    "api:create_financing_need": (
        "201 201 201 403 403 201 404 403 404 403 403 401",
        same("404", "401"),
    ),
    "api:move_financing_need": (
        "403 403 403 403 404 403 200 403 404 403 403 401",
        same("404", "401"),
    ),
    "api:grant_consent": (
        "403 403 201 403 404 201 403 403 404 403 403 401",
        same("404", "401"),
    ),
    "api:revoke_consent": (
        "403 403 200 403 404 200 403 403 404 403 403 401",
        same("404", "401"),
    ),
    "api:list_bank_products": (
        "V V V V 403 V V V 403 V V 401",
        "H H H H 403 H H H 403 H H 401",
    ),
    "api:create_bank_product": ("403 403 403 403 403 403 201 403 403 403 403 401",) * 2,
    "api:update_bank_product": (
        "403 403 403 403 403 403 200 403 403 403 403 401",
        "403 403 403 403 403 403 404 403 403 403 403 401",
    ),
    # The bridge-loan fund (finance): in, a loan of the scope's firm at the bank user's bank from
    # its zone's fund; out, one of zone_b at another bank (the enterprise user's: firm_a2's).
    # The fund's dashboard and the guarantee graph: the unit's readers. The loans: the readers of
    # their zones, a firm's user its own, a bank user its bank's. Acting: the leaders and
    # officers of the zone itself (not its administrators nor auditors; a city's leader and a
    # province's administrator read only).
    "finance:bridge": (
        "200 200 200 200 403 403 403 200 403 200 200 302",
        "404 404 404 404 403 403 403 404 403 404 404 302",
    ),
    # Setting up a fund and its limits: the leaders and administrators of its own zone (a
    # city's leader or a province's administrator reads the dashboard, changes nothing);
    # another zone's fund is not found.
    "finance:bridge_fund_new": ("200 200 403 403 403 403 403 403 403 403 403 302",) * 2,
    "finance:bridge_fund_edit": (
        "200 200 403 403 403 403 403 403 403 403 403 302",
        "404 404 403 403 403 403 403 403 403 403 403 302",
    ),
    "finance:bridge_loans": (
        "V V V V 403 V V V 403 V V 302",
        "H H H H 403 H H H 403 H H 302",
    ),
    "finance:bridge_export": (
        "V V V V 403 V V V 403 V V 302",
        "H H H H 403 H H H 403 H H 302",
    ),
    "finance:bridge_apply": (
        "403 200 200 200 403 403 403 403 403 403 403 302",
        "403 404 404 404 403 403 403 403 403 403 403 302",
    ),
    "finance:bridge_loan": (
        "200 200 200 200 404 200 200 200 404 200 200 302",
        same("404", "302"),
    ),
    "finance:bridge_move": (
        "403 302 302 302 404 403 403 403 404 403 403 302",
        same("404", "302"),
    ),
    "finance:bridge_commitment": (
        "200 200 200 200 404 200 200 200 404 200 200 302",
        same("404", "302"),
    ),
    # The lending register: the unit's readers and a firm's user (its own rows); registering:
    # the leaders and officers of the zone itself (a city's leader reads only); the graph: the
    # unit's readers.
    "finance:lending": ("V V V V 403 V 403 V 403 V V 302", "H H H H 403 H 403 H 403 H H 302"),
    "finance:lending_export": (
        "V V V V 403 V 403 V 403 V V 302",
        "H H H H 403 H 403 H 403 H H 302",
    ),
    "finance:lending_loan_add": ("403 200 200 200 403 403 403 403 403 403 403 302",) * 2,
    "finance:lending_guarantee_add": ("403 200 200 200 403 403 403 403 403 403 403 302",) * 2,
    "finance:lending_graph": (
        "V V V V 403 403 403 V 403 V V 302",
        "H H H H 403 403 403 H 403 H H 302",
    ),
    # The finance API: as the pages above.
    "api:list_bridge_loans": (
        "V V V V 403 V V V 403 V V 401",
        "H H H H 403 H H H 403 H H 401",
    ),
    "api:get_bridge_loan": (
        "200 200 200 200 404 200 200 200 404 200 200 401",
        same("404", "401"),
    ),
    # (the API looks the fund up first: a fund the caller cannot see is not found)
    "api:apply_bridge_loan": (
        "403 201 201 201 404 404 404 403 404 403 403 401",
        same("404", "401"),
    ),
    "api:move_bridge_loan": (
        "403 200 200 200 404 403 403 403 404 403 403 401",
        same("404", "401"),
    ),
    "api:list_lending": ("V V V V 403 V 403 V 403 V V 401", "H H H H 403 H 403 H 403 H H 401"),
    "api:create_interfirm_loan": (
        "403 201 201 201 403 403 403 403 403 403 403 401",
        "403 400 400 400 403 403 403 403 403 403 403 401",
    ),
    "api:create_guarantee": (
        "403 201 201 201 403 403 403 403 403 403 403 401",
        "403 400 400 400 403 403 403 403 403 403 403 401",
    ),
    "api:guarantee_graph": (
        "V V V V 403 403 403 V 403 V V 401",
        "H H H H 403 403 403 H 403 H H 401",
    ),
    # Industrial chains (chain): in, a chain of zone_a (firm_a confirmed on a node, a gap node);
    # out, a chain of zone_b. The unit's administrators, leaders, officers and auditors read; the
    # administrators, leaders and officers of the chain's own zone place firms (a city's leader
    # and a province's administrator read the zone's chain and do not act on it; they import
    # chains of their own area only); department staff read (they own investment leads and
    # recruit for the gaps); firm, bank and security users see none.
    "chain:list": ("V V V V V 403 403 V 403 V V 302", "H H H H H 403 403 H 403 H H 302"),
    "chain:gaps": ("V V V V V 403 403 V 403 V V 302", "H H H H H 403 403 H 403 H H 302"),
    "chain:map": (
        "200 200 200 200 200 403 403 200 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "chain:map_export": (
        "200 200 200 200 200 403 403 200 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "chain:workbook": (
        "200 200 200 200 200 403 403 200 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "chain:node": (
        "200 200 200 200 200 403 403 200 403 200 200 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "chain:suggest": (
        "302 302 302 302 403 403 403 403 403 403 403 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "chain:place": (
        "302 302 302 302 403 403 403 403 403 403 403 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "chain:decide": (
        "302 302 302 302 403 403 403 403 403 403 403 302",
        "404 404 404 404 404 403 403 404 403 404 404 302",
    ),
    "chain:import": ("200 200 200 200 403 403 403 403 403 200 200 302",) * 2,
    "chain:import_template": ("200 200 200 200 403 403 403 403 403 200 200 302",) * 2,
    # The chains API: scoped and permitted exactly as the pages above (the same chain, node and
    # firm on it; a firm placed by hand is firm_a2 in, firm_b out).
    "api:list_chains": ("V V V V V 403 403 V 403 V V 401", "H H H H H 403 403 H 403 H H 401"),
    "api:list_chain_gaps": (
        "V V V V V 403 403 V 403 V V 401",
        "H H H H H 403 403 H 403 H H 401",
    ),
    "api:get_chain": (
        "200 200 200 200 200 403 403 200 403 200 200 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:list_node_firms": (
        "200 200 200 200 200 403 403 200 403 200 200 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:suggest_chain_firms": (
        "200 200 200 200 403 403 403 403 403 403 403 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:place_node_firm": (
        "201 201 201 201 403 403 403 403 403 403 403 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
    "api:decide_node_firm": (
        "200 200 200 200 403 403 403 403 403 403 403 401",
        "404 404 404 404 404 403 403 404 403 404 404 401",
    ),
}


class Fixed(str):
    """A URL argument that names no record (a year, a kind of utility): the not-revealed test
    (tests/security/test_headers_not_revealed.py) swaps records' ids and codes, not these."""


def _firm(world: World, role: str, scope: str):
    if scope == "in":
        return world.firm_a
    return world.firm_a2 if role == "enterprise" else world.firm_b


def _zone(world: World, scope: str):
    return world.zone_a if scope == "in" else world.zone_b


def _staff(world: World, scope: str):
    """A user record to manage: an officer of zone_a, or of zone_b."""
    return world.users["officer2" if scope == "in" else "officer_b"]


JUNE = "2020-06"


def _figures(world: World) -> None:
    """June 2020 figures of every firm, submitted, so monitoring routes have rows to show."""
    from zonedesk.monitoring.models import MonthlyFigure

    for firm in (world.firm_a, world.firm_a2, world.firm_b):
        MonthlyFigure.objects.create(
            enterprise=firm, period="2020-06-01", output_value_wan=100, employees=10
        )


def _other_measure(world: World):
    """A measure of the province that no firm qualifies for."""
    import datetime as dt

    from zonedesk.policies import services

    doc = services.document_create(
        actor=SYSTEM,
        level="province",
        area=world.sichuan,
        issuer="省政府（合成）",
        title="措施（合成）",
        valid_from=dt.date(2020, 1, 1),
    )
    return services.measure_create(
        actor=SYSTEM,
        document=doc,
        clause="一",
        title="补贴（合成）",
        benefit_type="subsidy",
        eligibility="employees >= 1000000",
    )


def _halted_figures(world: World) -> None:
    """June 2020 figures of every firm with days halted, so each carries a warning."""
    from zonedesk.monitoring.models import MonthlyFigure

    for firm in (world.firm_a, world.firm_a2, world.firm_b):
        MonthlyFigure.objects.create(
            enterprise=firm, period="2020-06-01", output_value_wan=100, employees=10, days_halted=3
        )


def _entitlements(world: World) -> dict:
    """An identified entitlement of every firm, under one measure."""
    import datetime as dt

    from zonedesk.policies import services
    from zonedesk.policies.models import Entitlement

    doc = services.document_create(
        actor=SYSTEM,
        level="province",
        area=world.sichuan,
        issuer="省政府（合成）",
        title="措施（合成）",
        valid_from=dt.date(2020, 1, 1),
    )
    measure = services.measure_create(
        actor=SYSTEM,
        document=doc,
        clause="一",
        title="补贴（合成）",
        benefit_type="subsidy",
        eligibility="true",
    )
    return {
        firm.pk: Entitlement.objects.create(
            enterprise=firm,
            measure=measure,
            decision="eligible",
            rule_version=measure.current,
            period="2020-06-01",
            decided_at=dt.datetime(2020, 7, 1, tzinfo=dt.UTC),
            state="identified",
        )
        for firm in (world.firm_a, world.firm_a2, world.firm_b)
    }


def _library(world: World, scope: str):
    """A document with one measure in each zone; returns the one in scope (zone_a) or not."""
    import datetime as dt

    from zonedesk.policies import services

    made = {}
    for key, zone in (("in", world.zone_a), ("out", world.zone_b)):
        doc = services.document_create(
            actor=SYSTEM,
            level="zone",
            zone=zone,
            issuer=f"{zone.name}管委会（合成）",
            title=f"{zone.code} 园区措施（合成）",
            valid_from=dt.date(2020, 1, 1),
        )
        services.measure_create(
            actor=SYSTEM,
            document=doc,
            clause="一",
            title=f"{zone.code} 租金减免（合成）",
            benefit_type="rent",
            eligibility="employees >= 5",
        )
        made[key] = doc
    return made[scope]


def _measures_sheet(zone) -> bytes:
    import datetime as dt

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    header = ["level", "scope", "issuer", "title", "valid_from", "clause", "measure_title"]
    header += ["benefit_type", "eligibility"]
    values = ["zone", zone.code, "管委会（合成）", "导入的措施（合成）", "2020-02-01", "一"]
    values += ["补贴（合成）", "subsidy", "employees >= 1"]
    for c, (h, v) in enumerate(zip(header, values, strict=True)):
        sheet.write_string(0, c, h)
        sheet.write_string(1, c, v)
    book.close()
    assert dt  # the date is written as text, as users type it
    return out.getvalue()


def _project(world: World, role: str, scope: str):
    """A key project of the scope's firm (its zone's), signed 400 days ago: every open node red."""
    from django.utils import timezone

    from tests import factories

    firm = _firm(world, role, scope)
    return factories.project(
        firm.zone,
        code=f"XM-{firm.pk}",
        name=f"{firm.name}扩建项目",
        signed_on=timezone.localdate() - dt.timedelta(days=400),
        investor=firm,
        investor_name="",
        service_officer=world.users["officer"] if firm.zone == world.zone_a else None,
        leading_cadre=None,
    )


def _guarantee(world: World, role: str, scope: str):
    """An open power connection of the scope's project, in 经济发展局's charge in zone_a (a
    utility's in zone_b, which has no such department)."""
    from zonedesk.org.models import Department
    from zonedesk.projects.services import GuaranteeData, guarantee_create

    project = _project(world, role, scope)
    dept = Department.objects.filter(zone=project.zone, name="经济发展局").first()
    return guarantee_create(
        actor=SYSTEM,
        project=project,
        data=GuaranteeData(
            category="power",
            need="10kV专线",
            department=dept,
            utility="" if dept else "供电公司（合成）",
            due_on=dt.date(2030, 1, 31),
        ),
    )


def _finance_need(world: World, role: str, scope: str):
    """In: a need of firm_a shared with the test bank (the bank user's); out: a need of the
    scope's firm shared with another bank. Its note carries the firm's credit code (the API's
    marker)."""
    from tests import factories

    firm = _firm(world, role, scope)
    bank = world.users["bank"].bank if scope == "in" else factories.bank("另一银行（合成）")
    return factories.financing_need(firm, shared_with=[bank], note=f"need-of-{firm.credit_code}")


def _finance_product(world: World, scope: str, *, in_force: bool = True):
    """In: a product of the test bank; out: another bank's (the library's out: expired)."""
    from tests import factories

    if scope == "in":
        return factories.bank_product(world.users["bank"].bank, name="matrix-product-in")
    if in_force:
        return factories.bank_product(factories.bank("另一银行（合成）"), name="matrix-product-out")
    return factories.bank_product(
        world.users["bank"].bank,
        name="matrix-product-out",
        valid_from=dt.date(2019, 1, 1),
        valid_to=dt.date(2019, 12, 31),
    )


FINANCE_API = {
    "api:list_financing_needs",
    "api:get_financing_need",
    "api:create_financing_need",
    "api:move_financing_need",
    "api:grant_consent",
    "api:revoke_consent",
    "api:list_bank_products",
    "api:create_bank_product",
    "api:update_bank_product",
}


PRODUCT_BODY = {
    "name": "matrix-new-product",
    "type": "credit",
    "amount_min_wan": "10",
    "amount_max_wan": "300",
    "term_min_months": 1,
    "term_max_months": 12,
    "rate_min_pct": "3.5",
    "rate_max_pct": "5",
    "valid_from": "2020-01-01",
}


def _finance_request(client, world: World, name: str, role: str, scope: str):
    json_ = "application/json"
    firm = _firm(world, role, scope)
    match name:
        case (
            "finance:pipeline"
            | "finance:pipeline_export"
            | "finance:inbox"
            | ("finance:inbox_export")
        ):
            _finance_need(world, role, scope)
            return client.get(reverse(name)), firm.name
        case "finance:overview" | "finance:overview_export":
            need = _finance_need(world, role, scope)
            bank = need.consents.get().bank
            return client.get(reverse(name), {"year": need.shared_on.year}), bank.name
        case "finance:firm" | "finance:need_new":
            return client.get(reverse(name, args=[firm.pk])), None
        case "finance:need" | "finance:need_edit":
            return client.get(reverse(name, args=[_finance_need(world, role, scope).pk])), None
        case "finance:need_move":
            need = _finance_need(world, role, scope)
            body = {"to": "received", "version": need.version}
            return client.post(reverse(name, args=[need.pk]), body), None
        case "finance:need_problem":
            need = _finance_need(world, role, scope)
            return client.post(reverse(name, args=[need.pk])), None
        case "finance:consent_grant":
            from tests import factories

            need = _finance_need(world, role, scope)
            body = {"bank": factories.bank("第三银行（合成）").pk, "written": "书面授权（合成）"}
            return client.post(reverse(name, args=[need.pk]), body), None
        case "finance:consent_revoke":
            consent = _finance_need(world, role, scope).consents.get()
            return client.post(reverse(name, args=[consent.pk])), None
        case "finance:products":
            product = _finance_product(world, scope, in_force=False)
            return client.get(reverse(name)), product.name
        case "finance:product_export":
            product = _finance_product(world, scope)
            return client.get(reverse(name)), product.name
        case "finance:product_edit":
            return client.get(reverse(name, args=[_finance_product(world, scope).pk])), None
        case "api:list_financing_needs":
            _finance_need(world, role, scope)
            return client.get(reverse(name)), f"need-of-{firm.credit_code}"
        case "api:get_financing_need":
            return client.get(reverse(name, args=[_finance_need(world, role, scope).pk])), None
        case "api:create_financing_need":
            body = {
                "amount_wan": "50",
                "term_months": 6,
                "purpose": "working_capital",
                "collateral": "none",
            }
            return client.post(
                reverse(name, args=[firm.pk]), json.dumps(body), content_type=json_
            ), None
        case "api:move_financing_need":
            need = _finance_need(world, role, scope)
            body = {"to": "received", "version": need.version}
            return client.post(
                reverse(name, args=[need.pk]), json.dumps(body), content_type=json_
            ), None
        case "api:grant_consent":
            from tests import factories

            need = _finance_need(world, role, scope)
            body = {"bank_id": factories.bank("第三银行（合成）").pk, "written": "书面授权（合成）"}
            return client.post(
                reverse(name, args=[need.pk]), json.dumps(body), content_type=json_
            ), None
        case "api:revoke_consent":
            consent = _finance_need(world, role, scope).consents.get()
            return client.post(reverse(name, args=[consent.pk])), None
        case "api:list_bank_products":
            product = _finance_product(world, scope, in_force=False)
            return client.get(reverse(name)), product.name
        case "api:create_bank_product":
            return client.post(reverse(name), json.dumps(PRODUCT_BODY), content_type=json_), None
        case "api:update_bank_product":
            product = _finance_product(world, scope)
            body = {**PRODUCT_BODY, "name": "matrix-renamed", "version": product.version}
            return client.put(
                reverse(name, args=[product.pk]), json.dumps(body), content_type=json_
            ), None
    return client.get(reverse(name)), None


def _bridge_loan(world: World, role: str, scope: str, *, letter: bool = False):
    """A bridge loan (applied) of the scope's firm from its zone's fund: at the bank user's bank
    in scope, at another bank out of it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests import factories
    from zonedesk.finance.models import BridgeFund
    from zonedesk.org.models import Bank

    firm = _firm(world, role, scope)
    fund = BridgeFund.objects.filter(zone=firm.zone).first() or factories.bridge_fund(firm.zone)
    bank = Bank.objects.get(name="测试银行开江支行")
    if scope == "out":
        bank, _new = Bank.objects.get_or_create(name="乙银行（合成）", area=world.wanzhou)
    extra = {}
    if letter:
        extra["commitment_file"] = SimpleUploadedFile("承诺函.pdf", b"%PDF-1.4")
    return factories.bridge_loan(fund, firm, bank, **extra)


def _partner(world: World, firm):
    """Another firm of `firm`'s zone, never the enterprise user's own (firm_a)."""
    from tests import factories

    if firm == world.firm_a:
        return world.firm_a2
    return factories.firm(firm.zone, f"{firm.name}伙伴（合成）")


def _lending(world: World, role: str, scope: str):
    """A loan to the scope's firm from a partner of its zone, secured by the partner's
    guarantee."""
    import datetime as dt
    from decimal import Decimal

    from zonedesk.finance.services import lending

    firm = _firm(world, role, scope)
    partner = _partner(world, firm)
    guarantee = lending.guarantee_create(
        actor=SYSTEM,
        data=lending.GuaranteeData(
            guarantor=partner,
            guaranteed=firm,
            amount_wan=Decimal(100),
            starts_on=dt.date(2020, 1, 1),
        ),
    )
    lending.interfirm_loan_create(
        actor=SYSTEM,
        data=lending.LoanData(
            lender=partner,
            borrower=firm,
            amount_wan=Decimal(100),
            term_months=6,
            rate_pct=Decimal(12),
            contract_on=dt.date(2020, 9, 1),
            guarantees=[guarantee],
        ),
    )
    return firm, partner


# Investment leads (chain.leads_*): in, a lead of zone_a owned by `officer`; out, one of zone_b.
# The zone's staff see its pipeline; its leaders and administrators edit, move and merge every
# lead, an officer or department member their own; a city's or province's leaders and
# administrators read their zones'; firm, bank and security users see none.
LEADS_MATRIX = {
    "leads:list": ("V V V V V 403 403 V 403 V V 302", "H H H H H 403 403 H 403 H H 302"),
    "leads:board": ("V V V V V 403 403 V 403 V V 302", "H H H H H 403 403 H 403 H H 302"),
    "leads:export": ("V V V V V 403 403 V 403 V V 302", "H H H H H 403 403 H 403 H H 302"),
    "leads:funnel": ("200 200 200 200 200 403 403 200 403 200 200 302",) * 2,
    "leads:funnel_export": ("200 200 200 200 200 403 403 200 403 200 200 302",) * 2,
    "leads:new": ("200 200 200 200 200 403 403 403 403 403 403 302",) * 2,
    "leads:detail": ("200 200 200 200 200 404 404 200 404 200 200 302", same("404", "302")),
    "leads:edit": ("200 200 200 403 403 404 404 403 404 403 403 302", same("404", "302")),
    "leads:move": ("302 302 302 403 403 404 404 403 404 403 403 302", same("404", "302")),
    "leads:activity": ("302 302 302 403 403 404 404 403 404 403 403 302", same("404", "302")),
    "leads:merge": ("302 302 403 403 403 404 404 403 404 403 403 302", same("404", "302")),
    # The leads API: as the pages (a lead is not found for a role that reads none); a new lead
    # names its zone (out: zone_b, none of the caller's); signing, the managers' move, acts on
    # a lead at 洽谈.
    "api:list_leads": ("V V V V V 403 403 V 403 V V 401", "H H H H H 403 403 H 403 H H 401"),
    "api:lead_funnel": ("200 200 200 200 200 403 403 200 403 200 200 401",) * 2,
    "api:get_lead": ("200 200 200 200 200 404 404 200 404 200 200 401", same("404", "401")),
    "api:create_lead": (
        "201 201 201 201 201 403 403 403 403 403 403 401",
        "400 400 400 400 400 403 403 400 403 400 400 401",
    ),
    "api:update_lead": ("200 200 200 403 403 404 404 403 404 403 403 401", same("404", "401")),
    "api:move_lead": ("200 200 200 403 403 404 404 403 404 403 403 401", same("404", "401")),
    "api:sign_lead": ("200 200 403 403 403 404 404 403 404 403 403 401", same("404", "401")),
    "api:add_lead_activity": (
        "201 201 201 403 403 404 404 403 404 403 403 401",
        same("404", "401"),
    ),
    "api:merge_leads": ("200 200 403 403 403 404 404 403 404 403 403 401", same("404", "401")),
}
MATRIX |= LEADS_MATRIX


def _matrix_lead(world: World, scope: str, name: str = ""):
    from tests.chain import leads_factories

    zone = _zone(world, scope)
    owner = world.users["officer" if scope == "in" else "officer_b"]
    return leads_factories.lead(zone, owner, name=name or f"matrix-lead-{zone.code}")


def _leads_request(client, world: World, name: str, role: str, scope: str):
    match name:
        case "leads:list" | "leads:board" | "leads:export":
            lead = _matrix_lead(world, scope)
            return client.get(reverse(name)), lead.name
        case "leads:funnel" | "leads:funnel_export" | "leads:new":
            return client.get(reverse(name)), None
        case "leads:detail" | "leads:edit":
            return client.get(reverse(name, args=[_matrix_lead(world, scope).pk])), None
        case "leads:move":
            lead = _matrix_lead(world, scope)
            body = {"to": "contact", "version": lead.version}
            return client.post(reverse(name, args=[lead.pk]), body), None
        case "leads:activity":
            body = {"kind": "call", "on": "2020-06-01", "note": "matrix"}
            return client.post(reverse(name, args=[_matrix_lead(world, scope).pk]), body), None
        case "leads:merge":
            lead = _matrix_lead(world, scope)
            other = _matrix_lead(world, scope, name=f"{lead.name}有限公司")
            return client.post(reverse(name, args=[lead.pk]), {"other": other.pk}), None
    return client.get(reverse(name)), None


def _leads_api_request(client, world: World, name: str, scope: str):
    json_ = "application/json"
    zone = _zone(world, scope)
    match name:
        case "api:list_leads":
            lead = _matrix_lead(world, scope)
            return client.get(reverse(name)), f'"name": "{lead.name}"'
        case "api:get_lead":
            return client.get(reverse(name, args=[_matrix_lead(world, scope).pk])), None
        case "api:create_lead":
            body = {"zone": zone.code, "name": "矩阵新线索", "region": "other", "source": "online"}
            return client.post(reverse(name), json.dumps(body), content_type=json_), None
        case "api:update_lead":
            lead = _matrix_lead(world, scope)
            body = json.dumps({"version": lead.version, "next_action": "回访"})
            return client.patch(reverse(name, args=[lead.pk]), body, content_type=json_), None
        case "api:move_lead":
            lead = _matrix_lead(world, scope)
            body = json.dumps({"to": "contact", "version": lead.version})
            return client.post(reverse(name, args=[lead.pk]), body, content_type=json_), None
        case "api:sign_lead":
            from tests.chain import leads_factories

            lead = leads_factories.walk(_matrix_lead(world, scope), "negotiation")
            body = json.dumps({"version": lead.version, "first_production_month": "2031-06-01"})
            return client.post(reverse(name, args=[lead.pk]), body, content_type=json_), None
        case "api:add_lead_activity":
            body = json.dumps({"kind": "call", "on": "2020-06-01", "note": "matrix"})
            url = reverse(name, args=[_matrix_lead(world, scope).pk])
            return client.post(url, body, content_type=json_), None
        case "api:merge_leads":
            lead = _matrix_lead(world, scope)
            other = _matrix_lead(world, scope, name=f"{lead.name}有限公司")
            body = {"other_id": other.pk, "version": lead.version, "other_version": other.version}
            url = reverse(name, args=[lead.pk])
            return client.post(url, json.dumps(body), content_type=json_), None
    return client.get(reverse(name)), None


def _chain(world: World, scope: str):
    """A chain of the scope's zone: firm_a (or firm_b) confirmed on one node, a gap beside it."""
    from zonedesk.chain import services
    from zonedesk.chain.models import NodeFirm

    zone = _zone(world, scope)
    firm = world.firm_a if scope == "in" else world.firm_b
    chain = services.chain_save(
        actor=SYSTEM,
        data=services.ChainData(
            code="matrix",
            name=f"{zone.code}-matrix-chain",
            zone=zone,
            nodes=(
                services.NodeData("metal", "金属制品", "up", industries=(firm.industry_code,)),
                services.NodeData("gap", f"{zone.code}-gap-node", "down", industries=("3973",)),
            ),
        ),
    )
    services.firm_place(
        actor=SYSTEM, node=chain.nodes.get(code="metal"), enterprise=firm, expected_version=None
    )
    chain.refresh_from_db()
    return chain, NodeFirm.objects.get(node__chain=chain, enterprise=firm)


def _chain_request(client, world: World, name: str, scope: str):
    chain, placement = _chain(world, scope)
    match name:
        case "chain:list":
            return client.get(reverse(name)), chain.name
        case "chain:gaps":
            return client.get(reverse(name)), f"{chain.zone.code}-gap-node"
        case "chain:map" | "chain:map_export" | "chain:workbook":
            return client.get(reverse(name, args=[chain.pk])), None
        case "chain:node":
            return client.get(reverse(name, args=[placement.node_id])), None
        case "chain:suggest":
            return client.post(reverse(name, args=[chain.pk]), {"version": chain.version}), None
        case "chain:place":
            firm = world.firm_a2 if scope == "in" else world.firm_b
            body = {"firm": firm.credit_code, "version": chain.version}
            return client.post(reverse(name, args=[placement.node_id]), body), None
        case "chain:decide":
            body = {"state": "rejected", "version": chain.version}
            return client.post(reverse(name, args=[placement.pk]), body), None
        case "api:list_chains":
            return client.get(reverse(name)), f'"zone": "{chain.zone.code}"'
        case "api:list_chain_gaps":
            return client.get(reverse(name)), f'"chain_id": {chain.pk},'
        case "api:get_chain":
            return client.get(reverse(name, args=[chain.pk])), None
        case "api:list_node_firms":
            return client.get(reverse(name, args=[placement.node_id])), None
        case "api:suggest_chain_firms":
            body = json.dumps({"version": chain.version})
            return client.post(reverse(name, args=[chain.pk]), body, content_type=JSON), None
        case "api:place_node_firm":
            firm = world.firm_a2 if scope == "in" else world.firm_b
            body = json.dumps({"enterprise_id": firm.pk, "version": chain.version})
            url = reverse(name, args=[placement.node_id])
            return client.post(url, body, content_type=JSON), None
        case "api:decide_node_firm":
            body = json.dumps({"state": "rejected", "version": chain.version})
            return client.post(reverse(name, args=[placement.pk]), body, content_type=JSON), None
    return client.get(reverse(name)), None


JSON = "application/json"
CHAIN_API = {
    "api:list_chains",
    "api:list_chain_gaps",
    "api:get_chain",
    "api:list_node_firms",
    "api:suggest_chain_firms",
    "api:place_node_firm",
    "api:decide_node_firm",
}
LEADS_API = {
    "api:list_leads",
    "api:lead_funnel",
    "api:get_lead",
    "api:create_lead",
    "api:update_lead",
    "api:move_lead",
    "api:sign_lead",
    "api:add_lead_activity",
    "api:merge_leads",
}


def _request(client, world: World, name: str, role: str, scope: str):
    """Make the request for one cell; return (response, text that marks the record in a list)."""
    firm = _firm(world, role, scope)
    zone = _zone(world, scope)
    json_ = "application/json"
    in_zone = {"zone": zone.code, "period": JUNE}
    # The needs' and products' rows (the bridge fund's and the register's are matched below).
    needs_side = name.startswith("finance:") and not name.startswith(
        ("finance:bridge", "finance:lending")
    )
    if needs_side or name in FINANCE_API:
        return _finance_request(client, world, name, role, scope)
    if name.startswith("leads:"):
        return _leads_request(client, world, name, role, scope)
    if name in LEADS_API:
        return _leads_api_request(client, world, name, scope)
    if name.startswith("chain:") or name in CHAIN_API:
        return _chain_request(client, world, name, scope)
    match name:
        case (
            "monitoring:dashboard"
            | "monitoring:dashboard_export"
            | "monitoring:import_template"
            | "reports:summary"
        ):
            return client.get(reverse(name), in_zone), None
        case "reports:draft_open":
            return client.post(reverse(name), {**in_zone, "lang": "zh"}), None
        case "reports:draft":
            from zonedesk.reports.services import draft_open

            draft, _created = draft_open(actor=SYSTEM, zone=zone.code, period=JUNE, lang="zh")
            return client.get(reverse(name, args=[draft.pk])), None
        case "reports:monthly_download":
            from django.core.files.base import ContentFile

            from zonedesk.reports.models import MonthlySummary

            row = MonthlySummary(zone=zone, period="2020-06")
            row.docx = ContentFile(b"PK docx", name="summary.docx")
            row.pdf = ContentFile(b"%PDF-1.7", name="summary.pdf")
            row.save()
            return client.get(reverse(name, args=[row.pk, "pdf"])), None
        case "monitoring:month":
            _figures(world)
            return client.get(reverse(name), in_zone), firm.name
        case "monitoring:month_export":
            _figures(world)
            return client.get(reverse(name), in_zone), firm.credit_code
        case "monitoring:import_job":
            from zonedesk.monitoring.models import ImportJob

            owner = world.users.get(role) if scope == "in" else world.users["officer_b"]
            job = ImportJob.objects.create(
                zone=world.zone_a, period="2020-06-01", created_by=owner, state="done"
            )
            return client.get(reverse(name, args=[job.pk])), None
        case "monitoring:import_confirm":
            from zonedesk.monitoring.models import ImportJob

            owner = world.users.get(role) if scope == "in" else world.users["officer_b"]
            job = ImportJob.objects.create(
                zone=world.zone_a, period="2020-06-01", created_by=owner, state="previewed"
            )
            return client.post(reverse(name, args=[job.pk]), {"action": "confirm"}), None
        case "api:import_monthly":
            from django.core.files.uploadedfile import SimpleUploadedFile

            from tests import factories

            upload = SimpleUploadedFile(
                "june.xlsx", factories.saved(factories.filled_template(world)).getvalue()
            )
            url = reverse(name, args=[zone.code, JUNE]) + "?dry_run=true"
            return client.post(url, {"file": upload}), None
        case "monitoring:confirm_all":
            return client.post(reverse(name), in_zone), None
        case "monitoring:confirm_all_ask":
            return client.get(reverse(name), in_zone), None
        case "monitoring:target":
            return client.post(
                reverse(name), {**in_zone, "year": 2020, "output_growth_pct": "8"}
            ), None
        case "monitoring:figure_edit" | "monitoring:figure_confirm":
            _figures(world)
            url = reverse(name, args=[firm.pk, JUNE])
            return (client.get(url) if name.endswith("edit") else client.post(url)), None
        case "monitoring:alerts" | "monitoring:alerts_export" | "api:list_alerts":
            _halted_figures(world)
            return client.get(reverse(name), in_zone), (
                f'"enterprise_id": {firm.pk}' if name.startswith("api:") else firm.name
            )
        case "monitoring:alert_ack":
            _halted_figures(world)
            body = {"period": JUNE, "rule": "halted", "note": "检修"}
            return client.post(reverse(name, args=[firm.pk]), body), None
        case "api:acknowledge_alert":
            _halted_figures(world)
            body = {"enterprise_id": firm.pk, "period": JUNE, "rule": "halted", "note": "检修"}
            return client.post(reverse(name), json.dumps(body), content_type=json_), None
        case "api:zone_status":
            return client.get(reverse(name, args=[zone.code]), {"period": JUNE}), None
        case "api:area_status":
            area = world.kaijiang if scope == "in" else world.wanzhou
            return client.get(reverse(name, args=[area.code]), {"period": JUNE}), None
        case "api:list_entitlements":
            _entitlements(world)
            return client.get(reverse(name, args=[firm.pk])), '"decision"'
        case "api:list_other_measures":
            _figures(world)
            _other_measure(world)
            return client.get(reverse(name, args=[firm.pk])), '"decision"'
        case "api:move_entitlement":
            entitlement = _entitlements(world)[firm.pk]
            body = json.dumps({"to": "notified"})
            return client.post(reverse(name, args=[entitlement.pk]), body, content_type=json_), None
        case "api:list_documents" | "api:export_measures" | "api:list_measures":
            _library(world, scope)  # titles and scope columns carry the zone's code
            return client.get(reverse(name)), zone.code
        case "api:get_document":
            return client.get(reverse(name, args=[_library(world, scope).pk])), None
        case "api:get_measure":
            measure = _library(world, scope).measures.get()
            return client.get(reverse(name, args=[measure.pk])), None
        case "api:create_document":
            body = {
                "level": "zone",
                "zone_code": zone.code,
                "issuer": "管委会（合成）",
                "title": "新措施（合成）",
                "valid_from": "2020-03-01",
            }
            return client.post(reverse(name), json.dumps(body), content_type=json_), None
        case "api:update_document":
            doc = _library(world, scope)
            body = {"issuer": "改名", "version": doc.version}
            return client.patch(
                reverse(name, args=[doc.pk]), json.dumps(body), content_type=json_
            ), None
        case "api:create_measure":
            url = reverse(name, args=[_library(world, scope).pk])
            body = {
                "clause": "二",
                "title": "贴息（合成）",
                "benefit_type": "interest",
                "eligibility": "is_sme",
            }
            return client.post(url, json.dumps(body), content_type=json_), None
        case "api:update_measure":
            measure = _library(world, scope).measures.get()
            body = {"eligibility": "employees >= 10", "version": measure.version}
            url = reverse(name, args=[measure.pk])
            return client.patch(url, json.dumps(body), content_type=json_), None
        case "api:check_rules":
            _figures(world)
            body = {"eligibility": "employees >= 5", "zone": zone.code, "period": JUNE}
            return client.post(reverse(name), json.dumps(body), content_type=json_), None
        case "api:import_measures":
            from django.core.files.uploadedfile import SimpleUploadedFile

            upload = SimpleUploadedFile("measures.xlsx", _measures_sheet(zone))
            return client.post(reverse(name), {"file": upload}), None
        case "api:zone_coverage":
            return client.get(reverse(name, args=[zone.code])), None
        case "policies:library" | "policies:library_export":
            _library(world, scope)
            return client.get(reverse(name)), zone.code
        case "policies:document" | "policies:document_edit" | "policies:measure_create":
            return client.get(reverse(name, args=[_library(world, scope).pk])), None
        case "policies:measure" | "policies:measure_edit":
            measure = _library(world, scope).measures.get()
            return client.get(reverse(name, args=[measure.pk])), None
        case "policies:rule_check":
            _figures(world)
            body = {"eligibility": "employees >= 5", "preview_zone": zone.code}
            return client.post(reverse(name), body), zone.name
        case "api:list_open_entitlements":
            _entitlements(world)
            return client.get(reverse(name)), f'"enterprise_id": {firm.pk}'
        case "api:zone_coverage_by_measure":
            _entitlements(world)
            return client.get(reverse(name, args=[zone.code])), None
        case "api:zone_unclaimed":
            _entitlements(world)
            return client.get(reverse(name, args=[zone.code])), f'"enterprise_id": {firm.pk}'
        case "policies:firm":
            _entitlements(world)
            return client.get(reverse(name, args=[firm.pk])), None
        case "policies:move":
            entitlement = _entitlements(world)[firm.pk]
            return client.post(reverse(name, args=[entitlement.pk]), {"to": "notified"}), None
        case "policies:open" | "policies:open_export":
            _entitlements(world)
            return client.get(reverse(name)), firm.name
        case "policies:coverage" | "policies:coverage_export":
            _entitlements(world)
            return client.get(reverse(name), {"zone": zone.code}), None
        case "casework:problems":
            from tests import factories

            factories.problem(firm)
            return client.get(reverse(name)), firm.name
        case "casework:problem":
            from tests import factories

            return client.get(reverse(name, args=[factories.problem(firm).pk])), None
        case "casework:step":
            from tests import factories
            from zonedesk.org.models import Department

            problem = factories.problem(firm)
            dept = Department.objects.filter(zone=firm.zone).first() or Department.objects.create(
                zone=firm.zone, name="乙区部门"
            )
            return client.post(
                reverse(name, args=[problem.pk]), {"to": "accepted", "department": dept.pk}
            ), None
        case "api:log_contact":
            body = {"date": "2020-06-10", "kind": "phone"}
            return client.post(
                reverse(name, args=[firm.pk]), json.dumps(body), content_type=json_
            ), None
        case "api:add_plan_action":
            body = {
                "kind": "other",
                "title": "回访",
                "owner_id": (firm.officer or world.users["officer2"]).pk,
                "due_on": "2030-01-01",
            }
            return client.post(
                reverse(name, args=[firm.pk]), json.dumps(body), content_type=json_
            ), None
        case "api:set_contact_plan":
            body = {"visit_every_days": 60, "call_every_days": 20}
            return client.put(
                reverse(name, args=[firm.pk]), json.dumps(body), content_type=json_
            ), None
        case "api:zone_difficulties":
            return client.get(reverse(name, args=[zone.code]), {"period": JUNE}), None
        case "casework:problems_export":
            from tests import factories

            factories.problem(firm)
            return client.get(reverse(name)), firm.name
        case "casework:contacts_due_export":
            return client.get(reverse(name)), firm.name
        case "casework:plan_set":
            body = {"visit_every_days": 60, "call_every_days": 20}
            return client.post(reverse(name, args=[firm.pk]), body), None
        case "finance:bridge":
            loan = _bridge_loan(world, role, scope)
            return client.get(reverse(name), {"fund": loan.fund_id}), None
        case "finance:bridge_fund_edit":
            from tests import factories
            from zonedesk.finance.models import BridgeFund

            zone = _firm(world, role, scope).zone
            fund = BridgeFund.objects.filter(zone=zone).first() or factories.bridge_fund(zone)
            return client.get(reverse(name, args=[fund.pk])), None
        case "finance:bridge_loans" | "finance:bridge_export":
            loan = _bridge_loan(world, role, scope)
            return client.get(reverse(name)), loan.firm.name
        case "finance:bridge_apply":
            loan = _bridge_loan(world, role, scope)
            return client.get(reverse(name, args=[loan.fund_id])), None
        case "finance:bridge_loan" | "api:get_bridge_loan":
            return client.get(reverse(name, args=[_bridge_loan(world, role, scope).pk])), None
        case "finance:bridge_commitment":
            loan = _bridge_loan(world, role, scope, letter=True)
            return client.get(reverse(name, args=[loan.pk])), None
        case "finance:bridge_move":
            loan = _bridge_loan(world, role, scope)
            return client.post(reverse(name, args=[loan.pk]), {"to": "approved"}), None
        case "api:list_bridge_loans":
            loan = _bridge_loan(world, role, scope)
            return client.get(reverse(name)), f'"firm_id": {loan.firm_id}'
        case "api:apply_bridge_loan":
            from zonedesk.org.models import Bank

            loan = _bridge_loan(world, role, scope)
            body = {
                "firm_id": firm.pk,
                "bank_id": Bank.objects.get(name="测试银行开江支行").pk,
                "maturing_wan": "100",
                "maturing_on": "2020-06-10",
                "committed_wan": "100",
                "requested_wan": "90",
            }
            url = reverse(name, args=[loan.fund_id])
            return client.post(url, json.dumps(body), content_type=json_), None
        case "api:move_bridge_loan":
            loan = _bridge_loan(world, role, scope)
            body = json.dumps({"to": "approved"})
            return client.post(reverse(name, args=[loan.pk]), body, content_type=json_), None
        case "finance:lending" | "finance:lending_export" | "finance:lending_graph":
            _lending(world, role, scope)
            return client.get(reverse(name), {"firm": firm.pk}), firm.name
        case "api:list_lending":
            _lending(world, role, scope)
            return client.get(reverse(name)), f'"borrower_id": {firm.pk}'
        case "api:guarantee_graph":
            _lending(world, role, scope)
            return client.get(reverse(name)), f'"id": {firm.pk}, "name"'
        case "api:create_interfirm_loan":
            body = {
                "lender_id": _partner(world, firm).pk,
                "borrower_id": firm.pk,
                "amount_wan": "50",
                "term_months": 3,
                "rate_pct": "10",
                "contract_on": "2021-03-01",
            }
            return client.post(reverse(name), json.dumps(body), content_type=json_), None
        case "api:create_guarantee":
            body = {
                "guarantor_id": _partner(world, firm).pk,
                "guaranteed_id": firm.pk,
                "amount_wan": "50",
                "starts_on": "2021-03-01",
            }
            return client.post(reverse(name), json.dumps(body), content_type=json_), None
        case "projects:list" | "projects:meeting":
            project = _project(world, role, scope)
            return client.get(reverse(name)), project.name
        case "projects:detail":
            return client.get(reverse(name, args=[_project(world, role, scope).pk])), None
        case "projects:dashboard":
            project = _project(world, role, scope)
            return client.get(reverse(name), {"zone": project.zone.code}), None
        case "projects:node_complete":
            from django.utils import timezone

            node = _project(world, role, scope).nodes.get(code="sign")
            body = {"version": node.version, "done_on": timezone.localdate().isoformat()}
            return client.post(reverse(name, args=[node.pk]), body), None
        case "projects:node_replan":
            node = _project(world, role, scope).nodes.get(code="start")
            body = {"version": node.version, "to_on": "2030-01-31", "reason": "施工许可延后"}
            return client.post(reverse(name, args=[node.pk]), body), None
        case "projects:investment_set":
            from django.utils import timezone

            body = {"month": f"{timezone.localdate():%Y-%m}", "planned_wan": "10", "done_wan": "0"}
            return client.post(reverse(name, args=[_project(world, role, scope).pk]), body), None
        case "projects:investment_import":
            return client.get(reverse(name)), zone.name
        case "projects:investment_template":
            project = _project(world, role, scope)
            return client.get(reverse(name), {"zone": project.zone.code}), project.name
        case "projects:replans":
            from zonedesk.projects.services import replan_request

            project = _project(world, role, scope)
            node = project.nodes.get(code="start")
            replan_request(
                actor=SYSTEM, node=node, to_on=node.planned_on.replace(year=2030), reason="延后"
            )
            return client.get(reverse(name)), project.name
        case "projects:replan_decide":
            from zonedesk.projects.services import replan_request

            node = _project(world, role, scope).nodes.get(code="start")
            replan = replan_request(
                actor=SYSTEM, node=node, to_on=node.planned_on.replace(year=2030), reason="延后"
            )
            return client.post(reverse(name, args=[replan.pk]), {"decision": "approved"}), None
        case "projects:meeting_export":
            project = _project(world, role, scope)
            return client.get(reverse(name)), project.name
        case "projects:node_block":
            item = _guarantee(world, role, scope)
            node = item.project.nodes.get(code="start")
            body = {"version": node.version, "guarantee": item.pk}
            return client.post(reverse(name, args=[node.pk]), body), None
        case "projects:guarantee_add":
            body = {"category": "water", "need": "DN200供水管", "utility": "自来水公司"}
            body["due_on"] = "2030-01-31"
            return client.post(reverse(name, args=[_project(world, role, scope).pk]), body), None
        case "projects:guarantee_edit":
            item = _guarantee(world, role, scope)
            fields = {"category": "power", "need": "10kV双回路", "due_on": "2030-03-31"}
            fields |= {"utility": "供电公司（合成）", "version": item.version}
            body = {f"g{item.pk}-{k}": v for k, v in fields.items()}
            return client.post(reverse(name, args=[item.pk]), body), None
        case "projects:guarantee_done":
            item = _guarantee(world, role, scope)
            return client.post(reverse(name, args=[item.pk]), {"version": item.version}), None
        case "projects:service_raise":
            project = _project(world, role, scope)
            body = {"title": "工地夜间停电", "category": "energy", "raised_via": "phone"}
            return client.post(reverse(name, args=[project.pk]), body), None
        case "projects:service_respond" | "projects:service_resolve":
            from zonedesk.org.models import Department
            from zonedesk.projects.services import service_request_raise, service_request_respond

            project = _project(world, role, scope)
            dept = Department.objects.filter(
                zone=project.zone
            ).first() or Department.objects.create(zone=project.zone, name="乙区部门")
            request = service_request_raise(
                actor=SYSTEM, project=project, category="energy", title="工地夜间停电"
            )
            if name == "projects:service_respond":
                return client.post(reverse(name, args=[request.pk]), {"department": dept.pk}), None
            service_request_respond(actor=SYSTEM, request=request, department=dept)
            return client.post(reverse(name, args=[request.pk]), {"resolution": "已恢复供电"}), None
        case "api:list_projects":
            _project(world, role, scope)
            return client.get(reverse(name)), f'"code": "XM-{firm.pk}"'
        case "api:get_project" | "api:list_replans":
            return client.get(reverse(name, args=[_project(world, role, scope).pk])), None
        case "api:complete_node":
            node = _project(world, role, scope).nodes.get(code="sign")
            body = json.dumps({"version": node.version})
            return client.post(reverse(name, args=[node.pk]), body, content_type=json_), None
        case "api:request_replan":
            node = _project(world, role, scope).nodes.get(code="start")
            body = {"version": node.version, "to_on": "2030-01-31", "reason": "施工许可延后"}
            url = reverse(name, args=[node.pk])
            return client.post(url, json.dumps(body), content_type=json_), None
        case "api:decide_replan":
            from zonedesk.projects.services import replan_request

            node = _project(world, role, scope).nodes.get(code="start")
            replan = replan_request(
                actor=SYSTEM, node=node, to_on=node.planned_on.replace(year=2030), reason="延后"
            )
            body = json.dumps({"decision": "approved"})
            return client.post(reverse(name, args=[replan.pk]), body, content_type=json_), None
        case "projects:create":
            return client.get(reverse(name)), None
        case (
            "projects:templates"
            | "projects:template_node_edit"
            | "projects:template_node_add"
            | "projects:template_node_move"
            | "projects:template_node_remove"
            | "projects:template_restore"
        ):
            from zonedesk.projects.services import (
                TemplateNodeData,
                template_node_add,
                template_of,
            )

            # The scope's zone gets its own copy of the industrial template, with a node no
            # other waits for (the template refuses to move a node past one it waits for, or
            # remove one waited for); zone_a's page is about zone_a, and out of scope the
            # request names zone_b's page and nodes.
            default = template_of(zone, "industrial")
            spare = template_node_add(
                actor=SYSTEM,
                zone=zone,
                template=default,
                data=TemplateNodeData(code="spare", name="备用节点"),
                expected_version=default.version,
            )
            own = spare.template
            query = f"?zone={zone.code}"
            if name == "projects:templates":
                return client.get(reverse(name) + query), None
            if name == "projects:template_node_edit":
                return client.get(reverse(name, args=[spare.pk]) + query), None
            if name == "projects:template_node_add":
                body = {
                    "add-industrial-name": "环评批复",
                    "add-industrial-code": "env",
                    "add-industrial-offset_days": "60",
                    "add-industrial-version": own.version,
                    "add-industrial-template": own.pk,
                }
                return client.post(reverse(name, args=["industrial"]) + query, body), None
            body = {"version": own.version}
            if name == "projects:template_restore":
                return client.post(reverse(name, args=["industrial"]) + query, body), None
            return client.post(reverse(name, args=[spare.pk]) + query, body), None
        case "projects:edit":
            return client.get(reverse(name, args=[_project(world, role, scope).pk])), None
        case "api:create_project":
            body = {
                "zone": zone.code,
                "code": "XM-NEW",
                "name": "新建数据中心项目",
                "level": "county",
                "kind": "infrastructure",
                "investor_name": "新投资有限公司（合成）",
                "total_investment_wan": "30000",
                "first_production_month": "2030-06-01",
                "signed_on": "2029-01-10",
            }
            return client.post(reverse(name), json.dumps(body), content_type=json_), None
        case "api:update_project":
            project = _project(world, role, scope)
            body = json.dumps({"version": project.version, "site": "三号地块"})
            return client.patch(reverse(name, args=[project.pk]), body, content_type=json_), None
        case "api:list_guarantees" | "api:get_investment" | "api:list_service_requests":
            return client.get(reverse(name, args=[_project(world, role, scope).pk])), None
        case "api:add_guarantee":
            body = {"category": "water", "need": "DN200供水管", "utility": "自来水公司"}
            body["due_on"] = "2030-01-31"
            url = reverse(name, args=[_project(world, role, scope).pk])
            return client.post(url, json.dumps(body), content_type=json_), None
        case "api:edit_guarantee":
            item = _guarantee(world, role, scope)
            body = json.dumps({"need": "10kV双回路", "version": item.version})
            return client.patch(reverse(name, args=[item.pk]), body, content_type=json_), None
        case "api:guarantee_done":
            item = _guarantee(world, role, scope)
            body = json.dumps({"version": item.version})
            return client.post(reverse(name, args=[item.pk]), body, content_type=json_), None
        case "api:block_node":
            item = _guarantee(world, role, scope)
            node = item.project.nodes.get(code="start")
            body = json.dumps({"version": node.version, "guarantee": item.pk})
            return client.post(reverse(name, args=[node.pk]), body, content_type=json_), None
        case "api:put_investment":
            from django.utils import timezone

            url = reverse(
                name, args=[_project(world, role, scope).pk, f"{timezone.localdate():%Y-%m}"]
            )
            body = json.dumps({"planned_wan": "10", "done_wan": "0"})
            return client.put(url, body, content_type=json_), None
        case "api:raise_service_request":
            body = json.dumps(
                {"title": "工地夜间停电", "category": "energy", "raised_via": "phone"}
            )
            url = reverse(name, args=[_project(world, role, scope).pk])
            return client.post(url, body, content_type=json_), None
        case "api:respond_service_request" | "api:resolve_service_request":
            from zonedesk.org.models import Department
            from zonedesk.projects.services import service_request_raise, service_request_respond

            project = _project(world, role, scope)
            dept = Department.objects.filter(
                zone=project.zone
            ).first() or Department.objects.create(zone=project.zone, name="乙区部门")
            request = service_request_raise(
                actor=SYSTEM, project=project, category="energy", title="工地夜间停电"
            )
            url = reverse(name, args=[request.pk])
            if name == "api:respond_service_request":
                body = json.dumps({"department": dept.pk})
                return client.post(url, body, content_type=json_), None
            service_request_respond(actor=SYSTEM, request=request, department=dept)
            body = json.dumps({"resolution": "已恢复供电"})
            return client.post(url, body, content_type=json_), None
        case "casework:ledger" | "casework:ledger_export":
            import datetime as dt

            from zonedesk.casework.services import contact_log

            contact_log(
                actor=SYSTEM,
                enterprise=firm,
                date=dt.date(2020, 6, 10),
                kind="on_site",
                notes=f"走访{firm.name}（矩阵）",
            )
            return client.get(reverse(name)), f"走访{firm.name}（矩阵）"
        case "casework:contacts_due":
            return client.get(reverse(name)), firm.name
        case "casework:escalation" | "casework:remind":
            import datetime as dt

            from tests import factories

            problem = factories.problem(firm, title=f"逾期诉求{firm.name}")
            problem.due_at = dt.date(2020, 6, 1)
            problem.save(update_fields=["due_at"])
            if name == "casework:escalation":
                return client.get(reverse(name)), f"逾期诉求{firm.name}"
            return client.post(reverse(name), {"kind": "problem", "pk": problem.pk}), None
        case "casework:contact_new":
            return client.get(reverse(name, args=[firm.pk])), None
        case "casework:overview" | "casework:overview_export":
            return client.get(reverse(name), {"zone": zone.code, "period": JUNE}), None
        case "casework:plan" | "api:get_contact_plan":
            return client.get(reverse(name, args=[firm.pk])), None
        case "casework:action_close":
            import datetime as dt

            from zonedesk.casework.services import action_add

            action = action_add(
                actor=SYSTEM,
                enterprise=firm,
                kind="other",
                title="回访",
                owner=firm.officer or world.users["officer2"],
                due_on=dt.date(2030, 1, 1),
            )
            return client.post(reverse(name, args=[action.pk]), {"to": "done"}), None
        case "casework:new":
            return client.get(reverse(name, args=[firm.pk])), None
        case "api:list_problems" | "api:contacts_due":
            from tests import factories

            factories.problem(firm)
            return client.get(reverse(name)), f'"enterprise_id": {firm.pk}'
        case "api:get_problem":
            from tests import factories

            return client.get(reverse(name, args=[factories.problem(firm).pk])), None
        case "api:submit_problem":
            body = {"category": "finance", "title": "资金紧张", "raised_via": "visit"}
            return client.post(
                reverse(name, args=[firm.pk]), json.dumps(body), content_type=json_
            ), None
        case "api:take_step":
            from tests import factories
            from zonedesk.org.models import Department

            problem = factories.problem(firm)
            dept = Department.objects.filter(zone=firm.zone).first() or Department.objects.create(
                zone=firm.zone, name="乙区部门"
            )
            body = {"to": "accepted", "department_id": dept.pk}
            return client.post(
                reverse(name, args=[problem.pk]), json.dumps(body), content_type=json_
            ), None
        case "api:zone_casework":
            return client.get(reverse(name, args=[zone.code]), {"period": JUNE}), None
        case "api:list_figures":
            _figures(world)
            return client.get(reverse(name, args=[firm.pk])), '"2020-06"'
        case "api:put_figures":
            body = {"output_value_wan": "120.50", "employees": 12, "days_halted": 0}
            return client.put(
                reverse(name, args=[firm.pk, JUNE]), json.dumps(body), content_type=json_
            ), None
        case "monitoring:permu":
            _figures(world)
            return client.get(reverse(name), {"zone": zone.code, "year": 2020}), firm.name
        case "monitoring:permu_export":
            _figures(world)
            return client.get(reverse(name), {"zone": zone.code, "year": 2020}), firm.credit_code
        case "api:zone_permu":
            _figures(world)
            return client.get(reverse(name, args=[zone.code, Fixed(2020)])), firm.credit_code
        case "monitoring:sizes" | "monitoring:sizes_export":
            marker = firm.name if name == "monitoring:sizes" else firm.credit_code
            return client.get(reverse(name), {"zone": zone.code, "year": 2020}), marker
        case "monitoring:sizes_derive":
            return client.post(reverse(name), {"zone": zone.code, "year": 2020}), None
        case "monitoring:size_override":
            return client.get(reverse(name, args=[firm.pk, Fixed(2020)])), None
        case "api:zone_sizes":
            url = reverse(name, args=[zone.code, Fixed(2020)])
            return client.get(url), firm.credit_code
        case "api:derive_sizes":
            return client.post(reverse(name, args=[zone.code, Fixed(2020)])), None
        case "api:override_size":
            body = {"status": "above", "reason": "经县统计局核准纳入", "version": 0}
            url = reverse(name, args=[firm.pk, Fixed(2020)])
            return client.put(url, json.dumps(body), content_type=json_), None
        case "api:put_annual":
            body = {"value_added_wan": "30", "rd_spending_wan": "2.5"}
            return client.put(
                reverse(name, args=[firm.pk, Fixed(2019)]), json.dumps(body), content_type=json_
            ), None
        case "api:confirm_figures":
            _figures(world)
            return client.post(reverse(name, args=[firm.pk, JUNE])), None
        case "monitoring:utility_import" | "monitoring:utility_template":
            return client.get(reverse(name), {"zone": zone.code, "kind": "power"}), None
        case "monitoring:utility_accounts" | "api:get_utility_accounts":
            return client.get(reverse(name, args=[firm.pk])), None
        case "api:put_utility_accounts":
            body = {"power": ["3100000001"], "water": [], "version": firm.version}
            return client.put(
                reverse(name, args=[firm.pk]), json.dumps(body), content_type=json_
            ), None
        case "api:import_utility":
            from django.core.files.uploadedfile import SimpleUploadedFile

            from tests import factories

            sheet = factories.utility_sheet(
                ["户号", "户名", "抄表年月", "用电量(千瓦时)"], [["3100000001", "甲", JUNE, 10]]
            )
            upload = SimpleUploadedFile("power.xlsx", sheet)
            return client.post(
                reverse(name, args=[zone.code, Fixed("power")]), {"file": upload}
            ), None
        case "enterprises:detail" | "enterprises:edit":
            return client.get(reverse(name, args=[firm.pk])), None
        case "enterprises:list" | "api:list_firms":
            return client.get(reverse(name)), firm.credit_code
        case "enterprises:export":
            return client.get(reverse(name)), firm.credit_code
        case "zones":
            return client.get(reverse(name)), zone.name
        case "api:list_zones":
            return client.get(reverse(name)), f'"{zone.code}"'
        case "audit_log" | "audit_export":
            return client.get(reverse(name)), firm.name
        case "users":
            return client.get(reverse(name)), _staff(world, scope).username
        case "user_edit" | "user_password":
            return client.get(reverse(name, args=[_staff(world, scope).pk])), None
        case "user_second_factor_remove":
            return client.post(reverse(name, args=[_staff(world, scope).pk])), None
        case "lockouts" | "lockout_lift":
            import datetime as dt

            from django.utils import timezone

            from zonedesk.org.models import LoginThrottle

            locked = _staff(world, scope)
            lock = LoginThrottle.objects.create(
                kind="username",
                key=locked.username,
                user=locked,
                failures=5,
                last_failure_at=timezone.now(),
                locked_until=timezone.now() + dt.timedelta(minutes=15),
            )
            if name == "lockouts":
                return client.get(reverse(name)), locked.username
            return client.post(reverse(name, args=[lock.pk])), None
        case "enterprises:account_create":
            body = {
                "username": "new-firm-user",
                "full_name": "新账号",
                "password": "Firm-account-2026",
            }
            return client.post(reverse(name, args=[firm.pk]), body), None
        case "account:tokens" | "account:token_revoke":
            return _token_request(client, world, name, role, scope)
        case "account:recovery_codes" | "account:second_factor_remove":
            return client.post(reverse(name)), None
        case "notices:centre" | "notices:read" | "api:list_notices" | "api:read_notice":
            from zonedesk.notices.services import notify

            to = world.users.get(role) if scope == "in" else world.users["officer_b"]
            note = None
            if to is not None:
                note = notify(
                    actor=SYSTEM, recipient=to, kind="reminder", title=f"提醒 notice-{to.username}"
                )
            if name in ("notices:centre", "api:list_notices"):
                return client.get(reverse(name)), f"notice-{to.username if to else ''}"
            return client.post(reverse(name, args=[note.pk if note else 1])), None
        case "notices:preferences" | "notices:read_all":
            return client.post(reverse(name), {"reminder": ["inapp"]}), None
        case "logout":
            return client.get(reverse(name)), None
        case "health":
            from zonedesk.core.health import Heartbeat

            Heartbeat(worker_id="matrix").beat()
            return client.get(reverse(name)), None
        case "set_language":
            return client.post(reverse(name), {"language": "en", "next": "/"}), None
        case "api:get_zone":
            return client.get(reverse(name, args=[zone.code])), None
        case "api:create_zone":
            area = world.kaijiang if scope == "in" else world.wanzhou
            body = {"code": "new-zone", "name": "新园区", "area_code": area.code}
            return client.post(reverse(name), json.dumps(body), content_type=json_), None
        case "api:update_zone":
            return client.patch(
                reverse(name, args=[zone.code]),
                json.dumps({"name": "改名", "version": zone.version}),
                content_type=json_,
            ), None
        case "api:get_firm":
            return client.get(reverse(name, args=[firm.pk])), None
        case "api:create_firm":
            body = {
                "name": "新企业有限公司",
                "credit_code": "91110108551385082Q",
                "zone": zone.code,
                "industry_code": "C3311",
            }
            return client.post(reverse(name), json.dumps(body), content_type=json_), None
        case "api:update_firm":
            return client.patch(
                reverse(name, args=[firm.pk]),
                json.dumps({"address": "新地址", "version": firm.version}),
                content_type=json_,
            ), None
        case _:
            return client.get(reverse(name)), None


def _token_request(client, world: World, name: str, role: str, scope: str):
    """The tokens page lists the user's own token (in) and never another's (out); revoking
    another's is not found."""
    from zonedesk.org.services import api_token_create

    owner = world.users.get(role) if scope == "in" else world.users["officer_b"]
    token = None
    if owner is not None:
        token, _text = api_token_create(actor=SYSTEM, user=owner, name=f"token-of-{owner.username}")
    marker = token.name if token else "token-of-"
    if name == "account:tokens":
        return client.get(reverse(name)), marker
    return client.post(reverse(name, args=[token.pk if token else 1])), None


def _listed(response, marker: str) -> bool:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        cells = book.get_sheet_by_index(0).to_python()
        return any(marker in str(c) for r in cells for c in r)
    return marker in response.content.decode()


@pytest.fixture
def world(shared_world, _logins_once) -> World:
    """The module's world and its users' log-ins, made once (tests/conftest.py)."""
    return shared_world


def check_cell(world: World, client_for, name: str, role: str, scope: str) -> str:
    """One cell: the role's request for the route, in or out of its scope. Returns "" when the
    answer is what the matrix says, else what was wrong."""
    expected = row(MATRIX[name][0 if scope == "in" else 1])[ROLES.index(role)]
    client = client_for(None if role == "anonymous" else world.users[role])
    # API writes from a browser session need the CSRF token, as the pages send it.
    client.handler.enforce_csrf_checks = False

    response, marker = _request(client, world, name, role, scope)

    if expected in ("V", "H"):
        if response.status_code != 200:
            return (
                f"expected {expected} (200), got {response.status_code}: {response.content[:300]}"
            )
        if _listed(response, marker) != (expected == "V"):
            return f"expected {expected}, the record is {'not ' * (expected == 'V')}listed"
    elif response.status_code != int(expected):
        return f"expected {expected}, got {response.status_code}: {response.content[:300]}"
    return ""


@pytest.mark.parametrize("name", list(MATRIX))
def test_access(world, client_for, name):
    """Each role gets what the matrix says for the route, in and out of its scope.

    One test per route, its 24 cells each as a test of their own would run: in a savepoint
    rolled back after it, on a fresh copy of the module's world, with an empty cache and a
    client of its own. Every cell is checked and every wrong one reported, not only the first.
    (One test per cell spent a fifth of its time in pytest's own setup, teardown and reporting,
    6,600 times; docs/decisions.md.)"""
    import copy

    from django.core.cache import cache
    from django.db import transaction

    wrong, errors = [], []
    for role in ROLES:
        for scope in ("in", "out"):
            cache.clear()
            try:
                with transaction.atomic():
                    fault = check_cell(copy.deepcopy(world), client_for, name, role, scope)
                    transaction.set_rollback(True)
            except Exception as exc:  # reported with the other cells; the first one is raised
                fault = f"raised {exc!r}"
                errors.append(exc)
            if fault:
                wrong.append(f"{name} {role} {scope}: {fault}")
    if errors:
        raise AssertionError("\n" + "\n".join(wrong)) from errors[0]
    assert wrong == [], "\n" + "\n".join(wrong)


def _route_names(patterns=None, namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if hasattr(p, "url_patterns"):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            if ns != "admin:":
                yield from _route_names(p.url_patterns, ns)
        elif p.name:
            yield namespace + p.name


def test_every_route_is_in_the_matrix():
    """Every named route except Django's own admin (superusers only) has a row in MATRIX."""
    missing = sorted(set(_route_names()) - set(MATRIX))
    assert missing == []
