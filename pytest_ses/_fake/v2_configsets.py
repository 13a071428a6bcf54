"""Configuration sets through SES API v2: the sets, their options and event destinations.

The sets are v1's (:mod:`configsets`): one store, v1's name rules, limits and
destination checks. v2 spells some things differently (``SnsDestination.TopicArn``
for ``SNSDestination.TopicARN``, ``DELIVERY_DELAY`` for ``deliveryDelay``,
``REQUIRE`` for ``Require``), so this module translates v2's shapes into the
stored (v1) ones and back; options only v2 has are kept as given in
``ConfigurationSet.v2_options``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pytest_ses._errors import SESError
from pytest_ses._fake import configsets
from pytest_ses._fake.account import Account, ConfigurationSet, Region, check_domain
from pytest_ses._fake.paging import page
from pytest_ses._fake.registry import Params, Result, operation
from pytest_ses._fake.tagging import as_tag_list, check_tags
from pytest_ses._fake.validation import model_enum

LIST_LIMIT = 1000  # PageSize's ceiling (inferred: v1's MaxItems ceiling)
MIN_DELIVERY_SECONDS, MAX_DELIVERY_SECONDS = 300, 50_400  # sesv2 model: MaxDeliverySeconds
ONE_KIND = (
    "Please provide only one destination with each request. Either a Firehose Destination or "
    "a Cloudwatch Destination or an SNS Destination or an EventBridge Destination."
)
# v2 destination member -> (stored member, v2 ARN member -> stored ARN member)
_KINDS: dict[str, tuple[str, dict[str, str]]] = {
    "KinesisFirehoseDestination": (
        "KinesisFirehoseDestination",
        {"IamRoleArn": "IAMRoleARN", "DeliveryStreamArn": "DeliveryStreamARN"},
    ),
    "CloudWatchDestination": ("CloudWatchDestination", {}),
    "SnsDestination": ("SNSDestination", {"TopicArn": "TopicARN"}),
    "EventBridgeDestination": ("EventBridgeDestination", {"EventBusArn": "EventBusArn"}),
    "PinpointDestination": ("PinpointDestination", {"ApplicationArn": "ApplicationArn"}),
}
# Stored ARN member -> v2's name for it, for messages.
_LABELS = {stored: v2 for _, arns in _KINDS.values() for v2, stored in arns.items()}
_DEFAULT_TLS = "OPTIONAL"


def bad_request(message: str) -> SESError:
    return SESError("BadRequestException", message)


def check_enum(value: str, shape: str, path: str) -> str:
    """``value`` if the sesv2 enum ``shape`` allows it, else AWS's validation error."""
    allowed = model_enum(shape, "sesv2")
    if value not in allowed:
        raise bad_request(
            f"1 validation error detected: Value '{value}' at '{path}' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
        )
    return value


def v1_name(v2_name: str) -> str:
    """``DELIVERY_DELAY`` -> ``deliveryDelay``: v2's enum spelling as v1 stores it."""
    first, *rest = v2_name.lower().split("_")
    return first + "".join(part.title() for part in rest)


