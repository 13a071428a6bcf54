"""SES API v2 identities through real sesv2 clients: one identity store with v1."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import needs_model, raises_ses_error

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_ses.type_defs import KinesisFirehoseDestinationTypeDef
    from mypy_boto3_sesv2 import SESV2Client

    from pytest_ses import SESMock

FIREHOSE: KinesisFirehoseDestinationTypeDef = {
    "IAMRoleARN": "arn:aws:iam::123456789012:role/ses-firehose",
    "DeliveryStreamARN": "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses-events",
}


def fails(call: Callable[[], object], code: str, message: str, status: int) -> ClientError:
    """``call`` fails with v2's ``code`` (its modeled class), ``message`` and HTTP ``status``."""
    error = raises_ses_error(call, code, message)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert type(error).__name__ == code
    return error


def answer(response: Any) -> dict[str, Any]:
    found: dict[str, Any] = dict(response)
    del found["ResponseMetadata"]
    return found


def names(v2: SESV2Client, **kwargs: Any) -> list[str]:
    found = v2.list_email_identities(**kwargs)["EmailIdentities"]
    return [info["IdentityName"] for info in found]


# -- CreateEmailIdentity -----------------------------------------------------------------------


def test_create_an_address(v2: SESV2Client, client: SESClient) -> None:
    created = answer(v2.create_email_identity(EmailIdentity="ann@example.com"))
    # SES answers an address without DkimAttributes; verification is at once, as in v1.
    assert created == {"IdentityType": "EMAIL_ADDRESS", "VerifiedForSendingStatus": True}
    assert client.list_identities()["Identities"] == ["ann@example.com"]
    attributes = client.get_identity_verification_attributes(Identities=["ann@example.com"])
    assert attributes["VerificationAttributes"] == {
        "ann@example.com": {"VerificationStatus": "Success"}
    }


def test_create_a_domain_sets_up_easy_dkim(v2: SESV2Client, ses: SESMock) -> None:
    created = answer(v2.create_email_identity(EmailIdentity="Example.COM"))
    dkim = created.pop("DkimAttributes")
    assert created == {"IdentityType": "DOMAIN", "VerifiedForSendingStatus": True}
    tokens = dkim.pop("Tokens")
    assert dkim == {
        "SigningEnabled": True,
        "Status": "SUCCESS",
        "SigningAttributesOrigin": "AWS_SES",
        "NextSigningKeyLength": "RSA_2048_BIT",
        "CurrentSigningKeyLength": "RSA_2048_BIT",
        "LastKeyGenerationTimestamp": ses.clock.now().replace(microsecond=0),
    }
    assert len(tokens) == len(set(tokens)) == 3
    assert all(len(t) == 32 and t.isalnum() and t == t.lower() for t in tokens)
    assert names(v2) == ["example.com"]  # domains are kept lower-case, as v1 keeps them
    again = v2.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]
    assert again["Tokens"] == tokens


def test_an_address_reports_its_domains_dkim(v2: SESV2Client) -> None:
    v2.create_email_identity(EmailIdentity="ann@example.com")
    alone = v2.get_email_identity(EmailIdentity="ann@example.com")["DkimAttributes"]
    assert alone == {
        "SigningEnabled": False,
        "Status": "NOT_STARTED",
        "SigningAttributesOrigin": "AWS_SES",
        "NextSigningKeyLength": "RSA_1024_BIT",
    }
    v2.create_email_identity(EmailIdentity="example.com")
    domain = v2.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]
    assert v2.get_email_identity(EmailIdentity="ann@example.com")["DkimAttributes"] == domain


