"""Random identifiers in UUID form, cheaper than ``uuid.uuid4()`` on the per-call path."""

from __future__ import annotations

import random

_bits = random.Random().getrandbits  # seeded from the OS; ids need to be unique, not secret
# The variant digit of a version-4 UUID is 8, 9, a or b: any random hex digit maps to one.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def new_uuid() -> str:
    """A random version-4 UUID in its canonical 8-4-4-4-12 text form."""
    h = f"{_bits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"
