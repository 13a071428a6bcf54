"""Application code: a newsletter that stops mailing addresses which bounce or complain.

SES publishes the newsletter's events to an SNS topic; the application's
webhook receives each SNS notification and updates its suppression list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3

CONFIGURATION_SET = "newsletter"
TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:newsletter-events"
SENDER = "news@letters.example"


@dataclass
class Subscribers:
    """The application's store (a database table in real life)."""

    active: list[str] = field(default_factory=list)
    undeliverable: dict[str, str] = field(default_factory=dict)  # address -> why


def set_up_event_publishing() -> None:
    """Deployment step: route bounces and complaints of the newsletter to SNS."""
    client = boto3.client("ses", region_name="eu-west-1")
    client.create_configuration_set(ConfigurationSet={"Name": CONFIGURATION_SET})
    client.create_configuration_set_event_destination(
        ConfigurationSetName=CONFIGURATION_SET,
        EventDestination={
            "Name": "feedback",
            "Enabled": True,
            "MatchingEventTypes": ["bounce", "complaint"],
            "SNSDestination": {"TopicARN": TOPIC_ARN},
        },
    )


def send_newsletter(subscribers: Subscribers, subject: str, html: str) -> int:
    """Mail every deliverable subscriber, one message each; returns how many were sent."""
    client = boto3.client("ses", region_name="eu-west-1")
    sent = 0
    for address in subscribers.active:
        if address in subscribers.undeliverable:
            continue
        client.send_email(
            Source=SENDER,
            Destination={"ToAddresses": [address]},
            Message={"Subject": {"Data": subject}, "Body": {"Html": {"Data": html}}},
            ConfigurationSetName=CONFIGURATION_SET,
        )
        sent += 1
    return sent


def handle_sns_notification(subscribers: Subscribers, notification: dict[str, Any]) -> None:
    """The webhook SNS calls: hard bounces and complaints make an address undeliverable."""
    try:
        event = json.loads(notification["Message"])
    except ValueError:
        return  # SNS's own messages (e.g. the topic validation) are not JSON events
    kind = event.get("eventType")
    if kind == "Bounce" and event["bounce"]["bounceType"] == "Permanent":
        for recipient in event["bounce"]["bouncedRecipients"]:
            subscribers.undeliverable[recipient["emailAddress"]] = "bounced"
    elif kind == "Complaint":
        for recipient in event["complaint"]["complainedRecipients"]:
            subscribers.undeliverable[recipient["emailAddress"]] = "complained"
