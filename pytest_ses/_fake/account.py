"""The fake account: settings, clock, per-region state, and the operation dispatcher."""

from __future__ import annotations

import dataclasses
import marshal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pytest_ses._errors import NotEmulatedError, SESError
from pytest_ses._fake import faults, registry
from pytest_ses._fake.clock import Clock
from pytest_ses._fake.events import Event
from pytest_ses._fake.quota import SendLog, TokenBucket
from pytest_ses._fake.registry import SEND_OPERATIONS
from pytest_ses._settings import WILDCARD, Settings

if TYPE_CHECKING:
    from pytest_ses._fake.configsets import ConfigurationSet
    from pytest_ses._fake.events import DestinationLog
    from pytest_ses._fake.message import SentMessage
    from pytest_ses._fake.outcomes import Matcher, Outcome
    from pytest_ses._fake.sending import Rejection
    from pytest_ses._fake.templates import RenderFailure, Template

ACCOUNT_ID = "123456789012"
API_RATE = 1.0  # non-send requests per second, per region
_families_loaded = False


def _load_families() -> None:
    """Importing the operation families registers their handlers (once per process)."""
    global _families_loaded
    from pytest_ses._fake import configsets, identities, pausing, sending, templates  # noqa: F401

    _families_loaded = True


@dataclasses.dataclass
class Identity:
    """A verified email address or domain."""

    name: str
    kind: str  # "EmailAddress" or "Domain", as ListIdentities names them
    token: str | None = None  # domains only


@dataclasses.dataclass
class Region:
    """Everything SES keeps per region: identities, configuration sets, quotas and counters."""

    name: str
    identities: dict[str, Identity] = dataclasses.field(default_factory=dict)  # by lower-case name
    configuration_sets: dict[str, ConfigurationSet] = dataclasses.field(default_factory=dict)
    templates: dict[str, Template] = dataclasses.field(default_factory=dict)  # v1 and v2 alike
    sends: SendLog = dataclasses.field(default_factory=SendLog)
    api_throttle: TokenBucket = dataclasses.field(
        default_factory=lambda: TokenBucket(API_RATE, API_RATE)
    )
    send_rate: TokenBucket | None = None  # made on the first send, from the settings
    sending_enabled: bool = True  # UpdateAccountSendingEnabled


# How the account keeps a call: a plain tuple of strings, numbers and the params
# serialized with marshal. The garbage collector stops tracking such tuples, so a
# test's thousands of calls cost it nothing, and nothing the application or a test
# does to what it read changes the log. ``Call`` objects are made when a test reads.
_CallRecord = tuple[str, str, "bytes | dict[str, Any]", int, str, "str | None"]


def _record(
    operation: str, region: str, params: dict[str, Any], attempt: int, outcome: str = "ok",
    message: str | None = None,
) -> _CallRecord:  # fmt: skip
    try:
        frozen: bytes | dict[str, Any] = marshal.dumps(params)
    except ValueError:  # a value marshal cannot hold (a datetime): kept as it is
        frozen = params
    return (operation, region, frozen, attempt, outcome, message)


