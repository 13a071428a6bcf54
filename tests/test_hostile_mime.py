"""Hostile input: SES refuses what it refuses, and no reader of an accepted message ever raises."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import NO_RETRIES, raises_ses_error
from tests.test_sending_fuzz import FUZZ

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SentMessage, SESMock

CLIENT = boto3.client("ses", region_name="us-east-1", config=NO_RETRIES)
pytestmark = pytest.mark.ses(max_send_rate=-1, max_24_hour_send=-1)

MESSAGE: dict[str, Any] = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}
READERS = (
    "subject", "text", "html", "attachments", "headers", "raw", "to", "cc", "bcc", "reply_to",
    "destinations", "from_address", "unreadable",
)  # fmt: skip
HEAD = b"From: a@example.com\r\nTo: b@example.net\r\nSubject: x\r\n"


def send(**params: Any) -> Any:
    base: dict[str, Any] = {
        "Source": "a@example.com",
        "Destination": {"ToAddresses": ["b@example.net"]},
        "Message": MESSAGE,
    }
    return CLIENT.send_email(**{**base, **params})


def send_raw(data: bytes, **params: Any) -> Any:
    return CLIENT.send_raw_email(RawMessage={"Data": data}, **params)


def read_everything(ses: SESMock, message: SentMessage) -> dict[str, Any]:
    """Every reader tests and reports use; none may raise."""
    seen = {name: getattr(message, name) for name in READERS}
    seen["events"] = [event.record for event in ses.events]
    seen["report"] = ses_report(ses)
    return seen


def ses_report(ses: SESMock) -> str:
    from pytest_ses._artifacts import summary
    from pytest_ses._preview import render_index, render_message

    pages = [render_message(m) for m in ses.outbox]
    pages.append(render_index("t", [(str(n), m) for n, m in enumerate(ses.outbox)]))
    return summary(ses, None) + "".join(pages)


# -- refused: header injection, charsets, encoded words, nesting ---------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"Destination": {"ToAddresses": ["x\r\nBcc: spy@example.org\r\n <b@example.net>"]}},
         "Display name contains control characters"),
        ({"Source": "x\nBcc: spy@example.org\n <a@example.com>"},
         "Display name contains control characters"),
        ({"Destination": {"ToAddresses": ["b@example.net\xa0"]}},
         "Domain contains control or whitespace"),
        ({"Destination": {"CcAddresses": ["b@example.net\r\n"]}},
         "Domain contains control or whitespace"),
        ({"Source": "\r\na@example.com"}, "Local address contains control or whitespace"),
        ({"ReplyToAddresses": ["\u2003r@example.com"]},
         "Local address contains control or whitespace"),
        ({"ReturnPath": "x\r\n <r@example.com>"}, "Display name contains control characters"),
        ({"Source": "=?utf-8?b?a?= <a@example.com>"}, "Illegal encoded-word in display name"),
    ],
)  # fmt: skip
def test_addresses_that_would_inject_headers_are_refused(
    ses: SESMock, params: dict[str, Any], message: str
) -> None:
    error = raises_ses_error(lambda: send(**params), "InvalidParameterValue", message)
    assert type(error) is ClientError
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert not ses.outbox


def test_raw_destinations_and_headers_are_checked_alike(ses: SESMock) -> None:
    raises_ses_error(
        lambda: send_raw(
            HEAD + b"\r\nbody", Destinations=["x\r\nBcc: spy@example.org\r\n <b@x.net>"]
        ),
        "InvalidParameterValue",
        "Display name contains control characters",
    )
    raises_ses_error(
        lambda: send_raw(b"From: =?utf-8?b?a?= <a@example.com>\r\nTo: b@example.net\r\n\r\nbody"),
        "InvalidParameterValue",
        "Illegal encoded-word in display name",
    )
    assert not ses.outbox


@pytest.mark.parametrize("charset", ["utf\x008", "hex", "base64", "rot13", "zlib", "idna",
                                     "undefined", "no-such-charset", "utf 8"])  # fmt: skip
@pytest.mark.parametrize("where", ["Subject", "Text", "Html"])
def test_charsets_that_are_no_mail_charsets_are_refused(
    ses: SESMock, charset: str, where: str
) -> None:
    message: dict[str, Any] = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}
    part = message["Subject"] if where == "Subject" else message["Body"].setdefault(where, {})
    part.update({"Data": "d", "Charset": charset})
    # XML cannot carry a NUL: SES's reply shows U+FFFD in its place
    shown = charset.replace("\x00", "\ufffd")
    raises_ses_error(
        lambda: send(Message=message), "InvalidParameterValue", f"Unsupported charset '{shown}'."
    )


@pytest.mark.parametrize("charset", ["UTF-8", "iso-8859-1", "Shift_JIS", "utf-16", "windows-1252"])
def test_mail_charsets_are_taken(ses: SESMock, charset: str) -> None:
    send(Message={"Subject": {"Data": "Grüße", "Charset": charset},
                  "Body": {"Text": {"Data": "Grüße", "Charset": charset}}})  # fmt: skip
    assert (ses.outbox[0].subject, ses.outbox[0].text) == ("Grüße", "Grüße")


@pytest.mark.parametrize("to", [b"(" * 3000 + b"b@example.net", b"a:" * 1000 + b"b@example.net;"])
def test_deeply_nested_address_headers_are_refused(ses: SESMock, to: bytes) -> None:
    raw = b"From: a@example.com\r\nTo: " + to + b"\r\nSubject: x\r\n\r\nbody"
    raises_ses_error(
        lambda: send_raw(raw), "InvalidParameterValue", "Nesting too deep in address list"
    )


# -- accepted, and every reader copes -----------------------------------------------------------

NESTED = b"".join(
    b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i) for i in range(1000)
)
ACCEPTED = {
    "broken encoded-word subject": b"From: a@example.com\r\nTo: b@example.net\r\n"
    b"Subject: =?utf-8?b?a?=\r\n\r\nbody",
    "multiparts 1,000 deep": HEAD + NESTED + b"Content-Type: text/plain\r\n\r\nhi\r\n",
    "multipart/related with no boundary": HEAD
    + b"Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\n"
    b"Content-Type: multipart/related\r\n\r\nzz\r\n--X--\r\n",
    "charset given as RFC 2231": HEAD + b"Content-Type: text/plain; charset*=utf-8''x\r\n\r\nbody",
    "broken encoded-word filename": HEAD
    + b"Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b'Content-Disposition: attachment; filename="=?utf-8?b?a?="\r\n\r\nzz\r\n--X--\r\n',
    "a charset Python lacks in a raw part": HEAD
    + b"Content-Type: text/plain; charset=x-no-such\r\n\r\nbody \xff",
    "a bytes-to-bytes codec as charset": HEAD + b"Content-Type: text/html; charset=hex\r\n\r\nzz",
    "an encoded-word charset that is not ASCII": b"From: a@example.com\r\nTo: b@example.net\r\n"
    b"Subject: =?utf-\xff8?b?YQ==?=\r\n\r\nbody",
    "the same in a filename": HEAD + b"Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b'Content-Disposition: attachment; filename="=?utf-\xff8?b?YQ==?="\r\n\r\nzz\r\n--X--\r\n',
}


@pytest.mark.parametrize("raw", list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_accepted_hostile_mail_never_breaks_a_reader(ses: SESMock, raw: bytes) -> None:
    send_raw(raw)
    seen = read_everything(ses, ses.outbox[0])
    assert seen["raw"] == raw or seen["raw"].endswith(raw.split(b"\r\n\r\n", 1)[1])
    assert [event["eventType"] for event in seen["events"]] == ["Send", "Delivery"]
    assert "sent #1" in seen["report"]


def test_hostile_mail_is_published_to_destinations_when_sent(
    client: SESClient, ses: SESMock
) -> None:
    """A destination builds the event records during the send: still an answer, never a crash."""
    client.create_configuration_set(ConfigurationSet={"Name": "cs"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="cs",
        EventDestination={
            "Name": "firehose", "Enabled": True, "MatchingEventTypes": ["send", "delivery"],
            "KinesisFirehoseDestination": {
                "IAMRoleARN": "arn:aws:iam::123456789012:role/r",
                "DeliveryStreamARN": "arn:aws:firehose:us-east-1:123456789012:deliverystream/s",
            },
        },
    )  # fmt: skip
    for raw in ACCEPTED.values():
        send_raw(raw, ConfigurationSetName="cs")
    assert len(ses.outbox) == len(ACCEPTED)
    assert len(ses.destination("firehose").records) == 2 * len(ACCEPTED)


def test_an_encoded_word_with_a_charset_that_is_not_ascii_is_shown_as_written(
    ses: SESMock,
) -> None:
    send_raw(ACCEPTED["an encoded-word charset that is not ASCII"])
    send_raw(ACCEPTED["the same in a filename"])
    assert ses.outbox[0].subject == "=?utf-\udcff8?b?YQ==?="  # the byte kept as an escape
    assert [a.filename for a in ses.outbox[1].attachments] == ["=?utf-\ufffd8?b?YQ==?="]
    assert [m.unreadable for m in ses.outbox] == [None, None]


def test_what_cannot_be_read_is_named(ses: SESMock) -> None:
    send_raw(ACCEPTED["multiparts 1,000 deep"])
    message = ses.outbox[0]
    assert message.text is None
    assert message.unreadable is not None
    assert message.unreadable.startswith("the MIME structure: RecursionError")
    send_raw(ACCEPTED["broken encoded-word subject"])
    assert ses.outbox[1].subject == "=?utf-8?b?a?="  # shown as written, as mail clients do
    assert ses.outbox[1].unreadable is None


def test_a_broken_related_part_leaves_the_rest_readable(ses: SESMock) -> None:
    raw = (
        HEAD + b"Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\n"
        b"Content-Type: text/plain\r\n\r\nthe text\r\n--X\r\n"
        b"Content-Type: multipart/related\r\n\r\nzz\r\n--X\r\n"
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\n"
        b"%PDF\r\n--X--\r\n"
    )
    send_raw(raw)
    message = ses.outbox[0]
    assert message.text == "the text"
    assert [a.filename for a in message.attachments] == ["a.pdf"]


# -- a send is all or nothing -------------------------------------------------------------------


def test_a_send_that_fails_after_storing_leaves_no_trace(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def pytest_ses_message_sent(message, ses):
            if message.subject == "boom":
                raise RuntimeError("observer failed")
        """
    )
    pytester.makepyfile(
        """
        import boto3, pytest

        def test_send(ses):
            client = boto3.client("ses", region_name="us-east-1")
            client.create_configuration_set(ConfigurationSet={"Name": "cs"})
            client.create_configuration_set_event_destination(
                ConfigurationSetName="cs",
                EventDestination={
                    "Name": "sns", "Enabled": True, "MatchingEventTypes": ["send"],
                    "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:123456789012:t"},
                },
            )
            def send(subject):
                return client.send_email(
                    Source="a@example.com", Destination={"ToAddresses": ["b@example.net"]},
                    Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": "t"}}},
                    ConfigurationSetName="cs",
                )
            with pytest.raises(RuntimeError, match="observer failed"):
                send("boom")
            assert list(ses.outbox) == [] and list(ses.events) == [] and ses.rejected == []
            validation = ses.destination("sns").notifications  # SES's topic check only
            assert [n["Message"] for n in validation] == [
                "Successfully validated SNS topic for Amazon SES event publishing."
            ]
            assert client.get_send_quota()["SentLast24Hours"] == 0
            send("fine")
            assert [m.subject for m in ses.outbox] == ["fine"]
            assert len(ses.destination("sns").notifications) == 2
            assert client.get_send_quota()["SentLast24Hours"] == 1
        """
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)


