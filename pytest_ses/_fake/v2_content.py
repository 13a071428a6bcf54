"""API v2's sends in v1's terms: the addressing members renamed, and what Simple and
Template content add to the message SES writes (custom headers and attachments),
checked as SES checks them.

Wordings marked "inferred" are ours: SES's exact text for them is not recorded.
"""

from __future__ import annotations

import mimetypes
import re
from typing import Any

from pytest_ses._errors import invalid_parameter
from pytest_ses._fake import mime
from pytest_ses._fake.registry import Params
from pytest_ses._fake.sending import Extras


def sender_params(params: Params) -> Params:
    """A v2 send's addressing members under v1's names (Source, Destination, ReturnPath, ...).

    The shared send paths read these. Values are kept as given: an empty
    ConfigurationSetName names a set that does not exist, as in v1.
    """
    source = params.get("FromEmailAddress")
    if not source:
        raise invalid_parameter("Missing required parameter FromEmailAddress.")  # inferred
    shared: Params = {"Source": source, "Destination": params.get("Destination", {})}
    if RENAMED.keys().isdisjoint(params):  # most sends: nothing more to rename
        return shared
    for v2_name, value in params.items():
        v1_name = RENAMED.get(v2_name)
        if v1_name is not None:
            shared[v1_name] = value
    return shared


# v2 member -> the v1 member of the same meaning (the rest are read by the handler itself)
RENAMED = {
    "ReplyToAddresses": "ReplyToAddresses",
    "FeedbackForwardingEmailAddress": "ReturnPath",
    "FromEmailAddressIdentityArn": "SourceArn",
    "FeedbackForwardingEmailAddressIdentityArn": "ReturnPathArn",
    "EmailTags": "Tags",
    "ConfigurationSetName": "ConfigurationSetName",
}


MAX_HEADER_VALUE = 870  # the API reference's limit (the model allows 995)
# Header fields SES writes itself for Simple and Template content; each may appear
# only once in a message (developer guide, "Amazon SES header fields"), so a custom
# header of that name is refused. Inferred: SES's own list of refused names is not
# published; this is the once-only list narrowed to what SES writes.
_WRITTEN_BY_SES = frozenset(
    name.lower()
    for name in (
        "From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Message-ID", "Date", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "Return-Path",
    )
)  # fmt: skip
# The other fields that may appear only once: a custom header may name each once.
_ONCE_ONLY = frozenset(
    name.lower()
    for name in (
        "Accept-Language", "acceptLanguage", "Archived-At", "Auto-Submitted", "Bounces-to",
        "Comments", "Content-Alternative", "Content-Base", "Content-Class",
        "Content-Description", "Content-Disposition", "Content-Duration", "Content-ID",
        "Content-Language", "Content-Length", "Content-Location", "Content-MD5",
        "Delivered-To", "Disposition-Notification-Options", "Disposition-Notification-To",
        "DKIM-Signature", "DomainKey-Signature", "Errors-To", "Importance", "In-Reply-To",
        "Keywords", "List-Archive", "List-Help", "List-Id", "List-Owner", "List-Post",
        "List-Subscribe", "List-Unsubscribe", "List-Unsubscribe-Post", "Message-Context",
        "Organization", "Original-From", "Original-Message-ID", "Original-Recipient",
        "Original-Subject", "Precedence", "Priority", "References", "Return-Receipt-To",
        "Sender", "Solicitation", "Sensitivity", "Thread-Index", "Thread-Topic",
        "User-Agent", "VBR-Info",
    )
)  # fmt: skip
_HEADER_NAME = re.compile(r"^[\x21-\x39\x3b-\x7e]+$")  # printable ASCII but the colon
_HEADER_VALUE = re.compile(r"^[\x20-\x7e\t]*$")
_CONTENT_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$")
_CONTENT_ID = re.compile(r"^[\x21-\x3b\x3d\x3f-\x7e]+$")  # printable ASCII but < and >
_ENCODINGS = {"BASE64": "base64", "QUOTED_PRINTABLE": "quoted-printable", "SEVEN_BIT": "7bit"}


def extras(content: dict[str, Any]) -> Extras | None:
    headers = content.get("Headers")
    files = content.get("Attachments")
    if not headers and not files:
        return None
    return Extras(checked_headers(headers or []), [_attachment(f) for f in files or []])


def checked_headers(given: list[dict[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    headers = []
    for header in given:
        name, value = header["Name"], header["Value"]
        key = name.lower()
        if not _HEADER_NAME.match(name):
            raise invalid_parameter(f"Invalid header name: {name}.")  # inferred
        if key in _WRITTEN_BY_SES:
            raise invalid_parameter(  # inferred
                f"Header {name} is set by Amazon SES and cannot be given in Headers."
            )
        if key in _ONCE_ONLY and key in seen:
            raise invalid_parameter(f"Header {name} may appear only once.")  # inferred
        if len(value) > MAX_HEADER_VALUE or not _HEADER_VALUE.match(value):
            raise invalid_parameter(  # inferred
                f"Invalid value for header {name}: printable ASCII of at most "
                f"{MAX_HEADER_VALUE} characters is required."
            )
        seen.add(key)
        headers.append((name, value))
    return headers


def _attachment(given: dict[str, Any]) -> mime.AttachmentPart:
    filename: str = given["FileName"]
    content: bytes = given["RawContent"]
    content_type = given.get("ContentType") or (
        mimetypes.guess_type(filename)[0] or "application/octet-stream"  # inferred default
    )
    if not _CONTENT_TYPE.match(content_type):
        raise invalid_parameter(f"Invalid attachment content type: {content_type}.")  # inferred
    content_id = given.get("ContentId")
    if content_id is not None and not _CONTENT_ID.match(content_id.strip("<>")):
        raise invalid_parameter(f"Invalid attachment content ID: {content_id}.")  # inferred
    encoding = _ENCODINGS[given.get("ContentTransferEncoding", "BASE64")]
    if encoding == "7bit" and not content.isascii():
        raise invalid_parameter(  # inferred
            f"Attachment {filename} is not 7-bit data; use BASE64 or QUOTED_PRINTABLE."
        )
    return mime.AttachmentPart(
        filename,
        content_type,
        content,
        given.get("ContentDisposition", "ATTACHMENT").lower(),
        content_id.strip("<>") if content_id else None,
        given.get("ContentDescription"),
        encoding,
    )
