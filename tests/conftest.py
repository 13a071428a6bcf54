"""Shared fixtures: real boto3 clients, talking to the fake through botocore's whole pipeline."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sesv2 import SESV2Client

    from pytest_ses import SESMock

# Skips, on an older botocore, what its models cannot express (see the module).
from tests.old_botocore import pytest_runtest_call  # noqa: F401

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
STAMP = dt.datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=dt.timezone.utc)


@pytest.fixture
def make_client(ses: SESMock) -> Callable[..., SESClient]:
    """Build SES clients as applications do; region defaults to the fake's."""

    def make(region: str | None = None, **kwargs: Any) -> SESClient:
        return boto3.client("ses", region_name=region or ses.region, **kwargs)

    return make


@pytest.fixture
def client(make_client: Callable[..., SESClient]) -> SESClient:
    return make_client()


@pytest.fixture
def make_v2(ses: SESMock) -> Callable[..., SESV2Client]:
    """Build SES API v2 clients as applications do; region defaults to the fake's."""

    def make(region: str | None = None, **kwargs: Any) -> SESV2Client:
        return boto3.client("sesv2", region_name=region or ses.region, **kwargs)

    return make


@pytest.fixture
def v2(make_v2: Callable[..., SESV2Client]) -> SESV2Client:
    """An SES API v2 client in the fake's region: the same account as ``client``."""
    return make_v2()


def needs_model(service: str, operation: str, *members: str, result: bool = False) -> None:
    """Skip the test where the installed botocore's model lacks ``operation`` or the member path.

    The path is into the operation's input, or with ``result=True`` its output. The
    oldest botocore we support (tox's ``oldest`` env) predates some SES API v2 members.
    """
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    if operation not in model.operation_names:
        pytest.skip(f"{service} {operation} is not in botocore {botocore.__version__}")
    found = model.operation_model(operation)
    shape: Any = found.output_shape if result else found.input_shape
    for name in members:
        shape = getattr(shape, "member", shape)  # a list: its member's members
        if name not in shape.members:
            pytest.skip(f"{service} {operation} has no {name} in botocore {botocore.__version__}")
        shape = shape.members[name]


def raises_ses_error(
    call: Callable[[], object], code: str, message: str | None = None
) -> ClientError:
    """Run ``call``; it must fail with SES error ``code`` (and ``message``, if given)."""
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    assert error["Code"] == code, error
    if message is not None:
        assert error["Message"] == message, error
    return info.value


def modeled(client: BaseClient, name: str) -> type[ClientError]:
    """The modeled exception class ``client.exceptions.<name>``."""
    cls: type[ClientError] = getattr(client.exceptions, name)
    return cls


class NetworkUsed(Exception):
    """Raised instead of opening a connection."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any socket connection fails with :class:`NetworkUsed`."""

    def refuse(self: socket.socket, address: Any) -> None:
        raise NetworkUsed(f"connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def dummy_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


class Recorder:
    """A client-level before-send handler that sees what botocore would send."""

    def __init__(self) -> None:
        self.requests: list[AWSPreparedRequest] = []

    def __call__(self, request: AWSPreparedRequest, **kwargs: Any) -> None:
        self.requests.append(request)


@pytest.fixture
def url(ses: SESMock) -> Iterator[str]:
    """The fake's loopback endpoint, stopped after the test."""
    yield ses.endpoint_url
    ses._stop_server()


@pytest.fixture
def contact_lists(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A sesv2 ListContactLists handler for this test: records its params, answers one list.

    ``NextToken="missing"`` raises a shared rule's v1 error; ``"throttle:N"`` throttles N times.
    Until the sesv2 families exist, this is how tests reach the v2 answer path.
    """
    from pytest_ses._errors import SESError
    from pytest_ses._fake import registry

    seen: list[dict[str, Any]] = []

    def handler(account: Any, region: Any, params: dict[str, Any]) -> dict[str, Any]:
        seen.append(params)
        token = params.get("NextToken", "")
        if token.startswith("throttle:") and len(seen) <= int(token[len("throttle:") :]):
            raise SESError("Throttling", "Rate exceeded")
        if token == "missing":
            raise SESError("ConfigurationSetDoesNotExist", "Configuration set <x> does not exist.")
        return {"ContactLists": [{"ContactListName": "news", "LastUpdatedTimestamp": STAMP}]}

    monkeypatch.setitem(registry.HANDLERS, ("sesv2", "ListContactLists"), handler)
    return seen
