from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "zonedesk.monitoring"
    label = "monitoring"
    verbose_name = _("Production monitoring")

    def ready(self):
        # Cache invalidation is what signals are for here (STYLE.md): a firm's single saves
        # and deletes reach the dashboards; bulk writes announce themselves (firms_changed).
        from django.db.models.signals import post_delete, post_save

        from zonedesk.enterprises.models import Enterprise
        from zonedesk.monitoring import pagecache

        post_save.connect(
            pagecache.on_enterprise_changed, sender=Enterprise, dispatch_uid="pagecache-saved"
        )
        post_delete.connect(
            pagecache.on_enterprise_changed, sender=Enterprise, dispatch_uid="pagecache-deleted"
        )
