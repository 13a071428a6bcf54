"""Operation handlers by (service, operation name), filled in by each family module.

The service is the botocore service name of the front door that was called:
``"ses"`` (API v1, Query) or ``"sesv2"`` (API v2, REST-JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from pytest_ses._fake.account import Account, Region

Params: TypeAlias = dict[str, Any]
Result: TypeAlias = dict[str, Any]
Handler: TypeAlias = Callable[["Account", "Region", Params], Result]

HANDLERS: dict[tuple[str, str], Handler] = {}

# The sending operations: outside SES's one-request-per-second API throttle, with
# their own throttle message and their refusals kept in ``ses.rejected``.
SEND_OPERATIONS = frozenset(
    ("SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail", "SendBulkEmail")
)


def operation(name: str, service: str = "ses") -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``service``'s operation ``name``."""

    def register(handler: Handler) -> Handler:
        HANDLERS[service, name] = handler
        return handler

    return register
