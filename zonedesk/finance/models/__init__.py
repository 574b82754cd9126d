"""The financing tables, one module per topic: needs, bank products and consents (needs); the
bridge-loan fund and the lending and guarantee register (bridge)."""

from .bridge import *  # noqa: F403
from .needs import *  # noqa: F403
