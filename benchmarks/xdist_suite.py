"""A suite of tests using the ``ses`` fixture: state must never leak between tests.

Run by tests/test_xdist.py (200 tests, with and without pytest-xdist) and timed
by benchmarks/bench_xdist.py (2,000). ``XDIST_SUITE_TESTS`` sets the count. Each
test starts from an empty fake, so any state shared between tests (or between
xdist workers) makes some of them fail.
"""

from __future__ import annotations

import os

import boto3
import pytest

from pytest_ses import SESMock

CLIENT = boto3.client("ses", region_name="us-east-1")
COUNT = int(os.environ.get("XDIST_SUITE_TESTS", "200"))


@pytest.mark.parametrize("number", range(COUNT))
def test_fresh_fake(ses: SESMock, number: int) -> None:
    assert len(ses.outbox) == 0
    assert CLIENT.list_identities()["Identities"] == []
    CLIENT.verify_email_identity(EmailAddress=f"sender{number}@example.com")
    CLIENT.send_email(
        Source=f"sender{number}@example.com",
        Destination={"ToAddresses": [f"user{number}@example.net"]},
        Message={"Subject": {"Data": f"#{number}"}, "Body": {"Text": {"Data": "hi"}}},
    )
    assert [m.subject for m in ses.outbox] == [f"#{number}"]
    assert CLIENT.list_identities()["Identities"] == [f"sender{number}@example.com"]
    assert CLIENT.get_send_quota()["SentLast24Hours"] == 1.0
