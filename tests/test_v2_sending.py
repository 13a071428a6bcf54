"""SES API v2's SendEmail through real ``sesv2`` clients: one outbox, quota and check order with v1."""

from __future__ import annotations

import json
from collections.abc import Callable
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import pytest

from pytest_ses import NotEmulatedError
from tests.conftest import NO_RETRIES, modeled, needs_model, raises_ses_error
from tests.test_events import destination

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sesv2 import SESV2Client

    from pytest_ses import SESMock

SENDER = "sender@example.com"
SIMPLE: dict[str, Any] = {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Plain body"}}}
TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events"


def send(v2: SESV2Client, to: list[str] | None = None, **kwargs: Any) -> str:
    params: dict[str, Any] = {
        "FromEmailAddress": SENDER,
        "Destination": {"ToAddresses": to or ["ann@example.net"]},
        "Content": {"Simple": SIMPLE},
        **kwargs,
    }
    return v2.send_email(**params)["MessageId"]


def v1_send(client: SESClient, to: list[str] | None = None) -> str:
    return client.send_email(
        Source=SENDER,
        Destination={"ToAddresses": to or ["ann@example.net"]},
        Message=SIMPLE,  # type: ignore[arg-type]
    )["MessageId"]


def check_error(
    v2: SESV2Client, call: Callable[[], object], code: str, message: str, status: int = 400
) -> None:
    """``call`` fails with ``code``, ``message``, ``status`` and v2's modeled exception class."""
    error = raises_ses_error(call, code, message)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert isinstance(error, modeled(v2, code))


@pytest.fixture
def strict(make_v2: Callable[..., SESV2Client]) -> SESV2Client:
    """A v2 client that does not retry: throttles reach the test."""
    return make_v2(config=NO_RETRIES)


# -- Simple content ----------------------------------------------------------------------------


def test_simple_content_lands_in_the_shared_outbox(v2: SESV2Client, ses: SESMock) -> None:
    message_id = send(
        v2,
        ["ann@example.net"],
        Destination={
            "ToAddresses": ["ann@example.net"],
            "CcAddresses": ["bob@example.net"],
            "BccAddresses": ["cat@example.net"],
        },
        ReplyToAddresses=["help@example.com"],
        Content={
            "Simple": {
                "Subject": {"Data": "Grüße", "Charset": "UTF-8"},
                "Body": {"Text": {"Data": "Plain"}, "Html": {"Data": "<p>Rich</p>"}},
            }
        },
        EmailTags=[{"Name": "campaign", "Value": "spring"}],
    )
    [sent] = ses.outbox
    assert (sent.message_id, sent.service, sent.operation) == (message_id, "sesv2", "SendEmail")
    assert (sent.source, sent.to, sent.cc, sent.bcc) == (
        SENDER, ["ann@example.net"], ["bob@example.net"], ["cat@example.net"]
    )  # fmt: skip
    assert sent.destinations == ["ann@example.net", "bob@example.net", "cat@example.net"]
    assert (sent.reply_to, sent.tags) == (["help@example.com"], {"campaign": "spring"})
    assert (sent.subject, sent.text, sent.html) == ("Grüße", "Plain", "<p>Rich</p>")
    assert sent.headers["Subject"].startswith("=?UTF-8?B?")
    assert "Bcc" not in sent.headers
    ses.assert_sent(service="sesv2", operation="SendEmail", subject="Grüße")
    [call] = ses.calls
    assert (call.service, call.operation, call.outcome) == ("sesv2", "SendEmail", "ok")


def test_v1_and_v2_messages_read_alike(client: SESClient, v2: SESV2Client, ses: SESMock) -> None:
    v1_send(client)
    send(v2)
    first, second = ses.outbox
    assert (first.service, second.service) == ("ses", "sesv2")
    for field in ("source", "to", "subject", "text", "html", "attachments", "configuration_set"):
        assert getattr(first, field) == getattr(second, field), field


def test_custom_headers_follow_the_ones_ses_writes(v2: SESV2Client, ses: SESMock) -> None:
    headers = [
        {"Name": "List-Unsubscribe", "Value": "<https://example.com/u?id=1>"},
        {"Name": "List-Unsubscribe-Post", "Value": "List-Unsubscribe=One-Click"},
        {"Name": "X-Campaign", "Value": "a"},
        {"Name": "X-Campaign", "Value": "b"},  # a field not on SES's once-only list may repeat
    ]
    send(v2, Content={"Simple": {**SIMPLE, "Headers": headers}})
    [sent] = ses.outbox
    names = [name for name, _ in sent.headers]
    assert names.index("List-Unsubscribe") > names.index("Date")
    assert sent.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent.headers.get_all("X-Campaign") == ["a", "b"]
    assert sent.text == "Plain body"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"Name": "Subject", "Value": "x"}, "Header Subject is set by Amazon SES and cannot be given in Headers."),
        ({"Name": "message-id", "Value": "<x@y>"}, "Header message-id is set by Amazon SES and cannot be given in Headers."),
        ({"Name": "Bad Name", "Value": "x"}, "Invalid header name: Bad Name."),
        ({"Name": "X-Long", "Value": "v" * 871}, "Invalid value for header X-Long: printable ASCII of at most 870 characters is required."),
        ({"Name": "X-Text", "Value": "caf\u00e9"}, "Invalid value for header X-Text: printable ASCII of at most 870 characters is required."),
    ],
)  # fmt: skip
def test_headers_ses_writes_or_malformed_ones_are_refused(
    v2: SESV2Client, ses: SESMock, header: dict[str, str], message: str
) -> None:
    content = {"Simple": {**SIMPLE, "Headers": [header]}}
    check_error(v2, lambda: send(v2, Content=content), "BadRequestException", message)
    assert len(ses.outbox) == 0
    assert [(r.operation, r.code) for r in ses.rejected] == [("SendEmail", "BadRequestException")]