def test_over_the_endpoint_a_failed_send_is_stored_by_no_attempt(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def pytest_ses_message_sent(message, ses):
            raise RuntimeError("observer failed")
        """
    )
    pytester.makepyfile(
        """
        import urllib.error, urllib.parse, urllib.request

        FIELDS = {
            "Action": "SendEmail", "Source": "a@example.com",
            "Destination.ToAddresses.member.1": "b@example.net",
            "Message.Subject.Data": "s", "Message.Body.Text.Data": "t",
        }

        def test_send(ses):
            data = urllib.parse.urlencode(FIELDS).encode()
            for attempt in range(3):  # what an SDK does with a 500
                try:
                    urllib.request.urlopen(ses.endpoint_url, data=data, timeout=10)
                except urllib.error.HTTPError as exc:
                    assert exc.code == 500
            assert list(ses.outbox) == [] and list(ses.events) == []
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)  # the endpoint's 500s fail the test at teardown
    result.stdout.fnmatch_lines(
        ["*the loopback endpoint hit 3 unexpected errors and answered with HTTP 500*"]
    )


# -- the failure report never ends the session ---------------------------------------------------


@pytest.mark.parametrize("artifacts", [False, True])
def test_a_failing_test_with_hostile_mail_is_reported_normally(
    pytester: pytest.Pytester, artifacts: bool
) -> None:
    pytester.makepyfile(
        f"""
        import boto3

        RAWS = {list(ACCEPTED.values())!r}

        def test_sends(ses):
            client = boto3.client("ses", region_name="us-east-1")
            for raw in RAWS:
                client.send_raw_email(RawMessage={{"Data": raw}})
            assert False, "the application's own failure"
        """
    )
    options = ["-p", "no:randomly"] + (["--ses-artifacts", "out"] if artifacts else [])
    result = pytester.runpytest_inprocess(*options)
    result.assert_outcomes(failed=1)
    assert "INTERNALERROR" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        ["*Captured SES mail*", f"*{len(ACCEPTED)} sent, 0 rejected*",
         "*unreadable: the MIME structure*"]
    )  # fmt: skip
    if artifacts:
        assert len(list(pytester.path.glob("out/**/*.eml"))) == len(ACCEPTED)


