"""The dispatcher: one request from any front door, run against the account.

It sits on top of the fake. It loads the operation families, finds the
handler registered for (service, operation), and in one place for every
handler: consumes queued faults, applies SES's API throttle, records the call
(and a refused send), holds the account's lock, and translates an SES error
raised by a rule both APIs share into the error of the front door that was
called.
"""

from __future__ import annotations

from typing import Any

from pytest_ses._errors import NotEmulatedError, SESError
from pytest_ses._fake import faults, registry
from pytest_ses._fake.account import Account, Call, Region, Rejection
from pytest_ses._fake.registry import SEND_OPERATIONS

_families_loaded = False

# The v1 error code a shared rule raises -> the (code, HTTP status) API v2 answers with.
# Codes not listed pass through unchanged.
_NOT_FOUND = ("NotFoundException", 404)
_EXISTS = ("AlreadyExistsException", 400)
_BAD = ("BadRequestException", 400)
_PAUSED = ("SendingPausedException", 400)
_V2_ERRORS: dict[str, tuple[str, int]] = {
    "ConfigurationSetDoesNotExist": _NOT_FOUND,
    "EventDestinationDoesNotExist": _NOT_FOUND,
    "TemplateDoesNotExist": _NOT_FOUND,
    "AlreadyExists": _EXISTS,
    "ConfigurationSetAlreadyExists": _EXISTS,
    "EventDestinationAlreadyExists": _EXISTS,
    "InvalidParameterValue": _BAD,
    "InvalidConfigurationSet": _BAD,
    "InvalidFirehoseDestination": _BAD,
    "InvalidCloudWatchDestination": _BAD,
    "InvalidSNSDestination": _BAD,
    "InvalidTemplate": _BAD,
    "InvalidRenderingParameter": _BAD,
    "MissingRenderingAttribute": _BAD,
    "LimitExceeded": ("LimitExceededException", 400),
    "Throttling": ("TooManyRequestsException", 429),
    "MessageRejected": ("MessageRejected", 400),
    "MailFromDomainNotVerifiedException": ("MailFromDomainNotVerifiedException", 400),
    "AccountSendingPausedException": _PAUSED,
    "ConfigurationSetSendingPausedException": _PAUSED,
}
# Where v1 uses one code for two limits, v2 tells them apart: (v1 code, message) -> v2's.
# Inferred: SES documents LimitExceededException for v2 sends, and v1 says Throttling
# for the daily quota as for the send rate; the rate stays TooManyRequestsException.
_V2_BY_MESSAGE: dict[tuple[str, str], tuple[str, int]] = {
    ("Throttling", "Daily message quota exceeded."): ("LimitExceededException", 400),
}
# Front door (botocore service name) -> its table; "ses" answers with the rules' own codes.
_TRANSLATIONS = {"sesv2": _V2_ERRORS, "pinpoint-email": _V2_ERRORS}


def _load_families() -> None:
    """Importing the operation families registers their handlers (once per process)."""
    global _families_loaded
    from pytest_ses._fake import (  # noqa: F401
        configsets,
        identities,
        notifications,
        pausing,
        sending,
        suppression,
        tagging,
        templates,
        v2_account,
        v2_configsets,
        v2_identities,
        v2_sending,
        v2_templates,
    )

    _families_loaded = True


def translate(error: SESError, service: str) -> SESError:
    """``error`` as the front door ``service`` names it."""
    table = _TRANSLATIONS.get(service)
    if table is None:
        return error
    found = _V2_BY_MESSAGE.get((error.code, error.message)) or table.get(error.code)
    if found is None:
        return error
    code, status = found
    # v2's error shapes carry a message only.
    return SESError(code, error.message, status=status, sender_fault=status < 500)


class Dispatcher:
    """The account as the codecs see it: ``dispatch()`` answers one request."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def dispatch(
        self,
        region: str,
        operation: str,
        params: dict[str, Any],
        attempt: int = 1,
        service: str = "ses",
    ) -> dict[str, Any]:
        """Run ``service``'s ``operation``: its result, or ``SESError`` as that service names it."""
        if not _families_loaded:
            _load_families()
        account = self.account
        with account.lock:
            try:
                result = self._run(region, operation, params, service)
            except SESError as exc:
                error = translate(exc, service)
                if operation in SEND_OPERATIONS:  # refused sends are kept for tests to read
                    account.rejected.append(
                        Rejection(operation, region, params, error.code, error.message,
                                  account.clock.now())
                    )  # fmt: skip
                account.log_call(
                    Call(operation, region, params, attempt, error.code, error.message, service)
                )
                if error is exc:
                    raise
                raise error from None
            except NotEmulatedError as exc:
                account.log_call(
                    Call(operation, region, params, attempt, "NotEmulated", str(exc), service)
                )
                raise
            account._calls.append(Call(operation, region, params, attempt, service=service))
            return result

    def _run(
        self, region: str, operation: str, params: dict[str, Any], service: str
    ) -> dict[str, Any]:
        account = self.account
        handler = registry.HANDLERS.get((service, operation))
        if handler is None:
            account.not_emulated.append(operation if service == "ses" else f"{service}:{operation}")
            raise NotEmulatedError(operation, service)
        state = account.regions.get(region) or account.region(region)
        if account.faults:
            injected = faults.take(account.faults, operation)
            if injected is not None:
                raise injected
        if account.settings.throttle_api and operation not in SEND_OPERATIONS:
            self._throttle(state)
        return handler(account, state, params)

    def _throttle(self, state: Region) -> None:
        # One place for SES's per-region limit on every non-send operation, so
        # no handler can forget it.
        if not state.throttle().take(1, self.account.clock.time()):
            raise SESError("Throttling", "Rate exceeded")
