"""Random identifiers in UUID form, for request and message ids."""

from __future__ import annotations

import uuid


def new_uuid() -> str:
    """A random version-4 UUID in its canonical text form (from os.urandom: fork-safe)."""
    return str(uuid.uuid4())
