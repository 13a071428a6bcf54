"""A JSON body read against its botocore shape: the walks that turn it into boto3's params.

:func:`from_json` converts (timestamps to datetimes, base64 to bytes) and
keeps what does not fit as it came; :func:`checked` converts the same way and
notes in a list whatever model validation might refuse; :func:`body_checker`
compiles :func:`checked` once per structure into code that knows the model.
Shared by the REST-JSON codec's decoding; nothing here knows HTTP or SES.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import itertools
import math
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from pytest_ses._wire.validate import scalar_ok

if TYPE_CHECKING:
    from botocore.model import Shape

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class Member(NamedTuple):
    name: str
    wire: str  # the name on the wire: in JSON, the URI, the query string or the header
    location: str  # "" for the body
    shape: Shape


@cache
def shape_members(shape: Shape) -> tuple[Member, ...]:
    return tuple(
        Member(
            name,
            member.serialization.get("name", name),
            member.serialization.get("location", ""),
            member,
        )
        for name, member in shape.members.items()  # type: ignore[attr-defined]
    )


# Types whose JSON value is already the params' value.
AS_IS = frozenset(("string", "integer", "long", "boolean"))


@cache
def body_members(shape: Shape) -> dict[str, tuple[str, Shape, bool]]:
    """A structure's body members by wire name: (params name, shape, value taken as is)."""
    return {
        member.wire: (member.name, member.shape, member.shape.type_name in AS_IS)
        for member in shape_members(shape)
        if not member.location
    }


def from_json(value: Any, shape: Shape) -> Any:
    """A JSON value -> its params form; what does not fit the shape is kept as it came."""
    kind = shape.type_name
    if kind == "structure":
        if type(value) is not dict or shape.is_document_type:  # type: ignore[attr-defined]
            return value
        out = {}
        # The keys present, not every member of the model: most members are absent.
        members = body_members(shape)
        for key, item in value.items():
            found = members.get(key)
            if found is None or item is None:  # JSON null: absent, as botocore skips None
                continue
            name, member_shape, as_is = found
            out[name] = item if as_is else from_json(item, member_shape)
        return out
    if kind == "list":
        if type(value) is not list:
            return value
        item_shape = shape.member  # type: ignore[attr-defined]
        if item_shape.type_name in AS_IS:
            return list(value)
        return [None if item is None else from_json(item, item_shape) for item in value]
    if kind == "map":
        if type(value) is not dict:
            return value
        value_shape = shape.value  # type: ignore[attr-defined]
        return {k: None if v is None else from_json(v, value_shape) for k, v in value.items()}
    if kind in ("float", "double"):
        return float(value) if type(value) is int else value
    if kind == "timestamp":
        return timestamp(value)
    if kind == "blob":
        return blob(value)
    return value


@cache
def required_wires(shape: Shape) -> tuple[str, ...]:
    members = body_members(shape)
    required = shape.required_members
    return tuple(wire for wire, (name, _, _) in members.items() if name in required)


def checked(value: Any, shape: Shape, doubts: list[str]) -> Any:
    """:func:`from_json`, noting in ``doubts`` whatever model validation might refuse.

    Strict on purpose: a doubt only sends the request through the full check,
    which has the final word and AWS's wording.
    """
    kind = shape.type_name
    if kind == "structure":
        if type(value) is not dict or shape.is_document_type:  # type: ignore[attr-defined]
            doubts.append(kind)
            return value
        for wire in required_wires(shape):
            if value.get(wire) is None:
                doubts.append(wire)
        out = {}
        members = body_members(shape)
        for key, item in value.items():
            found = members.get(key)
            if found is None or item is None:
                continue
            name, member_shape, as_is = found
            if not as_is:
                out[name] = checked(item, member_shape, doubts)
                continue
            plain = type(item) is str and member_shape.type_name == "string"
            if not plain and not scalar_ok(member_shape.type_name, item):
                doubts.append(key)
            out[name] = item
        return out
    if kind == "list":
        if type(value) is not list:
            doubts.append(kind)
            return value
        item_shape = shape.member  # type: ignore[attr-defined]
        if item_shape.type_name == "string":
            if not all(type(item) is str for item in value):
                doubts.append(kind)
            return list(value)
        if None in value:
            doubts.append(kind)
        return [None if item is None else checked(item, item_shape, doubts) for item in value]
    if kind == "map":
        if type(value) is not dict:
            doubts.append(kind)
            return value
        value_shape = shape.value  # type: ignore[attr-defined]
        if None in value.values():
            doubts.append(kind)
        return {k: None if v is None else checked(v, value_shape, doubts) for k, v in value.items()}
    decoded = from_json(value, shape)
    if not scalar_ok(kind, decoded):
        doubts.append(kind)
    return decoded


