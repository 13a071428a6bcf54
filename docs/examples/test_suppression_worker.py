"""Tests of suppression_worker.py: SES's identity notifications, fed to the worker as SQS would."""

from __future__ import annotations

import json

import pytest
from suppression_worker import (
    DOMAIN,
    FEEDBACK_TOPIC,
    SENDER,
    Suppressions,
    configure_notifications,
    handle_queue_message,
    send_receipt,
)

from pytest_ses import SESMock

pytestmark = pytest.mark.ses(region="eu-west-1", verified_identities=[DOMAIN])


@pytest.fixture
def suppressions(ses: SESMock) -> Suppressions:
    configure_notifications()
    return Suppressions()


def drain_queue(ses: SESMock, suppressions: Suppressions) -> None:
    """What SQS would hand the worker: each SNS message SES published to the topic."""
    for notification in ses.notifications.filter(topic=FEEDBACK_TOPIC):
        handle_queue_message(suppressions, json.dumps(notification.sns))


def test_a_hard_bounce_suppresses_the_address(ses: SESMock, suppressions: Suppressions) -> None:
    assert send_receipt(suppressions, "bounce@simulator.amazonses.com", "A-1")
    drain_queue(ses, suppressions)

    assert suppressions.reasons == {"bounce@simulator.amazonses.com": "bounce/General"}
    assert not send_receipt(suppressions, "bounce@simulator.amazonses.com", "A-2")
    assert len(ses.outbox) == 1


def test_a_later_bounce_of_a_delivered_receipt(ses: SESMock, suppressions: Suppressions) -> None:
    send_receipt(suppressions, "ann@example.net", "A-1")
    ses.advance(6 * 3600)  # the recipient's server gives up hours later
    ses.simulate_bounce(ses.outbox[0], bounce_type="Permanent", sub_type="NoEmail")
    drain_queue(ses, suppressions)

    assert suppressions.reasons == {"ann@example.net": "bounce/NoEmail"}
    notification = ses.notifications.only(type="Bounce")
    assert notification.identity == DOMAIN  # the domain's settings cover its addresses
    # Headers are on for bounces, so the worker could read the original subject too.
    assert notification.record["mail"]["commonHeaders"]["subject"] == "Your receipt for order A-1"


def test_complaints_suppress_and_soft_bounces_do_not(
    ses: SESMock, suppressions: Suppressions
) -> None:
    ses.set_outcome("bob@example.org", "bounce", bounce_type="Transient", sub_type="MailboxFull")
    for address in ("complaint@simulator.amazonses.com", "bob@example.org"):
        send_receipt(suppressions, address, "A-1")
    drain_queue(ses, suppressions)

    assert suppressions.reasons == {"complaint@simulator.amazonses.com": "complaint"}
    assert [n.type for n in ses.notifications] == ["Complaint", "Bounce"]


def test_forwarding_is_off_so_no_feedback_mail(ses: SESMock, suppressions: Suppressions) -> None:
    send_receipt(suppressions, "bounce@simulator.amazonses.com", "A-1")

    assert len(ses.feedback) == 0  # with forwarding on, SES would mail the bounce to SENDER
    assert ses.notifications.only().record["mail"]["source"] == SENDER


def test_other_sns_messages_are_ignored(suppressions: Suppressions) -> None:
    handle_queue_message(suppressions, json.dumps({"Type": "SubscriptionConfirmation"}))
    assert suppressions.reasons == {}
