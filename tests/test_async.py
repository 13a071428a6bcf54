"""aiobotocore and aioboto3 clients, answered by the same fake as boto3's.

Each test drives its coroutine with ``asyncio.run``: no async test plugin needed.
Skipped as a whole without aiobotocore, and test by test without aioboto3.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import types
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from pytest_ses import NotEmulatedError, SESMock, _intercept, mock_ses
from tests.conftest import STAMP

aio_session = pytest.importorskip("aiobotocore.session")

# Made when this module is imported, before any fake: its clients must still be answered.
IMPORT_TIME_SESSION = aio_session.get_session()

SENDER = "sender@example.com"
MESSAGE: dict[str, Any] = {
    "Subject": {"Data": "Hello"},
    "Body": {"Text": {"Data": "Plain body"}},
}
FIREHOSE = {
    "IAMRoleARN": "arn:aws:iam::123456789012:role/ses-firehose",
    "DeliveryStreamARN": "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses-events",
}
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})

MakeClient = Callable[..., AbstractAsyncContextManager[Any]]


def _aiobotocore_client(region: str = "us-east-1", service: str = "ses", **kwargs: Any) -> Any:
    return aio_session.get_session().create_client(service, region_name=region, **kwargs)


def _aioboto3_client(region: str = "us-east-1", service: str = "ses", **kwargs: Any) -> Any:
    aioboto3 = pytest.importorskip("aioboto3")
    return aioboto3.Session().client(service, region_name=region, **kwargs)


def _import_time_session_client(
    region: str = "us-east-1", service: str = "ses", **kwargs: Any
) -> Any:
    return IMPORT_TIME_SESSION.create_client(service, region_name=region, **kwargs)


@pytest.fixture(
    params=[
        pytest.param(_aiobotocore_client, id="aiobotocore"),
        pytest.param(_aioboto3_client, id="aioboto3"),
        pytest.param(_import_time_session_client, id="aiobotocore-import-time-session"),
    ]
)
def make_client(request: pytest.FixtureRequest) -> MakeClient:
    """``make_client(region=..., service="ses", **kwargs)``: an async context manager giving
    a client of SES's API v1 (or of ``service``: ``"sesv2"``, ``"pinpoint-email"``)."""
    make: MakeClient = request.param
    return make


def run(make_client: MakeClient, body: Callable[[Any], Awaitable[Any]], **kwargs: Any) -> Any:
    """Make a client, run ``body(client)`` on a fresh event loop, return its result."""

    async def main() -> Any:
        async with make_client(**kwargs) as client:
            return await body(client)

    return asyncio.run(main())


async def send(client: Any, to: list[str] | None = None, **kwargs: Any) -> str:
    params: dict[str, Any] = {
        "Source": SENDER,
        "Destination": {"ToAddresses": to or ["rcpt@example.net"]},
        "Message": MESSAGE,
        **kwargs,
    }
    response = await client.send_email(**params)
    message_id: str = response["MessageId"]
    return message_id


# -- the fake answers async clients ------------------------------------------------------------


def test_send_email_lands_in_the_outbox(make_client: MakeClient, ses: SESMock) -> None:
    message_id = run(make_client, lambda client: send(client, ["a@example.net"]))
    (sent,) = ses.outbox
    assert sent.message_id == message_id
    assert (sent.source, sent.to, sent.subject, sent.text) == (
        SENDER,
        ["a@example.net"],
        "Hello",
        "Plain body",
    )
    assert sent.region == "us-east-1"
    assert [call.operation for call in ses.calls] == ["SendEmail"]


