"""No SES call leaves the process: sesv2 and pinpoint-email clients are answered like ses ones.

Each service id on SES's endpoint is tried through a real client: made at
import time, with a custom ``endpoint_url``, with no credentials and the
network refused. An operation the fake does not emulate raises
``NotEmulatedError`` at once, unretried, recorded in ``ses.calls``. The
answer path itself (results, modeled errors, retries on the virtual clock) is
checked with a handler registered for the test, as the sesv2 families will
register theirs.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any, cast

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

from pytest_ses import NotEmulatedError, SESMock, mock_ses
from tests.conftest import NO_RETRIES, STAMP, Recorder, raises_ses_error

# service id -> (a client method of an operation no issue plans to emulate, its name)
UNEMULATED = {
    "ses": ("list_receipt_rule_sets", "ListReceiptRuleSets"),
    "sesv2": ("list_contact_lists", "ListContactLists"),
    "pinpoint-email": ("get_deliverability_dashboard_options", "GetDeliverabilityDashboardOptions"),
}
SERVICES = sorted(UNEMULATED)
RETRYING = Config(retries={"total_max_attempts": 5, "mode": "standard"})


def make(service: str, **kwargs: Any) -> Any:
    """``boto3.client(service, ...)``; the stubs type it for literal service names only."""
    return boto3.client(cast(Any, service), **kwargs)


# Made when this module is imported, long before any fixture runs.
IMPORT_TIME_CLIENTS = {service: make(service, region_name="us-east-1") for service in SERVICES}


def listed(service: str, operation: str) -> str:
    """How ``ses.not_emulated`` and the report name an operation: v1's bare, the others qualified."""
    return operation if service == "ses" else f"{service}:{operation}"


def call_unemulated(client: Any, service: str) -> None:
    method, name = UNEMULATED[service]
    api = {"ses": "SES", "sesv2": r"SES API v2 \(sesv2\)"}.get(service, service)
    with pytest.raises(NotEmulatedError, match=f"does not emulate the {api} operation '{name}'"):
        getattr(client, method)()


@pytest.mark.parametrize("service", SERVICES)
def test_import_time_clients_are_answered(service: str, ses: SESMock) -> None:
    call_unemulated(IMPORT_TIME_CLIENTS[service], service)
    assert [(c.operation, c.outcome) for c in ses.calls] == [
        (UNEMULATED[service][1], "NotEmulated")
    ]
    assert ses.not_emulated == [listed(service, UNEMULATED[service][1])]
    ses.forget_not_emulated()


@pytest.mark.parametrize("service", SERVICES)
def test_unemulated_operation_fails_at_once_and_is_not_retried(service: str) -> None:
    client = make(service, region_name="us-east-1", config=RETRYING)
    with mock_ses() as ses:
        before = ses.clock.now()
        call_unemulated(client, service)
        assert [c.attempt for c in ses.calls] == [1]
        assert ses.clock.now() == before
        ses.forget_not_emulated()


