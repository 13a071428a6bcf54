"""The object tests hold: ``SESMock``, and the ``mock_ses()`` context manager."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from pytest_ses import _intercept
from pytest_ses._asserting import AssertionsAPI
from pytest_ses._errors import OPERATIONS_PAGE, SESError
from pytest_ses._fake import faults
from pytest_ses._fake.account import Account, Call, Rejection, RenderFailure, Template, add_identity
from pytest_ses._fake.clock import Clock
from pytest_ses._fake.dispatch import Dispatcher
from pytest_ses._matching import plural
from pytest_ses._notifying import NotificationsAPI
from pytest_ses._settings import Settings
from pytest_ses._simulating import EventsAPI
from pytest_ses.outbox import Outbox

if TYPE_CHECKING:
    from pytest_ses._server import Endpoint


class SESMock(AssertionsAPI, EventsAPI, NotificationsAPI):
    """A fake Amazon SES account that answers every boto3 SES call while active.

    Tests get one from the ``ses`` fixture or from :func:`mock_ses`; they do not
    construct it themselves.
    """

    # Set by the plugin when a failed call's report named the unemulated operations.
    _not_emulated_reported = False

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._account = Account(settings)
        self._dispatcher = Dispatcher(self._account)
        self._server: Endpoint | None = None  # the loopback endpoint, once asked for
        self._server_errors: list[BaseException] = []  # unexpected errors it answered with 500
        self._server_stopped = False
        self._failed: list[tuple[dict[str, Any], int]] = []  # failed assert_sent calls
        try:  # seeds verified_identities, checking each one now rather than mid-test
            self._account.region(settings.region)
        except SESError as exc:
            raise ValueError(f"verified_identities: {exc.message}") from None

    # -- what the interception layer needs ----------------------------------------------------

    @property
    def _backend(self) -> Dispatcher:
        return self._dispatcher

    @property
    def _default_region(self) -> str:
        return self._settings.region

    def _retry_sleep(self, seconds: float) -> None:
        """botocore's retry back-off, taken on the virtual clock instead of the wall clock."""
        self._account.clock.advance(seconds)

    # -- public API ---------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The settings this fake was made with (marker, ini and defaults merged)."""
        return self._settings

    @property
    def region(self) -> str:
        """The default region: the one used when a call or a helper names none."""
        return self._settings.region

    @property
    def account_id(self) -> str:
        """The fake account's id, ``123456789012``."""
        return self._account.account_id

    @property
    def clock(self) -> Clock:
        """The virtual clock that quotas, rates and timestamps run on."""
        return self._account.clock

    def advance(self, seconds: float) -> None:
        """Move the virtual clock forward, as if ``seconds`` had passed."""
        self._account.clock.advance(seconds)

    @property
    def calls(self) -> list[Call]:
        """Every request the fake answered, in order (retries included)."""
        return self._account.calls

    @property
    def outbox(self) -> Outbox:
        """Every message SES accepted, in send order, across regions."""
        return Outbox(self._account.outbox)

    @property
    def templates(self) -> list[Template]:
        """The stored email templates, in every region (API v1 and v2 share them)."""
        return [t for state in self._account.regions.values() for t in state.templates.values()]

    @property
    def render_failures(self) -> list[RenderFailure]:
        """Templated sends SES accepted (a MessageId) but could not render, so never delivered."""
        return list(self._account.render_failures)

    @property
    def rejected(self) -> list[Rejection]:
        """Every SendEmail/SendRawEmail call SES refused, with its error code and message."""
        # Copies, as for calls: a test cannot change the record by changing what it read.
        return [
            dataclasses.replace(r, params=copy.deepcopy(r.params)) for r in self._account.rejected
        ]

    # -- faults -----------------------------------------------------------------------------

    def fail_next(
        self,
        operation: str,
        code: str,
        message: str | None = None,
        *,
        times: int = 1,
        status: int | None = None,
    ) -> None:
        """Answer the next ``times`` attempts of ``operation`` with an SES error.

        ``operation`` is an operation name of SES API v1 or v2 (``"SendEmail"``,
        or boto3's ``"send_email"``), or ``"*"`` for any; it applies to either API's
        operation of that name, and API v2 answers with its own error codes. ``code``
        is an SES error code or a preset: ``"throttling"``, ``"message_rejected"``,
        ``"account_sending_paused"``, ``"service_unavailable"``, ``"internal_failure"``.
        Each attempt botocore
        makes uses one, so ``times=1`` of a retryable error is absorbed by a retry.
        A fault still queued at the end of the test fails it.
        """
        name = _operation_name(operation)
        fault = faults.make_fault(name, code, message, times, status)
        with self._account.lock:
            self._account.faults.append(fault)

    def clear_faults(self) -> None:
        """Drop queued faults that were not used (no teardown failure for them)."""
        with self._account.lock:
            self._account.faults.clear()

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:<port>``: this fake over HTTP, for clients in other processes.

        The server starts on first use and stops when the test (or ``mock_ses()``
        block) ends. Pass it as ``endpoint_url=`` / ``--endpoint-url`` or in
        ``AWS_ENDPOINT_URL_SES``; any credentials are accepted, and the region is
        read from the request's signature.
        """
        with self._account.lock:
            if self._server_stopped:
                raise RuntimeError("this fake has ended; its endpoint is closed")
            if self._server is None:
                from pytest_ses._server import Endpoint

                self._server = Endpoint(self._dispatcher, self._settings.region)
            return self._server.url

    def _stop_server(self) -> None:
        """Close the endpoint, if one was started (idempotent; called at teardown)."""
        with self._account.lock:
            server, self._server = self._server, None
            self._server_stopped = True
        if server is not None:
            server.stop()
            self._server_errors += server.errors

    @property
    def not_emulated(self) -> list[str]:
        """Operations the application called that pytest-ses does not emulate.

        Any left here at the end of a test fail it; ``ses.not_emulated.clear()``
        is not enough (this is a copy): call :meth:`forget_not_emulated` when the
        test meant to call them.
        """
        return list(self._account.not_emulated)

    def forget_not_emulated(self) -> None:
        """Accept the calls to unemulated operations made so far (no teardown failure)."""
        with self._account.lock:
            self._account.not_emulated.clear()

    def verify(self, *identities: str, region: str | None = None) -> None:
        """Mark email addresses or domains as verified, as a completed SES verification would."""
        if not identities:
            raise TypeError("verify() needs at least one email address or domain")
        with self._account.lock:
            state = self._account.region(region or self._settings.region)
            for identity in identities:
                try:
                    add_identity(state, identity)
                except SESError as exc:
                    raise ValueError(exc.message) from None

    def _not_emulated_note(self) -> str | None:
        pending = self.not_emulated
        if not pending:
            return None
        names = ", ".join(dict.fromkeys(pending))
        return (
            f"the code under test called SES operation(s) that pytest-ses does not emulate: "
            f"{names}. Each call raised pytest_ses.NotEmulatedError; if the test expected "
            "that, call ses.forget_not_emulated() before it ends. The emulated operations are "
            f"listed on the {OPERATIONS_PAGE} page of the pytest-ses documentation."
        )

    def check(self) -> None:
        """Raise ``AssertionError`` for what the test cannot have meant.

        That is: calls to unemulated operations, and queued faults never used.
        """
        account = self._account
        if not (account.not_emulated or account.faults or self._server_errors):
            return  # what nearly every test ends with
        problems = []
        note = self._not_emulated_note()
        if note:
            problems.append(note)
        unused = [f for f in self._account.faults if f.remaining]
        if unused:
            problems.append(
                f"{len(unused)} fault(s) queued with ses.fail_next() were never used: "
                + "; ".join(f.describe() for f in unused)
                + ". If the test meant that, call ses.clear_faults() before it ends."
            )
        if self._server_errors:
            problems.append(
                f"the loopback endpoint hit {plural(len(self._server_errors), 'unexpected error')} "
                "and answered with HTTP 500 (clients retry those; a send that failed so left "
                f"nothing behind); the first: {self._server_errors[0]!r}"
            )
        if problems:
            raise AssertionError("\n".join(problems))

    def __repr__(self) -> str:
        return f"<SESMock region={self.region!r} calls={len(self._account._calls)}>"


@contextmanager
def mock_ses(**settings: Any) -> Iterator[SESMock]:
    """Answer every boto3 SES call in the process from a fresh fake, for the block's length.

    Takes the same settings as ``@pytest.mark.ses``. On a clean exit it raises
    ``AssertionError`` if unemulated operations were called (see
    :meth:`SESMock.check`).
    """
    fake = SESMock(Settings.from_mapping(settings))
    try:
        with activated(fake):
            yield fake
    finally:
        fake._stop_server()
    fake.check()


def activated(fake: SESMock) -> AbstractContextManager[None]:
    """``fake`` answers SES calls (and, if asked, takes ``time.sleep``) until the block ends."""
    if not fake.settings.virtual_sleep:
        return _intercept.activate(fake)  # no wrapper around it: every test enters this
    return _activated_with_virtual_sleep(fake)


@contextmanager
def _activated_with_virtual_sleep(fake: SESMock) -> Iterator[None]:
    from pytest_ses._sleeping import virtual_sleep

    with _intercept.activate(fake), virtual_sleep(fake.advance):
        yield


def _operation_name(operation: str) -> str:
    """``"SendEmail"`` or ``"send_email"`` -> ``"SendEmail"``, checked against SES's models.

    Names of API v1 and v2 are both taken; a fault applies to the operation of that
    name whichever API is called (``SendEmail`` exists in both).
    """
    if operation == "*":
        return operation
    from pytest_ses._fake.validation import operation_names

    if operation in operation_names():
        return operation
    from pytest_ses._model import service_model

    known = sorted({*operation_names(), *service_model("sesv2").operation_names})
    if operation in known:
        return operation
    by_snake = {_snake(name): name for name in known}
    if operation in by_snake:
        return by_snake[operation]
    import difflib

    close = difflib.get_close_matches(operation, [*known, *by_snake], n=3)
    raise TypeError(
        f"SES has no operation {operation!r}"
        + (f"; did you mean {', '.join(map(repr, close))}?" if close else "")
    )


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