# An endless supply of ``str`` for ``map(isinstance, items, _STR)``: a list's items checked in C.
_STR = itertools.repeat(str)


Checker = Callable[[dict[str, Any], list[str]], dict[str, Any]]


@cache
def body_checker(shape: Shape, validated: bool = False) -> Checker:
    """:func:`checked` for the structure ``shape``, compiled once into code that knows the model.

    A walk of the model per request costs several times more: here each
    structure the operation's input reaches becomes a function that looks only
    at the members present, its strings checked in one pass in C, its other
    members each by the function for its shape. It decodes in place (the dict
    is fresh from ``json.loads``; ``checked`` copies), leaving out members the
    model lacks and nulls as ``checked`` does, and notes a doubt wherever
    ``checked`` would; a member neither a scalar taken as is, nor a structure,
    nor a list of strings or structures, is handed to ``checked`` itself. Its
    input is what ``json.loads`` makes, nothing else.
    Model names reach the source only through generated identifiers.

    ``validated``: for a body botocore serialized from params its own validator
    passed. Those have every member the model's, each string a ``str``, each
    structure an object and each list an array, and no nulls: the functions
    skip those checks and visit only what leads to a member with more to
    check or decode (a number, a boolean, a blob, a timestamp, a map), where
    they do what the full checker does. Most SES requests have none: nothing
    is visited at all.
    """
    writer = _CheckerWriter(validated)
    top = writer.structure(shape)
    kind = "validated body" if validated else "checker"
    code = compile("\n".join(writer.sources), f"<pytest-ses {kind} {shape.name}>", "exec")
    names = writer.names
    namespace: dict[str, Any] = {"__builtins__": {}, **names}
    exec(code, namespace)
    # The tables of converters were filled with names: the functions exist only now.
    for key in writer.tables:
        namespace[key] = {wire: namespace[function] for wire, function in names[key].items()}
    built: Checker = namespace[top]
    return built


