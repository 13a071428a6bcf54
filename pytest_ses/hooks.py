"""Hooks other plugins and conftest.py files can implement to observe the fake.

They are called in the test's process, while the application's SES call is
being answered, so keep implementations quick and never call SES from them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from pytest_ses import Event, Feedback, Notification, SentMessage, SESMock

hookspec = pluggy.HookspecMarker("pytest")


@hookspec
def pytest_ses_message_sent(message: SentMessage, ses: SESMock) -> None:
    """Called for every message the ``ses`` fixture's fake accepted (SendEmail, SendRawEmail)."""


@hookspec
def pytest_ses_event_published(event: Event, ses: SESMock) -> None:
    """Called for every event the fake recorded (Send, Delivery, Bounce, ...), after it went to
    the configuration set's matching destinations (``event.destinations``)."""


@hookspec
def pytest_ses_notification_published(notification: Notification, ses: SESMock) -> None:
    """Called for every notification an identity published to its SNS topic
    (``ses.notifications``): a Bounce, Complaint or Delivery notification."""


@hookspec
def pytest_ses_feedback_forwarded(feedback: Feedback, ses: SESMock) -> None:
    """Called for every bounce or complaint SES mailed back to the sender
    (``ses.feedback``, feedback forwarding)."""
