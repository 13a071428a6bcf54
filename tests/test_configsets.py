"""The seven configuration-set operations through a real boto3 client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from botocore.model import StringShape

from pytest_ses._fake.account import ConfigurationSet
from tests.conftest import modeled, raises_ses_error

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SESMock

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:events"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ses-firehose"
STREAM = f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/ses-events"
ALL_ATTRIBUTES: Any = [
    "eventDestinations",
    "trackingOptions",
    "deliveryOptions",
    "reputationOptions",
]


def dimension(name: str = "campaign", source: str = "messageTag", default: str = "none") -> Any:
    return {"DimensionName": name, "DimensionValueSource": source, "DefaultDimensionValue": default}


KINDS: dict[str, Any] = {
    "SNSDestination": {"TopicARN": TOPIC},
    "KinesisFirehoseDestination": {"IAMRoleARN": ROLE, "DeliveryStreamARN": STREAM},
    "CloudWatchDestination": {"DimensionConfigurations": [dimension()]},
}
NAME_CHARS = "only ASCII letters, digits, '_' and '-' are allowed."
ERRORS = {
    "SNSDestination": "InvalidSNSDestination",
    "KinesisFirehoseDestination": "InvalidFirehoseDestination",
    "CloudWatchDestination": "InvalidCloudWatchDestination",
}


def destination(name: str = "dest", types: Any = ("send",), **kinds: Any) -> Any:
    """An EventDestination as boto3 takes it; an SNS one unless destination kinds are given."""
    return {
        "Name": name,
        "MatchingEventTypes": list(types),
        **(kinds or {"SNSDestination": KINDS["SNSDestination"]}),
    }


def described(client: SESClient, name: str = "cs") -> dict[str, Any]:
    result: dict[str, Any] = dict(
        client.describe_configuration_set(
            ConfigurationSetName=name, ConfigurationSetAttributeNames=ALL_ATTRIBUTES
        )
    )
    result.pop("ResponseMetadata")
    return result


def destinations(client: SESClient, name: str = "cs") -> list[Any]:
    return list(described(client, name)["EventDestinations"])


def listed(client: SESClient) -> list[str]:
    return [s["Name"] for s in client.list_configuration_sets()["ConfigurationSets"]]


def expect(client: SESClient, code: str, call: Any, message: str, **fields: str) -> ClientError:
    """``call`` fails with the modeled exception for ``code``, its message and error fields."""
    with pytest.raises(modeled(client, f"{code}Exception")) as info:
        call()
    error = info.value.response["Error"]
    assert (error["Code"], error["Message"]) == (code, message)
    assert {k: info.value.response.get(k) for k in fields} == fields
    return info.value


@pytest.fixture
def cs(client: SESClient) -> str:
    client.create_configuration_set(ConfigurationSet={"Name": "cs"})
    return "cs"


# -- configuration sets ---------------------------------------------------------------------------


def test_create_describe_list_delete(client: SESClient) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    assert listed(client) == ["marketing"]
    only_name = client.describe_configuration_set(ConfigurationSetName="marketing")
    assert set(only_name) == {"ConfigurationSet", "ResponseMetadata"}
    assert only_name["ConfigurationSet"] == {"Name": "marketing"}
    client.delete_configuration_set(ConfigurationSetName="marketing")
    assert listed(client) == []


@pytest.mark.parametrize("name", ["a", "Z", "Az09_-", "x" * 64])
def test_valid_set_names(client: SESClient, name: str) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": name})
    assert listed(client) == [name]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Configuration set name must not be empty."),
        (
            "x" * 65,
            f"Configuration set name <{'x' * 65}> is 65 characters long; the maximum is 64.",
        ),
        (
            "two words",
            f"Configuration set name <two words> contains ' '; {NAME_CHARS}",
        ),
        (
            "a.b:c",
            f"Configuration set name <a.b:c> contains '.', ':'; {NAME_CHARS}",
        ),
        (
            "café",
            f"Configuration set name <café> contains 'é'; {NAME_CHARS}",
        ),
    ],
)
def test_invalid_set_names(client: SESClient, name: str, message: str) -> None:
    expect(
        client,
        "InvalidConfigurationSet",
        lambda: client.create_configuration_set(ConfigurationSet={"Name": name}),
        message,
    )
    assert listed(client) == []


def test_duplicate_set(client: SESClient, cs: str) -> None:
    expect(
        client,
        "ConfigurationSetAlreadyExists",
        lambda: client.create_configuration_set(ConfigurationSet={"Name": cs}),
        "Configuration set <cs> already exists.",
        ConfigurationSetName="cs",
    )


MISSING_SET_CALLS = {
    "delete": lambda c: c.delete_configuration_set(ConfigurationSetName="nope"),
    "describe": lambda c: c.describe_configuration_set(ConfigurationSetName="nope"),
    "create_destination": lambda c: c.create_configuration_set_event_destination(
        ConfigurationSetName="nope", EventDestination=destination()
    ),
    "update_destination": lambda c: c.update_configuration_set_event_destination(
        ConfigurationSetName="nope", EventDestination=destination()
    ),
    "delete_destination": lambda c: c.delete_configuration_set_event_destination(
        ConfigurationSetName="nope", EventDestinationName="dest"
    ),
}


@pytest.mark.parametrize("call", MISSING_SET_CALLS.values(), ids=list(MISSING_SET_CALLS))
def test_missing_set(client: SESClient, cs: str, call: Any) -> None:
    expect(
        client,
        "ConfigurationSetDoesNotExist",
        lambda: call(client),
        "Configuration set <nope> does not exist.",
        ConfigurationSetName="nope",
    )


def test_deleting_a_set_deletes_its_destinations(client: SESClient, cs: str) -> None:
    client.create_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestination=destination()
    )
    client.delete_configuration_set(ConfigurationSetName=cs)
    expect(
        client,
        "ConfigurationSetDoesNotExist",
        lambda: client.delete_configuration_set(ConfigurationSetName=cs),
        "Configuration set <cs> does not exist.",
        ConfigurationSetName="cs",
    )
    client.create_configuration_set(ConfigurationSet={"Name": cs})
    assert destinations(client) == []


def test_sets_are_per_region(make_client: Any) -> None:
    east, west = make_client("us-east-1"), make_client("eu-west-1")
    east.create_configuration_set(ConfigurationSet={"Name": "cs"})
    assert listed(west) == []
    west.create_configuration_set(ConfigurationSet={"Name": "cs"})  # no clash


def test_set_limit_is_10000_per_region(client: SESClient, ses: SESMock, make_client: Any) -> None:
    # 9,999 sets go straight into the state: making them through boto3 takes seconds.
    sets = ses._account.region(ses.region).configuration_sets
    sets.update({f"s{i}": ConfigurationSet(f"s{i}") for i in range(9_999)})
    client.create_configuration_set(ConfigurationSet={"Name": "last"})
    expect(
        client,
        "LimitExceeded",
        lambda: client.create_configuration_set(ConfigurationSet={"Name": "one-too-many"}),
        "Maximum number of configuration sets (10000) reached.",
    )
    make_client("eu-west-1").create_configuration_set(ConfigurationSet={"Name": "elsewhere"})
    client.delete_configuration_set(ConfigurationSetName="s0")
    client.create_configuration_set(ConfigurationSet={"Name": "one-too-many"})


# -- DescribeConfigurationSet ---------------------------------------------------------------------


def test_describe_reports_defaults_of_a_new_set(client: SESClient, cs: str) -> None:
    assert described(client) == {
        "ConfigurationSet": {"Name": "cs"},
        "EventDestinations": [],
        "TrackingOptions": {},
        "DeliveryOptions": {"TlsPolicy": "Optional"},
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": False},
    }


@pytest.mark.parametrize(
    ("attribute", "key"),
    [
        ("eventDestinations", "EventDestinations"),
        ("trackingOptions", "TrackingOptions"),
        ("deliveryOptions", "DeliveryOptions"),
        ("reputationOptions", "ReputationOptions"),
    ],
)
def test_describe_returns_only_what_was_asked(
    client: SESClient, cs: str, attribute: Any, key: str
) -> None:
    result = client.describe_configuration_set(
        ConfigurationSetName=cs, ConfigurationSetAttributeNames=[attribute]
    )
    assert set(result) == {"ConfigurationSet", key, "ResponseMetadata"}


def test_describe_rejects_unknown_attributes(client: SESClient, cs: str) -> None:
    error = raises_ses_error(
        lambda: client.describe_configuration_set(
            ConfigurationSetName=cs,
            ConfigurationSetAttributeNames=["eventDestinations", "sendingOptions"],  # type: ignore[list-item]
        ),
        "InvalidParameterValue",
        "Invalid ConfigurationSetAttributeNames sendingOptions: expected any of "
        "eventDestinations, trackingOptions, deliveryOptions, reputationOptions.",
    )
    assert type(error) is ClientError


# -- ListConfigurationSets ------------------------------------------------------------------------


def test_list_is_sorted_and_pages_through_everything_once(client: SESClient) -> None:
    names = [f"set-{i:02d}" for i in range(23)]
    for name in reversed(names):
        client.create_configuration_set(ConfigurationSet={"Name": name})
    assert listed(client) == names
    pages = list(
        client.get_paginator("list_configuration_sets").paginate(PaginationConfig={"PageSize": 5})
    )
    assert [len(p["ConfigurationSets"]) for p in pages] == [5, 5, 5, 5, 3]
    assert [s["Name"] for p in pages for s in p["ConfigurationSets"]] == names
    first = client.list_configuration_sets(MaxItems=20)
    assert len(first["ConfigurationSets"]) == 20
    rest = client.list_configuration_sets(MaxItems=20, NextToken=first["NextToken"])
    assert [s["Name"] for s in rest["ConfigurationSets"]] == names[20:]
    assert "NextToken" not in rest


def test_paging_survives_changes_between_pages(client: SESClient) -> None:
    for name in ("a", "b", "c", "d"):
        client.create_configuration_set(ConfigurationSet={"Name": name})
    first = client.list_configuration_sets(MaxItems=2)
    client.delete_configuration_set(ConfigurationSetName="b")
    client.create_configuration_set(ConfigurationSet={"Name": "a0"})  # sorts before the token
    rest = client.list_configuration_sets(MaxItems=2, NextToken=first["NextToken"])
    assert [s["Name"] for s in rest["ConfigurationSets"]] == ["c", "d"]


def test_list_returns_1000_by_default(client: SESClient) -> None:
    for i in range(1001):
        client.create_configuration_set(ConfigurationSet={"Name": f"s{i:04d}"})
    first = client.list_configuration_sets()
    assert len(first["ConfigurationSets"]) == 1000
    rest = client.list_configuration_sets(NextToken=first["NextToken"])
    assert rest["ConfigurationSets"] == [{"Name": "s1000"}]
    assert "NextToken" not in rest


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"MaxItems": 0}, "MaxItems must be between 1 and 1000, got 0."),
        ({"MaxItems": 1001}, "MaxItems must be between 1 and 1000, got 1001."),
        ({"NextToken": "garbage"}, "Invalid NextToken: 'garbage'."),
    ],
)
def test_list_rejects_bad_paging(client: SESClient, cs: str, kwargs: Any, message: str) -> None:
    error = raises_ses_error(
        lambda: client.list_configuration_sets(**kwargs), "InvalidParameterValue", message
    )
    assert type(error) is ClientError


# -- event destinations: lifecycle ----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_destination_kind_is_stored_as_given(client: SESClient, cs: str, kind: str) -> None:
    given = destination(types=["send", "bounce"], **{kind: KINDS[kind]})
    client.create_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestination=given
    )
    assert destinations(client) == [given | {"Enabled": False}]


def test_enabled_is_kept_when_given(client: SESClient, cs: str) -> None:
    client.create_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestination=destination() | {"Enabled": True}
    )
    assert destinations(client)[0]["Enabled"] is True


def test_destinations_keep_creation_order(client: SESClient, cs: str) -> None:
    for name in ("zeta", "alpha", "mid"):
        client.create_configuration_set_event_destination(
            ConfigurationSetName=cs, EventDestination=destination(name)
        )
    assert [d["Name"] for d in destinations(client)] == ["zeta", "alpha", "mid"]


def test_destination_names_are_unique_within_a_set_only(client: SESClient, cs: str) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "other"})
    for name in (cs, "other"):
        client.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestination=destination()
        )
    expect(
        client,
        "EventDestinationAlreadyExists",
        lambda: client.create_configuration_set_event_destination(
            ConfigurationSetName=cs, EventDestination=destination(types=["open"])
        ),
        "Event destination <dest> already exists in configuration set <cs>.",
        ConfigurationSetName="cs",
        EventDestinationName="dest",
    )
    assert destinations(client)[0]["MatchingEventTypes"] == ["send"]


def test_update_replaces_the_destination_whole_in_place(client: SESClient, cs: str) -> None:
    for name in ("first", "second", "third"):
        client.create_configuration_set_event_destination(
            ConfigurationSetName=cs,
            EventDestination=destination(name, ["send", "bounce"]) | {"Enabled": True},
        )
    new = destination("second", ["open"], CloudWatchDestination=KINDS["CloudWatchDestination"])
    client.update_configuration_set_event_destination(ConfigurationSetName=cs, EventDestination=new)
    stored = destinations(client)
    assert [d["Name"] for d in stored] == ["first", "second", "third"]
    assert stored[1] == new | {"Enabled": False}  # no SNSDestination left, Enabled back to default


@pytest.mark.parametrize("operation", ["update", "delete"])
def test_missing_destination(client: SESClient, cs: str, operation: str) -> None:
    client.create_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestination=destination("kept")
    )
    if operation == "update":

        def call() -> object:
            return client.update_configuration_set_event_destination(
                ConfigurationSetName=cs, EventDestination=destination("ghost")
            )
    else:

        def call() -> object:
            return client.delete_configuration_set_event_destination(
                ConfigurationSetName=cs, EventDestinationName="ghost"
            )

    expect(
        client,
        "EventDestinationDoesNotExist",
        call,
        "No EventDestination found for cs",
        ConfigurationSetName="cs",
        EventDestinationName="ghost",
    )
    assert [d["Name"] for d in destinations(client)] == ["kept"]


def test_delete_destination(client: SESClient, cs: str) -> None:
    for name in ("a", "b"):
        client.create_configuration_set_event_destination(
            ConfigurationSetName=cs, EventDestination=destination(name)
        )
    client.delete_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestinationName="a"
    )
    assert [d["Name"] for d in destinations(client)] == ["b"]
    client.create_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestination=destination("a")
    )
    assert [d["Name"] for d in destinations(client)] == ["b", "a"]


def test_destination_limit_is_10_per_set(client: SESClient, cs: str) -> None:
    for i in range(10):
        client.create_configuration_set_event_destination(
            ConfigurationSetName=cs, EventDestination=destination(f"d{i}")
        )
    expect(
        client,
        "LimitExceeded",
        lambda: client.create_configuration_set_event_destination(
            ConfigurationSetName=cs, EventDestination=destination("d10")
        ),
        "Maximum number of event destinations (10) reached for configuration set <cs>.",
    )
    client.create_configuration_set(ConfigurationSet={"Name": "other"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="other", EventDestination=destination("d10")
    )
    client.delete_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestinationName="d0"
    )
    client.create_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestination=destination("d10")
    )


# -- event destinations: validation ---------------------------------------------------------------


def upsert(client: SESClient, operation: str, given: Any) -> None:
    """Create or update event destination ``given`` in set "cs"."""
    if operation == "create":
        client.create_configuration_set_event_destination(
            ConfigurationSetName="cs", EventDestination=given
        )
    else:
        client.update_configuration_set_event_destination(
            ConfigurationSetName="cs", EventDestination=given
        )


@pytest.fixture(params=["create", "update"])
def operation(request: pytest.FixtureRequest, client: SESClient, cs: str) -> str:
    """Run a validation test against Create, and against Update of a stored "dest"."""
    if request.param == "update":
        client.create_configuration_set_event_destination(
            ConfigurationSetName=cs, EventDestination=destination()
        )
    return str(request.param)


def rejects(client: SESClient, operation: str, given: Any, code: str, message: str) -> None:
    """``given`` is refused with ``code`` and ``message`` and leaves the set as it was."""
    before = destinations(client)
    if code == "InvalidParameterValue":
        error = raises_ses_error(lambda: upsert(client, operation, given), code, message)
        assert type(error) is ClientError
    else:
        expect(
            client,
            code,
            lambda: upsert(client, operation, given),
            message,
            ConfigurationSetName="cs",
            EventDestinationName=given["Name"],
        )
    assert destinations(client) == before


ONE_ONLY = (
    "An event destination needs one, and only one, of KinesisFirehoseDestination, "
    "CloudWatchDestination, SNSDestination; got "
)


@pytest.mark.parametrize(
    ("kinds", "message"),
    [
        ([], ONE_ONLY + "0."),
        (
            ["SNSDestination", "CloudWatchDestination"],
            ONE_ONLY + "2 (CloudWatchDestination, SNSDestination).",
        ),
        (
            list(KINDS),
            ONE_ONLY + "3 (KinesisFirehoseDestination, CloudWatchDestination, SNSDestination).",
        ),
    ],
)
def test_exactly_one_destination_kind(
    client: SESClient, operation: str, kinds: list[str], message: str
) -> None:
    given = {"Name": "dest", "MatchingEventTypes": ["send"], **{k: KINDS[k] for k in kinds}}
    rejects(client, operation, given, "InvalidParameterValue", message)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Event destination name must not be empty."),
        (
            "d" * 65,
            f"Event destination name <{'d' * 65}> is 65 characters long; the maximum is 64.",
        ),
        (
            "my dest!",
            f"Event destination name <my dest!> contains ' ', '!'; {NAME_CHARS}",
        ),
    ],
)
def test_invalid_destination_names(
    client: SESClient, cs: str, kind: str, name: str, message: str
) -> None:
    rejects(client, "create", destination(name, **{kind: KINDS[kind]}), ERRORS[kind], message)


def test_longest_destination_name(client: SESClient, cs: str) -> None:
    client.create_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestination=destination("d" * 64)
    )
    assert destinations(client)[0]["Name"] == "d" * 64


def test_every_event_type_of_the_model_is_accepted(client: SESClient, cs: str) -> None:
    shape = client.meta.service_model.shape_for("EventType")
    assert isinstance(shape, StringShape)
    every = shape.enum
    assert {"open", "click", "renderingFailure"} <= set(every)
    client.create_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestination=destination(types=every)
    )
    assert destinations(client)[0]["MatchingEventTypes"] == every


@pytest.mark.parametrize(
    ("types", "message"),
    [
        ([], "MatchingEventTypes must name at least one event type."),
        *(
            (
                ["send", bad],
                f"The event destination contains an invalid event type: {bad!r}; valid types are "
                "send, reject, bounce, complaint, delivery, open, click, renderingFailure.",
            )
            for bad in ("deliveryDelay", "subscription", "Send", "")
        ),
    ],
)
def test_invalid_event_types(
    client: SESClient, operation: str, types: list[str], message: str
) -> None:
    rejects(client, operation, destination(types=types), "InvalidSNSDestination", message)


ARN_MEMBERS = {  # member -> (destination kind, what its ARN must name)
    "TopicARN": ("SNSDestination", "an SNS topic"),
    "IAMRoleARN": ("KinesisFirehoseDestination", "an IAM role"),
    "DeliveryStreamARN": ("KinesisFirehoseDestination", "a Kinesis Firehose delivery stream"),
}


@pytest.mark.parametrize(
    ("member", "arn"),
    [
        ("TopicARN", "events"),
        ("TopicARN", f"arn:aws:sqs:us-east-1:{ACCOUNT}:events"),
        ("TopicARN", "arn:aws:sns:us-east-1:1234:events"),
        ("TopicARN", STREAM),
        ("IAMRoleARN", TOPIC),
        ("IAMRoleARN", f"arn:aws:iam::{ACCOUNT}:user/bob"),
        ("IAMRoleARN", f"arn:aws:iam:us-east-1:{ACCOUNT}:role/r"),
        ("DeliveryStreamARN", ROLE),
        ("DeliveryStreamARN", f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/s"),
        ("DeliveryStreamARN", ""),
    ],
)
def test_arns_must_name_the_right_service(
    client: SESClient, operation: str, member: str, arn: str
) -> None:
    kind, what = ARN_MEMBERS[member]
    given = destination(**{kind: KINDS[kind] | {member: arn}})
    rejects(client, operation, given, ERRORS[kind], f"{member} <{arn}> is not the ARN of {what}.")


@pytest.mark.parametrize(
    "given",
    [
        {"SNSDestination": {"TopicARN": "arn:aws-cn:sns:cn-north-1:123456789012:t.fifo"}},
        {
            "KinesisFirehoseDestination": {
                "IAMRoleARN": f"arn:aws-us-gov:iam::{ACCOUNT}:role/a/b/c",
                "DeliveryStreamARN": STREAM.replace("us-east-1", "ap-southeast-2"),
            }
        },
    ],
)
def test_arns_of_other_partitions_and_regions_are_accepted(
    client: SESClient, cs: str, given: Any
) -> None:
    client.create_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestination=destination(**given)
    )


def cloudwatch(*dimensions: Any) -> Any:
    return destination(CloudWatchDestination={"DimensionConfigurations": list(dimensions)})


ONLY = "only ASCII letters, digits, "


@pytest.mark.parametrize(
    ("dimensions", "message"),
    [
        ([], "DimensionConfigurations must hold at least one dimension."),
        (
            [dimension(f"d{i}") for i in range(11)],
            "DimensionConfigurations holds 11 dimensions; the maximum is 10.",
        ),
        ([dimension("")], "Dimension name must not be empty."),
        (
            [dimension("n" * 257)],
            f"Dimension name <{'n' * 257}> is 257 characters long; the maximum is 256.",
        ),
        (
            [dimension("a.b")],
            f"Dimension name <a.b> contains '.'; {ONLY}'_', '-' and ':' are allowed.",
        ),
        ([dimension(default="")], "Default dimension value must not be empty."),
        (
            [dimension(default="v" * 257)],
            f"Default dimension value <{'v' * 257}> is 257 characters long; the maximum is 256.",
        ),
        (
            [dimension(default="a b:c")],
            "Default dimension value <a b:c> contains ' ', ':'; "
            f"{ONLY}'_', '-', '@' and '.' are allowed.",
        ),
        (
            [dimension(), dimension("x", source="header")],
            "Invalid DimensionValueSource 'header' for dimension <x>: "
            "expected one of messageTag, emailHeader, linkTag.",
        ),
    ],
)
def test_invalid_cloudwatch_dimensions(
    client: SESClient, operation: str, dimensions: Any, message: str
) -> None:
    rejects(client, operation, cloudwatch(*dimensions), "InvalidCloudWatchDestination", message)


@pytest.mark.parametrize(
    "header", ["Received", "to", "FROM", "dkim-signature", "Cc", "Message-ID", "return-PATH"]
)
def test_reserved_headers_cannot_be_email_header_dimensions(
    client: SESClient, operation: str, header: str
) -> None:
    message = f"The header <{header}> cannot be used as an emailHeader dimension."
    rejects(
        client,
        operation,
        cloudwatch(dimension(header, "emailHeader")),
        "InvalidCloudWatchDestination",
        message,
    )
    upsert(client, operation, cloudwatch(dimension(header, "messageTag")))  # fine as a tag name


def test_widest_valid_dimensions(client: SESClient, cs: str) -> None:
    dims = [
        dimension("ses:configuration-set", "messageTag", "a@b.c_-"),
        dimension("X-Campaign", "emailHeader", "v" * 256),
        dimension("n" * 256, "linkTag", "0"),
        *(dimension(f"d{i}") for i in range(7)),
    ]
    client.create_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestination=cloudwatch(*dims)
    )
    assert destinations(client)[0]["CloudWatchDestination"]["DimensionConfigurations"] == dims