def test_responses_parse_as_with_boto3(make_client: MakeClient, ses: SESMock) -> None:
    async def body(client: Any) -> Any:
        await client.verify_email_identity(EmailAddress="a@example.com")
        return await client.list_identities(), await client.get_send_quota()

    identities, quota = run(make_client, body)
    assert identities["Identities"] == ["a@example.com"]
    assert identities["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert quota["Max24HourSend"] == 50000.0
    assert quota["MaxSendRate"] == 14.0


def test_modeled_errors_raise_the_modeled_exception(make_client: MakeClient, ses: SESMock) -> None:
    async def body(client: Any) -> ClientError:
        with pytest.raises(client.exceptions.ConfigurationSetDoesNotExistException) as info:
            await send(client, ConfigurationSetName="missing")
        error: ClientError = info.value
        return error

    error = run(make_client, body)
    assert isinstance(error, ClientError)
    assert error.response["Error"]["Code"] == "ConfigurationSetDoesNotExist"
    assert error.response["Error"]["Message"] == "Configuration set <missing> does not exist."
    assert error.response["Error"]["ConfigurationSetName"] == "missing"  # type: ignore[typeddict-item]
    assert len(ses.outbox) == 0


@pytest.mark.ses(verified_identities=["verified@example.com"])
def test_sending_rules_apply(make_client: MakeClient, ses: SESMock) -> None:
    async def body(client: Any) -> ClientError:
        with pytest.raises(client.exceptions.MessageRejected) as info:
            await send(client, Source="nobody@example.org")
        error: ClientError = info.value
        return error

    error = run(make_client, body)
    assert error.response["Error"]["Code"] == "MessageRejected"
    assert "nobody@example.org" in error.response["Error"]["Message"]
    assert [r.code for r in ses.rejected] == ["MessageRejected"]


def test_events_are_recorded_and_published(make_client: MakeClient, ses: SESMock) -> None:
    async def body(client: Any) -> str:
        await client.create_configuration_set(ConfigurationSet={"Name": "tracked"})
        await client.create_configuration_set_event_destination(
            ConfigurationSetName="tracked",
            EventDestination={
                "Name": "firehose",
                "Enabled": True,
                "MatchingEventTypes": ["send", "delivery"],
                "KinesisFirehoseDestination": FIREHOSE,
            },
        )
        return await send(
            client, ["success@simulator.amazonses.com"], ConfigurationSetName="tracked"
        )

    message_id = run(make_client, body)
    assert [(e.type, e.message_id) for e in ses.events] == [
        ("Send", message_id),
        ("Delivery", message_id),
    ]
    records = [json.loads(r) for r in ses.destination("firehose").records]
    assert [r["eventType"] for r in records] == ["Send", "Delivery"]


def test_custom_endpoint_url_keeps_its_region(make_client: MakeClient, ses: SESMock) -> None:
    async def body(client: Any) -> None:
        await client.verify_email_identity(EmailAddress="a@example.com")

    run(make_client, body, region="eu-west-1", endpoint_url="http://localhost:1")
    assert ses.calls[-1].region == "eu-west-1"


def test_concurrent_tasks_are_each_answered(make_client: MakeClient, ses: SESMock) -> None:
    async def body(client: Any) -> list[str]:
        return list(await asyncio.gather(*(send(client, [f"r{i}@example.net"]) for i in range(5))))

    message_ids = run(make_client, body)
    assert len(set(message_ids)) == 5
    assert sorted(m.message_id for m in ses.outbox) == sorted(message_ids)


def test_unemulated_operation_fails_at_once_and_is_not_retried(
    make_client: MakeClient, ses: SESMock
) -> None:
    async def body(client: Any) -> None:
        with pytest.raises(NotEmulatedError, match="ListReceiptRuleSets"):
            await client.list_receipt_rule_sets()

    run(make_client, body)
    assert [call.operation for call in ses.calls] == ["ListReceiptRuleSets"]
    ses.forget_not_emulated()


def test_a_v2_send_email_lands_in_the_outbox(ses: SESMock) -> None:
    async def main() -> str:
        async with aio_session.get_session().create_client(
            "sesv2", region_name="eu-west-1"
        ) as client:
            result = await client.send_email(
                FromEmailAddress=SENDER,
                Destination={"ToAddresses": ["b@example.com"]},
                Content={"Simple": MESSAGE},
            )
            return str(result["MessageId"])

    message_id = asyncio.run(main())
    [sent] = ses.outbox
    assert (sent.message_id, sent.service, sent.operation) == (message_id, "sesv2", "SendEmail")
    assert (sent.region, sent.subject, sent.text) == ("eu-west-1", "Hello", "Plain body")
    [call] = ses.calls
    assert (call.service, call.region, call.outcome, call.attempt) == (
        "sesv2",
        "eu-west-1",
        "ok",
        1,
    )


def test_pinpoint_email_sending_is_fenced_for_async_clients(ses: SESMock) -> None:
    async def main() -> None:
        async with aio_session.get_session().create_client(
            "pinpoint-email", region_name="eu-west-1"
        ) as client:
            with pytest.raises(NotEmulatedError, match="'SendEmail'"):
                await client.send_email(
                    FromEmailAddress=SENDER,
                    Destination={"ToAddresses": ["b@example.com"]},
                    Content={"Raw": {"Data": b"Subject: x\r\n\r\nbody"}},
                )

    asyncio.run(main())
    [call] = ses.calls
    assert (call.service, call.outcome) == ("pinpoint-email", "NotEmulated")
    ses.forget_not_emulated()


# -- API v2 and pinpoint-email -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "method", "operation"),
    [
        ("sesv2", "list_contact_lists", "ListContactLists"),
        (
            "pinpoint-email",
            "get_deliverability_dashboard_options",
            "GetDeliverabilityDashboardOptions",
        ),
    ],
)
def test_v2_clients_are_answered_and_unemulated_operations_fail_at_once(
    make_client: MakeClient,
    ses: SESMock,
    no_network: list[Any],
    service: str,
    method: str,
    operation: str,
) -> None:
    async def body(client: Any) -> None:
        with pytest.raises(NotEmulatedError, match=f"'{operation}'"):
            await getattr(client, method)()

    run(make_client, body, region="eu-west-1", service=service, endpoint_url="http://localhost:1")
    assert [(c.operation, c.region, c.attempt) for c in ses.calls] == [(operation, "eu-west-1", 1)]
    assert no_network == []
    ses.forget_not_emulated()


