"""Who acts in a service: a signed-in user, or the system itself.

Every service takes `actor: Actor` and checks it; there is no "no actor" that skips the checks.
The demo loader, management commands and the background worker act as a `SystemActor`, which
passes every permission check on purpose and is audited under its own name ("system", or
"system:demo" for the demo loader), with no user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # the user model lives further up the layers (org); only its type is named
    from zonedesk.org.models import User


class SystemActor:
    """The operator's commands, the demo loader and the worker: sees and may do everything."""

    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    zone_id = None
    area_id = None
    zone = None
    area = None
    department = None
    department_id = None

    def __init__(self, name: str = "system"):
        self.username = name

    def has_role(self, *roles) -> bool:
        return True

    def __str__(self) -> str:
        return self.username

    def __repr__(self) -> str:
        return f"SystemActor({self.username!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, SystemActor) and other.username == self.username

    def __hash__(self) -> int:
        return hash(("SystemActor", self.username))


SYSTEM = SystemActor()

Actor: TypeAlias = "User | SystemActor"


def is_system(actor: Actor) -> bool:
    return isinstance(actor, SystemActor)


def user_or_none(actor: Actor) -> User | None:
    """The user to store in a `created_by`-like foreign key: none for the system."""
    if actor is None:
        raise TypeError("a service needs an actor: a user or core.actors.SYSTEM")
    return None if is_system(actor) else actor
