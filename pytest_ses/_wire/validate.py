"""A decoded request checked against botocore's model, as AWS checks it before SES sees it.

Protocol-free: a codec decodes the wire into the params dict boto3 takes
(timestamps as datetimes, blobs as bytes), then asks :func:`problems` what is
wrong with it and answers :func:`validation_error` if anything is. Only
required members and types are checked here; enum values, patterns and lengths
are SES's own checks, made per operation with SES's own messages.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_ses._errors import SESError

# The range of the model's integer and long types (AWS rejects what Java cannot hold).
_BITS = {"integer": 31, "long": 63}
_EXPECTED = {
    "string": "a string",
    "integer": "an integer",
    "long": "a long integer",
    "float": "a finite number",
    "double": "a finite number",
    "boolean": "a boolean",
    "timestamp": "a timestamp",
    "blob": "binary data",
    "list": "a list",
    "map": "a map",
    "structure": "a structure",
}


def problems(value: Any, shape: Any, *, types: bool = True) -> list[str]:
    """What is wrong with ``value`` as ``shape`` (a botocore Shape), in AWS's words.

    An absent member and a member whose value is None are alike: null. Members
    the model does not have are ignored, as AWS ignores them. ``types=False``
    checks only that required members are present (scalars are not looked at).
    """
    if _valid(value, shape, types):  # the common case, without spelling out any path
        return []
    found: list[str] = []
    _check(value, shape, "", found, types)
    return found


def _valid(value: Any, shape: Any, types: bool) -> bool:
    """True when :func:`_check` would find nothing; False when it may find something.

    Walks only the members present, and leaves anything unusual (a Mapping that
    is no dict, a str subclass as a map key) to ``_check``, which is the authority.
    """
    kind = shape.type_name
    if kind == "structure":
        if type(value) is not dict:
            return False
        for name in shape.required_members:
            if value.get(name) is None:
                return False
        members = shape.members
        for name, item in value.items():
            member = members.get(name)
            if member is None or item is None:
                continue
            if type(item) is str:  # most members are strings: no call for them
                if types and member.type_name != "string":
                    return False
            elif not _valid(item, member, types):
                return False
        return True
    if kind == "list":
        if type(value) is not list:
            return False
        item_shape = shape.member
        if item_shape.type_name == "string":  # the common list, checked without a call an item
            if types:
                return all(type(item) is str for item in value)
            return all(item is not None for item in value)
        return all(item is not None and _valid(item, item_shape, types) for item in value)
    if kind == "map":
        if type(value) is not dict:
            return False
        value_shape = shape.value
        return all(
            type(key) is str and item is not None and _valid(item, value_shape, types)
            for key, item in value.items()
        )
    return not types or scalar_ok(kind, value)


def validation_error(found: Sequence[str], code: str = "ValidationError") -> SESError:
    """The 400 error (``code``) AWS answers for ``found`` (at least one problem)."""
    count = len(found)
    plural = "s" if count != 1 else ""
    return SESError(code, f"{count} validation error{plural} detected: " + "; ".join(found))


def _path(parent: str, name: str) -> str:
    # AWS names members in lowerCamelCase, nested with dots: 'destination.toAddresses'.
    name = name[:1].lower() + name[1:]
    return f"{parent}.{name}" if parent else name


def _null(path: str) -> str:
    return f"Value null at '{path}' failed to satisfy constraint: Member must not be null"


def _check(value: Any, shape: Any, path: str, found: list[str], types: bool) -> None:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, Mapping):
            if types:
                found.append(_wrong(value, path, kind))
            return
        required = shape.required_members
        for name, member in shape.members.items():
            item = value.get(name)
            if item is None:
                if name in required:
                    found.append(_null(_path(path, name)))
            else:
                _check(item, member, _path(path, name), found, types)
    elif kind == "list":
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
            if types:
                found.append(_wrong(value, path, kind))
            return
        for index, item in enumerate(value, 1):
            where = f"{path}.{index}.member"  # AWS's form: 'tags.1.member.name'
            if item is None:
                found.append(_null(where))
            else:
                _check(item, shape.member, where, found, types)
    elif kind == "map":
        # A codec's skeleton of a map (checked with types=False) need only have items().
        if not isinstance(value, Mapping) and (types or not hasattr(value, "items")):
            if types:
                found.append(_wrong(value, path, kind))
            return
        for key, item in value.items():
            if types and not isinstance(key, str):
                found.append(_wrong(key, path, "string"))
            where = f"{path}.{key}"
            if item is None:
                found.append(_null(where))
            else:
                _check(item, shape.value, where, found, types)
    elif types and not scalar_ok(kind, value):
        found.append(_wrong(value, path, kind))


def scalar_ok(kind: str, value: Any) -> bool:
    """Whether ``value`` is of the model's scalar type ``kind``."""
    if kind == "string":
        return isinstance(value, str)
    if kind in _BITS:
        limit = 1 << _BITS[kind]
        return type(value) is int and -limit <= value < limit
    if kind == "boolean":
        return type(value) is bool
    if kind in ("float", "double"):
        return type(value) in (int, float) and math.isfinite(value)
    if kind == "timestamp":
        return isinstance(value, dt.datetime)
    if kind == "blob":
        return isinstance(value, (bytes, bytearray))
    return True  # a type botocore may add later: not this module's to refuse


def _wrong(value: Any, path: str, kind: str) -> str:
    shown = value if isinstance(value, str) else repr(value)
    if len(shown) > 64:
        shown = shown[:61] + "..."
    expected = _EXPECTED.get(kind, kind)
    return f"Value '{shown}' at '{path}' failed to satisfy constraint: Member must be {expected}"
