from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from zonedesk import views
from zonedesk.api.api import api
from zonedesk.org import views as org_views

admin.site.site_header = _("zonedesk site administration")
admin.site.site_title = "zonedesk"

handler400 = "zonedesk.views.bad_request"
handler404 = "zonedesk.views.not_found"
handler500 = "zonedesk.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.landing, name="landing"),
    path("health/", views.health, name="health"),
    path("accounts/login/", org_views.login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", org_views.password_change, name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("zonedesk.org.urls")),
    path("enterprises/", include("zonedesk.enterprises.urls")),
    path("monitoring/", include("zonedesk.monitoring.urls")),
    path("policies/", include("zonedesk.policies.urls")),
    path("casework/", include("zonedesk.casework.urls")),
    path("projects/", include("zonedesk.projects.urls")),
    path("finance/", include("zonedesk.finance.urls")),
    path("leads/", include("zonedesk.chain.leads_urls")),
    path("chain/", include("zonedesk.chain.urls")),
    path("reports/", include("zonedesk.reports.urls")),
    path("notices/", include("zonedesk.notices.urls")),
    path("zones/", org_views.zone_list, name="zones"),
    path("audit/", org_views.audit_log, name="audit_log"),
    path("audit/export/", org_views.audit_export, name="audit_export"),
    path("users/", org_views.user_list, name="users"),
    path("users/new/", org_views.user_create, name="user_create"),
    path("users/<int:pk>/edit/", org_views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", org_views.user_password, name="user_password"),
    path(
        "users/<int:pk>/second-factor/remove/",
        org_views.user_second_factor_remove,
        name="user_second_factor_remove",
    ),
    path("lockouts/", org_views.lockouts, name="lockouts"),
    path("lockouts/<int:pk>/lift/", org_views.lockout_lift, name="lockout_lift"),
    path("api/v1/", api.urls),
    # The site administration changes passwords through the page above (org.services).
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
]
