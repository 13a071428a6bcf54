"""The object tests hold: ``SESMock``, and the ``mock_ses()`` context manager."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pytest_ses import _intercept
from pytest_ses._fake.account import Account, Call
from pytest_ses._fake.clock import Clock
from pytest_ses._fake.errors import SESError
from pytest_ses._fake.identities import add_identity
from pytest_ses._fake.sending import Rejection
from pytest_ses._settings import Settings
from pytest_ses.outbox import Outbox


class SESMock:
    """A fake Amazon SES account that answers every boto3 SES call while active.

    Tests get one from the ``ses`` fixture or from :func:`mock_ses`; they do not
    construct it themselves.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._account = Account(settings)
        try:  # seeds verified_identities, checking each one now rather than mid-test
            self._account.region(settings.region)
        except SESError as exc:
            raise ValueError(f"verified_identities: {exc.message}") from None

    # -- what the interception layer needs ----------------------------------------------------

    @property
    def backend(self) -> Account:
        return self._account

    @property
    def default_region(self) -> str:
        return self._settings.region

    def retry_sleep(self, seconds: float) -> None:
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
        return list(self._account.calls)

    @property
    def outbox(self) -> Outbox:
        """Every message SES accepted, in send order, across regions."""
        return Outbox(self._account.outbox)

    @property
    def rejected(self) -> list[Rejection]:
        """Every SendEmail/SendRawEmail call SES refused, with its error code and message."""
        return list(self._account.rejected)

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

    def check(self) -> None:
        """Raise ``AssertionError`` if the application called unemulated operations."""
        pending = self.not_emulated
        if pending:
            names = ", ".join(dict.fromkeys(pending))
            raise AssertionError(
                f"the code under test called SES operation(s) that pytest-ses does not emulate: "
                f"{names}. Each call raised pytest_ses.NotEmulatedError; if the test expected "
                "that, call ses.forget_not_emulated() before it ends."
            )

    def __repr__(self) -> str:
        return f"<SESMock region={self.region!r} calls={len(self._account.calls)}>"


@contextmanager
def mock_ses(**settings: Any) -> Iterator[SESMock]:
    """Answer every boto3 SES call in the process from a fresh fake, for the block's length.

    Takes the same settings as ``@pytest.mark.ses``. On a clean exit it raises
    ``AssertionError`` if unemulated operations were called (see
    :meth:`SESMock.check`).
    """
    fake = SESMock(Settings.from_mapping(settings))
    with _intercept.activate(fake):
        yield fake
    fake.check()
