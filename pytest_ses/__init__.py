"""pytest-ses: a pytest plugin and in-memory fake of Amazon SES for boto3 code.

pytest imports this package on every run (through the plugin), so the public
names load on first use (PEP 562) rather than here: a project that never
touches SES pays for none of the fake.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_ses._errors import NotEmulatedError
    from pytest_ses._fake.account import Call, Rejection, RenderFailure, Suppressed, Template
    from pytest_ses._fake.clock import Clock
    from pytest_ses._fake.events import DestinationLog, Event
    from pytest_ses._fake.message import Attachment, Headers, SentMessage
    from pytest_ses._fake.notifications import Feedback, Notification
    from pytest_ses._matching import ANY, contains
    from pytest_ses._mock import SESMock, mock_ses
    from pytest_ses._settings import Settings
    from pytest_ses.outbox import EventLog, Outbox

__version__ = "0.1.0.dev0"

_WHERE = {
    "ANY": "pytest_ses._matching",
    "Attachment": "pytest_ses._fake.message",
    "Call": "pytest_ses._fake.account",
    "Clock": "pytest_ses._fake.clock",
    "DestinationLog": "pytest_ses._fake.events",
    "Event": "pytest_ses._fake.events",
    "EventLog": "pytest_ses.outbox",
    "Feedback": "pytest_ses._fake.notifications",
    "Headers": "pytest_ses._fake.message",
    "NotEmulatedError": "pytest_ses._errors",
    "Notification": "pytest_ses._fake.notifications",
    "Outbox": "pytest_ses.outbox",
    "Rejection": "pytest_ses._fake.account",
    "RenderFailure": "pytest_ses._fake.account",
    "SESMock": "pytest_ses._mock",
    "SentMessage": "pytest_ses._fake.message",
    "Settings": "pytest_ses._settings",
    "Suppressed": "pytest_ses._fake.account",
    "Template": "pytest_ses._fake.account",
    "contains": "pytest_ses._matching",
    "mock_ses": "pytest_ses._mock",
}

__all__ = [
    "ANY",
    "Attachment",
    "Call",
    "Clock",
    "DestinationLog",
    "Event",
    "EventLog",
    "Feedback",
    "Headers",
    "NotEmulatedError",
    "Notification",
    "Outbox",
    "Rejection",
    "RenderFailure",
    "SESMock",
    "SentMessage",
    "Settings",
    "Suppressed",
    "Template",
    "__version__",
    "contains",
    "mock_ses",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_ses' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