def test_bring_your_own_dkim(v2: SESV2Client) -> None:
    created = v2.create_email_identity(
        EmailIdentity="example.com",
        DkimSigningAttributes={"DomainSigningSelector": "sel1", "DomainSigningPrivateKey": "a2V5"},
    )
    assert created["DkimAttributes"] == {
        "SigningEnabled": True,
        "Status": "SUCCESS",
        "Tokens": ["sel1"],
        "SigningAttributesOrigin": "EXTERNAL",
    }
    fails(
        lambda: v2.create_email_identity(
            EmailIdentity="example.org",
            DkimSigningAttributes={"DomainSigningAttributesOrigin": "EXTERNAL"},
        ),
        "BadRequestException",
        "DomainSigningSelector and DomainSigningPrivateKey are both required for Bring Your "
        "Own DKIM.",
        400,
    )
    assert names(v2) == ["example.com"]


def test_easy_dkim_key_length(v2: SESV2Client) -> None:
    created = v2.create_email_identity(
        EmailIdentity="example.com", DkimSigningAttributes={"NextSigningKeyLength": "RSA_1024_BIT"}
    )
    assert created["DkimAttributes"]["NextSigningKeyLength"] == "RSA_1024_BIT"
    assert created["DkimAttributes"]["CurrentSigningKeyLength"] == "RSA_1024_BIT"


def test_dkim_signing_attributes_are_for_domains_only(v2: SESV2Client) -> None:
    fails(
        lambda: v2.create_email_identity(
            EmailIdentity="ann@example.com",
            DkimSigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"},
        ),
        "BadRequestException",
        "DkimSigningAttributes can be specified only for a domain identity.",
        400,
    )
    assert names(v2) == []


@pytest.mark.parametrize("existing", ["v1", "v2"])
def test_an_existing_identity(v2: SESV2Client, client: SESClient, existing: str) -> None:
    if existing == "v1":
        client.verify_email_identity(EmailAddress="ann@example.com")
    else:
        v2.create_email_identity(EmailIdentity="ann@example.com")
    fails(
        lambda: v2.create_email_identity(EmailIdentity="ANN@example.com"),
        "AlreadyExistsException",
        "Email identity ANN@example.com already exist.",
        400,
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ann@", "Invalid email address <ann@>."),
        ("ann@nodot", "Invalid email address <ann@nodot>."),
        ("nodot", "Invalid domain name <nodot>."),
        ("-bad.example.com", "Invalid domain name <-bad.example.com>."),
    ],
)
def test_names_are_checked_as_v1_checks_them(
    v2: SESV2Client, client: SESClient, name: str, message: str
) -> None:
    fails(lambda: v2.create_email_identity(EmailIdentity=name), "BadRequestException", message, 400)
    assert client.list_identities()["Identities"] == []


def test_configuration_set_and_tags_on_create(v2: SESV2Client, client: SESClient) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "tracked"})
    v2.create_email_identity(
        EmailIdentity="ann@example.com",
        ConfigurationSetName="tracked",
        Tags=[{"Key": "team", "Value": "shop"}, {"Key": "env", "Value": "test"}],
    )
    found = v2.get_email_identity(EmailIdentity="ann@example.com")
    assert found["ConfigurationSetName"] == "tracked"
    assert found["Tags"] == [{"Key": "team", "Value": "shop"}, {"Key": "env", "Value": "test"}]


def test_create_with_a_missing_set_creates_nothing(v2: SESV2Client) -> None:
    fails(
        lambda: v2.create_email_identity(EmailIdentity="ann@example.com", ConfigurationSetName="x"),
        "NotFoundException",
        "Configuration set <x> does not exist.",
        404,
    )
    assert names(v2) == []


def test_identities_are_per_region(make_v2: Callable[..., SESV2Client]) -> None:
    make_v2("eu-west-1").create_email_identity(EmailIdentity="ann@example.com")
    assert names(make_v2("eu-west-1")) == ["ann@example.com"]
    assert names(make_v2()) == []


# -- GetEmailIdentity --------------------------------------------------------------------------


