from django.core.management.base import BaseCommand, CommandError

from zonedesk.core.actors import SYSTEM
from zonedesk.core.audit import RequestContext, current_context
from zonedesk.core.errors import ValidationFailed
from zonedesk.org import mfa, selectors


class Command(BaseCommand):
    help = (
        "Two-step verification: `second_factor remove USER` removes a user's authenticator and "
        "recovery codes (a lost phone; for a superuser, whom no security administrator may "
        "reset); the user sets up a new one at the next log-in. Audited as the system."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remove"])
        parser.add_argument("username")

    def handle(self, *args, action, username, **options):
        current_context.set(RequestContext(via="command"))
        user = selectors.user_for_command(username)
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            mfa.otp_remove(actor=SYSTEM, user=user)
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Removed the second factor of {username}.")
