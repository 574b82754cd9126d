from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# The modules of the platform in the order of a zone's work summary; those without a
# URL are shown as coming, so users see where the platform is going.
MODULES = [
    ("home", _("Overview"), "home"),
    ("enterprises", _("Enterprises"), "enterprises:list"),
    ("monitoring", _("Production monitoring"), "monitoring:dashboard"),
    ("casework", _("Liaison & problems"), "casework:problems"),
    ("policies", _("Support policies"), "policies:index"),
    ("projects", _("Key projects"), "projects:list"),
    ("projects_dashboard", _("Project dashboard"), "projects:dashboard"),
    ("finance", _("Financing"), "finance:index"),
    ("finance_bridge", _("Bridge-loan fund"), "finance:bridge_loans"),
    ("finance_lending", _("Lending between firms"), "finance:lending"),
    ("chain", _("Industrial chains"), "chain:list"),
    ("leads", _("Investment leads"), "leads:list"),
    ("reports", _("Work summary"), "reports:summary"),
]


# Modules whose pages only some roles may open: the predicate decides whether to link them.
# (Named by path: the kernel does not import the domain apps.)
VISIBLE_TO = {
    "monitoring": "zonedesk.org.access.can_view_dashboard",
    "reports": "zonedesk.org.access.can_view_dashboard",  # who sees the zone's dashboard
    "projects": "zonedesk.projects.access.can_view_projects",
    "projects_dashboard": "zonedesk.projects.access.can_view_dashboard",
    # a bank's account sees no firm's records: the firm list and casework are not linked for it
    "enterprises": "zonedesk.org.access.sees_firm_records",
    "casework": "zonedesk.org.access.sees_firm_records",
    "finance": "zonedesk.finance.access.can_view_finance",
    "finance_bridge": "zonedesk.finance.access.can_view_bridge",
    "finance_lending": "zonedesk.finance.access.can_view_register",
    "leads": "zonedesk.chain.leads_access.can_view_leads",
    "chain": "zonedesk.chain.access.can_view_chains",
}


# Administration pages below the modules, each linked for the users its predicate admits:
# (url name, label, predicate).
ADMIN_PAGES = [
    ("lockouts", _("Log-in locks"), "zonedesk.org.access.can_manage_security"),
]


# Modules that are a part of another app's URL namespace: (namespace, url-name prefix, key).
# A page whose name is the prefix or starts with it and "_" lights up that module, not the app's
# own item (the bridge fund's and the lending register's pages are not 融资对接's).
SUBSECTIONS = [
    ("finance", "bridge", "finance_bridge"),
    ("finance", "lending", "finance_lending"),
]


def nav_key(namespace: str, url_name: str) -> str:
    """The sidebar item of a page: the most specific subsection that claims it, else its app."""
    best, length = namespace or url_name or "", -1
    for space, prefix, key in SUBSECTIONS:
        if (
            space == namespace
            and url_name
            and (url_name == prefix or url_name.startswith(prefix + "_"))
        ) and len(prefix) > length:
            best, length = key, len(prefix)
    return best


def navigation(request):
    match = getattr(request, "resolver_match", None)
    current = nav_key(match.namespace, match.url_name) if match else ""
    user = getattr(request, "user", None)
    modules = [
        m for m in MODULES if m[0] not in VISIBLE_TO or import_string(VISIBLE_TO[m[0]])(user)
    ]
    admin_pages = [
        (url_name, label)
        for url_name, label, allowed in ADMIN_PAGES
        if user is not None and import_string(allowed)(user)
    ]
    return {"nav_modules": modules, "nav_current": current, "nav_admin": admin_pages}
