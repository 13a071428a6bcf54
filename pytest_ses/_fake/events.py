"""Event records in SES's event-publishing JSON, and the logs of event destinations.

Records are built from what the fake stored about a sent message; a record
becomes JSON only when a destination receives it, so messages nobody
publishes for cost next to nothing. Delivering them is :mod:`destinations`'s job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pytest_ses._fake.addresses import bare
from pytest_ses._fake.mime import split_headers

if TYPE_CHECKING:
    from pytest_ses._fake.message import SentMessage

SOURCE_IP = "192.0.2.10"  # TEST-NET-1: where the fake says the API call came from
OUTGOING_IP = "192.0.2.20"  # ... and which SES address delivered the mail
CALLER_IDENTITY = "pytest-ses"
HEADERS_LIMIT = 10 * 1024  # SES truncates the headers list of an event past 10 KB

# eventType -> (MatchingEventTypes value, the record's member name, CloudWatch metric name)
EVENT_TYPES: dict[str, tuple[str, str, str]] = {
    "Send": ("send", "send", "Send"),
    "Delivery": ("delivery", "delivery", "Delivery"),
    "Bounce": ("bounce", "bounce", "Bounce"),
    "Complaint": ("complaint", "complaint", "Complaint"),
    "Reject": ("reject", "reject", "Reject"),
    "Open": ("open", "open", "Open"),
    "Click": ("click", "click", "Click"),
    "Rendering Failure": ("renderingFailure", "failure", "RenderingFailure"),
    "DeliveryDelay": ("deliveryDelay", "deliveryDelay", "DeliveryDelay"),
}
POST_DELIVERY = frozenset(("Delivery", "Bounce", "Complaint", "Open", "Click", "DeliveryDelay"))
SMTP_OK = "250 2.6.0 Message received"


@functools.lru_cache(maxsize=256)
def iso(moment: dt.datetime) -> str:
    """SES's timestamp form: ISO 8601, UTC, milliseconds."""
    moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


Details = dict[str, Any] | Callable[["Event"], dict[str, Any]]


class Event:
    """One event SES recorded for a sent message, as published to event destinations.

    Tests get these from ``ses.events``. ``record`` is the JSON object SES
    publishes (a dict); ``destinations`` names the event destinations that
    received it (empty for a message sent without a configuration set, as SES
    then publishes nothing).

    Every accepted message makes at least two of these, so they hold little:
    no instance dict, and what can be derived (the type's details, given as a
    function of the event) is derived when first read.
    """

    __slots__ = (
        "_destinations",
        "_details",
        "_link_tags",
        "_record",
        "message",
        "recipients",
        "timestamp",
        "type",
    )  # fmt: skip

    def __init__(
        self,
        type: str,
        message: SentMessage,
        timestamp: dt.datetime,
        recipients: list[str],
        details: Details,
        link_tags: dict[str, list[str]] | None = None,
    ) -> None:
        self.type = type
        self.message = message
        self.timestamp = timestamp
        self.recipients = recipients
        self._details = details
        self._link_tags = link_tags
        self._destinations: tuple[str, ...] = ()
        self._record: dict[str, Any] | None = None

    @property
    def message_id(self) -> str:
        return self.message.message_id

    @property
    def configuration_set(self) -> str | None:
        return self.message.configuration_set

    @property
    def region(self) -> str:
        return self.message.region

    @property
    def destinations(self) -> list[str]:
        """Names of the event destinations that received the event."""
        return list(self._destinations)

    @property
    def link_tags(self) -> dict[str, list[str]]:
        """A Click's link tags (for CloudWatch ``linkTag`` dimensions); empty otherwise."""
        return self._link_tags or {}

    @property
    def record(self) -> dict[str, Any]:
        """The event as SES publishes it: ``eventType``, ``mail`` and the type's own object."""
        if self._record is None:
            details = self._details
            member = EVENT_TYPES[self.type][1]
            self._record = {
                "eventType": self.type,
                "mail": mail_object(self),
                member: details if isinstance(details, dict) else details(self),
            }
        return self._record

    def delivered_to(self, destination: str) -> None:
        self._destinations += (destination,)

    def to_json(self) -> str:
        return json.dumps(self.record, separators=(",", ":"))

    def __repr__(self) -> str:
        return f"<Event {self.type} {self.message_id} recipients={self.recipients!r}>"


