from .bridge import *  # noqa: F403
