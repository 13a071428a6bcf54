"""Requests botocore did not validate: AWS's ValidationError, in AWS's words, before the fake."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import NO_RETRIES, raises_ses_error

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SESMock

MSG: Any = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}
NULL = "Value null at '{}' failed to satisfy constraint: Member must not be null"


@pytest.fixture
def unchecked(ses: SESMock) -> SESClient:
    """A client whose own parameter validation is off: what it sends reaches the fake as is."""
    config = NO_RETRIES.merge(Config(parameter_validation=False))
    return boto3.client("ses", region_name=ses.region, config=config)


def validation_error(call: Any, *problems: str) -> None:
    count = len(problems)
    message = f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(problems)
    error = raises_ses_error(call, "ValidationError", message)
    assert type(error) is ClientError  # not a modeled SES error class
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error.response["Error"].get("Type") == "Sender"


def test_a_missing_required_member_is_named_in_lower_camel_case(
    ses: SESMock, unchecked: SESClient
) -> None:
    validation_error(unchecked.verify_email_identity, NULL.format("emailAddress"))
    validation_error(unchecked.verify_domain_identity, NULL.format("domain"))
    assert ses.calls == []  # refused before the fake saw it


def test_nested_and_list_members_are_named_by_their_path(unchecked: SESClient) -> None:
    validation_error(
        lambda: unchecked.send_email(
            Source="a@example.com",
            Destination={"ToAddresses": ["b@example.com"]},
            Message={"Body": {"Text": {"Data": "t"}}},  # type: ignore[typeddict-item]
            Tags=[{"Name": "n", "Value": "v"}, {"Name": "x"}],  # type: ignore[typeddict-item]
        ),
        NULL.format("message.subject"),
        NULL.format("tags.2.member.value"),
    )


def test_an_empty_destination_never_reaches_the_wire(unchecked: SESClient) -> None:
    # botocore accepts Destination={} (no member of it is required) and writes no field for
    # it, so SES sees no Destination at all.
    validation_error(
        lambda: unchecked.send_email(Source="a@example.com", Destination={}, Message=MSG),
        NULL.format("destination"),
    )


def test_a_destination_with_no_recipients_gets_ses_own_error(client: SESClient) -> None:
    raises_ses_error(
        lambda: client.send_email(
            Source="a@example.com", Destination={"ToAddresses": []}, Message=MSG
        ),
        "InvalidParameterValue",
        "Missing required header 'To'.",
    )


def test_values_of_the_wrong_type_are_refused(unchecked: SESClient) -> None:
    validation_error(
        lambda: unchecked.list_configuration_sets(MaxItems="many"),  # type: ignore[arg-type]
        "Value 'many' at 'maxItems' failed to satisfy constraint: Member must be an integer",
    )
    validation_error(
        lambda: unchecked.verify_email_identity(EmailAddress=7),  # type: ignore[arg-type]
        "Value '7' at 'emailAddress' failed to satisfy constraint: Member must be a string",
    )


def test_a_member_given_as_none_is_absent(unchecked: SESClient) -> None:
    assert unchecked.list_identities(NextToken=None)["Identities"] == []  # type: ignore[arg-type]


def post(url: str, **fields: str) -> tuple[int, str]:
    data = urlencode({"Version": "2010-12-01", **fields}).encode()
    try:
        with urllib.request.urlopen(url, data=data, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_endpoint_validates_a_bare_action(ses: SESMock) -> None:
    status, body = post(ses.endpoint_url, Action="SendEmail")
    assert status == 400
    assert "<Code>ValidationError</Code>" in body
    expected = "; ".join(NULL.format(name) for name in ("source", "destination", "message"))
    assert f"<Message>3 validation errors detected: {expected}</Message>".replace(
        "'", "&#x27;"
    ) in body.replace("'", "&#x27;")
    assert ses.calls == []  # refused before the fake saw it


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("MaxItems", "1e400", "an integer"),
        ("MaxItems", "99999999999", "an integer"),
        ("MaxItems", "", "an integer"),
    ],
)
def test_the_endpoint_refuses_malformed_numbers(
    ses: SESMock, field: str, value: str, expected: str
) -> None:
    status, body = post(ses.endpoint_url, Action="ListConfigurationSets", **{field: value})
    assert status == 400, body
    assert f"failed to satisfy constraint: Member must be {expected}" in body


def test_the_endpoint_refuses_bad_base64(ses: SESMock) -> None:
    status, body = post(ses.endpoint_url, Action="SendRawEmail", **{"RawMessage.Data": "!!!"})
    assert status == 400
    assert "at &#x27;rawMessage.data&#x27;" in body.replace("'", "&#x27;")
    assert "Member must be binary data" in body


def test_unknown_fields_are_ignored(ses: SESMock) -> None:
    status, body = post(ses.endpoint_url, Action="ListIdentities", LastAttemptDate="1e400")
    assert status == 200, body


def test_the_validator_reads_any_model_maps_included() -> None:
    # The REST-JSON codec of SES v2 calls it too; v1 has no map parameters.
    from botocore.session import get_session

    from pytest_ses._wire.validate import problems, validation_error

    model = get_session().get_service_model("sesv2")
    shape = model.operation_model("BatchGetMetricData").input_shape
    query = {"Id": "q", "Metric": "SEND", "Dimensions": {"EMAIL_IDENTITY": 5}, "EndDate": "x"}
    found = problems({"Queries": [query, None]}, shape)
    assert found == [
        NULL.format("queries.1.member.namespace"),
        "Value '5' at 'queries.1.member.dimensions.EMAIL_IDENTITY' failed to satisfy "
        "constraint: Member must be a string",
        NULL.format("queries.1.member.startDate"),
        "Value 'x' at 'queries.1.member.endDate' failed to satisfy constraint: "
        "Member must be a timestamp",
        NULL.format("queries.2.member"),
    ]
    error = validation_error(found)
    assert (error.code, error.status) == ("ValidationError", 400)
    assert error.message.startswith("5 validation errors detected: Value null at ")
    assert problems({"Queries": "not a list"}, shape) == [
        "Value 'not a list' at 'queries' failed to satisfy constraint: Member must be a list"
    ]