@pytest.mark.parametrize("service", SERVICES)
def test_custom_endpoint_url_keeps_its_region(service: str, ses: SESMock) -> None:
    client = make(service, region_name="eu-west-1", endpoint_url="http://localhost:1")
    call_unemulated(client, service)
    assert ses.calls[-1].region == "eu-west-1"
    ses.forget_not_emulated()


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.usefixtures("no_network")
def test_no_credentials_no_region_no_network(
    service: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws either
    recorder = Recorder()
    with mock_ses(region="ap-southeast-2") as ses:
        client = boto3.session.Session().client(cast(Any, service))  # no region, no credentials
        client.meta.events.register_first(f"before-send.{service}", recorder)
        call_unemulated(client, service)
        ses.forget_not_emulated()
    assert ses.calls[0].region == "ap-southeast-2"
    (request,) = recorder.requests
    assert "Authorization" not in request.headers


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.usefixtures("no_network", "dummy_credentials")
def test_real_credentials_are_not_sent(service: str, ses: SESMock) -> None:
    recorder = Recorder()
    client = make(service, region_name="us-east-1")
    client.meta.events.register_first(f"before-send.{service}", recorder)
    call_unemulated(client, service)
    ses.forget_not_emulated()
    (request,) = recorder.requests
    assert "Authorization" not in request.headers
    assert "AKIDEXAMPLE" not in str(request.headers)


@pytest.mark.parametrize("service", ["sesv2", "pinpoint-email"])
@pytest.mark.usefixtures("no_network", "dummy_credentials")
def test_without_a_fake_botocore_goes_to_the_network_as_usual(service: str) -> None:
    recorder = Recorder()
    client = make(service, region_name="us-east-1", config=NO_RETRIES)
    client.meta.events.register(f"before-send.{service}", recorder)
    with pytest.raises(EndpointConnectionError):
        getattr(client, UNEMULATED[service][0])()
    (request,) = recorder.requests
    assert "AWS4-HMAC-SHA256" in str(request.headers["Authorization"])


# -- the answer path, with a handler registered for the test -------------------------------------


def test_a_v2_result_parses_as_from_real_ses(ses: SESMock, contact_lists: list[Any]) -> None:
    client = boto3.client("sesv2", region_name="eu-west-1")
    response = client.list_contact_lists(PageSize=5)
    assert response["ContactLists"] == [{"ContactListName": "news", "LastUpdatedTimestamp": STAMP}]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert contact_lists == [{"PageSize": 5}]
    assert [(c.operation, c.region, c.outcome) for c in ses.calls] == [
        ("ListContactLists", "eu-west-1", "ok")
    ]


def test_a_shared_rules_error_reaches_v2_as_its_modeled_exception(
    ses: SESMock, contact_lists: list[Any]
) -> None:
    client = boto3.client("sesv2", region_name="eu-west-1", config=NO_RETRIES)
    error = raises_ses_error(
        lambda: client.list_contact_lists(NextToken="missing"),
        "NotFoundException",
        "Configuration set <x> does not exist.",
    )
    assert isinstance(error, client.exceptions.NotFoundException)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert ses.calls[-1].outcome == "NotFoundException"


def test_v2_throttling_is_retried_on_the_virtual_clock(
    ses: SESMock, contact_lists: list[Any]
) -> None:
    client = boto3.client("sesv2", region_name="eu-west-1", config=RETRYING)
    before, started = ses.clock.now(), time.monotonic()
    response = client.list_contact_lists(NextToken="throttle:2")
    assert response["ContactLists"][0]["ContactListName"] == "news"
    assert [(c.attempt, c.outcome) for c in ses.calls] == [
        (1, "TooManyRequestsException"),
        (2, "TooManyRequestsException"),
        (3, "ok"),
    ]
    assert ses.clock.now() - before == dt.timedelta(seconds=1 + 2)  # botocore's back-off, virtual
    assert time.monotonic() - started < 1  # generous: no real back-off was slept


def test_a_request_another_handler_changed_is_read_from_the_request(
    ses: SESMock, contact_lists: list[Any]
) -> None:
    def move(request: Any, **kwargs: Any) -> None:
        request.url = request.url + "&moved=1"

    client = boto3.client("sesv2", region_name="eu-west-1")
    client.meta.events.register("request-created.sesv2", move)
    client.list_contact_lists(PageSize=3)
    assert contact_lists == [{"PageSize": 3}]
    assert ses.calls[-1].region == "eu-west-1"


def test_the_handler_answers_each_request_once_even_if_registered_twice(
    ses: SESMock, contact_lists: list[Any]
) -> None:
    from pytest_ses._intercept import _HANDLERS

    client = boto3.client("sesv2", region_name="us-east-1")
    for event, handler in _HANDLERS:
        client.meta.events.register(event, handler, unique_id=f"again:{event}")
    client.list_contact_lists()
    assert len(ses.calls) == 1


def test_clients_made_before_botocore_had_the_hooks_are_reached(pytester: pytest.Pytester) -> None:
    # Outside pytest the import watcher never ran: botocore came first.
    script = pytester.makepyfile(
        """
        import boto3
        from pytest_ses import NotEmulatedError, mock_ses

        early = [boto3.client(s, region_name="eu-west-1") for s in ("sesv2", "pinpoint-email")]
        with mock_ses() as ses:
            for client in early:
                try:
                    client.get_account()
                except NotEmulatedError:
                    pass
            assert [c.operation for c in ses.calls] == ["GetAccount", "GetAccount"], ses.calls
            ses.forget_not_emulated()
        print("OK")
        """
    )
    result = pytester.run(sys.executable, str(script))
    assert result.ret == 0, result.stderr.str()
    result.stdout.fnmatch_lines(["OK"])


def test_v2_calls_fail_the_test_and_count_in_the_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import contextlib

        import boto3

        from pytest_ses import NotEmulatedError

        V2 = boto3.client("sesv2", region_name="us-east-1")  # made at import time
        PINPOINT = boto3.client("pinpoint-email", region_name="us-east-1")

        def test_swallowed(ses):
            with contextlib.suppress(NotEmulatedError):  # an application swallowing everything
                V2.list_contact_lists()
            with contextlib.suppress(NotEmulatedError):
                PINPOINT.get_account()

        def test_failing(ses):
            with contextlib.suppress(NotEmulatedError):
                V2.list_contact_lists()
            ses.forget_not_emulated()
            assert False
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*does not emulate: sesv2:ListContactLists, pinpoint-email:GetAccount.*",
            "*_ test_failing _*",
            "*- Captured SES mail -*",
            "no mail sent or rejected (1 SES call)",
        ]
    )
