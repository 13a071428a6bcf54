"""Random identifiers in UUID form, cheaper than ``uuid.uuid4()`` on the per-call path."""

from __future__ import annotations

import random

_random = random.Random()  # seeded from the OS; ids need to be unique, not secret


def new_uuid() -> str:
    """A random version-4 UUID in its canonical 8-4-4-4-12 text form."""
    bits = (
        (_random.getrandbits(128) & ~(0xF000 << 64) & ~(0xC << 60)) | (0x4000 << 64) | (0x8 << 60)
    )
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
