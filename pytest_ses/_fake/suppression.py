"""The account-level suppression list (SES API v2) and the sends it stops.

SES keeps one list per region. Addresses get on it by hand
(PutSuppressedDestination) or automatically: a hard bounce or a complaint adds
the recipient when its reason is one of the reasons in force for the message
(the configuration set's override, else the account's). A later send to a
listed address, while its reason is in force, is accepted but not delivered to
it: :mod:`outcomes` publishes an ``OnAccountSuppressionList`` bounce instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pytest_ses._errors import SESError
from pytest_ses._fake.account import Region, Suppressed, check_email
from pytest_ses._fake.addresses import SIMULATOR_DOMAIN, SIMULATOR_MAILBOXES
from pytest_ses._fake.paging import page
from pytest_ses._fake.registry import Params, Result, operation

if TYPE_CHECKING:
    from pytest_ses._fake.account import Account
    from pytest_ses._fake.message import SentMessage

REASONS = ("BOUNCE", "COMPLAINT")
PAGE_LIMIT = 1000  # what one ListSuppressedDestinations page holds when PageSize is absent
_ENUM = "Member must satisfy enum value set: [BOUNCE, COMPLAINT]"


def _bad_request(message: str) -> SESError:
    return SESError("BadRequestException", message, status=400)


def check_reason(value: str, member: str = "reason") -> str:
    """One reason, as PutSuppressedDestination checks it."""
    if value not in REASONS:
        raise _bad_request(
            f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
            + _ENUM
        )
    return value


def check_reasons(values: Iterable[str], member: str = "suppressedReasons") -> tuple[str, ...]:
    """A list of reasons, as PutAccountSuppressionAttributes checks it; repeats are dropped."""
    values = tuple(values)
    if any(value not in REASONS for value in values):
        raise _bad_request(
            f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
            f"Member must satisfy constraint: [{_ENUM}]"
        )
    return tuple(dict.fromkeys(values))


def canonical(address: str) -> str:
    """The form SES keeps an address in: the domain in lower case, the local part as written.

    SES treats ``Ann@x.com`` and ``ann@x.com`` as two entries but
    ``ann@X.COM`` and ``ann@x.com`` as one.
    """
    local, at, domain = address.strip().rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else address.strip()


def reasons_for(region: Region, configuration_set: str | None) -> tuple[str, ...]:
    """The reasons in force for a message sent with ``configuration_set`` (or none)."""
    found = region.configuration_sets.get(configuration_set) if configuration_set else None
    if found is not None and found.suppressed_reasons is not None:
        return found.suppressed_reasons
    return region.suppressed_reasons


def is_suppressed(region: Region, reasons: tuple[str, ...], address: str) -> bool:
    """Whether SES withholds mail to ``address`` (a bare addr-spec) under ``reasons``."""
    entry = region.suppressed.get(canonical(address))
    return entry is not None and entry.reason in reasons


def _is_simulator(address: str) -> bool:
    local, _, domain = address.rpartition("@")
    return domain.lower() == SIMULATOR_DOMAIN and local.split("+")[0].lower() in SIMULATOR_MAILBOXES


def add_from_feedback(
    account: Account,
    region: Region,
    message: SentMessage,
    recipients: Sequence[str],
    reason: str,
    feedback_id: str,
) -> None:
    """List ``recipients`` of ``message`` after a hard bounce or a complaint, if ``reason`` is on.

    The mailbox simulator's addresses are never listed: SES documents this for
    ``bounce@`` and the simulator affects no reputation, so ``complaint@`` is alike.
    """
    if reason not in reasons_for(region, message.configuration_set):
        return
    now = account.clock.now()
    for address in recipients:
        if _is_simulator(address):
            continue
        key = canonical(address)
        region.suppressed[key] = Suppressed(key, reason, now, message.message_id, feedback_id)


# -- the API v2 operations -------------------------------------------------------------------


def _no_tenants(params: Params) -> None:
    # The fake emulates no tenant operations, so no tenant can exist.
    if "TenantName" in params:
        raise SESError(
            "NotFoundException", f"Tenant {params['TenantName']} does not exist.", status=404
        )


def _missing(address: str) -> SESError:
    return SESError(
        "NotFoundException",
        f"Email address {address} does not exist on your suppression list.",
        status=404,
    )


@operation("PutSuppressedDestination", service="sesv2")
def put_suppressed_destination(account: Account, region: Region, params: Params) -> Result:
    _no_tenants(params)
    address = canonical(params["EmailAddress"])
    check_email(address)
    reason = check_reason(params["Reason"])
    # Added by hand: no message or feedback to point at; a re-put replaces the entry.
    region.suppressed[address] = Suppressed(address, reason, account.clock.now())
    return {}


def _entry(region: Region, params: Params) -> Suppressed:
    _no_tenants(params)
    address = canonical(params["EmailAddress"])
    found = region.suppressed.get(address)
    if found is None:
        raise _missing(address)
    return found


@operation("GetSuppressedDestination", service="sesv2")
def get_suppressed_destination(account: Account, region: Region, params: Params) -> Result:
    found = _entry(region, params)
    attributes = {}
    if found.message_id is not None:
        attributes["MessageId"] = found.message_id
    if found.feedback_id is not None:
        attributes["FeedbackId"] = found.feedback_id
    destination: Result = {
        "EmailAddress": found.address,
        "Reason": found.reason,
        "LastUpdateTime": found.last_update,
    }
    if attributes:
        destination["Attributes"] = attributes
    return {"SuppressedDestination": destination}


@operation("DeleteSuppressedDestination", service="sesv2")
def delete_suppressed_destination(account: Account, region: Region, params: Params) -> Result:
    found = _entry(region, params)
    del region.suppressed[found.address]
    return {}


@operation("ListSuppressedDestinations", service="sesv2")
def list_suppressed_destinations(account: Account, region: Region, params: Params) -> Result:
    _no_tenants(params)
    wanted = check_reasons(params.get("Reasons", ()), "reasons") or REASONS
    size = params.get("PageSize", PAGE_LIMIT)
    if not 1 <= size <= PAGE_LIMIT:
        raise _bad_request(f"PageSize must be between 1 and {PAGE_LIMIT}, got {size}.")
    start: dt.datetime | None = params.get("StartDate")
    end: dt.datetime | None = params.get("EndDate")
    names = sorted(
        key
        for key, entry in region.suppressed.items()
        if entry.reason in wanted
        and (start is None or entry.last_update >= start)
        and (end is None or entry.last_update <= end)
    )
    try:
        chunk, token = page(names, params.get("NextToken"), size, limit=PAGE_LIMIT)
    except SESError as exc:  # the model names its own error for a token it did not issue
        raise SESError("InvalidNextTokenException", exc.message, status=400) from None
    summaries = [
        {
            "EmailAddress": region.suppressed[name].address,
            "Reason": region.suppressed[name].reason,
            "LastUpdateTime": region.suppressed[name].last_update,
        }
        for name in chunk
    ]
    result: Result = {"SuppressedDestinationSummaries": summaries}
    if token is not None:
        result["NextToken"] = token
    return result


@operation("PutAccountSuppressionAttributes", service="sesv2")
def put_account_suppression_attributes(account: Account, region: Region, params: Params) -> Result:
    # Leaving SuppressedReasons out turns automatic suppression off, as an empty list does.
    region.suppressed_reasons = check_reasons(params.get("SuppressedReasons", ()))
    return {}
