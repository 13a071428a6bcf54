"""The REST-JSON codec, checked against botocore's own serializer and parser over whole models.

Every operation of ``sesv2`` and ``pinpoint-email`` is round-tripped: botocore
serializes a request holding every member, the codec routes and decodes it
back into the same params; the codec encodes a result holding every member,
botocore parses it back into the same dict. Protocol features SES's models do
not use (header members, payloads, status codes, query maps, greedy labels,
literal queries in the URI) are checked the same way on operations of other
services' models, since the codec is generic over REST-JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, cast
from urllib.parse import urlsplit

import botocore
import botocore.exceptions
import pytest
from botocore.awsrequest import HeadersDict, prepare_request_dict
from botocore.model import OperationModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from pytest_ses._errors import SESError
from pytest_ses._model import service_model
from pytest_ses._wire.restjson import decode, encode_error, encode_result, respond, route

TRICKY = "a&b <c> \"d\" 'e' é ü 日本 / % + ? # ="
STAMP = dt.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=dt.timezone.utc)
# What requests carry: botocore releases before 1.42 send timestamps in whole seconds.
SENT_STAMP = STAMP.replace(microsecond=0)
NO_SHAPE: Any = None  # botocore parses error bodies without a shape
SES_SERVICES = ("sesv2", "pinpoint-email")
SES_OPERATIONS = [
    (service, name)
    for service in SES_SERVICES
    for name in sorted(service_model(service).operation_names)
]


def sample(shape: Any, depth: int = 0, *, stamp: dt.datetime = STAMP) -> Any:
    """A value for ``shape`` that exercises every member, list and map."""
    kind = shape.type_name
    if kind == "structure":
        if depth > 6:
            return {}
        members = list(shape.members.items())
        if shape.is_tagged_union:  # exactly one member may be set
            members = members[-1:]
        return {name: sample(member, depth + 1, stamp=stamp) for name, member in members}
    if kind == "list":
        return [sample(shape.member, depth + 1, stamp=stamp) for _ in range(2)]
    if kind == "map":
        return {f"key{i}-{TRICKY}": sample(shape.value, depth + 1, stamp=stamp) for i in range(2)}
    if kind == "string":
        return shape.enum[-1] if shape.enum else TRICKY
    if kind in ("integer", "long"):
        return 42
    if kind in ("float", "double"):
        return 1.5
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return stamp
    if kind == "blob":
        return b"\x00\xffbinary\r\n"
    raise AssertionError(f"unexpected shape type {kind}")


def wire_request(operation: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    """What botocore sends for ``params``: method, path + query as on the wire, headers, body."""
    serialized = create_serializer("rest-json", include_validation=False).serialize_to_request(
        params, operation
    )
    prepare_request_dict(serialized, "https://email.eu-west-1.amazonaws.com")
    url = urlsplit(serialized["url"])
    body = serialized["body"]
    return {
        "method": serialized["method"],
        "target": url.path + (f"?{url.query}" if url.query else ""),
        "headers": HeadersDict(serialized["headers"]),
        "body": body if isinstance(body, bytes) else body.encode("utf-8"),
    }


def decoded(service: str, operation: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    sent = wire_request(operation, params)
    path, _, query = sent["target"].partition("?")
    found = route(service, sent["method"], path, query)
    assert found is not None, sent["target"]
    routed, labels = found
    assert routed.name == operation.name
    return decode(routed, labels, query, sent["headers"], sent["body"])


def parsed(operation: OperationModel, answer: tuple[int, dict[str, str], bytes]) -> dict[str, Any]:
    status, headers, body = answer
    response = {"body": body, "headers": HeadersDict(headers), "status_code": status}
    result: dict[str, Any] = create_parser("rest-json").parse(
        response, cast(Any, operation.output_shape)
    )
    return result


@pytest.mark.parametrize(("service", "name"), SES_OPERATIONS)
def test_decode_inverts_botocore_serializer(service: str, name: str) -> None:
    operation = service_model(service).operation_model(name)
    params = sample(operation.input_shape, stamp=SENT_STAMP) if operation.input_shape else {}
    assert decoded(service, operation, params) == params


@pytest.mark.parametrize(("service", "name"), SES_OPERATIONS)
def test_encode_result_parses_with_botocore(service: str, name: str) -> None:
    operation = service_model(service).operation_model(name)
    result = sample(operation.output_shape) if operation.output_shape else {}
    request_id = str(uuid.uuid4())
    got = parsed(operation, encode_result(operation, result, request_id))
    assert got.pop("ResponseMetadata")["RequestId"] == request_id
    assert got == result


def test_whole_second_timestamps_and_timestamps_before_1970_round_trip() -> None:
    operation = service_model("sesv2").operation_model("ListSuppressedDestinations")
    for stamp in (
        dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        dt.datetime(1969, 7, 20, 20, 17, 40, 500000, tzinfo=dt.timezone.utc),
    ):
        sent = stamp.replace(microsecond=0)
        params = {"StartDate": sent, "EndDate": sent}
        assert decoded("sesv2", operation, params) == params
        result = sample(operation.output_shape, stamp=stamp)
        got = parsed(operation, encode_result(operation, result, "r"))
        del got["ResponseMetadata"]
        assert got == result


def test_modeled_errors_parse_with_botocore_at_the_models_status() -> None:
    statuses = {
        "BadRequestException": 400,
        "NotFoundException": 404,
        "AlreadyExistsException": 400,
        "LimitExceededException": 400,
        "TooManyRequestsException": 429,
        "MessageRejected": 400,
        "MailFromDomainNotVerifiedException": 400,
        "AccountSuspendedException": 400,
        "SendingPausedException": 400,
        "ConcurrentModificationException": 500,
    }
    for service in SES_SERVICES:
        for code, status in statuses.items():
            error = SESError(code, f"{TRICKY} \ud800", status=418)  # the model's status wins
            got_status, headers, body = encode_error(service, error, "req-1")
            response = {"body": body, "headers": HeadersDict(headers), "status_code": got_status}
            got = create_parser("rest-json").parse(response, NO_SHAPE)
            assert got_status == status
            assert got["Error"] == {"Code": code, "Message": f"{TRICKY} \ud800"}
            assert got["ResponseMetadata"]["RequestId"] == "req-1"


def test_an_unmodeled_error_keeps_its_status_and_its_fields() -> None:
    error = SESError("ValidationError", "1 validation error detected", fields={"Reason": "x"})
    status, headers, body = encode_error("sesv2", error, "req-2")
    assert status == 400
    assert headers["x-amzn-ErrorType"] == "ValidationError"
    assert json.loads(body) == {"message": "1 validation error detected", "Reason": "x"}


def test_result_members_the_installed_model_lacks_are_left_out() -> None:
    # As an older botocore sees a reply of today's SES: members it does not know are not sent.
    operation = service_model("sesv2").operation_model("GetAccount")
    _, _, body = encode_result(operation, {"Bogus": 1}, "id")
    assert json.loads(body) == {}
    _, _, body = encode_result(operation, {"SendQuota": {"Bogus": 1, "MaxSendRate": 2.0}}, "id")
    assert json.loads(body) == {"SendQuota": {"MaxSendRate": 2.0}}


# -- protocol features SES's models do not use, on other services' operations --------------------

# (service, operation): what it exercises that SES's models do not.
OTHER_REQUESTS = [
    ("dataexchange", "SendApiAsset"),  # a header map, a string payload, a query-string map
    ("lex-runtime", "PostContent"),  # a JSON-value header, a blob payload
    ("mediastore-data", "PutObject"),  # a greedy label
    ("apigateway", "PutRestApi"),  # a query-string map and boolean
    ("apigateway", "ImportApiKeys"),  # a literal query in the requestUri
    ("amp", "ListScrapers"),  # a query-string map of lists
    ("glacier", "SetVaultNotifications"),  # a structure payload
    ("connect", "CreateTestCase"),  # a timestamp header
    ("appconfig", "CreateExtension"),  # an integer header
    ("appconfig", "StopDeployment"),  # a boolean header
    ("entityresolution", "BatchDeleteUniqueId"),  # a list header
]
OTHER_RESULTS = [
    ("dataexchange", "SendApiAsset"),  # a header map, a string payload
    ("lex-runtime", "PutSession"),  # JSON-value headers
    ("mediastore-data", "DescribeObject"),  # timestamp and long headers
    ("polly", "SynthesizeSpeech"),  # an integer header
    ("lambda", "Invoke"),  # a status code member
    ("glacier", "GetVaultNotifications"),  # a structure payload
]


def _other_operation(service: str, name: str) -> OperationModel:
    try:
        model = service_model(service)
    except botocore.exceptions.UnknownServiceError:
        pytest.skip(f"no {service} in botocore {botocore.__version__}")
    if name not in model.operation_names:
        pytest.skip(f"{service} has no {name} in botocore {botocore.__version__}")
    return model.operation_model(name)


def _plain(params: dict[str, Any], shape: Any) -> dict[str, Any]:
    """``params`` with header text ASCII and header or query-map names plain, as HTTP carries them."""
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location == "headers" or (location == "querystring" and member.type_name == "map"):
            (value, *_) = params[name].values()
            params[name] = {"alpha": value, "beta": value}
        elif location == "header" and member.type_name == "string":
            if not member.serialization.get("jsonvalue"):
                params[name] = 'plain, "quoted" value'
        elif location == "header" and member.type_name == "list":
            params[name] = ["one", "two, with a comma", 'three "quoted"']
        elif location == "header" and member.type_name == "timestamp":
            params[name] = STAMP.replace(microsecond=0)  # HTTP dates hold whole seconds
    payload = shape.serialization.get("payload")
    if payload and shape.members[payload].type_name == "blob":
        params[payload] = TRICKY.encode("utf-8")
    return params


@pytest.mark.parametrize(("service", "name"), OTHER_REQUESTS)
def test_generic_request_features_decode(service: str, name: str) -> None:
    operation = _other_operation(service, name)
    shape: Any = operation.input_shape
    params = _plain(sample(shape, stamp=SENT_STAMP), shape)
    payload = shape.serialization.get("payload")
    got = decoded(service, operation, params)
    assert got == params
    assert payload is None or payload in got


@pytest.mark.parametrize(("service", "name"), OTHER_RESULTS)
def test_generic_result_features_parse(service: str, name: str) -> None:
    operation = _other_operation(service, name)
    shape: Any = operation.output_shape
    result = _plain(sample(shape), shape)
    for member_name, member in shape.members.items():
        if member.serialization.get("location") == "statusCode":
            result[member_name] = 202
    got = parsed(operation, encode_result(operation, result, "r"))
    del got["ResponseMetadata"]
    payload = shape.serialization.get("payload")
    if payload and shape.members[payload].type_name == "blob":
        # botocore hands a blob payload over as the body it read; here, text.
        got[payload] = got[payload].encode("utf-8")
    for member_name, member in shape.members.items():
        if member.serialization.get("location") == "headers":
            # With no prefix, botocore's header map holds every response header.
            got[member_name] = {k: got[member_name][k] for k in result[member_name]}
    assert got == result


# -- hand-made requests -------------------------------------------------------------------------


class _Echo:
    def dispatch(
        self, region: str, operation: str, params: dict[str, Any], attempt: int, service: str
    ) -> dict[str, Any]:
        raise SESError("Echo", f"{service} {region} {operation} {params} {attempt}")


@pytest.mark.parametrize(
    ("method", "target", "body", "code", "status"),
    [
        ("GET", "/v2/email/nowhere", b"", "UnknownOperationException", 404),
        ("PATCH", "/v2/email/account", b"", "UnknownOperationException", 404),
        ("GET", "/v2/email/identities/", b"", "UnknownOperationException", 404),
        ("POST", "/v2/email/outbound-emails", b"{not json", "BadRequestException", 400),
        ("POST", "/v2/email/outbound-emails", b"[1, 2]", "BadRequestException", 400),
        ("POST", "/v2/email/outbound-emails", b"\xff\xfe", "BadRequestException", 400),
        ("POST", "/v2/email/outbound-emails", b"[" * 100_000, "BadRequestException", 400),
        ("POST", "/v2/email/outbound-emails", b"{", "BadRequestException", 400),
        ("POST", "/v2/email/outbound-emails", b'{"x": }', "BadRequestException", 400),
        ("POST", "/v2/email/outbound-emails", b'{"x": 1} x', "BadRequestException", 400),
        ("POST", "/v2/email/outbound-emails", b'{"x": 1}{}', "BadRequestException", 400),
        # A vertical tab is white space to str.strip(), not to JSON.
        ("POST", "/v2/email/outbound-emails", b'{"x": 1}\x0b', "BadRequestException", 400),
        ("POST", "/v2/email/outbound-emails", b'{"Content": {}} \r\n\t', "Echo", 400),
        ("POST", "/v2/email/outbound-emails", b' \n{"Content": {}}', "Echo", 400),
    ],
)
def test_hand_made_requests_get_ses_shaped_errors(
    method: str, target: str, body: bytes, code: str, status: int
) -> None:
    got_status, headers, payload = respond(_Echo(), "sesv2", "eu-west-1", method, target, {}, body)
    response = {"body": payload, "headers": HeadersDict(headers), "status_code": got_status}
    parsed_error = create_parser("rest-json").parse(response, NO_SHAPE)
    assert got_status == status
    assert parsed_error["Error"]["Code"] == code
    uuid.UUID(parsed_error["ResponseMetadata"]["RequestId"])


def test_labels_query_and_body_reach_the_backend_decoded() -> None:
    target = (
        "/v2/email/suppression/addresses"
        "?Reason=BOUNCE&Reason=COMPLAINT&PageSize=7&StartDate=1714979289.5"
    )
    status, _, payload = respond(_Echo(), "sesv2", "eu-west-1", "GET", target, {}, b"", 3)
    assert status == 400
    since = dt.datetime(2024, 5, 6, 7, 8, 9, 500000, tzinfo=dt.timezone.utc)
    params = {"Reasons": ["BOUNCE", "COMPLAINT"], "StartDate": since, "PageSize": 7}
    assert json.loads(payload)["message"] == (
        f"sesv2 eu-west-1 ListSuppressedDestinations {params} 3"
    )
    target = "/v2/email/identities/a%2Fb%40example.com"
    _, _, payload = respond(_Echo(), "sesv2", "r", "GET", target, {}, b"")
    assert (
        json.loads(payload)["message"]
        == "sesv2 r GetEmailIdentity {'EmailIdentity': 'a/b@example.com'} 1"
    )


def test_values_that_do_not_fit_the_model_are_named_by_validation() -> None:
    body = json.dumps(
        {
            "FromEmailAddress": 7,
            "Destination": "not a structure",
            "Content": {"Raw": {"Data": "not base64!"}},
            "EmailTags": [None, {"Name": "n", "Value": "v"}],
            "ListManagementOptions": None,
        }
    ).encode()
    status, headers, payload = respond(
        _Echo(), "sesv2", "r", "POST", "/v2/email/outbound-emails?PageSize=x", {}, body
    )
    assert (status, headers["x-amzn-ErrorType"]) == (400, "BadRequestException")
    assert json.loads(payload)["message"] == (
        "4 validation errors detected: "
        "Value '7' at 'fromEmailAddress' failed to satisfy constraint: Member must be a string; "
        "Value 'not a structure' at 'destination' failed to satisfy constraint: "
        "Member must be a structure; "
        "Value 'not base64!' at 'content.raw.data' failed to satisfy constraint: "
        "Member must be binary data; "
        "Value null at 'emailTags.1.member' failed to satisfy constraint: Member must not be null"
    )
    target = "/v2/email/suppression/addresses?PageSize=x&StartDate=1e400&EndDate=soon"
    status, _, payload = respond(_Echo(), "sesv2", "r", "GET", target, {}, b"")
    assert status == 400
    assert json.loads(payload)["message"].startswith("3 validation errors detected: ")


def test_pinpoint_email_routes_by_its_own_model() -> None:
    _, _, payload = respond(_Echo(), "pinpoint-email", "r", "GET", "/v1/email/account", {}, b"")
    assert json.loads(payload)["message"] == "pinpoint-email r GetAccount {} 1"
    status, _, _ = respond(_Echo(), "pinpoint-email", "r", "GET", "/v2/email/account", {}, b"")
    assert status == 404


ODD_VALUES: tuple[Any, ...] = (
    None,
    7,
    2**40,
    1.5,
    True,
    "text",
    "",
    [],
    [None],
    ["a", 7],
    {},
    {"x": None},
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value, the value itself first."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


def _sample_body(service: str, name: str) -> tuple[Any, dict[str, Any]] | None:
    """An operation's input shape and the JSON body botocore makes of a sample; None: no body."""
    operation = service_model(service).operation_model(name)
    shape = operation.input_shape
    if shape is None or "payload" in shape.serialization:
        return None
    params = sample(shape, stamp=SENT_STAMP)
    return shape, json.loads(wire_request(operation, params)["body"] or b"{}")


