"""Stored email templates (API v1 operations) and the templated sends.

The store and its rules are functions over plain values, shared by both APIs:
one ``Region.templates`` dict serves CreateTemplate and CreateEmailTemplate
alike. Errors are raised here with v1's codes; the v2 front door translates them.

Wordings marked "inferred" are ours: SES's exact text for them is not recorded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from pytest_ses._errors import SESError, invalid_parameter
from pytest_ses._fake import mime, render
from pytest_ses._fake.account import RenderFailure, Template
from pytest_ses._fake.message import SentMessage
from pytest_ses._fake.outcomes import rendering_failure
from pytest_ses._fake.paging import page
from pytest_ses._fake.pausing import check_sending_enabled
from pytest_ses._fake.registry import Params, Result, operation
from pytest_ses._fake.sending import (
    Content,
    Extras,
    check_senders_verified,
    send_content,
    sender_addresses,
)
from pytest_ses._fake.tags import check_tags
from pytest_ses._fake.validation import NameRule

if TYPE_CHECKING:
    from pytest_ses._fake.account import Account, Region

MAX_TEMPLATES = 10_000  # per region, SES's v1 quota
MAX_TEMPLATE_BYTES = 500 * 1024  # subject, text and HTML together
MAX_BULK_DESTINATIONS = 50
LIST_DEFAULT, LIST_LIMIT = 10, 100  # ListTemplates' page: SES's default and its cap
TEMPLATE_NAME = NameRule("Template name", "_-", 64)


def _missing(name: str) -> SESError:
    return SESError(
        "TemplateDoesNotExist",
        f"Template {name} does not exist.",  # inferred
        fields={"TemplateName": name},
    )


def get_template(region: Region, name: str) -> Template:
    """The template ``name``, or SES's TemplateDoesNotExist error."""
    found = region.templates.get(name)
    if found is None:
        raise _missing(name)
    return found


def checked_template(
    name: str, subject: str | None, text: str | None, html: str | None, now: dt.datetime
) -> Template:
    """A template from its parts, after SES's name, size and syntax checks."""
    problem = TEMPLATE_NAME.problem(name)
    if problem:
        raise invalid_parameter(problem)
    size = sum(len(part.encode("utf-8")) for part in (subject, text, html) if part)
    if size > MAX_TEMPLATE_BYTES:
        raise invalid_parameter(  # inferred
            f"Template {name} is {size} bytes long; the maximum is {MAX_TEMPLATE_BYTES} bytes."
        )
    for part in (subject, text, html):
        if part:
            try:
                render.compile_template(part)
            except render.TemplateSyntaxError as exc:
                raise SESError("InvalidTemplate", str(exc), fields={"TemplateName": name}) from None
    return Template(name, subject, text, html, now)


def create_template(region: Region, template: Template) -> None:
    if template.name in region.templates:
        raise SESError(
            "AlreadyExists",
            f"Template {template.name} already exists.",  # inferred
            fields={"Name": template.name},
        )
    if len(region.templates) >= MAX_TEMPLATES:
        raise SESError("LimitExceeded", f"Maximum number of templates ({MAX_TEMPLATES}) reached.")
    region.templates[template.name] = template


def update_template(region: Region, template: Template) -> None:
    previous = get_template(region, template.name)
    region.templates[template.name] = dataclasses.replace(
        template, created=previous.created, tags=previous.tags
    )


def list_names(region: Region, next_token: str | None, size: int) -> tuple[list[str], str | None]:
    """One page of the region's template names, in order, and the next page's token."""
    return page(sorted(region.templates), next_token, size, limit=LIST_LIMIT)


def rendered_mime(template: Template, data: Any) -> str:
    """What TestRenderTemplate answers: the rendered parts as a MIME message."""
    subject, _, text, html = render_template(template, data)
    headers = [("Subject", mime.encode_header_text(subject, "UTF-8"))]
    return mime.build(headers, text, html).decode("ascii")


