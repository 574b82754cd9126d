from django.core.management.base import BaseCommand, CommandError

from zonedesk.core.actors import SYSTEM
from zonedesk.core.audit import RequestContext, current_context
from zonedesk.core.errors import ValidationFailed
from zonedesk.org import selectors, services


class Command(BaseCommand):
    help = (
        "API tokens: `token create USER [--name NAME] [--days N]` prints a new token (shown "
        "once); `token list USER`; `token revoke USER PREFIX`."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("username")
        parser.add_argument("prefix", nargs="?", help="the token's first 8 characters after zd_")
        parser.add_argument("--name", default="cli")
        parser.add_argument(
            "--days", type=int, default=None, help="valid for N days (default and most: 90)"
        )

    def handle(self, *args, action, username, prefix, name, days, **options):
        current_context.set(RequestContext(via="command"))
        user = selectors.user_for_command(username)
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if action == "create":
            try:
                _row, token = services.api_token_create(
                    actor=SYSTEM, user=user, name=name, days=days
                )
            except ValidationFailed as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(token)
            return
        tokens = selectors.api_token_list(user)
        if action == "list":
            for t in tokens:
                used = t.last_used_at.isoformat() if t.last_used_at else "never"
                state = "revoked" if t.revoked_at else "expired" if t.expired else "valid"
                self.stdout.write(
                    f"{t.prefix}  {t.name}  created {t.created_at:%Y-%m-%d}  last used {used}"
                    f"  expires {t.expires_at:%Y-%m-%d}  {state}"
                )
            return
        matches = [t for t in tokens if prefix and t.prefix == prefix and not t.revoked_at]
        if len(matches) != 1:
            raise CommandError(f"No token of {username!r} starts with {prefix!r}.")
        services.api_token_revoke(actor=SYSTEM, token=matches[0])
        self.stdout.write(f"Revoked {matches[0]}.")
