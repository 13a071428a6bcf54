"""The seven configuration-set operations, and the state later sends and events read.

Event destinations are stored as the dicts boto3 documents (``Enabled``
filled in), in creation order, so DescribeConfigurationSet hands them back
as given and event publishing can read them without another translation.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pytest_ses._errors import SESError, invalid_parameter
from pytest_ses._fake.account import Account, ConfigurationSet, Region
from pytest_ses._fake.destinations import on_destination_saved
from pytest_ses._fake.paging import page
from pytest_ses._fake.registry import Params, Result, operation
from pytest_ses._fake.validation import NameRule, model_enum

MAX_CONFIGURATION_SETS = 10_000  # per region, SES's quota
MAX_EVENT_DESTINATIONS = 10  # per configuration set
MAX_DIMENSIONS = 10  # per CloudWatch destination
LIST_LIMIT = 1000

SET_NAME = NameRule("Configuration set name", "_-", 64)
DESTINATION_NAME = NameRule("Event destination name", "_-", 64)
DIMENSION_NAME = NameRule("Dimension name", "_-:", 256)
DIMENSION_VALUE = NameRule("Default dimension value", "_-@.", 256)
# SES refuses these as emailHeader dimensions, whatever their case.
RESERVED_HEADERS = frozenset(
    h.lower()
    for h in ("Received", "To", "From", "DKIM-Signature", "CC", "message-id", "Return-Path")
)

# ARN member -> (what it must name, its pattern). The fake has no IAM, Firehose or SNS,
# so it checks the ARN's shape only, not that the resource exists.
_PARTITION = r"aws(?:-[a-z]+)*"
_ACCOUNT = r"\d{12}"
_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
_ARNS = {
    "IAMRoleARN": ("an IAM role", rf"arn:{_PARTITION}:iam::{_ACCOUNT}:role/[\w+=,.@/-]+"),
    "DeliveryStreamARN": (
        "a Kinesis Firehose delivery stream",
        rf"arn:{_PARTITION}:firehose:{_REGION}:{_ACCOUNT}:deliverystream/[\w.-]+",
    ),
    "TopicARN": ("an SNS topic", rf"arn:{_PARTITION}:sns:{_REGION}:{_ACCOUNT}:[\w-]+(?:\.fifo)?"),
    # SES publishes only to the default bus (the sesv2 model's EventBusArn documentation).
    "EventBusArn": (
        "the default EventBridge event bus",
        rf"arn:{_PARTITION}:events:{_REGION}:{_ACCOUNT}:event-bus/default",
    ),
    "ApplicationArn": (
        "an Amazon Pinpoint project",
        rf"arn:{_PARTITION}:mobiletargeting:{_REGION}:{_ACCOUNT}:apps/[\w-]+",
    ),
}
# Destination member -> (its error code, the ARN members it holds).
_KINDS = {
    "KinesisFirehoseDestination": (
        "InvalidFirehoseDestination",
        ("IAMRoleARN", "DeliveryStreamARN"),
    ),
    "CloudWatchDestination": ("InvalidCloudWatchDestination", ()),
    "SNSDestination": ("InvalidSNSDestination", ("TopicARN",)),
    # API v2 only; v1 has no error code of its own for them.
    "EventBridgeDestination": ("InvalidParameterValue", ("EventBusArn",)),
    "PinpointDestination": ("InvalidParameterValue", ("ApplicationArn",)),
}
V1_KINDS = ("KinesisFirehoseDestination", "CloudWatchDestination", "SNSDestination")
V2_ONLY_KINDS = frozenset(_KINDS) - frozenset(V1_KINDS)


def _missing_set(name: str) -> SESError:
    return SESError(
        "ConfigurationSetDoesNotExist",
        f"Configuration set <{name}> does not exist.",
        fields={"ConfigurationSetName": name},
    )


def get_set(region: Region, name: str) -> ConfigurationSet:
    """The set called ``name``, or SES's ConfigurationSetDoesNotExist error."""
    found = region.configuration_sets.get(name)
    if found is None:
        raise _missing_set(name)
    return found


@operation("CreateConfigurationSet")
def create_configuration_set(account: Account, region: Region, params: Params) -> Result:
    name = params["ConfigurationSet"]["Name"]
    check_new_set(region, name)
    region.configuration_sets[name] = ConfigurationSet(name)
    return {}


