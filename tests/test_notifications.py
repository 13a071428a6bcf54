"""Identity notifications: per-identity SNS topics, feedback forwarding and SES's notification JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import modeled, raises_ses_error

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sesv2 import SESV2Client

    from pytest_ses import SESMock

BOUNCES = "arn:aws:sns:us-east-1:123456789012:bounces"
COMPLAINTS = "arn:aws:sns:us-east-1:123456789012:complaints"
DELIVERIES = "arn:aws:sns:us-east-1:123456789012:deliveries"
EVENTS = "arn:aws:sns:us-east-1:123456789012:events"
SENDER = "app@shop.example"
verified = pytest.mark.ses(verified_identities=["shop.example", "app@shop.example"])


def send(client: SESClient, to: str, source: str = SENDER, **extra: Any) -> str:
    return client.send_email(
        Source=source,
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}},
        **extra,
    )["MessageId"]


def set_topics(client: SESClient, identity: str = SENDER, **topics: str) -> None:
    for kind, topic in topics.items():
        client.set_identity_notification_topic(
            Identity=identity,
            NotificationType=kind,  # type: ignore[arg-type]  # keyword names are the types
            SnsTopic=topic,
        )


def attributes(client: SESClient, identity: str = SENDER) -> dict[str, Any]:
    found = client.get_identity_notification_attributes(Identities=[identity])
    return dict(found["NotificationAttributes"][identity])


# -- the operations -----------------------------------------------------------------------------


@verified
def test_new_identities_forward_feedback_and_have_no_topics(client: SESClient) -> None:
    assert attributes(client) == {
        "ForwardingEnabled": True,
        "HeadersInBounceNotificationsEnabled": False,
        "HeadersInComplaintNotificationsEnabled": False,
        "HeadersInDeliveryNotificationsEnabled": False,
    }


@verified
def test_topics_are_set_per_type_and_cleared_without_one(client: SESClient) -> None:
    set_topics(client, Bounce=BOUNCES, Complaint=COMPLAINTS, Delivery=DELIVERIES)
    found = attributes(client)
    assert (found["BounceTopic"], found["ComplaintTopic"], found["DeliveryTopic"]) == (
        BOUNCES, COMPLAINTS, DELIVERIES,
    )  # fmt: skip
    client.set_identity_notification_topic(Identity=SENDER, NotificationType="Delivery")
    client.set_identity_notification_topic(Identity=SENDER, NotificationType="Delivery")  # again
    assert "DeliveryTopic" not in attributes(client)
    assert attributes(client)["BounceTopic"] == BOUNCES


@verified
def test_identities_are_kept_apart_and_unknown_ones_left_out(client: SESClient) -> None:
    set_topics(client, "shop.example", Bounce=BOUNCES)
    found = client.get_identity_notification_attributes(
        Identities=[SENDER, "shop.example", "nobody@else.example"]
    )["NotificationAttributes"]
    assert set(found) == {SENDER, "shop.example"}
    assert "BounceTopic" not in found[SENDER]
    assert found["shop.example"]["BounceTopic"] == BOUNCES


@verified
def test_an_identity_can_be_named_by_its_arn(client: SESClient) -> None:
    arn = "arn:aws:ses:us-east-1:123456789012:identity/shop.example"
    set_topics(client, arn, Complaint=COMPLAINTS)
    assert attributes(client, "shop.example")["ComplaintTopic"] == COMPLAINTS


@verified
@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.set_identity_notification_topic(
            Identity=SENDER, NotificationType="InvalidType", SnsTopic=BOUNCES
        ),
        lambda c: c.set_identity_headers_in_notifications_enabled(
            Identity=SENDER, NotificationType="InvalidType", Enabled=True
        ),
    ],
)
def test_an_unknown_notification_type_is_refused(client: SESClient, call: Any) -> None:
    error = raises_ses_error(
        lambda: call(client),
        "InvalidParameterValue",
        "Invalid notification type: InvalidType. Valid values are: Bounce, Complaint, Delivery.",
    )
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error.response["Error"].get("Type") == "Sender"


@verified
@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.set_identity_notification_topic(
            Identity="unknown@example.com", NotificationType="Bounce", SnsTopic=BOUNCES
        ),
        lambda c: c.set_identity_headers_in_notifications_enabled(
            Identity="unknown@example.com", NotificationType="Bounce", Enabled=True
        ),
        lambda c: c.set_identity_feedback_forwarding_enabled(
            Identity="unknown@example.com", ForwardingEnabled=True
        ),
    ],
)
def test_an_identity_that_does_not_exist_is_refused(client: SESClient, call: Any) -> None:
    error = raises_ses_error(
        lambda: call(client),
        "MessageRejected",
        "Identity unknown@example.com is not verified or does not exist.",
    )
    assert isinstance(error, modeled(client, "MessageRejected"))
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error.response["Error"].get("Type") == "Sender"


def test_with_every_identity_verified_settings_are_kept_for_any(client: SESClient) -> None:
    set_topics(client, "anyone@anywhere.example", Bounce=BOUNCES)
    assert attributes(client, "anyone@anywhere.example")["BounceTopic"] == BOUNCES


@verified
@pytest.mark.parametrize(
    "topic",
    [
        "not-an-arn",
        "arn:aws:sqs:us-east-1:123456789012:queue",
        "arn:aws:sns:eu-west-1:123456789012:t",
    ],
)
def test_a_topic_must_be_an_sns_topic_of_the_region(client: SESClient, topic: str) -> None:
    error = raises_ses_error(lambda: set_topics(client, Bounce=topic), "InvalidParameterValue")
    assert topic in error.response["Error"]["Message"]
    assert "BounceTopic" not in attributes(client)


@verified
def test_headers_in_notifications_per_type(client: SESClient) -> None:
    for _ in range(2):  # idempotent
        client.set_identity_headers_in_notifications_enabled(
            Identity=SENDER, NotificationType="Complaint", Enabled=True
        )
    found = attributes(client)
    assert found["HeadersInComplaintNotificationsEnabled"] is True
    assert found["HeadersInBounceNotificationsEnabled"] is False
    client.set_identity_headers_in_notifications_enabled(
        Identity=SENDER, NotificationType="Complaint", Enabled=False
    )
    assert attributes(client)["HeadersInComplaintNotificationsEnabled"] is False


FORWARDING_RULE = (
    "Feedback forwarding for identity app@shop.example can only be disabled when "
    "Amazon SNS topics are specified for both bounces and complaints."
)


@verified
@pytest.mark.parametrize("topics", [{}, {"Bounce": BOUNCES}, {"Delivery": DELIVERIES}])
def test_forwarding_stays_on_without_bounce_and_complaint_topics(
    client: SESClient, topics: dict[str, str]
) -> None:
    set_topics(client, **topics)
    raises_ses_error(
        lambda: client.set_identity_feedback_forwarding_enabled(
            Identity=SENDER, ForwardingEnabled=False
        ),
        "InvalidParameterValue",
        FORWARDING_RULE,
    )
    assert attributes(client)["ForwardingEnabled"] is True


@verified
def test_forwarding_can_be_turned_off_with_both_topics_then_they_stay(client: SESClient) -> None:
    set_topics(client, Bounce=BOUNCES, Complaint=COMPLAINTS)
    for _ in range(2):
        client.set_identity_feedback_forwarding_enabled(Identity=SENDER, ForwardingEnabled=False)
    assert attributes(client)["ForwardingEnabled"] is False
    raises_ses_error(
        lambda: client.set_identity_notification_topic(Identity=SENDER, NotificationType="Bounce"),
        "InvalidParameterValue",
        FORWARDING_RULE,
    )
    client.set_identity_feedback_forwarding_enabled(Identity=SENDER, ForwardingEnabled=True)
    client.set_identity_notification_topic(Identity=SENDER, NotificationType="Bounce")
    assert "BounceTopic" not in attributes(client)


@verified
def test_v2_feedback_attributes_share_the_identity(client: SESClient, v2: SESV2Client) -> None:
    v2.put_email_identity_feedback_attributes(EmailIdentity=SENDER, EmailForwardingEnabled=False)
    assert attributes(client)["ForwardingEnabled"] is False
    v2.put_email_identity_feedback_attributes(EmailIdentity=SENDER, EmailForwardingEnabled=True)
    assert attributes(client)["ForwardingEnabled"] is True


@verified
def test_v2_feedback_attributes_of_an_unknown_identity(v2: SESV2Client) -> None:
    with pytest.raises(v2.exceptions.NotFoundException) as info:
        v2.put_email_identity_feedback_attributes(
            EmailIdentity="unknown@example.com", EmailForwardingEnabled=False
        )
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert "unknown@example.com" in info.value.response["Error"]["Message"]


# -- publishing ---------------------------------------------------------------------------------


@verified
def test_a_bounce_notifies_the_identity_topic_in_notification_format(
    client: SESClient, ses: SESMock
) -> None:
    set_topics(client, Bounce=BOUNCES)
    message_id = send(client, "bounce@simulator.amazonses.com")

    note = ses.notifications.only(type="Bounce")
    assert (note.message_id, note.topic, note.identity) == (message_id, BOUNCES, SENDER)
    assert note.recipients == ["bounce@simulator.amazonses.com"]
    record = note.record
    assert record["notificationType"] == "Bounce"
    assert "eventType" not in record
    assert set(record["mail"]) == {
        "timestamp", "messageId", "source", "sourceArn", "sourceIp", "sendingAccountId",
        "callerIdentity", "destination",
    }  # fmt: skip
    assert record["mail"]["sourceArn"] == f"arn:aws:ses:us-east-1:123456789012:identity/{SENDER}"
    bounce = record["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Permanent", "General")
    assert bounce["bouncedRecipients"][0]["emailAddress"] == "bounce@simulator.amazonses.com"
    assert bounce["reportingMTA"] == "dns; a8-44.smtp-out.amazonses.com"
    assert bounce["feedbackId"].endswith("-000000")
    assert "remoteMtaIp" in bounce
    assert note.sns["Type"] == "Notification"
    assert note.sns["TopicArn"] == BOUNCES
    assert json.loads(note.sns["Message"]) == record


@verified
def test_headers_appear_only_for_types_that_asked(client: SESClient, ses: SESMock) -> None:
    set_topics(client, Bounce=BOUNCES, Delivery=DELIVERIES)
    client.set_identity_headers_in_notifications_enabled(
        Identity=SENDER, NotificationType="Delivery", Enabled=True
    )
    send(client, "bounce@simulator.amazonses.com")
    send(client, "ann@example.net")

    bounce = ses.notifications.only(type="Bounce").record["mail"]
    delivery = ses.notifications.only(type="Delivery").record["mail"]
    assert "headers" not in bounce
    assert "commonHeaders" not in bounce
    assert delivery["headersTruncated"] is False
    assert {"name": "Subject", "value": "Hi"} in delivery["headers"]
    assert delivery["commonHeaders"]["to"] == ["ann@example.net"]
    assert "tags" not in delivery


@verified
def test_common_headers_keep_the_senders_own_message_id(client: SESClient, ses: SESMock) -> None:
    set_topics(client, Delivery=DELIVERIES)
    client.set_identity_headers_in_notifications_enabled(
        Identity=SENDER, NotificationType="Delivery", Enabled=True
    )
    raw = (
        f"From: {SENDER}\r\nTo: ann@example.net\r\nSubject: Hi\r\n"
        "Message-ID: <mine@shop.example>\r\n\r\nHello\r\n"
    )
    client.send_raw_email(RawMessage={"Data": raw.encode()})
    mail = ses.notifications.only().record["mail"]
    assert mail["commonHeaders"]["messageId"] == "<mine@shop.example>"
    assert mail["messageId"] == ses.outbox[0].message_id


@verified
def test_deliveries_and_complaints(client: SESClient, ses: SESMock) -> None:
    set_topics(client, Complaint=COMPLAINTS, Delivery=DELIVERIES)
    send(client, "complaint@simulator.amazonses.com")

    assert [n.type for n in ses.notifications] == ["Delivery", "Complaint"]
    delivery = ses.notifications.only(type="Delivery").record["delivery"]
    assert delivery["smtpResponse"] == "250 2.6.0 Message received"
    assert delivery["processingTimeMillis"] == 0
    assert delivery["recipients"] == ["complaint@simulator.amazonses.com"]
    complaint = ses.notifications.only(type="Complaint", topic=COMPLAINTS).record["complaint"]
    assert complaint["complaintFeedbackType"] == "abuse"
    assert complaint["complainedRecipients"] == [
        {"emailAddress": "complaint@simulator.amazonses.com"}
    ]


@verified
def test_an_address_identity_wins_over_its_domain(client: SESClient, ses: SESMock) -> None:
    set_topics(client, "shop.example", Bounce=BOUNCES)
    set_topics(client, SENDER, Bounce=COMPLAINTS)
    ses.set_outcome("@example.net", "bounce")
    send(client, "ann@example.net")
    send(client, "bob@example.net", source="other@shop.example")

    assert [(n.identity, n.topic) for n in ses.notifications] == [
        (SENDER, COMPLAINTS),
        ("shop.example", BOUNCES),
    ]


@verified
def test_simulations_and_outcome_rules_notify_too(client: SESClient, ses: SESMock) -> None:
    set_topics(client, Bounce=BOUNCES, Complaint=COMPLAINTS)
    ses.set_outcome("carl@example.net", "complaint", feedback_type="fraud")
    message_id = send(client, "ann@example.net")
    send(client, "carl@example.net")
    ses.simulate_bounce(message_id, bounce_type="Transient", sub_type="MailboxFull")

    assert (
        ses.notifications.only(type="Complaint").record["complaint"]["complaintFeedbackType"]
        == "fraud"
    )
    bounce = ses.notifications.only(type="Bounce", message_id=message_id).record["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Transient", "MailboxFull")
    assert not ses.notifications.filter(type="Delivery")  # no Delivery topic


@verified
def test_no_topic_no_notification(client: SESClient, ses: SESMock) -> None:
    send(client, "bounce@simulator.amazonses.com")
    send(client, "ann@example.net")
    assert len(ses.notifications) == 0


@verified
def test_a_configuration_set_and_an_identity_topic_both_receive(
    client: SESClient, ses: SESMock
) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "shop"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="shop",
        EventDestination={
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["bounce"],
            "SNSDestination": {"TopicARN": EVENTS},
        },
    )
    set_topics(client, Bounce=BOUNCES)
    message_id = send(client, "bounce@simulator.amazonses.com", ConfigurationSetName="shop")

    event = json.loads(ses.destination("to-sns").notifications[-1]["Message"])
    note = ses.notifications.only(message_id=message_id)
    assert event["eventType"] == "Bounce"
    assert "notificationType" not in event
    assert "tags" in event["mail"]
    assert "tags" not in note.record["mail"]
    assert note.record["notificationType"] == "Bounce"
    assert note.topic == BOUNCES
    assert event["bounce"]["feedbackId"] == note.record["bounce"]["feedbackId"]


@verified
def test_a_failed_send_leaves_no_notification(client: SESClient, ses: SESMock) -> None:
    set_topics(client, Delivery=DELIVERIES)

    def refuse(event: Any) -> None:
        if event.type == "Complaint":  # after the Delivery notification was published
            raise RuntimeError("observer failed")

    ses._account.on_event.append(refuse)
    with pytest.raises(RuntimeError):
        send(client, "complaint@simulator.amazonses.com")
    ses._account.on_event.clear()
    assert len(ses.outbox) == 0
    assert len(ses.notifications) == 0
    assert len(ses.feedback) == 0


# -- feedback forwarding ------------------------------------------------------------------------


@verified
def test_bounces_and_complaints_are_mailed_to_the_source_by_default(
    client: SESClient, ses: SESMock
) -> None:
    send(client, "bounce@simulator.amazonses.com")
    send(client, "complaint@simulator.amazonses.com")
    send(client, "ann@example.net")

    assert [f.type for f in ses.feedback] == ["Bounce", "Complaint"]
    bounce = ses.feedback.only(type="Bounce")
    assert bounce.to == SENDER
    assert bounce.sender == "MAILER-DAEMON@amazonses.com"
    assert bounce.recipients == ["bounce@simulator.amazonses.com"]
    assert "bounce@simulator.amazonses.com" in bounce.text
    assert bounce.feedback_id == ses.events.only(type="Bounce").record["bounce"]["feedbackId"]
    complaint = ses.feedback.only(type="Complaint")
    assert complaint.to == SENDER
    assert complaint.sender == "complaints@email-abuse.amazonses.com"
    assert "complaint@simulator.amazonses.com" in complaint.text
    assert "abuse" in complaint.text


@verified
def test_feedback_goes_to_the_return_path(client: SESClient, ses: SESMock) -> None:
    send(client, "bounce@simulator.amazonses.com", ReturnPath="bounces@shop.example")
    assert ses.feedback.only().to == "bounces@shop.example"


@verified
@pytest.mark.parametrize(("source", "expected"), [(None, "rp@shop.example"), (SENDER, SENDER)])
def test_raw_feedback_goes_to_source_over_a_return_path_header(
    client: SESClient, ses: SESMock, source: str | None, expected: str
) -> None:
    raw = (
        f"From: {SENDER}\r\nTo: bounce@simulator.amazonses.com\r\n"
        "Return-Path: <rp@shop.example>\r\nSubject: Hi\r\n\r\nHello\r\n"
    )
    if source:
        client.send_raw_email(RawMessage={"Data": raw.encode()}, Source=source)
    else:
        client.send_raw_email(RawMessage={"Data": raw.encode()})
    assert ses.feedback.only().to == expected


@verified
def test_with_forwarding_off_only_the_notifications(client: SESClient, ses: SESMock) -> None:
    set_topics(client, Bounce=BOUNCES, Complaint=COMPLAINTS)
    client.set_identity_feedback_forwarding_enabled(Identity=SENDER, ForwardingEnabled=False)
    send(client, "bounce@simulator.amazonses.com")
    send(client, "complaint@simulator.amazonses.com")

    assert len(ses.feedback) == 0
    assert [n.type for n in ses.notifications] == ["Bounce", "Complaint"]


@verified
def test_with_forwarding_on_both_channels(client: SESClient, ses: SESMock) -> None:
    set_topics(client, Bounce=BOUNCES, Complaint=COMPLAINTS)
    send(client, "bounce@simulator.amazonses.com")
    assert len(ses.feedback) == 1
    assert len(ses.notifications) == 1


@verified
def test_v2_off_without_other_channels_still_mails_feedback(
    client: SESClient, v2: SESV2Client, ses: SESMock
) -> None:
    v2.put_email_identity_feedback_attributes(EmailIdentity=SENDER, EmailForwardingEnabled=False)
    send(client, "bounce@simulator.amazonses.com")
    assert len(ses.feedback) == 1

    client.create_configuration_set(ConfigurationSet={"Name": "shop"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="shop",
        EventDestination={
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["bounce"],
            "SNSDestination": {"TopicARN": EVENTS},
        },
    )
    send(client, "bounce@simulator.amazonses.com", ConfigurationSetName="shop")
    assert len(ses.feedback) == 1  # the event destination reports it


def test_deliveries_are_never_forwarded(client: SESClient, ses: SESMock) -> None:
    for _ in range(3):
        send(client, "ann@example.net")
    assert len(ses.feedback) == 0
    assert len(ses.notifications) == 0


# -- queries ------------------------------------------------------------------------------------


@verified
def test_logs_explain_what_they_hold(client: SESClient, ses: SESMock) -> None:
    set_topics(client, Bounce=BOUNCES)
    send(client, "bounce@simulator.amazonses.com")
    with pytest.raises(TypeError, match="did you mean 'topic'"):
        ses.notifications.filter(topc=BOUNCES)
    with pytest.raises(AssertionError, match=r"topic arn:aws:sns:us-east-1:123456789012:bounces"):
        ses.notifications.only(type="Complaint")
    with pytest.raises(AssertionError, match=r"mailed to app@shop\.example"):
        ses.feedback.only(type="Complaint")
    assert "Notification Bounce" in repr(ses.notifications[0])
    assert "Feedback Bounce" in repr(ses.feedback[0])


def test_the_types_are_exported() -> None:
    import pytest_ses

    assert pytest_ses.Notification.__name__ == "Notification"
    assert pytest_ses.Feedback.__name__ == "Feedback"


def test_notification_attributes_of_at_most_100_identities(client: SESClient) -> None:
    names = [f"u{n}@example.com" for n in range(101)]
    error = raises_ses_error(
        lambda: client.get_identity_notification_attributes(Identities=names),
        "InvalidParameterValue",
        "At most 100 identities can be requested at once, got 101.",
    )
    assert isinstance(error, modeled(client, "ClientError"))
    got = client.get_identity_notification_attributes(Identities=names[:100])
    assert got["NotificationAttributes"] == {}  # none of them is an identity


# -- hooks -------------------------------------------------------------------------------------


def test_hooks_let_conftest_observe_notifications_and_feedback(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        SEEN = []

        def pytest_ses_notification_published(notification, ses):
            SEEN.append(("notification", notification.type, notification.recipients, ses.region))

        def pytest_ses_feedback_forwarded(feedback, ses):
            SEEN.append(("feedback", feedback.type, feedback.to))
        """
    )
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from conftest import SEEN

        TOPIC = "arn:aws:sns:us-east-1:123456789012:bounces"

        @pytest.mark.ses(verified_identities=["app@shop.example"])
        def test_observed(ses):
            client = boto3.client("ses", region_name="us-east-1")
            client.set_identity_notification_topic(
                Identity="app@shop.example", NotificationType="Bounce", SnsTopic=TOPIC
            )
            for to in ("bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"):
                client.send_email(
                    Source="app@shop.example",
                    Destination={"ToAddresses": [to]},
                    Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}},
                )
            # Forwarding stays on: the bounce is also mailed back, and so is the complaint.
            assert SEEN == [
                ("notification", "Bounce", ["bounce@simulator.amazonses.com"], "us-east-1"),
                ("feedback", "Bounce", "app@shop.example"),
                ("feedback", "Complaint", "app@shop.example"),
            ]
            assert [n.type for n in ses.notifications] == ["Bounce"]
            assert [f.type for f in ses.feedback] == ["Bounce", "Complaint"]
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_a_failing_notification_hook_leaves_no_trace_of_the_send(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def pytest_ses_notification_published(notification, ses):
            raise RuntimeError("observer broke")
        """
    )
    pytester.makepyfile(
        """
        import boto3
        import pytest

        @pytest.mark.ses(verified_identities=["app@shop.example"])
        def test_observed(ses):
            client = boto3.client("ses", region_name="us-east-1")
            client.set_identity_notification_topic(
                Identity="app@shop.example",
                NotificationType="Bounce",
                SnsTopic="arn:aws:sns:us-east-1:123456789012:bounces",
            )
            with pytest.raises(RuntimeError, match="observer broke"):
                client.send_email(
                    Source="app@shop.example",
                    Destination={"ToAddresses": ["bounce@simulator.amazonses.com"]},
                    Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}},
                )
            assert len(ses.outbox) == 0
            assert len(ses.notifications) == 0
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
