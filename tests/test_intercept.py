"""Which clients the hook reaches, and that it steps aside when no fake is active."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import uuid
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import EndpointConnectionError

from pytest_ses import NotEmulatedError, SESMock, mock_ses
from tests.conftest import NO_RETRIES, Recorder

# Created when this module is imported, long before any fixture runs.
IMPORT_TIME_CLIENT = boto3.client("ses", region_name="us-east-1")


def test_import_time_client_is_answered(ses: SESMock) -> None:
    IMPORT_TIME_CLIENT.verify_email_identity(EmailAddress="a@example.com")
    assert IMPORT_TIME_CLIENT.list_identities()["Identities"] == ["a@example.com"]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: boto3.client("ses", region_name="us-east-1"), id="boto3.client"),
        pytest.param(
            lambda: boto3.session.Session().client("ses", region_name="us-east-1"),
            id="boto3.session.Session",
        ),
        pytest.param(
            lambda: botocore.session.get_session().create_client("ses", region_name="us-east-1"),
            id="botocore.session.get_session",
        ),
        pytest.param(lambda: boto3.resource("s3").meta.client, id="unrelated-s3-client"),
    ],
)
def test_clients_made_before_the_fake_started_are_answered(make: Any) -> None:
    client = make()
    if client.meta.service_model.service_name != "ses":
        # A non-SES client made first must not stop SES clients being answered.
        client = boto3.client("ses", region_name="us-east-1")
    with mock_ses() as ses:
        client.verify_domain_identity(Domain="example.com")
        assert [call.operation for call in ses.calls] == ["VerifyDomainIdentity"]


def test_custom_endpoint_url_keeps_its_region(ses: SESMock) -> None:
    client = boto3.client("ses", region_name="eu-west-1", endpoint_url="http://localhost:1")
    client.verify_email_identity(EmailAddress="a@example.com")
    assert ses.calls[-1].region == "eu-west-1"
    home = boto3.client("ses", region_name=ses.region)
    assert home.list_identities()["Identities"] == []


def test_a_request_another_handler_changed_is_read_from_its_body(ses: SESMock) -> None:
    # request-created notes the request's URL; an application handler that then
    # moves the request makes the note stale, and the body is decoded instead.
    def move(request: Any, **kwargs: Any) -> None:
        request.url = request.url + "?moved=1"

    client = boto3.client("ses", region_name="eu-west-1")
    client.meta.events.register("request-created.ses", move)
    ses.fail_next("VerifyEmailIdentity", "Throttling", "Rate exceeded")
    client.verify_email_identity(EmailAddress="a@example.com")
    assert [(c.region, c.attempt, c.outcome) for c in ses.calls] == [
        ("eu-west-1", 1, "Throttling"),
        ("eu-west-1", 2, "ok"),
    ]
    assert ses.calls[-1].params == {"EmailAddress": "a@example.com"}


def test_state_is_per_region(ses: SESMock) -> None:
    dublin = boto3.client("ses", region_name="eu-west-1")
    virginia = boto3.client("ses", region_name="us-east-1")
    dublin.verify_email_identity(EmailAddress="eu@example.com")
    ses.verify("us@example.com")
    assert dublin.list_identities()["Identities"] == ["eu@example.com"]
    assert virginia.list_identities()["Identities"] == ["us@example.com"]


def test_every_response_carries_a_uuid_request_id(ses: SESMock) -> None:
    client = boto3.client("ses", region_name="us-east-1")
    ids = {client.get_send_quota()["ResponseMetadata"]["RequestId"] for _ in range(3)}
    assert len(ids) == 3
    for request_id in ids:
        assert str(uuid.UUID(request_id)) == request_id


@pytest.mark.usefixtures("no_network")
def test_no_credentials_no_region_no_network(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws either
    recorder = Recorder()
    with mock_ses(region="ap-southeast-2") as ses:
        client = boto3.session.Session().client("ses")  # no region, no credentials
        client.meta.events.register("before-send.ses", recorder)
        client.verify_email_identity(EmailAddress="a@example.com")
        assert client.get_send_quota()["SentLast24Hours"] == 0.0
    assert ses.calls[0].region == "ap-southeast-2"
    assert recorder.requests
    assert all("Authorization" not in r.headers for r in recorder.requests)
    assert "AWS_DEFAULT_REGION" not in os.environ  # restored on exit


@pytest.mark.usefixtures("no_network", "dummy_credentials")
def test_real_credentials_are_not_sent(ses: SESMock) -> None:
    recorder = Recorder()
    client = boto3.client("ses", region_name="us-east-1")
    client.meta.events.register("before-send.ses", recorder)
    client.get_send_quota()
    (request,) = recorder.requests
    assert "Authorization" not in request.headers
    assert b"AKIDEXAMPLE" not in bytes(str(request.headers), "utf-8")


@pytest.mark.usefixtures("no_network", "dummy_credentials")
def test_without_a_fake_botocore_goes_to_the_network_as_usual() -> None:
    recorder = Recorder()
    client = boto3.client("ses", region_name="us-east-1", config=NO_RETRIES)
    client.meta.events.register("before-send.ses", recorder)
    with pytest.raises(EndpointConnectionError):
        client.get_send_quota()
    (request,) = recorder.requests
    assert "AWS4-HMAC-SHA256" in str(request.headers["Authorization"])
    assert "X-Pytest-Ses-Region" not in request.headers


@pytest.mark.usefixtures("no_network", "dummy_credentials")
def test_other_services_are_never_touched(ses: SESMock) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1", config=NO_RETRIES)
    with pytest.raises(EndpointConnectionError):
        sqs.list_queues()
    assert ses.calls == []


V2_SEND: dict[str, Any] = {
    "FromEmailAddress": "a@example.com",
    "Destination": {"ToAddresses": ["b@example.com"]},
    "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
}
# (service, operation as boto3 names it, its params, the operation's wire name)
OTHER_APIS = [
    ("sesv2", "list_contact_lists", {}, "ListContactLists"),
    ("sesv2", "get_deliverability_dashboard_options", {}, "GetDeliverabilityDashboardOptions"),
    ("pinpoint-email", "send_email", V2_SEND, "SendEmail"),
]


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for key in [key for key in os.environ if key.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))


@pytest.mark.usefixtures("no_network", "no_credentials")
@pytest.mark.parametrize(("service", "method", "params", "operation"), OTHER_APIS)
@pytest.mark.parametrize("endpoint_url", [None, "https://ses.internal.example.com"])
def test_ses_other_apis_never_leave_the_process(
    ses: SESMock,
    service: str,
    method: str,
    params: dict[str, Any],
    operation: str,
    endpoint_url: str | None,
) -> None:
    client = boto3.client(service, region_name="eu-west-1", endpoint_url=endpoint_url)  # type: ignore[call-overload]
    with pytest.raises(NotEmulatedError) as info:
        getattr(client, method)(**params)
    assert info.value.operation == operation
    assert info.value.service == service
    assert f"{operation!r}" in str(info.value)
    assert "docs/operations.md" in str(info.value)
    [call] = ses.calls  # raised at once: one attempt, not retried
    assert (call.service, call.operation, call.region, call.outcome, call.attempt) == (
        service,
        operation,
        "eu-west-1",
        "NotEmulated",
        1,
    )
    assert call.params == params
    assert ses.not_emulated == [f"{service}:{operation}"]
    ses.forget_not_emulated()


def test_a_v2_client_made_at_import_time_is_fenced_and_fails_the_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import contextlib
        import boto3
        from pytest_ses import NotEmulatedError

        V2 = boto3.client("sesv2", region_name="us-east-1")

        def test_sends(ses):
            with contextlib.suppress(NotEmulatedError):  # swallowed by the application
                V2.list_contact_lists()
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*does not emulate: sesv2:ListContactLists*", "*(1 SES call)*"])


def test_unemulated_operation_fails_at_once_and_is_not_retried() -> None:
    client = boto3.client("ses", region_name="us-east-1")
    with mock_ses() as ses:
        with pytest.raises(
            NotEmulatedError, match="does not emulate the SES operation 'ListReceiptRuleSets'"
        ):
            client.list_receipt_rule_sets()
        assert [call.operation for call in ses.calls] == ["ListReceiptRuleSets"]
        assert ses.not_emulated == ["ListReceiptRuleSets"]
        ses.forget_not_emulated()


def test_recorded_calls_keep_their_params_whatever_the_test_does_to_them(
    ses: SESMock,
) -> None:
    client = boto3.client("ses", region_name="us-east-1")
    client.verify_email_identity(EmailAddress="a@example.com")
    ses.calls[0].params["EmailAddress"] = "changed@example.com"
    assert ses.calls[0].params == {"EmailAddress": "a@example.com"}
    # A timestamp cannot be serialized like the rest; such params are kept as they came.
    arrival = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    with pytest.raises(NotEmulatedError):
        client.send_bounce(
            OriginalMessageId="m",
            BounceSender="bounces@example.com",
            MessageDsn={"ReportingMta": "dns; example.com", "ArrivalDate": arrival},
            BouncedRecipientInfoList=[{"Recipient": "r@example.com", "BounceType": "DoesNotExist"}],
        )
    assert ses.calls[-1].params["MessageDsn"]["ArrivalDate"] == arrival
    assert ses.calls[-1].outcome == "NotEmulated"
    ses.forget_not_emulated()


def test_mock_ses_raises_on_exit_for_swallowed_unemulated_calls() -> None:
    client = boto3.client("ses", region_name="us-east-1")
    context = mock_ses()
    context.__enter__()
    with contextlib.suppress(NotEmulatedError):  # an application that swallows everything
        client.create_receipt_rule_set(RuleSetName="r")
    with pytest.raises(
        AssertionError, match=r"does not emulate: CreateReceiptRuleSet\. .*forget_not"
    ):
        context.__exit__(None, None, None)


def test_nested_fakes_restore_the_outer_one() -> None:
    client = boto3.client("ses", region_name="us-east-1")
    with mock_ses() as outer:
        with mock_ses() as inner:
            client.get_send_quota()
        client.get_send_quota()
    assert len(inner.calls) == 1
    assert len(outer.calls) == 1


def test_mock_ses_in_a_script_that_made_the_default_session_first(
    pytester: pytest.Pytester,
) -> None:
    # Outside pytest the import watcher never ran: botocore came first.
    script = pytester.makepyfile(
        """
        import boto3
        import botocore.session
        from pytest_ses import mock_ses

        early = boto3.client("ses", region_name="eu-west-1")  # default session exists now
        own = botocore.session.get_session()
        with mock_ses() as ses:
            later = boto3.client("ses", region_name="eu-west-1")
            later.verify_email_identity(EmailAddress="a@example.com")
            early.verify_email_identity(EmailAddress="b@example.com")
            own.create_client("ses", region_name="eu-west-1").get_send_quota()
            assert [c.operation for c in ses.calls] == [
                "VerifyEmailIdentity", "VerifyEmailIdentity", "GetSendQuota"
            ], ses.calls
        print("OK")
        """
    )
    result = pytester.run(sys.executable, str(script))
    assert result.ret == 0, result.stderr.str()
    result.stdout.fnmatch_lines(["OK"])


def test_the_handler_answers_each_request_once_even_if_registered_twice(ses: SESMock) -> None:
    from pytest_ses._intercept import _HANDLERS

    client = boto3.client("ses", region_name="us-east-1")
    for event, handler in _HANDLERS:
        client.meta.events.register(event, handler, unique_id=f"again:{event}")
    client.verify_email_identity(EmailAddress="a@example.com")
    assert len(ses.calls) == 1


def test_aws_region_alone_still_gets_a_default_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-north-1")
    with mock_ses(region="eu-south-1") as ses:
        boto3.session.Session().client("ses").get_send_quota()
    assert ses.calls[0].region == "eu-south-1"


def _answers() -> list[tuple[int, dict[str, str], dict[str, Any]]]:
    """What a v1 and a v2 client read back from the fake: status, headers, parsed body."""
    v1 = boto3.client("ses", region_name="us-east-1")
    v2 = boto3.client("sesv2", region_name="us-east-1")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        v2.get_email_identity(EmailIdentity="x.com")
    found = []
    answers: list[dict[str, Any]] = [
        dict(v1.get_send_quota()),
        dict(v2.get_account()),
        dict(caught.value.response),
    ]
    for answer in answers:
        meta = answer.pop("ResponseMetadata")
        headers = {k: v for k, v in meta["HTTPHeaders"].items() if k != "x-amzn-requestid"}
        found.append((meta["HTTPStatusCode"], headers, answer))
    return found


def test_responses_built_without_botocores_constructor_read_as_its_own(
    ses: SESMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hooks fill botocore's HeadersDict directly when the response's layout is
    # the one they know; a botocore whose layout differs gets responses built the usual way.
    from botocore import awsrequest

    from pytest_ses import _intercept
    from pytest_ses._response import factory, plain

    class LaterResponse(awsrequest.AWSResponse):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self.added_later = True

    assert factory() is not plain  # this botocore: the fast path
    fast = _answers()
    caches = (_intercept._response_factory, _intercept._answer_imports, _intercept._rest_imports)
    monkeypatch.setattr(awsrequest, "AWSResponse", LaterResponse)
    assert factory() is plain
    for cached in caches:
        cached.cache_clear()
    try:
        assert _answers() == fast
    finally:
        for cached in caches:
            cached.cache_clear()
    assert [status for status, _, _ in fast] == [200, 200, 404]
    assert fast[1][1]["content-type"] == "application/json"
    assert fast[2][2]["Error"]["Code"] == "NotFoundException"
