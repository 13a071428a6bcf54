"""Message tags: SES's rules and wording, shared by the Tags parameter and X-SES-MESSAGE-TAGS."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pytest_ses._errors import invalid_parameter

MAX_TAG_LENGTH = 255
_NAME = re.compile(r"^(ses:)?[A-Za-z0-9_-]+$")
_VALUE = re.compile(r"^[A-Za-z0-9_.@-]+$")


def check_tags(tags: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """Validate tags in SES's order (name before value) and return them as a dict."""
    checked: dict[str, str] = {}
    for tag in tags:
        name, value = tag.get("Name", ""), tag.get("Value", "")
        if not name:
            raise invalid_parameter("The tag name must be specified.")
        if not value:
            raise invalid_parameter("The tag value must be specified.")
        if len(name) > MAX_TAG_LENGTH:
            raise invalid_parameter(f"Tag name cannot exceed {MAX_TAG_LENGTH} characters.")
        if not _NAME.match(name):
            raise invalid_parameter(
                f"Invalid tag name <{name}>: "
                "only alphanumeric ASCII characters, '_',  '-' are allowed."
            )
        if len(value) > MAX_TAG_LENGTH:
            raise invalid_parameter(f"Tag value cannot exceed {MAX_TAG_LENGTH} characters.")
        if not _VALUE.match(value):
            raise invalid_parameter(
                f"Invalid tag value <{value}>: only alphanumeric ASCII characters, '_',  '-' , "
                "'.', '@' are allowed."
            )
        checked[name] = value
    return checked


def parse_tag_header(value: str) -> list[dict[str, str]]:
    """``X-SES-MESSAGE-TAGS: k1=v1, k2=v2`` as the Tags parameter would carry it."""
    tags = []
    for item in value.split(","):
        if not item.strip():
            continue
        name, _, tag_value = item.partition("=")
        tags.append({"Name": name.strip(), "Value": tag_value.strip()})
    return tags
