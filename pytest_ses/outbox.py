"""``ses.outbox``: the messages SES accepted, in send order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

from pytest_ses._fake.message import SentMessage


class Outbox(Sequence[SentMessage]):
    """Every message the fake accepted, oldest first; a live view, not a copy.

    Tests get it as ``ses.outbox``; index it, iterate it, or take ``len()``.
    """

    def __init__(self, messages: list[SentMessage]) -> None:
        self._messages = messages

    @overload
    def __getitem__(self, index: int) -> SentMessage: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[SentMessage]: ...
    def __getitem__(self, index: int | slice) -> SentMessage | Sequence[SentMessage]:
        return self._messages[index]

    def __len__(self) -> int:
        return len(self._messages)

    def __iter__(self) -> Iterator[SentMessage]:
        return iter(list(self._messages))

    def __repr__(self) -> str:
        return f"<Outbox of {len(self)} message(s)>"
