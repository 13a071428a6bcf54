"""Value checks shared by the operation families: names by character set and length, model enums.

Each check returns what is wrong (or ``None``) instead of raising, because the
same rule is reported under different SES error codes by different operations.
"""

from __future__ import annotations

import dataclasses
import string
from functools import cache

from pytest_ses._model import service_model

_ALNUM = frozenset(string.ascii_letters + string.digits)


@dataclasses.dataclass(frozen=True)
class NameRule:
    """A name of ASCII letters, digits and the ``extra`` characters, ``max_length`` at most."""

    label: str  # how messages refer to the value, e.g. "Configuration set name"
    extra: str
    max_length: int

    def problem(self, value: str) -> str | None:
        """Why ``value`` breaks the rule, as a sentence, or ``None`` if it is fine."""
        if not value:
            return f"{self.label} must not be empty."
        if len(value) > self.max_length:
            return (
                f"{self.label} <{value}> is {len(value)} characters long; "
                f"the maximum is {self.max_length}."
            )
        allowed = _ALNUM | frozenset(self.extra)
        bad = sorted({c for c in value if c not in allowed})
        if bad:
            return (
                f"{self.label} <{value}> contains {', '.join(map(repr, bad))}; only ASCII "
                f"letters, digits, {_spell(self.extra)} are allowed."
            )
        return None


def _spell(extra: str) -> str:
    quoted = [repr(c) for c in extra]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


@cache
def model_enum(shape_name: str, service: str = "ses") -> tuple[str, ...]:
    """The values botocore's model of ``service`` allows for the enum shape ``shape_name``.

    Read from the installed model rather than copied, so the fake accepts what
    the SDK in use can send (``EventType`` gained ``open`` and ``click`` over time).
    """
    from botocore.model import StringShape

    shape = service_model(service).shape_for(shape_name)
    assert isinstance(shape, StringShape), shape_name
    return tuple(shape.enum)


@cache
def operation_names() -> tuple[str, ...]:
    """Every operation of SES's model (emulated or not)."""
    return tuple(service_model().operation_names)