def parse_data(text: str, code: str, name: str) -> Any:
    """TemplateData as JSON; SES wants an object. ``code`` is the error to raise otherwise."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise SESError(  # inferred wording
            code, f"Template data for template {name} is not a valid JSON object: {text[:100]!r}."
        )
    return data


def render_template(template: Template, data: Any) -> Content:
    """The template's parts rendered with ``data``; MissingRenderingAttribute if data lacks one."""
    try:
        return Content(
            render.render(template.subject, data) if template.subject else "",
            "UTF-8",
            (render.render(template.text, data), "UTF-8") if template.text else None,
            (render.render(template.html, data), "UTF-8") if template.html else None,
        )
    except render.MissingVariable as exc:
        raise SESError(
            "MissingRenderingAttribute",
            f"Attribute '{exc.path}' is not present in the rendering data.",
            fields={"TemplateName": template.name},
        ) from None
    except render.TemplateSyntaxError as exc:  # a self-including partial, found at render time
        raise SESError(
            "InvalidTemplate", str(exc), fields={"TemplateName": template.name}
        ) from None


def _template_params(account: Account, params: Params) -> Template:
    given = params["Template"]
    return checked_template(
        given["TemplateName"],
        given.get("SubjectPart"),
        given.get("TextPart"),
        given.get("HtmlPart"),
        account.clock.now(),
    )


@operation("CreateTemplate")
def create(account: Account, region: Region, params: Params) -> Result:
    create_template(region, _template_params(account, params))
    return {}


@operation("UpdateTemplate")
def update(account: Account, region: Region, params: Params) -> Result:
    update_template(region, _template_params(account, params))
    return {}


@operation("GetTemplate")
def get(account: Account, region: Region, params: Params) -> Result:
    found = get_template(region, params["TemplateName"])
    result: dict[str, str] = {"TemplateName": found.name}
    for member, value in (
        ("SubjectPart", found.subject), ("TextPart", found.text), ("HtmlPart", found.html)
    ):  # fmt: skip
        if value is not None:
            result[member] = value
    return {"Template": result}


@operation("DeleteTemplate")
def delete(account: Account, region: Region, params: Params) -> Result:
    region.templates.pop(params["TemplateName"], None)  # SES answers alike for an unknown name
    return {}


@operation("ListTemplates")
def list_templates(account: Account, region: Region, params: Params) -> Result:
    wanted = params.get("MaxItems")
    size = LIST_DEFAULT if wanted is None else min(wanted, LIST_LIMIT)  # SES caps, not refuses
    chunk, token = list_names(region, params.get("NextToken"), size)
    result: Result = {
        "TemplatesMetadata": [
            {"Name": name, "CreatedTimestamp": region.templates[name].created} for name in chunk
        ]
    }
    if token:
        result["NextToken"] = token
    return result


@operation("TestRenderTemplate")
def test_render(account: Account, region: Region, params: Params) -> Result:
    found = get_template(region, params["TemplateName"])
    data = parse_data(params["TemplateData"], "InvalidRenderingParameter", found.name)
    return {"RenderedTemplate": rendered_mime(found, data)}


# -- sending -----------------------------------------------------------------------------------


def template_name(name: str | None, arn: str | None) -> str:
    """The template a send names, by ``name`` or else by its ARN (``...:template/<name>``)."""
    if name:
        return name
    arn = arn or ""
    return arn.rpartition("template/")[2] if "template/" in arn else arn


def _template_name(params: Params) -> str:
    return template_name(params.get("Template"), params.get("TemplateArn"))


def send_templated(
    account: Account,
    region: Region,
    params: Params,
    operation: str,
    found: Template,
    data: Any,
    service: str = "ses",
    extra: Extras | None = None,
) -> Result:
    """Render ``found`` with ``data`` and send it with SendEmail's addressing members of ``params``.

    A render failure is accepted (a MessageId) but nothing is delivered: SES
    publishes a Rendering Failure event instead. ``service`` and ``extra`` as for
    ``send_content``.
    """
    try:
        content: Content | None = render_template(found, data)
        error = ""
    except SESError as exc:
        content, error = None, exc.message

    def failed(message: SentMessage) -> None:
        account.render_failures.append(
            RenderFailure(message.message_id, found.name, data, error, message)
        )
        rendering_failure(account, region, message, error, found.name)

    # An inline template (v2's TemplateContent) has no name to report.
    named = (found.name or None, data)
    return send_content(account, region, params, operation, content, failed, named, service, extra)


@operation("SendTemplatedEmail")
def send_templated_email(account: Account, region: Region, params: Params) -> Result:
    found = get_template(region, _template_name(params))
    data = parse_data(params["TemplateData"], "InvalidParameterValue", found.name)
    return send_templated(account, region, params, "SendTemplatedEmail", found, data)


