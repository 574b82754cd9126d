from django.utils.translation import gettext_lazy as _

# The modules of the platform in the order of a zone's work summary; those without a
# URL are shown as coming, so users see where the platform is going.
MODULES = [
    ("home", _("Overview"), "home"),
    ("enterprises", _("Enterprises"), "enterprises:list"),
    ("monitoring", _("Production monitoring"), None),
    ("casework", _("Liaison & problems"), None),
    ("policies", _("Support policies"), None),
    ("projects", _("Key projects"), None),
    ("finance", _("Financing"), None),
    ("chain", _("Industrial chains"), None),
    ("reports", _("Work summary"), None),
]


def navigation(request):
    match = getattr(request, "resolver_match", None)
    current = (match.namespace or match.url_name) if match else ""
    return {"nav_modules": MODULES, "nav_current": current}
