"""Python's cycle collector paused around a bulk computation.

Reading and summing a province's rows makes hundreds of thousands of tuples, lists and dicts
(none of them in a cycle); each allocation threshold crossed runs a collection over every
tracked object, the older generations again and again: a third of the CPU time of the chains'
health (bench/chain_health.md). Cycles made inside the block are collected after it."""

import gc
from contextlib import contextmanager


@contextmanager
def no_gc():
    """Without the cycle collector inside the block (re-enabled after it, if it was on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
