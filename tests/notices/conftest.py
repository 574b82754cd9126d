import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """The service tests read the messages in English (the Chinese ones are the catalogue's)."""
    with translation.override("en"):
        yield


@pytest.fixture
def mailed(world):
    """The officer and the leader of zone_a have an e-mail address."""
    for name in ("officer", "leader", "officer2"):
        user = world.users[name]
        user.email = f"{name}@zone-a.example.cn"
        user.save(update_fields=["email"])
    return world
