import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """The tests read the refusals in English (the Chinese ones are the catalogue's)."""
    with translation.override("en"):
        yield
