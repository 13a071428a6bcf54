"""Identity notifications: SNS topics per identity, feedback forwarding, notification JSON.

Besides event publishing (configuration sets), SES reports bounces,
complaints and deliveries per *identity*: each identity names an SNS topic per
notification type and receives SES's notification JSON (``notificationType``,
no tags, headers only when asked for). Bounces and complaints are also mailed
back to the sender ("feedback forwarding") unless the identity turned that off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import re
from typing import Any

from pytest_ses._errors import SESError, invalid_parameter
from pytest_ses._fake.account import Account, Identity, Region, add_identity
from pytest_ses._fake.addresses import bare
from pytest_ses._fake.configsets import _ARNS
from pytest_ses._fake.events import (
    CALLER_IDENTITY,
    EVENT_TYPES,
    SOURCE_IP,
    Event,
    iso,
    mail_headers,
    mail_object,
)
from pytest_ses._fake.identities import known_identities
from pytest_ses._fake.message import SentMessage
from pytest_ses._fake.registry import Params, Result, operation
from pytest_ses._ids import new_uuid
from pytest_ses._settings import WILDCARD

TYPES = ("Bounce", "Complaint", "Delivery")
FEEDBACK_TYPES = ("Bounce", "Complaint")  # forwarding never applies to deliveries
REMOTE_MTA_IP = "192.0.2.40"  # TEST-NET-1: the recipient's server SES talked to
# Who SES's forwarded feedback comes from, and its subject (as seen in real mail; inferred).
_FEEDBACK_FROM = {
    "Bounce": ("MAILER-DAEMON@amazonses.com", "Delivery Status Notification (Failure)"),
    "Complaint": ("complaints@email-abuse.amazonses.com", "Complaint about your message"),
}
_TOPIC = re.compile(_ARNS["TopicARN"][1])
_IDENTITY_ARN = re.compile(r"^arn:aws(?:-[a-z]+)*:ses:[a-z0-9-]+:\d{12}:identity/(.+)$")
# SES leaves these out of a bounce when it never reached the recipient's server.
_NO_REMOTE_MTA = ("Suppressed", "OnAccountSuppressionList")


@dataclasses.dataclass(frozen=True)
class Notification:
    """One notification an identity published to its SNS topic (``ses.notifications``).

    ``type`` is ``Bounce``, ``Complaint`` or ``Delivery``; ``record`` is SES's
    notification JSON (a dict); ``sns`` is the message as SNS delivers it to a
    subscriber (an SQS queue or an HTTPS endpoint): ``Type``, ``MessageId``,
    ``TopicArn``, ``Message`` (the record as a JSON string) and ``Timestamp``.
    """

    type: str
    topic: str
    identity: str
    recipients: list[str]
    timestamp: dt.datetime
    record: dict[str, Any]
    sns: dict[str, str]
    message: SentMessage

    @property
    def message_id(self) -> str:
        return self.message.message_id

    @property
    def region(self) -> str:
        return self.message.region

    def __repr__(self) -> str:
        return (
            f"<Notification {self.type} {self.message_id} to {self.topic} "
            f"recipients={self.recipients!r}>"
        )


class Feedback:
    """A bounce or complaint SES mailed back to the sender (``ses.feedback``).

    SES forwards feedback to the message's Return-Path, else its Source,
    while the sending identity has feedback forwarding enabled (the default),
    and also when it is disabled but nothing else (an identity topic, an
    event destination of the message's configuration set) reports that type.
    Every bounce makes one, so what can be derived is derived when first read.
    """

    __slots__ = ("_event", "identity", "to")

    def __init__(self, event: Event, to: str, identity: str) -> None:
        self._event = event
        self.to = to
        self.identity = identity

    @property
    def type(self) -> str:
        """``"Bounce"`` or ``"Complaint"``."""
        return self._event.type

    @property
    def sender(self) -> str:
        return _FEEDBACK_FROM[self.type][0]

    @property
    def subject(self) -> str:
        return _FEEDBACK_FROM[self.type][1]

    @property
    def recipients(self) -> list[str]:
        return list(self._event.recipients)

    @property
    def feedback_id(self) -> str:
        return str(self._details["feedbackId"])

    @property
    def text(self) -> str:
        details = self._details
        if self.type == "Bounce":
            lines = [
                "An error occurred while trying to deliver the mail to the following recipients:",
                *(
                    f"{r['emailAddress']}: {r.get('diagnosticCode', r.get('status', ''))}"
                    for r in details["bouncedRecipients"]
                ),
            ]
        else:
            lines = [
                f"A recipient reported your message {self.message_id} as "
                f"{details.get('complaintFeedbackType') or 'unwanted'}:",
                *(r["emailAddress"] for r in details["complainedRecipients"]),
            ]
        return "\n".join(lines) + "\n"

    @property
    def timestamp(self) -> dt.datetime:
        return self._event.timestamp

    @property
    def message(self) -> SentMessage:
        return self._event.message

    @property
    def message_id(self) -> str:
        return self._event.message.message_id

    @property
    def region(self) -> str:
        return self._event.message.region

    @property
    def _details(self) -> dict[str, Any]:
        details: dict[str, Any] = self._event.record[EVENT_TYPES[self.type][1]]
        return details

    def __repr__(self) -> str:
        return f"<Feedback {self.type} of {self.message_id} to {self.to}>"


# -- publishing ---------------------------------------------------------------------------------


def notify(account: Account, region: Region, event: Event) -> None:
    """Publish what the sending identity reports for a Bounce, Complaint or Delivery event."""
    kind = event.type
    if kind == "Delivery" and not region.notifying:
        return  # the common case, kept to one test
    identity = sending_identity(region, event.message)
    topic = identity.topics.get(kind) if identity is not None else None
    if topic is not None and identity is not None:
        _publish(account, event, identity, topic)
    if kind in FEEDBACK_TYPES and _forwards(region, event, identity, topic):
        _forward(account, event, identity)


def sending_identity(region: Region, message: SentMessage) -> Identity | None:
    """The identity whose settings apply to ``message``: its address, else its domain."""
    if not region.identities:
        return None
    address = bare(message.source).lower()
    for name in (message.identity.lower(), address, address.rpartition("@")[2]):
        found = region.identities.get(name)
        if found is not None:
            return found
    return None


def _publish(account: Account, event: Event, identity: Identity, topic: str) -> None:
    message = event.message
    member = EVENT_TYPES[event.type][1]
    details = dict(event.record[member])
    if event.type == "Delivery" or (
        event.type == "Bounce" and details.get("bounceSubType") not in _NO_REMOTE_MTA
    ):
        details["remoteMtaIp"] = REMOTE_MTA_IP
    record = {
        "notificationType": event.type,
        "mail": _mail(event, with_headers=event.type in identity.headers_in_notifications),
        member: details,
    }
    text = json.dumps(record, separators=(",", ":"))
    sns = {
        "Type": "Notification",
        "MessageId": new_uuid(),
        "TopicArn": topic,
        "Message": text,
        "Timestamp": iso(event.timestamp),
    }
    account.publish_notification(
        Notification(
            event.type, topic, identity.name, list(event.recipients), event.timestamp,
            record, sns, message,
        )
    )  # fmt: skip


def _mail(event: Event, *, with_headers: bool) -> dict[str, Any]:
    """The notification's ``mail``: the event's, without tags, with the caller's IP and name."""
    message = event.message
    mail: dict[str, Any] = {
        "timestamp": iso(message.timestamp),
        "messageId": message.message_id,
        "source": message.source,
        "sourceArn": message.source_arn
        or f"arn:aws:ses:{message.region}:{message.account_id}:identity/{message.identity}",
        "sourceIp": SOURCE_IP,
        "sendingAccountId": message.account_id,
        "callerIdentity": CALLER_IDENTITY,
        "destination": [bare(a) for a in message.destinations],
    }
    if with_headers:
        full = mail_object(event)
        common = dict(full["commonHeaders"])
        # Unlike an event's, a notification's commonHeaders keep the sender's own Message-ID.
        original = next((v for n, v in mail_headers(message) if n.lower() == "message-id"), None)
        if original is not None:
            common["messageId"] = original
        mail["headersTruncated"] = full["headersTruncated"]
        mail["headers"] = full["headers"]
        mail["commonHeaders"] = common
    return mail


def _forwards(region: Region, event: Event, identity: Identity | None, topic: str | None) -> bool:
    """SES mails feedback back when forwarding is on, or when nothing else would report it."""
    if identity is None or identity.feedback_forwarding:
        return True
    return topic is None and not event.destinations


def _forward(account: Account, event: Event, identity: Identity | None) -> None:
    name = identity.name if identity is not None else event.message.identity
    account.forward_feedback(Feedback(event, feedback_address(event.message), name))


def feedback_address(message: SentMessage) -> str:
    """Where SES forwards feedback: the Return-Path, else the Source.

    For SendRawEmail a Source given to the API wins over a Return-Path header.
    """
    if message.return_path and not (message.operation == "SendRawEmail" and message.source_given):
        return bare(message.return_path)
    return bare(message.source)


# -- operations ---------------------------------------------------------------------------------


def _check_type(kind: str) -> str:
    if kind not in TYPES:
        raise invalid_parameter(
            f"Invalid notification type: {kind}. Valid values are: {', '.join(TYPES)}."
        )
    return kind


def find_identity(account: Account, region: Region, name: str) -> Identity:
    """The identity called ``name`` (or named by its ARN), or SES's MessageRejected.

    With every identity verified (``verified_identities="*"``), one not seen
    before is recorded now, so its settings can be kept.
    """
    matched = _IDENTITY_ARN.match(name)
    key = (matched.group(1) if matched else name).lower()
    found = region.identities.get(key)
    if found is None and account.settings.verified_identities == WILDCARD:
        with contextlib.suppress(SESError):  # not an address or domain: unknown, below
            add_identity(region, key)
        found = region.identities.get(key)
    if found is None:
        raise SESError("MessageRejected", f"Identity {name} is not verified or does not exist.")
    return found


def _check_topic(region: Region, topic: str) -> str:
    # The fake has no SNS: it checks the ARN's shape and region, not that the topic exists.
    if not _TOPIC.fullmatch(topic):
        raise invalid_parameter(f"Invalid SNS topic ARN: {topic}.")
    if topic.split(":")[3] != region.name:
        raise invalid_parameter(
            f"SNS topic {topic} is not in the identity's region ({region.name})."
        )
    return topic


def _forwarding_rule(identity: Identity) -> SESError:
    # SES requires a way to learn of bounces and complaints: mail, or both topics.
    return invalid_parameter(
        f"Feedback forwarding for identity {identity.name} can only be disabled when "
        "Amazon SNS topics are specified for both bounces and complaints."
    )


@operation("SetIdentityNotificationTopic")
def set_identity_notification_topic(account: Account, region: Region, params: Params) -> Result:
    kind = _check_type(params["NotificationType"])
    identity = find_identity(account, region, params["Identity"])
    topic = params.get("SnsTopic")
    if topic:
        identity.topics[kind] = _check_topic(region, topic)
        region.notifying = True
    else:
        if kind in FEEDBACK_TYPES and not identity.feedback_forwarding:
            raise _forwarding_rule(identity)
        identity.topics.pop(kind, None)
        region.notifying = any(i.topics for i in region.identities.values())
    return {}


@operation("SetIdentityFeedbackForwardingEnabled")
def set_identity_feedback_forwarding_enabled(
    account: Account, region: Region, params: Params
) -> Result:
    identity = find_identity(account, region, params["Identity"])
    enabled = bool(params["ForwardingEnabled"])
    if not enabled and not all(kind in identity.topics for kind in FEEDBACK_TYPES):
        raise _forwarding_rule(identity)
    identity.feedback_forwarding = enabled
    return {}


@operation("SetIdentityHeadersInNotificationsEnabled")
def set_identity_headers_in_notifications_enabled(
    account: Account, region: Region, params: Params
) -> Result:
    kind = _check_type(params["NotificationType"])
    identity = find_identity(account, region, params["Identity"])
    if params["Enabled"]:
        identity.headers_in_notifications.add(kind)
    else:
        identity.headers_in_notifications.discard(kind)
    return {}


@operation("GetIdentityNotificationAttributes")
def get_identity_notification_attributes(
    account: Account, region: Region, params: Params
) -> Result:
    attributes = {}
    for name, identity in known_identities(region, params["Identities"]):
        entry: dict[str, Any] = {f"{kind}Topic": identity.topics[kind] for kind in TYPES
                                 if kind in identity.topics}  # fmt: skip
        entry["ForwardingEnabled"] = identity.feedback_forwarding
        for kind in TYPES:
            entry[f"HeadersIn{kind}NotificationsEnabled"] = (
                kind in identity.headers_in_notifications
            )
        attributes[name] = entry
    return {"NotificationAttributes": attributes}


@operation("PutEmailIdentityFeedbackAttributes", service="sesv2")
def put_email_identity_feedback_attributes(
    account: Account, region: Region, params: Params
) -> Result:
    name = params["EmailIdentity"]
    try:
        identity = find_identity(account, region, name)
    except SESError:
        raise SESError("NotFoundException", f"Email identity {name} does not exist.",
                       status=404) from None  # fmt: skip
    # API v2 does not enforce v1's rule: SES mails feedback anyway when nothing else reports it.
    identity.feedback_forwarding = bool(params.get("EmailForwardingEnabled", False))
    return {}
