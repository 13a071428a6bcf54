"""Random identifiers in UUID form, for request and message ids."""

from __future__ import annotations

import os
import struct

# Version 4 and the RFC 4122 variant, as uuid.uuid4() sets them.
_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (0x4000 << 64) | (0x8000 << 48)
# The five groups of the 32 hex digits, cut in one call rather than five slices.
_GROUPS = struct.Struct("8s4s4s4s12s").unpack


def new_uuid() -> str:
    """A random version-4 UUID in its canonical text form (from os.urandom: fork-safe).

    The same text as ``str(uuid.uuid4())``, made without a ``UUID`` object:
    every request makes one and every message another.
    """
    digits = b"%032x" % (int.from_bytes(os.urandom(16), "big") & _CLEAR | _SET)
    return b"-".join(_GROUPS(digits)).decode("ascii")
