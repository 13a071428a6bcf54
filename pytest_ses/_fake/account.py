"""The fake account's state: settings, clock, regions, identities and what was recorded.

This is the bottom of the fake: it imports no operation family and no
dispatcher, so every family (and the dispatcher above them) can import it.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
import hashlib
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pytest_ses._errors import SESError, invalid_parameter
from pytest_ses._fake.clock import Clock
from pytest_ses._fake.events import DestinationLog, Event, quiet_events
from pytest_ses._fake.quota import SendLog, TokenBucket
from pytest_ses._settings import WILDCARD, Settings

if TYPE_CHECKING:
    from pytest_ses._fake.message import SentMessage
    from pytest_ses._fake.notifications import Feedback, Notification

ACCOUNT_ID = "123456789012"
# outbox length, event log length, deferred count, destination log lengths by key,
# identity notification and forwarded feedback counts
_Savepoint = tuple[
    int, int, int, dict[tuple[str, str, str], tuple[int, int, int, int]], tuple[int, int]
]
API_RATE = 1.0  # non-send requests per second, per region
MAX_IDENTITIES = 10_000  # per region, SES's quota

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


@dataclasses.dataclass
class Identity:
    """A verified email address or domain."""

    name: str
    kind: str  # "EmailAddress" or "Domain", as ListIdentities names them
    token: str | None = None  # domains only
    # Shared by v1 and v2 (each API reads and writes the same fields):
    default_configuration_set: str | None = None  # v2 PutEmailIdentityConfigurationSetAttributes
    feedback_forwarding: bool = True  # SetIdentityFeedbackForwardingEnabled, v2 feedback attributes
    # Notification type (Bounce, Complaint, Delivery) -> SNS topic ARN; types sent with headers.
    topics: dict[str, str] = dataclasses.field(default_factory=dict)
    headers_in_notifications: set[str] = dataclasses.field(default_factory=set)
    tags: dict[str, str] = dataclasses.field(default_factory=dict)  # v2 tags, in insertion order
    # A domain's DKIM signing as v2 CreateEmailIdentity set it up (origin, key length,
    # selector, key generation time); empty for identities made by v1, which sets up no DKIM.
    dkim: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class ConfigurationSet:
    """One configuration set: its event destinations (by name, in creation order) and options.

    The option defaults are what SES reports for a set nobody has changed.
    """

    name: str
    event_destinations: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    sending_enabled: bool = True
    reputation_metrics_enabled: bool = False
    last_fresh_start: dt.datetime | None = None
    tls_policy: str = "Optional"
    custom_redirect_domain: str | None = None
    suppressed_reasons: tuple[str, ...] | None = None  # v2 override; None: the account's
    tags: dict[str, str] = dataclasses.field(default_factory=dict)  # v2 tags, in insertion order
    # Options only API v2 sets, by its option group, as given (HttpsPolicy, VdmOptions, ...).
    v2_options: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Template:
    """A stored template: its parts as given (absent parts are None)."""

    name: str
    subject: str | None
    text: str | None
    html: str | None
    created: dt.datetime
    tags: dict[str, str] = dataclasses.field(default_factory=dict)  # v2 resource tags


@dataclasses.dataclass(frozen=True)
class RenderFailure:
    """A templated send SES accepted but could not render, so delivered nothing.

    Tests get these from ``ses.render_failures``; ``message`` is what the
    ``Rendering Failure`` event describes.
    """

    message_id: str
    template: str
    template_data: Any
    error_message: str
    message: SentMessage

    @property
    def operation(self) -> str:
        return self.message.operation


@dataclasses.dataclass
class Suppressed:
    """An address on the account-level suppression list (SES API v2).

    Tests get these from ``ses.suppressed``. ``message_id`` and ``feedback_id``
    name the send and the bounce or complaint that listed the address; both are
    ``None`` for an address added with ``PutSuppressedDestination``.
    """

    address: str  # as SES keeps it: the domain in lower case
    reason: str  # "BOUNCE" or "COMPLAINT"
    last_update: dt.datetime
    message_id: str | None = None
    feedback_id: str | None = None


@dataclasses.dataclass(init=False)
class Region:
    """Everything SES keeps per region: identities, configuration sets, quotas and counters."""

    name: str
    identities: dict[str, Identity]  # by lower-case name
    configuration_sets: dict[str, ConfigurationSet]
    templates: dict[str, Template]  # v1 and v2 alike
    sends: SendLog
    api_throttle: TokenBucket | None  # made on the first throttled request (throttle_api)
    send_rate: TokenBucket | None  # made on the first send, from the settings
    sending_enabled: bool  # UpdateAccountSendingEnabled, v2 PutAccountSendingAttributes
    # The account-level suppression list, by address in SES's form (see suppression.canonical),
    # and the reasons that add to it: both, for an account made since November 2019.
    suppressed: dict[str, Suppressed]
    suppressed_reasons: tuple[str, ...]
    # Whether any identity here ever had a notification topic: until then a quiet send
    # (every recipient delivered) has no notification to publish and stays deferred.
    notifying: bool
    # Whether any identity here was ever given a default configuration set: until then
    # a send naming no set has none to look up.
    has_default_sets: bool

    def __init__(self, name: str) -> None:
        # Written out rather than generated: every test makes one, and a generated
        # __init__ with default factories costs several times as much.
        self.name = name
        self.identities = {}
        self.configuration_sets = {}
        self.templates = {}
        self.sends = SendLog()
        self.api_throttle = None
        self.send_rate = None
        self.sending_enabled = True
        self.suppressed = {}
        self.suppressed_reasons = ("BOUNCE", "COMPLAINT")
        self.notifying = False
        self.has_default_sets = False

    def throttle(self) -> TokenBucket:
        """The bucket of SES's API rate limit, made when first needed."""
        if self.api_throttle is None:
            self.api_throttle = TokenBucket(API_RATE, API_RATE)
        return self.api_throttle