def test_a_once_only_header_given_twice_is_refused(v2: SESV2Client) -> None:
    twice = [{"Name": "List-Id", "Value": "a"}, {"Name": "list-id", "Value": "b"}]
    content = {"Simple": {**SIMPLE, "Headers": twice}}
    check_error(
        v2, lambda: send(v2, Content=content), "BadRequestException",
        "Header list-id may appear only once.",
    )  # fmt: skip


def test_attachments_are_delivered_with_their_parts(v2: SESV2Client, ses: SESMock) -> None:
    pdf = bytes(range(256)) * 4
    attachments = [
        {"FileName": "report.pdf", "RawContent": pdf, "ContentDescription": "Q1 report"},
        {
            "FileName": "logo.png",
            "RawContent": b"\x89PNG...",
            "ContentType": "image/png",
            "ContentDisposition": "INLINE",
            "ContentId": "logo",
        },
        {
            "FileName": "notes ünïcode.txt",
            "RawContent": b"line one\nline two",
            "ContentTransferEncoding": "QUOTED_PRINTABLE",
        },
        {"FileName": "plain.txt", "RawContent": b"ascii", "ContentTransferEncoding": "SEVEN_BIT"},
    ]
    html = {"Html": {"Data": '<img src="cid:logo">'}, "Text": {"Data": "see attached"}}
    send(
        v2,
        Content={
            "Simple": {"Subject": {"Data": "Files"}, "Body": html, "Attachments": attachments}
        },
    )
    [sent] = ses.outbox
    assert (sent.text, sent.html) == ("see attached", '<img src="cid:logo">')
    found = {a.filename: a for a in sent.attachments}
    assert list(found) == ["report.pdf", "logo.png", "notes ünïcode.txt", "plain.txt"]
    assert (found["report.pdf"].content, found["report.pdf"].content_type) == (
        pdf,
        "application/pdf",
    )
    logo = found["logo.png"]
    assert (logo.inline, logo.content_id, logo.content_type) == (True, "logo", "image/png")
    assert found["notes ünïcode.txt"].content == b"line one\nline two"
    assert found["plain.txt"].content == b"ascii"
    assert b"Content-Description: Q1 report" in sent.raw
    assert sent.headers["Content-Type"].startswith("multipart/mixed")


