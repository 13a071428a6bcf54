"""The object tests hold: ``SESMock``, and the ``mock_ses()`` context manager."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pytest_ses import _intercept
from pytest_ses._fake import faults, outcomes
from pytest_ses._fake.account import Account, Call, Region
from pytest_ses._fake.addresses import bare
from pytest_ses._fake.clock import Clock
from pytest_ses._fake.errors import SESError
from pytest_ses._fake.events import DestinationLog, Event
from pytest_ses._fake.identities import add_identity
from pytest_ses._fake.message import SentMessage
from pytest_ses._fake.outcomes import Outcome
from pytest_ses._fake.sending import Rejection
from pytest_ses._matching import describe, matches
from pytest_ses._settings import Settings
from pytest_ses.outbox import EventLog, Outbox

if TYPE_CHECKING:
    from pytest_ses._server import Endpoint


class SESMock:
    """A fake Amazon SES account that answers every boto3 SES call while active.

    Tests get one from the ``ses`` fixture or from :func:`mock_ses`; they do not
    construct it themselves.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._account = Account(settings)
        self._server: Endpoint | None = None  # the loopback endpoint, once asked for
        self._server_errors: list[BaseException] = []  # unexpected errors it answered with 500
        self._server_stopped = False
        self._failed: list[tuple[dict[str, Any], int]] = []  # failed assert_sent calls
        try:  # seeds verified_identities, checking each one now rather than mid-test
            self._account.region(settings.region)
        except SESError as exc:
            raise ValueError(f"verified_identities: {exc.message}") from None

    # -- what the interception layer needs ----------------------------------------------------

    @property
    def backend(self) -> Account:
        return self._account

    @property
    def default_region(self) -> str:
        return self._settings.region

    def retry_sleep(self, seconds: float) -> None:
        """botocore's retry back-off, taken on the virtual clock instead of the wall clock."""
        self._account.clock.advance(seconds)

    # -- public API ---------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The settings this fake was made with (marker, ini and defaults merged)."""
        return self._settings

    @property
    def region(self) -> str:
        """The default region: the one used when a call or a helper names none."""
        return self._settings.region

    @property
    def account_id(self) -> str:
        """The fake account's id, ``123456789012``."""
        return self._account.account_id

    @property
    def clock(self) -> Clock:
        """The virtual clock that quotas, rates and timestamps run on."""
        return self._account.clock

    def advance(self, seconds: float) -> None:
        """Move the virtual clock forward, as if ``seconds`` had passed."""
        self._account.clock.advance(seconds)

    @property
    def calls(self) -> list[Call]:
        """Every request the fake answered, in order (retries included)."""
        return list(self._account.calls)

    @property
    def outbox(self) -> Outbox:
        """Every message SES accepted, in send order, across regions."""
        return Outbox(self._account.outbox)

    @property
    def rejected(self) -> list[Rejection]:
        """Every SendEmail/SendRawEmail call SES refused, with its error code and message."""
        return list(self._account.rejected)

    # -- events ---------------------------------------------------------------------------------

    @property
    def events(self) -> EventLog:
        """Every event SES recorded, in order: Send, Delivery, Bounce, ... for every message.

        Events of messages sent with a configuration set also went to that
        set's matching, enabled destinations (``event.destinations``).
        """
        return EventLog(self._account.events)

    def destination(
        self, name: str, *, configuration_set: str | None = None, region: str | None = None
    ) -> DestinationLog:
        """What the event destination ``name`` received (Firehose records, SNS notifications
        or CloudWatch metrics). ``configuration_set`` is needed only when several sets have a
        destination of that name."""
        wanted = region or self._settings.region
        found = [
            log
            for (log_region, set_name, log_name), log in self._account.destination_logs.items()
            if log_region == wanted and log_name == name and configuration_set in (None, set_name)
        ]
        if len(found) == 1:
            return found[0]
        known = sorted(f"{s}/{n}" for (r, s, n) in self._account.destination_logs if r == wanted)
        if not found:
            raise LookupError(
                f"no event destination {name!r} in region {wanted}"
                + (f" and configuration set {configuration_set!r}" if configuration_set else "")
                + f"; destinations there: {', '.join(known) or 'none'}"
            )
        raise LookupError(
            f"several configuration sets have a destination {name!r} ({', '.join(known)}); "
            "pass configuration_set=..."
        )

    def set_outcome(
        self,
        recipients: str | Callable[[str], bool],
        outcome: str,
        *,
        bounce_type: str = "Permanent",
        sub_type: str = "General",
        feedback_type: str | None = "abuse",
        delay_type: str = "General",
    ) -> None:
        """Decide ahead of sending what happens to matching recipients of later messages.

        ``recipients`` is an address, ``"@domain"`` (every address there), or a
        predicate on the address. ``outcome`` is ``"delivery"``, ``"bounce"``,
        ``"complaint"`` (delivered, then complained about) or ``"delay"``.
        The latest rule that matches wins; the mailbox simulator's addresses
        always behave as SES documents.
        """
        if outcome == "bounce":
            outcomes.check_bounce(bounce_type, sub_type)
            chosen = Outcome("bounce", {"bounceType": bounce_type, "bounceSubType": sub_type})
        elif outcome == "complaint":
            outcomes.check_choice("feedback_type", feedback_type, outcomes.FEEDBACK_TYPES)
            chosen = Outcome("complaint", {"feedback_type": feedback_type})
        elif outcome == "delay":
            outcomes.check_choice("delay_type", delay_type, outcomes.DELAY_TYPES)
            chosen = Outcome("delay", {"delay_type": delay_type})
        elif outcome == "delivery":
            chosen = Outcome("delivery")
        else:
            raise ValueError(
                f"outcome must be 'delivery', 'bounce', 'complaint' or 'delay', got {outcome!r}"
            )
        with self._account.lock:
            self._account.outcomes.append((outcomes.matcher(recipients), chosen))

    def simulate_bounce(
        self,
        message: SentMessage | str,
        recipients: Sequence[str] | None = None,
        bounce_type: str = "Permanent",
        sub_type: str = "General",
    ) -> Event:
        """Have ``recipients`` (default: all) of a sent message bounce, now on the virtual clock."""
        sent, region, chosen = self._target(message, recipients)
        with self._account.lock:
            return outcomes.bounce(self._account, region, sent, chosen, bounce_type, sub_type)

    def simulate_complaint(
        self,
        message: SentMessage | str,
        recipients: Sequence[str] | None = None,
        feedback_type: str | None = "abuse",
    ) -> Event:
        """Have ``recipients`` (default: all) of a sent message mark it as spam."""
        sent, region, chosen = self._target(message, recipients)
        with self._account.lock:
            return outcomes.complain(self._account, region, sent, chosen, feedback_type)

    def simulate_delivery_delay(
        self,
        message: SentMessage | str,
        recipients: Sequence[str] | None = None,
        delay_type: str = "General",
    ) -> Event:
        """Report delivery to ``recipients`` (default: all) as delayed."""
        sent, region, chosen = self._target(message, recipients)
        with self._account.lock:
            return outcomes.delay(self._account, region, sent, chosen, delay_type)

    def simulate_open(
        self,
        message: SentMessage | str,
        *,
        user_agent: str | None = None,
        ip_address: str | None = None,
    ) -> Event:
        """A recipient opened the (HTML) message."""
        sent, region, _ = self._target(message, None)
        with self._account.lock:
            return outcomes.open_(self._account, region, sent, user_agent, ip_address)

    def simulate_click(
        self,
        message: SentMessage | str,
        link: str | None = None,
        *,
        link_tags: dict[str, str] | None = None,
        user_agent: str | None = None,
        ip_address: str | None = None,
    ) -> Event:
        """A recipient clicked ``link`` (default: the first link of the HTML body).

        ``linkTags`` come from the link's ``ses:tags="k:v;"`` attribute unless
        ``link_tags`` is given.
        """
        sent, region, _ = self._target(message, None)
        with self._account.lock:
            return outcomes.click(
                self._account, region, sent, link, link_tags, user_agent, ip_address
            )

    def simulate_rendering_failure(
        self, message: SentMessage | str, error_message: str, template_name: str
    ) -> Event:
        """Publish a Rendering Failure event for a message (as a templated send would)."""
        sent, region, _ = self._target(message, None)
        with self._account.lock:
            return outcomes.rendering_failure(
                self._account, region, sent, error_message, template_name
            )

    def _target(
        self, message: SentMessage | str, recipients: Sequence[str] | None
    ) -> tuple[SentMessage, Region, list[str]]:
        if isinstance(message, str):
            found = next((m for m in self._account.outbox if m.message_id == message), None)
            if found is None:
                raise LookupError(f"no sent message has the id {message!r}")
            message = found
        elif message not in self._account.outbox:
            raise LookupError(f"{message!r} was not sent through this fake")
        everyone = [bare(a) for a in message.destinations]
        if recipients is None:
            chosen = everyone
        else:
            if isinstance(recipients, str):
                raise TypeError("recipients must be a list of addresses, not a string")
            lowered = {a.lower() for a in everyone}
            strangers = [r for r in recipients if bare(r).lower() not in lowered]
            if strangers:
                raise ValueError(
                    f"{', '.join(strangers)} did not receive {message.message_id}; "
                    f"its recipients are {', '.join(everyone)}"
                )
            chosen = [bare(r) for r in recipients]
        return message, self._account.region(message.region), chosen

    # -- assertions -----------------------------------------------------------------------------

    def assert_sent(self, *, times: int | None = None, **criteria: Any) -> list[SentMessage]:
        """Fail unless a message matching ``criteria`` was sent (exactly ``times`` if given).

        Returns the matching messages. Criteria name :class:`SentMessage` fields;
        see the documentation for patterns, callables, ``ANY`` and ``contains``.
        """
        __tracebackhide__ = True
        outbox = self.outbox
        found = outbox.filter(**criteria)
        if (times is None and found) or len(found) == times:
            return found
        wanted = "at least one" if times is None else f"exactly {times}"
        self._failed.append((criteria, len(self._account.outbox)))
        raise AssertionError(outbox.explain(criteria, found, wanted) + self._hints(criteria))

    def assert_not_sent(self, **criteria: Any) -> None:
        """Fail if any message matching ``criteria`` was sent."""
        __tracebackhide__ = True
        outbox = self.outbox
        found = outbox.filter(**criteria)
        if found:
            raise AssertionError(outbox.explain(criteria, found, "no"))

    def assert_nothing_sent(self) -> None:
        """Fail if any message was sent at all."""
        __tracebackhide__ = True
        if self._account.outbox:
            raise AssertionError(self.outbox.explain({}, list(self._account.outbox), "no"))

    def assert_event(self, *, times: int | None = None, **criteria: Any) -> list[Event]:
        """Fail unless an event matching ``criteria`` was recorded (exactly ``times`` if given)."""
        __tracebackhide__ = True
        events = self.events
        found = events.filter(**criteria)
        if (times is None and found) or len(found) == times:
            return found
        wanted = "at least one" if times is None else f"exactly {times}"
        raise AssertionError(events.explain(criteria, found, wanted) + self._hints(criteria))

    def assert_no_event(self, **criteria: Any) -> None:
        """Fail if any event matching ``criteria`` was recorded."""
        __tracebackhide__ = True
        events = self.events
        found = events.filter(**criteria)
        if found:
            raise AssertionError(events.explain(criteria, found, "no"))

    def _hints(self, criteria: dict[str, Any]) -> str:
        hints = []
        rejected = self._account.rejected
        if rejected:
            shown = "\n".join(
                f"  {r.operation} in {r.region}: {r.code}: {r.message}" for r in rejected[-5:]
            )
            lead = "Nothing was sent, but" if not self._account.outbox else "Also,"
            hints.append(f"{lead} SES refused {len(rejected)} send attempt(s):\n{shown}")
        regions = sorted({m.region for m in self._account.outbox})
        if "region" not in criteria and len(regions) > 1:
            hints.append(f"Messages were sent in several regions: {', '.join(regions)}.")
        if self._account.not_emulated:
            hints.append(
                "The code also called operation(s) pytest-ses does not emulate: "
                + ", ".join(dict.fromkeys(self._account.not_emulated))
            )
        return "".join(f"\nHint: {hint}" for hint in hints)

    def late_matches(self) -> list[str]:
        """For failed ``assert_sent`` calls, messages that matched only after the assertion."""
        notes = []
        for criteria, seen in self._failed:
            for message in list(self._account.outbox)[seen:]:
                if matches(message, criteria):
                    notes.append(
                        f"assert_sent({describe(criteria)}) failed, but a matching message "
                        f"({message.message_id}) was sent after it: does the code send from "
                        "a thread or task the test did not wait for?"
                    )
                    break
        return notes

    # -- faults -----------------------------------------------------------------------------

    def fail_next(
        self,
        operation: str,
        code: str,
        message: str | None = None,
        *,
        times: int = 1,
        status: int | None = None,
    ) -> None:
        """Answer the next ``times`` attempts of ``operation`` with an SES error.

        ``operation`` is an SES operation name (``"SendEmail"``, or boto3's
        ``"send_email"``), or ``"*"`` for any. ``code`` is an SES error code or a
        preset: ``"throttling"``, ``"message_rejected"``, ``"account_sending_paused"``,
        ``"service_unavailable"``, ``"internal_failure"``. Each attempt botocore
        makes uses one, so ``times=1`` of a retryable error is absorbed by a retry.
        A fault still queued at the end of the test fails it.
        """
        name = _operation_name(operation)
        fault = faults.make_fault(name, code, message, times, status)
        with self._account.lock:
            self._account.faults.append(fault)

    def clear_faults(self) -> None:
        """Drop queued faults that were not used (no teardown failure for them)."""
        with self._account.lock:
            self._account.faults.clear()

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:<port>``: this fake over HTTP, for clients in other processes.

        The server starts on first use and stops when the test (or ``mock_ses()``
        block) ends. Pass it as ``endpoint_url=`` / ``--endpoint-url`` or in
        ``AWS_ENDPOINT_URL_SES``; any credentials are accepted, and the region is
        read from the request's signature.
        """
        with self._account.lock:
            if self._server_stopped:
                raise RuntimeError("this fake has ended; its endpoint is closed")
            if self._server is None:
                from pytest_ses._server import Endpoint

                self._server = Endpoint(self._account, self._settings.region)
            return self._server.url

    def _stop_server(self) -> None:
        """Close the endpoint, if one was started (idempotent; called at teardown)."""
        with self._account.lock:
            server, self._server = self._server, None
            self._server_stopped = True
        if server is not None:
            server.stop()
            self._server_errors += server.errors

    @property
    def not_emulated(self) -> list[str]:
        """Operations the application called that pytest-ses does not emulate.

        Any left here at the end of a test fail it; ``ses.not_emulated.clear()``
        is not enough (this is a copy): call :meth:`forget_not_emulated` when the
        test meant to call them.
        """
        return list(self._account.not_emulated)

    def forget_not_emulated(self) -> None:
        """Accept the calls to unemulated operations made so far (no teardown failure)."""
        with self._account.lock:
            self._account.not_emulated.clear()

    def verify(self, *identities: str, region: str | None = None) -> None:
        """Mark email addresses or domains as verified, as a completed SES verification would."""
        if not identities:
            raise TypeError("verify() needs at least one email address or domain")
        with self._account.lock:
            state = self._account.region(region or self._settings.region)
            for identity in identities:
                try:
                    add_identity(state, identity)
                except SESError as exc:
                    raise ValueError(exc.message) from None

    def check(self) -> None:
        """Raise ``AssertionError`` for what the test cannot have meant.

        That is: calls to unemulated operations, and queued faults never used.
        """
        problems = []
        pending = self.not_emulated
        if pending:
            names = ", ".join(dict.fromkeys(pending))
            problems.append(
                f"the code under test called SES operation(s) that pytest-ses does not emulate: "
                f"{names}. Each call raised pytest_ses.NotEmulatedError; if the test expected "
                "that, call ses.forget_not_emulated() before it ends."
            )
        unused = [f for f in self._account.faults if f.remaining]
        if unused:
            problems.append(
                f"{len(unused)} fault(s) queued with ses.fail_next() were never used: "
                + "; ".join(f.describe() for f in unused)
                + ". If the test meant that, call ses.clear_faults() before it ends."
            )
        if self._server_errors:
            problems.append(
                f"the loopback endpoint hit {len(self._server_errors)} unexpected error(s) and "
                "answered them with HTTP 500 (clients retry those, so a message may have been "
                f"recorded more than once); the first: {self._server_errors[0]!r}"
            )
        if problems:
            raise AssertionError("\n".join(problems))

    def __repr__(self) -> str:
        return f"<SESMock region={self.region!r} calls={len(self._account.calls)}>"


@contextmanager
def mock_ses(**settings: Any) -> Iterator[SESMock]:
    """Answer every boto3 SES call in the process from a fresh fake, for the block's length.

    Takes the same settings as ``@pytest.mark.ses``. On a clean exit it raises
    ``AssertionError`` if unemulated operations were called (see
    :meth:`SESMock.check`).
    """
    fake = SESMock(Settings.from_mapping(settings))
    try:
        with _intercept.activate(fake):
            yield fake
    finally:
        fake._stop_server()
    fake.check()


def _operation_name(operation: str) -> str:
    """``"SendEmail"`` or ``"send_email"`` -> ``"SendEmail"``, checked against SES's model."""
    if operation == "*":
        return operation
    from pytest_ses._fake.validation import operation_names

    known = operation_names()
    if operation in known:
        return operation
    by_snake = {_snake(name): name for name in known}
    if operation in by_snake:
        return by_snake[operation]
    import difflib

    close = difflib.get_close_matches(operation, [*known, *by_snake], n=3)
    raise TypeError(
        f"SES has no operation {operation!r}"
        + (f"; did you mean {', '.join(map(repr, close))}?" if close else "")
    )


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