def test_a_v2_result_and_modeled_error_parse_as_with_boto3(
    make_client: MakeClient, ses: SESMock, contact_lists: list[Any]
) -> None:
    async def body(client: Any) -> Any:
        with pytest.raises(ClientError) as info:
            await client.list_contact_lists(NextToken="missing")
        assert isinstance(info.value, client.exceptions.NotFoundException)
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
        return await client.list_contact_lists(PageSize=2)

    response = run(make_client, body, service="sesv2", config=NO_RETRIES)
    assert response["ContactLists"] == [{"ContactListName": "news", "LastUpdatedTimestamp": STAMP}]
    assert contact_lists == [{"NextToken": "missing"}, {"PageSize": 2}]


def test_v2_throttling_is_retried_on_the_virtual_clock(
    make_client: MakeClient, ses: SESMock, contact_lists: list[Any]
) -> None:
    async def body(client: Any) -> Any:
        return await client.list_contact_lists(NextToken="throttle:2")

    start = ses.clock.time()
    run(make_client, body, service="sesv2", config=Config(retries={"mode": "standard"}))
    assert [(c.attempt, c.outcome) for c in ses.calls] == [
        (1, "TooManyRequestsException"),
        (2, "TooManyRequestsException"),
        (3, "ok"),
    ]
    assert ses.clock.time() - start == 1.0 + 2.0


# -- retries run on the virtual clock -----------------------------------------------------------


@pytest.mark.ses(max_send_rate=1)
def test_retries_absorb_the_rate_throttle_on_the_virtual_clock(
    make_client: MakeClient, ses: SESMock
) -> None:
    async def body(client: Any) -> None:
        for _ in range(3):
            await send(client)

    start = ses.clock.time()
    run(make_client, body)
    assert len(ses.outbox) == 3
    # Each throttled send was retried once, after a 1 s back-off on the virtual clock.
    assert ses.clock.time() - start == 2.0
    assert [c.attempt for c in ses.calls] == [1, 1, 2, 1, 2]
    assert [r.code for r in ses.rejected] == ["Throttling", "Throttling"]


@pytest.mark.ses(max_send_rate=1)
def test_standard_mode_retries_too(make_client: MakeClient, ses: SESMock) -> None:
    async def body(client: Any) -> None:
        await send(client)
        await send(client)

    start = ses.clock.time()
    run(make_client, body, config=Config(retries={"mode": "standard"}))
    assert ses.clock.time() - start == 1.0
    assert [c.attempt for c in ses.calls] == [1, 1, 2]


def test_only_aiobotocores_endpoint_sees_the_sleep_proxy(ses: SESMock) -> None:
    import aiobotocore.endpoint

    assert aiobotocore.endpoint.asyncio is not asyncio  # proxied, once a fake was active
    assert aiobotocore.endpoint.asyncio.Lock is asyncio.Lock  # everything else is asyncio's
    assert asyncio.sleep.__module__ == "asyncio.tasks"  # asyncio itself is untouched