class Call:
    """One request the fake answered: what was asked, which attempt, and how it ended.

    ``outcome`` is ``"ok"``, or the SES error code the request got (with its
    ``message``), or ``"NotEmulated"``.
    """

    __slots__ = ("_params", "attempt", "message", "operation", "outcome", "region")

    def __init__(
        self,
        operation: str,
        region: str,
        params: dict[str, Any],
        attempt: int,
        outcome: str = "ok",
        message: str | None = None,
    ) -> None:
        self._set(_record(operation, region, params, attempt, outcome, message))

    @classmethod
    def _of(cls, record: _CallRecord) -> Call:
        call = cls.__new__(cls)
        call._set(record)
        return call

    def _set(self, record: _CallRecord) -> None:
        (self.operation, self.region, self._params, self.attempt, self.outcome,
         self.message) = record  # fmt: skip

    @property
    def params(self) -> dict[str, Any]:
        """The request's parameters, as boto3 takes them."""
        stored = self._params
        loaded: dict[str, Any] = marshal.loads(stored) if isinstance(stored, bytes) else stored
        return loaded

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Call):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaced

    def _fields(self) -> tuple[Any, ...]:
        return (self.operation, self.region, self.params, self.attempt, self.outcome,
                self.message)  # fmt: skip

    def __repr__(self) -> str:
        return (
            f"Call(operation={self.operation!r}, region={self.region!r}, params={self.params!r}, "
            f"attempt={self.attempt!r}, outcome={self.outcome!r}, message={self.message!r})"
        )


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
        self._calls: list[_CallRecord] = []
        self.outbox: list[SentMessage] = []
        self.rejected: list[Rejection] = []
        self.render_failures: list[RenderFailure] = []  # accepted templated sends not delivered
        # Events in order. A quiet send (nothing to publish, every recipient delivered)
        # leaves its message here instead, standing for its Send and Delivery events,
        # which are made when first read: most tests never read them.
        self._events: list[Event | SentMessage] = []
        self._deferred = 0
        self.destination_logs: dict[tuple[str, str, str], DestinationLog] = {}
        self.outcomes: list[tuple[Matcher, Outcome]] = []  # set up by tests ahead of sends
        self.faults: list[faults.Fault] = []  # errors queued by tests (ses.fail_next)
        # Observers of what happens (the pytest plugin forwards these to its hooks).
        self.on_message: list[Callable[[SentMessage], None]] = []
        self.on_event: list[Callable[[Event], None]] = []
        self.lock = threading.RLock()

    @property
    def calls(self) -> list[Call]:
        """Every request answered, in order (made afresh from the log on each read)."""
        return [Call._of(record) for record in self._calls]

    def record_event(self, event: Event) -> None:
        self._events.append(event)

    def defer_events(self, message: SentMessage) -> None:
        """Record a quiet send's Send and Delivery events, to be made when first read."""
        self._events.append(message)
        self._deferred += 1

    def read_events(self) -> list[Event]:
        """Every event recorded, in order."""
        if self._deferred:
            from pytest_ses._fake.outcomes import quiet_events

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

    def region(self, name: str) -> Region:
        """The state of region ``name``, created on first use."""
        state = self.regions.get(name)
        if state is None:
            state = self.regions[name] = Region(name)
            if self.settings.verified_identities != WILDCARD:
                from pytest_ses._fake.identities import add_identity

                for identity in self.settings.verified_identities:
                    add_identity(state, identity)
        return state

    def dispatch(
        self,
        region: str,
        operation: str,
        params: dict[str, Any],
        attempt: int = 1,
        service: str = "ses",
    ) -> dict[str, Any]:
        """Run one operation of ``service`` (``ses`` or ``sesv2``); its result, or ``SESError``."""
        if not _families_loaded:
            _load_families()
        with self.lock:
            try:
                result = self._run(region, operation, params, service)
            except SESError as exc:
                if operation in SEND_OPERATIONS:  # refused sends are kept for tests to read
                    from pytest_ses._fake.sending import Rejection

                    self.rejected.append(
                        Rejection(operation, region, params, exc.code, exc.message,
                                  self.clock.now())
                    )  # fmt: skip
                self._calls.append(
                    _record(operation, region, params, attempt, exc.code, exc.message)
                )
                raise
            except NotEmulatedError as exc:
                self._calls.append(
                    _record(operation, region, params, attempt, "NotEmulated", str(exc))
                )
                raise
            self._calls.append(_record(operation, region, params, attempt))
            return result

    def _run(
        self, region: str, operation: str, params: dict[str, Any], service: str
    ) -> dict[str, Any]:
        handler = registry.HANDLERS.get((service, operation))
        if handler is None:
            self.not_emulated.append(operation)
            raise NotEmulatedError(operation)
        state = self.regions.get(region) or self.region(region)
        if self.faults:
            injected = faults.take(self.faults, operation)
            if injected is not None:
                raise injected
        if self.settings.throttle_api:
            self._throttle(state, operation)
        return handler(self, state, params)

    def _throttle(self, state: Region, operation: str) -> None:
        # One place for SES's per-region limit on every non-send operation, so
        # no handler can forget it. Off unless the throttle_api setting is on.
        if not self.settings.throttle_api or operation in SEND_OPERATIONS:
            return
        if not state.api_throttle.take(1, self.clock.time()):
            raise SESError("Throttling", "Rate exceeded")
