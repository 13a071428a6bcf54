"""``ses.outbox`` and ``ses.events``: what SES accepted and recorded, with queries.

Both are live, read-only sequences. ``filter(**criteria)`` returns the
matching items and ``only(**criteria)`` the single match; criteria are
described in :mod:`pytest_ses._matching`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

from pytest_ses._fake.events import Event
from pytest_ses._fake.message import SentMessage
from pytest_ses._matching import (
    check_fields,
    describe,
    matches,
    mismatches,
    numbered,
    plural,
    short_id,
)

T = TypeVar("T")

MESSAGE_FIELDS = (
    "message_id", "operation", "service", "region", "source", "destinations", "to", "cc", "bcc",
    "reply_to", "subject", "text", "html", "attachments", "headers", "tags",
    "configuration_set", "raw", "timestamp", "return_path", "source_arn", "from_arn",
    "return_path_arn", "template", "template_data",
)  # fmt: skip
EVENT_FIELDS = (
    "type", "message_id", "configuration_set", "region", "recipients", "destinations",
    "timestamp", "record", "message",
)  # fmt: skip


class _Log(Sequence[T], Generic[T]):
    _noun = "item"
    _fields: tuple[str, ...] = ()

    def __init__(self, items: list[T] | Callable[[], list[T]]) -> None:
        self._source = items

    @property
    def _items(self) -> list[T]:
        source = self._source
        return source if isinstance(source, list) else source()

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items))

    def filter(self, **criteria: Any) -> list[T]:
        """The items matching every criterion, in order."""
        __tracebackhide__ = True
        check_fields(criteria, self._fields, self._noun)
        return [item for item in list(self._items) if matches(item, criteria)]

    def only(self, **criteria: Any) -> T:
        """The one item matching ``criteria``; ``AssertionError`` explaining why if not one."""
        __tracebackhide__ = True
        found = self.filter(**criteria)
        if len(found) != 1:
            raise AssertionError(self._explain(criteria, found, f"exactly one {self._noun}"))
        return found[0]

    def _expect(
        self, criteria: dict[str, Any], times: int | None, hints: Callable[[], str]
    ) -> list[T]:
        """The matches, if there are any (exactly ``times``, if given); else AssertionError."""
        __tracebackhide__ = True
        found = self.filter(**criteria)
        if (times is None and found) or len(found) == times:
            return found
        wanted = (
            f"at least one {self._noun}"
            if times is None
            else f"exactly {plural(times, self._noun)}"
        )
        raise AssertionError(self._explain(criteria, found, wanted) + hints())

    def _refute(self, criteria: dict[str, Any]) -> None:
        """AssertionError, listing them, if any item matches ``criteria``."""
        __tracebackhide__ = True
        found = self.filter(**criteria)
        if found:
            raise AssertionError(self._explain(criteria, found, f"no {self._noun}s"))

    def _explain(self, criteria: dict[str, Any], found: list[T], wanted: str) -> str:
        """The failure text: what was expected, then every item and why it (did not) match."""
        items = list(self._items)
        head = f"pytest-ses: expected {wanted} with {describe(criteria)}, but {len(found)} matched."
        if not items:
            return f"{head}\nNo {self._noun}s at all."
        listed = (
            f"All {plural(len(items), self._noun)}" if len(items) > 1 else f"The one {self._noun}"
        )
        lines = [head, f"{listed}, in order:"]
        for line, item in zip(numbered(self._summary(i) for i in items), items, strict=True):
            lines.append(line)
            reasons = mismatches(item, criteria)
            lines += [f"      - {reason}" for reason in reasons] or ["      (matches)"]
        near = [
            f"[{n}] differs only in {mismatches(item, criteria)[0].split(':')[0]}"
            for n, item in enumerate(items, 1)
            if len(mismatches(item, criteria)) == 1
        ]
        if near and not found:
            lines.append("Near misses: " + "; ".join(near) + ".")
        return "\n".join(lines)

    def _summary(self, item: T) -> str:
        return repr(item)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {plural(len(self), self._noun)}>"


class Outbox(_Log[SentMessage]):
    """Every message the fake accepted, oldest first, across regions.

    Tests get it as ``ses.outbox``: index it, iterate it, ``len()`` it, or query
    it with ``filter(**criteria)`` and ``only(**criteria)`` on any
    :class:`~pytest_ses.SentMessage` field.
    """

    _noun = "message"
    _fields = MESSAGE_FIELDS

    def _summary(self, item: SentMessage) -> str:
        to = ", ".join(item.destinations)
        extra = f" [configuration set {item.configuration_set}]" if item.configuration_set else ""
        if item.template is not None:
            extra += f", template {item.template!r} with data {item.template_data!r}"
        return (
            f"{item.operation} {short_id(item.message_id)} in {item.region}: from {item.source} "
            f"to {to}, "
            f"subject {item.subject!r}{extra}"
        )


class EventLog(_Log[Event]):
    """Every event the fake recorded, in order; tests get it as ``ses.events``."""

    _noun = "event"
    _fields = EVENT_FIELDS

    def _summary(self, item: Event) -> str:
        where = ", ".join(item.destinations) or "no destination"
        recipients = ", ".join(item.recipients)
        return f"{item.type} of {short_id(item.message_id)} for {recipients} (to {where})"
