"""Stored templates (API v1) and the templated sends, through real clients."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import modeled, raises_ses_error
from tests.test_events import destination

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SESMock

ORDER = {
    "TemplateName": "Order",
    "SubjectPart": "Order {{order.id}} confirmed",
    "TextPart": "Hi {{name}}, {{#each order.items}}{{this.title}};{{/each}}",
    "HtmlPart": "<p>Hi {{name}}</p>{{#if vip}}<b>VIP</b>{{/if}}",
}
DATA = {"name": "Ann", "order": {"id": "A1", "items": [{"title": "Tea"}, {"title": "Cup"}]}}


@pytest.fixture
def stored(client: SESClient) -> SESClient:
    client.create_template(Template=ORDER)  # type: ignore[arg-type]
    return client


def send(client: SESClient, data: Any = DATA, **kwargs: Any) -> str:
    return client.send_templated_email(
        Source="shop@example.com",
        Destination={"ToAddresses": ["ann@example.net"]},
        Template="Order",
        TemplateData=data if isinstance(data, str) else json.dumps(data),
        **kwargs,
    )["MessageId"]


# -- the store -------------------------------------------------------------------------------


def test_get_returns_the_parts_as_created(stored: SESClient, ses: SESMock) -> None:
    assert stored.get_template(TemplateName="Order")["Template"] == ORDER
    assert [t.name for t in ses.templates] == ["Order"]
    assert ses.templates[0].html == ORDER["HtmlPart"]


def test_get_leaves_out_parts_never_given(client: SESClient) -> None:
    client.create_template(Template={"TemplateName": "Bare", "SubjectPart": "x"})
    assert client.get_template(TemplateName="Bare")["Template"] == {
        "TemplateName": "Bare",
        "SubjectPart": "x",
    }


def test_a_duplicate_name_is_already_exists(stored: SESClient) -> None:
    error = raises_ses_error(
        lambda: stored.create_template(Template=ORDER),  # type: ignore[arg-type]
        "AlreadyExists",
        "Template Order already exists.",
    )
    assert isinstance(error, modeled(stored, "AlreadyExistsException"))
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("call", ["get_template", "update_template", "test_render_template"])
def test_an_unknown_template_does_not_exist(client: SESClient, call: str) -> None:
    params: Any = {
        "get_template": {"TemplateName": "Nope"},
        "update_template": {"Template": {"TemplateName": "Nope", "SubjectPart": "x"}},
        "test_render_template": {"TemplateName": "Nope", "TemplateData": "{}"},
    }[call]
    error = raises_ses_error(
        lambda: getattr(client, call)(**params),
        "TemplateDoesNotExist",
        "Template Nope does not exist.",
    )
    assert isinstance(error, modeled(client, "TemplateDoesNotExistException"))


@pytest.mark.parametrize(
    ("name", "problem"),
    [("has space", "contains ' '"), ("x" * 65, "the maximum is 64"), ("", "must not be empty")],
)
def test_a_bad_name_is_invalid_parameter(client: SESClient, name: str, problem: str) -> None:
    error = raises_ses_error(
        lambda: client.create_template(Template={"TemplateName": name, "SubjectPart": "x"}),
        "InvalidParameterValue",
    )
    assert problem in error.response["Error"]["Message"]


def test_a_template_over_500_kb_is_refused(client: SESClient) -> None:
    raises_ses_error(
        lambda: client.create_template(
            Template={"TemplateName": "Big", "TextPart": "x" * 300_000, "HtmlPart": "y" * 300_000}
        ),
        "InvalidParameterValue",
        "Template Big is 600000 bytes long; the maximum is 512000 bytes.",
    )
    client.create_template(Template={"TemplateName": "Fits", "HtmlPart": "y" * 512_000})


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("{{#if a}}open", "{{#if}} is not closed."),
        ("{{/if}}", "{{/if}} without an open block."),
        ("{{#if a}}{{/each}}", "{{#if}} is closed by {{/each}}."),
        ("{{#loop a}}{{/loop}}", "Unsupported block helper 'loop'."),
        ("{{> footer}}", "The partial footer could not be found."),
        ("Hi {{name", "Unclosed expression: '{{' without '}}'."),
    ],
)
def test_a_template_that_cannot_compile_is_invalid(
    client: SESClient, html: str, message: str
) -> None:
    error = raises_ses_error(
        lambda: client.create_template(Template={"TemplateName": "Bad", "HtmlPart": html}),
        "InvalidTemplate",
        message,
    )
    assert isinstance(error, modeled(client, "InvalidTemplateException"))


def test_update_replaces_the_parts_and_keeps_the_creation_time(
    stored: SESClient, ses: SESMock
) -> None:
    created = stored.list_templates()["TemplatesMetadata"][0]["CreatedTimestamp"]
    ses.advance(60)
    stored.update_template(Template={"TemplateName": "Order", "SubjectPart": "New {{name}}"})
    assert stored.get_template(TemplateName="Order")["Template"] == {
        "TemplateName": "Order",
        "SubjectPart": "New {{name}}",
    }
    assert stored.list_templates()["TemplatesMetadata"][0]["CreatedTimestamp"] == created


def test_delete_removes_and_ignores_unknown_names(stored: SESClient, ses: SESMock) -> None:
    stored.delete_template(TemplateName="Order")
    stored.delete_template(TemplateName="Order")
    assert ses.templates == []
    raises_ses_error(lambda: stored.get_template(TemplateName="Order"), "TemplateDoesNotExist")


def test_list_pages_in_name_order(client: SESClient) -> None:
    for name in ("c", "a", "b"):
        client.create_template(Template={"TemplateName": name, "SubjectPart": name})
    first = client.list_templates(MaxItems=2)
    assert [t["Name"] for t in first["TemplatesMetadata"]] == ["a", "b"]
    rest = client.list_templates(MaxItems=2, NextToken=first["NextToken"])
    assert [t["Name"] for t in rest["TemplatesMetadata"]] == ["c"]
    assert "NextToken" not in rest


def test_list_pages_hold_10_by_default_and_100_at_most(client: SESClient) -> None:
    for number in range(105):
        client.create_template(Template={"TemplateName": f"t{number:03}", "SubjectPart": "x"})
    assert len(client.list_templates()["TemplatesMetadata"]) == 10
    page = client.list_templates(MaxItems=500)
    assert len(page["TemplatesMetadata"]) == 100
    rest = client.list_templates(NextToken=page["NextToken"])
    assert [t["Name"] for t in rest["TemplatesMetadata"]] == [f"t{n}" for n in range(100, 105)]
    raises_ses_error(lambda: client.list_templates(MaxItems=0), "InvalidParameterValue")


def test_templates_are_per_region(ses: SESMock, make_client: Any) -> None:
    make_client("eu-west-1").create_template(Template={"TemplateName": "Eu", "SubjectPart": "x"})
    raises_ses_error(
        lambda: make_client("us-west-2").get_template(TemplateName="Eu"), "TemplateDoesNotExist"
    )


# -- TestRenderTemplate ----------------------------------------------------------------------


def test_render_answers_the_mime_of_the_rendered_parts(stored: SESClient) -> None:
    rendered = stored.test_render_template(TemplateName="Order", TemplateData=json.dumps(DATA))
    text = rendered["RenderedTemplate"]
    assert "Subject: Order A1 confirmed" in text
    assert "Hi Ann, Tea;Cup;" in text
    assert "<p>Hi Ann</p>" in text


def test_render_with_a_missing_variable(stored: SESClient) -> None:
    error = raises_ses_error(
        lambda: stored.test_render_template(TemplateName="Order", TemplateData='{"name": "x"}'),
        "MissingRenderingAttribute",
        "Attribute 'order.id' is not present in the rendering data.",
    )
    assert isinstance(error, modeled(stored, "MissingRenderingAttributeException"))


@pytest.mark.parametrize("data", ["not json", "[1, 2]", '"text"', ""])
def test_render_with_bad_data(stored: SESClient, data: str) -> None:
    error = raises_ses_error(
        lambda: stored.test_render_template(TemplateName="Order", TemplateData=data),
        "InvalidRenderingParameter",
    )
    assert isinstance(error, modeled(stored, "InvalidRenderingParameterException"))
    assert "Order" in error.response["Error"]["Message"]


# -- SendTemplatedEmail ----------------------------------------------------------------------


def test_a_templated_send_delivers_the_rendered_message(stored: SESClient, ses: SESMock) -> None:
    message_id = send(stored, {**DATA, "name": "<b>Ann</b> & co"})
    sent = ses.assert_sent(template="Order", to="ann@example.net")[0]
    assert sent.message_id == message_id
    assert sent.operation == "SendTemplatedEmail"
    assert sent.subject == "Order A1 confirmed"
    assert sent.html == "<p>Hi <b>Ann</b> & co</p>"  # SES does not escape
    assert sent.text == "Hi <b>Ann</b> & co, Tea;Cup;"
    assert sent.template_data == {**DATA, "name": "<b>Ann</b> & co"}
    assert "Order A1 confirmed" in sent.raw.decode()


def test_a_send_with_a_template_arn(stored: SESClient, ses: SESMock) -> None:
    stored.send_templated_email(
        Source="shop@example.com",
        Destination={"ToAddresses": ["ann@example.net"]},
        Template="",
        TemplateArn="arn:aws:ses:us-east-1:123456789012:template/Order",
        TemplateData=json.dumps(DATA),
    )
    assert ses.outbox.only().template == "Order"


def test_a_send_of_an_unknown_template(client: SESClient, ses: SESMock) -> None:
    raises_ses_error(lambda: send(client), "TemplateDoesNotExist", "Template Order does not exist.")
    assert [r.code for r in ses.rejected] == ["TemplateDoesNotExist"]


def test_a_send_with_invalid_json_is_invalid_parameter(stored: SESClient, ses: SESMock) -> None:
    error = raises_ses_error(lambda: send(stored, "{oops"), "InvalidParameterValue")
    assert "Order" in error.response["Error"]["Message"]
    assert len(ses.outbox) == 0


def test_a_send_goes_through_sendemails_checks(stored: SESClient, ses: SESMock) -> None:
    raises_ses_error(
        lambda: send(stored, Tags=[{"Name": "bad name", "Value": "v"}]), "InvalidParameterValue"
    )
    raises_ses_error(
        lambda: send(stored, ConfigurationSetName="nope"), "ConfigurationSetDoesNotExist"
    )
    stored.update_account_sending_enabled(Enabled=False)
    raises_ses_error(lambda: send(stored), "AccountSendingPausedException")
    assert len(ses.outbox) == 0


@pytest.mark.ses(verified_identities=["other@example.com"])
def test_a_send_from_an_unverified_source_is_rejected(stored: SESClient) -> None:
    raises_ses_error(lambda: send(stored), "MessageRejected")


def test_a_missing_variable_is_accepted_but_not_delivered(stored: SESClient, ses: SESMock) -> None:
    stored.create_configuration_set(ConfigurationSet={"Name": "tracked"})
    stored.create_configuration_set_event_destination(
        ConfigurationSetName="tracked",
        EventDestination=destination("failures", ["renderingFailure"]),
    )
    message_id = send(stored, {"name": "Ann"}, ConfigurationSetName="tracked")
    assert len(ses.outbox) == 0
    failure = ses.render_failures[0]
    assert (failure.message_id, failure.template, failure.template_data) == (
        message_id,
        "Order",
        {"name": "Ann"},
    )
    assert failure.error_message == "Attribute 'order.id' is not present in the rendering data."
    event = ses.assert_event(type="Rendering Failure", message_id=message_id)[0]
    assert event.destinations == ["failures"]
    assert event.record["failure"] == {
        "errorMessage": "Attribute 'order.id' is not present in the rendering data.",
        "templateName": "Order",
    }
    ses.assert_no_event(type="Send")
    ses.assert_no_event(type="Delivery")


def test_a_failed_assert_sent_names_the_render_failure(stored: SESClient, ses: SESMock) -> None:
    message_id = send(stored, {"name": "Ann"})
    with pytest.raises(AssertionError) as info:
        ses.assert_sent(template="Order")
    text = str(info.value)
    assert "SES accepted 1 templated send but could not render it, so delivered nothing" in text
    assert message_id in text
    assert "Attribute 'order.id' is not present in the rendering data." in text


def test_the_failure_text_shows_each_candidates_template_and_data(
    stored: SESClient, ses: SESMock
) -> None:
    send(stored)
    with pytest.raises(AssertionError) as info:
        ses.assert_sent(template="Welcome")
    assert f"template 'Order' with data {DATA!r}" in str(info.value)
    assert "template: expected 'Welcome', got 'Order'" in str(info.value)


@pytest.mark.ses(max_24_hour_send=2)
def test_a_failed_render_still_counts_against_the_quota(stored: SESClient) -> None:
    send(stored, {"name": "Ann"})
    send(stored)
    assert stored.get_send_quota()["SentLast24Hours"] == 2
    raises_ses_error(lambda: send(stored), "Throttling", "Daily message quota exceeded.")


# -- SendBulkTemplatedEmail ------------------------------------------------------------------


def bulk(client: SESClient, *destinations: Any, **kwargs: Any) -> list[dict[str, Any]]:
    params: dict[str, Any] = {
        "Source": "shop@example.com",
        "Template": "Order",
        "DefaultTemplateData": json.dumps(DATA),
        "Destinations": list(destinations),
        **kwargs,
    }
    statuses: Any = client.send_bulk_templated_email(**params)["Status"]
    return list(statuses)


def to(address: str, **extra: Any) -> dict[str, Any]:
    return {"Destination": {"ToAddresses": [address]}, **extra}


def test_bulk_sends_one_message_per_destination(stored: SESClient, ses: SESMock) -> None:
    statuses = bulk(
        stored,
        to("a@example.net"),
        to(
            "b@example.net",
            ReplacementTemplateData=json.dumps({"name": "Bob"}),
            ReplacementTags=[{"Name": "who", "Value": "bob"}],
        ),
        DefaultTags=[{"Name": "campaign", "Value": "spring"}, {"Name": "who", "Value": "all"}],
    )
    assert [s["Status"] for s in statuses] == ["Success", "Success"]
    first, second = ses.outbox
    assert [first.message_id, second.message_id] == [s["MessageId"] for s in statuses]
    assert first.operation == second.operation == "SendBulkTemplatedEmail"
    assert first.html == "<p>Hi Ann</p>"
    assert second.html == "<p>Hi Bob</p>"
    assert second.subject == "Order A1 confirmed"  # other keys come from the defaults
    assert first.tags == {"campaign": "spring", "who": "all"}
    assert second.tags == {"campaign": "spring", "who": "bob"}
    assert len(ses.events.filter(type="Delivery")) == 2


def test_bulk_reports_a_status_per_destination(stored: SESClient, ses: SESMock) -> None:
    statuses = bulk(
        stored,
        to("a@example.net", ReplacementTemplateData="{oops"),
        to("not an address"),
        to("c@example.net", ReplacementTemplateData=json.dumps({"order": None})),
        to("d@example.net"),
    )
    assert [s["Status"] for s in statuses] == [
        "InvalidParameterValue",
        "InvalidParameterValue",
        "Success",  # accepted, then not rendered: SES delivers nothing
        "Success",
    ]
    assert "Error" in statuses[0]
    assert "MessageId" not in statuses[0]
    assert [m.to for m in ses.outbox] == [["d@example.net"]]
    assert [f.message_id for f in ses.render_failures] == [statuses[2]["MessageId"]]


@pytest.mark.ses(max_24_hour_send=1)
def test_bulk_destinations_count_against_the_quota_one_by_one(stored: SESClient) -> None:
    statuses = bulk(stored, to("a@example.net"), to("b@example.net"))
    assert [s["Status"] for s in statuses] == ["Success", "AccountDailyQuotaExceeded"]
    assert statuses[1]["Error"] == "Daily message quota exceeded."


@pytest.mark.ses(sandbox=True, verified_identities=["shop@example.com", "a@example.net"])
def test_bulk_in_the_sandbox_rejects_unverified_recipients(stored: SESClient) -> None:
    statuses = bulk(stored, to("a@example.net"), to("b@example.net"))
    assert [s["Status"] for s in statuses] == ["Success", "MessageRejected"]


def test_bulk_with_an_unknown_template_or_set_fails_whole(stored: SESClient) -> None:
    raises_ses_error(
        lambda: bulk(stored, to("a@example.net"), Template="Nope"), "TemplateDoesNotExist"
    )
    raises_ses_error(
        lambda: bulk(stored, to("a@example.net"), ConfigurationSetName="nope"),
        "ConfigurationSetDoesNotExist",
    )
    raises_ses_error(
        lambda: bulk(stored, to("a@example.net"), DefaultTemplateData="{"), "InvalidParameterValue"
    )
    raises_ses_error(
        lambda: bulk(stored, *[to(f"r{i}@example.net") for i in range(51)]),
        "InvalidParameterValue",
        "Destinations must hold 1 to 50 entries, got 51.",
    )