# -- fuzz: random and mutated MIME ---------------------------------------------------------------

header_names = st.sampled_from(
    ["From", "To", "Cc", "Subject", "Content-Type", "Content-Disposition",
     "Content-Transfer-Encoding", "MIME-Version", "X-Custom"]
)  # fmt: skip
header_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["multipart/mixed; boundary=B", "multipart/related", "text/plain; charset*=utf-8''x",
         "text/html; charset=hex", 'attachment; filename="=?utf-8?b?a?="', "=?utf-8?q?=FF?=",
         "base64", "quoted-printable", "b@example.net", "a:b@example.net;", "(((("]
    ),
)  # fmt: skip
bodies = st.one_of(
    st.binary(max_size=80),
    st.sampled_from([b"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--", b"=ZZ", b"--B"]),
)


@FUZZ
@given(
    headers=st.lists(st.tuples(header_names, header_values), max_size=8),
    body=bodies,
)
def test_random_mime_gets_ses_errors_or_readable_mail(
    ses: SESMock, headers: list[tuple[str, str]], body: bytes
) -> None:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    raw = b"From: a@example.com\r\nTo: b@example.net\r\n" + head.encode("utf-8") + b"\r\n" + body
    before = len(ses.outbox)
    try:
        send_raw(raw)
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "InvalidParameterValue", exc.response
        return
    read_everything(ses, ses.outbox[before])


