"""SES API v2 account operations through real sesv2 clients, sharing the account with v1."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import raises_ses_error

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sesv2 import SESV2Client

    from pytest_ses import SESMock


def account(v2: SESV2Client) -> dict[str, Any]:
    found: dict[str, Any] = dict(v2.get_account())
    del found["ResponseMetadata"]
    return found


def send(client: SESClient, *to: str) -> str:
    return client.send_email(
        Source="shop@example.com",
        Destination={"ToAddresses": list(to or ["ann@example.net"])},
        Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hi"}}},
    )["MessageId"]


def test_a_fresh_account(v2: SESV2Client) -> None:
    assert account(v2) == {
        "DedicatedIpAutoWarmupEnabled": False,
        "EnforcementStatus": "HEALTHY",
        "ProductionAccessEnabled": True,
        "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 0.0},
        "SendingEnabled": True,
        # An account made since November 2019 suppresses both by default.
        "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
    }


@pytest.mark.ses(sandbox=True)
def test_the_sandbox_has_no_production_access_and_its_quota(v2: SESV2Client) -> None:
    found = account(v2)
    assert found["ProductionAccessEnabled"] is False
    assert found["SendQuota"] == {
        "Max24HourSend": 200.0,
        "MaxSendRate": 1.0,
        "SentLast24Hours": 0.0,
    }


@pytest.mark.ses(max_24_hour_send=-1, max_send_rate=3)
def test_the_quota_comes_from_the_settings(v2: SESV2Client, client: SESClient) -> None:
    assert account(v2)["SendQuota"]["Max24HourSend"] == -1.0
    assert account(v2)["SendQuota"]["MaxSendRate"] == 3.0
    assert account(v2)["SendQuota"] == {
        key: value for key, value in client.get_send_quota().items() if key != "ResponseMetadata"
    }


def test_sent_last_24_hours_counts_v1_sends_on_the_virtual_clock(
    v2: SESV2Client, client: SESClient, ses: SESMock
) -> None:
    send(client, "ann@example.net", "bob@example.net")
    ses.advance(3600)
    send(client, "success@simulator.amazonses.com")  # the simulator is free
    send(client)
    assert account(v2)["SendQuota"]["SentLast24Hours"] == 3.0
    ses.advance(23 * 3600)
    assert account(v2)["SendQuota"]["SentLast24Hours"] == 1.0


def test_suppressed_reasons_are_the_regions(v2: SESV2Client, make_v2: Any) -> None:
    v2.put_account_suppression_attributes(SuppressedReasons=["COMPLAINT"])
    assert account(v2)["SuppressionAttributes"] == {"SuppressedReasons": ["COMPLAINT"]}
    elsewhere = make_v2("eu-west-1")
    assert account(elsewhere)["SuppressionAttributes"] == {
        "SuppressedReasons": ["BOUNCE", "COMPLAINT"]
    }


def test_pausing_through_v2_pauses_v1_sends(v2: SESV2Client, client: SESClient) -> None:
    v2.put_account_sending_attributes(SendingEnabled=False)
    assert account(v2)["SendingEnabled"] is False
    assert client.get_account_sending_enabled()["Enabled"] is False
    error = raises_ses_error(
        lambda: send(client),
        "AccountSendingPausedException",
        "Sending is paused for this account in region us-east-1.",
    )
    assert isinstance(error, client.exceptions.AccountSendingPausedException)
    v2.put_account_sending_attributes(SendingEnabled=True)
    assert account(v2)["SendingEnabled"] is True
    send(client)


def test_pausing_through_v1_shows_in_v2(v2: SESV2Client, client: SESClient) -> None:
    client.update_account_sending_enabled(Enabled=False)
    assert account(v2)["SendingEnabled"] is False
    client.update_account_sending_enabled(Enabled=True)
    assert account(v2)["SendingEnabled"] is True


def test_sending_enabled_left_out_pauses_as_v1_does(v2: SESV2Client) -> None:
    v2.put_account_sending_attributes()
    assert account(v2)["SendingEnabled"] is False


def test_pausing_is_per_region(
    make_v2: Callable[..., SESV2Client], make_client: Callable[..., SESClient]
) -> None:
    make_v2("eu-west-1").put_account_sending_attributes(SendingEnabled=False)
    assert account(make_v2("eu-west-1"))["SendingEnabled"] is False
    assert account(make_v2())["SendingEnabled"] is True
    send(make_client())
