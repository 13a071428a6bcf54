"""Delivering events: the event log, and every enabled destination whose types match.

A destination's log is kept in the form its service would hold the events:
Firehose records, SNS notifications, CloudWatch data points. EventBridge and
Pinpoint destinations (API v2) keep only the events, whose records are the payload.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_ses._fake.account import Account, Region
from pytest_ses._fake.events import EVENT_TYPES, DestinationLog, Event, event_tags, mail_headers

SNS_SUBJECT = "Amazon SES Email Event Notification"
SNS_VALIDATION = "Successfully validated SNS topic for Amazon SES event publishing."
CLOUDWATCH_NAMESPACE = "AWS/SES"
_DIMENSION_VALUE = re.compile(r"^[A-Za-z0-9_@.-]+$")

_KIND_OF = {
    "KinesisFirehoseDestination": "firehose",
    "SNSDestination": "sns",
    "CloudWatchDestination": "cloudwatch",
    "EventBridgeDestination": "eventbridge",  # API v2 only
    "PinpointDestination": "pinpoint",  # API v2 only
}


def destination_log(
    account: Account, region: str, set_name: str, destination: dict[str, Any]
) -> DestinationLog:
    """The log of ``destination`` (made on first use; kept when the destination is updated)."""
    key = (region, set_name, destination["Name"])
    kind = next(_KIND_OF[k] for k in _KIND_OF if k in destination)
    log = account.destination_logs.get(key)
    if log is None or log.kind != kind:
        log = account.destination_logs[key] = DestinationLog(
            destination["Name"], set_name, region, kind
        )
    return log


def on_destination_saved(
    account: Account,
    region: Region,
    set_name: str,
    destination: dict[str, Any],
    previous: dict[str, Any] | None = None,
) -> None:
    """A destination was created or updated: SES validates a new SNS topic by messaging it.

    The destination's log follows it at once, so a change of kind shows a fresh log.
    """
    log = destination_log(account, region.name, set_name, destination)
    topic = destination.get("SNSDestination", {}).get("TopicARN")
    old_topic = (previous or {}).get("SNSDestination", {}).get("TopicARN")
    if topic is not None and topic != old_topic:
        log.notifications.append({"Subject": "", "Message": SNS_VALIDATION, "TopicArn": topic})


def publish(account: Account, region: Region, event: Event) -> None:
    """Record ``event`` and hand it to every enabled destination that matches its type."""
    account.record_event(event)
    if event.configuration_set is not None:
        found = region.configuration_sets.get(event.configuration_set)
        matching = EVENT_TYPES[event.type][0]
        for destination in found.event_destinations.values() if found else ():
            if destination["Enabled"] and matching in destination["MatchingEventTypes"]:
                _deliver(account, region, event, destination)
    if account.on_event:
        account.notify_event(event)


def _deliver(account: Account, region: Region, event: Event, destination: dict[str, Any]) -> None:
    log = destination_log(account, region.name, event.configuration_set or "", destination)
    event.delivered_to(destination["Name"])
    log.events.append(event)
    if log.kind == "firehose":
        log.records.append(event.to_json() + "\n")
    elif log.kind == "sns":
        log.notifications.append(
            {
                "Subject": SNS_SUBJECT,
                "Message": event.to_json(),
                "TopicArn": destination["SNSDestination"]["TopicARN"],
            }
        )
    elif log.kind == "cloudwatch":
        point = _metric(event, destination["CloudWatchDestination"]["DimensionConfigurations"])
        if point is not None:
            log.metrics.append(point)


def _metric(event: Event, dimensions: list[dict[str, str]]) -> dict[str, Any] | None:
    """A CloudWatch data point, or None when a dimension value is one SES would not emit."""
    tags = event_tags(event)
    headers = mail_headers(event.message)
    resolved = []
    for dimension in dimensions:
        name, source = dimension["DimensionName"], dimension["DimensionValueSource"]
        value: str | None = None
        if source == "messageTag":
            value = next(iter(tags.get(name, ())), None)
        elif source == "emailHeader":
            value = next((v for k, v in headers if k.lower() == name.lower()), None)
        elif source == "linkTag":
            value = next(iter(event.link_tags.get(name, ())), None)
        if value is None:
            value = dimension["DefaultDimensionValue"]
        if not _DIMENSION_VALUE.match(value):
            return None  # SES drops the data point silently
        resolved.append({"Name": name, "Value": value})
    count = (
        len(event.recipients)
        if event.type in ("Delivery", "Bounce", "Complaint", "DeliveryDelay")
        else 1
    )
    return {
        "Namespace": CLOUDWATCH_NAMESPACE,
        "MetricName": EVENT_TYPES[event.type][2],
        "Dimensions": resolved,
        "Value": float(count),
        "Unit": "Count",
        "Timestamp": event.timestamp,
    }
