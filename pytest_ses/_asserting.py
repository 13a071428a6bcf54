"""``SESMock``'s assertions: over the outbox and the events, with explaining failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_ses._django import diverted_hint
from pytest_ses._fake.account import Account
from pytest_ses._fake.events import Event
from pytest_ses._fake.message import SentMessage
from pytest_ses._matching import describe, matches, plural
from pytest_ses._settings import Settings
from pytest_ses.outbox import EventLog, Outbox


def _it(items: list[Any]) -> str:
    return "it" if len(items) == 1 else "them"


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

        def failed() -> str:  # remembered, to point out a match that arrives later
            self._failed.append((criteria, len(self._account.outbox)))
            return self._hints(criteria)

        return self.outbox._expect(criteria, times, failed)

    def assert_not_sent(self, **criteria: Any) -> None:
        """Fail if any message matching ``criteria`` was sent."""
        __tracebackhide__ = True
        self.outbox._refute(criteria)

    def assert_nothing_sent(self) -> None:
        """Fail if any message was sent at all."""
        __tracebackhide__ = True
        self.outbox._refute({})

    def assert_event(self, *, times: int | None = None, **criteria: Any) -> list[Event]:
        """Fail unless an event matching ``criteria`` was recorded (exactly ``times`` if given)."""
        __tracebackhide__ = True
        return self.events._expect(criteria, times, lambda: self._hints(criteria))

    def assert_no_event(self, **criteria: Any) -> None:
        """Fail if any event matching ``criteria`` was recorded."""
        __tracebackhide__ = True
        self.events._refute(criteria)

    def _hints(self, criteria: dict[str, Any]) -> str:
        hints = []
        rejected = self._account.rejected
        if rejected:
            shown = "\n".join(
                f"  {r.operation} in {r.region}: {r.code}: {r.message}" for r in rejected[-5:]
            )
            lead = "Nothing was sent, but" if not self._account.outbox else "Also,"
            hints.append(f"{lead} SES refused {plural(len(rejected), 'send attempt')}:\n{shown}")
        failures = self._account.render_failures
        if failures:
            shown = "\n".join(
                f"  {f.operation} {f.message_id}: template {f.template!r} with data "
                f"{f.template_data!r}: {f.error_message}"
                for f in failures[-5:]
            )
            hints.append(
                f"SES accepted {plural(len(failures), 'templated send')} but could not render "
                f"{_it(failures)}, so delivered nothing (see ses.render_failures):\n{shown}"
            )
        regions = sorted({m.region for m in self._account.outbox})
        if "region" not in criteria and len(regions) > 1:
            hints.append(f"Messages were sent in several regions: {', '.join(regions)}.")
        if self._account.not_emulated:
            hints.append(
                "The code also called operation(s) pytest-ses does not emulate: "
                + ", ".join(dict.fromkeys(self._account.not_emulated))
            )
        diverted = None if self._account.outbox else diverted_hint()
        if diverted:
            hints.append(diverted)
        return "".join(f"\nHint: {hint}" for hint in hints)

    def _late_matches(self) -> list[str]:
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
