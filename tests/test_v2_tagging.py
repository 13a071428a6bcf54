"""Resource tags through SES API v2: configuration sets and identities, named by ARN."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import modeled, needs_model, raises_ses_error

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sesv2 import SESV2Client

    from pytest_ses import SESMock

PREFIX = "arn:aws:ses:us-east-1:123456789012:"
SET_ARN = PREFIX + "configuration-set/tagged"


@pytest.fixture
def tagged(v2: SESV2Client) -> str:
    v2.create_configuration_set(ConfigurationSetName="tagged")
    return SET_ARN


def tags(v2: SESV2Client, arn: str) -> list[Any]:
    return list(v2.list_tags_for_resource(ResourceArn=arn)["Tags"])


def test_tag_list_and_untag_a_configuration_set(v2: SESV2Client, tagged: str) -> None:
    assert tags(v2, tagged) == []
    v2.tag_resource(
        ResourceArn=tagged,
        Tags=[{"Key": "team", "Value": "billing"}, {"Key": "env", "Value": "test"}],
    )
    v2.tag_resource(ResourceArn=tagged, Tags=[{"Key": "team", "Value": "growth"}])
    assert tags(v2, tagged) == [
        {"Key": "team", "Value": "growth"},
        {"Key": "env", "Value": "test"},
    ]
    v2.untag_resource(ResourceArn=tagged, TagKeys=["team", "not-there"])
    assert tags(v2, tagged) == [{"Key": "env", "Value": "test"}]
    got = v2.get_configuration_set(ConfigurationSetName="tagged")
    assert got["Tags"] == [{"Key": "env", "Value": "test"}]


def test_tags_given_at_creation_are_listed(v2: SESV2Client) -> None:
    v2.create_configuration_set(
        ConfigurationSetName="tagged", Tags=[{"Key": "owner", "Value": "ann"}]
    )
    assert tags(v2, SET_ARN) == [{"Key": "owner", "Value": "ann"}]


def test_an_identity_is_tagged_by_its_arn(v2: SESV2Client, client: SESClient, ses: SESMock) -> None:
    client.verify_email_identity(EmailAddress="Shop@Example.com")
    client.verify_domain_identity(Domain="example.org")
    v2.tag_resource(
        ResourceArn=PREFIX + "identity/shop@example.com", Tags=[{"Key": "k", "Value": "v"}]
    )
    v2.tag_resource(ResourceArn=PREFIX + "identity/example.org", Tags=[{"Key": "d", "Value": ""}])

    assert tags(v2, PREFIX + "identity/Shop@Example.com") == [{"Key": "k", "Value": "v"}]
    assert tags(v2, PREFIX + "identity/example.org") == [{"Key": "d", "Value": ""}]
    identity = ses._account.regions[ses.region].identities["shop@example.com"]
    assert identity.tags == {"k": "v"}


@pytest.mark.parametrize(
    "arn",
    [
        PREFIX + "configuration-set/ghost",
        PREFIX + "identity/nobody@example.com",
        PREFIX + "template/welcome",
        PREFIX + "contact-list/news",
        # The set exists, but in another region / account than the endpoint called.
        "arn:aws:ses:eu-west-1:123456789012:configuration-set/tagged",
        "arn:aws:ses:us-east-1:999999999999:configuration-set/tagged",
    ],
)
def test_a_missing_resource_is_not_found(v2: SESV2Client, tagged: str, arn: str) -> None:
    for call in (
        lambda: v2.list_tags_for_resource(ResourceArn=arn),
        lambda: v2.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}]),
        lambda: v2.untag_resource(ResourceArn=arn, TagKeys=["k"]),
    ):
        with pytest.raises(modeled(v2, "NotFoundException")) as info:
            call()
        assert info.value.response["Error"]["Message"] == f"Resource <{arn}> does not exist."
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize(
    "arn",
    [
        "tagged",
        "arn:aws:sns:us-east-1:123456789012:topic",
        "arn:aws:ses:us-east-1:123:configuration-set/tagged",
        "arn:aws:ses:us-east-1:123456789012:configuration-set",
    ],
)
def test_a_malformed_arn_is_a_bad_request(v2: SESV2Client, tagged: str, arn: str) -> None:
    with pytest.raises(modeled(v2, "BadRequestException")) as info:
        v2.list_tags_for_resource(ResourceArn=arn)
    assert info.value.response["Error"]["Message"] == f"Invalid resource ARN <{arn}>."
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ({"Key": "", "Value": "v"}, "Tag key <> must be 1 to 128 characters long."),
        (
            {"Key": "k" * 129, "Value": "v"},
            f"Tag key <{'k' * 129}> must be 1 to 128 characters long.",
        ),
        (
            {"Key": "k", "Value": "v" * 257},
            "Tag value for key <k> must be at most 256 characters long.",
        ),
        (
            {"Key": "a;b", "Value": "v"},
            "Tag key <a;b> may hold only letters, digits, white space and _ . : / = + -.",
        ),
        (
            {"Key": "k", "Value": "<b>"},
            "Tag value <<b>> may hold only letters, digits, white space and _ . : / = + -.",
        ),
        ({"Key": "aws:owner", "Value": "v"}, "Tag key <aws:owner> uses the reserved prefix aws:."),
    ],
)
def test_a_bad_tag_is_a_bad_request_and_changes_nothing(
    v2: SESV2Client, tagged: str, tag: Any, message: str
) -> None:
    raises_ses_error(
        lambda: v2.tag_resource(ResourceArn=tagged, Tags=[{"Key": "ok", "Value": "1"}, tag]),
        "BadRequestException",
        message,
    )
    assert tags(v2, tagged) == []


def test_longest_keys_values_and_unicode_are_accepted(v2: SESV2Client, tagged: str) -> None:
    given = [
        {"Key": "k" * 128, "Value": "v" * 256},
        {"Key": "Größe", "Value": "a b_c.d:e/f=g+h-i"},
    ]
    v2.tag_resource(ResourceArn=tagged, Tags=given)  # type: ignore[arg-type]
    assert tags(v2, tagged) == given


def test_fifty_tags_is_the_limit(v2: SESV2Client, tagged: str) -> None:
    v2.tag_resource(ResourceArn=tagged, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    # Replacing a value adds no tag.
    v2.tag_resource(ResourceArn=tagged, Tags=[{"Key": "k0", "Value": "w"}])
    raises_ses_error(
        lambda: v2.tag_resource(ResourceArn=tagged, Tags=[{"Key": "one-more", "Value": "v"}]),
        "BadRequestException",
        "A resource can have at most 50 tags; this would make 51.",
    )
    assert len(tags(v2, tagged)) == 50
    raises_ses_error(
        lambda: v2.create_configuration_set(
            ConfigurationSetName="crowded",
            Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)],
        ),
        "BadRequestException",
        "A resource can have at most 50 tags; this would make 51.",
    )


def test_deleting_a_set_drops_its_tags(v2: SESV2Client, tagged: str) -> None:
    v2.tag_resource(ResourceArn=tagged, Tags=[{"Key": "k", "Value": "v"}])
    v2.delete_configuration_set(ConfigurationSetName="tagged")
    v2.create_configuration_set(ConfigurationSetName="tagged")
    assert tags(v2, tagged) == []


def test_a_template_is_tagged_by_its_arn(v2: SESV2Client, client: SESClient) -> None:
    needs_model("sesv2", "GetEmailTemplate", "Tags", result=True)
    client.create_template(Template={"TemplateName": "welcome", "SubjectPart": "Hi"})
    arn = PREFIX + "template/welcome"
    v2.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "growth"}])
    assert tags(v2, arn) == [{"Key": "team", "Value": "growth"}]
    got = v2.get_email_template(TemplateName="welcome")
    assert got.get("Tags") == [{"Key": "team", "Value": "growth"}]


@pytest.mark.parametrize("create", ["identity", "template"])
def test_tags_given_at_creation_are_checked(v2: SESV2Client, create: str) -> None:
    needs_model("sesv2", "CreateEmailTemplate", "Tags")
    bad: Any = [{"Key": "aws:owner", "Value": "x"}]
    calls = {
        "identity": lambda: v2.create_email_identity(EmailIdentity="a@example.com", Tags=bad),
        "template": lambda: v2.create_email_template(
            TemplateName="t", TemplateContent={"Subject": "s"}, Tags=bad
        ),
    }
    call = calls[create]
    error = raises_ses_error(
        call, "BadRequestException", "Tag key <aws:owner> uses the reserved prefix aws:."
    )
    assert isinstance(error, modeled(v2, "BadRequestException"))
    assert v2.list_email_identities()["EmailIdentities"] == []
    assert v2.list_email_templates()["TemplatesMetadata"] == []
