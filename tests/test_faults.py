"""Fault injection, the per-call log, and the virtual clock under botocore's retries."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import boto3
import pytest
from botocore.config import Config

from pytest_ses import mock_ses
from tests.conftest import NO_RETRIES, raises_ses_error

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_ses.type_defs import MessageTypeDef

    from pytest_ses import SESMock

MESSAGE: MessageTypeDef = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}


def send(client: SESClient) -> str:
    return client.send_email(
        Source="a@example.com", Destination={"ToAddresses": ["b@example.net"]}, Message=MESSAGE
    )["MessageId"]


def test_one_queued_throttle_is_absorbed_by_a_retry(client: SESClient, ses: SESMock) -> None:
    ses.fail_next("SendEmail", "throttling")
    send(client)
    assert [(c.attempt, c.outcome) for c in ses.calls] == [(1, "Throttling"), (2, "ok")]
    assert ses.calls[0].message == "Maximum sending rate exceeded."
    assert len(ses.outbox) == 1
    assert [r.code for r in ses.rejected] == ["Throttling"]


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_enough_throttles_reach_the_application(
    make_client: Callable[..., SESClient], ses: SESMock, mode: str
) -> None:
    client = make_client(config=Config(retries={"mode": mode}))  # type: ignore[arg-type]
    attempts = 5 if mode == "legacy" else 3  # botocore's defaults for each mode
    ses.fail_next("send_email", "Throttling", times=attempts)
    raises_ses_error(lambda: send(client), "Throttling", "Maximum sending rate exceeded.")
    assert [c.attempt for c in ses.calls] == list(range(1, attempts + 1))
    assert len(ses.outbox) == 0


@pytest.mark.parametrize(
    ("preset", "code", "status", "message", "modeled"),
    [
        ("message_rejected", "MessageRejected", 400, "Email address is not verified.", "MessageRejected"),
        ("account_sending_paused", "AccountSendingPausedException", 400, None, "AccountSendingPausedException"),
        ("service_unavailable", "ServiceUnavailable", 503, "Service Unavailable", None),
        ("internal_failure", "InternalFailure", 500, "An internal error occurred.", None),
    ],
)  # fmt: skip
def test_presets(
    make_client: Callable[..., SESClient],
    ses: SESMock,
    preset: str,
    code: str,
    status: int,
    message: str | None,
    modeled: str | None,
) -> None:
    client = make_client(config=NO_RETRIES)
    ses.fail_next("SendEmail", preset)
    error = raises_ses_error(lambda: send(client), code, message)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    if modeled:
        assert isinstance(error, getattr(client.exceptions, modeled))


def test_custom_code_message_and_status(
    make_client: Callable[..., SESClient], ses: SESMock
) -> None:
    client = make_client(config=NO_RETRIES)
    ses.fail_next("ListIdentities", "AccessDenied", "User is not authorized", status=403)
    error = raises_ses_error(client.list_identities, "AccessDenied", "User is not authorized")
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert cast(dict[str, str], error.response["Error"])["Type"] == "Sender"
    client.list_identities()  # used up


def test_a_wildcard_fault_hits_the_next_call_of_any_operation(
    client: SESClient, ses: SESMock
) -> None:
    ses.fail_next("*", "InvalidParameterValue", "nope")
    raises_ses_error(client.get_send_quota, "InvalidParameterValue", "nope")
    client.get_send_quota()


def test_faults_are_used_in_the_order_queued(
    make_client: Callable[..., SESClient], ses: SESMock
) -> None:
    client = make_client(config=NO_RETRIES)
    ses.fail_next("GetSendQuota", "InternalFailure", "first")
    ses.fail_next("GetSendQuota", "ServiceUnavailable", "second")
    raises_ses_error(client.get_send_quota, "InternalFailure", "first")
    raises_ses_error(client.get_send_quota, "ServiceUnavailable", "second")


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("SendMail", "throttling", None), TypeError, r"SES has no operation 'SendMail'; did you mean 'SendEmail'"),
        (("send_emial", "throttling", None), TypeError, r"did you mean .*'send_email'"),
        (("SendEmail", "throttling", None, 0), ValueError, r"times must be at least 1, got 0"),
    ],
)  # fmt: skip
def test_fail_next_checks_its_arguments(
    ses: SESMock, args: tuple[Any, ...], error: type[Exception], match: str
) -> None:
    operation, code, message, *times = args
    with pytest.raises(error, match=match):
        ses.fail_next(operation, code, message, times=times[0] if times else 1)


def test_unused_faults_fail_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_forgot(ses):
            ses.fail_next("SendEmail", "throttling", times=2)

        def test_opted_out(ses):
            ses.fail_next("SendEmail", "throttling")
            ses.clear_faults()
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_forgot*",
            "1 fault(s) queued with ses.fail_next() were never used: SendEmail Throttling "
            "(2 of 2 attempt(s) left). If the test meant that, call ses.clear_faults() before it ends.",
        ]
    )


# -- the virtual clock -------------------------------------------------------------------------


def test_advance_moves_only_forward(ses: SESMock) -> None:
    before = ses.clock.now()
    ses.advance(2.5)
    assert (ses.clock.now() - before).total_seconds() == 2.5
    with pytest.raises(ValueError, match="only moves forward"):
        ses.advance(-1)


LOOP_CLIENT = boto3.client("ses", region_name="us-east-1")


def throttled_loop() -> tuple[Any, ...]:
    """Six sends at 2/s under default retries; what the test can observe of it."""
    client = LOOP_CLIENT
    with mock_ses(max_send_rate=2) as ses:
        start = ses.clock.time()
        for _ in range(6):
            send(client)
        return (
            ses.clock.time() - start,
            tuple((c.attempt, c.outcome) for c in ses.calls),
            len(ses.outbox),
            tuple(r.code for r in ses.rejected),
        )


def test_a_throttled_loop_gives_identical_results_200_times() -> None:
    first = throttled_loop()
    assert first[2] == 6  # every send got through, thanks to botocore's retries
    assert first[0] > 0  # back-off moved the virtual clock ...
    assert "Throttling" in first[3]
    for _ in range(199):
        assert throttled_loop() == first  # ... by the same amount every time
