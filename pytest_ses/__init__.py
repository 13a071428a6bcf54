"""pytest-ses: a pytest plugin and in-memory fake of Amazon SES for boto3 code."""

from __future__ import annotations

from pytest_ses._fake.account import Call
from pytest_ses._fake.clock import Clock
from pytest_ses._fake.errors import NotEmulatedError
from pytest_ses._fake.events import DestinationLog, Event
from pytest_ses._fake.message import Attachment, Headers, SentMessage
from pytest_ses._fake.sending import Rejection
from pytest_ses._matching import ANY, contains
from pytest_ses._mock import SESMock, mock_ses
from pytest_ses._settings import Settings
from pytest_ses.outbox import EventLog, Outbox

__version__ = "0.1.0.dev0"

__all__ = [
    "ANY",
    "Attachment",
    "Call",
    "Clock",
    "DestinationLog",
    "Event",
    "EventLog",
    "Headers",
    "NotEmulatedError",
    "Outbox",
    "Rejection",
    "SESMock",
    "SentMessage",
    "Settings",
    "__version__",
    "contains",
    "mock_ses",
]
