"""Application code: a worker that stops mailing addresses SES reports as bounced or complaining.

The shop does not use configuration sets. Its sending domain has SNS topics
for bounces and complaints (SES's identity notifications), the topic feeds an
SQS queue, and this worker reads the queue and keeps the shop's suppression
list. With the topics in place, feedback forwarding (SES mailing each bounce
back to the sender) is turned off.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3

REGION = "eu-west-1"
DOMAIN = "mail.shop.example"
SENDER = f"receipts@{DOMAIN}"
FEEDBACK_TOPIC = "arn:aws:sns:eu-west-1:123456789012:ses-feedback"


@dataclass
class Suppressions:
    """The shop's own suppression list (a database table in real life)."""

    reasons: dict[str, str] = field(default_factory=dict)  # address -> why

    def __contains__(self, address: object) -> bool:
        return isinstance(address, str) and address.lower() in self.reasons


def configure_notifications() -> None:
    """Deployment step: bounces and complaints of the domain go to SNS, not back by mail."""
    client = boto3.client("ses", region_name=REGION)
    for kind in ("Bounce", "Complaint"):
        client.set_identity_notification_topic(
            Identity=DOMAIN, NotificationType=kind, SnsTopic=FEEDBACK_TOPIC
        )
    client.set_identity_headers_in_notifications_enabled(
        Identity=DOMAIN, NotificationType="Bounce", Enabled=True
    )
    client.set_identity_feedback_forwarding_enabled(Identity=DOMAIN, ForwardingEnabled=False)


def send_receipt(suppressions: Suppressions, address: str, order: str) -> bool:
    """Mail a receipt unless the address is suppressed; whether it was sent."""
    if address in suppressions:
        return False
    boto3.client("ses", region_name=REGION).send_email(
        Source=SENDER,
        Destination={"ToAddresses": [address]},
        Message={
            "Subject": {"Data": f"Your receipt for order {order}"},
            "Body": {"Text": {"Data": f"Thank you for order {order}."}},
        },
    )
    return True


def handle_queue_message(suppressions: Suppressions, body: str) -> None:
    """One SQS message: the SNS envelope around SES's notification JSON."""
    envelope: dict[str, Any] = json.loads(body)
    if envelope.get("Type") != "Notification":
        return  # e.g. SNS's SubscriptionConfirmation
    notification = json.loads(envelope["Message"])
    kind = notification.get("notificationType")
    if kind == "Bounce":
        bounce = notification["bounce"]
        if bounce["bounceType"] != "Permanent":
            return  # soft bounces: the address may work again later
        for recipient in bounce["bouncedRecipients"]:
            _suppress(suppressions, recipient["emailAddress"], f"bounce/{bounce['bounceSubType']}")
    elif kind == "Complaint":
        for recipient in notification["complaint"]["complainedRecipients"]:
            _suppress(suppressions, recipient["emailAddress"], "complaint")


def _suppress(suppressions: Suppressions, address: str, reason: str) -> None:
    suppressions.reasons.setdefault(address.lower(), reason)
