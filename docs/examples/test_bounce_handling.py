"""Tests of bounce_handling.py, end to end: send, let SES publish, feed the webhook, send again."""

from __future__ import annotations

import pytest
from bounce_handling import (
    Subscribers,
    handle_sns_notification,
    send_newsletter,
    set_up_event_publishing,
)

from pytest_ses import SESMock

pytestmark = pytest.mark.ses(region="eu-west-1")


@pytest.fixture
def subscribers(ses: SESMock) -> Subscribers:
    set_up_event_publishing()
    return Subscribers(
        active=[
            "ann@example.net",
            "bounce@simulator.amazonses.com",  # SES's simulator: a hard bounce
            "complaint@simulator.amazonses.com",  # ... delivered, then reported as spam
            "bob@example.org",
        ]
    )


def deliver_notifications(ses: SESMock, subscribers: Subscribers) -> None:
    """What SNS would POST to the application's webhook."""
    for notification in ses.destination("feedback").notifications:
        handle_sns_notification(subscribers, notification)


def test_bounces_and_complaints_stop_further_mail(ses: SESMock, subscribers: Subscribers) -> None:
    assert send_newsletter(subscribers, "May news", "<p>Hello</p>") == 4
    deliver_notifications(ses, subscribers)

    assert subscribers.undeliverable == {
        "bounce@simulator.amazonses.com": "bounced",
        "complaint@simulator.amazonses.com": "complained",
    }
    assert send_newsletter(subscribers, "June news", "<p>Hello again</p>") == 2
    assert [m.to for m in ses.outbox[4:]] == [["ann@example.net"], ["bob@example.org"]]


def test_a_later_bounce_of_a_real_address(ses: SESMock, subscribers: Subscribers) -> None:
    send_newsletter(subscribers, "May news", "<p>Hello</p>")
    bob = next(m for m in ses.outbox if m.to == ["bob@example.org"])

    ses.simulate_bounce(bob, bounce_type="Permanent", sub_type="NoEmail")
    deliver_notifications(ses, subscribers)

    assert subscribers.undeliverable["bob@example.org"] == "bounced"


def test_soft_bounces_are_not_fatal(ses: SESMock, subscribers: Subscribers) -> None:
    ses.set_outcome("@example.net", "bounce", bounce_type="Transient", sub_type="MailboxFull")
    send_newsletter(subscribers, "May news", "<p>Hello</p>")
    deliver_notifications(ses, subscribers)

    assert "ann@example.net" not in subscribers.undeliverable
    bounce_types = [e.record["bounce"]["bounceType"] for e in ses.events if e.type == "Bounce"]
    assert sorted(bounce_types) == ["Permanent", "Transient"]
