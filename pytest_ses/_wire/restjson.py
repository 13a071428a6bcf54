"""The AWS REST-JSON protocol (SES API v2, pinpoint-email), driven by botocore's service model.

Generic over any REST-JSON operation: a request (method, path, query string,
headers, JSON body) is routed to its operation by the model's ``requestUri``
templates and decoded into the params dict boto3 takes; a result dict is
encoded as the JSON body (and headers, and status) botocore's
``RestJSONParser`` reads; :class:`SESError` becomes the error it reads: an
``x-amzn-ErrorType`` header, a JSON body with ``message``, and the HTTP status
the model gives the exception. Nothing here knows what an SES operation means.

A value the decoder cannot convert (a string where the model wants a number, a
timestamp it cannot read, base64 that is not) is kept as it came, so that
model-driven validation can name it; nothing here raises for it.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import datetime as dt
import json
import re
from collections.abc import Mapping
from email.utils import formatdate
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl, unquote

from pytest_ses._errors import SESError
from pytest_ses._ids import new_uuid
from pytest_ses._model import service_model
from pytest_ses._wire import jsonio
from pytest_ses._wire.jsonbody import (
    Checker,
    Member,
    blob,
    body_checker,
    body_members,
    from_json,
    shape_members,
    timestamp,
)
from pytest_ses._wire.validate import problems, validation_error

if TYPE_CHECKING:
    from botocore.model import OperationModel, Shape

    from pytest_ses._wire.query import Backend

# (HTTP status, response headers, body): what every transport sends back.
Answer = tuple[int, dict[str, str], bytes]
_JSON = "application/json"


class WireError(ValueError):
    """The request could not be read at all (only seen from hand-made requests)."""


def respond(
    backend: Backend,
    service: str,
    region: str,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    attempt: int = 1,
    validated: bool = False,
) -> Answer:
    """Answer one REST-JSON request of ``service``.

    ``target`` is the request's path and query string as sent (still
    percent-encoded); ``headers`` should look names up case-insensitively, as
    HTTP's do. A request no operation matches, or whose body is not a JSON
    object, gets a 4xx in SES's shape, never an exception. ``validated`` says
    that botocore serialized ``body`` from params its validator passed (see
    :func:`body_checker`).
    """
    request_id = new_uuid()
    path, _, query = target.partition("?")
    found = _routed(
        service, method.upper(), path, _literal_keys(service, method, query) if query else _NO_KEYS
    )
    if found is None:
        message = f"No {service} operation answers {method} {path[:200]}."
        return encode_error(
            service, SESError("UnknownOperationException", message, status=404), request_id
        )
    operation, labels = found
    doubts: list[str] = []
    checker = _body_plan(operation, validated)
    try:
        if checker is not None:  # all of the input in the JSON body: decode() in short
            params = checker(_json_object(body), doubts)
        else:
            params = decode(operation, labels, query, headers, body, doubts)
    except WireError as exc:
        return encode_error(service, SESError("BadRequestException", str(exc)), request_id)
    # A body whose decoding found every member in order needs no second walk.
    if doubts or not _body_only(operation):
        refused = validate(params, operation)
        if refused is not None:
            return encode_error(service, refused, request_id)
    try:
        result = backend.dispatch(region, operation.name, params, attempt, service)
    except SESError as exc:
        return encode_error(service, exc, request_id)
    return encode_result(operation, result, request_id)


def validate(params: dict[str, Any], operation: OperationModel) -> SESError | None:
    """None when ``params`` fit the model (required members, types), else the error to answer.

    The REST-JSON APIs on SES's endpoint model no ValidationError: AWS's wording
    comes as their BadRequestException.
    """
    found = problems(params, operation.input_shape)
    return validation_error(found, "BadRequestException") if found else None


# -- routing -------------------------------------------------------------------------------------


class _Route(NamedTuple):
    """One operation's ``requestUri``: a pattern over the raw path, its labels, literal queries."""

    pattern: re.Pattern[str]
    labels: tuple[str, ...]
    query_keys: frozenset[str]
    operation: str


