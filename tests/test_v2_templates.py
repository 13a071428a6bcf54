"""Stored templates and SendBulkEmail through SES API v2 clients, over v1's template store."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import needs_model, raises_ses_error
from tests.test_events import destination

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sesv2.type_defs import EmailTemplateContentTypeDef, TagTypeDef

    from pytest_ses import SESMock

CONTENT: EmailTemplateContentTypeDef = {
    "Subject": "Order {{order.id}} confirmed",
    "Text": "Hi {{name}}, {{#each order.items}}{{this.title}};{{/each}}",
    "Html": "<p>Hi {{name}}</p>{{#if vip}}<b>VIP</b>{{/if}}",
}
DATA = {"name": "Ann", "order": {"id": "A1", "items": [{"title": "Tea"}, {"title": "Cup"}]}}


@pytest.fixture
def stored(v2: SESV2Client) -> SESV2Client:
    v2.create_email_template(TemplateName="Order", TemplateContent=CONTENT)
    return v2


def status(error: ClientError) -> int:
    code: int = error.response["ResponseMetadata"]["HTTPStatusCode"]
    return code


# -- the store -------------------------------------------------------------------------------


def test_get_returns_the_content_as_created(stored: SESV2Client, ses: SESMock) -> None:
    got = stored.get_email_template(TemplateName="Order")
    assert got["TemplateName"] == "Order"
    assert got["TemplateContent"] == CONTENT
    assert got.get("Tags") is None
    assert [t.name for t in ses.templates] == ["Order"]


def test_tags_given_at_creation_are_returned(v2: SESV2Client) -> None:
    needs_model("sesv2", "CreateEmailTemplate", "Tags")
    tags: list[TagTypeDef] = [{"Key": "team", "Value": "shop"}, {"Key": "env", "Value": "test"}]
    v2.create_email_template(TemplateName="Tagged", TemplateContent={"Subject": "x"}, Tags=tags)
    v2.update_email_template(TemplateName="Tagged", TemplateContent={"Subject": "y"})
    got = v2.get_email_template(TemplateName="Tagged")
    assert got["TemplateContent"] == {"Subject": "y"}
    assert got["Tags"] == tags  # an update keeps them


def test_a_v1_template_is_read_by_v2(client: SESClient, v2: SESV2Client) -> None:
    client.create_template(
        Template={"TemplateName": "FromV1", "SubjectPart": "Hi {{name}}", "HtmlPart": "<b/>"}
    )
    got = v2.get_email_template(TemplateName="FromV1")
    assert got["TemplateContent"] == {"Subject": "Hi {{name}}", "Html": "<b/>"}
    names = [t["TemplateName"] for t in v2.list_email_templates()["TemplatesMetadata"]]
    assert names == ["FromV1"]


def test_a_v2_template_is_read_by_v1(stored: SESV2Client, client: SESClient) -> None:
    assert client.get_template(TemplateName="Order")["Template"] == {
        "TemplateName": "Order",
        "SubjectPart": CONTENT["Subject"],
        "TextPart": CONTENT["Text"],
        "HtmlPart": CONTENT["Html"],
    }
    client.delete_template(TemplateName="Order")
    raises_ses_error(lambda: stored.get_email_template(TemplateName="Order"), "NotFoundException")


def test_a_duplicate_name_is_already_exists(stored: SESV2Client, client: SESClient) -> None:
    error = raises_ses_error(
        lambda: stored.create_email_template(TemplateName="Order", TemplateContent=CONTENT),
        "AlreadyExistsException",
        "Template Order already exists.",
    )
    assert isinstance(error, stored.exceptions.AlreadyExistsException)
    assert status(error) == 400
    # v1 sees the same store.
    raises_ses_error(
        lambda: client.create_template(Template={"TemplateName": "Order", "SubjectPart": "x"}),
        "AlreadyExists",
    )


@pytest.mark.parametrize("call", ["get", "update", "delete", "render"])
def test_an_unknown_template_is_not_found(v2: SESV2Client, call: str) -> None:
    calls: dict[str, Any] = {
        "get": lambda: v2.get_email_template(TemplateName="Nope"),
        "update": lambda: v2.update_email_template(
            TemplateName="Nope", TemplateContent={"Subject": "x"}
        ),
        "delete": lambda: v2.delete_email_template(TemplateName="Nope"),
        "render": lambda: v2.test_render_email_template(TemplateName="Nope", TemplateData="{}"),
    }
    error = raises_ses_error(calls[call], "NotFoundException", "Template Nope does not exist.")
    assert isinstance(error, v2.exceptions.NotFoundException)
    assert status(error) == 404


@pytest.mark.parametrize(
    ("name", "problem"),
    [("has space", "contains ' '"), ("x" * 65, "the maximum is 64"), ("a.b", "contains '.'")],
)
def test_a_bad_name_is_a_bad_request(v2: SESV2Client, name: str, problem: str) -> None:
    error = raises_ses_error(
        lambda: v2.create_email_template(TemplateName=name, TemplateContent={"Subject": "x"}),
        "BadRequestException",
    )
    assert problem in error.response["Error"]["Message"]
    assert isinstance(error, v2.exceptions.BadRequestException)
    assert status(error) == 400


def test_a_template_over_500_kb_is_refused(v2: SESV2Client) -> None:
    big: EmailTemplateContentTypeDef = {"Text": "x" * 300_000, "Html": "y" * 300_000}
    raises_ses_error(
        lambda: v2.create_email_template(TemplateName="Big", TemplateContent=big),
        "BadRequestException",
        "Template Big is 600000 bytes long; the maximum is 512000 bytes.",
    )
    v2.create_email_template(TemplateName="Fits", TemplateContent={"Html": "y" * 512_000})
    raises_ses_error(
        lambda: v2.update_email_template(TemplateName="Fits", TemplateContent=big),
        "BadRequestException",
    )


def test_a_template_that_cannot_compile_is_a_bad_request(v2: SESV2Client) -> None:
    error = raises_ses_error(
        lambda: v2.create_email_template(
            TemplateName="Broken", TemplateContent={"Html": "{{#if a}}open"}
        ),
        "BadRequestException",
        "{{#if}} is not closed.",
    )
    assert status(error) == 400


def test_update_replaces_the_content_and_keeps_the_creation_time(
    stored: SESV2Client, ses: SESMock
) -> None:
    created = stored.list_email_templates()["TemplatesMetadata"][0]["CreatedTimestamp"]
    ses.advance(3600)
    stored.update_email_template(TemplateName="Order", TemplateContent={"Text": "Only text"})
    assert stored.get_email_template(TemplateName="Order")["TemplateContent"] == {
        "Text": "Only text"
    }
    listed = stored.list_email_templates()["TemplatesMetadata"][0]
    assert listed["CreatedTimestamp"] == created


def test_delete_removes_the_template(stored: SESV2Client, ses: SESMock) -> None:
    stored.delete_email_template(TemplateName="Order")
    assert ses.templates == []


def test_list_pages_in_name_order_with_creation_times(v2: SESV2Client, ses: SESMock) -> None:
    for name in ["c", "a", "d", "b", "e"]:
        v2.create_email_template(TemplateName=name, TemplateContent={"Subject": name})
        ses.advance(60)
    first = v2.list_email_templates(PageSize=2)
    assert [t["TemplateName"] for t in first["TemplatesMetadata"]] == ["a", "b"]
    second = v2.list_email_templates(PageSize=2, NextToken=first["NextToken"])
    assert [t["TemplateName"] for t in second["TemplatesMetadata"]] == ["c", "d"]
    third = v2.list_email_templates(PageSize=2, NextToken=second["NextToken"])
    assert [t["TemplateName"] for t in third["TemplatesMetadata"]] == ["e"]
    assert "NextToken" not in third
    stamps = {t.name: t.created for t in ses.templates}
    a = first["TemplatesMetadata"][0]["CreatedTimestamp"]
    assert isinstance(a, dt.datetime)
    assert a == stamps["a"]
    assert stamps["a"] - stamps["c"] == dt.timedelta(seconds=60)


def test_list_pages_hold_10_by_default(v2: SESV2Client) -> None:
    for i in range(11):
        v2.create_email_template(TemplateName=f"t{i:02}", TemplateContent={"Subject": "x"})
    assert len(v2.list_email_templates()["TemplatesMetadata"]) == 10


@pytest.mark.parametrize("size", [0, 101])
def test_a_page_size_out_of_range_is_a_bad_request(v2: SESV2Client, size: int) -> None:
    raises_ses_error(
        lambda: v2.list_email_templates(PageSize=size),
        "BadRequestException",
        f"PageSize must be between 1 and 100, got {size}.",
    )


def test_templates_are_per_region(ses: SESMock, make_v2: Any) -> None:
    make_v2("eu-west-1").create_email_template(TemplateName="T", TemplateContent={"Subject": "x"})
    raises_ses_error(
        lambda: make_v2("us-west-2").get_email_template(TemplateName="T"), "NotFoundException"
    )


# -- TestRenderEmailTemplate -----------------------------------------------------------------


def test_render_answers_the_mime_of_the_rendered_parts(
    stored: SESV2Client, client: SESClient
) -> None:
    rendered = stored.test_render_email_template(
        TemplateName="Order", TemplateData=json.dumps(DATA)
    )["RenderedTemplate"]
    assert rendered.startswith("Subject: Order A1 confirmed\r\n")
    assert "Hi Ann, Tea;Cup;" in rendered
    assert "<p>Hi Ann</p>" in rendered
    assert "multipart/alternative" in rendered
    # The same text v1's TestRenderTemplate gives for the same template.
    v1 = client.test_render_template(TemplateName="Order", TemplateData=json.dumps(DATA))
    # v1's XML reply reaches botocore with its line ends normalized; v2's JSON keeps CRLF.
    # Each MIME build numbers its boundary afresh.
    same = [re.sub(r"_Part_\d+_", "_Part_N_", text) for text in (v1["RenderedTemplate"], rendered)]
    assert same[0] == same[1].replace("\r\n", "\n")


def test_render_with_a_missing_variable_is_a_bad_request(stored: SESV2Client) -> None:
    error = raises_ses_error(
        lambda: stored.test_render_email_template(
            TemplateName="Order", TemplateData=json.dumps({"name": "Ann"})
        ),
        "BadRequestException",
        "Attribute 'order.id' is not present in the rendering data.",
    )
    assert isinstance(error, stored.exceptions.BadRequestException)
    assert status(error) == 400


@pytest.mark.parametrize("data", ["{oops", "[1, 2]", '"text"'])
def test_render_with_bad_data_is_a_bad_request(stored: SESV2Client, data: str) -> None:
    error = raises_ses_error(
        lambda: stored.test_render_email_template(TemplateName="Order", TemplateData=data),
        "BadRequestException",
    )
    assert "not a valid JSON object" in error.response["Error"]["Message"]
    assert status(error) == 400


# -- SendBulkEmail ---------------------------------------------------------------------------


def entry(address: str, data: Any = None, **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"Destination": {"ToAddresses": [address]}, **extra}
    if data is not None:
        replacement = data if isinstance(data, str) else json.dumps(data)
        found["ReplacementEmailContent"] = {
            "ReplacementTemplate": {"ReplacementTemplateData": replacement}
        }
    return found


def bulk(
    v2: SESV2Client, *entries: dict[str, Any], template: Any = None, **kwargs: Any
) -> list[dict[str, Any]]:
    spec = template or {"TemplateName": "Order", "TemplateData": json.dumps(DATA)}
    params: Any = {
        "FromEmailAddress": "shop@example.com",
        "DefaultContent": {"Template": spec},
        "BulkEmailEntries": list(entries),
        **kwargs,
    }
    results: Any = v2.send_bulk_email(**params)["BulkEmailEntryResults"]
    return list(results)


def test_bulk_sends_one_message_per_entry(stored: SESV2Client, ses: SESMock) -> None:
    results = bulk(
        stored,
        entry("a@example.net"),
        entry("b@example.net", {"name": "Bob"}, ReplacementTags=[{"Name": "who", "Value": "bob"}]),
        DefaultEmailTags=[{"Name": "campaign", "Value": "spring"}, {"Name": "who", "Value": "all"}],
        ReplyToAddresses=["help@example.com"],
        FeedbackForwardingEmailAddress="bounces@example.com",
    )
    assert [r["Status"] for r in results] == ["SUCCESS", "SUCCESS"]
    first, second = ses.outbox
    assert [first.message_id, second.message_id] == [r["MessageId"] for r in results]
    assert first.operation == second.operation == "SendBulkEmail"
    assert first.service == second.service == "sesv2"
    assert first.template == "Order"
    assert first.template_data == DATA
    assert second.template_data == {**DATA, "name": "Bob"}  # top-level keys replaced
    assert first.html == "<p>Hi Ann</p>"
    assert second.html == "<p>Hi Bob</p>"
    assert second.subject == "Order A1 confirmed"
    assert second.text == "Hi Bob, Tea;Cup;"
    assert first.to == ["a@example.net"]
    assert first.reply_to == ["help@example.com"]
    assert first.return_path == "bounces@example.com"
    assert first.tags == {"campaign": "spring", "who": "all"}
    assert second.tags == {"campaign": "spring", "who": "bob"}
    assert len(ses.events.filter(type="Delivery")) == 2
    assert [c.operation for c in ses.calls] == ["CreateEmailTemplate", "SendBulkEmail"]


def test_bulk_from_a_v1_template_by_arn(client: SESClient, v2: SESV2Client, ses: SESMock) -> None:
    client.create_template(Template={"TemplateName": "Hello", "SubjectPart": "Hi {{name}}"})
    arn = f"arn:aws:ses:{ses.region}:123456789012:template/Hello"
    results = bulk(
        v2,
        entry("a@example.net"),
        template={"TemplateArn": arn, "TemplateData": json.dumps({"name": "Ann"})},
    )
    assert results[0]["Status"] == "SUCCESS"
    assert ses.outbox[0].subject == "Hi Ann"
    assert ses.outbox[0].template == "Hello"


def test_bulk_with_an_inline_template(v2: SESV2Client, ses: SESMock) -> None:
    needs_model("sesv2", "SendBulkEmail", "DefaultContent", "Template", "TemplateContent")
    inline = {
        "TemplateContent": {"Subject": "Hi {{name}}", "Html": "<i>{{name}}</i>"},
        "TemplateData": json.dumps({"name": "you"}),
    }
    results = bulk(
        v2, entry("a@example.net", {"name": "Ann"}), entry("b@example.net"), template=inline
    )
    assert [r["Status"] for r in results] == ["SUCCESS", "SUCCESS"]
    assert [m.html for m in ses.outbox] == ["<i>Ann</i>", "<i>you</i>"]
    assert ses.outbox[0].template is None  # an inline template has no name
    assert ses.outbox[0].template_data == {"name": "Ann"}
    assert ses.templates == []  # and is not stored


def test_bulk_with_a_broken_inline_template_fails_whole(v2: SESV2Client, ses: SESMock) -> None:
    needs_model("sesv2", "SendBulkEmail", "DefaultContent", "Template", "TemplateContent")
    raises_ses_error(
        lambda: bulk(
            v2, entry("a@example.net"), template={"TemplateContent": {"Html": "{{#each x}}"}}
        ),
        "BadRequestException",
        "{{#each}} is not closed.",
    )
    assert ses.rejected[0].operation == "SendBulkEmail"
    assert ses.rejected[0].code == "BadRequestException"


@pytest.mark.parametrize(
    "spec",
    [
        {"TemplateData": "{}"},
        {"TemplateName": "Order", "TemplateContent": {"Subject": "x"}, "TemplateData": "{}"},
    ],
)
def test_bulk_needs_exactly_one_template_source(stored: SESV2Client, spec: Any) -> None:
    needs_model("sesv2", "SendBulkEmail", "DefaultContent", "Template", "TemplateContent")
    raises_ses_error(
        lambda: bulk(stored, entry("a@example.net"), template=spec), "BadRequestException"
    )


def test_bulk_reports_a_result_per_entry(stored: SESV2Client, ses: SESMock) -> None:
    results = bulk(
        stored,
        entry("a@example.net", "{oops"),
        entry("not an address"),
        entry("c@example.net", {"order": None}),
        entry("d@example.net"),
        entry("e@example.net", ReplacementTags=[{"Name": "bad name", "Value": "x"}]),
    )
    assert [r["Status"] for r in results] == [
        "INVALID_PARAMETER",
        "INVALID_PARAMETER",
        "SUCCESS",  # accepted, then not rendered: SES delivers nothing
        "SUCCESS",
        "INVALID_PARAMETER",
    ]
    assert "not a valid JSON object" in results[0]["Error"]
    assert "MessageId" not in results[0]
    assert "Error" not in results[3]
    assert [m.to for m in ses.outbox] == [["d@example.net"]]
    (failure,) = ses.render_failures
    assert failure.message_id == results[2]["MessageId"]
    assert failure.operation == "SendBulkEmail"
    assert failure.error_message == "Attribute 'order.id' is not present in the rendering data."


def test_bulk_render_failures_are_published(
    stored: SESV2Client, client: SESClient, ses: SESMock
) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "cs"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="cs", EventDestination=destination("rf", ["renderingFailure"])
    )
    bulk(stored, entry("a@example.net", {"order": None}), ConfigurationSetName="cs")
    event = ses.assert_event(type="Rendering Failure")[0]
    assert event.destinations == ["rf"]
    assert event.record["failure"]["templateName"] == "Order"


@pytest.mark.ses(max_24_hour_send=2)
def test_bulk_entries_count_against_the_quota_one_by_one(stored: SESV2Client) -> None:
    results = bulk(stored, entry("a@example.net"), entry("b@example.net"), entry("c@example.net"))
    assert [r["Status"] for r in results] == ["SUCCESS", "SUCCESS", "ACCOUNT_DAILY_QUOTA_EXCEEDED"]
    assert results[2]["Error"] == "Daily message quota exceeded."


@pytest.mark.ses(max_send_rate=1)
def test_bulk_entries_count_against_the_send_rate(stored: SESV2Client) -> None:
    results = bulk(stored, entry("a@example.net"), entry("b@example.net"))
    assert [r["Status"] for r in results] == ["SUCCESS", "ACCOUNT_THROTTLED"]
    assert results[1]["Error"] == "Maximum sending rate exceeded."


@pytest.mark.ses(sandbox=True, verified_identities=["shop@example.com", "a@example.net"])
def test_bulk_in_the_sandbox_rejects_unverified_recipients(stored: SESV2Client) -> None:
    results = bulk(stored, entry("a@example.net"), entry("b@example.net"))
    assert [r["Status"] for r in results] == ["SUCCESS", "MESSAGE_REJECTED"]
    assert results[1]["Error"].startswith("Email address is not verified.")


@pytest.mark.ses(verified_identities=["a@example.net"])
def test_bulk_from_an_unverified_sender_fails_whole(stored: SESV2Client, ses: SESMock) -> None:
    error = raises_ses_error(
        lambda: bulk(stored, entry("a@example.net"), entry("b@example.net")),
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in region "
        f"{ses.region.upper()}: shop@example.com",
    )
    assert isinstance(error, stored.exceptions.MessageRejected)
    assert list(ses.outbox) == []


@pytest.mark.parametrize(
    "source",
    [
        "Shop\r\nBcc: x@evil.example <shop@example.com>",
        "=?utf-8?b?a?= <shop@example.com>",
        "nope",
    ],
)
def test_bulk_with_a_bad_sender_fails_whole(stored: SESV2Client, ses: SESMock, source: str) -> None:
    error = raises_ses_error(
        lambda: bulk(stored, entry("a@example.net"), FromEmailAddress=source),
        "BadRequestException",
    )
    assert status(error) == 400
    assert list(ses.outbox) == []
    assert ses.rejected[0].operation == "SendBulkEmail"


def test_bulk_with_a_bad_reply_to_fails_whole(stored: SESV2Client) -> None:
    raises_ses_error(
        lambda: bulk(stored, entry("a@example.net"), ReplyToAddresses=["not an address"]),
        "BadRequestException",
    )


def test_bulk_with_an_unknown_template_or_set_fails_whole(stored: SESV2Client) -> None:
    error = raises_ses_error(
        lambda: bulk(stored, entry("a@example.net"), template={"TemplateName": "Nope"}),
        "NotFoundException",
        "Template Nope does not exist.",
    )
    assert status(error) == 404
    raises_ses_error(
        lambda: bulk(stored, entry("a@example.net"), ConfigurationSetName="nope"),
        "NotFoundException",
    )
    # An empty name is a name, as for SendEmail (it was once taken for none).
    raises_ses_error(
        lambda: bulk(stored, entry("a@example.net"), ConfigurationSetName=""),
        "NotFoundException",
        "Configuration set <> does not exist.",
    )
    raises_ses_error(
        lambda: bulk(
            stored, entry("a@example.net"), template={"TemplateName": "Order", "TemplateData": "{"}
        ),
        "BadRequestException",
    )
    raises_ses_error(
        lambda: bulk(
            stored, entry("a@example.net"), DefaultEmailTags=[{"Name": "a b", "Value": "x"}]
        ),
        "BadRequestException",
    )


@pytest.mark.ses(max_send_rate=-1)
def test_bulk_holds_at_most_50_entries(stored: SESV2Client, ses: SESMock) -> None:
    raises_ses_error(
        lambda: bulk(stored, *[entry(f"r{i}@example.net") for i in range(51)]),
        "BadRequestException",
        "BulkEmailEntries must hold 1 to 50 entries, got 51.",
    )
    results = bulk(stored, *[entry(f"r{i}@example.net") for i in range(50)])
    assert len(results) == len(ses.outbox) == 50
    assert len({r["MessageId"] for r in results}) == 50


def test_bulk_at_the_default_rate_throttles_the_entries_beyond_it(
    stored: SESV2Client, ses: SESMock
) -> None:
    results = bulk(stored, *[entry(f"r{i}@example.net") for i in range(20)])
    statuses = [r["Status"] for r in results]
    assert statuses == ["SUCCESS"] * 14 + ["ACCOUNT_THROTTLED"] * 6  # 14 a second by default
    assert len(ses.outbox) == 14


def test_bulk_without_a_sender_is_a_bad_request(stored: SESV2Client) -> None:
    raises_ses_error(
        lambda: stored.send_bulk_email(
            DefaultContent={"Template": {"TemplateName": "Order", "TemplateData": "{}"}},
            BulkEmailEntries=[entry("a@example.net")],  # type: ignore[list-item]
        ),
        "BadRequestException",
        "Missing required parameter FromEmailAddress.",  # as SendEmail's
    )


def test_bulk_when_sending_is_paused_fails_whole(
    stored: SESV2Client, client: SESClient, ses: SESMock
) -> None:
    client.update_account_sending_enabled(Enabled=False)
    error = raises_ses_error(lambda: bulk(stored, entry("a@example.net")), "SendingPausedException")
    assert status(error) == 400
    assert list(ses.outbox) == []


@pytest.mark.ses(throttle_api=True)
def test_bulk_is_not_throttled_as_an_api_call(stored: SESV2Client) -> None:
    # Sends have their own rate; the one-call-a-second API throttle is not theirs.
    for _ in range(3):
        assert bulk(stored, entry("a@example.net"))[0]["Status"] == "SUCCESS"


# -- v1's SendBulkTemplatedEmail: the sender fails the whole call, as for v2 ------------------


def v1_bulk(client: SESClient, source: str, *addresses: str, **kwargs: Any) -> Any:
    client.create_template(Template={"TemplateName": "Hi", "SubjectPart": "Hi {{name}}"})
    return client.send_bulk_templated_email(
        Source=source,
        Template="Hi",
        DefaultTemplateData=json.dumps({"name": "you"}),
        Destinations=[{"Destination": {"ToAddresses": [a]}} for a in addresses],
        **kwargs,
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Shop\r\nBcc: x@evil.example <shop@example.com>", None),
        ("=?utf-8?b?a?= <shop@example.com>", "Illegal encoded-word in display name"),
    ],
)
def test_v1_bulk_with_a_bad_source_fails_whole(
    client: SESClient, ses: SESMock, source: str, message: str | None
) -> None:
    error = raises_ses_error(
        lambda: v1_bulk(client, source, "a@example.net", "b@example.net"),
        "InvalidParameterValue",
        message,
    )
    assert status(error) == 400
    assert list(ses.outbox) == []
    assert [r.operation for r in ses.rejected] == ["SendBulkTemplatedEmail"]


def test_v1_bulk_with_a_bad_return_path_fails_whole(client: SESClient) -> None:
    raises_ses_error(
        lambda: v1_bulk(client, "shop@example.com", "a@example.net", ReturnPath="nope"),
        "InvalidParameterValue",
    )


@pytest.mark.ses(verified_identities=["a@example.net"])
def test_v1_bulk_from_an_unverified_source_fails_whole(client: SESClient) -> None:
    raises_ses_error(
        lambda: v1_bulk(client, "shop@example.com", "a@example.net"),
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in region "
        "US-EAST-1: shop@example.com",
    )


def test_bulk_entries_get_the_templates_headers_with_their_replacements(
    stored: SESV2Client, ses: SESMock
) -> None:
    needs_model("sesv2", "SendBulkEmail", "BulkEmailEntries", "ReplacementHeaders")
    spec = {
        "TemplateName": "Order",
        "TemplateData": json.dumps(DATA),
        "Headers": [
            {"Name": "X-Campaign", "Value": "spring"},
            {"Name": "List-Unsubscribe", "Value": "<https://example.com/u>"},
        ],
    }
    replaced = [
        {"Name": "list-unsubscribe", "Value": "<https://example.com/u?id=b>"},
        {"Name": "X-Entry", "Value": "b"},
    ]
    results = bulk(
        stored,
        entry("a@example.net"),
        entry("b@example.net", ReplacementHeaders=replaced),
        entry("c@example.net", ReplacementHeaders=[{"Name": "Subject", "Value": "x"}]),
        template=spec,
    )
    assert [r["Status"] for r in results] == ["SUCCESS", "SUCCESS", "INVALID_PARAMETER"]
    assert (
        results[2]["Error"] == "Header Subject is set by Amazon SES and cannot be given in Headers."
    )
    first, second = ses.outbox
    assert first.headers["X-Campaign"] == second.headers["X-Campaign"] == "spring"
    assert first.headers["List-Unsubscribe"] == "<https://example.com/u>"
    # The entry's header replaces the template's of the same name, whatever its case.
    assert second.headers.get_all("List-Unsubscribe") == ["<https://example.com/u?id=b>"]
    assert second.headers["X-Entry"] == "b"
    assert "X-Entry" not in first.headers
    assert second.text == "Hi Ann, Tea;Cup;"
    # A template without headers: an entry's are simply added.
    bulk(stored, entry("d@example.net", ReplacementHeaders=replaced))
    assert ses.outbox[-1].headers["X-Entry"] == "b"
    assert ses.outbox[-1].headers["List-Unsubscribe"] == "<https://example.com/u?id=b>"


def test_bulk_with_a_bad_template_header_fails_whole(stored: SESV2Client, ses: SESMock) -> None:
    needs_model("sesv2", "SendBulkEmail", "DefaultContent", "Template", "Headers")
    spec = {"TemplateName": "Order", "Headers": [{"Name": "Bad Name", "Value": "x"}]}
    raises_ses_error(
        lambda: bulk(stored, entry("a@example.net"), template=spec),
        "BadRequestException",
        "Invalid header name: Bad Name.",
    )
    assert len(ses.outbox) == 0


def test_bulk_entries_all_get_the_templates_attachments(stored: SESV2Client, ses: SESMock) -> None:
    needs_model("sesv2", "SendBulkEmail", "DefaultContent", "Template", "Attachments")
    spec = {
        "TemplateName": "Order",
        "TemplateData": json.dumps(DATA),
        "Attachments": [{"FileName": "terms.txt", "RawContent": b"Terms."}],
    }
    bulk(stored, entry("a@example.net"), entry("b@example.net"), template=spec)
    assert [[(a.filename, a.content) for a in m.attachments] for m in ses.outbox] == [
        [("terms.txt", b"Terms.")],
        [("terms.txt", b"Terms.")],
    ]
