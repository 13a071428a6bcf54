"""Every emulated operation, fed model-driven junk, answers a modeled SES error or succeeds.

In process through a boto3 client whose own validation is off, and as raw form
posts to ``ses.endpoint_url``: never another exception, never a 500, and the
fake keeps working afterwards.
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.serialize import create_serializer
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_ses._fake import registry
from pytest_ses._fake.dispatch import _load_families
from pytest_ses._model import service_model
from tests.conftest import NO_RETRIES
from tests.test_sending_fuzz import FUZZ as SEND_FUZZ

if TYPE_CHECKING:
    from pytest_ses import SESMock

_load_families()
OPERATIONS = sorted(name for service, name in registry.HANDLERS if service == "ses")
MODEL = service_model()
CLIENT = boto3.client(
    "ses",
    region_name="us-east-1",
    config=NO_RETRIES.merge(Config(parameter_validation=False)),
)
pytestmark = pytest.mark.ses(max_send_rate=-1, max_24_hour_send=-1)

# The codes of the model's error shapes, and the protocol-level ones the fake answers.
KNOWN_CODES = {
    shape.metadata["error"]["code"] if "error" in shape.metadata else shape.name
    for name in MODEL.operation_names
    for shape in MODEL.operation_model(name).error_shapes
} | {"ValidationError", "InvalidParameterValue", "MessageRejected", "InvalidAction"}
FUZZ = settings(SEND_FUZZ, max_examples=250)  # the suite's derandomized settings, more examples

# Strings that mean something to the fake, so that examples reach past the first check.
MEANINGFUL = st.sampled_from(
    ["a@example.com", "example.com", "set-1", "dest-1", "Bounce", "send", "UTF-8", ""]
)
ODD_TEXT = st.text(max_size=12) | st.sampled_from(["\x00", "\r\nBcc: x", "1e400"])
# Values botocore's serializer writes for any scalar member (it leaves them unchecked).
WRONG_SCALARS = st.none() | st.integers() | st.floats() | st.booleans()


def value_of(shape: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for ``shape``: mostly right, sometimes missing members or of the wrong type."""
    kind = shape.type_name
    if kind == "structure":
        members = {name: value_of(m, depth + 1) for name, m in shape.members.items()}
        if depth > 3:
            return st.just({})
        return st.fixed_dictionaries({}, optional=members)
    if kind == "list":
        return st.lists(value_of(shape.member, depth + 1), max_size=3)
    if kind == "string":
        good = st.sampled_from(shape.enum) if shape.enum else MEANINGFUL
        return good | ODD_TEXT | WRONG_SCALARS
    if kind in ("integer", "long"):
        return st.integers(-5, 1500) | st.integers() | ODD_TEXT | WRONG_SCALARS
    if kind in ("float", "double"):
        return st.floats() | WRONG_SCALARS
    if kind == "boolean":
        return st.booleans() | WRONG_SCALARS
    if kind == "timestamp":
        return st.datetimes(timezones=st.just(dt.timezone.utc))
    if kind == "blob":
        return st.binary(max_size=40) | st.just(
            b"From: a@example.com\r\nTo: b@example.com\r\n\r\nx"
        )
    raise AssertionError(f"no strategy for {kind}")


def params_of(name: str) -> st.SearchStrategy[dict[str, Any]]:
    shape = MODEL.operation_model(name).input_shape
    return st.just({}) if shape is None else value_of(shape)


def requests() -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    return st.sampled_from(OPERATIONS).flatmap(
        lambda name: st.tuples(st.just(name), params_of(name))
    )


# Each operation's method on the client: ``SendEmail`` -> ``send_email``.
METHODS = {api: method for method, api in CLIENT.meta.method_to_api_mapping.items()}


def assert_modeled(exc: ClientError) -> None:
    error = exc.response["Error"]
    assert error["Code"] in KNOWN_CODES, exc.response
    assert 400 <= exc.response["ResponseMetadata"]["HTTPStatusCode"] < 500, exc.response


def still_works(ses: SESMock) -> None:
    CLIENT.update_account_sending_enabled(Enabled=True)  # an example may have paused it
    ses.verify("a@example.com")
    sent = CLIENT.send_email(
        Source="a@example.com",
        Destination={"ToAddresses": ["a@example.com"]},
        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
    )
    assert sent["MessageId"]


@FUZZ
@given(request=requests())
def test_every_operation_in_process_answers_an_ses_error_or_succeeds(
    ses: SESMock, request: tuple[str, dict[str, Any]]
) -> None:
    name, params = request
    method = getattr(CLIENT, METHODS[name])
    try:
        method(**params)
    except ClientError as exc:
        assert_modeled(exc)
    still_works(ses)


@pytest.fixture(scope="module")
def serializer() -> Any:
    return create_serializer("query")


JUNK = st.sampled_from(
    ["", "1e400", "-1e400", "nan", "inf", "99999999999999999999", "abc", "!!!", "\x00", "true"]
)


@FUZZ
@given(
    request=requests(),
    drop=st.sets(st.integers(0, 30), max_size=3),
    mutate=st.dictionaries(st.integers(0, 30), JUNK | st.text(max_size=8), max_size=3),
    extra=st.dictionaries(st.text(max_size=12), JUNK, max_size=2),
)
def test_every_operation_over_the_endpoint_answers_an_ses_error_or_succeeds(
    ses: SESMock,
    serializer: Any,
    request: tuple[str, dict[str, Any]],
    drop: set[int],
    mutate: dict[int, str],
    extra: dict[str, str],
) -> None:
    name, params = request
    try:
        body = serializer.serialize_to_request(params, MODEL.operation_model(name))["body"]
    except Exception:  # botocore cannot write these params itself; send the bare action
        body = {"Action": name, "Version": "2010-12-01"}
    keys = [key for key in body if key not in ("Action", "Version")]
    fields = {key: str(value) for key, value in body.items()}
    for index in drop:
        if index < len(keys):
            fields.pop(keys[index], None)
    for index, junk in mutate.items():
        if index < len(keys):
            fields[keys[index]] = junk
    fields.update({key: value for key, value in extra.items() if key not in ("Action", "")})
    data = urlencode(fields).encode()
    try:
        with urllib.request.urlopen(ses.endpoint_url, data=data, timeout=10) as reply:
            status, payload = reply.status, reply.read()
    except urllib.error.HTTPError as exc:
        status, payload = exc.code, exc.read()
    assert status == 200 or 400 <= status < 500, payload
    if status != 200:
        code = payload.split(b"<Code>")[1].split(b"</Code>")[0].decode()
        assert code in KNOWN_CODES | {"MalformedQueryString"}, payload
    still_works(ses)
