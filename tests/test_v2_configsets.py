"""Configuration sets and event destinations through SES API v2, over the sets v1 uses."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import modeled, needs_model, raises_ses_error

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sesv2 import SESV2Client

    from pytest_ses import SESMock

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:events"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ses-firehose"
STREAM = f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/ses-events"
BUS = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"
APP = f"arn:aws:mobiletargeting:us-east-1:{ACCOUNT}:apps/0123456789abcdef"
ONE_KIND = (
    "Please provide only one destination with each request. Either a Firehose Destination or "
    "a Cloudwatch Destination or an SNS Destination or an EventBridge Destination."
)


def status(error: ClientError) -> int:
    code: int = error.response["ResponseMetadata"]["HTTPStatusCode"]
    return code


def send_v1(client: SESClient, config_set: str) -> str:
    return client.send_email(
        Source="shop@example.com",
        Destination={"ToAddresses": ["ann@example.com"]},
        Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}},
        ConfigurationSetName=config_set,
    )["MessageId"]


# -- the sets -----------------------------------------------------------------------------------


def test_a_set_created_with_v2_is_described_and_used_by_v1(
    v2: SESV2Client, client: SESClient, ses: SESMock
) -> None:
    v2.create_configuration_set(ConfigurationSetName="v2-made")

    described = client.describe_configuration_set(ConfigurationSetName="v2-made")
    assert described["ConfigurationSet"] == {"Name": "v2-made"}
    send_v1(client, "v2-made")
    assert ses.outbox[-1].configuration_set == "v2-made"


def test_a_set_created_with_v1_is_got_listed_and_deleted_by_v2(
    v2: SESV2Client, client: SESClient
) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "v1-made"})

    got: dict[str, Any] = dict(v2.get_configuration_set(ConfigurationSetName="v1-made"))
    assert got["ConfigurationSetName"] == "v1-made"
    assert got["DeliveryOptions"] == {"TlsPolicy": "OPTIONAL"}
    assert got["ReputationOptions"] == {"ReputationMetricsEnabled": False}
    assert got["SendingOptions"] == {"SendingEnabled": True}
    assert got["Tags"] == []
    assert "SuppressionOptions" not in got  # the account's reasons apply
    assert "TrackingOptions" not in got
    assert v2.list_configuration_sets()["ConfigurationSets"] == ["v1-made"]

    v2.delete_configuration_set(ConfigurationSetName="v1-made")
    assert client.list_configuration_sets()["ConfigurationSets"] == []


def test_create_with_every_option_is_read_back_by_v2_and_v1(
    v2: SESV2Client, client: SESClient, ses: SESMock
) -> None:
    v2.create_configuration_set(
        ConfigurationSetName="full",
        TrackingOptions={"CustomRedirectDomain": "track.example.com", "HttpsPolicy": "REQUIRE"},
        DeliveryOptions={"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600},
        ReputationOptions={"ReputationMetricsEnabled": True},
        SendingOptions={"SendingEnabled": True},
        SuppressionOptions={"SuppressedReasons": ["COMPLAINT"]},
        VdmOptions={"DashboardOptions": {"EngagementMetrics": "ENABLED"}},
        Tags=[{"Key": "team", "Value": "billing"}, {"Key": "env", "Value": ""}],
    )

    got = v2.get_configuration_set(ConfigurationSetName="full")
    assert got["TrackingOptions"] == {
        "CustomRedirectDomain": "track.example.com",
        "HttpsPolicy": "REQUIRE",
    }
    assert got["DeliveryOptions"] == {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600}
    assert got["ReputationOptions"] == {"ReputationMetricsEnabled": True}
    assert got["SuppressionOptions"] == {"SuppressedReasons": ["COMPLAINT"]}
    assert got["VdmOptions"] == {"DashboardOptions": {"EngagementMetrics": "ENABLED"}}
    assert got["Tags"] == [{"Key": "team", "Value": "billing"}, {"Key": "env", "Value": ""}]
    described = client.describe_configuration_set(
        ConfigurationSetName="full",
        ConfigurationSetAttributeNames=["trackingOptions", "deliveryOptions", "reputationOptions"],
    )
    assert described["TrackingOptions"] == {"CustomRedirectDomain": "track.example.com"}
    assert described["DeliveryOptions"] == {"TlsPolicy": "Require"}
    assert described["ReputationOptions"]["ReputationMetricsEnabled"] is True
    stored = ses._account.regions[ses.region].configuration_sets["full"]
    assert stored.suppressed_reasons == ("COMPLAINT",)


def test_create_twice_is_already_exists(v2: SESV2Client, client: SESClient) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "taken"})
    with pytest.raises(modeled(v2, "AlreadyExistsException")) as info:
        v2.create_configuration_set(ConfigurationSetName="taken")
    assert info.value.response["Error"]["Message"] == "Configuration set <taken> already exists."
    assert status(info.value) == 400


@pytest.mark.parametrize(
    "call",
    [
        lambda v2: v2.get_configuration_set(ConfigurationSetName="ghost"),
        lambda v2: v2.delete_configuration_set(ConfigurationSetName="ghost"),
        lambda v2: v2.put_configuration_set_sending_options(
            ConfigurationSetName="ghost", SendingEnabled=False
        ),
        lambda v2: v2.put_configuration_set_suppression_options(
            ConfigurationSetName="ghost", SuppressedReasons=[]
        ),
        lambda v2: v2.put_configuration_set_tracking_options(ConfigurationSetName="ghost"),
        lambda v2: v2.put_configuration_set_delivery_options(ConfigurationSetName="ghost"),
        lambda v2: v2.put_configuration_set_reputation_options(ConfigurationSetName="ghost"),
        lambda v2: v2.get_configuration_set_event_destinations(ConfigurationSetName="ghost"),
    ],
)
def test_a_missing_set_is_not_found(v2: SESV2Client, call: Any) -> None:
    with pytest.raises(modeled(v2, "NotFoundException")) as info:
        call(v2)
    assert info.value.response["Error"]["Message"] == "Configuration set <ghost> does not exist."
    assert status(info.value) == 404


@pytest.mark.parametrize("name", ["has space", "x" * 65, "dots.not.allowed"])
def test_a_bad_name_is_a_bad_request_and_makes_nothing(v2: SESV2Client, name: str) -> None:
    error = raises_ses_error(
        lambda: v2.create_configuration_set(ConfigurationSetName=name), "BadRequestException"
    )
    assert isinstance(error, modeled(v2, "BadRequestException"))
    assert status(error) == 400
    assert v2.list_configuration_sets()["ConfigurationSets"] == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"DeliveryOptions": {"TlsPolicy": "Require"}},
            "1 validation error detected: Value 'Require' at 'deliveryOptions.tlsPolicy' failed "
            "to satisfy constraint: Member must satisfy enum value set: [REQUIRE, OPTIONAL]",
        ),
        (
            {"SuppressionOptions": {"SuppressedReasons": ["BOUNCE", "SPAM"]}},
            "1 validation error detected: Value 'SPAM' at "
            "'suppressionOptions.suppressedReasons.2.member' failed to satisfy constraint: "
            "Member must satisfy enum value set: [BOUNCE, COMPLAINT]",
        ),
        (
            {"TrackingOptions": {"CustomRedirectDomain": "not a domain"}},
            "Invalid domain name <not a domain>.",
        ),
        ({"Tags": [{"Key": "", "Value": "x"}]}, None),
    ],
)
def test_a_bad_option_is_a_bad_request_and_makes_no_set(
    v2: SESV2Client, options: Any, message: str | None
) -> None:
    error = raises_ses_error(
        lambda: v2.create_configuration_set(ConfigurationSetName="opts", **options),
        "BadRequestException",
        message,
    )
    assert status(error) == 400
    assert v2.list_configuration_sets()["ConfigurationSets"] == []


def test_max_delivery_seconds_out_of_range_is_a_bad_request(make_v2: Any) -> None:
    needs_model("sesv2", "PutConfigurationSetDeliveryOptions", "MaxDeliverySeconds")
    from botocore.config import Config

    # botocore checks the model's range itself; a client that does not is answered by SES.
    unchecked = make_v2(config=Config(parameter_validation=False))
    raises_ses_error(
        lambda: unchecked.create_configuration_set(
            ConfigurationSetName="slow", DeliveryOptions={"MaxDeliverySeconds": 60}
        ),
        "BadRequestException",
        "1 validation error detected: Value '60' at 'deliveryOptions.maxDeliverySeconds' "
        "failed to satisfy constraint: Member must have value between 300 and 50400",
    )
    assert unchecked.list_configuration_sets()["ConfigurationSets"] == []


def test_the_set_quota_is_limit_exceeded(v2: SESV2Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_ses._fake import configsets

    monkeypatch.setattr(configsets, "MAX_CONFIGURATION_SETS", 2)
    v2.create_configuration_set(ConfigurationSetName="one")
    v2.create_configuration_set(ConfigurationSetName="two")
    with pytest.raises(modeled(v2, "LimitExceededException")) as info:
        v2.create_configuration_set(ConfigurationSetName="three")
    assert info.value.response["Error"]["Message"] == (
        "Maximum number of configuration sets (2) reached."
    )


def test_list_pages_with_page_size_and_next_token(v2: SESV2Client) -> None:
    for name in ("c", "a", "b"):
        v2.create_configuration_set(ConfigurationSetName=name)
    first = v2.list_configuration_sets(PageSize=2)
    assert first["ConfigurationSets"] == ["a", "b"]
    second = v2.list_configuration_sets(PageSize=2, NextToken=first["NextToken"])
    assert second["ConfigurationSets"] == ["c"]
    assert "NextToken" not in second
    raises_ses_error(
        lambda: v2.list_configuration_sets(PageSize=0),
        "BadRequestException",
        "PageSize must be between 1 and 1000, got 0.",
    )
    raises_ses_error(
        lambda: v2.list_configuration_sets(NextToken="bogus"),
        "BadRequestException",
        "Invalid NextToken: 'bogus'.",
    )


# -- options shared with v1 ---------------------------------------------------------------------


def test_sending_options_pause_the_set_for_v1_and_v2(v2: SESV2Client, client: SESClient) -> None:
    v2.create_configuration_set(ConfigurationSetName="paused")
    v2.put_configuration_set_sending_options(ConfigurationSetName="paused", SendingEnabled=False)

    raises_ses_error(
        lambda: send_v1(client, "paused"),
        "ConfigurationSetSendingPausedException",
        "Sending is paused for configuration set paused",
    )
    described = client.describe_configuration_set(
        ConfigurationSetName="paused", ConfigurationSetAttributeNames=["reputationOptions"]
    )
    assert described["ReputationOptions"]["SendingEnabled"] is False

    client.update_configuration_set_sending_enabled(ConfigurationSetName="paused", Enabled=True)
    got = v2.get_configuration_set(ConfigurationSetName="paused")
    assert got["SendingOptions"] == {"SendingEnabled": True}
    send_v1(client, "paused")


def test_suppression_options_override_and_revert_to_the_account(
    v2: SESV2Client, ses: SESMock
) -> None:
    v2.create_configuration_set(ConfigurationSetName="s")
    stored = ses._account.regions[ses.region].configuration_sets["s"]

    def reasons() -> tuple[str, ...] | None:
        return stored.suppressed_reasons

    v2.put_configuration_set_suppression_options(
        ConfigurationSetName="s", SuppressedReasons=["BOUNCE", "COMPLAINT", "BOUNCE"]
    )
    assert reasons() == ("BOUNCE", "COMPLAINT")
    v2.put_configuration_set_suppression_options(ConfigurationSetName="s", SuppressedReasons=[])
    assert reasons() == ()  # suppress nothing for this set
    assert v2.get_configuration_set(ConfigurationSetName="s")["SuppressionOptions"] == {
        "SuppressedReasons": []
    }
    v2.put_configuration_set_suppression_options(ConfigurationSetName="s")
    assert reasons() is None
    assert "SuppressionOptions" not in v2.get_configuration_set(ConfigurationSetName="s")


def test_tracking_delivery_and_reputation_options_are_v1s(
    v2: SESV2Client, client: SESClient
) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "opts"})
    v2.put_configuration_set_tracking_options(
        ConfigurationSetName="opts", CustomRedirectDomain="click.example.com"
    )
    v2.put_configuration_set_delivery_options(
        ConfigurationSetName="opts", TlsPolicy="REQUIRE", SendingPoolName="pool-1"
    )
    v2.put_configuration_set_reputation_options(
        ConfigurationSetName="opts", ReputationMetricsEnabled=True
    )

    described = client.describe_configuration_set(
        ConfigurationSetName="opts",
        ConfigurationSetAttributeNames=["trackingOptions", "deliveryOptions", "reputationOptions"],
    )
    assert described["TrackingOptions"] == {"CustomRedirectDomain": "click.example.com"}
    assert described["DeliveryOptions"] == {"TlsPolicy": "Require"}
    assert described["ReputationOptions"]["ReputationMetricsEnabled"] is True
    got = v2.get_configuration_set(ConfigurationSetName="opts")
    assert got["DeliveryOptions"] == {"TlsPolicy": "REQUIRE", "SendingPoolName": "pool-1"}

    # Each Put replaces its group: no domain clears tracking, no policy is OPTIONAL.
    v2.put_configuration_set_tracking_options(ConfigurationSetName="opts")
    v2.put_configuration_set_delivery_options(ConfigurationSetName="opts")
    again: dict[str, Any] = dict(v2.get_configuration_set(ConfigurationSetName="opts"))
    assert "TrackingOptions" not in again
    assert again["DeliveryOptions"] == {"TlsPolicy": "OPTIONAL"}
    raises_ses_error(
        lambda: v2.put_configuration_set_tracking_options(
            ConfigurationSetName="opts",
            CustomRedirectDomain="x.example.com",
            HttpsPolicy="NEVER",  # type: ignore[arg-type]
        ),
        "BadRequestException",
        "1 validation error detected: Value 'NEVER' at 'httpsPolicy' failed to satisfy "
        "constraint: Member must satisfy enum value set: [REQUIRE, REQUIRE_OPEN_ONLY, OPTIONAL]",
    )


def test_vdm_and_archiving_options_are_kept_and_read_back(v2: SESV2Client) -> None:
    needs_model("sesv2", "PutConfigurationSetArchivingOptions")
    v2.create_configuration_set(ConfigurationSetName="vdm")
    archive = f"arn:aws:ses:us-east-1:{ACCOUNT}:mailmanager-archive/a-" + "0" * 24
    v2.put_configuration_set_vdm_options(
        ConfigurationSetName="vdm",
        VdmOptions={"GuardianOptions": {"OptimizedSharedDelivery": "ENABLED"}},
    )
    v2.put_configuration_set_archiving_options(ConfigurationSetName="vdm", ArchiveArn=archive)
    got = v2.get_configuration_set(ConfigurationSetName="vdm")
    assert got["VdmOptions"] == {"GuardianOptions": {"OptimizedSharedDelivery": "ENABLED"}}
    assert got["ArchivingOptions"] == {"ArchiveArn": archive}
    v2.put_configuration_set_archiving_options(ConfigurationSetName="vdm")
    assert "ArchivingOptions" not in v2.get_configuration_set(ConfigurationSetName="vdm")


# -- event destinations -------------------------------------------------------------------------


def test_destinations_made_by_v2_are_described_by_v1_with_v1_names(
    v2: SESV2Client, client: SESClient
) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="ev",
        EventDestinationName="to-sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "RENDERING_FAILURE", "DELIVERY_DELAY"],
            "SnsDestination": {"TopicArn": TOPIC},
        },
    )
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="ev",
        EventDestinationName="to-firehose",
        EventDestination={
            "MatchingEventTypes": ["BOUNCE"],
            "KinesisFirehoseDestination": {"IamRoleArn": ROLE, "DeliveryStreamArn": STREAM},
        },
    )
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="ev",
        EventDestinationName="to-cw",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["CLICK"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "campaign",
                        "DimensionValueSource": "LINK_TAG",
                        "DefaultDimensionValue": "none",
                    }
                ]
            },
        },
    )
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="ev",
        EventDestinationName="to-bus",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND"],
            "EventBridgeDestination": {"EventBusArn": BUS},
        },
    )

    described = client.describe_configuration_set(
        ConfigurationSetName="ev", ConfigurationSetAttributeNames=["eventDestinations"]
    )["EventDestinations"]
    assert described == [
        {
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["send", "renderingFailure", "deliveryDelay"],
            "SNSDestination": {"TopicARN": TOPIC},
        },
        {
            "Name": "to-firehose",
            "Enabled": False,
            "MatchingEventTypes": ["bounce"],
            "KinesisFirehoseDestination": {"IAMRoleARN": ROLE, "DeliveryStreamARN": STREAM},
        },
        {
            "Name": "to-cw",
            "Enabled": True,
            "MatchingEventTypes": ["click"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "campaign",
                        "DimensionValueSource": "linkTag",
                        "DefaultDimensionValue": "none",
                    }
                ]
            },
        },
        # v1 has no EventBridge member: it sees the destination's name and types only.
        {"Name": "to-bus", "Enabled": True, "MatchingEventTypes": ["send"]},
    ]


def test_destinations_made_by_v1_are_got_by_v2_with_v2_names(
    v2: SESV2Client, client: SESClient
) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "ev1"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="ev1",
        EventDestination={
            "Name": "fh",
            "Enabled": True,
            "MatchingEventTypes": ["delivery", "renderingFailure"],
            "KinesisFirehoseDestination": {"IAMRoleARN": ROLE, "DeliveryStreamARN": STREAM},
        },
    )
    got = v2.get_configuration_set_event_destinations(ConfigurationSetName="ev1")
    assert got["EventDestinations"] == [
        {
            "Name": "fh",
            "Enabled": True,
            "MatchingEventTypes": ["DELIVERY", "RENDERING_FAILURE"],
            "KinesisFirehoseDestination": {"IamRoleArn": ROLE, "DeliveryStreamArn": STREAM},
        }
    ]


def test_eventbridge_and_pinpoint_destinations_receive_their_events(
    v2: SESV2Client, client: SESClient, ses: SESMock
) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")
    kinds: list[tuple[str, Any]] = [
        ("bus", {"EventBridgeDestination": {"EventBusArn": BUS}}),
        ("pin", {"PinpointDestination": {"ApplicationArn": APP}}),
    ]
    for name, destination in kinds:
        v2.create_configuration_set_event_destination(
            ConfigurationSetName="ev",
            EventDestinationName=name,
            EventDestination={"Enabled": True, "MatchingEventTypes": ["DELIVERY"], **destination},  # type: ignore[typeddict-item]
        )
    message_id = send_v1(client, "ev")

    for name, kind in (("bus", "eventbridge"), ("pin", "pinpoint")):
        log = ses.destination(name)
        assert log.kind == kind
        assert [(e.type, e.message_id) for e in log.events] == [("Delivery", message_id)]
        assert log.events[0].record["eventType"] == "Delivery"
        assert json.loads(log.events[0].to_json())["mail"]["messageId"] == message_id
        assert (log.records, log.notifications, log.metrics) == ([], [], [])
    delivery = next(e for e in ses.events if e.type == "Delivery")
    assert delivery.destinations == ["bus", "pin"]


def test_delivery_delay_reaches_a_v2_destination(
    v2: SESV2Client, client: SESClient, ses: SESMock
) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="ev",
        EventDestinationName="late",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["DELIVERY_DELAY"],
            "EventBridgeDestination": {"EventBusArn": BUS},
        },
    )
    ses.simulate_delivery_delay(send_v1(client, "ev"))
    assert [e.type for e in ses.destination("late").events] == ["DeliveryDelay"]


def test_update_replaces_and_delete_removes_a_destination(
    v2: SESV2Client, client: SESClient, ses: SESMock
) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="ev",
        EventDestinationName="d",
        EventDestination={"MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": TOPIC}},
    )
    v2.update_configuration_set_event_destination(
        ConfigurationSetName="ev",
        EventDestinationName="d",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "PinpointDestination": {"ApplicationArn": APP},
        },
    )
    got = v2.get_configuration_set_event_destinations(ConfigurationSetName="ev")
    assert got["EventDestinations"] == [
        {
            "Name": "d",
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "PinpointDestination": {"ApplicationArn": APP},
        }
    ]
    assert ses.destination("d").kind == "pinpoint"

    v2.delete_configuration_set_event_destination(
        ConfigurationSetName="ev", EventDestinationName="d"
    )
    assert (
        v2.get_configuration_set_event_destinations(ConfigurationSetName="ev")["EventDestinations"]
        == []
    )
    assert (
        client.describe_configuration_set(
            ConfigurationSetName="ev", ConfigurationSetAttributeNames=["eventDestinations"]
        )["EventDestinations"]
        == []
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda v2: v2.update_configuration_set_event_destination(
            ConfigurationSetName="ev",
            EventDestinationName="ghost",
            EventDestination={"MatchingEventTypes": ["SEND"]},
        ),
        lambda v2: v2.delete_configuration_set_event_destination(
            ConfigurationSetName="ev", EventDestinationName="ghost"
        ),
    ],
)
def test_a_missing_destination_is_not_found(v2: SESV2Client, call: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")
    with pytest.raises(modeled(v2, "NotFoundException")) as info:
        call(v2)
    assert info.value.response["Error"]["Message"] == "No EventDestination found for ev"
    assert status(info.value) == 404


def test_a_duplicate_destination_already_exists(v2: SESV2Client) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")

    def make() -> None:
        v2.create_configuration_set_event_destination(
            ConfigurationSetName="ev",
            EventDestinationName="d",
            EventDestination={
                "MatchingEventTypes": ["SEND"],
                "SnsDestination": {"TopicArn": TOPIC},
            },
        )

    make()
    with pytest.raises(modeled(v2, "AlreadyExistsException")) as info:
        make()
    assert info.value.response["Error"]["Message"] == (
        "Event destination <d> already exists in configuration set <ev>."
    )


def test_the_destination_quota_is_limit_exceeded(v2: SESV2Client) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")

    def create(name: str) -> None:
        v2.create_configuration_set_event_destination(
            ConfigurationSetName="ev",
            EventDestinationName=name,
            EventDestination={
                "MatchingEventTypes": ["SEND"],
                "SnsDestination": {"TopicArn": TOPIC},
            },
        )

    for index in range(10):
        create(f"d{index}")
    with pytest.raises(modeled(v2, "LimitExceededException")) as info:
        create("d10")
    assert info.value.response["Error"]["Message"] == (
        "Maximum number of event destinations (10) reached for configuration set <ev>."
    )


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        (
            {
                "MatchingEventTypes": ["SEND"],
                "SnsDestination": {"TopicArn": TOPIC},
                "EventBridgeDestination": {"EventBusArn": BUS},
            },
            ONE_KIND,
        ),
        ({"MatchingEventTypes": ["SEND"]}, ONE_KIND),
        (
            {"MatchingEventTypes": ["send"], "SnsDestination": {"TopicArn": TOPIC}},
            "The event destination contains an invalid event type: 'send'; valid types are "
            "SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, "
            "DELIVERY_DELAY, SUBSCRIPTION.",
        ),
        (
            {"MatchingEventTypes": [], "SnsDestination": {"TopicArn": TOPIC}},
            "MatchingEventTypes must name at least one event type.",
        ),
        (
            {
                "MatchingEventTypes": ["SEND"],
                "EventBridgeDestination": {
                    "EventBusArn": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/mine"
                },
            },
            f"EventBusArn <arn:aws:events:us-east-1:{ACCOUNT}:event-bus/mine> is not the ARN "
            "of the default EventBridge event bus.",
        ),
        (
            {
                "MatchingEventTypes": ["SEND"],
                "CloudWatchDestination": {
                    "DimensionConfigurations": [
                        {
                            "DimensionName": "d",
                            "DimensionValueSource": "messageTag",
                            "DefaultDimensionValue": "x",
                        }
                    ]
                },
            },
            "1 validation error detected: Value 'messageTag' at "
            "'eventDestination.cloudWatchDestination.dimensionConfigurations.1.member"
            ".dimensionValueSource' failed to satisfy constraint: Member must satisfy enum "
            "value set: [MESSAGE_TAG, EMAIL_HEADER, LINK_TAG]",
        ),
    ],
)
def test_a_bad_destination_is_a_bad_request(v2: SESV2Client, definition: Any, message: str) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")
    error = raises_ses_error(
        lambda: v2.create_configuration_set_event_destination(
            ConfigurationSetName="ev", EventDestinationName="d", EventDestination=definition
        ),
        "BadRequestException",
        message,
    )
    assert isinstance(error, modeled(v2, "BadRequestException"))
    assert status(error) == 400
    got = v2.get_configuration_set_event_destinations(ConfigurationSetName="ev")
    assert got["EventDestinations"] == []


def test_a_bad_arn_is_reported_in_v2_spelling(v2: SESV2Client) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")
    raises_ses_error(
        lambda: v2.create_configuration_set_event_destination(
            ConfigurationSetName="ev",
            EventDestinationName="d",
            EventDestination={
                "MatchingEventTypes": ["SEND"],
                "KinesisFirehoseDestination": {"IamRoleArn": "role", "DeliveryStreamArn": STREAM},
            },
        ),
        "BadRequestException",
        "IamRoleArn <role> is not the ARN of an IAM role.",
    )
    raises_ses_error(
        lambda: v2.create_configuration_set_event_destination(
            ConfigurationSetName="ev",
            EventDestinationName="d",
            EventDestination={
                "MatchingEventTypes": ["SEND"],
                "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:1:t"},
            },
        ),
        "BadRequestException",
        "TopicArn <arn:aws:sns:us-east-1:1:t> is not the ARN of an SNS topic.",
    )


def test_a_pinpoint_destination_may_leave_out_its_application(v2: SESV2Client) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="ev",
        EventDestinationName="pin",
        EventDestination={"MatchingEventTypes": ["OPEN"], "PinpointDestination": {}},
    )
    got = v2.get_configuration_set_event_destinations(ConfigurationSetName="ev")
    assert got["EventDestinations"] == [
        {
            "Name": "pin",
            "Enabled": False,
            "MatchingEventTypes": ["OPEN"],
            "PinpointDestination": {},
        }
    ]


def test_a_bad_destination_name_is_a_bad_request(v2: SESV2Client) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")
    raises_ses_error(
        lambda: v2.create_configuration_set_event_destination(
            ConfigurationSetName="ev",
            EventDestinationName="bad name",
            EventDestination={
                "MatchingEventTypes": ["SEND"],
                "SnsDestination": {"TopicArn": TOPIC},
            },
        ),
        "BadRequestException",
        "Event destination name <bad name> contains ' '; only ASCII letters, digits, '_' and '-' "
        "are allowed.",
    )


def test_a_new_sns_destination_gets_ses_validation_message(v2: SESV2Client, ses: SESMock) -> None:
    v2.create_configuration_set(ConfigurationSetName="ev")
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="ev",
        EventDestinationName="topic",
        EventDestination={"MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": TOPIC}},
    )
    assert ses.destination("topic").notifications == [
        {
            "Subject": "",
            "Message": "Successfully validated SNS topic for Amazon SES event publishing.",
            "TopicArn": TOPIC,
        }
    ]
