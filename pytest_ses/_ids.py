"""Random identifiers in UUID form, for request and message ids."""

from __future__ import annotations

import os
import random
import struct

# Version 4 and the RFC 4122 variant, as uuid.uuid4() sets them.
_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (0x4000 << 64) | (0x8000 << 48)
# The five groups of the 32 hex digits, cut in one call rather than five slices.
_GROUPS = struct.Struct("8s4s4s4s12s").unpack

# A generator of our own: the fake never draws from (or disturbs) the ``random``
# module that the code under test may seed. Seeded from os.urandom, and again in
# every forked child, so that no two processes hand out the same ids; drawing
# from it costs no system call, unlike os.urandom for each id.
_random = random.Random(os.urandom(32))
_bits = _random.getrandbits


def _reseed() -> None:
    _random.seed(os.urandom(32))


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_reseed)


def new_uuid() -> str:
    """A random version-4 UUID in its canonical text form.

    The same text as ``str(uuid.uuid4())``, made without a ``UUID`` object:
    every request makes one and every message another.
    """
    return b"-".join(_GROUPS(b"%032x" % (_bits(128) & _CLEAR | _SET))).decode("ascii")