@dataclasses.dataclass(frozen=True)
class Rejection:
    """A send that SES refused: the request and the error it got."""

    operation: str
    region: str
    params: dict[str, Any]
    code: str
    message: str
    timestamp: dt.datetime


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What happens to a recipient: ``kind`` is delivery, bounce, complaint or delay."""

    kind: str
    details: dict[str, Any] = dataclasses.field(default_factory=dict)


Matcher = Callable[[str], bool]


@dataclasses.dataclass
class Fault:
    """An error to answer the next ``remaining`` attempts of ``operation`` with."""

    operation: str  # an SES operation name, or "*" for any
    error: SESError
    times: int
    remaining: int

    def describe(self) -> str:
        return (
            f"{self.operation} {self.error.code} ({self.remaining} of {self.times} attempt(s) left)"
        )


# -- identities: what may be stored as one ------------------------------------------------------


def is_domain(name: str) -> bool:
    labels = name.rstrip(".").split(".")
    return len(name) <= 253 and len(labels) >= 2 and all(_LABEL.match(label) for label in labels)


def check_email(address: str) -> str:
    local, at, domain = address.rpartition("@")
    if not at or not local or not is_domain(domain) or any(c.isspace() for c in local):
        raise invalid_parameter(f"Invalid email address <{address}>.")
    return address


def check_domain(domain: str) -> str:
    if not is_domain(domain):
        raise invalid_parameter(f"Invalid domain name <{domain}>.")
    return domain


def _token(region: Region, domain: str) -> str:
    # Stable per region and domain, shaped like SES's 44-character tokens.
    digest = hashlib.sha256(f"{region.name}/{domain.lower()}".encode()).digest()
    return base64.b64encode(digest).decode("ascii")


def add_identity(region: Region, name: str) -> None:
    """Record ``name`` (an address, or else a domain) as verified in ``region``."""
    key = name.lower()  # SES matches identities case-insensitively
    if key in region.identities:
        return
    if len(region.identities) >= MAX_IDENTITIES:
        raise SESError("LimitExceeded", f"Maximum number of identities ({MAX_IDENTITIES}) reached.")
    if "@" in name:
        region.identities[key] = Identity(check_email(name), "EmailAddress")
    else:
        # SES stores domains lower-case: VerifyDomainIdentity("EXAMPLE.COM") lists example.com.
        region.identities[key] = Identity(check_domain(name).lower(), "Domain", _token(region, key))


@dataclasses.dataclass
class Call:
    """One request the fake answered: what was asked, which attempt, and how it ended.

    ``outcome`` is ``"ok"``, or the SES error code the request got (with its
    ``message``), or ``"NotEmulated"``. ``service`` is the botocore service that
    called: ``"ses"`` (API v1), ``"sesv2"`` or ``"pinpoint-email"``.
    """

    operation: str
    region: str
    params: dict[str, Any]
    attempt: int
    outcome: str = "ok"
    message: str | None = None
    service: str = "ses"


class Account:
    """One AWS account's worth of SES, in memory.

    All state changes happen under one lock, so application threads sharing a
    fake never lose updates.
    """

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or Clock()
        self.account_id = ACCOUNT_ID
        self.regions: dict[str, Region] = {}
        self.not_emulated: list[str] = []
        self._calls: list[Call] = []
        self.outbox: list[SentMessage] = []
        self.rejected: list[Rejection] = []  # refused sends, for tests to read
        self.render_failures: list[RenderFailure] = []  # accepted templated sends not delivered
        # Events in order. A quiet send (nothing to publish, every recipient delivered)
        # leaves its message here instead, standing for its Send and Delivery events,
        # which are made when first read: most tests never read them.
        self._events: list[Event | SentMessage] = []
        self._deferred = 0
        self.destination_logs: dict[tuple[str, str, str], DestinationLog] = {}
        # Identity notifications (SNS topics per identity) and feedback SES mailed back.
        self.notifications: list[Notification] = []
        self.feedback: list[Feedback] = []
        self.outcomes: list[tuple[Matcher, Outcome]] = []  # set up by tests ahead of sends
        self.faults: list[Fault] = []  # errors queued by tests (ses.fail_next)
        # Observers of what happens (the pytest plugin forwards these to its hooks).
        self.on_message: list[Callable[[SentMessage], None]] = []
        self.on_event: list[Callable[[Event], None]] = []
        self.on_notification: list[Callable[[Notification], None]] = []
        self.on_feedback: list[Callable[[Feedback], None]] = []
        self.lock = threading.RLock()

    @property
    def calls(self) -> list[Call]:
        """Every request answered, in order: copies, so a test cannot change the log."""
        return [dataclasses.replace(c, params=copy.deepcopy(c.params)) for c in self._calls]

    def log_call(self, call: Call) -> None:
        self._calls.append(call)

    def savepoint(self) -> _Savepoint:
        """Where the outbox and the event logs stand, for :meth:`undo`."""
        logs = {
            key: (len(log.events), len(log.records), len(log.notifications), len(log.metrics))
            for key, log in self.destination_logs.items()
        }
        notes = (len(self.notifications), len(self.feedback))
        return len(self.outbox), len(self._events), self._deferred, logs, notes

    def undo(self, point: _Savepoint) -> None:
        """Forget what was recorded since ``point``: a send is all or nothing."""
        outbox, events, deferred, logs, (notifications, feedback) = point
        del self.outbox[outbox:]
        del self.notifications[notifications:]
        del self.feedback[feedback:]
        del self._events[events:]
        self._deferred = deferred
        for key in list(self.destination_logs):
            if key not in logs:
                del self.destination_logs[key]
                continue
            log = self.destination_logs[key]
            kept_events, kept_records, kept_notifications, kept_metrics = logs[key]
            del log.events[kept_events:]
            del log.records[kept_records:]
            del log.notifications[kept_notifications:]
            del log.metrics[kept_metrics:]

    def record_event(self, event: Event) -> None:
        self._events.append(event)

    def defer_events(self, message: SentMessage) -> None:
        """Record a quiet send's Send and Delivery events, to be made when first read."""
        self._events.append(message)
        self._deferred += 1

    def read_events(self) -> list[Event]:
        """Every event recorded, in order."""
        if self._deferred:
            with self.lock:
                self._events[:] = [
                    made
                    for item in self._events
                    for made in ((item,) if isinstance(item, Event) else quiet_events(item))
                ]
                self._deferred = 0
        return self._events  # type: ignore[return-value]  # all made by now

    def notify_message(self, message: SentMessage) -> None:
        for observer in self.on_message:
            observer(message)

    def notify_event(self, event: Event) -> None:
        for observer in self.on_event:
            observer(event)

    def publish_notification(self, notification: Notification) -> None:
        """Record ``notification`` (``ses.notifications``) and tell its observers."""
        self.notifications.append(notification)
        for observer in self.on_notification:
            observer(notification)

    def forward_feedback(self, feedback: Feedback) -> None:
        """Record ``feedback`` (``ses.feedback``) and tell its observers."""
        self.feedback.append(feedback)
        for observer in self.on_feedback:
            observer(feedback)

    def region(self, name: str) -> Region:
        """The state of region ``name``, created on first use."""
        state = self.regions.get(name)
        if state is None:
            state = self.regions[name] = Region(name)
            if self.settings.verified_identities != WILDCARD:
                for identity in self.settings.verified_identities:
                    add_identity(state, identity)
        return state
