"""API v2's SendEmail: its three kinds of content, sent through v1's send paths.

Simple content is v1's SendEmail (plus custom headers and attachments), Raw
content v1's SendRawEmail, Template content v1's SendTemplatedEmail (plus a
template given inline). The members are renamed to v1's and the shared send
path runs every check; the dispatcher gives its errors v2's codes.

Wordings marked "inferred" are ours: SES's exact text for them is not recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_ses._errors import NotEmulatedError, invalid_parameter
from pytest_ses._fake import mime, v2_content
from pytest_ses._fake.registry import Params, Result, operation
from pytest_ses._fake.sending import Content, send_content, send_raw
from pytest_ses._fake.templates import send_templated
from pytest_ses._fake.v2_templates import resolve_template

if TYPE_CHECKING:
    from pytest_ses._fake.account import Account, Region

SERVICE = "sesv2"
_CONTENT_KINDS = frozenset(("Simple", "Raw", "Template"))
# Members of features the fake does not emulate: refused, never silently ignored.
_NOT_EMULATED = {
    "ListManagementOptions": "contact lists and topics",
    "EndpointId": "multi-region endpoints",
    "TenantName": "tenants",
    "ConfigurationOverrides": "per-message tracking overrides",
}


@operation("SendEmail", service=SERVICE)
def send_email(account: Account, region: Region, params: Params) -> Result:
    if not _NOT_EMULATED.keys().isdisjoint(params):
        member = next(m for m in _NOT_EMULATED if m in params)
        name = f"SendEmail with {member} ({_NOT_EMULATED[member]})"
        account.not_emulated.append(f"{SERVICE}:{name}")
        raise NotEmulatedError(name, SERVICE)
    content = params["Content"]
    if len(content) != 1 or not _CONTENT_KINDS.issuperset(content):
        raise invalid_parameter(  # inferred
            "Content must hold exactly one of Simple, Raw and Template."
        )
    if "Raw" in content:
        return send_raw(account, region, _raw_params(params), "SendEmail", SERVICE)
    shared = v2_content.sender_params(params)
    simple = content.get("Simple")
    if simple is not None:
        subject = simple["Subject"]
        body = simple["Body"]
        plain = "Headers" not in simple and "Attachments" not in simple  # most sends: no call
        return send_content(
            account,
            region,
            shared,
            "SendEmail",
            Content(
                subject.get("Data", ""),
                mime.check_charset(subject.get("Charset")),
                _part(body.get("Text")),
                _part(body.get("Html")),
            ),
            service=SERVICE,
            extra=None if plain else v2_content.extras(simple),
        )
    template = content["Template"]
    found, data = resolve_template(account, region, template)
    return send_templated(
        account, region, shared, "SendEmail", found, data, SERVICE, v2_content.extras(template)
    )


def _raw_params(params: Params) -> Params:
    """SendRawEmail's v1 members for v2's; the message's From is used without FromEmailAddress."""
    shared: Params = {"RawMessage": params["Content"]["Raw"]}
    if params.get("FromEmailAddress"):
        shared["Source"] = params["FromEmailAddress"]
    destination = params.get("Destination") or {}
    recipients = [
        *destination.get("ToAddresses", ()),
        *destination.get("CcAddresses", ()),
        *destination.get("BccAddresses", ()),
    ]
    if recipients:
        shared["Destinations"] = recipients
    if params.get("FromEmailAddressIdentityArn"):
        # The API reference: for raw content it overrides X-SES-SOURCE-ARN and X-SES-FROM-ARN.
        shared["SourceArn"] = shared["FromArn"] = params["FromEmailAddressIdentityArn"]
    for v2_name, v1_name in v2_content.RENAMED.items():
        if v2_name in params and v1_name not in shared and v2_name != "ReplyToAddresses":
            shared[v1_name] = params[v2_name]
    return shared


def _part(part: dict[str, str] | None) -> tuple[str, str] | None:
    if part is None:
        return None
    return part.get("Data", ""), mime.check_charset(part.get("Charset"))
