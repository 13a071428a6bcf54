"""The loopback endpoint serves SES API v2's REST paths and pinpoint-email's beside the Query API."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.parsers import create_parser

from pytest_ses import SESMock, mock_ses
from pytest_ses._server import MAX_BODY
from tests.conftest import STAMP
from tests.test_server import (
    SUBPROCESS_TIMEOUT,
    Reply,
    assert_serving,
    clean_env,
    exchange,
    request,
)

NO_SHAPE: Any = None

CHILD = """
import json, sys
import boto3
from botocore.config import Config

config = Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=30)
v2 = boto3.client("sesv2", region_name="eu-west-1", endpoint_url=sys.argv[1], config=config)
pinpoint = boto3.client(
    "pinpoint-email", region_name="eu-west-1", endpoint_url=sys.argv[1], config=config
)
out = {"lists": v2.list_contact_lists(PageSize=4)["ContactLists"]}
try:
    v2.list_contact_lists(NextToken="missing")
except v2.exceptions.NotFoundException as exc:
    out["modeled"] = [exc.response["Error"], exc.response["ResponseMetadata"]["HTTPStatusCode"]]
try:
    pinpoint.get_deliverability_dashboard_options()
except pinpoint.exceptions.ClientError as exc:
    out["unemulated"] = [
        exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["HTTPStatusCode"]
    ]
print(json.dumps(out, default=str))
"""


def test_a_sesv2_subprocess_is_answered_by_the_same_fake(
    ses: SESMock, url: str, contact_lists: list[Any]
) -> None:
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
    assert out["lists"] == [{"ContactListName": "news", "LastUpdatedTimestamp": str(STAMP)}]
    assert out["modeled"] == [
        {"Code": "NotFoundException", "Message": "Configuration set <x> does not exist."},
        404,
    ]
    assert out["unemulated"] == ["NotEmulated", 501]
    assert contact_lists == [{"PageSize": 4}, {"NextToken": "missing"}]
    assert [(c.operation, c.region) for c in ses.calls] == [
        ("ListContactLists", "eu-west-1"),
        ("ListContactLists", "eu-west-1"),
        ("GetDeliverabilityDashboardOptions", "eu-west-1"),
    ]
    assert ses.not_emulated == ["pinpoint-email:GetDeliverabilityDashboardOptions"]
    ses.forget_not_emulated()


def rest_error(reply: Reply) -> dict[str, str]:
    """The error as botocore's RestJSONParser reads it, checked against the headers."""
    assert reply.headers["content-type"] == "application/json"
    response = {
        "status_code": reply.status,
        "headers": HeadersDict(reply.headers),
        "body": reply.body,
    }
    parsed = create_parser("rest-json").parse(response, NO_SHAPE)
    uuid.UUID(parsed["ResponseMetadata"]["RequestId"])
    error: dict[str, str] = parsed["Error"]
    return error


def test_a_get_without_content_length_is_answered(url: str, contact_lists: list[Any]) -> None:
    reply = exchange(url, request("GET /v2/email/contact-lists?PageSize=2 HTTP/1.1\nHost: x\n"))
    assert reply.status == 200, reply.body
    assert json.loads(reply.body)["ContactLists"][0]["ContactListName"] == "news"
    assert contact_lists == [{"PageSize": 2}]
    assert_serving(url)


MALFORMED = {
    "unknown path": (request("GET /v2/email/nowhere HTTP/1.1\n"), 404, "UnknownOperationException"),
    "unknown pinpoint path": (
        request("GET /v1/nowhere HTTP/1.1\n"),
        404,
        "UnknownOperationException",
    ),
    "not json": (
        request("POST /v2/email/outbound-emails HTTP/1.1\nContent-Length: 9\n", b"{not json"),
        400,
        "BadRequestException",
    ),
    "json, not an object": (
        request("PUT /v2/email/account/sending HTTP/1.1\nContent-Length: 2\n", b"[]"),
        400,
        "BadRequestException",
    ),
    "chunked": (
        request(
            "POST /v2/email/outbound-emails HTTP/1.1\nTransfer-Encoding: chunked\n", b"0\r\n\r\n"
        ),
        411,
        "MissingContentLength",
    ),
    "oversized": (
        request(
            f"POST /v2/email/outbound-emails HTTP/1.1\nExpect: 100-continue\nContent-Length: {MAX_BODY + 1}\n"
        ),
        413,
        "RequestEntityTooLarge",
    ),
    "made-up method": (request("BREW /v2/email/account HTTP/1.1\n"), 405, "MethodNotAllowed"),
}


@pytest.mark.parametrize(("data", "status", "code"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_rest_requests_get_json_errors_and_the_server_carries_on(
    ses: SESMock, url: str, data: bytes, status: int, code: str
) -> None:
    reply = exchange(url, data)
    assert reply.status == status, reply.body
    error = rest_error(reply)
    assert error["Code"] == code
    assert error["Message"]
    assert ses.calls == []
    assert_serving(url)


def test_head_on_a_rest_path_names_the_methods_it_takes(url: str) -> None:
    reply = exchange(url, request("HEAD /v2/email/account HTTP/1.1\n"), method="HEAD")
    assert (reply.status, reply.body) == (405, b"")
    assert reply.headers["allow"] == "DELETE, GET, PATCH, POST, PUT"


def test_a_bug_in_a_v2_handler_is_an_internal_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_ses._fake import registry

    def broken(account: Any, region: Any, params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("handler broke")

    monkeypatch.setitem(registry.HANDLERS, ("sesv2", "ListContactLists"), broken)
    # mock_ses rather than the fixture: the fake must fail on exit, and the test checks that.
    context = mock_ses()
    ses = context.__enter__()
    url = ses.endpoint_url
    reply = exchange(url, request("GET /v2/email/contact-lists HTTP/1.1\n"))
    assert reply.status == 500
    assert rest_error(reply) == {
        "Code": "InternalFailure",
        "Message": "pytest-ses failed: RuntimeError: handler broke",
    }
    assert_serving(url)
    with pytest.raises(AssertionError, match=r"endpoint hit 1 unexpected error.*handler broke"):
        context.__exit__(None, None, None)


def test_the_aws_cli_sesv2_is_answered_by_the_same_fake(
    ses: SESMock, url: str, contact_lists: list[Any]
) -> None:
    aws = shutil.which("aws")
    if aws is None:
        pytest.skip("no `aws` executable on PATH")
    done = subprocess.run(
        [aws, "sesv2", "list-contact-lists", "--region", "ap-southeast-2", "--output", "json"],
        env=clean_env(AWS_ENDPOINT_URL_SESV2=url),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (listed,) = json.loads(done.stdout)["ContactLists"]
    assert listed["ContactListName"] == "news"
    assert [(c.operation, c.region) for c in ses.calls] == [("ListContactLists", "ap-southeast-2")]
