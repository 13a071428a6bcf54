"""Random identifiers in UUID form, cheaper than ``uuid.uuid4()`` on the per-call path."""

from __future__ import annotations

import os
import random

_random = random.Random()  # seeded from the OS; ids need to be unique, not secret
_bits = _random.getrandbits
# The variant digit of a version-4 UUID is 8, 9, a or b: any random hex digit maps to one.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
_BATCH = 256
_ready: list[str] = []


def new_uuid() -> str:
    """A random version-4 UUID in its canonical 8-4-4-4-12 text form.

    Made a batch at a time: one tight loop now and then costs less than the
    same work spread over every call, between which botocore's own code runs.
    """
    try:
        return _ready.pop()
    except IndexError:
        _ready.extend([_uuid() for _ in range(_BATCH)])
        return _ready.pop()


def _uuid() -> str:
    h = f"{_bits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


def _after_fork() -> None:
    # A forked child must not hand out its parent's ids.
    _random.seed()
    _ready.clear()


os.register_at_fork(after_in_child=_after_fork)
