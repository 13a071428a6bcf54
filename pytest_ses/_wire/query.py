"""The AWS Query protocol, driven by botocore's service model.

Generic over any Query operation: requests are decoded into the very params
dict boto3 takes, results are encoded into the XML botocore's ``QueryParser``
reads, and :class:`SESError` becomes the ``<ErrorResponse>`` envelope. Nothing
here knows what an SES operation means.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from urllib.parse import unquote_plus
from xml.sax.saxutils import escape as _escape

from pytest_ses._errors import SESError
from pytest_ses._ids import new_uuid
from pytest_ses._model import service_model
from pytest_ses._wire.validate import problems, validation_error

if TYPE_CHECKING:
    from botocore.model import OperationModel


# Characters XML 1.0 cannot carry (and lone surrogates, which UTF-8 cannot):
# error messages may quote user input, so they are replaced, never sent.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# Text that needs neither: what XML 1.0 holds, less "&", "<" and ">". Nearly every value
# (ids, addresses, names) is such text, found so in one match instead of four passes.
_PLAIN_XML = re.compile(
    "[\x09\x0a\x0d\x20-\x25\x27-\x3b\x3d\x3f-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*"
)


def escape(text: str) -> str:
    """XML-escape ``text``, replacing what XML cannot hold with U+FFFD."""
    if _PLAIN_XML.fullmatch(text):
        return text
    return _escape(_NOT_XML.sub("\ufffd", text))


class Backend(Protocol):
    """What the codec answers with: the fake, seen from the wire."""

    def dispatch(
        self, region: str, operation: str, params: dict[str, Any], attempt: int, service: str
    ) -> dict[str, Any]: ...


class WireError(ValueError):
    """The request could not be decoded (only seen from hand-made requests)."""


class _Invalid(Exception):
    """A field the fast decoder cannot take: decoded again, leniently, and checked."""


def respond(backend: Backend, region: str, body: bytes, attempt: int = 1) -> tuple[int, bytes]:
    """Answer one Query request body: (HTTP status, XML body)."""
    try:
        fields = _form_fields(body.decode("utf-8"))
    except UnicodeDecodeError:
        return _error_response(
            SESError("MalformedQueryString", "The request body is not UTF-8."), new_uuid()
        )
    return respond_fields(backend, region, fields, attempt)


def respond_fields(
    backend: Backend, region: str, fields: Mapping[str, Any], attempt: int = 1
) -> tuple[int, bytes]:
    """Answer one Query request given its form fields (left as they are).

    Values may be botocore's unencoded ones (an ``int`` for an integer member),
    which the decoders take as readily as text.
    """
    request_id = new_uuid()
    action = fields.get("Action", "")
    if not action:
        return _error_response(
            SESError("MissingAction", "The request must contain the parameter Action."), request_id
        )
    operation = _operation(action)
    if operation is None:
        # An action SES does not have at all is an SES error. An SES operation
        # the fake does not emulate reaches the fake, which records and refuses it.
        return _error_response(
            SESError("InvalidAction", f"The action {action} is not valid for this web service."),
            request_id,
        )
    try:
        params = decode(fields, operation)
    except WireError as exc:
        return _error_response(SESError("InvalidParameterValue", str(exc)), request_id)
    except SESError as exc:
        return _error_response(exc, request_id)
    try:
        result = backend.dispatch(region, action, params, attempt, "ses")
    except SESError as exc:
        return _error_response(exc, request_id)
    return 200, encode_result(operation, result, request_id)


@lru_cache(maxsize=256)
def _operation(action: str) -> OperationModel | None:
    """The model of ``action``, or None if SES has no such action (a cheap lookup per call)."""
    try:
        return service_model().operation_model(action)
    except Exception:  # botocore raises OperationNotFoundError
        return None


# -- decoding ------------------------------------------------------------------------------------


def _form_fields(body: str) -> dict[str, str]:
    """``application/x-www-form-urlencoded`` -> dict (the last value of a repeated name wins).

    The same result as ``dict(parse_qsl(body, keep_blank_values=True))``, without
    unquoting the many fields that need none.
    """
    fields = {}
    for pair in body.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if "%" in value or "+" in value:
            value = unquote_plus(value)
        fields[name] = value
    return fields


@cache
def _members(shape: Any) -> tuple[tuple[str, str, Any], ...]:
    """(member name, wire name, member shape) of a structure, read once per shape."""
    return tuple(
        (name, member.serialization.get("name", name), member)
        for name, member in shape.members.items()
    )


def decode(fields: Mapping[str, Any], operation: OperationModel) -> dict[str, Any]:
    """Form fields -> params as boto3 accepts them (``Action`` and ``Version`` are ignored).

    Raises the ``ValidationError`` AWS gives when a required member is missing
    or a value is not of its member's type, so no handler meets either.

    The shape of the result depends only on which keys are present, and an
    application sends the same layout again and again: each layout is turned
    once into a function that builds the params (:func:`_decoder`), which
    later requests of that layout just call. Whether the layout holds every
    required member is decided then too; per request, only the values' types
    are left to check, inside the compiled function.
    """
    shape = operation.input_shape
    if shape is None:
        return {}
    keys = tuple(fields)
    try:
        params: dict[str, Any] = _decoder(shape, keys, False)(fields)  # a structure: a dict
    except _Invalid:
        if None in fields.values():  # botocore's value for a member given as None: absent
            return decode({k: v for k, v in fields.items() if v is not None}, operation)
        found = problems(_decoder(shape, keys, True)(fields), shape)
        raise validation_error(found) from None
    return params


@lru_cache(maxsize=1024)
def _decoder(
    shape: Any, keys: tuple[str, ...], lenient: bool
) -> Callable[[Mapping[str, Any]], Any]:
    """A function building the params of ``shape`` from fields with exactly ``keys``.

    It is one Python expression (dict and list displays whose leaves index the
    fields), compiled once: a walk of the model per request would cost several
    times more. Keys reach the source only through ``repr``. The strict
    function raises :class:`_Invalid` for a layout missing a required member or
    a value not of its type; the ``lenient`` one keeps such a value as it came,
    for :func:`problems` to name.
    """
    present = frozenset(keys)
    prefixes: set[str] = set()
    for field in present:  # every dotted prefix of every key: which members are present
        key = field
        while key not in prefixes:
            prefixes.add(key)
            cut = key.rfind(".")
            if cut < 0:
                break
            key = key[:cut]
    skeleton = _walk(present, prefixes, shape, "")
    if not lenient and problems(skeleton, shape, types=False):
        return _incomplete
    converters: dict[str, Callable[[Any, str], Any]] = {}
    source = _expression(skeleton, converters, lenient)
    names = {"_str": str, "_type": type, "_invalid": _invalid, **converters}
    built: Callable[[Mapping[str, Any]], Any] = _compiled(f"lambda f: {source}", "decoder", names)
    return built


def _incomplete(fields: Mapping[str, Any]) -> Any:
    raise _Invalid


def _invalid(raw: Any, name: str) -> Any:
    raise _Invalid


def _compiled(source: str, what: str, names: Mapping[str, Any]) -> Any:
    """Evaluate generated ``source`` (a lambda) with only ``names`` in scope."""
    code = compile(source, f"<pytest-ses {what}>", "eval")
    return eval(code, {"__builtins__": {}, **names})


def _expression(node: Any, converters: dict[str, Callable[[Any, str], Any]], lenient: bool) -> str:
    """Python source that evaluates a skeleton node against the fields ``f``."""
    kind = type(node)
    if kind is _Leaf:
        key = repr(node.key)
        if node.kind == "string":
            if lenient:
                return f"f[{key}]"
            # Text over HTTP; botocore's own value in process, which may be anything
            # when its validation is off.
            return f"(v if _type(v := f[{key}]) is _str else _invalid(v, {key}))"
        name = f"_{node.kind}{'_lenient' if lenient else ''}"
        convert = _SCALARS.get(node.kind, _string)
        converters[name] = _keeping(convert) if lenient else convert
        return f"{name}(f[{key}], {key})"
    if kind is dict:
        items = ", ".join(
            f"{name!r}: {_expression(v, converters, lenient)}" for name, v in node.items()
        )
        return "{" + items + "}"
    if kind is list:
        return "[" + ", ".join(_expression(v, converters, lenient) for v in node) + "]"
    entries = ", ".join(
        f"{_expression(k, converters, lenient)}: {_expression(v, converters, lenient)}"
        for k, v in node.entries
    )
    return "{" + entries + "}"


def _keeping(convert: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    """``convert``, keeping a value it cannot take as it came (for the validator to name)."""

    def lenient(raw: Any, name: str) -> Any:
        try:
            return convert(raw, name)
        except _Invalid:
            return raw

    return lenient


class _Leaf(NamedTuple):
    """A scalar in a skeleton: the form key holding it and its model type."""

    key: str
    kind: str


class _Map(NamedTuple):
    """A map in a skeleton: (key skeleton, value skeleton) per entry."""

    entries: tuple[tuple[Any, Any], ...]

    def items(self) -> tuple[tuple[Any, Any], ...]:
        """The entries, as the validator reads a map."""
        return self.entries


def _walk(keys: frozenset[str], prefixes: set[str], shape: Any, prefix: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        out: dict[str, Any] = {}
        for name, wire, member in _members(shape):
            key = f"{prefix}.{wire}" if prefix else wire
            if key in prefixes:
                out[name] = _walk(keys, prefixes, member, key)
        return out
    if kind == "list":
        if prefix in keys:  # ``Name=`` alone: the Query protocol's empty list
            return []
        if shape.serialization.get("flattened"):
            base = prefix
        else:
            base = f"{prefix}.{shape.member.serialization.get('name', 'member')}"
        items = []
        index = 1
        while f"{base}.{index}" in prefixes:
            items.append(_walk(keys, prefixes, shape.member, f"{base}.{index}"))
            index += 1
        return items
    if kind == "map":
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        entries = []
        index = 1
        while f"{base}.{index}" in prefixes:
            entry = f"{base}.{index}"
            entries.append(
                (
                    _walk(keys, prefixes, shape.key, f"{entry}.{key_name}"),
                    _walk(keys, prefixes, shape.value, f"{entry}.{value_name}"),
                )
            )
            index += 1
        return _Map(tuple(entries))
    if prefix not in keys:
        raise WireError(f"Parameter {prefix} must be a value, not a structure or list.")
    return _Leaf(prefix, kind)


def _string(raw: Any, name: str) -> Any:
    return raw


_INTEGER = re.compile(r"[+-]?[0-9]+")


def _whole(raw: Any, bits: int) -> int:
    if type(raw) is int:
        value = raw
    elif type(raw) is str and len(raw) < 24 and _INTEGER.fullmatch(raw):
        value = int(raw)
    else:
        raise _Invalid
    if not -(1 << bits) <= value < 1 << bits:  # what Java's int and long hold
        raise _Invalid
    return value


def _integer(raw: Any, name: str) -> int:
    return _whole(raw, 31)


def _long(raw: Any, name: str) -> int:
    return _whole(raw, 63)


def _double(raw: Any, name: str) -> float:
    try:
        value = float(raw) if type(raw) in (str, int, float) else math.nan
    except ValueError:
        raise _Invalid from None
    if not math.isfinite(value):
        raise _Invalid
    return value


def _boolean(raw: Any, name: str) -> bool:
    lowered = raw.lower() if type(raw) is str else None
    if lowered not in ("true", "false"):
        raise _Invalid
    return lowered == "true"


def _timestamp(raw: Any, name: str) -> dt.datetime:
    if type(raw) is not str:
        raise _Invalid
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = dt.datetime.fromtimestamp(float(raw), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):  # not a number, non-finite, out of range
            raise _Invalid from None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _blob(raw: Any, name: str) -> bytes:
    if type(raw) is not str:
        raise _Invalid
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise _Invalid from None


_SCALARS: dict[str, Callable[[Any, str], Any]] = {
    "string": _string,
    "integer": _integer,
    "long": _long,
    "float": _double,
    "double": _double,
    "boolean": _boolean,
    "timestamp": _timestamp,
    "blob": _blob,
}


# -- encoding ------------------------------------------------------------------------------------


@cache
def _namespace() -> str:
    return str(service_model().metadata.get("xmlNamespace", ""))


def encode_result(operation: OperationModel, result: Mapping[str, Any], request_id: str) -> bytes:
    """A result dict -> the XML body of a successful Query response."""
    flat = _flat_encoder(operation, tuple(result))
    if flat is not None:
        return flat(result, request_id)
    head, shape, middle, footer = _frame(operation)
    parts = [head]
    if shape is not None:
        _encode_members(parts, shape, result)
    elif result:
        raise TypeError(f"{operation.name} has no output, but the fake returned {result!r}")
    parts += (middle, request_id, footer)
    return "".join(parts).encode("utf-8")


_SCALAR_TYPES = frozenset(("string", "integer", "long", "float", "double", "boolean", "timestamp"))


@lru_cache(maxsize=256)
def _flat_encoder(
    operation: OperationModel, keys: tuple[str, ...]
) -> Callable[[Mapping[str, Any], str], bytes] | None:
    """For a result of scalar members with exactly ``keys``: a compiled encoder, else None.

    Most results are a few scalars (a MessageId, the quota's three numbers, or
    nothing): one expression joining fixed text and the escaped values does
    what the walk in :func:`_encode_members` does, in a fraction of the steps.
    """
    head, shape, middle, footer = _frame(operation)
    members = {name: (wire, member) for name, wire, member in _members(shape)} if shape else {}
    if not set(keys) <= members.keys():
        return None  # the general path raises the error
    pieces: list[str] = [repr(head)]
    for name, (wire, member) in members.items():
        if name not in keys:
            continue
        kind = member.type_name
        if kind not in _SCALAR_TYPES:
            return None
        text = "_escape(str(v))" if kind == "string" else f"_scalar_text({kind!r}, v)"
        opening, closing = repr(f"<{wire}>"), repr(f"</{wire}>")
        pieces.append(
            f"*(({opening}, {text}, {closing}) if (v := r[{name!r}]) is not None else ())"
        )
    pieces += [repr(middle), "rid", repr(footer)]
    source = f"lambda r, rid: ''.join(({', '.join(pieces)},)).encode('utf-8')"
    names = {"_escape": escape, "_scalar_text": _scalar_text, "str": str}
    built: Callable[[Mapping[str, Any], str], bytes] = _compiled(source, "encoder", names)
    return built


@cache
def _frame(operation: OperationModel) -> tuple[str, Any, str, str]:
    """The fixed XML of a response: (before the result's members, the output shape,
    between the members and the RequestId, after the RequestId)."""
    name = operation.name
    shape = operation.output_shape
    head = f'<{name}Response xmlns="{_namespace()}">'
    middle = "<ResponseMetadata><RequestId>"
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{name}Result")
        head += f"<{wrapper}>"
        middle = f"</{wrapper}>{middle}"
    return head, shape, middle, f"</RequestId></ResponseMetadata></{name}Response>"


def _encode_members(parts: list[str], shape: Any, value: Mapping[str, Any]) -> None:
    # Only the installed model's members are written: an older botocore lacks members the
    # fake reports (as real SES sends them, and old SDKs never read them).
    for name, wire, member in _members(shape):
        item = value.get(name)
        if item is not None:
            _encode(parts, member, wire, item)


def _encode(parts: list[str], shape: Any, tag: str, value: Any) -> None:
    kind = shape.type_name
    if kind == "list":
        item_tag = shape.member.serialization.get("name", "member")
        if shape.serialization.get("flattened"):
            for item in value:
                _encode(parts, shape.member, tag, item)
            return
        parts.append(f"<{tag}>")
        for item in value:
            _encode(parts, shape.member, item_tag, item)
        parts.append(f"</{tag}>")
        return
    parts.append(f"<{tag}>")
    if kind == "structure":
        _encode_members(parts, shape, value)
    elif kind == "map":
        key_tag = shape.key.serialization.get("name", "key")
        value_tag = shape.value.serialization.get("name", "value")
        for key, item in value.items():
            parts.append("<entry>")
            _encode(parts, shape.key, key_tag, key)
            _encode(parts, shape.value, value_tag, item)
            parts.append("</entry>")
    else:
        parts.append(_scalar_text(kind, value))
    parts.append(f"</{tag}>")


def _scalar_text(kind: str, value: Any) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        if isinstance(value, dt.datetime):
            stamp = value.astimezone(dt.timezone.utc)
            return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
        return escape(str(value))
    if kind == "blob":
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(data).decode("ascii")
    if kind in ("float", "double"):
        return repr(float(value))
    return escape(str(value))


def _error_response(error: SESError, request_id: str) -> tuple[int, bytes]:
    return error.status, encode_error(error, request_id)


def encode_error(error: SESError, request_id: str) -> bytes:
    """An :class:`SESError` -> SES's ``<ErrorResponse>`` body."""
    kind = "Sender" if error.sender_fault else "Receiver"
    extra = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in error.fields.items())
    return (
        f'<ErrorResponse xmlns="{_namespace()}"><Error><Type>{kind}</Type>'
        f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>{extra}"
        f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
