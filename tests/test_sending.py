"""SendEmail and SendRawEmail through a real boto3 client: SES's rules, and the outbox."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.exceptions import ClientError

from pytest_ses._fake.sending import MAX_MESSAGE_BYTES
from tests.conftest import NO_RETRIES, raises_ses_error

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SESMock

SENDER = "sender@example.com"
MESSAGE: dict[str, Any] = {
    "Subject": {"Data": "Hello"},
    "Body": {"Text": {"Data": "Plain body"}, "Html": {"Data": "<p>HTML body</p>"}},
}
MESSAGE_ID = re.compile(r"^0100[0-9a-f]{12}-[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}-000000$")


def send(client: SESClient, to: list[str] | None = None, **kwargs: Any) -> str:
    params: dict[str, Any] = {
        "Source": SENDER,
        "Destination": {"ToAddresses": to if to is not None else ["rcpt@example.net"]},
        "Message": MESSAGE,
    }
    params.update(kwargs)
    return client.send_email(**params)["MessageId"]


def raw_message(**headers: str) -> EmailMessage:
    message = EmailMessage()
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Plain body")
    return message


# -- SendEmail: the message and the outbox ---------------------------------------------------


def test_send_email_lands_in_the_outbox(client: SESClient, ses: SESMock) -> None:
    message_id = send(
        client,
        Destination={
            "ToAddresses": ["To One <to1@example.net>", "to2@example.net"],
            "CcAddresses": ["cc@example.net"],
            "BccAddresses": ["bcc@example.net"],
        },
        ReplyToAddresses=["replies@example.com"],
        ReturnPath="bounces@example.com",
        Tags=[{"Name": "campaign", "Value": "welcome"}],
    )
    assert MESSAGE_ID.match(message_id)
    (sent,) = ses.outbox
    assert sent.message_id == message_id
    assert sent.operation == "SendEmail"
    assert sent.region == "us-east-1"
    assert sent.source == SENDER
    assert sent.to == ["To One <to1@example.net>", "to2@example.net"]
    assert (sent.cc, sent.bcc) == (["cc@example.net"], ["bcc@example.net"])
    assert sent.destinations == sent.to + sent.cc + sent.bcc
    assert sent.reply_to == ["replies@example.com"]
    assert sent.return_path == "bounces@example.com"
    assert sent.tags == {"campaign": "welcome"}
    assert sent.configuration_set is None
    assert (sent.subject, sent.text, sent.html) == ("Hello", "Plain body", "<p>HTML body</p>")
    assert sent.attachments == []
    assert sent.headers["message-id"] == f"<{message_id}@email.amazonses.com>"
    assert "Bcc" not in sent.headers
    assert sent.timestamp == ses.clock.now()


def test_send_email_mime_reads_back_the_same(client: SESClient, ses: SESMock) -> None:
    # Parse the built MIME instead of using the values SendEmail already knows.
    from pytest_ses import SentMessage

    send(
        client,
        Message={
            "Subject": {"Data": "Grüße aus Köln", "Charset": "UTF-8"},
            "Body": {
                "Text": {"Data": "Zeile eins\nZeile zwei — ok"},
                "Html": {"Data": "<p>Grüße</p>", "Charset": "ISO-8859-1"},
            },
        },
    )
    stored = ses.outbox[0]
    reparsed = SentMessage(
        message_id="x", operation="SendEmail", region="us-east-1", source=SENDER,
        destinations=[], to=[], cc=[], bcc=[], reply_to=[], tags={}, configuration_set=None,
        raw=stored.raw, timestamp=stored.timestamp,
    )  # fmt: skip
    assert reparsed.subject == "Grüße aus Köln"
    assert reparsed.text is not None
    assert reparsed.text.replace("\r\n", "\n") == "Zeile eins\nZeile zwei — ok"
    assert reparsed.html == "<p>Grüße</p>"
    assert stored.raw.isascii()


def test_a_sent_message_is_not_changed_by_what_a_test_does_to_its_lists(
    client: SESClient, ses: SESMock
) -> None:
    send(client, to=["a@example.net"], ReplyToAddresses=["r@example.net"])
    (message,) = ses.outbox
    for field in ("destinations", "to", "cc", "bcc", "reply_to"):
        getattr(message, field).append("intruder@example.net")
    assert (message.destinations, message.to, message.cc, message.bcc, message.reply_to) == (
        ["a@example.net"], ["a@example.net"], [], [], ["r@example.net"],
    )  # fmt: skip


def test_message_ids_are_unique_and_time_ordered(client: SESClient, ses: SESMock) -> None:
    first = send(client)
    ses.advance(1.5)
    second = send(client)
    assert first != second
    assert int(second[4:16], 16) - int(first[4:16], 16) == 1500
    assert int(first[4:16], 16) == int(ses.clock.time() * 1000) - 1500


@pytest.mark.parametrize(("region", "prefix"), [("us-west-2", "0101"), ("eu-west-1", "0102")])
def test_message_id_prefix_follows_the_region(
    make_client: Callable[..., SESClient], region: str, prefix: str
) -> None:
    assert send(make_client(region)).startswith(prefix)


# -- addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("no-at-sign", "Missing final '@domain'"),
        ("@example.com", "Missing local name"),
        ("user@", "Missing domain"),
        ("user@exa mple.com", "Domain contains control or whitespace"),
        ("user@exa_mple!.com", "Domain contains illegal character"),
        ("user@bücher.de", "Domain contains illegal character"),
        ("us(er@example.com", "Local address contains illegal character"),
        ("üser@example.com", "Local address contains illegal character"),
        ("us er@example.com", "Local address contains control or whitespace"),
        (
            "Jürgen <j@example.com>",
            "Display names must be 7-bit ASCII; write non-ASCII names as RFC 2047 "
            "encoded-words (=?UTF-8?B?...?=)",
        ),
    ],
)
@pytest.mark.parametrize("field", ["Source", "To", "Cc", "Bcc", "ReplyTo", "ReturnPath"])
def test_malformed_addresses_are_rejected(
    client: SESClient, ses: SESMock, field: str, address: str, message: str
) -> None:
    options: dict[str, dict[str, Any]] = {
        "Source": {"Source": address},
        "To": {"Destination": {"ToAddresses": [address]}},
        "Cc": {"Destination": {"ToAddresses": ["ok@example.net"], "CcAddresses": [address]}},
        "Bcc": {"Destination": {"ToAddresses": ["ok@example.net"], "BccAddresses": [address]}},
        "ReplyTo": {"ReplyToAddresses": [address]},
        "ReturnPath": {"ReturnPath": address},
    }
    kwargs = options[field]
    error = raises_ses_error(lambda: send(client, **kwargs), "InvalidParameterValue", message)
    assert type(error) is ClientError
    assert len(ses.outbox) == 0
    assert ses.rejected[-1].message == message


@pytest.mark.parametrize(
    "address",
    [
        "plain@example.com",
        "Display Name <dn@example.com>",
        '"Last, First" <lf@example.com>',
        "=?UTF-8?B?SsO8cmdlbg==?= <j@example.com>",
        "user+tag@xn--bcher-kva.de",
        "o'brien@example.co.uk",
    ],
)
def test_valid_addresses_pass(client: SESClient, ses: SESMock, address: str) -> None:
    send(client, Source=address, to=[address])
    assert ses.outbox[0].destinations == [address]


# -- recipients and size -----------------------------------------------------------------------


def test_fifty_recipients_pass_fifty_one_do_not(client: SESClient) -> None:
    to = [f"r{i}@example.net" for i in range(20)]
    cc = [f"c{i}@example.net" for i in range(20)]
    bcc = [f"b{i}@example.net" for i in range(10)]
    send(client, Destination={"ToAddresses": to, "CcAddresses": cc, "BccAddresses": bcc})
    raises_ses_error(
        lambda: send(
            client,
            Destination={"ToAddresses": to, "CcAddresses": cc, "BccAddresses": [*bcc, "x@e.net"]},
        ),
        "InvalidParameterValue",
        "Recipient count exceeds 50.",
    )


def test_a_message_needs_a_recipient(client: SESClient) -> None:
    raises_ses_error(
        lambda: send(client, to=[]), "InvalidParameterValue", "Missing required header 'To'."
    )


def test_a_large_send_email_under_the_limit_is_measured_and_accepted(
    client: SESClient, ses: SESMock
) -> None:
    # 4 MB of text could, by the cheap bound, be over 10 MB once encoded: the fake
    # builds the MIME to measure it, and accepts it.
    body = "x" * 4_000_000
    send(client, Message={"Subject": {"Data": "big"}, "Body": {"Text": {"Data": body}}})
    (message,) = ses.outbox
    assert 4_000_000 < len(message.raw) < MAX_MESSAGE_BYTES
    assert message.text == body


def test_message_over_10_mb_is_rejected(client: SESClient) -> None:
    big = "x" * MAX_MESSAGE_BYTES
    error = raises_ses_error(
        lambda: send(client, Message={"Subject": {"Data": "big"}, "Body": {"Text": {"Data": big}}}),
        "InvalidParameterValue",
    )
    assert re.fullmatch(
        r"Message length is more than 10485760 bytes long: '\d+'\.",
        error.response["Error"]["Message"],
    )


def test_raw_message_of_9_9_mb_with_attachments_passes(client: SESClient, ses: SESMock) -> None:
    message = raw_message(From=SENDER, To="rcpt@example.net", Subject="Big")
    chunk = 3_600_000  # two attachments; base64 makes the message ~9.9 MB
    message.add_attachment(
        b"\x01" * chunk, maintype="application", subtype="octet-stream", filename="a.bin"
    )
    message.add_attachment(
        b"\x02" * chunk, maintype="application", subtype="octet-stream", filename="b.bin"
    )
    data = message.as_bytes()
    assert 9_700_000 < len(data) < MAX_MESSAGE_BYTES
    client.send_raw_email(RawMessage={"Data": data})
    assert [a.filename for a in ses.outbox[0].attachments] == ["a.bin", "b.bin"]
    assert ses.outbox[0].attachments[1].content == b"\x02" * chunk


def test_raw_message_over_10_mb_is_rejected(client: SESClient) -> None:
    data = raw_message(From=SENDER, To="r@example.net").as_bytes() + b"x" * MAX_MESSAGE_BYTES
    raises_ses_error(
        lambda: client.send_raw_email(RawMessage={"Data": data}),
        "InvalidParameterValue",
        f"Message length is more than 10485760 bytes long: '{len(data)}'.",
    )


# -- tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ([{"Name": "", "Value": ""}], "The tag name must be specified."),
        ([{"Name": "ok", "Value": ""}], "The tag value must be specified."),
        ([{"Name": "bad name", "Value": "v"}], "Invalid tag name <bad name>: only alphanumeric ASCII characters, '_',  '-' are allowed."),
        ([{"Name": "n", "Value": "bad value"}], "Invalid tag value <bad value>: only alphanumeric ASCII characters, '_',  '-' , '.', '@' are allowed."),
        ([{"Name": "n" * 256, "Value": "v"}], "Tag name cannot exceed 255 characters."),
        ([{"Name": "n", "Value": "v" * 256}], "Tag value cannot exceed 255 characters."),
        # Real SES's replies (recorded): the offending text between literal angle brackets.
        ([{"Name": "test_invalid_name:123", "Value": "v"}], "Invalid tag name <test_invalid_name:123>: only alphanumeric ASCII characters, '_',  '-' are allowed."),
        ([{"Name": "n", "Value": "test_invalid_value:123"}], "Invalid tag value <test_invalid_value:123>: only alphanumeric ASCII characters, '_',  '-' , '.', '@' are allowed."),
    ],
)  # fmt: skip
def test_bad_tags_are_rejected(client: SESClient, tags: list[dict[str, str]], message: str) -> None:
    raises_ses_error(lambda: send(client, Tags=tags), "InvalidParameterValue", message)


def test_tag_rules_allow_what_ses_allows(client: SESClient, ses: SESMock) -> None:
    tags = [
        {"Name": "ses:feedback-id-a", "Value": "user@example.com"},
        {"Name": "n" * 255, "Value": "v1.2_3-4"},
    ]
    send(client, Tags=tags)
    assert ses.outbox[0].tags == {t["Name"]: t["Value"] for t in tags}


@pytest.mark.ses(verified_identities=["someone-else@example.com"])
def test_tags_are_checked_before_identities(client: SESClient) -> None:
    raises_ses_error(
        lambda: send(client, Tags=[{"Name": "n", "Value": ""}]),
        "InvalidParameterValue",
        "The tag value must be specified.",
    )


# -- configuration sets ------------------------------------------------------------------------


def test_configuration_set_must_exist(client: SESClient) -> None:
    with pytest.raises(client.exceptions.ConfigurationSetDoesNotExistException) as info:
        send(client, ConfigurationSetName="missing")
    assert info.value.response["Error"]["Code"] == "ConfigurationSetDoesNotExist"
    assert info.value.response["Error"]["Message"] == "Configuration set <missing> does not exist."
    assert cast(dict[str, Any], info.value.response["Error"])["ConfigurationSetName"] == "missing"


def test_configuration_set_is_recorded(client: SESClient, ses: SESMock) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "transactional"})
    send(client, ConfigurationSetName="transactional")
    assert ses.outbox[0].configuration_set == "transactional"


# -- verification and the sandbox --------------------------------------------------------------


@pytest.mark.ses(verified_identities=["verified@example.com"])
def test_unverified_source_is_rejected(client: SESClient, ses: SESMock) -> None:
    with pytest.raises(client.exceptions.MessageRejected) as info:
        send(client, Source="Someone <nobody@example.org>")
    assert info.value.response["Error"]["Code"] == "MessageRejected"
    assert info.value.response["Error"]["Message"] == (
        "Email address is not verified. The following identities failed the check in region "
        "US-EAST-1: Someone <nobody@example.org>"
    )
    assert ses.rejected[0].code == "MessageRejected"
    assert len(ses.outbox) == 0


@pytest.mark.ses(verified_identities=["example.com"])
def test_a_verified_domain_covers_its_addresses_case_insensitively(client: SESClient) -> None:
    send(client, Source="Anyone@EXAMPLE.com")


@pytest.mark.ses(verified_identities=["sender@example.com"])
def test_unverified_return_path_is_rejected(make_client: Callable[..., SESClient]) -> None:
    client = make_client("eu-west-1")
    raises_ses_error(
        lambda: send(client, ReturnPath="bounces@elsewhere.org"),
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in region "
        "EU-WEST-1: bounces@elsewhere.org",
    )


@pytest.mark.ses(verified_identities=[])
def test_verification_is_per_region(make_client: Callable[..., SESClient], ses: SESMock) -> None:
    ses.verify(SENDER, region="eu-west-1")
    send(make_client("eu-west-1"))
    raises_ses_error(lambda: send(make_client("us-east-1")), "MessageRejected")


@pytest.mark.ses(verified_identities=[])
def test_verify_operations_make_identities_verified(client: SESClient) -> None:
    raises_ses_error(lambda: send(client), "MessageRejected")
    client.verify_domain_identity(Domain="example.com")
    send(client)


@pytest.mark.ses(sandbox=True, verified_identities=[SENDER, "friend@example.net"])
def test_sandbox_requires_verified_recipients_except_the_simulator(client: SESClient) -> None:
    send(
        client,
        to=[
            "friend@example.net",
            "success@simulator.amazonses.com",
            "bounce+x@simulator.amazonses.com",
        ],
    )
    raises_ses_error(
        lambda: send(
            client, to=["friend@example.net", "stranger@example.org", "Other <o@example.org>"]
        ),
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in region "
        "US-EAST-1: stranger@example.org, Other <o@example.org>",
    )


@pytest.mark.ses(verified_identities=[SENDER])
def test_outside_the_sandbox_recipients_need_no_verification(client: SESClient) -> None:
    send(client, to=["stranger@example.org"])


# -- quotas ----------------------------------------------------------------------------------


@pytest.mark.ses(max_24_hour_send=3, max_send_rate=-1)
def test_daily_quota_counts_recipients(client: SESClient, ses: SESMock) -> None:
    send(client, to=["a@example.net", "b@example.net"])
    send(client, to=["success@simulator.amazonses.com"])  # the simulator is not counted
    assert client.get_send_quota()["SentLast24Hours"] == 2.0
    send(client, to=["c@example.net"])
    no_retry = client  # Throttling is retried by botocore; the daily quota stays exceeded
    raises_ses_error(
        lambda: send(no_retry, to=["d@example.net"]), "Throttling", "Daily message quota exceeded."
    )
    ses.advance(24 * 3600)
    send(client, to=["d@example.net"])
    assert client.get_send_quota()["SentLast24Hours"] == 1.0


@pytest.mark.ses(max_24_hour_send=3, max_send_rate=-1)
def test_the_daily_window_lets_each_send_go_24_hours_after_it(
    make_client: Callable[..., SESClient], ses: SESMock
) -> None:
    client = make_client(config=NO_RETRIES)  # retries would move the clock on
    send(client, to=["a@example.net", "b@example.net"])
    send(client, to=["c@example.net"])  # same instant: 3 of 3 used
    ses.advance(12 * 3600)
    raises_ses_error(lambda: send(client), "Throttling", "Daily message quota exceeded.")
    ses.advance(12 * 3600 - 1)
    assert client.get_send_quota()["SentLast24Hours"] == 3.0  # one second to go
    ses.advance(1)
    assert client.get_send_quota()["SentLast24Hours"] == 0.0
    send(client, to=["d@example.net"])
    ses.advance(3600)
    send(client, to=["e@example.net", "f@example.net"])
    raises_ses_error(lambda: send(client), "Throttling", "Daily message quota exceeded.")
    ses.advance(23 * 3600)  # the first of the two new sends leaves the window
    assert client.get_send_quota()["SentLast24Hours"] == 2.0
    send(client, to=["g@example.net"])


@pytest.mark.ses(max_send_rate=2)
def test_send_rate_is_a_throttle_seen_without_retries(
    make_client: Callable[..., SESClient], ses: SESMock
) -> None:
    client = make_client(config=NO_RETRIES)
    send(client)
    send(client)
    error = raises_ses_error(lambda: send(client), "Throttling", "Maximum sending rate exceeded.")
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    ses.advance(0.5)
    send(client)  # one token back after half a second at 2/s


@pytest.mark.ses(max_send_rate=1)
def test_a_big_send_at_1_per_second_blocks_for_as_many_seconds(
    make_client: Callable[..., SESClient], ses: SESMock
) -> None:
    client = make_client(config=NO_RETRIES)
    send(client, to=[f"r{i}@example.net" for i in range(5)])
    ses.advance(4.5)
    raises_ses_error(lambda: send(client), "Throttling", "Maximum sending rate exceeded.")
    ses.advance(0.5)
    send(client)


@pytest.mark.ses(max_send_rate=1)
def test_botocore_retries_absorb_the_rate_throttle_on_the_virtual_clock(
    client: SESClient, ses: SESMock
) -> None:
    start = ses.clock.time()
    for _ in range(3):
        send(client)
    assert len(ses.outbox) == 3
    # Each throttled send was retried once after a 1 s virtual back-off.
    assert ses.clock.time() - start == 2.0
    assert [c.attempt for c in ses.calls] == [1, 1, 2, 1, 2]
    assert [r.code for r in ses.rejected] == ["Throttling", "Throttling"]


@pytest.mark.ses(sandbox=True)
def test_sandbox_implies_the_sandbox_rate(make_client: Callable[..., SESClient]) -> None:
    client = make_client(config=NO_RETRIES)
    send(client)
    raises_ses_error(lambda: send(client), "Throttling", "Maximum sending rate exceeded.")


def test_send_statistics_count_delivery_attempts(client: SESClient, ses: SESMock) -> None:
    send(client, to=["a@example.net", "b@example.net"])
    send(client, to=["success@simulator.amazonses.com"])
    (point,) = client.get_send_statistics()["SendDataPoints"]
    assert point["DeliveryAttempts"] == 3
    assert (point["Bounces"], point["Complaints"], point["Rejects"]) == (0, 0, 0)


# -- SendRawEmail ----------------------------------------------------------------------------


def test_raw_email_reads_like_send_email(client: SESClient, ses: SESMock) -> None:
    message = raw_message(
        From="Shop <shop@example.com>",
        To="Team: a@example.net, B <b@example.net>;",
        Cc="c@example.net",
        Reply_To="help@example.com",
        Subject="Ihre Bestellung – Größe",
        Message_ID=make_msgid(),
        Date="Mon, 01 Jan 2001 00:00:00 +0000",
    )
    message.add_alternative("<p>Danke</p>", subtype="html")
    related = cast(list[EmailMessage], message.get_payload())[1]
    related.add_related(b"\x89PNG...", maintype="image", subtype="png", cid="<logo>")
    message.add_attachment(
        b"%PDF-1.4", maintype="application", subtype="pdf", filename="invoice.pdf"
    )
    message_id = client.send_raw_email(RawMessage={"Data": message.as_bytes()})["MessageId"]
    (sent,) = ses.outbox
    assert sent.operation == "SendRawEmail"
    assert sent.source == "Shop <shop@example.com>"
    assert sent.destinations == ["a@example.net", "B <b@example.net>", "c@example.net"]
    assert sent.to == ["a@example.net", "B <b@example.net>"]
    assert sent.reply_to == ["help@example.com"]
    assert sent.subject == "Ihre Bestellung – Größe"
    assert sent.text == "Plain body\n"
    assert sent.html == "<p>Danke</p>\n"
    assert [(a.filename, a.content_type, a.inline) for a in sent.attachments] == [
        (None, "image/png", True),
        ("invoice.pdf", "application/pdf", False),
    ]
    assert sent.attachments[0].content_id == "logo"
    assert sent.headers.get_all("Message-ID") == [f"<{message_id}@email.amazonses.com>"]
    assert (
        sent.headers["date"] == ses.outbox[0].headers["Date"] != "Mon, 01 Jan 2001 00:00:00 +0000"
    )


def test_raw_destinations_override_headers(client: SESClient, ses: SESMock) -> None:
    data = raw_message(From=SENDER, To="header@example.net").as_bytes()
    client.send_raw_email(Destinations=["envelope@example.net"], RawMessage={"Data": data})
    assert ses.outbox[0].destinations == ["envelope@example.net"]
    assert ses.outbox[0].to == ["header@example.net"]


def test_raw_source_is_optional_with_a_from_header(client: SESClient, ses: SESMock) -> None:
    data = raw_message(To="r@example.net").as_bytes()
    raises_ses_error(
        lambda: client.send_raw_email(RawMessage={"Data": data}),
        "InvalidParameterValue",
        "Missing required header 'From'.",
    )
    client.send_raw_email(Source=SENDER, RawMessage={"Data": data})
    assert ses.outbox[0].source == SENDER


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"From": SENDER}, "Missing required header 'To'."),
        ({"From": SENDER, "To": "undisclosed-recipients:;"}, "Empty required header 'To'."),
    ],
)
def test_raw_email_needs_recipients(
    client: SESClient, headers: dict[str, str], message: str
) -> None:
    data = raw_message(**headers).as_bytes()
    raises_ses_error(
        lambda: client.send_raw_email(RawMessage={"Data": data}), "InvalidParameterValue", message
    )


def test_raw_ses_headers_are_honoured_and_stripped(client: SESClient, ses: SESMock) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "from-header"})
    data = raw_message(
        From=SENDER,
        To="r@example.net",
        X_SES_CONFIGURATION_SET="from-header",
        X_SES_MESSAGE_TAGS="campaign=spring, segment=vip",
        X_SES_SOURCE_ARN="arn:aws:ses:us-east-1:123456789012:identity/example.com",
        X_SES_FROM_ARN="arn:aws:ses:us-east-1:123456789012:identity/example.com",
        X_SES_RETURN_PATH_ARN="arn:aws:ses:us-east-1:123456789012:identity/example.com",
    ).as_bytes()
    client.send_raw_email(RawMessage={"Data": data})
    sent = ses.outbox[0]
    assert sent.configuration_set == "from-header"
    assert sent.tags == {"campaign": "spring", "segment": "vip"}
    assert sent.source_arn == sent.from_arn == sent.return_path_arn
    assert sent.source_arn == "arn:aws:ses:us-east-1:123456789012:identity/example.com"
    assert not [name for name, _ in sent.headers if name.upper().startswith("X-SES-")]


def test_raw_api_parameters_win_and_tags_are_not_merged(client: SESClient, ses: SESMock) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "api"})
    data = raw_message(
        From=SENDER, To="r@example.net", X_SES_CONFIGURATION_SET="missing-but-ignored",
        X_SES_MESSAGE_TAGS="header=tag",
    ).as_bytes()  # fmt: skip
    client.send_raw_email(
        RawMessage={"Data": data},
        ConfigurationSetName="api",
        Tags=[{"Name": "api", "Value": "tag"}],
    )
    assert (ses.outbox[0].configuration_set, ses.outbox[0].tags) == ("api", {"api": "tag"})


def test_raw_header_tags_are_validated(client: SESClient) -> None:
    data = raw_message(From=SENDER, To="r@example.net", X_SES_MESSAGE_TAGS="bad name=v").as_bytes()
    raises_ses_error(
        lambda: client.send_raw_email(RawMessage={"Data": data}),
        "InvalidParameterValue",
        "Invalid tag name <bad name>: only alphanumeric ASCII characters, '_',  '-' are allowed.",
    )


@pytest.mark.ses(verified_identities=[SENDER])
def test_raw_from_header_must_be_verified_too(client: SESClient) -> None:
    data = raw_message(From="Spoof <ceo@other.example>", To="r@example.net").as_bytes()
    raises_ses_error(
        lambda: client.send_raw_email(Source=SENDER, RawMessage={"Data": data}),
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in region "
        "US-EAST-1: Spoof <ceo@other.example>",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a header line\r\n\r\nbody", "Illegal content."),
        (b"From: a@example.com\r\n: no name\r\n\r\nbody", "Empty header names are illegal."),
        (b"From: J\xc3\xbcrgen <j@example.com>\r\nTo: r@example.net\r\n\r\nx", None),
    ],
)
def test_malformed_raw_messages_get_ses_errors(
    client: SESClient, data: bytes, message: str | None
) -> None:
    raises_ses_error(
        lambda: client.send_raw_email(RawMessage={"Data": data}), "InvalidParameterValue", message
    )


def test_non_utf8_body_and_broken_mime_are_stored_not_crashed_on(
    client: SESClient, ses: SESMock
) -> None:
    data = (
        b"From: a@example.com\r\nTo: r@example.net\r\nSubject: =?bogus?Q?x?=\r\n"
        b'Content-Type: multipart/mixed; boundary="nope"\r\n\r\n\xff\xfe\x00 latin-1 \xe9'
    )
    client.send_raw_email(RawMessage={"Data": data})
    sent = ses.outbox[0]
    assert sent.subject == "=?bogus?Q?x?="
    assert sent.attachments == []
    assert sent.raw.endswith(b"\xff\xfe\x00 latin-1 \xe9")


# -- pausing ---------------------------------------------------------------------------------


def test_paused_configuration_set_refuses_sends(client: SESClient, ses: SESMock) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    client.update_configuration_set_sending_enabled(ConfigurationSetName="marketing", Enabled=False)
    with pytest.raises(client.exceptions.ConfigurationSetSendingPausedException) as info:
        send(client, ConfigurationSetName="marketing")
    assert info.value.response["Error"]["Code"] == "ConfigurationSetSendingPausedException"
    assert (
        info.value.response["Error"]["Message"]
        == "Sending is paused for configuration set marketing"
    )
    described = client.describe_configuration_set(
        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["reputationOptions"]
    )
    assert described["ReputationOptions"]["SendingEnabled"] is False
    send(client)  # other mail still goes
    client.update_configuration_set_sending_enabled(ConfigurationSetName="marketing", Enabled=True)
    send(client, ConfigurationSetName="marketing")
    assert len(ses.outbox) == 2


def test_paused_account_refuses_sends_in_that_region_only(
    make_client: Callable[..., SESClient],
) -> None:
    client = make_client("us-east-1")
    assert client.get_account_sending_enabled()["Enabled"] is True
    client.update_account_sending_enabled(Enabled=False)
    assert client.get_account_sending_enabled()["Enabled"] is False
    with pytest.raises(client.exceptions.AccountSendingPausedException) as info:
        send(client)
    assert info.value.response["Error"]["Message"] == (
        "Sending is paused for this account in region us-east-1."
    )
    send(make_client("eu-west-1"))
    client.update_account_sending_enabled(Enabled=True)
    send(client)


@pytest.mark.ses(max_send_rate=1)
def test_a_bad_raw_reply_to_fails_before_spending_the_rate(
    make_client: Callable[..., SESClient],
) -> None:
    client = make_client(config=NO_RETRIES)
    data = raw_message(From=SENDER, To="r@example.net", Reply_To="not-an-address").as_bytes()
    raises_ses_error(
        lambda: client.send_raw_email(RawMessage={"Data": data}),
        "InvalidParameterValue",
        "Missing final '@domain'",
    )
    send(client)  # the rate allowance is intact


FORKING_SENDER = """
import os, boto3, pytest_ses
with pytest_ses.mock_ses() as ses:
    client = boto3.client("ses", region_name="us-east-1")
    def send():
        return client.send_email(
            Source="a@example.com", Destination={"ToAddresses": ["b@example.com"]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
        )["MessageId"]
    send()
    read, write = os.pipe()
    if os.fork() == 0:
        os.write(write, send().encode())
        os._exit(0)
    os.close(write)
    os.wait()
    print(os.read(read, 200).decode(), send())
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_ids_are_version_4_uuids_in_canonical_form() -> None:
    import uuid

    from pytest_ses._ids import new_uuid

    for _ in range(2000):
        text = new_uuid()
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_ids_neither_follow_nor_disturb_the_random_module(ses: SESMock, client: SESClient) -> None:
    # Code under test may seed ``random``; the fake's ids come from elsewhere.
    import random

    random.seed(7)
    expected = random.random()
    random.seed(7)
    first = send(client)
    assert random.random() == expected
    random.seed(7)
    second = send(client)
    assert first != second
    assert len({m.message_id for m in ses.outbox}) == 2


def test_a_forked_process_makes_message_ids_of_its_own() -> None:
    # In a fresh process: forking the test process itself (with its threads) is unsafe.
    done = subprocess.run(
        [sys.executable, "-c", FORKING_SENDER], capture_output=True, text=True, timeout=60,
        check=True,
    )  # fmt: skip
    child_id, parent_id = done.stdout.split()
    assert child_id[17:53] != parent_id[17:53]  # the UUID part
