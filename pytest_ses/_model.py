"""SES's service model from the installed botocore, loaded once for the whole package.

The wire codec reads it to encode and decode; the fake reads its enums and
operation names, so that it accepts what the SDK in use can send.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.model import ServiceModel

SERVICE = "ses"


@cache
def service_model() -> ServiceModel:
    """The model, loaded on first use (botocore is imported here, not at start-up)."""
    import botocore.session

    # boto3.client() keeps its session's loaded models: when the application made its
    # client that way, reuse the model already read instead of parsing the JSON again.
    boto3 = sys.modules.get("boto3")
    default = getattr(boto3, "DEFAULT_SESSION", None)
    session = getattr(default, "_session", None)
    if not isinstance(session, botocore.session.Session):
        session = botocore.session.get_session()
    return session.get_service_model(SERVICE)
