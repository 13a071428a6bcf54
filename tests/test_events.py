"""Event publishing: records in SES's JSON, destinations in their own form, and simulations."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import pytest

from pytest_ses._fake.outcomes import EICAR

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_ses.literals import EventTypeType
    from mypy_boto3_ses.type_defs import (
        EventDestinationTypeDef,
        KinesisFirehoseDestinationTypeDef,
    )

    from pytest_ses import Event, SentMessage, SESMock

SENDER = "Shop <shop@example.com>"
FIREHOSE: KinesisFirehoseDestinationTypeDef = {
    "IAMRoleARN": "arn:aws:iam::123456789012:role/ses-firehose",
    "DeliveryStreamARN": "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses-events",
}
TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events"
ALL_TYPES: list[EventTypeType] = [
    "send",
    "reject",
    "bounce",
    "complaint",
    "delivery",
    "open",
    "click",
    "renderingFailure",
]
HTML = (
    '<p>Hi! <a href="https://shop.example/deals" ses:tags="campaign:spring;variant:b;">Deals</a>'
    ' and <a href="https://shop.example/help">help</a></p>'
)

# The keys SES documents for each record (developer guide examples), with their JSON types.
MAIL_KEYS = {
    "timestamp": str, "source": str, "sourceArn": str, "sendingAccountId": str,
    "messageId": str, "destination": list, "headersTruncated": bool, "headers": list,
    "commonHeaders": dict, "tags": dict,
}  # fmt: skip
TYPE_KEYS: dict[str, tuple[str, dict[str, type]]] = {
    "Send": ("send", {}),
    "Delivery": ("delivery", {"timestamp": str, "processingTimeMillis": int, "recipients": list,
                              "smtpResponse": str, "reportingMTA": str}),
    "Bounce": ("bounce", {"bounceType": str, "bounceSubType": str, "bouncedRecipients": list,
                          "timestamp": str, "feedbackId": str, "reportingMTA": str}),
    "Complaint": ("complaint", {"complainedRecipients": list, "timestamp": str, "feedbackId": str,
                                "userAgent": str, "complaintFeedbackType": str, "arrivalDate": str}),
    "Reject": ("reject", {"reason": str}),
    "Open": ("open", {"ipAddress": str, "timestamp": str, "userAgent": str}),
    "Click": ("click", {"ipAddress": str, "link": str, "linkTags": dict, "timestamp": str,
                        "userAgent": str}),
    "Rendering Failure": ("failure", {"errorMessage": str, "templateName": str}),
    "DeliveryDelay": ("deliveryDelay", {"timestamp": str, "delayType": str, "expirationTime": str,
                                        "delayedRecipients": list}),
}  # fmt: skip
RECIPIENT_KEYS = {
    "bouncedRecipients": {"emailAddress": str, "action": str, "status": str, "diagnosticCode": str},
    "complainedRecipients": {"emailAddress": str},
    "delayedRecipients": {"emailAddress": str, "status": str, "diagnosticCode": str},
}


def assert_documented_shape(record: dict[str, Any]) -> None:
    member, keys = TYPE_KEYS[record["eventType"]]
    assert set(record) == {"eventType", "mail", member}
    for key, kind in MAIL_KEYS.items():
        assert isinstance(record["mail"][key], kind), key
    for header in record["mail"]["headers"]:
        assert set(header) == {"name", "value"}
    for key in ("from", "messageId", "subject"):
        assert key in record["mail"]["commonHeaders"]
    assert all(isinstance(v, list) for v in record["mail"]["tags"].values())
    details = record[member]
    for key, kind in keys.items():
        assert isinstance(details[key], kind), (record["eventType"], key)
    for key, entry_keys in RECIPIENT_KEYS.items():
        for entry in details.get(key, []):
            for name, kind in entry_keys.items():
                assert isinstance(entry[name], kind), (key, name)
    if record["eventType"] == "Complaint":
        assert details["complaintSubType"] is None


@pytest.fixture
def published(client: SESClient) -> SESClient:
    """A client whose configuration set 'tracked' sends every event type to Firehose."""
    client.create_configuration_set(ConfigurationSet={"Name": "tracked"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="tracked",
        EventDestination=destination("firehose", ALL_TYPES),
    )
    return client


def destination(
    name: str, types: list[EventTypeType], topic: str | None = None
) -> EventDestinationTypeDef:
    """An enabled destination for ``types``: SNS when a ``topic`` is given, else Firehose."""
    made: EventDestinationTypeDef = {"Name": name, "Enabled": True, "MatchingEventTypes": types}
    if topic is None:
        made["KinesisFirehoseDestination"] = FIREHOSE
    else:
        made["SNSDestination"] = {"TopicARN": topic}
    return made


def send(client: SESClient, *to: str, html: str | None = HTML, **kwargs: Any) -> str:
    body: dict[str, Any] = {"Text": {"Data": "Hi"}}
    if html is not None:
        body["Html"] = {"Data": html}
    params: dict[str, Any] = {
        "Source": SENDER,
        "Destination": {"ToAddresses": list(to or ["ann@example.net"])},
        "Message": {"Subject": {"Data": "Deals"}, "Body": body},
        "ConfigurationSetName": "tracked",
    }
    params.update(kwargs)
    return client.send_email(**params)["MessageId"]


def types(events: Sequence[Event]) -> list[str]:
    return [event.type for event in events]


# -- records ---------------------------------------------------------------------------------


def test_every_event_type_has_the_documented_shape(published: SESClient, ses: SESMock) -> None:
    message_id = send(published, "ann@example.net", Tags=[{"Name": "campaign", "Value": "spring"}])
    ses.simulate_bounce(message_id, sub_type="NoEmail")
    ses.simulate_complaint(message_id, feedback_type="not-spam")
    ses.simulate_delivery_delay(message_id, delay_type="MailboxFull")
    ses.simulate_open(message_id)
    ses.simulate_click(message_id)
    ses.simulate_rendering_failure(message_id, "Attribute 'name' is missing.", "Welcome")
    raw = EmailMessage()
    raw["From"], raw["To"] = "shop@example.com", "bob@example.net"
    raw.set_content("see attachment")
    raw.add_attachment(EICAR, maintype="application", subtype="octet-stream", filename="x.com")
    published.send_raw_email(RawMessage={"Data": raw.as_bytes()}, ConfigurationSetName="tracked")
    assert set(types(ses.events)) == set(TYPE_KEYS)
    for event in ses.events:
        assert_documented_shape(event.record)
        assert json.loads(event.to_json()) == json.loads(json.dumps(event.record))


def test_send_and_delivery_records_hold_the_message(published: SESClient, ses: SESMock) -> None:
    message_id = send(
        published, "Ann <ann@example.net>", "bob@example.net",
        Tags=[{"Name": "campaign", "Value": "spring"}],
    )  # fmt: skip
    sent, delivered = ses.events
    assert (sent.type, delivered.type) == ("Send", "Delivery")
    mail = sent.record["mail"]
    assert mail["source"] == SENDER
    assert mail["sourceArn"] == "arn:aws:ses:us-east-1:123456789012:identity/shop@example.com"
    assert mail["sendingAccountId"] == "123456789012"
    assert mail["messageId"] == message_id
    assert mail["destination"] == ["ann@example.net", "bob@example.net"]
    assert mail["timestamp"] == ses.clock.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert [h["name"] for h in mail["headers"]] == [
        "From", "To", "Subject", "MIME-Version", "Content-Type",
    ]  # fmt: skip
    assert mail["commonHeaders"] == {
        "from": [SENDER],
        "to": ["Ann <ann@example.net>", "bob@example.net"],
        "messageId": message_id,
        "subject": "Deals",
    }
    assert mail["tags"] == {
        "ses:operation": ["SendEmail"],
        "ses:configuration-set": ["tracked"],
        "ses:source-ip": ["192.0.2.10"],
        "ses:from-domain": ["example.com"],
        "ses:caller-identity": ["pytest-ses"],
        "campaign": ["spring"],
    }
    assert sent.record["send"] == {}
    assert delivered.record["mail"]["tags"]["ses:outgoing-ip"] == ["192.0.2.20"]
    assert delivered.record["delivery"]["recipients"] == ["ann@example.net", "bob@example.net"]
    assert delivered.record["delivery"]["smtpResponse"] == "250 2.6.0 Message received"


@pytest.mark.ses(verified_identities=["example.com"])
def test_source_arn_names_the_verified_identity_used(published: SESClient, ses: SESMock) -> None:
    send(published)
    arn = ses.events[0].record["mail"]["sourceArn"]
    assert arn == "arn:aws:ses:us-east-1:123456789012:identity/example.com"


def test_raw_events_show_the_headers_as_sent(published: SESClient, ses: SESMock) -> None:
    raw = EmailMessage()
    raw["From"] = "shop@example.com"
    raw["To"] = "ann@example.net"
    raw["Subject"] = "Raw"
    raw["X-SES-MESSAGE-TAGS"] = "tier=gold"
    raw["X-SES-CONFIGURATION-SET"] = "tracked"
    raw.set_content("hi")
    published.send_raw_email(RawMessage={"Data": raw.as_bytes()})
    mail = ses.events[0].record["mail"]
    assert ("X-SES-MESSAGE-TAGS", "tier=gold") in [(h["name"], h["value"]) for h in mail["headers"]]
    assert mail["tags"]["tier"] == ["gold"]
    assert mail["tags"]["ses:operation"] == ["SendRawEmail"]
    assert "X-SES-MESSAGE-TAGS" not in ses.outbox[0].headers


def test_timestamps_follow_the_virtual_clock(published: SESClient, ses: SESMock) -> None:
    message_id = send(published)
    ses.advance(90)
    bounce = ses.simulate_bounce(message_id)
    assert (bounce.timestamp - ses.events[0].timestamp).total_seconds() == 90
    assert bounce.record["bounce"]["timestamp"].endswith("Z")
    assert bounce.record["mail"]["timestamp"] == ses.events[0].record["mail"]["timestamp"]


# -- destinations ------------------------------------------------------------------------------


def test_firehose_receives_json_records(published: SESClient, ses: SESMock) -> None:
    send(published)
    log = ses.destination("firehose")
    assert log.kind == "firehose"
    assert all(record.endswith("\n") for record in log.records)
    assert [json.loads(r)["eventType"] for r in log.records] == ["Send", "Delivery"]
    assert [e.destinations for e in ses.events] == [["firehose"], ["firehose"]]


def test_matching_event_types_filter(published: SESClient, ses: SESMock) -> None:
    published.create_configuration_set_event_destination(
        ConfigurationSetName="tracked",
        EventDestination=destination("bounces", ["bounce", "complaint"], TOPIC),
    )
    send(published, "bounce@simulator.amazonses.com", "ann@example.net")
    log = ses.destination("bounces")
    assert [json.loads(n["Message"])["eventType"] for n in log.notifications[1:]] == ["Bounce"]
    assert [e.type for e in log.events] == ["Bounce"]


def test_sns_destination_gets_a_validation_message_then_notifications(
    published: SESClient, ses: SESMock
) -> None:
    published.create_configuration_set_event_destination(
        ConfigurationSetName="tracked",
        EventDestination=destination("sns", ["send"], TOPIC),
    )
    log = ses.destination("sns")
    assert log.notifications == [
        {
            "Subject": "",
            "Message": "Successfully validated SNS topic for Amazon SES event publishing.",
            "TopicArn": TOPIC,
        }
    ]
    message_id = send(published)
    notification = log.notifications[1]
    assert notification["Subject"] == "Amazon SES Email Event Notification"
    assert notification["TopicArn"] == TOPIC
    assert json.loads(notification["Message"])["mail"]["messageId"] == message_id


def test_disabled_destinations_receive_nothing(client: SESClient, ses: SESMock) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "tracked"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="tracked",
        EventDestination={
            "Name": "off",
            "MatchingEventTypes": ALL_TYPES,  # Enabled defaults to false
            "KinesisFirehoseDestination": FIREHOSE,
        },
    )
    send(client)
    assert types(ses.events) == ["Send", "Delivery"]
    assert all(e.destinations == [] for e in ses.events)
    assert ses.destination("off").records == []


def test_update_and_delete_change_what_later_sends_publish(
    published: SESClient, ses: SESMock
) -> None:
    send(published)
    published.update_configuration_set_event_destination(
        ConfigurationSetName="tracked", EventDestination=destination("firehose", ["delivery"])
    )
    send(published)
    published.delete_configuration_set_event_destination(
        ConfigurationSetName="tracked", EventDestinationName="firehose"
    )
    send(published)
    assert [json.loads(r)["eventType"] for r in ses.destination("firehose").records] == [
        "Send", "Delivery", "Delivery",
    ]  # fmt: skip
    assert len(ses.events) == 6


def test_messages_without_a_configuration_set_publish_nothing(
    published: SESClient, ses: SESMock
) -> None:
    send(published, ConfigurationSetName="tracked")
    published.send_email(
        Source=SENDER,
        Destination={"ToAddresses": ["bob@example.net"]},
        Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "y"}}},
    )
    assert len(ses.destination("firehose").records) == 2
    unpublished = [e for e in ses.events if e.configuration_set is None]
    assert types(unpublished) == ["Send", "Delivery"]
    assert all(e.destinations == [] for e in unpublished)


def test_destination_lookup_errors_say_what_exists(published: SESClient, ses: SESMock) -> None:
    with pytest.raises(LookupError, match=r"no event destination 'nope'.*tracked/firehose"):
        ses.destination("nope")


# -- CloudWatch --------------------------------------------------------------------------------


def add_cloudwatch(client: SESClient, dimensions: list[Any]) -> None:
    client.create_configuration_set_event_destination(
        ConfigurationSetName="tracked",
        EventDestination={
            "Name": "metrics",
            "Enabled": True,
            "MatchingEventTypes": ["send", "delivery", "click"],
            "CloudWatchDestination": {"DimensionConfigurations": dimensions},
        },
    )


def dimension(name: str, source: str, default: str = "none") -> dict[str, str]:
    return {"DimensionName": name, "DimensionValueSource": source, "DefaultDimensionValue": default}


def test_cloudwatch_dimensions_from_each_source(published: SESClient, ses: SESMock) -> None:
    add_cloudwatch(
        published,
        [
            dimension("campaign", "messageTag"),
            dimension("ses:configuration-set", "messageTag"),
            dimension("X-Team", "emailHeader"),
            dimension("variant", "linkTag"),
            dimension("absent", "messageTag", "fallback"),
        ],
    )
    raw = EmailMessage()
    raw["From"], raw["To"], raw["X-Team"] = "shop@example.com", "ann@example.net", "growth"
    raw.set_content("hi")
    raw.add_alternative(HTML, subtype="html")
    published.send_raw_email(
        RawMessage={"Data": raw.as_bytes()},
        ConfigurationSetName="tracked",
        Tags=[{"Name": "campaign", "Value": "spring"}],
    )
    ses.simulate_click(ses.outbox[0])
    points = ses.destination("metrics").metrics
    assert [p["MetricName"] for p in points] == ["Send", "Delivery", "Click"]
    assert all(p["Namespace"] == "AWS/SES" for p in points)
    values = {d["Name"]: d["Value"] for d in points[2]["Dimensions"]}
    assert values == {
        "campaign": "spring",
        "ses:configuration-set": "tracked",
        "X-Team": "growth",
        "variant": "b",
        "absent": "fallback",
    }
    assert {d["Name"]: d["Value"] for d in points[0]["Dimensions"]}["variant"] == "none"


def test_cloudwatch_drops_points_with_values_ses_cannot_emit(
    published: SESClient, ses: SESMock
) -> None:
    add_cloudwatch(published, [dimension("Subject", "emailHeader")])
    send(published)  # Subject "Deals": fine
    published.send_email(
        Source=SENDER,
        Destination={"ToAddresses": ["ann@example.net"]},
        Message={"Subject": {"Data": "Two words"}, "Body": {"Text": {"Data": "y"}}},
        ConfigurationSetName="tracked",
    )
    points = ses.destination("metrics").metrics
    assert [(p["MetricName"], p["Dimensions"][0]["Value"]) for p in points] == [
        ("Send", "Deals"),
        ("Delivery", "Deals"),
    ]
    assert len(ses.events) == 4  # the events happened; only the metrics were dropped


def test_delivery_metric_counts_recipients(published: SESClient, ses: SESMock) -> None:
    add_cloudwatch(published, [dimension("campaign", "messageTag")])
    send(published, "a@example.net", "b@example.net", "c@example.net")
    assert [p["Value"] for p in ses.destination("metrics").metrics] == [1.0, 3.0]


# -- the mailbox simulator ---------------------------------------------------------------------


@pytest.mark.parametrize("label", ["", "+run42"])
@pytest.mark.parametrize(
    ("mailbox", "expected"),
    [
        ("success", ["Send", "Delivery"]),
        ("ooto", ["Send", "Delivery"]),
        ("bounce", ["Send", "Bounce"]),
        ("suppressionlist", ["Send", "Bounce"]),
        ("complaint", ["Send", "Delivery", "Complaint"]),
    ],
)
def test_every_simulator_address(
    published: SESClient, ses: SESMock, mailbox: str, label: str, expected: list[str]
) -> None:
    address = f"{mailbox}{label}@simulator.amazonses.com"
    send(published, address)
    assert types(ses.events) == expected
    last = ses.events[-1].record
    if mailbox == "bounce":
        assert (last["bounce"]["bounceType"], last["bounce"]["bounceSubType"]) == (
            "Permanent",
            "General",
        )
        (entry,) = last["bounce"]["bouncedRecipients"]
        assert entry == {
            "emailAddress": address,
            "action": "failed",
            "status": "5.1.1",
            "diagnosticCode": f"smtp; 550 5.1.1 As requested: user unknown <{address}>",
        }
    if mailbox == "suppressionlist":
        assert last["bounce"]["bounceSubType"] == "Suppressed"
        assert last["bounce"]["reportingMTA"] == "dns; amazonses.com"
        assert last["bounce"]["bouncedRecipients"][0]["diagnosticCode"].endswith(".html ")
    if mailbox == "complaint":
        assert last["complaint"]["userAgent"] == "Amazon SES Mailbox Simulator"
        assert last["complaint"]["complaintFeedbackType"] == "abuse"
        assert last["complaint"]["arrivalDate"] == last["complaint"]["timestamp"]


def test_recipients_are_grouped_per_outcome(published: SESClient, ses: SESMock) -> None:
    send(
        published,
        "bounce@simulator.amazonses.com",
        "bounce+2@simulator.amazonses.com",
        "success@simulator.amazonses.com",
        "ann@example.net",
    )
    assert types(ses.events) == ["Send", "Delivery", "Bounce"]
    assert ses.events[1].recipients == ["success@simulator.amazonses.com", "ann@example.net"]
    bounced = ses.events[2].record["bounce"]["bouncedRecipients"]
    assert [b["emailAddress"] for b in bounced] == [
        "bounce@simulator.amazonses.com", "bounce+2@simulator.amazonses.com",
    ]  # fmt: skip


@pytest.mark.parametrize("encode", [False, True])
def test_an_eicar_attachment_is_rejected(published: SESClient, ses: SESMock, encode: bool) -> None:
    raw = EmailMessage()
    raw["From"], raw["To"] = "shop@example.com", "ann@example.net"
    raw.set_content("see attachment")
    if encode:
        raw.add_attachment(EICAR, maintype="application", subtype="octet-stream", filename="v.com")
        assert base64.b64encode(EICAR)[:20] in raw.as_bytes()
    else:
        raw.add_attachment(EICAR.decode(), filename="v.txt", cte="7bit")
    published.send_raw_email(RawMessage={"Data": raw.as_bytes()}, ConfigurationSetName="tracked")
    assert types(ses.events) == ["Send", "Reject"]
    assert ses.events[1].record["reject"] == {"reason": "Bad content"}
    (point,) = published.get_send_statistics()["SendDataPoints"]
    assert point["Rejects"] == 1


# -- outcomes set up ahead, and simulations afterwards -----------------------------------------


def test_set_outcome_for_a_domain(published: SESClient, ses: SESMock) -> None:
    ses.set_outcome("@gone.example", "bounce", sub_type="NoEmail")
    ses.set_outcome("angry@example.net", "complaint", feedback_type="abuse")
    ses.set_outcome(lambda a: a.startswith("slow"), "delay", delay_type="MailboxFull")
    send(published, "x@gone.example", "Y@GONE.example", "angry@example.net", "slow@example.net")
    assert types(ses.events) == ["Send", "Delivery", "Bounce", "Complaint", "DeliveryDelay"]
    assert ses.events[1].recipients == ["angry@example.net"]
    assert ses.events[2].recipients == ["x@gone.example", "Y@GONE.example"]
    assert ses.events[2].record["bounce"]["bounceSubType"] == "NoEmail"
    assert ses.events[4].record["deliveryDelay"]["delayType"] == "MailboxFull"
    # DeliveryDelay is not a v1 MatchingEventTypes value: no v1 destination receives it.
    assert ses.events[4].destinations == []


def test_the_latest_outcome_rule_wins(published: SESClient, ses: SESMock) -> None:
    ses.set_outcome("@example.net", "bounce")
    ses.set_outcome("vip@example.net", "delivery")
    send(published, "vip@example.net", "other@example.net")
    assert types(ses.events) == ["Send", "Delivery", "Bounce"]


def test_simulated_events_feed_send_statistics(published: SESClient, ses: SESMock) -> None:
    message_id = send(published, "a@example.net", "b@example.net")
    ses.simulate_bounce(message_id, ["a@example.net"], "Transient", "MailboxFull")
    ses.simulate_complaint(message_id, ["b@example.net"])
    (point,) = published.get_send_statistics()["SendDataPoints"]
    assert (point["DeliveryAttempts"], point["Bounces"], point["Complaints"], point["Rejects"]) == (
        2, 1, 1, 0,
    )  # fmt: skip


def test_click_takes_link_tags_from_the_link(published: SESClient, ses: SESMock) -> None:
    message_id = send(published)
    first = ses.simulate_click(message_id)
    second = ses.simulate_click(message_id, "https://shop.example/help")
    third = ses.simulate_click(message_id, "https://elsewhere.example", link_tags={"k": "v"})
    assert first.record["click"]["link"] == "https://shop.example/deals"
    assert first.record["click"]["linkTags"] == {"campaign": ["spring"], "variant": ["b"]}
    assert second.record["click"]["linkTags"] == {}
    assert third.record["click"]["linkTags"] == {"k": ["v"]}


@pytest.mark.parametrize(
    ("action", "error", "message"),
    [
        (lambda ses, m: ses.simulate_bounce(m, sub_type="Nope"), ValueError, r"no SES bounce Permanent/Nope; valid ones are"),
        (lambda ses, m: ses.simulate_bounce(m, ["stranger@example.org"]), ValueError, r"stranger@example\.org did not receive"),
        (lambda ses, m: ses.simulate_bounce(m, "ann@example.net"), TypeError, r"a list of addresses"),
        (lambda ses, m: ses.simulate_complaint(m, feedback_type="meh"), ValueError, r"feedback_type must be one of abuse"),
        (lambda ses, m: ses.simulate_delivery_delay(m, delay_type="Soon"), ValueError, r"delay_type must be one of"),
        (lambda ses, m: ses.simulate_bounce("0100-not-an-id"), LookupError, r"no sent message has the id"),
        (lambda ses, m: ses.set_outcome("a@b.c", "explode"), ValueError, r"outcome must be 'delivery'"),
    ],
)  # fmt: skip
def test_simulation_errors_are_clear(
    published: SESClient,
    ses: SESMock,
    action: Callable[[SESMock, str], object],
    error: type[Exception],
    message: str,
) -> None:
    message_id = send(published)
    with pytest.raises(error, match=message):
        action(ses, message_id)


def test_open_and_click_need_html(published: SESClient, ses: SESMock) -> None:
    message_id = send(published, html=None)
    with pytest.raises(ValueError, match="HTML mail only"):
        ses.simulate_open(message_id)
    with pytest.raises(ValueError, match="HTML mail only"):
        ses.simulate_click(message_id)


def test_simulations_accept_the_sent_message_object(published: SESClient, ses: SESMock) -> None:
    send(published)
    message: SentMessage = ses.outbox[0]
    event = ses.simulate_open(message, user_agent="Test/1.0", ip_address="198.51.100.7")
    assert event.record["open"]["userAgent"] == "Test/1.0"
    assert event.record["open"]["ipAddress"] == "198.51.100.7"
    assert event.destinations == ["firehose"]


# -- hooks -------------------------------------------------------------------------------------


def test_hooks_let_conftest_observe_messages_and_events(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        SEEN = []

        def pytest_ses_message_sent(message, ses):
            SEEN.append(("message", message.subject))

        def pytest_ses_event_published(event, ses):
            SEEN.append(("event", event.type))
        """
    )
    pytester.makepyfile(
        """
        import boto3
        from conftest import SEEN

        def test_observed(ses):
            boto3.client("ses", region_name="us-east-1").send_email(
                Source="a@example.com",
                Destination={"ToAddresses": ["bounce@simulator.amazonses.com"]},
                Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}},
            )
            assert SEEN == [("message", "Hi"), ("event", "Send"), ("event", "Bounce")]
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_updating_to_a_new_topic_validates_it_and_a_kind_change_starts_a_fresh_log(
    published: SESClient, ses: SESMock
) -> None:
    send(published)
    other_topic = TOPIC + "-2"
    for topic in (TOPIC, TOPIC, other_topic):
        published.update_configuration_set_event_destination(
            ConfigurationSetName="tracked",
            EventDestination=destination("firehose", ["send"], topic),
        )
    log = ses.destination("firehose")
    assert log.kind == "sns"
    assert log.records == []
    assert [n["TopicArn"] for n in log.notifications] == [TOPIC, other_topic]


def test_a_simulator_bounce_keeps_its_wording_beside_a_rule_bounce(
    published: SESClient, ses: SESMock
) -> None:
    ses.set_outcome("@gone.example", "bounce")
    send(published, "x@gone.example", "bounce@simulator.amazonses.com")
    codes = {
        entry["emailAddress"]: entry["diagnosticCode"]
        for event in ses.events.filter(type="Bounce")
        for entry in event.record["bounce"]["bouncedRecipients"]
    }
    assert codes == {
        "x@gone.example": "smtp; 550 5.1.1 user unknown",
        "bounce@simulator.amazonses.com": "smtp; 550 5.1.1 As requested: user unknown "
        "<bounce@simulator.amazonses.com>",
    }


def test_eicar_in_a_send_email_body_is_rejected_and_not_an_attempt(
    published: SESClient, ses: SESMock
) -> None:
    body = "Grüße " + EICAR.decode()  # non-ASCII: the MIME part is quoted-printable
    published.send_email(
        Source=SENDER,
        Destination={"ToAddresses": ["a@example.net"]},
        Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": body}}},
        ConfigurationSetName="tracked",
    )
    assert types(ses.events) == ["Send", "Reject"]
    (point,) = published.get_send_statistics()["SendDataPoints"]
    assert (point["DeliveryAttempts"], point["Rejects"]) == (0, 1)


def test_outcome_rules_accept_display_name_addresses(published: SESClient, ses: SESMock) -> None:
    ses.set_outcome("Ann <ANN@example.net>", "bounce")
    send(published, "ann@example.net")
    assert types(ses.events) == ["Send", "Bounce"]


def test_events_of_unpublished_sends_read_like_published_ones(
    client: SESClient, ses: SESMock
) -> None:
    # Nothing receives these sends' events, so the fake makes them only when read;
    # what a test reads must not show it: same records, same order, a live log.
    log = ses.events
    plain: dict[str, Any] = {
        "Source": SENDER,
        "Message": {"Subject": {"Data": "Deals"}, "Body": {"Text": {"Data": "Hi"}}},
    }
    first = client.send_email(Destination={"ToAddresses": ["Ann <ann@example.net>"]}, **plain)[
        "MessageId"
    ]
    ses.advance(2)
    ses.simulate_bounce(first)
    second = client.send_email(Destination={"ToAddresses": ["bob@example.net"]}, **plain)[
        "MessageId"
    ]
    assert [(e.type, e.message_id) for e in log] == [
        ("Send", first), ("Delivery", first), ("Bounce", first),
        ("Send", second), ("Delivery", second),
    ]  # fmt: skip
    send_event, delivery, _, later_send, _ = log
    assert send_event.recipients == delivery.recipients == ["ann@example.net"]
    assert later_send.timestamp - send_event.timestamp == dt.timedelta(seconds=2)
    for event in (send_event, delivery):
        assert_documented_shape(event.record)
        assert event.record["mail"]["messageId"] == first
        assert event.destinations == []
    assert delivery.record["delivery"]["recipients"] == ["ann@example.net"]
    assert delivery.record["delivery"]["timestamp"] == send_event.record["mail"]["timestamp"]


def test_a_set_whose_destinations_skip_send_and_delivery_still_publishes_bounces(
    client: SESClient, ses: SESMock
) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "bounces"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="bounces", EventDestination=destination("firehose", ["bounce"])
    )
    sent = send(client, "ann@example.net", "bounce@simulator.amazonses.com",
                ConfigurationSetName="bounces")  # fmt: skip
    later = send(client, "bob@example.net", ConfigurationSetName="bounces")
    assert [(e.type, e.message_id, e.destinations) for e in ses.events] == [
        ("Send", sent, []), ("Delivery", sent, []), ("Bounce", sent, ["firehose"]),
        ("Send", later, []), ("Delivery", later, []),
    ]  # fmt: skip
    (record,) = ses.destination("firehose").records
    assert json.loads(record)["eventType"] == "Bounce"