def test_a_client_with_hostile_sends_keeps_working(client: SESClient, ses: SESMock) -> None:
    for raw in ACCEPTED.values():
        send_raw(raw)
    with pytest.raises(ClientError):
        send(Source="x\r\n <a@example.com>")
    client.send_email(
        Source="a@example.com",
        Destination={"ToAddresses": ["c@example.net"]},
        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
    )
    assert ses.outbox[-1].to == ["c@example.net"]


# A well-formed message with the parts readers look at, for the mutation fuzz to break.
WELL_FORMED = (
    b"From: =?utf-8?b?w5xuw68=?= <a@example.com>\r\nTo: b@example.net, Team: c@example.net;\r\n"
    b"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="M"\r\n\r\n--M\r\n'
    b'Content-Type: multipart/alternative; boundary="A"\r\n\r\n--A\r\n'
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    b"caf=C3=A9\r\n--A\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>hi</p>\r\n--A--\r\n--M\r\n"
    b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
    b"Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf\r\n\r\n"
    b"JVBERi0x\r\n--M--\r\n"
)
TOKENS = [b"\r\n", b"\n", b"=?", b"?=", b"=?utf-8?b?", b"charset*=", b'"', b";", b"(", b"<",
          b"--", b"\xff", b"\x00", b"multipart/", b"boundary="]  # fmt: skip
edits = st.lists(
    st.tuples(st.floats(0, 1), st.one_of(st.binary(max_size=4), st.sampled_from(TOKENS)),
              st.integers(0, 8)),
    min_size=1,
    max_size=6,
)  # fmt: skip


@FUZZ
@given(seed=st.sampled_from([WELL_FORMED, *ACCEPTED.values()]), edits=edits)
def test_mutated_mime_gets_ses_errors_or_readable_mail(
    ses: SESMock, seed: bytes, edits: list[tuple[float, bytes, int]]
) -> None:
    raw = bytearray(seed)
    for where, insert, cut in edits:  # at a relative position, cut some bytes and insert others
        at = int(where * len(raw))
        raw[at : at + cut] = insert
    before = len(ses.outbox)
    try:
        send_raw(bytes(raw))
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "InvalidParameterValue", exc.response
        return
    read_everything(ses, ses.outbox[before])
