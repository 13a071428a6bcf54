"""``SESMock``'s identity-notification half: ``ses.notifications`` and ``ses.feedback``."""

from __future__ import annotations

from pytest_ses._fake.account import Account
from pytest_ses._fake.notifications import Feedback, Notification
from pytest_ses._matching import short_id
from pytest_ses.outbox import _Log

NOTIFICATION_FIELDS = (
    "type", "message_id", "topic", "identity", "region", "recipients", "timestamp",
    "record", "sns", "message",
)  # fmt: skip
FEEDBACK_FIELDS = (
    "type", "message_id", "to", "sender", "subject", "text", "identity", "recipients",
    "feedback_id", "region", "timestamp", "message",
)  # fmt: skip


class NotificationLog(_Log[Notification]):
    """Every notification identities published to their SNS topics, in order."""

    _noun = "notification"
    _fields = NOTIFICATION_FIELDS

    def _summary(self, item: Notification) -> str:
        return (
            f"{item.type} of {short_id(item.message_id)} for {', '.join(item.recipients)} "
            f"(identity {item.identity}, topic {item.topic})"
        )


class FeedbackLog(_Log[Feedback]):
    """Every bounce and complaint SES mailed back to senders, in order."""

    _noun = "feedback email"
    _fields = FEEDBACK_FIELDS

    def _summary(self, item: Feedback) -> str:
        return (
            f"{item.type} of {short_id(item.message_id)} for {', '.join(item.recipients)}, "
            f"mailed to {item.to}"
        )


class NotificationsAPI:
    """Mixed into :class:`~pytest_ses.SESMock`; users call these on ``ses``."""

    _account: Account

    @property
    def notifications(self) -> NotificationLog:
        """Notifications published to identities' SNS topics (``SetIdentityNotificationTopic``).

        A Bounce, Complaint or Delivery of a message notifies the topic its sending
        identity (the address, else its domain) set for that type, in SES's
        notification format, whether or not the message also had a configuration set.
        """
        return NotificationLog(self._account.notifications)

    @property
    def feedback(self) -> FeedbackLog:
        """Bounces and complaints SES mailed to the Return-Path (else the Source).

        Feedback forwarding is on unless the identity turned it off; when off,
        SES still mails feedback of a type nothing else reports.
        """
        return FeedbackLog(self._account.feedback)