def mail_object(event: Event) -> dict[str, Any]:
    """The ``mail`` member shared by every event of a message."""
    message = event.message
    headers = [{"name": n, "value": v} for n, v in mail_headers(message)]
    truncated = sum(len(h["name"]) + len(h["value"]) + 4 for h in headers) > HEADERS_LIMIT
    if truncated:
        kept, size = [], 0
        for header in headers:
            size += len(header["name"]) + len(header["value"]) + 4
            if size > HEADERS_LIMIT:
                break
            kept.append(header)
        headers = kept
    return {
        "timestamp": iso(message.timestamp),
        "source": message.source,
        "sourceArn": message.source_arn
        or f"arn:aws:ses:{message.region}:{message.account_id}:identity/{message.identity}",
        "sendingAccountId": message.account_id,
        "messageId": message.message_id,
        "destination": [bare(a) for a in message.destinations],
        "headersTruncated": truncated,
        "headers": headers,
        "commonHeaders": _common_headers(message),
        "tags": event_tags(event),
    }


def event_tags(event: Event) -> dict[str, list[str]]:
    """Custom tags plus SES's automatic ``ses:`` tags, each as a list of values."""
    message = event.message
    tags: dict[str, list[str]] = {"ses:operation": [message.operation]}
    if message.configuration_set:
        tags["ses:configuration-set"] = [message.configuration_set]
    tags["ses:source-ip"] = [SOURCE_IP]
    tags["ses:from-domain"] = [bare(message.from_address).rpartition("@")[2]]
    tags["ses:caller-identity"] = [CALLER_IDENTITY]
    if event.type in POST_DELIVERY:
        tags["ses:outgoing-ip"] = [OUTGOING_IP]
    for name, value in message.tags.items():
        tags[name] = [value]
    return tags


def mail_headers(message: SentMessage) -> list[tuple[str, str]]:
    if message.mail_headers is not None:
        return message.mail_headers
    # SendEmail: SES lists the headers it built, before adding Message-ID and Date.
    return [(n, v) for n, v in split_headers(message.raw)[0] if n not in ("Message-ID", "Date")]


def _common_headers(message: SentMessage) -> dict[str, Any]:
    headers = mail_headers(message)

    def values(name: str) -> list[str]:
        from pytest_ses._fake.addresses import parse_header_list

        found = []
        for key, value in headers:
            if key.lower() == name:
                try:
                    found += [a.original for a in parse_header_list(value)]
                except Exception:
                    found.append(value)
        return found

    common: dict[str, Any] = {"from": values("from")}
    for key, name in (("replyTo", "reply-to"), ("to", "to"), ("cc", "cc"), ("bcc", "bcc")):
        found = values(name)
        if found:
            common[key] = found
    date = next((v for k, v in headers if k.lower() == "date"), None)
    if date is not None:
        common["date"] = date
    common["messageId"] = message.message_id
    common["subject"] = message.subject if message.subject is not None else ""
    return common


# -- destinations ------------------------------------------------------------------------------


def mta(region: str) -> str:
    """The host SES delivers from in ``region``, as its events name it."""
    return (
        "a8-44.smtp-out.amazonses.com"
        if region == "us-east-1"
        else f"a8-44.smtp-out.{region}.amazonses.com"
    )


def delivery_details(event: Event) -> dict[str, Any]:
    return {
        "timestamp": iso(event.timestamp),
        "processingTimeMillis": 0,
        "recipients": event.recipients,
        "smtpResponse": SMTP_OK,
        "reportingMTA": mta(event.region),
    }


def quiet_events(message: SentMessage) -> tuple[Event, Event]:
    """The Send and Delivery events of a quiet send, made when a test first reads events.

    A send is quiet when no destination or observer was to receive its events
    and every recipient got a plain delivery: then nothing about them can
    differ from what the outcome rules would have made at once.
    """
    recipients = [bare(a) for a in message.destinations]
    return (
        Event("Send", message, message.timestamp, recipients, {}),
        Event("Delivery", message, message.timestamp, recipients, delivery_details),
    )


@dataclasses.dataclass
class DestinationLog:
    """What one event destination received, in the form its service would hold it.

    Tests get these from ``ses.destination(name)``. ``kind`` is ``"firehose"``,
    ``"sns"``, ``"cloudwatch"``, or (API v2) ``"eventbridge"`` or ``"pinpoint"``;
    ``records`` holds Firehose records (JSON plus a newline), ``notifications``
    SNS messages (``Subject``, ``Message``, ``TopicArn``), ``metrics`` CloudWatch
    data points; ``events`` the :class:`Event` objects it received, whatever its
    kind (all an EventBridge or Pinpoint destination keeps: each event's
    ``record`` is what it would receive).
    """

    name: str
    configuration_set: str
    region: str
    kind: str
    events: list[Event] = dataclasses.field(default_factory=list)
    records: list[str] = dataclasses.field(default_factory=list)
    notifications: list[dict[str, str]] = dataclasses.field(default_factory=list)
    metrics: list[dict[str, Any]] = dataclasses.field(default_factory=list)
