"""`zonedesk changepassword USER`: Django's command, setting the password through org.services
(the same rules, history, change date and audit as every other way)."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from zonedesk.core.actors import SYSTEM
from zonedesk.core.audit import RequestContext, current_context
from zonedesk.core.errors import ValidationFailed
from zonedesk.org import selectors, services

TRIES = 3


class Command(BaseCommand):
    help = "Change a user's password (asked twice, checked against the password rules)."
    requires_migrations_checks = True

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        current_context.set(RequestContext(via="command"))
        user = selectors.user_for_command(username)
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        self.stdout.write(f"Changing password for user '{user.username}'")
        for _try in range(TRIES):
            first = getpass.getpass("Password: ")
            if first != getpass.getpass("Password (again): "):
                self.stderr.write("Passwords do not match. Please try again.")
                continue
            try:
                services.user_set_password(actor=SYSTEM, user=user, password=first)
            except ValidationFailed as exc:
                self.stderr.write("\n".join(exc.errors.get("password", [exc.message])))
                continue
            self.stdout.write(f"Password changed successfully for user '{user.username}'")
            return
        raise CommandError(
            f"Aborting password change for user '{user.username}' after {TRIES} attempts"
        )
