"""The account-level suppression list: SES API v2's operations, automatic listing, withheld sends."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sesv2 import SESV2Client

    from pytest_ses import SESMock

from tests.conftest import modeled, needs_model, raises_ses_error

SENDER = "shop@example.com"
TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events"
WITHHELD_TEXT = (
    "Amazon SES did not send the message to this address because it is on the suppression list "
    "for your account. For more information about removing addresses from the suppression list, "
    "see the Amazon SES Developer Guide at "
    "https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html"
)
BAD_REASON = (
    "1 validation error detected: Value at '{}' failed to satisfy constraint: "
    "Member must satisfy enum value set: [BOUNCE, COMPLAINT]"
)
BAD_REASONS = (
    "1 validation error detected: Value at '{}' failed to satisfy constraint: "
    "Member must satisfy constraint: [Member must satisfy enum value set: [BOUNCE, COMPLAINT]]"
)


def send(client: SESClient, *to: str, configuration_set: str | None = None) -> str:
    extra: dict[str, Any] = {}
    if configuration_set is not None:
        extra["ConfigurationSetName"] = configuration_set
    return client.send_email(
        Source=SENDER,
        Destination={"ToAddresses": list(to)},
        Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}},
        **extra,
    )["MessageId"]


def status(error: Any) -> int:
    code: int = error.response["ResponseMetadata"]["HTTPStatusCode"]
    return code


@pytest.fixture
def sns_set(client: SESClient) -> str:
    """A configuration set 'tracked' publishing every send, delivery and bounce to SNS."""
    client.create_configuration_set(ConfigurationSet={"Name": "tracked"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="tracked",
        EventDestination={
            "Name": "feedback",
            "Enabled": True,
            "MatchingEventTypes": ["send", "delivery", "bounce", "complaint"],
            "SNSDestination": {"TopicARN": TOPIC},
        },
    )
    return "tracked"


# -- the operations ------------------------------------------------------------------------------


def test_put_get_delete_round_trip(v2: SESV2Client, ses: SESMock) -> None:
    ses.advance(60)
    v2.put_suppressed_destination(EmailAddress="ann@example.net", Reason="COMPLAINT")
    got = v2.get_suppressed_destination(EmailAddress="ann@example.net")["SuppressedDestination"]
    # Added by hand: no message or feedback behind it, so no Attributes.
    assert got == {
        "EmailAddress": "ann@example.net",
        "Reason": "COMPLAINT",
        "LastUpdateTime": ses.clock.now(),
    }
    ses.advance(5)
    v2.put_suppressed_destination(EmailAddress="ann@example.net", Reason="BOUNCE")
    again = v2.get_suppressed_destination(EmailAddress="ann@example.net")["SuppressedDestination"]
    assert (again["Reason"], again["LastUpdateTime"]) == ("BOUNCE", ses.clock.now())
    v2.delete_suppressed_destination(EmailAddress="ann@example.net")
    assert v2.list_suppressed_destinations()["SuppressedDestinationSummaries"] == []
    assert ses.suppressed == {}


def test_the_domain_is_case_insensitive_the_local_part_is_not(v2: SESV2Client) -> None:
    v2.put_suppressed_destination(EmailAddress="Ann@EXAMPLE.net", Reason="BOUNCE")
    got = v2.get_suppressed_destination(EmailAddress="Ann@example.NET")
    assert got["SuppressedDestination"]["EmailAddress"] == "Ann@example.net"
    error = raises_ses_error(
        lambda: v2.get_suppressed_destination(EmailAddress="ann@example.net"),
        "NotFoundException",
        "Email address ann@example.net does not exist on your suppression list.",
    )
    assert status(error) == 404


def test_missing_addresses_are_not_found(v2: SESV2Client) -> None:
    for call in (v2.get_suppressed_destination, v2.delete_suppressed_destination):
        with pytest.raises(modeled(v2, "NotFoundException")) as info:
            call(EmailAddress="nobody@example.net")
        assert info.value.response["Error"]["Message"] == (
            "Email address nobody@example.net does not exist on your suppression list."
        )
        assert status(info.value) == 404


def test_put_checks_the_reason_and_the_address(v2: SESV2Client, ses: SESMock) -> None:
    error = raises_ses_error(
        lambda: v2.put_suppressed_destination(EmailAddress="a@example.net", Reason="SPAM"),  # type: ignore[arg-type]
        "BadRequestException",
        BAD_REASON.format("reason"),
    )
    assert isinstance(error, modeled(v2, "BadRequestException"))
    assert status(error) == 400
    error = raises_ses_error(
        lambda: v2.put_suppressed_destination(EmailAddress="not-an-address", Reason="BOUNCE"),
        "BadRequestException",
        "Invalid email address <not-an-address>.",
    )
    assert status(error) == 400
    assert ses.suppressed == {}


def test_tenants_do_not_exist(v2: SESV2Client) -> None:
    needs_model("sesv2", "PutSuppressedDestination", "TenantName")
    with pytest.raises(modeled(v2, "NotFoundException")) as info:
        v2.put_suppressed_destination(
            EmailAddress="a@example.net", Reason="BOUNCE", TenantName="blue"
        )
    assert info.value.response["Error"]["Message"] == "Tenant blue does not exist."


def test_list_filters_by_reason_and_date(v2: SESV2Client, ses: SESMock) -> None:
    v2.put_suppressed_destination(EmailAddress="b@example.net", Reason="BOUNCE")
    first = ses.clock.now()
    ses.advance(3600)
    v2.put_suppressed_destination(EmailAddress="a@example.net", Reason="COMPLAINT")
    ses.advance(3600)
    v2.put_suppressed_destination(EmailAddress="c@example.net", Reason="BOUNCE")
    last = ses.clock.now()

    def listed(**kwargs: Any) -> list[str]:
        found = v2.list_suppressed_destinations(**kwargs)["SuppressedDestinationSummaries"]
        return [s["EmailAddress"] for s in found]

    everyone = v2.list_suppressed_destinations()["SuppressedDestinationSummaries"]
    assert everyone[0] == {
        "EmailAddress": "a@example.net",
        "Reason": "COMPLAINT",
        "LastUpdateTime": first + dt.timedelta(hours=1),
    }
    assert listed() == ["a@example.net", "b@example.net", "c@example.net"]
    assert listed(Reasons=["BOUNCE"]) == ["b@example.net", "c@example.net"]
    assert listed(Reasons=["COMPLAINT", "BOUNCE"]) == listed()
    assert listed(StartDate=first + dt.timedelta(minutes=1)) == ["a@example.net", "c@example.net"]
    assert listed(EndDate=last - dt.timedelta(minutes=1)) == ["a@example.net", "b@example.net"]
    assert listed(StartDate=first, EndDate=first) == ["b@example.net"]
    assert listed(Reasons=["BOUNCE"], StartDate=last) == ["c@example.net"]
    raises_ses_error(
        lambda: v2.list_suppressed_destinations(Reasons=["BOUNCE", "SPAM"]),  # type: ignore[list-item]
        "BadRequestException",
        BAD_REASONS.format("reasons"),
    )


def test_list_pages(v2: SESV2Client) -> None:
    for name in "edcba":
        v2.put_suppressed_destination(EmailAddress=f"{name}@example.net", Reason="BOUNCE")
    pages = []
    kwargs: dict[str, Any] = {"PageSize": 2}
    while True:
        got = v2.list_suppressed_destinations(**kwargs)
        pages.append([s["EmailAddress"][0] for s in got["SuppressedDestinationSummaries"]])
        if "NextToken" not in got:
            break
        kwargs["NextToken"] = got["NextToken"]
    assert pages == [["a", "b"], ["c", "d"], ["e"]]


def test_list_page_size_bounds_and_bad_tokens(v2: SESV2Client) -> None:
    for size in (0, 1001):
        with pytest.raises(modeled(v2, "BadRequestException")) as bad:
            v2.list_suppressed_destinations(PageSize=size)
        message = bad.value.response["Error"]["Message"]
        assert message == f"PageSize must be between 1 and 1000, got {size}."
        assert status(bad.value) == 400
    assert v2.list_suppressed_destinations(PageSize=1000)["SuppressedDestinationSummaries"] == []
    with pytest.raises(modeled(v2, "InvalidNextTokenException")) as info:
        v2.list_suppressed_destinations(NextToken="forged")
    assert info.value.response["Error"]["Message"] == "Invalid NextToken: 'forged'."
    assert status(info.value) == 400


def test_a_full_page_by_default(v2: SESV2Client, ses: SESMock) -> None:
    # Written to the state directly: 1001 API calls would only make the test slow.
    from pytest_ses._fake.account import Suppressed

    state = ses._account.region(ses.region)
    for n in range(1001):
        address = f"u{n:04d}@example.net"
        state.suppressed[address] = Suppressed(address, "BOUNCE", ses.clock.now())
    got = v2.list_suppressed_destinations()
    assert len(got["SuppressedDestinationSummaries"]) == 1000
    rest = v2.list_suppressed_destinations(NextToken=got["NextToken"])
    assert [s["EmailAddress"] for s in rest["SuppressedDestinationSummaries"]] == [
        "u1000@example.net"
    ]
    assert "NextToken" not in rest


def test_account_suppression_attributes_are_checked(v2: SESV2Client) -> None:
    error = raises_ses_error(
        lambda: v2.put_account_suppression_attributes(SuppressedReasons=["BOUNCE", "spam"]),  # type: ignore[list-item]
        "BadRequestException",
        BAD_REASONS.format("suppressedReasons"),
    )
    assert status(error) == 400


# -- how addresses get on the list ---------------------------------------------------------------


def test_a_hard_bounce_lists_the_recipient_by_default(
    client: SESClient, v2: SESV2Client, ses: SESMock
) -> None:
    ses.set_outcome("gone@example.net", "bounce", bounce_type="Permanent", sub_type="NoEmail")
    ses.advance(30)
    message_id = send(client, "gone@example.net", "ann@example.net")
    bounce = ses.events.only(type="Bounce")
    got = v2.get_suppressed_destination(EmailAddress="gone@example.net")["SuppressedDestination"]
    assert got == {
        "EmailAddress": "gone@example.net",
        "Reason": "BOUNCE",
        "LastUpdateTime": ses.clock.now(),
        "Attributes": {
            "MessageId": message_id,
            "FeedbackId": bounce.record["bounce"]["feedbackId"],
        },
    }
    assert list(ses.suppressed) == ["gone@example.net"]
    entry = ses.suppressed["gone@example.net"]
    assert (entry.reason, entry.message_id) == ("BOUNCE", message_id)


def test_a_complaint_lists_the_recipient(client: SESClient, v2: SESV2Client, ses: SESMock) -> None:
    message_id = send(client, "ann@example.net")
    ses.advance(3600)
    complaint = ses.simulate_complaint(message_id)
    got = v2.get_suppressed_destination(EmailAddress="ann@example.net")["SuppressedDestination"]
    assert got["Reason"] == "COMPLAINT"
    assert got["LastUpdateTime"] == ses.clock.now()
    assert got["Attributes"] == {
        "MessageId": message_id,
        "FeedbackId": complaint.record["complaint"]["feedbackId"],
    }


def test_simulated_bounces_list_only_hard_bounces(client: SESClient, ses: SESMock) -> None:
    message_id = send(client, "soft@example.net", "hard@example.net")
    ses.simulate_bounce(message_id, ["soft@example.net"], "Transient", "MailboxFull")
    ses.simulate_bounce(message_id, ["soft@example.net"], "Undetermined", "Undetermined")
    assert ses.suppressed == {}
    ses.simulate_bounce(message_id, ["hard@example.net"])
    assert list(ses.suppressed) == ["hard@example.net"]


def test_the_mailbox_simulator_is_never_listed(client: SESClient, ses: SESMock) -> None:
    send(
        client,
        "bounce@simulator.amazonses.com",
        "bounce+label@simulator.amazonses.com",
        "complaint@simulator.amazonses.com",
        "suppressionlist@simulator.amazonses.com",
    )
    assert {e.type for e in ses.events} == {"Send", "Delivery", "Bounce", "Complaint"}
    assert ses.suppressed == {}
    # ... so it answers the same way every time.
    send(client, "bounce@simulator.amazonses.com")
    last = ses.events[-1].record["bounce"]
    assert (last["bounceType"], last["bounceSubType"]) == ("Permanent", "General")


def test_the_accounts_reasons_decide_what_is_listed(
    client: SESClient, v2: SESV2Client, ses: SESMock
) -> None:
    v2.put_account_suppression_attributes(SuppressedReasons=["COMPLAINT"])
    message_id = send(client, "a@example.net", "b@example.net")
    ses.simulate_bounce(message_id, ["a@example.net"])
    assert ses.suppressed == {}
    ses.simulate_complaint(message_id, ["b@example.net"])
    assert list(ses.suppressed) == ["b@example.net"]
    v2.put_account_suppression_attributes()  # no reasons: nothing is listed automatically
    ses.simulate_complaint(message_id, ["a@example.net"])
    assert list(ses.suppressed) == ["b@example.net"]


def test_a_configuration_sets_override_wins(
    client: SESClient, v2: SESV2Client, ses: SESMock
) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "quiet"})
    v2.put_configuration_set_suppression_options(ConfigurationSetName="quiet", SuppressedReasons=[])
    message_id = send(client, "a@example.net", configuration_set="quiet")
    ses.simulate_bounce(message_id)
    ses.simulate_complaint(message_id)
    assert ses.suppressed == {}
    # An unchanged set uses the account's reasons.
    client.create_configuration_set(ConfigurationSet={"Name": "plain"})
    ses.simulate_bounce(send(client, "a@example.net", configuration_set="plain"))
    assert list(ses.suppressed) == ["a@example.net"]


# -- sends to listed addresses -------------------------------------------------------------------


def test_a_send_to_a_listed_address_is_accepted_but_withheld(
    client: SESClient, v2: SESV2Client, ses: SESMock, sns_set: str
) -> None:
    v2.put_suppressed_destination(EmailAddress="gone@example.net", Reason="BOUNCE")
    message_id = send(
        client, "Gone <gone@EXAMPLE.net>", "ann@example.net", configuration_set=sns_set
    )
    assert ses.outbox[-1].message_id == message_id
    types = [(e.type, e.recipients) for e in ses.events]
    assert types == [
        ("Send", ["gone@EXAMPLE.net", "ann@example.net"]),
        ("Delivery", ["ann@example.net"]),
        ("Bounce", ["gone@EXAMPLE.net"]),
    ]
    notifications = ses.destination("feedback").notifications
    record = json.loads(notifications[-1]["Message"])
    assert record["eventType"] == "Bounce"
    assert record["mail"]["messageId"] == message_id
    bounce = record["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == (
        "Permanent",
        "OnAccountSuppressionList",
    )
    assert bounce["reportingMTA"] == "dns; amazonses.com"
    assert bounce["bouncedRecipients"] == [
        {
            "emailAddress": "gone@EXAMPLE.net",
            "action": "failed",
            "status": "5.1.1",
            "diagnosticCode": WITHHELD_TEXT,
        }
    ]
    # The list entry is as it was: a withheld send is not a new bounce.
    got = v2.get_suppressed_destination(EmailAddress="gone@example.net")["SuppressedDestination"]
    assert "Attributes" not in got


def test_withheld_recipients_count_as_sent_but_not_as_bounces(
    client: SESClient, v2: SESV2Client, ses: SESMock
) -> None:
    v2.put_suppressed_destination(EmailAddress="a@example.net", Reason="COMPLAINT")
    send(client, "a@example.net")
    (point,) = client.get_send_statistics()["SendDataPoints"]
    assert (point["DeliveryAttempts"], point["Bounces"]) == (1, 0)
    assert client.get_send_quota()["SentLast24Hours"] == 1


def test_raw_sends_and_later_bounces_are_withheld_too(client: SESClient, ses: SESMock) -> None:
    ses.set_outcome("gone@example.net", "bounce")
    send(client, "gone@example.net")
    first = ses.events.only(type="Bounce").record["bounce"]
    assert first["bounceSubType"] == "General"
    client.send_raw_email(
        RawMessage={
            "Data": b"From: shop@example.com\r\nTo: gone@example.net\r\nSubject: Hi\r\n\r\nHello"
        }
    )
    second = ses.events[-1]
    assert second.type == "Bounce"
    assert second.message.operation == "SendRawEmail"
    assert second.record["bounce"]["bounceSubType"] == "OnAccountSuppressionList"


def test_only_reasons_in_force_withhold(client: SESClient, v2: SESV2Client, ses: SESMock) -> None:
    v2.put_suppressed_destination(EmailAddress="b@example.net", Reason="BOUNCE")
    v2.put_suppressed_destination(EmailAddress="c@example.net", Reason="COMPLAINT")
    v2.put_account_suppression_attributes(SuppressedReasons=["COMPLAINT"])
    send(client, "b@example.net", "c@example.net")
    delivery, bounce = (e for e in ses.events if e.type in ("Delivery", "Bounce"))
    assert (delivery.recipients, bounce.recipients) == (["b@example.net"], ["c@example.net"])
    # A set that overrides with no reasons uses no suppression at all.
    v2.create_configuration_set(
        ConfigurationSetName="all", SuppressionOptions={"SuppressedReasons": []}
    )
    send(client, "b@example.net", "c@example.net", configuration_set="all")
    assert ses.events[-1].type == "Delivery"
    assert ses.events[-1].recipients == ["b@example.net", "c@example.net"]


def test_the_suppressed_view_is_a_copy(v2: SESV2Client, ses: SESMock) -> None:
    v2.put_suppressed_destination(EmailAddress="a@example.net", Reason="BOUNCE")
    view = ses.suppressed
    view["a@example.net"].reason = "COMPLAINT"
    view.clear()
    assert ses.suppressed["a@example.net"].reason == "BOUNCE"


def test_templated_and_bulk_sends_are_withheld_too(
    client: SESClient, v2: SESV2Client, ses: SESMock
) -> None:
    v2.put_suppressed_destination(EmailAddress="gone@example.net", Reason="BOUNCE")
    client.create_template(
        Template={"TemplateName": "hi", "SubjectPart": "Hi {{name}}", "TextPart": "Hello"}
    )
    client.send_templated_email(
        Source=SENDER,
        Destination={"ToAddresses": ["gone@example.net"]},
        Template="hi",
        TemplateData='{"name": "Gone"}',
    )
    client.send_bulk_templated_email(
        Source=SENDER,
        Template="hi",
        DefaultTemplateData='{"name": "you"}',
        Destinations=[
            {"Destination": {"ToAddresses": ["gone@example.net"]}},
            {"Destination": {"ToAddresses": ["ann@example.net"]}},
        ],
    )
    after_send = [(e.message.operation, e.type) for e in ses.events if e.type != "Send"]
    assert after_send == [
        ("SendTemplatedEmail", "Bounce"),
        ("SendBulkTemplatedEmail", "Bounce"),
        ("SendBulkTemplatedEmail", "Delivery"),
    ]
    assert all(
        e.record["bounce"]["bounceSubType"] == "OnAccountSuppressionList"
        for e in ses.events
        if e.type == "Bounce"
    )
