"""Who may act on key projects, written once (selectors scope the reads).

Reading: the unit's leaders, administrators, officers and auditors see the projects of their
zones; department staff see the projects with a node in their department's charge; an
enterprise user sees the projects its firm invests in.
Acting on a node (completing it, asking for a re-plan): the zone's managers, the project's
service officer, the node's person in charge and the staff of its department.
Deciding a re-plan: a leader of a unit over the zone, or the project's leading cadre.
Entering the monthly investment (on a project's page or from a sheet of the zone's projects):
the managers of a unit over the zone and the project's service officer (an officer imports a
sheet of the zone, whose rows of projects they do not serve are refused).
Node templates: read by the leaders and administrators of a unit over the zone; a zone's own
templates changed by the zone's own leaders and administrators, the installation's defaults by
superusers only.
Element guarantees: added by the zone's managers and the project's service officer; edited and
marked done by them and by the staff of the item's responsible department. Marking a node blocked
by an item (or releasing it) is acting on the node.
"""

from zonedesk.core.actors import Actor, is_system
from zonedesk.enterprises.access import is_member
from zonedesk.org.access import MANAGER_ROLES, is_active, zone_in_unit
from zonedesk.org.models import Role

UNIT_READERS = (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.AUDITOR)


def can_view_projects(user) -> bool:
    """Whether the key projects pages are linked for the user (the selectors decide which)."""
    return is_active(user) and (
        user.is_superuser or user.has_role(*UNIT_READERS, Role.DEPARTMENT, Role.ENTERPRISE)
    )


def is_manager(actor: Actor, project) -> bool:
    if is_system(actor):
        return True
    return is_active(actor) and (
        actor.is_superuser or (actor.has_role(*MANAGER_ROLES) and zone_in_unit(actor, project.zone))
    )


def can_act_on_node(actor: Actor, node) -> bool:
    """Complete a node, or ask for its re-plan."""
    project = node.project
    if is_manager(actor, project):
        return True
    if not is_active(actor):
        return False
    if actor.has_role(Role.OFFICER) and actor.pk in (project.service_officer_id, node.person_id):
        return zone_in_unit(actor, project.zone)
    return (
        actor.has_role(Role.DEPARTMENT)
        and node.department_id is not None
        and actor.department_id == node.department_id
    ) or (node.person_id is not None and node.person_id == actor.pk)


def can_decide_replan(actor: Actor, project) -> bool:
    """A leader over the zone, or the project's leading cadre (包联领导)."""
    if is_system(actor):
        return True
    if not is_active(actor):
        return False
    if actor.is_superuser:
        return True
    if project.leading_cadre_id is not None and project.leading_cadre_id == actor.pk:
        return True
    return actor.has_role(Role.LEADER) and zone_in_unit(actor, project.zone)


def can_add_guarantee(actor: Actor, project) -> bool:
    """Add an element guarantee item: the zone's managers and the project's service officer."""
    if is_manager(actor, project):
        return True
    return (
        is_active(actor)
        and actor.has_role(Role.OFFICER)
        and project.service_officer_id == actor.pk
        and zone_in_unit(actor, project.zone)
    )


def is_service_officer(actor: Actor, project) -> bool:
    return (
        is_active(actor)
        and actor.has_role(Role.OFFICER)
        and project.service_officer_id is not None
        and project.service_officer_id == actor.pk
        and zone_in_unit(actor, project.zone)
    )


def can_edit_guarantee(actor: Actor, guarantee) -> bool:
    """Edit an item or mark it done: who may add one, and the staff of its department."""
    if can_add_guarantee(actor, guarantee.project):
        return True
    return (
        is_active(actor)
        and actor.has_role(Role.DEPARTMENT)
        and guarantee.department_id is not None
        and actor.department_id == guarantee.department_id
    )


def can_raise_service(actor: Actor, project) -> bool:
    """A service request (7x24): the zone's managers, the project's service officer, and a
    user of the investor firm. The project needs a firm of the registry as investor."""
    if is_manager(actor, project) or is_service_officer(actor, project):
        return True
    return (
        project.investor_id is not None
        and is_active(actor)
        and actor.has_role(Role.ENTERPRISE)
        and is_member(actor, project.investor)
    )


def can_enter_project_investment(actor: Actor, project) -> bool:
    """Enter a month's planned and completed investment of the project: the zone's managers
    and the project's service officer (as for its nodes)."""
    return is_manager(actor, project) or is_service_officer(actor, project)


def can_enter_investment(actor: Actor, zone) -> bool:
    """Import a sheet of the zone's investment (each row then checked with
    `can_enter_project_investment`)."""
    if is_system(actor):
        return True
    return is_active(actor) and (
        actor.is_superuser
        or (actor.has_role(*MANAGER_ROLES, Role.OFFICER) and zone_in_unit(actor, zone))
    )


def can_create_project(actor: Actor, zone) -> bool:
    """Add a key project to `zone`: the zone's own leaders and administrators. A city's or a
    province's leaders read (and steer) their zones' projects, but a project is registered by
    the zone that signed it and follows it (README, the `city` user)."""
    if is_system(actor):
        return True
    return is_active(actor) and (
        actor.is_superuser or (actor.has_role(*MANAGER_ROLES) and actor.zone_id == zone.pk)
    )


def can_view_meeting(user) -> bool:
    """The scheduling meeting (调度会) and its export: the unit's staff and leaders, and the
    departments (whose nodes and items it lists). Not an enterprise user: the meeting lists
    other firms' projects; nor bank or security users, who have no projects."""
    return is_active(user) and (user.is_superuser or user.has_role(*UNIT_READERS, Role.DEPARTMENT))


def can_edit_project(actor: Actor, project) -> bool:
    """Edit a project's fields: the zone's leaders and administrators, its service officer."""
    return is_manager(actor, project) or is_service_officer(actor, project)


def can_view_dashboard(user) -> bool:
    """The zone's project dashboard: the unit's staff and leaders (a zone's, and a city's or
    province's over its zones). Department and enterprise users follow single projects, not the
    zone's totals."""
    return is_active(user) and (user.is_superuser or user.has_role(*UNIT_READERS))


def can_view_templates(user, zone=None) -> bool:
    """Read the node templates: the leaders and administrators of a unit (a zone's, or a city's
    or province's, who read their zones' templates) and the superusers; with `zone`, only a zone
    under the user's unit."""
    if not is_active(user) or not (user.is_superuser or user.has_role(*MANAGER_ROLES)):
        return False
    return zone is None or zone_in_unit(user, zone)


def can_edit_templates(actor: Actor, zone) -> bool:
    """Change `zone`'s node templates (its own copy of a kind, made from the default on the first
    change, and restore the default): the zone's own leaders and administrators
    (actor.zone_id == zone.pk), not a city's or province's, who read them. `zone` None: the
    installation's defaults, which every zone without its own copy uses: superusers only."""
    if is_system(actor):
        return True
    if not is_active(actor):
        return False
    if actor.is_superuser:
        return True
    return (
        zone is not None
        and actor.zone_id is not None
        and actor.zone_id == zone.pk
        and actor.has_role(*MANAGER_ROLES)
    )


def can_view_replans(user) -> bool:
    """The list of re-plans to decide: the unit's staff and leaders (the list holds the ones the
    user may decide); department, enterprise, bank and security users follow no project's plan."""
    return can_view_dashboard(user)