@pytest.mark.parametrize(
    ("attachment", "message"),
    [
        ({"FileName": "a.bin", "RawContent": b"\xff", "ContentTransferEncoding": "SEVEN_BIT"},
         "Attachment a.bin is not 7-bit data; use BASE64 or QUOTED_PRINTABLE."),
        ({"FileName": "a.bin", "RawContent": b"x", "ContentType": "text/plain\r\nX-Evil: 1"},
         "Invalid attachment content type: text/plain\r\nX-Evil: 1."),
        ({"FileName": "a.bin", "RawContent": b"x", "ContentId": "a b"},
         "Invalid attachment content ID: a b."),
    ],
)  # fmt: skip
def test_malformed_attachments_are_refused(
    v2: SESV2Client, attachment: dict[str, Any], message: str
) -> None:
    content = {"Simple": {**SIMPLE, "Attachments": [attachment]}}
    check_error(v2, lambda: send(v2, Content=content), "BadRequestException", message)


def test_attachments_count_toward_the_size_limit(v2: SESV2Client, ses: SESMock) -> None:
    big = {"FileName": "big.bin", "RawContent": b"\0" * 7_900_000}
    content = {"Simple": {**SIMPLE, "Attachments": [big]}}
    error = raises_ses_error(lambda: send(v2, Content=content), "BadRequestException")
    assert error.response["Error"]["Message"].startswith(
        "Message length is more than 10485760 bytes long: '108"
    )
    assert len(ses.outbox) == 0


# -- Raw content -------------------------------------------------------------------------------


def raw_message(**headers: str) -> bytes:
    message = EmailMessage()
    for name, value in {"From": "Shop <shop@example.com>", "To": "ann@example.net",
                        "Subject": "Raw", **headers}.items():  # fmt: skip
        message[name.replace("_", "-")] = value
    message.set_content("raw body")
    message.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="a.pdf")
    return message.as_bytes()


def test_raw_content_takes_its_sender_and_recipients_from_the_message(
    v2: SESV2Client, ses: SESMock
) -> None:
    data = raw_message(X_SES_CONFIGURATION_SET="", X_SES_MESSAGE_TAGS="kind=receipt")
    message_id = v2.send_email(Content={"Raw": {"Data": data}})["MessageId"]
    [sent] = ses.outbox
    assert (sent.message_id, sent.service, sent.operation) == (message_id, "sesv2", "SendEmail")
    assert (sent.source, sent.destinations) == ("Shop <shop@example.com>", ["ann@example.net"])
    assert (sent.subject, sent.text, sent.tags) == ("Raw", "raw body\n", {"kind": "receipt"})
    assert [a.filename for a in sent.attachments] == ["a.pdf"]
    assert "X-SES-MESSAGE-TAGS" not in sent.headers  # stripped, as SendRawEmail does
    assert sent.headers["Message-ID"] == f"<{message_id}@email.amazonses.com>"


def test_raw_content_with_v2_members(v2: SESV2Client, ses: SESMock) -> None:
    arn = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
    v2.send_email(
        FromEmailAddress="envelope@example.com",
        FromEmailAddressIdentityArn=arn,
        Destination={"ToAddresses": ["x@example.net"], "BccAddresses": ["y@example.net"]},
        FeedbackForwardingEmailAddress="bounces@example.com",
        EmailTags=[{"Name": "api", "Value": "v2"}],
        Content={"Raw": {"Data": raw_message(X_SES_MESSAGE_TAGS="kind=receipt")}},
    )
    [sent] = ses.outbox
    assert (sent.source, sent.destinations) == (
        "envelope@example.com",
        ["x@example.net", "y@example.net"],
    )
    assert (sent.source_arn, sent.from_arn) == (arn, arn)
    assert sent.return_path == "bounces@example.com"
    assert sent.tags == {"api": "v2"}  # API tags win over the header's, as for SendRawEmail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"To: ann@example.net\r\nSubject: s\r\n\r\nbody", "Missing required header 'From'."),
        (b"From: a@example.com\r\nSubject: s\r\n\r\nbody", "Missing required header 'To'."),
        (b"From: a@example.com\r\nTo: b@example.net\r\nno colon\r\n\r\nbody", "Illegal content."),
    ],
)
def test_raw_content_gets_send_raw_emails_checks(
    v2: SESV2Client, ses: SESMock, data: bytes, message: str
) -> None:
    check_error(
        v2, lambda: v2.send_email(Content={"Raw": {"Data": data}}), "BadRequestException", message
    )
    assert len(ses.outbox) == 0


