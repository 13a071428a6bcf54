"""Resource tags (SES API v2): TagResource, UntagResource, ListTagsForResource.

Resources are named by ARN. Configuration sets and identities hold tags; the
fake tags nothing else, so an ARN of another resource type is not found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pytest_ses._errors import SESError
from pytest_ses._fake.account import Account, Region
from pytest_ses._fake.registry import Params, Result, operation

MAX_TAGS = 50  # per resource (sesv2 model: Tag, TagResource)
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
# Unicode letters, digits, white space and _ . : / = + - (sesv2 model: Tag).
_TAG_TEXT = re.compile(r"^[\w\s.:/=+\-]*$")
_RESERVED = "aws:"
_ARN = re.compile(
    r"arn:aws(?:-[a-z]+)*:ses:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+):(?P<account>\d{12}):"
    r"(?P<type>[a-z-]+)/(?P<name>.+)",
    re.ASCII,
)


def bad_request(message: str) -> SESError:
    return SESError("BadRequestException", message)


def not_found(message: str) -> SESError:
    return SESError("NotFoundException", message, status=404)


def check_tags(
    tags: Iterable[Mapping[str, str]], existing: Mapping[str, str] | None = None
) -> dict[str, str]:
    """``existing`` plus ``tags``, checked as SES checks them (keys, values, the limit)."""
    merged = dict(existing or {})
    for tag in tags:
        key, value = tag["Key"], tag.get("Value", "")
        if not 1 <= len(key) <= MAX_KEY_LENGTH:
            raise bad_request(f"Tag key <{key}> must be 1 to {MAX_KEY_LENGTH} characters long.")
        if len(value) > MAX_VALUE_LENGTH:
            raise bad_request(
                f"Tag value for key <{key}> must be at most {MAX_VALUE_LENGTH} characters long."
            )
        for what, text in (("key", key), ("value", value)):
            if not _TAG_TEXT.match(text):
                raise bad_request(
                    f"Tag {what} <{text}> may hold only letters, digits, white space "
                    "and _ . : / = + -."
                )
            if text.lower().startswith(_RESERVED):
                raise bad_request(f"Tag {what} <{text}> uses the reserved prefix aws:.")
        merged[key] = value
    if len(merged) > MAX_TAGS:
        raise bad_request(
            f"A resource can have at most {MAX_TAGS} tags; this would make {len(merged)}."
        )
    return merged


def as_tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _tags_of(account: Account, region: Region, arn: str) -> dict[str, str]:
    """The live tag dict of the resource ``arn`` names."""
    found = _ARN.fullmatch(arn)
    if found is None:
        raise bad_request(f"Invalid resource ARN <{arn}>.")
    kind, name = found["type"], found["name"]
    # Another region's or account's resource is not among this endpoint's.
    here = found["region"] == region.name and found["account"] == account.account_id
    if kind == "configuration-set":
        config_set = region.configuration_sets.get(name) if here else None
        if config_set is not None:
            return config_set.tags
    elif kind == "identity":
        identity = region.identities.get(name.lower()) if here else None
        if identity is not None:
            return identity.tags
    elif kind == "template":
        template = region.templates.get(name) if here else None
        if template is not None:
            return template.tags
    raise not_found(f"Resource <{arn}> does not exist.")


@operation("TagResource", service="sesv2")
def tag_resource(account: Account, region: Region, params: Params) -> Result:
    tags = _tags_of(account, region, params["ResourceArn"])
    merged = check_tags(params["Tags"], tags)
    tags.clear()
    tags.update(merged)
    return {}


@operation("UntagResource", service="sesv2")
def untag_resource(account: Account, region: Region, params: Params) -> Result:
    tags = _tags_of(account, region, params["ResourceArn"])
    for key in params["TagKeys"]:
        tags.pop(key, None)
    return {}


@operation("ListTagsForResource", service="sesv2")
def list_tags_for_resource(account: Account, region: Region, params: Params) -> Result:
    return {"Tags": as_tag_list(_tags_of(account, region, params["ResourceArn"]))}
