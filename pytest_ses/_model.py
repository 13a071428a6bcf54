"""SES's service model from the installed botocore, loaded once for the whole package.

The wire codec reads it to encode and decode; the fake reads its enums and
operation names, so that it accepts what the SDK in use can send.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.model import ServiceModel

SERVICE = "ses"


@cache
def service_model() -> ServiceModel:
    """The model, loaded on first use (botocore is imported here, not at start-up)."""
    import botocore.session

    return botocore.session.get_session().get_service_model(SERVICE)
