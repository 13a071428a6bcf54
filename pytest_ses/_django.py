"""pytest-django (and Django's own test runner) without the mail trap.

Django's ``setup_test_environment()`` swaps ``EMAIL_BACKEND`` for the in-memory
``locmem`` backend and keeps the original in ``django.test.utils._TestState``.
A project whose mail goes out through django-ses would then send nothing to
SES in its tests. Only modules already imported are looked at: a project
without Django pays one dictionary look-up.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FIX = (
    "Django's test environment (pytest-django, or Django's test runner) sends mail to "
    "django.core.mail.outbox instead of EMAIL_BACKEND. pytest-ses puts a django-ses backend "
    "back for tests that use `ses` (unless ses_django_backend = false); for another backend, "
    "set settings.EMAIL_BACKEND in the test (pytest-django's `settings` fixture) or assert "
    "on django.core.mail.outbox (pytest-django's `mailoutbox`)."
)


def _saved_backend() -> str | None:
    """The EMAIL_BACKEND Django's test environment replaced, while it is set up."""
    test_utils = sys.modules.get("django.test.utils")
    saved = getattr(getattr(test_utils, "_TestState", None), "saved_data", None)
    backend = getattr(saved, "email_backend", None)
    return backend if isinstance(backend, str) else None


@contextmanager
def ses_backend_restored() -> Iterator[None]:
    """Put a django-ses EMAIL_BACKEND back in place of locmem for the block, then undo it."""
    original = _saved_backend()
    if original is None or not original.startswith("django_ses"):
        yield
        return
    from django.conf import settings

    current = getattr(settings, "EMAIL_BACKEND", None)
    if current != LOCMEM:  # the test (or the project) chose a backend itself
        yield
        return
    settings.EMAIL_BACKEND = original
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = current


def diverted_mail() -> int:
    """How many messages wait in ``django.core.mail.outbox`` (0 without Django)."""
    mail = sys.modules.get("django.core.mail")
    outbox = getattr(mail, "outbox", None)
    return len(outbox) if isinstance(outbox, list) else 0


def diverted_hint() -> str | None:
    """A note for failure texts when mail went to Django's locmem outbox instead of SES."""
    count = diverted_mail()
    if not count:
        return None
    noun = "message" if count == 1 else "messages"
    return f"{count} {noun} went to django.core.mail.outbox, not to SES. {FIX}"