# -- Template content --------------------------------------------------------------------------


@pytest.fixture
def stored(client: SESClient) -> SESClient:
    client.create_template(
        Template={
            "TemplateName": "Order",
            "SubjectPart": "Order {{id}}",
            "TextPart": "Hi {{name}}",
            "HtmlPart": "<p>Hi {{name}}</p>",
        }
    )
    return client


@pytest.mark.usefixtures("stored")
@pytest.mark.parametrize(
    "template",
    [
        {"TemplateName": "Order"},
        {"TemplateArn": "arn:aws:ses:us-east-1:123456789012:template/Order"},
    ],
)
def test_a_stored_template_is_rendered(
    v2: SESV2Client, ses: SESMock, template: dict[str, str]
) -> None:
    data = {"id": 7, "name": "Ann"}
    content = {"Template": {**template, "TemplateData": json.dumps(data),
                            "Headers": [{"Name": "X-Order", "Value": "7"}]}}  # fmt: skip
    send(v2, Content=content)
    [sent] = ses.outbox
    assert (sent.subject, sent.text, sent.html) == ("Order 7", "Hi Ann", "<p>Hi Ann</p>")
    assert (sent.template, sent.template_data, sent.service) == ("Order", data, "sesv2")
    assert sent.headers["X-Order"] == "7"


def test_an_inline_template_is_rendered(v2: SESV2Client, ses: SESMock) -> None:
    inline = {"Subject": "Hello {{name}}", "Text": "Dear {{name}}"}
    send(v2, Content={"Template": {"TemplateContent": inline, "TemplateData": '{"name": "Bo"}'}})
    [sent] = ses.outbox
    assert (sent.subject, sent.text, sent.html) == ("Hello Bo", "Dear Bo", None)
    assert sent.template is None  # an inline template has no name


@pytest.mark.usefixtures("stored")
def test_a_failed_render_is_accepted_but_not_delivered(v2: SESV2Client, ses: SESMock) -> None:
    content = {"Template": {"TemplateName": "Order", "TemplateData": '{"id": 1}'}}
    message_id = send(v2, Content=content)
    assert len(ses.outbox) == 0
    [failure] = ses.render_failures
    assert (failure.message_id, failure.template) == (message_id, "Order")
    assert failure.error_message == "Attribute 'name' is not present in the rendering data."
    assert failure.message.service == "sesv2"


@pytest.mark.usefixtures("stored")
@pytest.mark.parametrize(
    ("template", "code", "message", "status"),
    [
        ({"TemplateName": "Nope", "TemplateData": "{}"}, "NotFoundException", "Template Nope does not exist.", 404),
        ({"TemplateName": "Order", "TemplateData": "[1]"}, "BadRequestException",
         "Template data for template Order is not a valid JSON object: '[1]'.", 400),
        ({"TemplateContent": {"Subject": "{{#if}}"}, "TemplateData": "{}"}, "BadRequestException", None, 400),
        ({"TemplateName": "Order", "TemplateContent": {"Subject": "s"}, "TemplateData": "{}"}, "BadRequestException",
         "Exactly one of TemplateName, TemplateArn or TemplateContent must be given, got 2.", 400),
    ],
)  # fmt: skip
def test_template_errors_have_v2_codes(
    v2: SESV2Client, template: dict[str, Any], code: str, message: str | None, status: int
) -> None:
    error = raises_ses_error(lambda: send(v2, Content={"Template": template}), code, message)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert isinstance(error, modeled(v2, code))


