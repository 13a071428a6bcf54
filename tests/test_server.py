"""The loopback endpoint: other processes reach the same fake over HTTP on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import boto3
import pytest
from botocore.parsers import create_parser

from pytest_ses import SESMock, mock_ses
from pytest_ses._model import service_model
from pytest_ses._server import MAX_BODY

TIMEOUT = 30.0  # seconds: every socket, join and subprocess here is bounded
SUBPROCESS_TIMEOUT = 120.0
SENDER = "sender@example.com"
NO_SHAPE: Any = None  # botocore parses error bodies without a shape


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def parsed(self, operation: str | None = None) -> dict[str, Any]:
        """The body as botocore's QueryParser reads it, checked against the headers."""
        assert self.headers["content-type"] == "text/xml"
        shape: Any = NO_SHAPE
        if operation:
            shape = service_model().operation_model(operation).output_shape
        result: dict[str, Any] = create_parser("query").parse(
            {"status_code": self.status, "headers": self.headers, "body": self.body}, shape
        )
        assert result["ResponseMetadata"]["RequestId"] == self.headers["x-amzn-requestid"]
        uuid.UUID(self.headers["x-amzn-requestid"])
        return result

    def error(self) -> dict[str, str]:
        error: dict[str, str] = self.parsed()["Error"]
        return error


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"
    assert parts.port is not None
    return parts.hostname, parts.port


def form(action: str, **fields: str) -> bytes:
    return urlencode({"Action": action, "Version": "2010-12-01", **fields}).encode()


def send_email_form(subject: str) -> bytes:
    return form(
        "SendEmail",
        Source=SENDER,
        **{
            "Destination.ToAddresses.member.1": "to@example.com",
            "Message.Subject.Data": subject,
            "Message.Body.Text.Data": "hello",
        },
    )