class BulkEntry(NamedTuple):
    """One destination of a bulk send, API-neutral."""

    destination: dict[str, Any]
    data: str | None  # replacement TemplateData (JSON), overlaid on the default data
    tags: list[dict[str, str]]  # replacement tags, overlaid on the default tags
    headers: Sequence[dict[str, str]] = ()  # API v2's ReplacementHeaders, as given


def send_bulk(
    account: Account,
    region: Region,
    params: Params,
    found: Template,
    default_data: dict[str, Any],
    default_tags: list[dict[str, str]],
    entries: list[BulkEntry],
    operation: str,
    service: str = "ses",
    extra_for: Callable[[BulkEntry], Extras | None] | None = None,
) -> list[str | SESError]:
    """A templated send per entry: its MessageId, or the SES error that refused that entry alone.

    ``params`` holds the SendEmail-shaped members every entry shares (Source,
    ReplyToAddresses, ReturnPath, their ARNs, ConfigurationSetName). What is
    the same for every entry (the sender, the entry count, the default tags,
    the configuration set, pausing, the sender's verification) fails the whole
    call, as one error; each entry's own problems (its addresses, its data, a
    recipient not verified in the sandbox, the quota and the rate) become its
    result. ``extra_for`` gives an entry's custom headers and attachments (API v2).
    """
    senders = sender_addresses(params)
    if not entries or len(entries) > MAX_BULK_DESTINATIONS:
        label = "Destinations" if service == "ses" else "BulkEmailEntries"
        raise invalid_parameter(  # inferred
            f"{label} must hold 1 to {MAX_BULK_DESTINATIONS} entries, got {len(entries)}."
        )
    tags = check_tags(default_tags)
    check_sending_enabled(region, params.get("ConfigurationSetName"))
    check_senders_verified(account, region, senders)
    results: list[str | SESError] = []
    for entry in entries:
        try:
            data = default_data
            if entry.data:
                replacement = parse_data(entry.data, "InvalidParameterValue", found.name)
                data = {**default_data, **replacement}  # inferred: top-level keys override
            one = {**params, "Destination": entry.destination}
            merged = {**tags, **check_tags(entry.tags)}
            if merged:
                one["Tags"] = [{"Name": k, "Value": v} for k, v in merged.items()]
            extra = extra_for(entry) if extra_for is not None else None
            sent = send_templated(account, region, one, operation, found, data, service, extra)
        except SESError as exc:
            results.append(exc)
            continue
        results.append(sent["MessageId"])
    return results


def bulk_status(error: SESError) -> str:
    """The v1 status of an entry refused with ``error`` (the code SES would have raised alone)."""
    status = _BULK_STATUS.get(error.code)
    if status is not None:
        return status
    if error.code == "Throttling":
        return (
            "AccountDailyQuotaExceeded" if error.message.startswith("Daily") else "AccountThrottled"
        )
    return "Failed"


# A bulk destination's failure, by the SES error it would have raised alone.
_BULK_STATUS = {
    "MessageRejected": "MessageRejected",
    "InvalidParameterValue": "InvalidParameterValue",
    "ConfigurationSetDoesNotExist": "ConfigurationSetDoesNotExist",
    "ConfigurationSetSendingPausedException": "ConfigurationSetSendingPaused",
    "AccountSendingPausedException": "AccountSendingPaused",
}


@operation("SendBulkTemplatedEmail")
def send_bulk_templated_email(account: Account, region: Region, params: Params) -> Result:
    found = get_template(region, _template_name(params))
    default_data = parse_data(params["DefaultTemplateData"], "InvalidParameterValue", found.name)
    shared = {
        k: v
        for k, v in params.items()
        if k
        not in ("Destinations", "DefaultTags", "Template", "TemplateArn", "DefaultTemplateData")
    }
    entries = [
        BulkEntry(d["Destination"], d.get("ReplacementTemplateData"), d.get("ReplacementTags", []))
        for d in params["Destinations"]
    ]
    results = send_bulk(
        account, region, shared, found, default_data, params.get("DefaultTags", []), entries,
        "SendBulkTemplatedEmail",
    )  # fmt: skip
    return {
        "Status": [
            {"Status": "Success", "MessageId": r}
            if isinstance(r, str)
            else {"Status": bulk_status(r), "Error": r.message}
            for r in results
        ]
    }