# -- v1's checks with v2's codes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"FromEmailAddress": "not an address"}, "Missing final '@domain'"),
        ({"Destination": {}}, "Missing required header 'To'."),
        ({"Destination": {"ToAddresses": [f"r{i}@example.net" for i in range(51)]}},
         "Recipient count exceeds 50."),
        ({"EmailTags": [{"Name": "bad name", "Value": "v"}]}, None),
        ({"Content": {"Simple": {"Subject": {"Data": "s", "Charset": "klingon"}, "Body": {}}}},
         "Unsupported charset 'klingon'."),
        ({"Content": {}}, "Content must hold exactly one of Simple, Raw and Template."),
        ({"FromEmailAddress": ""}, None),
    ],
)  # fmt: skip
def test_v1_message_checks_answer_bad_request(
    v2: SESV2Client, ses: SESMock, kwargs: dict[str, Any], message: str | None
) -> None:
    error = raises_ses_error(lambda: send(v2, **kwargs), "BadRequestException")
    if message is not None:
        assert message in error.response["Error"]["Message"]
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(ses.outbox) == 0


def test_simple_content_needs_a_from_address(v2: SESV2Client) -> None:
    check_error(
        v2,
        lambda: v2.send_email(
            Destination={"ToAddresses": ["a@example.net"]},
            Content={"Simple": SIMPLE},  # type: ignore[typeddict-item]
        ),
        "BadRequestException",
        "Missing required parameter FromEmailAddress.",
    )


@pytest.mark.ses(verified_identities=["ann@example.net"])
def test_an_unverified_sender_is_message_rejected(v2: SESV2Client, ses: SESMock) -> None:
    check_error(
        v2,
        lambda: send(v2, FeedbackForwardingEmailAddress="bounces@example.org"),
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in region "
        f"US-EAST-1: {SENDER}, bounces@example.org",
    )
    assert [r.code for r in ses.rejected] == ["MessageRejected"]


@pytest.mark.ses(sandbox=True, verified_identities=[SENDER])
def test_the_sandbox_wants_verified_recipients(v2: SESV2Client, ses: SESMock) -> None:
    check_error(
        v2,
        lambda: send(v2, ["stranger@example.net"]),
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in region "
        "US-EAST-1: stranger@example.net",
    )
    send(v2, ["success@simulator.amazonses.com"])


def test_a_missing_configuration_set_is_not_found(v2: SESV2Client) -> None:
    check_error(
        v2,
        lambda: send(v2, ConfigurationSetName="nope"),
        "NotFoundException",
        "Configuration set <nope> does not exist.",
        404,
    )


def test_paused_sending_answers_sending_paused(client: SESClient, v2: SESV2Client) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "quiet"})
    client.update_configuration_set_sending_enabled(ConfigurationSetName="quiet", Enabled=False)
    check_error(
        v2,
        lambda: send(v2, ConfigurationSetName="quiet"),
        "SendingPausedException",
        "Sending is paused for configuration set quiet",
    )
    client.update_account_sending_enabled(Enabled=False)
    error = raises_ses_error(lambda: send(v2), "SendingPausedException")
    assert isinstance(error, modeled(v2, "SendingPausedException"))


@pytest.mark.ses(max_24_hour_send=3, max_send_rate=-1)
def test_v1_and_v2_share_the_daily_quota(
    client: SESClient, strict: SESV2Client, ses: SESMock
) -> None:
    v1_send(client, ["a@example.net", "b@example.net"])
    send(strict, ["c@example.net"])
    check_error(
        strict, lambda: send(strict), "LimitExceededException", "Daily message quota exceeded."
    )
    raises_ses_error(lambda: v1_send(client), "Throttling", "Daily message quota exceeded.")
    assert client.get_send_quota()["SentLast24Hours"] == 3.0
    ses.advance(24 * 3600)
    send(strict)


