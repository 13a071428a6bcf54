"""``SESMock``'s assertions: over the outbox and the events, with explaining failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_ses._fake.account import Account
from pytest_ses._fake.events import Event
from pytest_ses._fake.message import SentMessage
from pytest_ses._matching import describe, matches
from pytest_ses._settings import Settings
from pytest_ses.outbox import EventLog, Outbox


class AssertionsAPI:
    """Mixed into :class:`~pytest_ses.SESMock`; users call these on ``ses``."""

    _account: Account
    _settings: Settings
    _failed: list[tuple[dict[str, Any], int]]

    if TYPE_CHECKING:  # provided by SESMock and EventsAPI

        @property
        def outbox(self) -> Outbox: ...

        @property
        def events(self) -> EventLog: ...

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
