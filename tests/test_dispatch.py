"""The dispatcher: one place for faults, the call log, refused sends and each front door's errors.

API v1 answers with the codes the shared rules raise. API v2 (``sesv2``, and
``pinpoint-email`` on the same endpoint) names them differently; until its
front door lands, a v2 operation is stood in for by registering v1's handler
under the v2 service, which is what a shared rule looks like from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import botocore.session
import pytest

from pytest_ses._errors import SESError
from pytest_ses._fake import dispatch, registry
from tests.conftest import NO_RETRIES, modeled, raises_ses_error

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_ses import SESClient

    from pytest_ses import SESMock

V2_SERVICES = ("sesv2", "pinpoint-email")
# SES's common errors, answered by every operation though no operation models them.
COMMON = {"Throttling", "InvalidParameterValue"}


def _as_v2(monkeypatch: pytest.MonkeyPatch, service: str, operation: str) -> None:
    """Serve ``service``'s ``operation`` with v1's handler of the same name."""
    dispatch._load_families()
    monkeypatch.setitem(
        registry.HANDLERS, (service, operation), registry.HANDLERS["ses", operation]
    )


def _v2_error(ses: SESMock, service: str, operation: str, params: dict[str, Any]) -> SESError:
    with pytest.raises(SESError) as info:
        ses._backend.dispatch(ses.region, operation, params, 1, service)
    return info.value


@pytest.mark.parametrize("service", V2_SERVICES)
def test_the_v2_table_names_modeled_exceptions_with_their_status(service: str) -> None:
    v1 = botocore.session.get_session().get_service_model("ses")
    v2 = botocore.session.get_session().get_service_model(service)
    v1_codes = {
        e.metadata["error"]["code"]
        for op in v1.operation_names
        for e in v1.operation_model(op).error_shapes
    }
    table = dispatch._TRANSLATIONS[service]
    assert set(table) <= v1_codes | COMMON
    for code, status in table.values():
        shape = v2.shape_for(code)
        assert shape.metadata["exception"] is True, code
        assert shape.metadata["error"]["httpStatusCode"] == status, code


def test_v1_errors_keep_their_codes(client: SESClient, ses: SESMock) -> None:
    error = raises_ses_error(
        lambda: client.delete_configuration_set(ConfigurationSetName="nope"),
        "ConfigurationSetDoesNotExist",
        "Configuration set <nope> does not exist.",
    )
    assert isinstance(error, modeled(client, "ConfigurationSetDoesNotExistException"))
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert cast(dict[str, Any], error.response["Error"])["ConfigurationSetName"] == "nope"
    assert [(c.operation, c.outcome) for c in ses.calls] == [
        ("DeleteConfigurationSet", "ConfigurationSetDoesNotExist")
    ]


@pytest.mark.parametrize("service", V2_SERVICES)
def test_a_shared_rule_is_translated_for_v2(
    client: SESClient, ses: SESMock, monkeypatch: pytest.MonkeyPatch, service: str
) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "cs"})
    for operation in ("DeleteConfigurationSet", "CreateConfigurationSet"):
        _as_v2(monkeypatch, service, operation)
    missing = _v2_error(ses, service, "DeleteConfigurationSet", {"ConfigurationSetName": "nope"})
    assert (missing.code, missing.status, missing.message, missing.fields) == (
        "NotFoundException", 404, "Configuration set <nope> does not exist.", {}
    )  # fmt: skip
    taken = _v2_error(ses, service, "CreateConfigurationSet", {"ConfigurationSet": {"Name": "cs"}})
    assert (taken.code, taken.status) == ("AlreadyExistsException", 400)
    bad = _v2_error(ses, service, "CreateConfigurationSet", {"ConfigurationSet": {"Name": "a b"}})
    assert (bad.code, bad.status) == ("BadRequestException", 400)
    assert [(c.operation, c.outcome) for c in ses.calls][1:] == [
        ("DeleteConfigurationSet", "NotFoundException"),
        ("CreateConfigurationSet", "AlreadyExistsException"),
        ("CreateConfigurationSet", "BadRequestException"),
    ]


@pytest.mark.parametrize(
    ("preset", "code", "status"),
    [
        ("throttling", "TooManyRequestsException", 429),
        ("account_sending_paused", "SendingPausedException", 400),
        ("message_rejected", "MessageRejected", 400),
        ("service_unavailable", "ServiceUnavailable", 503),  # no v2 name: as it is
    ],
)
def test_faults_go_through_the_same_translation(
    ses: SESMock, monkeypatch: pytest.MonkeyPatch, preset: str, code: str, status: int
) -> None:
    _as_v2(monkeypatch, "sesv2", "SendEmail")
    ses.fail_next("SendEmail", preset)
    error = _v2_error(ses, "sesv2", "SendEmail", {})
    assert (error.code, error.status) == (code, status)
    assert [(r.operation, r.code) for r in ses.rejected] == [("SendEmail", code)]


def test_a_v1_fault_and_refused_send_keep_v1_codes(
    client: SESClient, ses: SESMock, send: Callable[..., object]
) -> None:
    ses.fail_next("SendEmail", "throttling")
    error = raises_ses_error(send, "Throttling", "Maximum sending rate exceeded.")
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert [(r.operation, r.code) for r in ses.rejected] == [("SendEmail", "Throttling")]


@pytest.fixture
def send(ses: SESMock, make_client: Callable[..., SESClient]) -> Callable[[], object]:
    strict = make_client(config=NO_RETRIES)
    return lambda: strict.send_email(
        Source="a@example.com",
        Destination={"ToAddresses": ["b@example.net"]},
        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
    )


def test_changing_a_refused_send_changes_neither_log(
    ses: SESMock, send: Callable[..., object]
) -> None:
    ses.fail_next("SendEmail", "message_rejected")
    raises_ses_error(send, "MessageRejected")
    ses.rejected[0].params["Source"] = "changed@example.com"
    ses.calls[0].params["Source"] = "changed@example.com"
    assert ses.rejected[0].params["Source"] == ses.calls[0].params["Source"] == "a@example.com"