class _CheckerWriter:
    """Writes the source of :func:`body_checker`'s functions; their constants go in ``names``."""

    def __init__(self, validated: bool = False) -> None:
        self.validated = validated
        self.sources: list[str] = []
        self.functions: dict[str, str] = {}  # shape name -> function name
        self.tables: list[str] = []
        self.counter = itertools.count()
        self.names: dict[str, Any] = {
            "checked": checked, "_ok": scalar_ok, "_STR": _STR, "dict": dict, "list": list,
            "type": type, "str": str, "all": all, "map": map, "isinstance": isinstance,
            "AttributeError": AttributeError,
        }  # fmt: skip

    def define(self, name: str, lines: list[str]) -> str:
        self.sources.append("\n".join(lines) + "\n")
        return name

    def generic(self, name: str, shape: Shape) -> str:
        self.names[f"{name}_shape"] = shape
        return self.define(name, [f"def {name}(x, d):", f"    return checked(x, {name}_shape, d)"])

    def converter(self, member: Shape) -> str:
        """The function (value, doubts) -> value for a member that is not a scalar taken as is."""
        kind = member.type_name
        if kind == "structure" and not member.is_document_type:  # type: ignore[attr-defined]
            return self.structure(member)
        name = f"_c{next(self.counter)}"
        item = member.member if kind == "list" else None  # type: ignore[attr-defined]
        if item is not None and item.type_name == "string":
            return self.define(name, [
                f"def {name}(x, d):",
                "    if type(x) is not list or not all(map(isinstance, x, _STR)):",
                "        d.append('list')",
                "    return x",
            ])  # fmt: skip
        if item is not None and item.type_name == "structure" and not item.is_document_type:
            function = self.structure(item)
            if self.validated:  # an array of objects, no nulls
                return self.define(name, [
                    f"def {name}(x, d):", f"    return [{function}(i, d) for i in x]"
                ])  # fmt: skip
            return self.define(name, [
                f"def {name}(x, d):",
                "    if type(x) is not list:",
                "        d.append('list')",
                "        return x",
                "    if None in x:",
                "        d.append('list')",
                f"    return [None if i is None else {function}(i, d) for i in x]",
            ])  # fmt: skip
        return self.generic(name, member)

    def structure(self, struct: Shape) -> str:
        found = self.functions.get(struct.name)
        if found is not None:
            return found
        name = self.functions[struct.name] = f"_s{len(self.functions)}"
        members = body_members(struct)
        if any(wire != member for wire, (member, _, _) in members.items()):
            return self.generic(name, struct)  # renamed members (none in SES's models today)
        if self.validated:
            return self.validated_structure(name, struct)
        names = self.names
        names[f"{name}_known"] = frozenset(members)
        # Of JSON's values only an object has keys(): no type test on the way of a structure.
        lines = [
            f"def {name}(v, d):",
            "    try:",
            f"        complete = v.keys() <= {name}_known",
            "    except AttributeError:",
            "        d.append('structure')",
            "        return v",
            "    if not complete:",
            f"        v = {{k: x for k, x in v.items() if k in {name}_known}}",
            "    if None in v.values():",  # JSON null: absent, as botocore skips None
            "        v = {k: x for k, x in v.items() if x is not None}",
        ]
        required = frozenset(required_wires(struct))
        if required:
            names[f"{name}_required"] = required
            lines += [f"    if not {name}_required <= v.keys():", "        d.append('required')"]
        strings = frozenset(w for w, (_, m, _) in members.items() if m.type_name == "string")
        if strings and len(strings) == len(members):
            lines.append("    if not all(map(isinstance, v.values(), _STR)):")
            lines.append("        d.append('string')")
        elif strings:
            names[f"{name}_strings"] = strings
            lines.append(f"    present = map(v.__getitem__, v.keys() & {name}_strings)")
            lines.append("    if not all(map(isinstance, present, _STR)):")
            lines.append("        d.append('string')")
        others = {w: m.type_name for w, (_, m, plain) in members.items() if plain}
        for wire in strings:
            others.pop(wire, None)
        if others:
            names[f"{name}_others"] = others
            lines.append(f"    for k in v.keys() & {name}_others.keys():")
            lines.append(f"        if not _ok({name}_others[k], v[k]):")
            lines.append("            d.append(k)")
        nested = {w: self.converter(m) for w, (_, m, plain) in members.items() if not plain}
        if nested:
            names[f"{name}_nested"] = nested
            self.tables.append(f"{name}_nested")
            lines.append(f"    for k in v.keys() & {name}_nested.keys():")
            lines.append(f"        v[k] = {name}_nested[k](v[k], d)")
        lines.append("    return v")
        return self.define(name, lines)

    def validated_structure(self, name: str, struct: Shape) -> str:
        """:meth:`structure` for a body botocore validated: only what it did not check."""
        members = body_members(struct)
        others = {
            w: m.type_name
            for w, (_, m, plain) in members.items()
            if plain and m.type_name != "string"
        }
        nested = {
            w: self.converter(m)
            for w, (_, m, plain) in members.items()
            if not plain and _more_to_do(m, set())
        }
        lines = [f"def {name}(v, d):"]
        if others:
            self.names[f"{name}_others"] = others
            lines.append(f"    for k in v.keys() & {name}_others.keys():")
            lines.append(f"        if not _ok({name}_others[k], v[k]):")
            lines.append("            d.append(k)")
        if nested:
            self.names[f"{name}_nested"] = nested
            self.tables.append(f"{name}_nested")
            lines.append(f"    for k in v.keys() & {name}_nested.keys():")
            lines.append(f"        v[k] = {name}_nested[k](v[k], d)")
        lines.append("    return v")
        return self.define(name, lines)


def _more_to_do(shape: Shape, seen: set[str]) -> bool:
    """Whether a validated value of ``shape`` may hold something the validated checker must visit.

    Strings, lists of strings and structures of only those need nothing.
    """
    kind = shape.type_name
    if kind == "string":
        return False
    if kind == "list":
        return _more_to_do(shape.member, seen)  # type: ignore[attr-defined]
    if kind != "structure" or shape.is_document_type:  # type: ignore[attr-defined]
        return True
    if shape.name in seen:  # recursive: visited if anything else in it needs a visit
        return False
    seen.add(shape.name)
    return any(_more_to_do(member, seen) for member in shape.members.values())  # type: ignore[attr-defined]


def timestamp(raw: Any) -> Any:
    """Epoch seconds (a number or its text), ISO 8601 or RFC 822 -> an aware datetime."""
    if type(raw) is str:
        text = raw.strip()
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            try:
                return parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return raw
        return _from_epoch(number, raw)
    if type(raw) in (int, float):
        return _from_epoch(raw, raw)
    return raw


def _from_epoch(seconds: float, raw: Any) -> Any:
    if not math.isfinite(seconds):
        return raw
    try:
        return _EPOCH + dt.timedelta(seconds=seconds)
    except OverflowError:
        return raw


def blob(raw: Any) -> Any:
    if type(raw) is not str:
        return raw
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return raw
