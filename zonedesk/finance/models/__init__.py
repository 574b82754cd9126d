"""The financing tables, one module per topic: needs, bank products and consents (needs)."""

from .needs import *  # noqa: F403
