"""zonedesk import_purge: drop the monthly imports' previews left waiting for a confirmation
longer than ZONEDESK_IMPORT_PREVIEW_HOURS (24), with their files; each is audited. Run hourly by
deploy/systemd/zonedesk-import-purge.timer."""

from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.core.commands import LANGUAGES, actor, add_language_argument
from zonedesk.monitoring import services


class Command(BaseCommand):
    help = (
        "Drop the monthly imports' previews never confirmed nor cancelled within "
        "ZONEDESK_IMPORT_PREVIEW_HOURS (24), and their uploaded files."
    )

    def add_arguments(self, parser):
        add_language_argument(parser)

    def handle(self, *args, **options):
        with translation.override(LANGUAGES[options["lang"]]):
            purged = services.import_previews_purge(actor=actor(None))
            self.stdout.write(
                _("%(n)d import previews older than %(hours)d hours dropped, with their files.")
                % {"n": purged, "hours": int(services.preview_valid().total_seconds() // 3600)}
            )