def _checked_copy(check: Any, body: dict[str, Any]) -> tuple[Any, bool]:
    """``check`` run on a fresh copy of ``body``: what it decoded, and whether it doubted."""
    doubts: list[str] = []
    return check(json.loads(json.dumps(body)), doubts), bool(doubts)


@pytest.mark.parametrize(("service", "name"), SES_OPERATIONS)
def test_compiled_body_checker_agrees_with_the_generic_walk(service: str, name: str) -> None:
    # The compiled checker must decode as checked() does and doubt whenever it doubts:
    # a missed doubt would let a request past validation.
    from pytest_ses._wire.jsonbody import body_checker, checked

    found = _sample_body(service, name)
    if found is None:
        return
    shape, sent = found
    bodies = [sent, {**sent, "NotAMember": 1}]
    for path in _paths(sent)[1:]:
        bodies += [_replaced(sent, path, odd) for odd in ODD_VALUES]
    checker = body_checker(shape)
    for body in bodies:
        expected = _checked_copy(lambda value, doubts: checked(value, shape, doubts), body)
        assert _checked_copy(checker, body) == expected, body


JSON_TEXTS = [
    "{}",
    '{"a": [1, 2.5, -3e2, true, false, null, "x\\u00e9\\ud800"]}',
    '{"a": {"b": {}}} ',
    "{",
    "{}}",
    '{"a": 1} x',
    "{}\x0b",
    "{}\u00a0",
    "\ufeff{}",
    "[]",
    '"text"',
    "1",
    "",
    " ",
    '{"a": NaN, "b": -Infinity}',
    '{"a": 1, "a": 2}',
    '{"a": "\\x"}',
    "{'a': 1}",
]


