"""Matching sent messages and events against keyword criteria, and saying why they differ.

A criterion is an exact value, a compiled ``re.Pattern`` (searched in the
text), a callable (truthy result matches), :data:`ANY`, or :func:`contains`.
Against a list field (``to``, ``destinations``...) a single criterion matches
when any element does; address fields also match on the bare, case-folded
address, so ``to="ann@example.net"`` matches ``"Ann <ann@example.net>"``.
Against a dict field (``tags``, ``record``) a dict criterion matches when each
of its keys matches.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pytest_ses._fake.addresses import bare

ADDRESS_FIELDS = frozenset(("source", "to", "cc", "bcc", "reply_to", "destinations", "recipients"))


class _Any:
    """Matches every value."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()


class contains:
    """Matches text holding ``fragment`` (for bodies and subjects); None never matches."""

    def __init__(self, fragment: str) -> None:
        self.fragment = fragment

    def __call__(self, value: object) -> bool:
        return isinstance(value, str) and self.fragment in value

    def __repr__(self) -> str:
        return f"contains({self.fragment!r})"


def check_fields(criteria: Mapping[str, object], valid: Sequence[str], what: str) -> None:
    """A misspelt field is a TypeError naming the valid ones (and the likely one)."""
    __tracebackhide__ = True
    unknown = [name for name in criteria if name not in valid]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, valid, n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise TypeError(
            f"{what} has no field {', '.join(hints)}; valid fields are: {', '.join(valid)}"
        )


def mismatches(item: object, criteria: Mapping[str, object]) -> list[str]:
    """Why ``item`` fails ``criteria``: one line per field that does not match."""
    reasons = []
    for name, expected in criteria.items():
        actual = getattr(item, name)
        reason = _mismatch(name, expected, actual)
        if reason:
            reasons.append(f"{name}: {reason}")
    return reasons


def _mismatch(name: str, expected: object, actual: object) -> str | None:
    if _matches(name, expected, actual):
        return None
    if isinstance(actual, list) and not isinstance(expected, list):
        return f"{_show(expected)} is not among {actual!r}"
    if isinstance(expected, re.Pattern):
        return f"{actual!r} does not match {_show(expected)}"
    if callable(expected) and not isinstance(expected, type):
        return f"{_show(expected)} is false for {_short(actual)}"
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        missing = [k for k in expected if k not in actual]
        wrong = [k for k in expected if k in actual and not _matches(k, expected[k], actual[k])]
        parts = [f"no key {k!r}" for k in missing]
        parts += [f"{k!r} is {actual[k]!r}, expected {_show(expected[k])}" for k in wrong]
        return "; ".join(parts)
    shown = f"expected {_show(expected)}, got {_short(actual)}"
    if isinstance(expected, str) and isinstance(actual, str):
        diff = char_diff(expected, actual)
        if diff:
            shown += f"\n          differs: {diff}"
    return shown


def char_diff(expected: str, actual: str, context: int = 12) -> str | None:
    """For two long strings that nearly match: where they differ, ``[-expected-]{+actual+}``.

    None when a diff would not help (short strings, or strings with little in common).
    """
    if max(len(expected), len(actual)) < 20:
        return None
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    if matcher.ratio() < 0.6:
        return None
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same = expected[i1:i2]
            if len(same) > 2 * context + 3:
                head = same[:context] if i1 else ""
                tail = same[-context:] if i2 < len(expected) else ""
                same = f"{head}...{tail}"
            parts.append(same)
            continue
        if i2 > i1:
            parts.append(f"[-{expected[i1:i2]}-]")
        if j2 > j1:
            parts.append(f"{{+{actual[j1:j2]}+}}")
    return repr("".join(parts))[1:-1]


def plural(count: int, noun: str) -> str:
    """``1 message``, ``2 messages``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def short_id(message_id: str) -> str:
    """An SES message id cut to its region code and the start of its UUID, which tell ids apart.

    (The 12 digits between them are the send's time, alike for sends at one virtual instant.)
    """
    if len(message_id) > 40 and message_id[16:17] == "-":
        return f"{message_id[:4]}...{message_id[17:25]}..."
    return message_id


def _matches(name: str, expected: object, actual: object) -> bool:
    if type(expected) is str:  # the common case, first: no ABC isinstance checks
        if type(actual) is list:
            return any(_matches(name, expected, item) for item in actual)
        if expected == actual:
            return True
        return (
            name in ADDRESS_FIELDS
            and isinstance(actual, str)
            and bare(expected).lower() == bare(actual).lower()
        )
    if expected is ANY:
        return True
    if isinstance(actual, list) and not isinstance(expected, list):
        return any(_matches(name, expected, item) for item in actual)
    if isinstance(expected, re.Pattern):
        if isinstance(actual, bytes) and isinstance(expected.pattern, str):
            actual = actual.decode("utf-8", errors="replace")  # e.g. a text pattern on ``raw``
        return isinstance(actual, str | bytes) and expected.search(actual) is not None
    if isinstance(expected, Mapping) and hasattr(actual, "get_all"):  # Headers: ignore case
        return all(
            any(_matches(k, v, value) for value in actual.get_all(k)) for k, v in expected.items()
        )
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return all(k in actual and _matches(k, v, actual[k]) for k, v in expected.items())
    if callable(expected) and not isinstance(expected, type):
        return bool(expected(actual))
    if expected == actual:
        return True
    if name in ADDRESS_FIELDS and isinstance(expected, str) and isinstance(actual, str):
        return bare(expected).lower() == bare(actual).lower()
    return False


def matches(item: object, criteria: Mapping[str, object]) -> bool:
    return all(_matches(name, expected, getattr(item, name)) for name, expected in criteria.items())


def describe(criteria: Mapping[str, object]) -> str:
    return ", ".join(f"{name}={_show(value)}" for name, value in criteria.items()) or "anything"


def _show(value: object) -> str:
    if isinstance(value, re.Pattern):
        return f"re.compile({value.pattern!r})"
    if callable(value) and not isinstance(value, type | _Any | contains):
        return getattr(value, "__name__", repr(value))
    return repr(value)


def _short(value: object, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "...'"


def numbered(lines: Iterable[str]) -> list[str]:
    return [f"  [{i}] {line}" for i, line in enumerate(lines, 1)]


Predicate = Callable[[object], bool]
