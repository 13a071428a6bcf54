"""Queued faults: SES errors a test asks for, answered before the operation runs.

A fault is consumed per request attempt, so a queued ``Throttling`` is seen
by botocore's retry loop exactly as SES's own would be: one fault is absorbed
by a retry, as many faults as attempts reach the application.
"""

from __future__ import annotations

from pytest_ses._errors import SESError
from pytest_ses._fake.account import Fault
from pytest_ses._fake.registry import SEND_OPERATIONS

# preset name -> (code, HTTP status, sender fault, default message)
PRESETS: dict[str, tuple[str, int, bool, str]] = {
    "throttling": ("Throttling", 400, True, "Maximum sending rate exceeded."),
    "message_rejected": ("MessageRejected", 400, True, "Email address is not verified."),
    "account_sending_paused": (
        "AccountSendingPausedException",
        400,
        True,
        "Sending paused for this account. For more information, please check the inbox of "
        "the email address associated with your AWS account.",
    ),
    "service_unavailable": ("ServiceUnavailable", 503, False, "Service Unavailable"),
    "internal_failure": ("InternalFailure", 500, False, "An internal error occurred."),
}
_BY_CODE = {code: name for name, (code, *_) in PRESETS.items()}
# Statuses of SES's common errors that are not 400 (developer guide, API error codes).
_STATUS = {"InternalFailure": 500, "ServiceUnavailable": 503, "MalformedQueryString": 404}
_STATUS |= dict.fromkeys(
    ("InvalidClientTokenId", "MissingAuthenticationToken", "OptInRequired"), 403
)


def make_fault(
    operation: str, code: str, message: str | None, times: int, status: int | None
) -> Fault:
    """Build a fault from a preset name (``"throttling"``) or an SES error code."""
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times}")
    preset = PRESETS.get(code) or PRESETS.get(_BY_CODE.get(code, ""))
    if preset is not None:
        code, default_status, sender_fault, default_message = preset
        if code == "Throttling" and operation not in SEND_OPERATIONS:
            default_message = "Rate exceeded"
    else:
        default_status = _STATUS.get(code, 400)
        sender_fault = default_status < 500
        default_message = f"{code} (injected by pytest-ses)"
    error = SESError(
        code,
        message if message is not None else default_message,
        status=status or default_status,
        sender_fault=(status or default_status) < 500 if status else sender_fault,
    )
    return Fault(operation, error, times, times)


def take(faults: list[Fault], operation: str) -> SESError | None:
    """The error for this attempt of ``operation``, consuming one use of the oldest match."""
    for fault in faults:
        if fault.remaining and fault.operation in (operation, "*"):
            fault.remaining -= 1
            return fault.error
    return None