def check_new_set(region: Region, name: str) -> None:
    """Refuse ``name`` for a new set as SES does: its syntax, then a duplicate, then the quota."""
    problem = SET_NAME.problem(name)
    if problem:
        raise SESError("InvalidConfigurationSet", problem)
    if name in region.configuration_sets:
        raise SESError(
            "ConfigurationSetAlreadyExists",
            f"Configuration set <{name}> already exists.",
            fields={"ConfigurationSetName": name},
        )
    if len(region.configuration_sets) >= MAX_CONFIGURATION_SETS:
        raise SESError(
            "LimitExceeded",
            f"Maximum number of configuration sets ({MAX_CONFIGURATION_SETS}) reached.",
        )


@operation("DeleteConfigurationSet")
def delete_configuration_set(account: Account, region: Region, params: Params) -> Result:
    name = params["ConfigurationSetName"]
    get_set(region, name)
    del region.configuration_sets[name]
    return {}


@operation("DescribeConfigurationSet")
def describe_configuration_set(account: Account, region: Region, params: Params) -> Result:
    wanted = params.get("ConfigurationSetAttributeNames") or []
    valid = model_enum("ConfigurationSetAttribute")
    bad = [name for name in wanted if name not in valid]
    if bad:
        raise invalid_parameter(
            f"Invalid ConfigurationSetAttributeNames {', '.join(bad)}: "
            f"expected any of {', '.join(valid)}."
        )
    found = get_set(region, params["ConfigurationSetName"])
    result: Result = {"ConfigurationSet": {"Name": found.name}}
    if "eventDestinations" in wanted:
        result["EventDestinations"] = [
            {k: copy.deepcopy(v) for k, v in destination.items() if k not in V2_ONLY_KINDS}
            for destination in found.event_destinations.values()
        ]
    if "trackingOptions" in wanted:
        tracking = {}
        if found.custom_redirect_domain is not None:
            tracking["CustomRedirectDomain"] = found.custom_redirect_domain
        result["TrackingOptions"] = tracking
    if "deliveryOptions" in wanted:
        result["DeliveryOptions"] = {"TlsPolicy": found.tls_policy}
    if "reputationOptions" in wanted:
        reputation: dict[str, Any] = {
            "SendingEnabled": found.sending_enabled,
            "ReputationMetricsEnabled": found.reputation_metrics_enabled,
        }
        if found.last_fresh_start is not None:
            reputation["LastFreshStart"] = found.last_fresh_start
        result["ReputationOptions"] = reputation
    return result


@operation("ListConfigurationSets")
def list_configuration_sets(account: Account, region: Region, params: Params) -> Result:
    names = sorted(region.configuration_sets)
    chunk, token = page(names, params.get("NextToken"), params.get("MaxItems"), limit=LIST_LIMIT)
    result: Result = {"ConfigurationSets": [{"Name": name} for name in chunk]}
    if token:
        result["NextToken"] = token
    return result


@operation("CreateConfigurationSetEventDestination")
def create_event_destination(account: Account, region: Region, params: Params) -> Result:
    found = get_set(region, params["ConfigurationSetName"])
    add_destination(
        account, region, found, checked_destination(found.name, params["EventDestination"])
    )
    return {}


def add_destination(
    account: Account, region: Region, found: ConfigurationSet, destination: dict[str, Any]
) -> None:
    """Store ``destination`` (as :func:`checked_destination` made it) as a new one of ``found``."""
    name = destination["Name"]
    if name in found.event_destinations:
        raise SESError(
            "EventDestinationAlreadyExists",
            f"Event destination <{name}> already exists in configuration set <{found.name}>.",
            fields={"ConfigurationSetName": found.name, "EventDestinationName": name},
        )
    if len(found.event_destinations) >= MAX_EVENT_DESTINATIONS:
        raise SESError(
            "LimitExceeded",
            f"Maximum number of event destinations ({MAX_EVENT_DESTINATIONS}) "
            f"reached for configuration set <{found.name}>.",
        )
    found.event_destinations[name] = destination
    on_destination_saved(account, region, found.name, destination)


@operation("UpdateConfigurationSetEventDestination")
def update_event_destination(account: Account, region: Region, params: Params) -> Result:
    found = get_set(region, params["ConfigurationSetName"])
    replace_destination(
        account, region, found, checked_destination(found.name, params["EventDestination"])
    )
    return {}


