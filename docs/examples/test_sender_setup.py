"""Tests of sender_setup.py, the application module, against the ``ses`` fixture.

Nothing here builds a client or patches anything: the application's own
module-level client, made at import time, is answered by the fake.
"""

from __future__ import annotations

import math
import os

import pytest

from pytest_ses import SESMock

# sender_setup makes its client when it is imported, which is now, during
# collection, before any test's fake exists. boto3 needs then what production
# gets from its environment (a project would usually set these in CI):
# - a region: the fake's default one, so that identities a test sets up with
#   ses.verify(...) are in the region the application's client talks to;
# - no hunt for credentials on the network: without credentials, botocore
#   would ask the EC2 instance-metadata service for some.
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import sender_setup  # after the environment above: it makes its client on import


def operations(ses: SESMock) -> list[str]:
    return [call.operation for call in ses.calls]


# -- ensure_sender_verified ------------------------------------------------------------------------


def test_an_unknown_sender_gets_a_verification_request(ses: SESMock) -> None:
    assert sender_setup.ensure_sender_verified("news@example.com") == "verification-requested"

    assert operations(ses) == ["GetIdentityVerificationAttributes", "VerifyEmailIdentity"]
    assert ses.calls[-1].params == {"EmailAddress": "news@example.com"}


def test_a_verified_sender_is_left_alone(ses: SESMock) -> None:
    ses.verify("news@example.com")

    assert sender_setup.ensure_sender_verified("news@example.com") == "verified"

    assert "VerifyEmailIdentity" not in operations(ses)


@pytest.mark.ses(verified_identities=["example.com"])
def test_a_verified_domain_covers_every_address_in_it(ses: SESMock) -> None:
    assert sender_setup.ensure_sender_verified("billing@example.com") == "verified"
    assert sender_setup.ensure_sender_verified("news@example.org") == "verification-requested"


def test_asking_twice_verifies_once(ses: SESMock) -> None:
    # The fake completes a verification at once, as if the link had been clicked.
    sender_setup.ensure_sender_verified("news@example.com")
    assert sender_setup.ensure_sender_verified("news@example.com") == "verified"

    assert operations(ses).count("VerifyEmailIdentity") == 1


# -- verified_senders and retire_sender ------------------------------------------------------------


def test_verified_senders_lists_addresses_not_domains(ses: SESMock) -> None:
    ses.verify("a@example.com", "b@example.com", "example.org")

    assert sender_setup.verified_senders() == ["a@example.com", "b@example.com"]


def test_verified_senders_follows_every_page(ses: SESMock) -> None:
    addresses = [f"user{n:03}@example.com" for n in range(120)]
    ses.verify(*addresses)

    assert sender_setup.verified_senders() == addresses
    assert operations(ses) == ["ListIdentities"] * 3  # pages of 50, 50 and 20


def test_a_retired_sender_is_no_longer_listed(ses: SESMock) -> None:
    ses.verify("old@example.com", "new@example.com")

    sender_setup.retire_sender("old@example.com")
    sender_setup.retire_sender("never-known@example.com")  # SES does not mind

    assert sender_setup.verified_senders() == ["new@example.com"]


# -- quota -----------------------------------------------------------------------------------------


def test_a_production_account_has_the_default_quota(ses: SESMock) -> None:
    assert sender_setup.remaining_daily_quota() == 50_000
    assert sender_setup.send_interval() == pytest.approx(1 / 14)


@pytest.mark.ses(sandbox=True)
def test_a_sandbox_account_sends_200_a_day_one_per_second(ses: SESMock) -> None:
    assert sender_setup.remaining_daily_quota() == 200
    assert sender_setup.send_interval() == 1.0


@pytest.mark.ses(max_24_hour_send=-1, max_send_rate=-1)
def test_an_unlimited_account(ses: SESMock) -> None:
    assert sender_setup.remaining_daily_quota() == math.inf
    assert sender_setup.send_interval() == 0.0


@pytest.mark.ses(max_24_hour_send=1000, max_send_rate=50)
class TestARaisedQuota:
    def test_daily_quota(self, ses: SESMock) -> None:
        assert sender_setup.remaining_daily_quota() == 1000

    @pytest.mark.ses(max_send_rate=100)  # the closest marker wins
    def test_send_rate(self, ses: SESMock) -> None:
        assert sender_setup.send_interval() == pytest.approx(0.01)
        assert ses.settings.max_24_hour_send == 1000  # the rest comes from the class marker
