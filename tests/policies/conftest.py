import pytest

from tests.factories import figures


@pytest.fixture
def setting(world):
    """The world with June figures: firm_a 50 employees, firm_a2 10, firm_b (重庆) 80."""
    figures(world.firm_a, 50)
    figures(world.firm_a2, 10)
    figures(world.firm_b, 80)  # 重庆: outside Sichuan's documents
    return world
