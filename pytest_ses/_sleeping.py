"""``virtual_sleep``: the application's own ``time.sleep`` on the fake's virtual clock.

Only sleeps in the thread that started the fake are virtual: that is the
test's own code path. A background thread that polls in a sleep loop would
spin if its sleeps took no time, so other threads sleep for real.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def virtual_sleep(advance: Callable[[float], None]) -> Iterator[None]:
    """Make ``time.sleep`` in this thread call ``advance(seconds)`` until the block ends."""
    real = time.sleep
    owner = threading.get_ident()

    def sleep(seconds: float) -> None:
        if threading.get_ident() != owner:
            real(seconds)
            return
        if seconds < 0:
            real(seconds)  # the same ValueError as the real sleep
        advance(float(seconds))

    time.sleep = sleep  # type: ignore[assignment]  # takes what the real one takes
    try:
        yield
    finally:
        time.sleep = real
