"""Tests of password_reset.py: what was mailed, to whom, and what happens when SES says no."""

from __future__ import annotations

import re

import password_reset
import pytest

from pytest_ses import SESMock


@pytest.fixture
def shop(ses: SESMock) -> SESMock:
    password_reset.set_up_sending()
    return ses


def test_the_reset_mail_carries_a_working_link(shop: SESMock) -> None:
    token = password_reset.send_password_reset("Dana@example.com", "Dana <3")

    (mail,) = shop.outbox
    assert mail.to == ["Dana@example.com"]
    assert mail.subject == "Reset your Acme password"
    assert mail.configuration_set == "transactional"
    assert mail.tags == {"category": "password-reset"}
    assert mail.html is not None
    links = re.findall(r'href="([^"]+)"', mail.html)
    assert links == [f"https://shop.acme.example/account/reset?token={token}"]
    assert "Hello Dana &lt;3," in mail.html  # the name is escaped in HTML
    assert mail.text is not None
    assert links[0] in mail.text


def test_set_up_is_idempotent(shop: SESMock) -> None:
    password_reset.set_up_sending()
    assert [call.operation for call in shop.calls].count("CreateConfigurationSet") == 1


@pytest.mark.ses(verified_identities=["other.example"])
def test_an_unverified_sender_domain_is_reported(shop: SESMock) -> None:
    with pytest.raises(password_reset.ResetMailError, match="Email address is not verified"):
        password_reset.send_password_reset("dana@example.com", "Dana")
    assert len(shop.outbox) == 0
    assert shop.rejected[0].code == "MessageRejected"


@pytest.mark.ses(verified_identities=["acme.example"])
def test_a_verified_domain_is_enough(shop: SESMock) -> None:
    password_reset.send_password_reset("dana@example.com", "Dana")
    assert len(shop.outbox) == 1


@pytest.mark.ses(max_send_rate=1)
def test_a_burst_of_resets_is_smoothed_by_botocore_retries(shop: SESMock) -> None:
    start = shop.clock.time()
    for number in range(3):
        password_reset.send_password_reset(f"user{number}@example.com", "User")

    assert [mail.to for mail in shop.outbox] == [
        ["user0@example.com"],
        ["user1@example.com"],
        ["user2@example.com"],
    ]
    # Two sends were throttled once each; botocore's back-off moved the
    # virtual clock, not the wall clock.
    assert [r.message for r in shop.rejected] == ["Maximum sending rate exceeded."] * 2
    assert shop.clock.time() - start == 2.0


@pytest.mark.ses(max_24_hour_send=1)
def test_the_daily_quota_surfaces_as_an_application_error(shop: SESMock) -> None:
    password_reset.send_password_reset("first@example.com", "First")
    with pytest.raises(password_reset.ResetMailError, match="Daily message quota exceeded"):
        password_reset.send_password_reset("second@example.com", "Second")
