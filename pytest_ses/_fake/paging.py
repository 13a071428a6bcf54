"""Opaque NextToken paging over a sorted list of names, shared by the List* operations."""

from __future__ import annotations

import base64
import binascii
import bisect

from pytest_ses._errors import invalid_parameter

_PREFIX = "pytest-ses:1:"


def page(
    names: list[str],
    next_token: str | None,
    max_items: int | None,
    *,
    limit: int,
    label: str = "MaxItems",
) -> tuple[list[str], str | None]:
    """One page of the sorted ``names`` and the token for the next page, if any.

    The token names the last item returned, so a page never repeats or skips
    an item even when items are added or deleted between calls.
    """
    size = limit if max_items is None else max_items
    if not 1 <= size <= limit:
        raise invalid_parameter(f"{label} must be between 1 and {limit}, got {size}.")
    start = 0
    if next_token:
        start = bisect.bisect_right(names, _decode(next_token))
    chunk = names[start : start + size]
    more = start + size < len(names)
    return chunk, (_encode(chunk[-1]) if more and chunk else None)


def _encode(last: str) -> str:
    return base64.urlsafe_b64encode((_PREFIX + last).encode("utf-8")).decode("ascii")


def _decode(token: str) -> str:
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (binascii.Error, ValueError):
        text = ""
    if not text.startswith(_PREFIX):
        raise invalid_parameter(f"Invalid NextToken: {token!r}.")
    return text[len(_PREFIX) :]