@cache
def _routes(service: str) -> dict[str, tuple[_Route, ...]]:
    """The operations of ``service`` by HTTP method, the most specific template first."""
    model = service_model(service)
    by_method: dict[str, list[tuple[tuple[int, int], _Route]]] = {}
    for name in model.operation_names:
        http = model.operation_model(name).http
        template, _, literal_query = http.get("requestUri", "/").partition("?")
        labels: list[str] = []
        pattern = ""
        for literal, label in re.findall(r"([^{]*)(?:\{([^}]*)\})?", template):
            pattern += re.escape(literal)
            if label.endswith("+"):  # greedy: may hold slashes
                labels.append(label[:-1])
                pattern += "(.+)"
            elif label:
                labels.append(label)
                pattern += "([^/]+)"
        keys = frozenset(key.partition("=")[0] for key in literal_query.split("&") if key)
        # Literal text outweighs labels; a literal query (``/apikeys?mode=import``) outweighs both.
        specificity = (len(keys), len(template) - sum(len(label) + 2 for label in labels))
        route = _Route(re.compile(pattern), tuple(labels), keys, name)
        by_method.setdefault(http.get("method", "POST"), []).append((specificity, route))
    return {
        method: tuple(route for _, route in sorted(routes, key=lambda r: r[0], reverse=True))
        for method, routes in by_method.items()
    }


def route(
    service: str, method: str, path: str, query: str = ""
) -> tuple[OperationModel, dict[str, str]] | None:
    """The operation ``method path`` calls, and its URI labels (decoded), or None."""
    found = _routed(service, method, path, _literal_keys(service, method, query))
    if found is None:
        return None
    operation, labels = found
    return operation, dict(labels)


@lru_cache(maxsize=1024)
def _routed(
    service: str, method: str, path: str, query_keys: frozenset[str]
) -> tuple[OperationModel, Mapping[str, str]] | None:
    """:func:`route`, cached by path: an application calls the same few paths again and again.

    The labels are shared by every call of the path: read them, never change them.
    """
    found = _route(service, method, path, query_keys)
    if found is None:
        return None
    name, labels = found
    return service_model(service).operation_model(name), dict(labels)


def _route(
    service: str, method: str, path: str, query_keys: frozenset[str]
) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    for candidate in _routes(service).get(method, ()):
        match = candidate.pattern.fullmatch(path)
        if match is not None and candidate.query_keys <= query_keys:
            values = (unquote(value) for value in match.groups())
            return candidate.operation, tuple(zip(candidate.labels, values, strict=True))
    return None


_NO_KEYS: frozenset[str] = frozenset()


def _literal_keys(service: str, method: str, query: str) -> frozenset[str]:
    """The query keys a route may require (none for most services: skip parsing then)."""
    if not query or not _needs_query_keys(service):
        return _NO_KEYS
    return frozenset(key for key, _ in parse_qsl(query, keep_blank_values=True))


@cache
def _needs_query_keys(service: str) -> bool:
    return any(r.query_keys for routes in _routes(service).values() for r in routes)


# -- decoding ------------------------------------------------------------------------------------


@cache
def _located_members(shape: Shape) -> tuple[Member, ...]:
    """The members outside the body (URI, query string, headers)."""
    return tuple(member for member in shape_members(shape) if member.location)


@cache
def _body_only(operation: OperationModel) -> bool:
    """Whether all of ``operation``'s input is in its JSON body (nothing in the URI or headers)."""
    shape = operation.input_shape
    return shape is None or ("payload" not in shape.serialization and not _located_members(shape))


@cache
def _body_plan(operation: OperationModel, validated: bool = False) -> Checker | None:
    """The compiled checker of an operation whose input is all in its JSON body, else None."""
    shape = operation.input_shape
    if shape is None or not _body_only(operation):
        return None
    return body_checker(shape, validated)


def decode(
    operation: OperationModel,
    labels: Mapping[str, str],
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    doubts: list[str] | None = None,
) -> dict[str, Any]:
    """One request -> params as boto3 accepts them (timestamps as datetimes, blobs as bytes).

    With ``doubts``, the JSON body is also checked as :func:`validate` would check
    it: anything that might fail is noted there (empty: the body is valid).
    """
    shape = operation.input_shape
    if shape is None:
        return {}
    params: dict[str, Any] = {}
    payload = shape.serialization.get("payload")
    if payload is not None:
        value = _payload(shape.members[payload], body)
        if value is not None:
            params[payload] = value
    elif doubts is not None:
        params = body_checker(shape)(_json_object(body), doubts)
    else:
        params.update(from_json(_json_object(body), shape))
    arguments: dict[str, list[str]] | None = None
    for member in _located_members(shape):
        location = member.location
        if location == "uri":
            if member.wire in labels:
                params[member.name] = _from_text(labels[member.wire], member.shape)
        elif location == "querystring":
            if arguments is None:
                arguments = _query(query)
            value = _from_query(arguments, member, shape)
            if value is not None:
                params[member.name] = value
        elif location == "header":
            raw = _header(headers, member.wire)
            if raw is not None:
                params[member.name] = _from_header(raw, member.shape)
        elif location == "headers":
            prefix = member.wire.lower()
            found = {
                k[len(prefix) :]: v for k, v in headers.items() if k.lower().startswith(prefix)
            }
            if found:
                params[member.name] = found
    return params