def v2_name(v1: str) -> str:
    """``deliveryDelay`` -> ``DELIVERY_DELAY``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", v1).upper()


# -- the sets -----------------------------------------------------------------------------------


@operation("CreateConfigurationSet", service="sesv2")
def create_configuration_set(account: Account, region: Region, params: Params) -> Result:
    name = params["ConfigurationSetName"]
    configsets.check_new_set(region, name)
    # Options are applied to the new set before it is stored: a bad one leaves no set behind.
    fresh = ConfigurationSet(name)
    if "TrackingOptions" in params:
        _set_tracking(fresh, params["TrackingOptions"], "trackingOptions.")
    if "DeliveryOptions" in params:
        _set_delivery(fresh, params["DeliveryOptions"], "deliveryOptions.")
    if "ReputationOptions" in params:
        fresh.reputation_metrics_enabled = bool(
            params["ReputationOptions"].get("ReputationMetricsEnabled", False)
        )
    if "SendingOptions" in params:
        fresh.sending_enabled = bool(params["SendingOptions"].get("SendingEnabled", False))
    if "SuppressionOptions" in params:
        _set_suppression(fresh, params["SuppressionOptions"], "suppressionOptions.")
    for group in ("VdmOptions", "ArchivingOptions", "MessageSecurityOptions"):
        if group in params:
            fresh.v2_options[group] = copy.deepcopy(params[group])
    fresh.tags = check_tags(params.get("Tags", []))
    region.configuration_sets[name] = fresh
    return {}


@operation("GetConfigurationSet", service="sesv2")
def get_configuration_set(account: Account, region: Region, params: Params) -> Result:
    found = configsets.get_set(region, params["ConfigurationSetName"])
    extra = found.v2_options
    result: Result = {"ConfigurationSetName": found.name}
    if found.custom_redirect_domain is not None:
        result["TrackingOptions"] = {
            "CustomRedirectDomain": found.custom_redirect_domain,
            **extra.get("TrackingOptions", {}),
        }
    result["DeliveryOptions"] = {
        "TlsPolicy": found.tls_policy.upper(),
        **extra.get("DeliveryOptions", {}),
    }
    reputation: dict[str, Any] = {"ReputationMetricsEnabled": found.reputation_metrics_enabled}
    if found.last_fresh_start is not None:
        reputation["LastFreshStart"] = found.last_fresh_start
    result["ReputationOptions"] = reputation
    result["SendingOptions"] = {"SendingEnabled": found.sending_enabled}
    result["Tags"] = as_tag_list(found.tags)
    if found.suppressed_reasons is not None:
        result["SuppressionOptions"] = {
            "SuppressedReasons": list(found.suppressed_reasons),
            **extra.get("SuppressionOptions", {}),
        }
    for group in ("VdmOptions", "ArchivingOptions", "MessageSecurityOptions"):
        if group in extra:
            result[group] = copy.deepcopy(extra[group])
    return result


@operation("ListConfigurationSets", service="sesv2")
def list_configuration_sets(account: Account, region: Region, params: Params) -> Result:
    names = sorted(region.configuration_sets)
    chunk, token = page(
        names, params.get("NextToken"), params.get("PageSize"), limit=LIST_LIMIT, label="PageSize"
    )
    result: Result = {"ConfigurationSets": chunk}
    if token:
        result["NextToken"] = token
    return result


# The request members are the same as v1's: one rule, one handler.
operation("DeleteConfigurationSet", service="sesv2")(configsets.delete_configuration_set)


# -- options ------------------------------------------------------------------------------------


def _set_tracking(found: ConfigurationSet, given: dict[str, Any], path: str) -> None:
    domain = given.get("CustomRedirectDomain")
    extra = {}
    if "HttpsPolicy" in given:
        extra["HttpsPolicy"] = check_enum(given["HttpsPolicy"], "HttpsPolicy", path + "httpsPolicy")
    found.custom_redirect_domain = None if domain is None else check_domain(domain)
    found.v2_options["TrackingOptions"] = extra


def _set_delivery(found: ConfigurationSet, given: dict[str, Any], path: str) -> None:
    tls = check_enum(given.get("TlsPolicy", _DEFAULT_TLS), "TlsPolicy", path + "tlsPolicy")
    extra: dict[str, Any] = {}
    if "SendingPoolName" in given:
        # The fake has no dedicated IP pools to check the name against; it is kept as given.
        extra["SendingPoolName"] = given["SendingPoolName"]
    if "MaxDeliverySeconds" in given:
        seconds = given["MaxDeliverySeconds"]
        if not MIN_DELIVERY_SECONDS <= seconds <= MAX_DELIVERY_SECONDS:
            raise bad_request(
                f"1 validation error detected: Value '{seconds}' at '{path}maxDeliverySeconds' "
                f"failed to satisfy constraint: Member must have value between "
                f"{MIN_DELIVERY_SECONDS} and {MAX_DELIVERY_SECONDS}"
            )
        extra["MaxDeliverySeconds"] = seconds
    if "SharedPoolDeliveryMode" in given:
        extra["SharedPoolDeliveryMode"] = check_enum(
            given["SharedPoolDeliveryMode"],
            "SharedPoolDeliveryMode",
            path + "sharedPoolDeliveryMode",
        )
    found.tls_policy = tls.title()  # v1's spelling: Require, Optional
    found.v2_options["DeliveryOptions"] = extra


def _set_suppression(found: ConfigurationSet, given: dict[str, Any], path: str) -> None:
    reasons = given.get("SuppressedReasons")
    extra: dict[str, Any] = {}
    if "SuppressionScope" in given:
        extra["SuppressionScope"] = check_enum(
            given["SuppressionScope"], "SuppressionListScope", path + "suppressionScope"
        )
    if "ValidationOptions" in given:
        extra["ValidationOptions"] = copy.deepcopy(given["ValidationOptions"])
    if reasons is None:
        found.suppressed_reasons = None  # the account's reasons apply
    else:
        for index, reason in enumerate(reasons, 1):
            check_enum(reason, "SuppressionListReason", f"{path}suppressedReasons.{index}.member")
        found.suppressed_reasons = tuple(dict.fromkeys(reasons))
    found.v2_options["SuppressionOptions"] = extra


@operation("PutConfigurationSetSendingOptions", service="sesv2")
def put_sending_options(account: Account, region: Region, params: Params) -> Result:
    # The same flag v1's UpdateConfigurationSetSendingEnabled sets and every send checks.
    found = configsets.get_set(region, params["ConfigurationSetName"])
    found.sending_enabled = bool(params.get("SendingEnabled", False))
    return {}


@operation("PutConfigurationSetSuppressionOptions", service="sesv2")
def put_suppression_options(account: Account, region: Region, params: Params) -> Result:
    found = configsets.get_set(region, params["ConfigurationSetName"])
    _set_suppression(found, params, "")
    return {}


@operation("PutConfigurationSetTrackingOptions", service="sesv2")
def put_tracking_options(account: Account, region: Region, params: Params) -> Result:
    found = configsets.get_set(region, params["ConfigurationSetName"])
    _set_tracking(found, params, "")
    return {}


@operation("PutConfigurationSetDeliveryOptions", service="sesv2")
def put_delivery_options(account: Account, region: Region, params: Params) -> Result:
    found = configsets.get_set(region, params["ConfigurationSetName"])
    _set_delivery(found, params, "")
    return {}


@operation("PutConfigurationSetReputationOptions", service="sesv2")
def put_reputation_options(account: Account, region: Region, params: Params) -> Result:
    found = configsets.get_set(region, params["ConfigurationSetName"])
    found.reputation_metrics_enabled = bool(params.get("ReputationMetricsEnabled", False))
    return {}


@operation("PutConfigurationSetVdmOptions", service="sesv2")
def put_vdm_options(account: Account, region: Region, params: Params) -> Result:
    found = configsets.get_set(region, params["ConfigurationSetName"])
    found.v2_options["VdmOptions"] = copy.deepcopy(params.get("VdmOptions", {}))
    return {}


@operation("PutConfigurationSetArchivingOptions", service="sesv2")
def put_archiving_options(account: Account, region: Region, params: Params) -> Result:
    found = configsets.get_set(region, params["ConfigurationSetName"])
    if "ArchiveArn" in params:
        found.v2_options["ArchivingOptions"] = {"ArchiveArn": params["ArchiveArn"]}
    else:
        found.v2_options.pop("ArchivingOptions", None)
    return {}


# -- event destinations -------------------------------------------------------------------------


def _stored(set_name: str, name: str, given: dict[str, Any]) -> dict[str, Any]:
    """A v2 EventDestinationDefinition checked by v1's rule, in the stored (v1) shape."""
    valid = model_enum("EventType", "sesv2")
    types = given.get("MatchingEventTypes", [])
    for event_type in types:
        if event_type not in valid:
            raise bad_request(
                f"The event destination contains an invalid event type: {event_type!r}; "
                f"valid types are {', '.join(valid)}."
            )
    translated: dict[str, Any] = {
        "Name": name,
        "Enabled": bool(given.get("Enabled", False)),
        "MatchingEventTypes": [v1_name(t) for t in types],
    }
    for member, (stored, arns) in _KINDS.items():
        if member not in given:
            continue
        settings = given[member]
        if member == "CloudWatchDestination":
            dimensions = []
            for index, dimension in enumerate(settings["DimensionConfigurations"], 1):
                source = check_enum(
                    dimension["DimensionValueSource"],
                    "DimensionValueSource",
                    f"eventDestination.cloudWatchDestination.dimensionConfigurations.{index}"
                    ".member.dimensionValueSource",
                )
                dimensions.append({**dimension, "DimensionValueSource": v1_name(source)})
            translated[stored] = {"DimensionConfigurations": dimensions}
        else:
            translated[stored] = {arns[k]: v for k, v in settings.items() if k in arns}
    return configsets.checked_destination(
        set_name,
        translated,
        event_types=tuple(v1_name(t) for t in valid),
        one_kind=ONE_KIND,
        labels=_LABELS,
    )