@pytest.mark.ses(max_send_rate=2)
def test_v1_and_v2_share_the_send_rate(
    make_client: Callable[..., SESClient], strict: SESV2Client, ses: SESMock
) -> None:
    v1 = make_client(config=NO_RETRIES)
    v1_send(v1)
    send(strict)
    check_error(
        strict, lambda: send(strict), "TooManyRequestsException",
        "Maximum sending rate exceeded.", 429,
    )  # fmt: skip
    raises_ses_error(lambda: v1_send(v1), "Throttling", "Maximum sending rate exceeded.")
    ses.advance(0.5)
    send(strict)
    assert [m.service for m in ses.outbox] == ["ses", "sesv2", "sesv2"]


@pytest.mark.ses(max_send_rate=1)
def test_botocore_retries_a_v2_throttle_on_the_virtual_clock(v2: SESV2Client, ses: SESMock) -> None:
    send(v2)
    send(v2)
    assert len(ses.outbox) == 2
    assert [c.attempt for c in ses.calls] == [1, 1, 2]
    assert [r.code for r in ses.rejected] == ["TooManyRequestsException"]


def test_events_go_to_the_same_destinations(
    client: SESClient, v2: SESV2Client, ses: SESMock
) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "tracked"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="tracked",
        EventDestination=destination("sns", ["send", "delivery"], TOPIC),
    )
    send(v2, ConfigurationSetName="tracked", EmailTags=[{"Name": "api", "Value": "v2"}])
    [sent] = ses.outbox
    assert [e.type for e in ses.events] == ["Send", "Delivery"]
    notifications = ses.destination("sns").notifications
    records = [json.loads(n["Message"]) for n in notifications if "mail" in n["Message"]]
    assert [r["eventType"] for r in records] == ["Send", "Delivery"]
    record = records[0]
    assert record["mail"]["messageId"] == sent.message_id
    assert record["mail"]["tags"]["api"] == ["v2"]


# -- features not emulated ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("ListManagementOptions", {"ContactListName": "news"}),
        ("ConfigurationOverrides", {"Tracking": {"OpenTrackingEnabled": "ENABLED"}}),
    ],
)
def test_unemulated_members_fail_as_not_emulated(
    v2: SESV2Client, ses: SESMock, member: str, value: Any
) -> None:
    shape = v2.meta.service_model.operation_model("SendEmail").input_shape
    if shape is None or member not in shape.members:
        pytest.skip(f"the installed botocore has no {member}")
    with pytest.raises(NotEmulatedError, match=f"SendEmail with {member}"):
        send(v2, **{member: value})
    assert len(ses.outbox) == 0
    assert ses.not_emulated == [f"sesv2:SendEmail with {member}" + _FEATURES[member]]
    assert [c.outcome for c in ses.calls] == ["NotEmulated"]
    ses.forget_not_emulated()


_FEATURES = {
    "ListManagementOptions": " (contact lists and topics)",
    "ConfigurationOverrides": " (per-message tracking overrides)",
}


# -- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "code", "message", "status"),
    [
        ("throttling", "TooManyRequestsException", "Maximum sending rate exceeded.", 429),
        ("message_rejected", "MessageRejected", "Email address is not verified.", 400),
        ("account_sending_paused", "SendingPausedException", None, 400),
    ],
)
def test_fail_next_presets_answer_with_v2_codes(
    strict: SESV2Client, ses: SESMock, preset: str, code: str, message: str | None, status: int
) -> None:
    ses.fail_next("send_email", preset)
    error = raises_ses_error(lambda: send(strict), code, message)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert isinstance(error, modeled(strict, code))
    send(strict)
    assert len(ses.outbox) == 1


def test_a_send_email_fault_serves_whichever_api_calls_first(
    make_client: Callable[..., SESClient], strict: SESV2Client, ses: SESMock
) -> None:
    ses.fail_next("SendEmail", "message_rejected", times=2)
    raises_ses_error(lambda: send(strict), "MessageRejected")
    raises_ses_error(lambda: v1_send(make_client(config=NO_RETRIES)), "MessageRejected")
    send(strict)