@pytest.mark.parametrize("accelerated", [True, False], ids=["C", "pure Python"])
def test_json_reading_and_writing_agree_with_the_json_module(
    accelerated: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The codec calls json's C scanner and encoder directly; what it reads and
    # writes must be what json.loads and json.dumps would, with or without them.
    from pytest_ses._wire import jsonio

    if not accelerated:
        monkeypatch.setattr(jsonio, "_SCAN", None)
        monkeypatch.setattr(jsonio, "_ENCODE", None)
    for text in JSON_TEXTS:
        try:
            expected: Any = json.loads(text)
        except ValueError as exc:
            expected = type(exc)
        try:
            got: Any = jsonio.loads(text)
        except ValueError as exc:
            got = type(exc)
        assert repr(got) == repr(expected), text
        if not isinstance(expected, type):
            wanted = json.dumps(expected, separators=(",", ":")).encode("ascii")
            assert jsonio.dumps(expected) == wanted
    assert jsonio.dumps("\ud800") == b'"\\ud800"'


# What botocore's validator lets through for a number that the full check refuses.
VALIDATED_ODD_NUMBERS: tuple[Any, ...] = (True, 2**63, 10**30, float("nan"), float("inf"))


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


@pytest.mark.parametrize(("service", "name"), SES_OPERATIONS)
def test_validated_body_checker_agrees_with_the_full_checker(service: str, name: str) -> None:
    # For a body botocore serialized from params it validated, the lighter checker
    # must decode alike, and doubt every number the full one doubts: the only
    # values such a body can hold that the full check would refuse.
    from pytest_ses._wire.jsonbody import body_checker

    found = _sample_body(service, name)
    if found is None:
        return
    shape, sent = found
    bodies = [sent]
    for path in _paths(sent)[1:]:
        if type(_at(sent, path)) in (int, float):
            bodies += [_replaced(sent, path, odd) for odd in VALIDATED_ODD_NUMBERS]
    full, validated = body_checker(shape), body_checker(shape, True)
    doubted = 0
    for body in bodies:
        expected, full_doubted = _checked_copy(full, body)
        got, validated_doubted = _checked_copy(validated, body)
        assert validated_doubted == full_doubted, body
        if full_doubted:
            doubted += 1
        else:
            assert got == expected, body
    assert doubted == len(bodies) - 1  # every odd number doubted; the sample itself not