def test_get_an_address(v2: SESV2Client) -> None:
    needs_model("sesv2", "GetEmailIdentity", "VerificationInfo", result=True)
    v2.create_email_identity(EmailIdentity="ann@example.com")
    assert answer(v2.get_email_identity(EmailIdentity="Ann@Example.com")) == {
        "IdentityType": "EMAIL_ADDRESS",
        "FeedbackForwardingStatus": True,
        "VerifiedForSendingStatus": True,
        "DkimAttributes": {
            "SigningEnabled": False,
            "Status": "NOT_STARTED",
            "SigningAttributesOrigin": "AWS_SES",
            "NextSigningKeyLength": "RSA_1024_BIT",
        },
        "MailFromAttributes": {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"},
        "Policies": {},
        "Tags": [],
        "VerificationStatus": "SUCCESS",
        "VerificationInfo": {},
    }


def test_get_a_v1_domain(v2: SESV2Client, client: SESClient) -> None:
    client.verify_domain_identity(Domain="example.com")
    found = v2.get_email_identity(EmailIdentity="example.com")
    assert found["IdentityType"] == "DOMAIN"
    assert found["VerificationStatus"] == "SUCCESS"
    # v1's VerifyDomainIdentity sets up no DKIM (that is VerifyDomainDkim's work).
    assert found["DkimAttributes"]["Status"] == "NOT_STARTED"
    assert "ConfigurationSetName" not in found


def test_get_an_unknown_identity(v2: SESV2Client) -> None:
    fails(
        lambda: v2.get_email_identity(EmailIdentity="nobody@example.com"),
        "NotFoundException",
        "Identity nobody@example.com does not exist.",
        404,
    )


# -- ListEmailIdentities -----------------------------------------------------------------------


def test_list_both_apis_identities(v2: SESV2Client, client: SESClient) -> None:
    client.verify_email_identity(EmailAddress="bob@example.com")
    client.verify_domain_identity(Domain="example.org")
    v2.create_email_identity(EmailIdentity="ann@example.com")
    assert v2.list_email_identities()["EmailIdentities"] == [
        {
            "IdentityType": "EMAIL_ADDRESS",
            "IdentityName": "ann@example.com",
            "SendingEnabled": True,
            "VerificationStatus": "SUCCESS",
        },
        {
            "IdentityType": "EMAIL_ADDRESS",
            "IdentityName": "bob@example.com",
            "SendingEnabled": True,
            "VerificationStatus": "SUCCESS",
        },
        {
            "IdentityType": "DOMAIN",
            "IdentityName": "example.org",
            "SendingEnabled": True,
            "VerificationStatus": "SUCCESS",
        },
    ]
    assert "NextToken" not in v2.list_email_identities()


def test_list_in_pages(v2: SESV2Client) -> None:
    for name in ["c@example.com", "a@example.com", "b@example.com"]:
        v2.create_email_identity(EmailIdentity=name)
    first = v2.list_email_identities(PageSize=2)
    assert [i["IdentityName"] for i in first["EmailIdentities"]] == [
        "a@example.com",
        "b@example.com",
    ]
    second = v2.list_email_identities(PageSize=2, NextToken=first["NextToken"])
    assert [i["IdentityName"] for i in second["EmailIdentities"]] == ["c@example.com"]
    assert "NextToken" not in second
    assert names(v2, PageSize=0) == ["a@example.com", "b@example.com", "c@example.com"]


@pytest.mark.parametrize("size", [-1, 1001])
def test_page_size_out_of_range(v2: SESV2Client, size: int) -> None:
    fails(
        lambda: v2.list_email_identities(PageSize=size),
        "BadRequestException",
        f"PageSize must be between 0 and 1000, got {size}.",
        400,
    )


def test_an_invalid_next_token(v2: SESV2Client) -> None:
    fails(
        lambda: v2.list_email_identities(NextToken="bogus"),
        "BadRequestException",
        "Invalid NextToken: 'bogus'.",
        400,
    )


def test_list_filters(v2: SESV2Client) -> None:
    for name in ["ann@example.com", "bob@shop.example.org", "example.com", "shop.example.org"]:
        v2.create_email_identity(EmailIdentity=name)
    assert names(v2, Filter={"IDENTITY_TYPE": "DOMAIN"}) == ["example.com", "shop.example.org"]
    assert names(v2, Filter={"IDENTITY_NAME_CONTAINS": "SHOP"}) == [
        "bob@shop.example.org",
        "shop.example.org",
    ]
    both = {"IDENTITY_TYPE": "EMAIL_ADDRESS", "IDENTITY_NAME_CONTAINS": "shop"}
    assert names(v2, Filter=both) == ["bob@shop.example.org"]
    assert len(names(v2, Filter={"VERIFICATION_STATUS": "SUCCESS"})) == 4
    assert names(v2, Filter={"VERIFICATION_STATUS": "PENDING"}) == []


def test_an_invalid_filter_value(v2: SESV2Client) -> None:
    fails(
        lambda: v2.list_email_identities(Filter={"IDENTITY_TYPE": "ADDRESS"}),
        "BadRequestException",
        "Invalid value ADDRESS for IDENTITY_TYPE: expected one of EMAIL_ADDRESS, DOMAIN, "
        "MANAGED_DOMAIN.",
        400,
    )


# -- DeleteEmailIdentity -----------------------------------------------------------------------


def test_delete(v2: SESV2Client, client: SESClient) -> None:
    client.verify_email_identity(EmailAddress="ann@example.com")
    v2.delete_email_identity(EmailIdentity="ANN@example.com")
    assert client.list_identities()["Identities"] == []
    fails(
        lambda: v2.delete_email_identity(EmailIdentity="ann@example.com"),
        "NotFoundException",
        "Email identity ann@example.com does not exist.",
        404,
    )


# -- PutEmailIdentityConfigurationSetAttributes and the default set in sends -------------------


@pytest.fixture
def tracked(client: SESClient) -> str:
    """A configuration set whose Firehose destination receives every event."""
    client.create_configuration_set(ConfigurationSet={"Name": "tracked"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="tracked",
        EventDestination={
            "Name": "firehose",
            "Enabled": True,
            "MatchingEventTypes": ["send", "delivery"],
            "KinesisFirehoseDestination": FIREHOSE,
        },
    )
    return "tracked"


def send(client: SESClient, source: str = "Shop <shop@example.com>", **kwargs: Any) -> str:
    return client.send_email(
        Source=source,
        Destination={"ToAddresses": ["ann@example.net"]},
        Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hi"}}},
        **kwargs,
    )["MessageId"]


def test_set_and_clear_the_default(v2: SESV2Client, tracked: str) -> None:
    v2.create_email_identity(EmailIdentity="shop@example.com")
    v2.put_email_identity_configuration_set_attributes(
        EmailIdentity="shop@example.com", ConfigurationSetName=tracked
    )
    assert (
        v2.get_email_identity(EmailIdentity="shop@example.com")["ConfigurationSetName"] == tracked
    )
    v2.put_email_identity_configuration_set_attributes(EmailIdentity="shop@example.com")
    assert "ConfigurationSetName" not in v2.get_email_identity(EmailIdentity="shop@example.com")


def test_the_default_must_exist(v2: SESV2Client) -> None:
    v2.create_email_identity(EmailIdentity="shop@example.com")
    fails(
        lambda: v2.put_email_identity_configuration_set_attributes(
            EmailIdentity="shop@example.com", ConfigurationSetName="nope"
        ),
        "NotFoundException",
        "Configuration set <nope> does not exist.",
        404,
    )
    fails(
        lambda: v2.put_email_identity_configuration_set_attributes(
            EmailIdentity="nobody@example.com"
        ),
        "NotFoundException",
        "Identity nobody@example.com does not exist.",
        404,
    )


def test_a_v1_send_uses_the_identitys_default(
    v2: SESV2Client, client: SESClient, ses: SESMock, tracked: str
) -> None:
    client.verify_email_identity(EmailAddress="shop@example.com")
    v2.put_email_identity_configuration_set_attributes(
        EmailIdentity="shop@example.com", ConfigurationSetName=tracked
    )
    send(client)
    assert ses.outbox[0].configuration_set == tracked
    records = [json.loads(r) for r in ses.destination("firehose").records]
    assert [r["eventType"] for r in records] == ["Send", "Delivery"]
    assert records[0]["mail"]["tags"]["ses:configuration-set"] == [tracked]


def test_a_domains_default_serves_its_addresses(
    v2: SESV2Client, client: SESClient, ses: SESMock, tracked: str
) -> None:
    v2.create_email_identity(EmailIdentity="example.com", ConfigurationSetName=tracked)
    client.create_configuration_set(ConfigurationSet={"Name": "own"})
    send(client)
    # The address's own identity comes first; without a default it falls back to the domain's.
    v2.create_email_identity(EmailIdentity="shop@example.com")
    send(client)
    v2.put_email_identity_configuration_set_attributes(
        EmailIdentity="shop@example.com", ConfigurationSetName="own"
    )
    send(client)
    send(client, "other@example.org")  # an identity without a default: no set
    assert [m.configuration_set for m in ses.outbox] == [tracked, tracked, "own", None]


def test_a_named_set_wins_over_the_default(
    v2: SESV2Client, client: SESClient, ses: SESMock, tracked: str
) -> None:
    client.create_configuration_set(ConfigurationSet={"Name": "other"})
    v2.create_email_identity(EmailIdentity="shop@example.com", ConfigurationSetName=tracked)
    send(client, ConfigurationSetName="other")
    assert ses.outbox[0].configuration_set == "other"


def test_raw_and_templated_sends_use_the_default(
    v2: SESV2Client, client: SESClient, ses: SESMock, tracked: str
) -> None:
    v2.create_email_identity(EmailIdentity="shop@example.com", ConfigurationSetName=tracked)
    client.send_raw_email(
        RawMessage={
            "Data": b"From: shop@example.com\r\nTo: ann@example.net\r\nSubject: Hi\r\n\r\nHi"
        }
    )
    client.create_template(
        Template={"TemplateName": "hello", "SubjectPart": "Hi {{name}}", "TextPart": "Hi"}
    )
    client.send_templated_email(
        Source="shop@example.com",
        Destination={"ToAddresses": ["ann@example.net"]},
        Template="hello",
        TemplateData='{"name": "Ann"}',
    )
    assert [m.configuration_set for m in ses.outbox] == [tracked, tracked]
    kinds = [json.loads(r)["eventType"] for r in ses.destination("firehose").records]
    assert kinds == ["Send", "Delivery", "Send", "Delivery"]


def test_a_deleted_default_fails_the_send(
    v2: SESV2Client, client: SESClient, ses: SESMock, tracked: str
) -> None:
    v2.create_email_identity(EmailIdentity="shop@example.com", ConfigurationSetName=tracked)
    client.delete_configuration_set(ConfigurationSetName=tracked)
    raises_ses_error(
        lambda: send(client),
        "ConfigurationSetDoesNotExist",
        "Configuration set <tracked> does not exist.",
    )
    assert len(ses.outbox) == 0


def test_a_paused_default_pauses_the_identitys_sends(
    v2: SESV2Client, client: SESClient, tracked: str
) -> None:
    v2.create_email_identity(EmailIdentity="shop@example.com", ConfigurationSetName=tracked)
    client.update_configuration_set_sending_enabled(ConfigurationSetName=tracked, Enabled=False)
    raises_ses_error(
        lambda: send(client),
        "ConfigurationSetSendingPausedException",
        "Sending is paused for configuration set tracked",
    )