def test_fail_next_takes_v2_only_operation_names(v2: SESV2Client, ses: SESMock) -> None:
    ses.fail_next("get_account", "BadRequestException")
    ses.fail_next("PutAccountSendingAttributes", "internal_failure")
    assert [f.operation for f in ses._account.faults] == [
        "GetAccount", "PutAccountSendingAttributes"
    ]  # fmt: skip
    ses.clear_faults()
    with pytest.raises(TypeError, match="SES has no operation 'get_acount'; did you mean"):
        ses.fail_next("get_acount", "throttling")


# -- requests botocore did not validate --------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"Content": {"Simple": {"Body": {}}}},
         "1 validation error detected: Value null at 'content.simple.subject' failed to satisfy "
         "constraint: Member must not be null"),
        ({"Content": {"Simple": SIMPLE}, "Destination": {"ToAddresses": [7]}},
         "1 validation error detected: Value '7' at 'destination.toAddresses.1.member' failed to "
         "satisfy constraint: Member must be a string"),
        ({"Content": {"Simple": SIMPLE}, "EmailTags": [{"Name": "a"}]},
         "1 validation error detected: Value null at 'emailTags.1.member.value' failed to "
         "satisfy constraint: Member must not be null"),
    ],
)  # fmt: skip
def test_unvalidated_requests_get_aws_wording(
    make_v2: Callable[..., SESV2Client], ses: SESMock, params: dict[str, Any], message: str | None
) -> None:
    from botocore.config import Config

    loose = make_v2(config=Config(parameter_validation=False, retries={"total_max_attempts": 1}))
    call = lambda: loose.send_email(FromEmailAddress=SENDER, **params)  # noqa: E731
    error = raises_ses_error(call, "BadRequestException", message)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(ses.outbox) == 0


def test_numbers_botocore_lets_through_are_still_checked(v2: SESV2Client) -> None:
    # botocore's validator checks a long's minimum, not its range: the fake does,
    # even where it skips checking again what botocore checked.
    needs_model("sesv2", "CreateConfigurationSet", "DeliveryOptions", "MaxDeliverySeconds")
    call = lambda: v2.create_configuration_set(  # noqa: E731
        ConfigurationSetName="huge", DeliveryOptions={"MaxDeliverySeconds": 2**63}
    )
    error = raises_ses_error(
        call,
        "BadRequestException",
        "1 validation error detected: Value '9223372036854775808' at "
        "'deliveryOptions.maxDeliverySeconds' failed to satisfy constraint: "
        "Member must be a long integer",
    )
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert v2.list_configuration_sets()["ConfigurationSets"] == []


@pytest.mark.parametrize("event", ["before-call", "before-sign"])
def test_a_body_changed_after_botocore_validated_it_is_checked_in_full(
    v2: SESV2Client, ses: SESMock, event: str
) -> None:
    # What botocore validated is trusted only while it is the very body its serializer made.
    def tamper(**kwargs: Any) -> None:
        request = kwargs.get("request")
        body = request.data if request is not None else kwargs["params"]["body"]
        sent = json.loads(body)
        sent["Destination"]["ToAddresses"] = [7]
        if request is not None:
            request.data = json.dumps(sent).encode()
        else:
            kwargs["params"]["body"] = json.dumps(sent).encode()

    v2.meta.events.register(f"{event}.sesv2.SendEmail", tamper)
    call = lambda: v2.send_email(  # noqa: E731
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": ["to@example.com"]},
        Content={"Simple": SIMPLE},  # type: ignore[typeddict-item]
    )
    raises_ses_error(
        call,
        "BadRequestException",
        "1 validation error detected: Value '7' at 'destination.toAddresses.1.member' failed to "
        "satisfy constraint: Member must be a string",
    )
    assert len(ses.outbox) == 0
