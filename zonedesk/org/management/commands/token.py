from django.core.management.base import BaseCommand, CommandError

from zonedesk.core.actors import SYSTEM
from zonedesk.core.audit import RequestContext, current_context
from zonedesk.org import selectors, services


class Command(BaseCommand):
    help = (
        "API tokens: `token create USER [--name NAME]` prints a new token (shown once); "
        "`token list USER`; `token revoke USER PREFIX`."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("username")
        parser.add_argument("prefix", nargs="?", help="the token's first 8 characters after zd_")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, action, username, prefix, name, **options):
        current_context.set(RequestContext(via="command"))
        user = selectors.user_for_command(username)
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if action == "create":
            _row, token = services.api_token_create(actor=SYSTEM, user=user, name=name)
            self.stdout.write(token)
            return
        tokens = selectors.api_token_list(user)
        if action == "list":
            for t in tokens:
                used = t.last_used_at.isoformat() if t.last_used_at else "never"
                self.stdout.write(
                    f"{t.prefix}  {t.name}  created {t.created_at:%Y-%m-%d}  last used {used}"
                )
            return
        matches = [t for t in tokens if prefix and t.prefix == prefix]
        if len(matches) != 1:
            raise CommandError(f"No token of {username!r} starts with {prefix!r}.")
        services.api_token_revoke(actor=SYSTEM, token=matches[0])
        self.stdout.write(f"Revoked {matches[0]}.")
