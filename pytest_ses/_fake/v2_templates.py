"""Stored email templates and SendBulkEmail, as SES API v2 names them.

The store, its rules and the templated send are v1's (``templates.py``): one
``Region.templates`` serves both APIs, so a template made with CreateTemplate
is read by GetEmailTemplate and the other way round. Errors are raised with
v1's codes; the dispatcher translates them (NotFoundException, BadRequestException ...).

Wordings marked "inferred" are ours: SES's exact text for them is not recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_ses._errors import SESError, invalid_parameter
from pytest_ses._fake import v2_content
from pytest_ses._fake.account import Template
from pytest_ses._fake.registry import Params, Result, operation
from pytest_ses._fake.sending import Extras
from pytest_ses._fake.tagging import check_tags
from pytest_ses._fake.templates import (
    LIST_DEFAULT,
    LIST_LIMIT,
    BulkEntry,
    checked_template,
    create_template,
    get_template,
    list_names,
    parse_data,
    rendered_mime,
    send_bulk,
    template_name,
    update_template,
)

if TYPE_CHECKING:
    from pytest_ses._fake.account import Account, Region

V2 = "sesv2"


def _content(account: Account, name: str, content: dict[str, str]) -> Template:
    return checked_template(
        name, content.get("Subject"), content.get("Text"), content.get("Html"), account.clock.now()
    )


@operation("CreateEmailTemplate", service=V2)
def create(account: Account, region: Region, params: Params) -> Result:
    template = _content(account, params["TemplateName"], params["TemplateContent"])
    template.tags = check_tags(params.get("Tags", ()))
    create_template(region, template)
    return {}


@operation("GetEmailTemplate", service=V2)
def get(account: Account, region: Region, params: Params) -> Result:
    found = get_template(region, params["TemplateName"])
    content = {
        member: value
        for member, value in (
            ("Subject", found.subject),
            ("Text", found.text),
            ("Html", found.html),
        )
        if value is not None
    }
    result: Result = {"TemplateName": found.name, "TemplateContent": content}
    if found.tags:
        result["Tags"] = [{"Key": k, "Value": v} for k, v in found.tags.items()]
    return result


@operation("UpdateEmailTemplate", service=V2)
def update(account: Account, region: Region, params: Params) -> Result:
    update_template(region, _content(account, params["TemplateName"], params["TemplateContent"]))
    return {}


@operation("DeleteEmailTemplate", service=V2)
def delete(account: Account, region: Region, params: Params) -> Result:
    # Unlike v1's DeleteTemplate, v2 models NotFoundException for an unknown name (inferred).
    get_template(region, params["TemplateName"])
    del region.templates[params["TemplateName"]]
    return {}


@operation("ListEmailTemplates", service=V2)
def list_templates(account: Account, region: Region, params: Params) -> Result:
    size = params.get("PageSize", LIST_DEFAULT)
    if not 1 <= size <= LIST_LIMIT:
        # v2 documents the range rather than a cap, as v1 does for MaxItems (wording inferred).
        raise invalid_parameter(f"PageSize must be between 1 and {LIST_LIMIT}, got {size}.")
    chunk, token = list_names(region, params.get("NextToken"), size)
    result: Result = {
        "TemplatesMetadata": [
            {"TemplateName": name, "CreatedTimestamp": region.templates[name].created}
            for name in chunk
        ]
    }
    if token:
        result["NextToken"] = token
    return result


@operation("TestRenderEmailTemplate", service=V2)
def test_render(account: Account, region: Region, params: Params) -> Result:
    found = get_template(region, params["TemplateName"])
    data = parse_data(params["TemplateData"], "InvalidRenderingParameter", found.name)
    return {"RenderedTemplate": rendered_mime(found, data)}


# -- sending -----------------------------------------------------------------------------------


def resolve_template(account: Account, region: Region, spec: Params) -> tuple[Template, Any]:
    """A v2 ``Template`` structure (SendEmail's Content.Template, SendBulkEmail's DefaultContent):
    the template it names (TemplateName or TemplateArn, from the region's store) or gives inline
    (TemplateContent, checked as CreateEmailTemplate checks it, with no name), and its
    TemplateData parsed (InvalidParameterValue unless a JSON object; absent is ``{}``, inferred).
    """
    given = [m for m in ("TemplateName", "TemplateArn", "TemplateContent") if spec.get(m)]
    if len(given) != 1:
        raise invalid_parameter(  # inferred
            "Exactly one of TemplateName, TemplateArn or TemplateContent must be given, "
            f"got {len(given)}."
        )
    if "TemplateContent" in given:
        found = _inline(account, spec["TemplateContent"])
    else:
        found = get_template(
            region, template_name(spec.get("TemplateName"), spec.get("TemplateArn"))
        )
    text = spec.get("TemplateData")
    data = {} if text is None else parse_data(text, "InvalidParameterValue", found.name)
    return found, data


def _inline(account: Account, content: dict[str, str]) -> Template:
    # The name rule does not apply to a template that has none; the size and syntax rules do.
    checked = _content(account, "inline", content)
    checked.name = ""
    return checked


# SendBulkEmail's BulkEmailStatus for an entry refused with a v1 error code.
_STATUS = {
    "MessageRejected": "MESSAGE_REJECTED",
    "InvalidParameterValue": "INVALID_PARAMETER",
    "ConfigurationSetDoesNotExist": "CONFIGURATION_SET_NOT_FOUND",
    "ConfigurationSetSendingPausedException": "CONFIGURATION_SET_SENDING_PAUSED",
    "AccountSendingPausedException": "ACCOUNT_SENDING_PAUSED",
    "MailFromDomainNotVerifiedException": "MAIL_FROM_DOMAIN_NOT_VERIFIED",
    "TemplateDoesNotExist": "TEMPLATE_NOT_FOUND",
}


def bulk_status(error: SESError) -> str:
    """The BulkEmailStatus of an entry SES refused with ``error``."""
    if error.code == "Throttling":
        daily = error.message.startswith("Daily")
        return "ACCOUNT_DAILY_QUOTA_EXCEEDED" if daily else "ACCOUNT_THROTTLED"
    return _STATUS.get(error.code, "FAILED")


@operation("SendBulkEmail", service=V2)
def send_bulk_email(account: Account, region: Region, params: Params) -> Result:
    spec = params["DefaultContent"].get("Template")
    if not spec:
        raise invalid_parameter("DefaultContent must contain a Template.")  # inferred
    shared = v2_content.sender_params(params)
    found, default_data = resolve_template(account, region, spec)
    default_extra = v2_content.extras(spec)  # a bad header or attachment fails the whole call
    entries = [
        BulkEntry(
            entry["Destination"],
            entry.get("ReplacementEmailContent", {})
            .get("ReplacementTemplate", {})
            .get("ReplacementTemplateData"),
            entry.get("ReplacementTags", []),
            entry.get("ReplacementHeaders", ()),
        )
        for entry in params["BulkEmailEntries"]
    ]

    def extra_for(entry: BulkEntry) -> Extras | None:
        # The API reference: an entry's header replaces the template's of that name, or is added.
        if not entry.headers:
            return default_extra
        replacing = v2_content.checked_headers(list(entry.headers))
        if default_extra is None:
            return Extras(replacing, ())
        # Both lists are checked, and no name is in both: the merge needs no second check.
        names = {name.lower() for name, _ in replacing}
        kept = [h for h in default_extra.headers if h[0].lower() not in names]
        return Extras([*kept, *replacing], default_extra.attachments)

    results = send_bulk(
        account, region, shared, found, default_data, params.get("DefaultEmailTags", []),
        entries, "SendBulkEmail", service=V2, extra_for=extra_for,
    )  # fmt: skip
    return {
        "BulkEmailEntryResults": [
            {"Status": "SUCCESS", "MessageId": r}
            if isinstance(r, str)
            else {"Status": bulk_status(r), "Error": r.message}
            for r in results
        ]
    }
