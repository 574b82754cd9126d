from django.core.management.base import BaseCommand, CommandError

from zonedesk.core.audit import RequestContext, current_context
from zonedesk.org.models import User
from zonedesk.org.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user: zonedesk token create USERNAME [--name NAME]"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, action, username, name, **options):
        current_context.set(RequestContext(via="command"))
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        _row, token = api_token_create(actor=None, user=user, name=name)
        self.stdout.write(token)
