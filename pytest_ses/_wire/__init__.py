"""The front doors' codecs: one module per AWS protocol, generic over a service model.

``query`` speaks SES v1's Query protocol. What every transport (the in-process
hook, the aiobotocore hook, the loopback server) reads off a request besides
its body lives here, so that none of them imports another.
"""

from __future__ import annotations

from typing import Any


def sdk_attempt(header: Any) -> int:
    """botocore's attempt number from its ``amz-sdk-request`` header (1 when absent)."""
    if not header:
        return 1
    text = header.decode("ascii") if isinstance(header, bytes) else str(header)
    for part in text.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "attempt" and value.isdigit():
            return int(value)
    return 1
