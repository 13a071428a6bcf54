"""The throttle_api setting: one non-send request per virtual second, per region."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from pytest_ses import mock_ses
from pytest_ses._fake import registry
from tests.conftest import NO_RETRIES, raises_ses_error

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SESMock

throttled = pytest.mark.ses(throttle_api=True)

CALLS: dict[str, Callable[[SESClient], object]] = {
    "list_sets": lambda c: c.list_configuration_sets(),
    "create_set": lambda c: c.create_configuration_set(ConfigurationSet={"Name": "cs"}),
    "describe_missing_set": lambda c: c.describe_configuration_set(ConfigurationSetName="x"),
    "get_send_quota": lambda c: c.get_send_quota(),
    "list_identities": lambda c: c.list_identities(),
    "verify_email": lambda c: c.verify_email_identity(EmailAddress="a@example.com"),
}


@pytest.fixture
def strict(make_client: Callable[..., SESClient]) -> SESClient:
    """A client that does not retry, so Throttling reaches the test."""
    return make_client(config=NO_RETRIES)


def assert_throttled(call: Callable[[], object]) -> None:
    error = raises_ses_error(call, "Throttling", "Rate exceeded")
    assert type(error) is ClientError  # Throttling is not a modeled SES error
    assert dict(error.response["Error"]).get("Type") == "Sender"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_off_by_default(strict: SESClient) -> None:
    for i in range(5):
        strict.list_configuration_sets()
        strict.get_send_quota()
        strict.create_configuration_set(ConfigurationSet={"Name": f"cs{i}"})


@throttled
@pytest.mark.parametrize("second", CALLS, ids=list(CALLS))
@pytest.mark.parametrize("first", ["list_sets", "get_send_quota"])
def test_all_non_send_operations_share_one_bucket(
    strict: SESClient, first: str, second: str
) -> None:
    CALLS[first](strict)
    assert_throttled(lambda: CALLS[second](strict))


@throttled
def test_a_throttled_request_changes_nothing(strict: SESClient, ses: SESMock) -> None:
    strict.list_configuration_sets()
    assert_throttled(lambda: strict.create_configuration_set(ConfigurationSet={"Name": "cs"}))
    ses.advance(1)
    assert strict.list_configuration_sets()["ConfigurationSets"] == []


@throttled
def test_one_request_per_virtual_second_without_bursts(strict: SESClient, ses: SESMock) -> None:
    strict.list_configuration_sets()
    ses.advance(0.5)
    assert_throttled(strict.list_configuration_sets)
    ses.advance(0.5)
    strict.list_configuration_sets()
    ses.advance(60)  # a quiet minute does not bank 60 requests
    strict.list_configuration_sets()
    assert_throttled(strict.list_configuration_sets)


@throttled
def test_each_region_has_its_own_bucket(make_client: Callable[..., SESClient]) -> None:
    east = make_client("us-east-1", config=NO_RETRIES)
    west = make_client("eu-west-1", config=NO_RETRIES)
    east.list_configuration_sets()
    west.list_configuration_sets()
    assert_throttled(east.list_configuration_sets)


SEND: Any = {
    "Source": "a@example.com",
    "Destination": {"ToAddresses": ["b@example.com"]},
}
SENDS: dict[str, tuple[Callable[[SESClient], object], dict[str, Any]]] = {
    "SendEmail": (
        lambda c: c.send_email(
            **SEND, Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}
        ),
        {"MessageId": "stub"},
    ),
    "SendRawEmail": (
        lambda c: c.send_raw_email(RawMessage={"Data": b"Subject: s\r\n\r\nt"}),
        {"MessageId": "stub"},
    ),
    "SendTemplatedEmail": (
        lambda c: c.send_templated_email(**SEND, Template="t", TemplateData="{}"),
        {"MessageId": "stub"},
    ),
    "SendBulkTemplatedEmail": (
        lambda c: c.send_bulk_templated_email(
            Source="a@example.com",
            Template="t",
            DefaultTemplateData="{}",
            Destinations=[{"Destination": {"ToAddresses": ["b@example.com"]}}],
        ),
        {"Status": []},
    ),
}


@throttled
@pytest.mark.parametrize("operation", SENDS)
def test_send_operations_are_not_throttled(
    strict: SESClient, ses: SESMock, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    strict.list_configuration_sets()  # takes this second's token (and loads every handler)
    call, result = SENDS[operation]
    # A stand-in sender: what matters here is only that dispatch lets it through.
    monkeypatch.setitem(
        registry.HANDLERS, ("ses", operation), lambda account, region, params: result
    )
    for _ in range(3):
        call(strict)
    assert_throttled(strict.list_configuration_sets)


@throttled
def test_botocore_retries_throttling_on_the_virtual_clock(client: SESClient, ses: SESMock) -> None:
    start = ses.clock.time()
    client.list_configuration_sets()
    client.list_configuration_sets()  # throttled once; the retry's back-off refills the bucket
    assert [(c.operation, c.attempt) for c in ses.calls] == [
        ("ListConfigurationSets", 1),
        ("ListConfigurationSets", 1),
        ("ListConfigurationSets", 2),
    ]
    assert ses.clock.time() - start == 1.0


def test_mock_ses_takes_the_setting() -> None:
    import boto3

    with mock_ses(throttle_api=True):
        client = boto3.client("ses", region_name="us-east-1", config=NO_RETRIES)
        client.get_send_quota()
        assert_throttled(client.get_send_quota)
    with (
        pytest.raises(ValueError, match=r"throttle_api: expected True or False, got 'yes'"),
        mock_ses(throttle_api="yes"),
    ):
        pass


INNER = """
import boto3
import pytest
from botocore.config import Config

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})

def twice(ses):
    client = boto3.client("ses", config=NO_RETRIES)
    client.list_configuration_sets()
    try:
        client.list_configuration_sets()
    except client.exceptions.ClientError as exc:
        return exc.response["Error"]["Code"]
    return "ok"

def test_ini(ses):
    assert twice(ses) == "Throttling"

@pytest.mark.ses(throttle_api=False)
def test_marker_wins(ses):
    assert twice(ses) == "ok"
"""


def test_ini_option_and_marker(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nses_throttle_api = true\n")
    pytester.makepyfile(INNER)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_bad_ini_value_stops_the_run(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nses_throttle_api = maybe\n")
    pytester.makepyfile("def test_nothing(ses):\n    pass\n")
    result = pytester.runpytest()
    assert result.ret != 0
    result.stderr.fnmatch_lines(
        ["*pytest-ses: ses_throttle_api: expected true or false, got 'maybe'*"]
    )


def test_marker_and_ini_help_name_the_setting(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    markers = pytester.runpytest("--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.ses(*throttle_api=False*"])
    help_text = pytester.runpytest("--help")
    help_text.stdout.fnmatch_lines(
        ["*ses_throttle_api*", "*throttle non-send operations at 1 request per virtual*"]
    )
