"""Identity and quota operations through a real boto3 client."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from tests.conftest import raises_ses_error

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SESMock


def test_verify_and_list_identities(client: SESClient) -> None:
    client.verify_email_identity(EmailAddress="b@example.com")
    client.verify_email_address(EmailAddress="a@example.com")
    token = client.verify_domain_identity(Domain="example.org")["VerificationToken"]
    assert len(token) == 44
    assert client.list_identities()["Identities"] == [
        "a@example.com",
        "b@example.com",
        "example.org",
    ]
    emails = client.list_identities(IdentityType="EmailAddress")["Identities"]
    assert emails == ["a@example.com", "b@example.com"]
    assert client.list_identities(IdentityType="Domain")["Identities"] == ["example.org"]
    assert client.list_verified_email_addresses()["VerifiedEmailAddresses"] == emails


def test_verifying_twice_keeps_one_identity_and_its_token(client: SESClient) -> None:
    first = client.verify_domain_identity(Domain="example.org")["VerificationToken"]
    second = client.verify_domain_identity(Domain="example.org")["VerificationToken"]
    assert first == second
    assert client.list_identities()["Identities"] == ["example.org"]


def test_list_identities_pages_through_everything_once(client: SESClient, ses: SESMock) -> None:
    names = [f"user{i:02d}@example.com" for i in range(23)]
    ses.verify(*names)
    pages = client.get_paginator("list_identities").paginate(PaginationConfig={"PageSize": 5})
    seen = [name for page in pages for name in page["Identities"]]
    assert seen == names
    first = client.list_identities(MaxItems=20)
    assert len(first["Identities"]) == 20
    rest = client.list_identities(MaxItems=20, NextToken=first["NextToken"])
    assert rest["Identities"] == names[20:]
    assert "NextToken" not in rest


def test_paging_survives_deletion_of_the_last_item_seen(client: SESClient, ses: SESMock) -> None:
    ses.verify("a@x.com", "b@x.com", "c@x.com", "d@x.com")
    first = client.list_identities(MaxItems=2)
    client.delete_identity(Identity="b@x.com")
    rest = client.list_identities(MaxItems=2, NextToken=first["NextToken"])
    assert rest["Identities"] == ["c@x.com", "d@x.com"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"NextToken": "not-a-token"}, "Invalid NextToken: 'not-a-token'."),
        ({"MaxItems": 0}, "MaxItems must be between 1 and 1000, got 0."),
        ({"MaxItems": 1001}, "MaxItems must be between 1 and 1000, got 1001."),
        (
            {"IdentityType": "Phone"},
            "Invalid IdentityType 'Phone': expected one of EmailAddress, Domain.",
        ),
    ],
)
def test_list_identities_rejects_bad_input(
    client: SESClient, kwargs: dict[str, object], message: str
) -> None:
    raises_ses_error(lambda: client.list_identities(**kwargs), "InvalidParameterValue", message)  # type: ignore[arg-type]


def test_delete_identity(client: SESClient, ses: SESMock) -> None:
    ses.verify("a@example.com", "example.org")
    client.delete_identity(Identity="example.org")
    client.delete_identity(Identity="never-verified.example")  # SES answers success
    client.delete_verified_email_address(EmailAddress="a@example.com")
    assert client.list_identities()["Identities"] == []


def test_verification_attributes(client: SESClient, ses: SESMock) -> None:
    ses.verify("a@example.com")
    token = client.verify_domain_identity(Domain="example.org")["VerificationToken"]
    attributes = client.get_identity_verification_attributes(
        Identities=["a@example.com", "example.org", "unknown@example.net"]
    )["VerificationAttributes"]
    assert attributes == {
        "a@example.com": {"VerificationStatus": "Success"},
        "example.org": {"VerificationStatus": "Success", "VerificationToken": token},
    }


def test_verification_attributes_rejects_more_than_100(client: SESClient) -> None:
    raises_ses_error(
        lambda: client.get_identity_verification_attributes(
            Identities=[f"u{i}@example.com" for i in range(101)]
        ),
        "InvalidParameterValue",
        "At most 100 identities can be requested at once, got 101.",
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.verify_email_identity(EmailAddress="no-at-sign"),
            "Invalid email address <no-at-sign>.",
        ),
        (lambda c: c.verify_email_identity(EmailAddress="a@b"), "Invalid email address <a@b>."),
        (
            lambda c: c.verify_email_address(EmailAddress="a b@x.com"),
            "Invalid email address <a b@x.com>.",
        ),
        (
            lambda c: c.verify_domain_identity(Domain="bad_domain!.com"),
            "Invalid domain name <bad_domain!.com>.",
        ),
        (lambda c: c.verify_domain_identity(Domain=""), "Invalid domain name <>."),
    ],
)
def test_malformed_identities_are_rejected(client: SESClient, call: object, message: str) -> None:
    error = raises_ses_error(lambda: call(client), "InvalidParameterValue", message)  # type: ignore[operator]
    assert type(error) is ClientError  # InvalidParameterValue is not a modeled exception
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_send_quota_defaults(client: SESClient) -> None:
    quota = client.get_send_quota()
    assert (quota["Max24HourSend"], quota["MaxSendRate"], quota["SentLast24Hours"]) == (
        50000.0,
        14.0,
        0.0,
    )


@pytest.mark.ses(sandbox=True)
def test_sandbox_quota(client: SESClient) -> None:
    quota = client.get_send_quota()
    assert (quota["Max24HourSend"], quota["MaxSendRate"]) == (200.0, 1.0)


@pytest.mark.ses(sandbox=True, max_24_hour_send=-1, max_send_rate=50)
def test_explicit_quota_wins_over_sandbox_defaults(client: SESClient) -> None:
    quota = client.get_send_quota()
    assert (quota["Max24HourSend"], quota["MaxSendRate"]) == (-1.0, 50.0)


def test_send_statistics_start_empty(client: SESClient) -> None:
    assert client.get_send_statistics()["SendDataPoints"] == []


@pytest.mark.ses(verified_identities=["sender@example.com", "example.org"])
def test_verified_identities_setting_lists_them_in_every_region(
    make_client: object,
) -> None:
    for region in ("us-east-1", "eu-west-1"):
        client = make_client(region)  # type: ignore[operator]
        assert client.list_identities()["Identities"] == ["example.org", "sender@example.com"]


def test_verify_helper_needs_identities(ses: SESMock) -> None:
    with pytest.raises(TypeError, match="at least one"):
        ses.verify()


def test_verify_helper_checks_identities(ses: SESMock) -> None:
    with pytest.raises(ValueError, match=r"^Invalid email address <@x\.com>\.$"):
        ses.verify("@x.com")


def test_verified_identities_setting_is_checked_up_front() -> None:
    from pytest_ses import mock_ses

    with pytest.raises(
        ValueError, match=r"verified_identities: Invalid domain name <not a domain>"
    ):
        mock_ses(verified_identities=["not a domain"]).__enter__()


def test_delete_verified_email_address_never_deletes_a_domain(
    client: SESClient, ses: SESMock
) -> None:
    ses.verify("example.org")
    client.delete_verified_email_address(EmailAddress="example.org")
    assert client.list_identities()["Identities"] == ["example.org"]


def test_identities_match_case_insensitively(client: SESClient, ses: SESMock) -> None:
    client.verify_email_identity(EmailAddress="Sender@Example.com")
    client.verify_email_identity(EmailAddress="sender@example.com")
    client.verify_domain_identity(Domain="Example.org")
    # Addresses keep their case; domains are stored lower-case, as SES does.
    assert client.list_identities()["Identities"] == ["Sender@Example.com", "example.org"]
    attributes = client.get_identity_verification_attributes(Identities=["example.ORG"])
    assert list(attributes["VerificationAttributes"]) == ["example.ORG"]
    client.delete_identity(Identity="sender@example.com")
    client.delete_verified_email_address(EmailAddress="EXAMPLE.ORG")  # a domain: kept
    assert client.list_identities()["Identities"] == ["example.org"]


def test_domains_are_stored_lower_case(client: SESClient) -> None:
    client.verify_domain_identity(Domain="EXAMPLE.COM")
    assert client.list_identities(IdentityType="Domain")["Identities"] == ["example.com"]
    attributes = client.get_identity_verification_attributes(Identities=["example.com"])
    assert attributes["VerificationAttributes"]["example.com"]["VerificationStatus"] == "Success"