def _as_v2(destination: dict[str, Any]) -> dict[str, Any]:
    """A stored destination as v2's EventDestination."""
    result: dict[str, Any] = {
        "Name": destination["Name"],
        "Enabled": destination["Enabled"],
        "MatchingEventTypes": [v2_name(t) for t in destination["MatchingEventTypes"]],
    }
    for member, (stored, arns) in _KINDS.items():
        if stored not in destination:
            continue
        settings = destination[stored]
        if member == "CloudWatchDestination":
            result[member] = {
                "DimensionConfigurations": [
                    {**d, "DimensionValueSource": v2_name(d["DimensionValueSource"])}
                    for d in settings["DimensionConfigurations"]
                ]
            }
        else:
            back = {v: k for k, v in arns.items()}
            result[member] = {back[k]: v for k, v in settings.items()}
    return result


@operation("CreateConfigurationSetEventDestination", service="sesv2")
def create_event_destination(account: Account, region: Region, params: Params) -> Result:
    found = configsets.get_set(region, params["ConfigurationSetName"])
    destination = _stored(found.name, params["EventDestinationName"], params["EventDestination"])
    configsets.add_destination(account, region, found, destination)
    return {}


@operation("GetConfigurationSetEventDestinations", service="sesv2")
def get_event_destinations(account: Account, region: Region, params: Params) -> Result:
    found = configsets.get_set(region, params["ConfigurationSetName"])
    return {"EventDestinations": [_as_v2(d) for d in found.event_destinations.values()]}


@operation("UpdateConfigurationSetEventDestination", service="sesv2")
def update_event_destination(account: Account, region: Region, params: Params) -> Result:
    found = configsets.get_set(region, params["ConfigurationSetName"])
    # A missing destination is reported before anything wrong with the new definition.
    configsets.require_destination(found, params["EventDestinationName"])
    destination = _stored(found.name, params["EventDestinationName"], params["EventDestination"])
    configsets.replace_destination(account, region, found, destination)
    return {}


operation("DeleteConfigurationSetEventDestination", service="sesv2")(
    configsets.delete_event_destination
)