def _json_object(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        if body[:1] == b"{" and body[1:2] != b"\0":
            # What json.loads would detect for such bytes, without its detection's call.
            value = jsonio.loads(body.decode("utf-8", "surrogatepass"))
        else:
            value = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise WireError("The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise WireError("The request body must be a JSON object.")
    return value


def _payload(member: Shape, body: bytes) -> Any:
    kind = member.type_name
    if kind == "blob":
        return body
    if kind == "string":
        return body.decode("utf-8", "replace")
    if not body.strip():
        return None
    return from_json(_json_object(body), member)


def _query(query: str) -> dict[str, list[str]]:
    arguments: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        arguments.setdefault(key, []).append(value)
    return arguments


def _from_query(arguments: dict[str, list[str]], member: Member, parent: Shape) -> Any:
    shape = member.shape
    if shape.type_name == "map":
        # Every key no other member claims (botocore merges the map into the query string).
        claimed = {m.wire for m in shape_members(parent) if m.location == "querystring"}
        many = shape.value.type_name == "list"  # type: ignore[attr-defined]
        found = {k: v if many else v[-1] for k, v in arguments.items() if k not in claimed}
        return found or None
    values = arguments.get(member.wire)
    if not values:
        return None
    if shape.type_name == "list":
        item = shape.member  # type: ignore[attr-defined]
        return [_from_text(value, item) for value in values]
    return _from_text(values[-1], shape)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None and type(headers) is dict:  # a plain dict: look the name up by hand
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


def _from_header(raw: str, shape: Shape) -> Any:
    if shape.type_name == "list":
        return [_from_text(item, shape.member) for item in _split_header_list(raw)]  # type: ignore[attr-defined]
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        try:
            return json.loads(base64.b64decode(raw))
        except (ValueError, binascii.Error, RecursionError):
            return raw
    return _from_text(raw, shape)


def _split_header_list(raw: str) -> list[str]:
    """A comma-separated header list, where botocore quotes an item holding ``,`` or ``"``."""
    items: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in raw:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return items


def _from_text(raw: str, shape: Shape) -> Any:
    """A scalar sent as text (URI label, query string, header)."""
    kind = shape.type_name
    if kind in ("integer", "long"):
        return int(raw) if re.fullmatch(r"[+-]?[0-9]{1,20}", raw) else raw
    if kind in ("float", "double"):
        try:
            return float(raw)
        except ValueError:
            return raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if kind == "timestamp":
        return timestamp(raw)
    if kind == "blob":
        return blob(raw)
    return raw


# -- encoding ------------------------------------------------------------------------------------


def encode_result(operation: OperationModel, result: Mapping[str, Any], request_id: str) -> Answer:
    """A result dict -> the response botocore's RestJSONParser reads back as that dict."""
    headers = {"Content-Type": _JSON, "x-amzn-RequestId": request_id}
    status, body_members = _output_plan(operation)
    if body_members is not None:  # all of the output in the JSON body: the common case
        body: dict[str, Any] = {}
        for name, value in result.items():
            found = body_members.get(name)
            if found is None:
                shape = operation.output_shape
                if shape is None:
                    raise TypeError(
                        f"{operation.name} has no output, but the fake returned {result!r}"
                    )
                continue  # not in the installed botocore's model: see _to_json
            if value is not None:
                wire, member_shape, as_is = found
                body[wire] = value if as_is else _to_json(value, member_shape)
        return status, headers, jsonio.dumps(body) if body else b"{}"
    shape = operation.output_shape
    assert shape is not None
    members = {member.name: member for member in shape_members(shape)}
    body = {}
    payload_name = shape.serialization.get("payload")
    payload: bytes | None = None
    for name, value in result.items():
        member = members.get(name)
        if member is None:  # not in the installed botocore's model: see _to_json
            continue
        if value is None:
            continue
        if name == payload_name:
            payload = _payload_bytes(value, member.shape)
        elif member.location == "header":
            headers[member.wire] = _to_header(value, member.shape)
        elif member.location == "headers":
            headers.update({member.wire + k: str(v) for k, v in value.items()})
        elif member.location == "statusCode":
            status = int(value)
        else:
            body[member.wire] = _to_json(value, member.shape)
    if payload is None:
        payload = b"" if payload_name is not None else jsonio.dumps(body)
    return status, headers, payload


@cache
def _output_plan(
    operation: OperationModel,
) -> tuple[int, dict[str, tuple[str, Shape, bool]] | None]:
    """The success status, and the output's members by name when all go in the JSON body.

    A member's entry: (its name in JSON, its shape, its value taken as is).
    None instead of the members: the output has a payload or members outside the body.
    """
    status = int(operation.http.get("responseCode", 200))
    shape = operation.output_shape
    if shape is None:
        return status, {}
    if "payload" in shape.serialization or _located_members(shape):
        return status, None
    return status, {
        name: (wire, member, as_is) for wire, (name, member, as_is) in body_members(shape).items()
    }


def _payload_bytes(value: Any, shape: Shape) -> bytes:
    if shape.type_name == "blob":
        return bytes(value)
    if shape.type_name == "string":
        return str(value).encode("utf-8")
    return jsonio.dumps(_to_json(value, shape))


def _to_json(value: Any, shape: Shape) -> Any:
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:  # type: ignore[attr-defined]
            return value
        members = {member.name: member for member in shape_members(shape)}
        out = {}
        for name, item in value.items():
            member = members.get(name)
            if member is None:
                # An older botocore's model lacks some members the fake reports; real SES
                # sends them too, and such an SDK never reads them.
                continue
            if item is not None:
                out[member.wire] = _to_json(item, member.shape)
        return out
    if kind == "list":
        item_shape = shape.member  # type: ignore[attr-defined]
        return [_to_json(item, item_shape) for item in value]
    if kind == "map":
        value_shape = shape.value  # type: ignore[attr-defined]
        return {str(k): _to_json(v, value_shape) for k, v in value.items()}
    if kind == "timestamp":
        return _stamp(value, shape.serialization.get("timestampFormat") or "unixtimestamp")
    if kind == "blob":
        return _base64(value)
    if kind in ("float", "double"):
        return float(value)
    return value


def _to_header(value: Any, shape: Shape) -> str:
    kind = shape.type_name
    if kind == "timestamp":
        return str(_stamp(value, shape.serialization.get("timestampFormat") or "rfc822"))
    if kind == "list":
        # Joined as botocore's parser splits them: at every comma.
        return ",".join(_to_header(item, shape.member) for item in value)  # type: ignore[attr-defined]
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return _base64(json.dumps(value, separators=(",", ":")))
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "blob":
        return _base64(value)
    return str(value)


def _stamp(value: Any, stamp_format: str) -> Any:
    when = value if isinstance(value, dt.datetime) else timestamp(value)
    if not isinstance(when, dt.datetime):
        raise TypeError(f"not a timestamp: {value!r}")
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    when = when.astimezone(dt.timezone.utc)
    seconds = calendar.timegm(when.timetuple())
    stamp_format = stamp_format.lower()
    if stamp_format == "iso8601":
        text = when.strftime("%Y-%m-%dT%H:%M:%S")
        return f"{text}.{when.microsecond:06d}Z" if when.microsecond else f"{text}Z"
    if stamp_format == "rfc822":
        return formatdate(seconds, usegmt=True)
    if when.microsecond:
        return (seconds * 10**6 + when.microsecond) / 10**6
    return seconds


def _base64(value: Any) -> str:
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return base64.b64encode(data).decode("ascii")


@cache
def _error_statuses(service: str) -> dict[str, int]:
    """Each modeled exception's HTTP status, by code."""
    statuses = {}
    for shape in service_model(service).error_shapes:
        error = shape.metadata.get("error", {})
        statuses[error.get("code", shape.name)] = int(error.get("httpStatusCode", 400))
    return statuses


def encode_error(service: str, error: SESError, request_id: str) -> Answer:
    """An :class:`SESError` -> the error response botocore's RestJSONParser reads.

    A code ``service``'s model names answers with that exception's HTTP status;
    any other code with the error's own.
    """
    status = _error_statuses(service).get(error.code, error.status)
    body = {"message": error.message, **error.fields}
    headers = {
        "Content-Type": _JSON,
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": error.code,
    }
    return status, headers, jsonio.dumps(body)
