"""Arbitrary input never crashes the fake: every send ends in a result or an SES error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import NO_RETRIES

if TYPE_CHECKING:
    from pytest_ses import SESMock

# One client for all examples: creating a client costs more than a send.
CLIENT = boto3.client("ses", region_name="us-east-1", config=NO_RETRIES)
pytestmark = pytest.mark.ses(max_send_rate=-1, max_24_hour_send=-1)

# Codes the fake may answer a send with; anything else (or a Python exception) is a bug.
# ValidationError: an empty Body never reaches the wire, so SES sees it missing.
SEND_ERRORS = {
    "InvalidParameterValue",
    "MessageRejected",
    "ConfigurationSetDoesNotExist",
    "ValidationError",
}
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples every run: the suite stays deterministic
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

addresses = st.one_of(
    st.emails().map(str),
    st.text(max_size=40),
    st.builds(lambda n, a: f"{n} <{a}>", st.text(max_size=15), st.emails()),
)
text = st.text(max_size=60)
content = st.fixed_dictionaries(
    {"Data": text}, optional={"Charset": st.sampled_from(["UTF-8", "ISO-8859-1", "bogus"])}
)
tags = st.lists(st.fixed_dictionaries({"Name": text, "Value": text}), max_size=3)


def attempt(call: Any) -> None:
    try:
        result = call()
    except ClientError as exc:
        assert exc.response["Error"]["Code"] in SEND_ERRORS, exc.response
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    else:
        assert result["MessageId"]


@FUZZ
@given(
    source=addresses,
    to=st.lists(addresses, max_size=4),
    cc=st.lists(addresses, max_size=2),
    reply_to=st.lists(addresses, max_size=2),
    subject=content,
    body=st.fixed_dictionaries({}, optional={"Text": content, "Html": content}),
    tags=tags,
    configuration_set=st.one_of(st.none(), text),
)
def test_send_email_never_crashes(
    ses: SESMock,
    source: str,
    to: list[str],
    cc: list[str],
    reply_to: list[str],
    subject: dict[str, str],
    body: dict[str, Any],
    tags: list[dict[str, str]],
    configuration_set: str | None,
) -> None:
    params: dict[str, Any] = {
        "Source": source,
        "Destination": {"ToAddresses": to, "CcAddresses": cc},
        "ReplyToAddresses": reply_to,
        "Message": {"Subject": subject, "Body": body},
        "Tags": tags,
    }
    if configuration_set is not None:
        params["ConfigurationSetName"] = configuration_set
    attempt(lambda: CLIENT.send_email(**params))


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.builds(
            lambda head, body: head + b"\r\n\r\n" + body,
            st.binary(max_size=120).map(
                lambda b: b"From: a@example.com\r\nTo: b@example.net\r\n" + b
            ),
            st.binary(max_size=120),
        ),
    ),
    source=st.one_of(st.none(), addresses),
    destinations=st.one_of(st.none(), st.lists(addresses, max_size=3)),
)
def test_send_raw_email_never_crashes(
    ses: SESMock, data: bytes, source: str | None, destinations: list[str] | None
) -> None:
    params: dict[str, Any] = {"RawMessage": {"Data": data}}
    if source is not None:
        params["Source"] = source
    if destinations is not None:
        params["Destinations"] = destinations

    def send_and_read() -> Any:
        result = CLIENT.send_raw_email(**params)
        sent = ses.outbox[-1]  # reading the parsed content must not crash either
        assert (sent.subject, sent.text, sent.html, sent.attachments, sent.headers) is not None
        return result

    attempt(send_and_read)
