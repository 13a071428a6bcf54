"""``SESMock``'s events half: the event log, destinations, outcome rules and simulations."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from pytest_ses._fake import outcomes
from pytest_ses._fake.account import Account, Outcome, Region, Suppressed
from pytest_ses._fake.addresses import bare
from pytest_ses._fake.events import DestinationLog, Event
from pytest_ses._fake.message import SentMessage
from pytest_ses._settings import Settings
from pytest_ses.outbox import EventLog


class EventsAPI:
    """Mixed into :class:`~pytest_ses.SESMock`; users call these on ``ses``."""

    _account: Account
    _settings: Settings

    # -- events ---------------------------------------------------------------------------------

    @property
    def events(self) -> EventLog:
        """Every event SES recorded, in order: Send, Delivery, Bounce, ... for every message.

        Events of messages sent with a configuration set also went to that
        set's matching, enabled destinations (``event.destinations``).
        """
        return EventLog(self._account.read_events)

    def destination(
        self, name: str, *, configuration_set: str | None = None, region: str | None = None
    ) -> DestinationLog:
        """What the event destination ``name`` received (Firehose records, SNS notifications,
        CloudWatch metrics; an EventBridge or Pinpoint destination its ``events``).
        ``configuration_set`` is needed only when several sets have a destination of that name."""
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

    @property
    def suppressed(self) -> dict[str, Suppressed]:
        """The account-level suppression list of the default region, by address.

        Hard bounces and complaints add to it (see ``PutAccountSuppressionAttributes``),
        as does the SES API v2 ``PutSuppressedDestination``. Copies: changing them
        changes nothing in the fake.
        """
        with self._account.lock:
            state = self._account.region(self._settings.region)
            return {key: dataclasses.replace(entry) for key, entry in state.suppressed.items()}

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