def post(
    url: str,
    body: bytes,
    headers: dict[str, str] | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> Reply:
    conn = connection or http.client.HTTPConnection(*address(url), timeout=TIMEOUT)
    try:
        conn.request(
            "POST",
            "/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", **(headers or {})},
        )
        response = conn.getresponse()
        return Reply(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        if connection is None:
            conn.close()


def exchange(url: str, data: bytes, method: str = "POST") -> Reply:
    """Send raw bytes on a fresh connection; read one HTTP response."""
    with socket.create_connection(address(url), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        return Reply(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )


def assert_serving(url: str) -> None:
    reply = post(url, form("GetSendQuota"))
    assert reply.status == 200, reply.body
    assert reply.parsed("GetSendQuota")["Max24HourSend"] == 50000.0


def clean_env(**extra: str) -> dict[str, str]:
    """The parent's environment without AWS settings, plus dummy credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="AKIDTESTING",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        **extra,
    )
    return env


# -- other processes ---------------------------------------------------------------------------

CHILD = """
import json, sys
import boto3
from botocore.config import Config

client = boto3.client(
    "ses", region_name="eu-west-1", endpoint_url=sys.argv[1],
    config=Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=30),
)
message = {"Subject": {"Data": "from a subprocess"}, "Body": {"Text": {"Data": "hi"}}}
to = {"ToAddresses": ["to@example.com"]}
out = {"sent": client.send_email(Source="sender@example.com", Destination=to, Message=message)}
try:
    client.send_email(
        Source="sender@example.com", Destination=to, Message=message,
        ConfigurationSetName="missing",
    )
except client.exceptions.ClientError as exc:
    out["modeled"] = [type(exc).__name__, exc.response["Error"]["Code"]]
try:
    client.list_receipt_filters()
except client.exceptions.ClientError as exc:
    out["unemulated"] = [
        exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["HTTPStatusCode"]
    ]
print(json.dumps(out, default=str))
"""


def test_a_boto3_subprocess_sends_to_the_same_outbox(ses: SESMock, url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    (message,) = ses.outbox
    assert message.message_id == out["sent"]["MessageId"]
    assert message.region == "eu-west-1"
    assert message.subject == "from a subprocess"
    assert out["modeled"] == [
        "ConfigurationSetDoesNotExistException",
        "ConfigurationSetDoesNotExist",
    ]
    assert out["unemulated"] == ["NotEmulated", 501]
    assert ses.not_emulated == ["ListReceiptFilters"]
    ses.forget_not_emulated()


def test_the_aws_cli_sends_to_the_same_outbox(ses: SESMock, url: str) -> None:
    aws = shutil.which("aws")
    if aws is None:
        pytest.skip("no `aws` executable on PATH")
    done = subprocess.run(
        [
            *(aws, "ses", "send-email", "--region", "ap-southeast-2", "--output", "json"),
            *("--from", SENDER, "--to", "to@example.com", "--subject", "cli", "--text", "hi"),
        ],
        env=clean_env(AWS_ENDPOINT_URL_SES=url),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (message,) = ses.outbox
    assert json.loads(done.stdout) == {"MessageId": message.message_id}
    assert (message.region, message.subject) == ("ap-southeast-2", "cli")


def test_an_in_process_client_with_the_endpoint_url_is_answered_in_process(
    ses: SESMock, url: str
) -> None:
    client = boto3.client("ses", region_name="ca-central-1", endpoint_url=url)
    client.verify_email_identity(EmailAddress="a@example.com")
    assert [(c.operation, c.region) for c in ses.calls] == [("VerifyEmailIdentity", "ca-central-1")]


# -- the protocol ----------------------------------------------------------------------------------


def test_a_send_answers_with_the_codec_and_the_request_id_header(ses: SESMock, url: str) -> None:
    reply = post(url, send_email_form("raw"))
    assert reply.status == 200
    message_id = reply.parsed("SendEmail")["MessageId"]
    assert [m.message_id for m in ses.outbox] == [message_id]


def test_region_comes_from_the_signature_and_attempt_from_the_sdk_header(
    ses: SESMock, url: str
) -> None:
    signed = {
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDANY/20240101/sa-east-1/ses/"
        "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
        "amz-sdk-request": "attempt=3; max=3",
    }
    assert post(url, form("ListIdentities"), signed).status == 200
    assert post(url, form("ListIdentities"), {"Authorization": "Bearer nonsense"}).status == 200
    assert post(url, form("ListIdentities")).status == 200
    assert [(c.region, c.attempt) for c in ses.calls] == [
        ("sa-east-1", 3),
        (ses.region, 1),
        (ses.region, 1),
    ]


def test_a_connection_is_kept_alive_across_good_and_refused_requests(url: str) -> None:
    conn = http.client.HTTPConnection(*address(url), timeout=TIMEOUT)
    try:
        for _ in range(3):
            assert post(url, form("GetSendQuota"), connection=conn).status == 200
            reply = post(url, form("NoSuchAction"), connection=conn)
            assert reply.error()["Code"] == "InvalidAction"
            assert "connection" not in reply.headers
    finally:
        conn.close()


def request(head: str, body: bytes = b"") -> bytes:
    return head.replace("\n", "\r\n").encode("latin-1") + b"\r\n" + body


def framed(body: bytes, content_type: str = "application/x-www-form-urlencoded") -> bytes:
    return request(
        f"POST / HTTP/1.1\nHost: x\nContent-Type: {content_type}\nContent-Length: {len(body)}\n",
        body,
    )


MALFORMED = {
    "garbage request line": (request("GARBAGE\n"), 400, "MalformedRequest"),
    "bad http version": (request("POST / HTTP/one\n"), 400, "MalformedRequest"),
    "http/2": (request("POST / HTTP/2.0\n"), 505, "HTTPVersionNotSupported"),
    "header line too long": (
        request("POST / HTTP/1.1\nX-Big: " + "a" * 70_000 + "\n"),
        431,
        "RequestHeaderFieldsTooLarge",
    ),
    "request line too long": (
        request("POST /" + "a" * 70_000 + " HTTP/1.1\n"),
        414,
        "RequestURITooLong",
    ),
    "content-length not a number": (
        request("POST / HTTP/1.1\nContent-Length: abc\n"),
        400,
        "MalformedRequest",
    ),
    "content-length negative": (
        request("POST / HTTP/1.1\nContent-Length: -1\n"),
        400,
        "MalformedRequest",
    ),
    "content-length twice, differing": (
        request("POST / HTTP/1.1\nContent-Length: 1\nContent-Length: 2\n", b"ab"),
        400,
        "MalformedRequest",
    ),
    "no content-length": (request("POST / HTTP/1.1\n"), 411, "MissingContentLength"),
    "chunked": (
        request("POST / HTTP/1.1\nTransfer-Encoding: chunked\n", b"0\r\n\r\n"),
        411,
        "MissingContentLength",
    ),
    "oversized, expecting 100-continue": (
        request(f"POST / HTTP/1.1\nExpect: 100-continue\nContent-Length: {MAX_BODY + 1}\n"),
        413,
        "RequestEntityTooLarge",
    ),
    "GET /": (request("GET / HTTP/1.1\n"), 405, "MethodNotAllowed"),
    "GET / as HTTP/0.9": (request("GET /\n"), 405, "MethodNotAllowed"),
    "PUT": (request("PUT / HTTP/1.1\nContent-Length: 2\n", b"{}"), 405, "MethodNotAllowed"),
    "made-up method": (request("BREW /pot HTTP/1.1\n"), 405, "MethodNotAllowed"),
    "no action": (framed(b"Version=2010-12-01"), 400, "MissingAction"),
    "unknown action": (framed(form("BrewCoffee")), 400, "InvalidAction"),
    "bad parameter": (
        framed(form("ListIdentities", MaxItems="many")),
        400,
        "ValidationError",
    ),
    "non-utf-8 body": (framed(b"Action=ListIdentities&X=\xff\xfe"), 400, "MalformedQueryString"),
    "json body": (
        framed(b'{"Action": "SendEmail"}', "application/json"),
        415,
        "UnsupportedMediaType",
    ),
}


@pytest.mark.parametrize(("data", "status", "code"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_requests_get_ses_errors_and_the_server_carries_on(
    url: str, data: bytes, status: int, code: str
) -> None:
    reply = exchange(url, data)
    assert reply.status == status, reply.body
    error = reply.error()
    assert error["Code"] == code
    assert error["Type"] == "Sender"
    assert error["Message"]
    assert_serving(url)


def test_head_is_refused_without_a_body(url: str) -> None:
    reply = exchange(url, request("HEAD / HTTP/1.1\n"), method="HEAD")
    assert (reply.status, reply.body, reply.headers["allow"]) == (405, b"", "POST")
    assert_serving(url)


def test_a_body_over_the_cap_is_refused_and_drained(ses: SESMock, url: str) -> None:
    body = form("GetSendQuota", Padding="")
    body += b"a" * (MAX_BODY + 1 - len(body))
    reply = exchange(url, framed(body))
    assert reply.status == 413
    assert reply.error()["Code"] == "RequestEntityTooLarge"
    assert reply.headers["connection"] == "close"
    assert ses.calls == []
    assert_serving(url)


def test_a_body_at_the_cap_is_answered(ses: SESMock, url: str) -> None:
    body = form("GetSendQuota", Padding="")
    body += b"a" * (MAX_BODY - len(body))
    assert post(url, body).status == 200
    assert [c.operation for c in ses.calls] == ["GetSendQuota"]


def test_an_unemulated_operation_is_an_error_and_recorded(ses: SESMock, url: str) -> None:
    reply = post(url, form("ListReceiptFilters"))
    assert reply.status == 501  # not a status SDKs retry
    error = reply.error()
    assert (error["Code"], error["Type"]) == ("NotEmulated", "Receiver")
    assert "ListReceiptFilters" in error["Message"]
    assert ses.not_emulated == ["ListReceiptFilters"]
    ses.forget_not_emulated()
    assert_serving(url)


def test_an_unexpected_exception_is_an_internal_failure() -> None:
    # mock_ses rather than the fixture: the fake must fail on exit, and the test checks that.
    context = mock_ses()
    ses = context.__enter__()
    _raise_in_an_observer(ses, ses.endpoint_url)
    with pytest.raises(AssertionError, match=r"endpoint hit 1 unexpected error.*observer broke"):
        context.__exit__(None, None, None)


def _raise_in_an_observer(ses: SESMock, url: str) -> None:
    def boom(message: object) -> None:
        raise RuntimeError("observer broke")

    ses._account.on_message.append(boom)
    reply = post(url, send_email_form("boom"))
    assert reply.status == 500
    error = reply.error()
    assert error["Code"] == "InternalFailure"
    assert error["Message"] == "pytest-ses failed: RuntimeError: observer broke"
    assert ses._server is not None
    assert [str(e) for e in ses._server.errors] == ["observer broke"]
    ses._account.on_message.remove(boom)
    assert post(url, send_email_form("fine")).status == 200


# -- concurrency and lifetime ---------------------------------------------------------------------

THREADS = 8
SENDS = 50


@pytest.mark.ses(max_send_rate=-1, max_24_hour_send=-1)
def test_concurrent_sends_from_many_connections(ses: SESMock, url: str) -> None:
    start = threading.Barrier(THREADS, timeout=TIMEOUT)
    ids: list[list[str]] = [[] for _ in range(THREADS)]
    failures: list[BaseException] = []

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection(*address(url), timeout=TIMEOUT)
        try:
            start.wait()
            for i in range(SENDS):
                reply = post(url, send_email_form(f"{n}-{i}"), connection=conn)
                assert reply.status == 200, reply.body
                ids[n].append(reply.parsed("SendEmail")["MessageId"])
        except BaseException as exc:
            failures.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive()
    assert failures == []
    sent = [m.message_id for m in ses.outbox]
    assert len(sent) == len(set(sent)) == THREADS * SENDS
    assert sorted(sent) == sorted(i for chunk in ids for i in chunk)
    for n in range(THREADS):  # each connection's sends are in its order
        subjects = [m.subject for m in ses.outbox if (m.subject or "").startswith(f"{n}-")]
        assert subjects == [f"{n}-{i}" for i in range(SENDS)]


def refused(url: str) -> bool:
    try:
        socket.create_connection(address(url), timeout=TIMEOUT).close()
    except ConnectionRefusedError:
        return True
    return False


def test_mock_ses_exit_stops_the_server_and_its_open_connections() -> None:
    with mock_ses() as ses:
        url = ses.endpoint_url
        assert ses.endpoint_url == url  # started once
        conn = http.client.HTTPConnection(*address(url), timeout=TIMEOUT)
        assert post(url, form("GetSendQuota"), connection=conn).status == 200
    try:
        assert refused(url)
        with pytest.raises((ConnectionError, http.client.HTTPException)):
            post(url, form("GetSendQuota"), connection=conn)
    finally:
        conn.close()
    with pytest.raises(RuntimeError, match="endpoint is closed"):
        _ = ses.endpoint_url


def test_mock_ses_exit_stops_the_server_when_the_block_raises() -> None:
    urls = []

    def fail_inside() -> None:
        with mock_ses() as ses:
            urls.append(ses.endpoint_url)
            raise KeyError

    with pytest.raises(KeyError):
        fail_inside()
    assert refused(urls[0])


def test_a_fake_that_never_asked_for_the_endpoint_starts_no_server() -> None:
    before = {t.name for t in threading.enumerate()}
    with mock_ses():
        pass
    assert not {t.name for t in threading.enumerate()} - before


def test_the_fixture_stops_the_server_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        URLS = []

        def test_uses_endpoint(ses):
            URLS.append(ses.endpoint_url)

        def test_port_is_closed():
            import socket
            from urllib.parse import urlsplit
            parts = urlsplit(URLS[0])
            try:
                socket.create_connection((parts.hostname, parts.port), timeout=10).close()
            except ConnectionRefusedError:
                return
            raise AssertionError("still listening")
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2)
