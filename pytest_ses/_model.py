"""SES's service models from the installed botocore, each loaded once for the whole package.

The wire codecs read them to route, decode and encode; the fake reads their
enums and operation names, so that it accepts what the SDK in use can send.
Three service ids reach SES's endpoint: ``ses`` (API v1, Query), ``sesv2``
(API v2, REST-JSON) and ``pinpoint-email`` (v2's predecessor, REST-JSON).
"""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.loaders import Loader
    from botocore.model import ServiceModel

SERVICE = "ses"
SERVICES = ("ses", "sesv2", "pinpoint-email")


def service_model(service: str = SERVICE) -> ServiceModel:
    """The model of ``service``, loaded on first use (importing botocore only then)."""
    return _load(service)


@cache
def _load(service: str) -> ServiceModel:
    from botocore.model import ServiceModel

    return ServiceModel(_loader().load_service_model(service, "service-2"), service)


@cache
def _loader() -> Loader:
    # One loader for every model: a botocore session per model would cost more than the model.
    import botocore.session

    # boto3.client() keeps its default session's loader, which caches the models it
    # read: when the application made its client that way, reuse them instead of
    # parsing botocore's JSON again.
    boto3 = sys.modules.get("boto3")
    session = getattr(getattr(boto3, "DEFAULT_SESSION", None), "_session", None)
    if not isinstance(session, botocore.session.Session):
        session = botocore.session.get_session()
    loader: Loader = session.get_component("data_loader")
    return loader