@pytest.mark.ses(max_send_rate=1)
def test_concurrent_throttled_sends_all_land(make_client: MakeClient, ses: SESMock) -> None:
    async def body(client: Any) -> None:
        await asyncio.gather(*(send(client) for _ in range(3)))

    start = ses.clock.time()
    run(make_client, body)
    assert len(ses.outbox) == 3
    assert {r.code for r in ses.rejected} == {"Throttling"}
    # Every back-off was virtual: the clock moved by whole retry delays.
    assert ses.clock.time() - start >= 2.0
    assert (ses.clock.time() - start).is_integer()


def test_the_sleep_proxy_takes_only_ses_retries_on_the_virtual_clock(ses: SESMock) -> None:
    slept: list[float] = []

    async def recording_sleep(delay: float, result: Any = None) -> Any:
        slept.append(delay)
        return result

    stub = types.ModuleType("asyncio")
    stub.sleep = recording_sleep  # type: ignore[attr-defined]
    proxy = _intercept._AsyncioProxy(stub)
    start = ses.clock.time()

    _intercept._needs_retry(event_name="needs-retry.s3.GetObject", attempts=1)
    assert asyncio.run(proxy.sleep(0.5, "kept")) == "kept"  # another service: real
    _intercept._needs_retry(event_name="needs-retry.ses.SendEmail", attempts=2)
    asyncio.run(proxy.sleep(0.7))  # SES, faked: virtual, then one yield to the loop
    asyncio.run(proxy.sleep(0.3))  # no retry pending any more: real

    assert slept == [0.5, 0, 0.3]
    assert ses.clock.time() - start == 2.0


# -- what is not touched ------------------------------------------------------------------------


class NetworkUsed(ConnectionRefusedError):
    """Raised instead of opening a connection."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise NetworkUsed(f"connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.mark.usefixtures("ses")
def test_ses_mock_answers_without_the_network(
    make_client: MakeClient, no_network: list[Any]
) -> None:
    async def body(client: Any) -> None:
        await client.get_send_quota()

    run(make_client, body)
    assert no_network == []


def test_without_a_fake_aiobotocore_goes_to_the_network_as_usual(
    make_client: MakeClient, no_network: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with mock_ses():  # the hooks are installed, and dormant again after
        pass

    async def body(client: Any) -> None:
        with pytest.raises(EndpointConnectionError):
            await client.get_send_quota()

    run(make_client, body, endpoint_url="http://127.0.0.1:1", config=NO_RETRIES)
    assert no_network == [("127.0.0.1", 1)]


def run_script(script: str) -> None:
    """Run ``script`` in a fresh interpreter: nothing imported yet."""
    subprocess.run([sys.executable, "-c", script], check=True)


def test_importing_the_plugin_does_not_import_aiobotocore() -> None:
    run_script(
        """
import sys
import pytest_ses, pytest_ses.plugin
from pytest_ses import _intercept
assert not [m for m in sys.modules if m.startswith(("aiobotocore", "aioboto3"))], "imported"
import aiobotocore.hooks
assert aiobotocore.hooks._HANDLER_MAPPING[_intercept._before_send] is _intercept._aio_before_send
mapping = aiobotocore.hooks._HANDLER_MAPPING
assert mapping[_intercept._before_send_rest] is _intercept._aio_before_send_rest
import aiobotocore.endpoint
assert not isinstance(aiobotocore.endpoint.asyncio, _intercept._AsyncioProxy)  # dormant
with pytest_ses.mock_ses():
    assert isinstance(aiobotocore.endpoint.asyncio, _intercept._AsyncioProxy)
"""
    )


def test_aiobotocore_imported_after_a_fake_started_is_reached() -> None:
    # Outside pytest (no plugin): mock_ses() first, aiobotocore only inside it.
    run_script(
        """
import asyncio
from pytest_ses import mock_ses

async def main(session):
    async with session.create_client("ses", region_name="us-east-1") as client:
        for _ in range(2):
            await client.send_email(
                Source="a@example.com",
                Destination={"ToAddresses": ["b@example.net"]},
                Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
            )

with mock_ses(max_send_rate=1) as ses:
    from aiobotocore.session import get_session
    start = ses.clock.time()
    asyncio.run(main(get_session()))
    assert len(ses.outbox) == 2
    assert ses.clock.time() - start == 1.0, ses.clock.time() - start
"""
    )