def replace_destination(
    account: Account, region: Region, found: ConfigurationSet, destination: dict[str, Any]
) -> None:
    """Put ``destination`` in the place of the one of ``found`` with its name."""
    require_destination(found, destination["Name"])
    previous = found.event_destinations[destination["Name"]]
    found.event_destinations[destination["Name"]] = destination  # keeps its place in the order
    on_destination_saved(account, region, found.name, destination, previous)


@operation("DeleteConfigurationSetEventDestination")
def delete_event_destination(account: Account, region: Region, params: Params) -> Result:
    found = get_set(region, params["ConfigurationSetName"])
    name = params["EventDestinationName"]
    require_destination(found, name)
    del found.event_destinations[name]
    return {}


def require_destination(found: ConfigurationSet, name: str) -> None:
    if name not in found.event_destinations:
        raise SESError(
            "EventDestinationDoesNotExist",
            f"No EventDestination found for {found.name}",
            fields={"ConfigurationSetName": found.name, "EventDestinationName": name},
        )


def checked_destination(
    set_name: str,
    given: dict[str, Any],
    *,
    event_types: tuple[str, ...] | None = None,
    one_kind: str | None = None,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``given`` validated as SES does, as stored: a copy with ``Enabled`` filled in.

    ``given`` is shaped as v1 names its members (API v2 translates first);
    ``event_types`` are the stored type names allowed (v1's enum unless
    given), ``one_kind`` the message for zero or several kinds (v1's unless
    given), ``labels`` how messages spell stored ARN members (v1's unless
    given). Zero or several destination kinds is an InvalidParameterValue;
    once the kind is known, every other problem is reported as that kind's
    error, naming the set and the destination.
    """
    kinds = [kind for kind in _KINDS if kind in given]
    if len(kinds) != 1:
        raise invalid_parameter(
            one_kind
            or "An event destination needs one, and only one, of "
            f"{', '.join(V1_KINDS)}; got {len(kinds)}"
            + (f" ({', '.join(kinds)})." if kinds else ".")
        )
    kind = kinds[0]
    code, arn_members = _KINDS[kind]
    name = given["Name"]

    def fail(message: str) -> SESError:
        return SESError(
            code, message, fields={"ConfigurationSetName": set_name, "EventDestinationName": name}
        )

    problem = DESTINATION_NAME.problem(name)
    if problem:
        raise fail(problem)
    types = given["MatchingEventTypes"]
    if not types:
        raise fail("MatchingEventTypes must name at least one event type.")
    valid = event_types or model_enum("EventType")
    for event_type in types:
        if event_type not in valid:
            raise fail(
                f"The event destination contains an invalid event type: {event_type!r}; "
                f"valid types are {', '.join(valid)}."
            )
    settings = given[kind]
    for member in arn_members:
        what, pattern = _ARNS[member]
        if member not in settings:
            continue  # optional (a Pinpoint destination's application)
        if not re.fullmatch(pattern, settings[member], re.ASCII):
            label = (labels or {}).get(member, member)
            raise fail(f"{label} <{settings[member]}> is not the ARN of {what}.")
    if kind == "CloudWatchDestination":
        problem = _dimensions_problem(settings["DimensionConfigurations"])
        if problem:
            raise fail(problem)
    return {
        "Name": name,
        "Enabled": bool(given.get("Enabled", False)),
        "MatchingEventTypes": list(types),
        kind: copy.deepcopy(settings),
    }


def _dimensions_problem(dimensions: list[dict[str, str]]) -> str | None:
    if not dimensions:
        return "DimensionConfigurations must hold at least one dimension."
    if len(dimensions) > MAX_DIMENSIONS:
        return (
            f"DimensionConfigurations holds {len(dimensions)} dimensions; "
            f"the maximum is {MAX_DIMENSIONS}."
        )
    sources = model_enum("DimensionValueSource")
    for dimension in dimensions:
        dimension_name = dimension["DimensionName"]
        problem = DIMENSION_NAME.problem(dimension_name) or DIMENSION_VALUE.problem(
            dimension["DefaultDimensionValue"]
        )
        if problem:
            return problem
        source = dimension["DimensionValueSource"]
        if source not in sources:
            return (
                f"Invalid DimensionValueSource {source!r} for dimension <{dimension_name}>: "
                f"expected one of {', '.join(sources)}."
            )
        if source == "emailHeader" and dimension_name.lower() in RESERVED_HEADERS:
            return f"The header <{dimension_name}> cannot be used as an emailHeader dimension."
    return None
