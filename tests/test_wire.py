"""The Query codec, checked against botocore's own serializer and parser over the whole model."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode

import pytest
from botocore.model import OperationModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from pytest_ses import _model
from pytest_ses._errors import SESError
from pytest_ses._model import service_model
from pytest_ses._wire.query import decode, encode_error, encode_result, respond

MODEL = service_model()
OPERATIONS = sorted(MODEL.operation_names)
TRICKY = "a&b <c> \"d\" 'e' é ü 日本"
NO_SHAPE: Any = None  # botocore parses error bodies without a shape
STAMP = dt.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=dt.timezone.utc)


def sample(shape: Any, depth: int = 0) -> Any:
    """A value for ``shape`` that exercises every member, list and map."""
    kind = shape.type_name
    if kind == "structure":
        if depth > 6:
            return {}
        return {name: sample(member, depth + 1) for name, member in shape.members.items()}
    if kind == "list":
        return [sample(shape.member, depth + 1) for _ in range(2)]
    if kind == "map":
        return {f"key{i}-{TRICKY}": sample(shape.value, depth + 1) for i in range(2)}
    if kind == "string":
        return shape.enum[-1] if shape.enum else TRICKY
    if kind in ("integer", "long"):
        return 42
    if kind in ("float", "double"):
        return 1.5
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return STAMP
    if kind == "blob":
        return b"\x00\xffbinary\r\n"
    raise AssertionError(f"unexpected shape type {kind}")


def form_fields(operation: OperationModel, params: dict[str, Any]) -> dict[str, str]:
    request = create_serializer("query").serialize_to_request(params, operation)
    body = urlencode(request["body"]).encode()
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


@pytest.mark.parametrize("name", OPERATIONS)
def test_decode_inverts_botocore_serializer(name: str) -> None:
    operation = MODEL.operation_model(name)
    params = sample(operation.input_shape) if operation.input_shape else {}
    fields = form_fields(operation, params)
    assert fields.pop("Action") == name
    assert fields.pop("Version") == "2010-12-01"
    assert decode(fields, operation) == params


@pytest.mark.parametrize("name", OPERATIONS)
def test_encode_result_parses_with_botocore(name: str) -> None:
    operation = MODEL.operation_model(name)
    result = sample(operation.output_shape) if operation.output_shape else {}
    request_id = str(uuid.uuid4())
    body = encode_result(operation, result, request_id)
    parsed = create_parser("query").parse(
        {"body": body, "headers": {}, "status_code": 200}, cast(Any, operation.output_shape)
    )
    metadata = parsed.pop("ResponseMetadata")
    assert metadata["RequestId"] == request_id
    assert parsed == result


def test_empty_list_round_trips() -> None:
    operation = MODEL.operation_model("GetIdentityVerificationAttributes")
    fields = form_fields(operation, {"Identities": []})
    del fields["Action"], fields["Version"]
    assert decode(fields, operation) == {"Identities": []}


def test_result_members_the_installed_model_lacks_are_left_out() -> None:
    # As an older botocore sees a reply of today's SES: members it does not know are not sent.
    operation = MODEL.operation_model("GetSendQuota")
    body = encode_result(operation, {"Max24HourSend": 1.0, "Bogus": 1}, "id")
    assert b"Bogus" not in body
    assert b"<Max24HourSend>1.0</Max24HourSend>" in body


def test_error_envelope_parses_with_botocore() -> None:
    error = SESError(
        "ConfigurationSetDoesNotExist",
        "Configuration set <a&b> does not exist.",
        fields={"ConfigurationSetName": "a&b"},
    )
    body = encode_error(error, "req-1")
    parsed = create_parser("query").parse(
        {"body": body, "headers": {}, "status_code": 400}, NO_SHAPE
    )
    assert parsed["Error"] == {
        "Type": "Sender",
        "Code": "ConfigurationSetDoesNotExist",
        "Message": "Configuration set <a&b> does not exist.",
        "ConfigurationSetName": "a&b",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"


class _Echo:
    def dispatch(
        self, region: str, operation: str, params: dict[str, Any], attempt: int, service: str
    ) -> dict[str, Any]:
        raise SESError("Echo", f"{region} {operation} {params} {attempt}")


@pytest.mark.parametrize(
    ("body", "code", "status"),
    [
        (b"Version=2010-12-01", "MissingAction", 400),
        (b"Action=NoSuchThing", "InvalidAction", 400),
        (b"Action=ListIdentities&MaxItems=many", "ValidationError", 400),
        (b"Action=SendRawEmail&RawMessage.Data=%%%", "ValidationError", 400),
        (b"Action=ListIdentities&\xff\xfe", "MalformedQueryString", 400),
        (b"Action=ListIdentities&MaxItems=3", "Echo", 400),
    ],
)
def test_hand_made_requests_get_ses_shaped_errors(body: bytes, code: str, status: int) -> None:
    got_status, payload = respond(_Echo(), "eu-west-1", body)
    parsed = create_parser("query").parse(
        {"body": payload, "headers": {}, "status_code": got_status}, NO_SHAPE
    )
    assert got_status == status
    assert parsed["Error"]["Code"] == code
    uuid.UUID(parsed["ResponseMetadata"]["RequestId"])
    if code == "Echo":
        assert parsed["Error"]["Message"] == "eu-west-1 ListIdentities {'MaxItems': 3} 1"


def test_the_model_is_the_one_boto3_clients_already_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    import botocore.session

    boto3.client("ses", region_name="us-east-1")  # sets up boto3's default session
    default = boto3.DEFAULT_SESSION
    assert default is not None

    def no_new_session() -> None:
        raise AssertionError("a new botocore session was made")

    monkeypatch.setattr(botocore.session, "get_session", no_new_session)
    # Past the cache: the test process has a loader already.
    assert _model._loader.__wrapped__() is default._session.get_component("data_loader")

    monkeypatch.undo()  # without a default session, a session of its own
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    loader = _model._loader.__wrapped__()
    assert loader is not default._session.get_component("data_loader")
    assert loader.load_service_model("ses", "service-2")["metadata"]["protocol"] == "query"
