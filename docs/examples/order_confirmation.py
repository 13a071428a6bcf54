"""Application code: a shop's order confirmation, sent from a stored SES template.

The template lives in SES, stored once by the deployment (``set_up_sending``),
which also has SES report templates it could not render to an SNS topic; each
order sends only its data, as JSON.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

SENDER = "Acme Orders <orders@acme.example>"
CONFIGURATION_SET = "orders"
FAILURES_TOPIC = "arn:aws:sns:eu-west-1:123456789012:mail-failures"
TEMPLATE = {
    "TemplateName": "OrderConfirmation",
    "SubjectPart": "Your Acme order {{order.number}}",
    "TextPart": (
        "Hello {{customer.name}},\n"
        "{{#each order.lines}}\n"
        "- {{quantity}} x {{title}}: {{price}}\n"
        "{{/each}}\n"
        "Total: {{order.total}}\n"
    ),
    "HtmlPart": (
        '{{#* inline "line"}}<tr><td>{{quantity}}</td><td>{{title}}</td>'
        "<td>{{price}}</td></tr>{{/inline}}"
        "<p>Hello {{customer.name}},</p>"
        "<table>{{#each order.lines}}{{> line}}{{/each}}</table>"
        "<p>Total: <b>{{order.total}}</b></p>"
        "{{#if order.gift}}<p>Gift wrapped, with your note: {{order.gift.note}}</p>{{/if}}"
    ),
}


@functools.cache
def ses_client() -> SESClient:
    return boto3.client("ses", region_name="eu-west-1")


def set_up_sending() -> None:
    """Deployment step: the configuration set, and the template (updated if it exists)."""
    client = ses_client()
    sets = [s["Name"] for s in client.list_configuration_sets()["ConfigurationSets"]]
    if CONFIGURATION_SET not in sets:
        client.create_configuration_set(ConfigurationSet={"Name": CONFIGURATION_SET})
        client.create_configuration_set_event_destination(
            ConfigurationSetName=CONFIGURATION_SET,
            EventDestination={
                "Name": "render-failures",
                "Enabled": True,
                "MatchingEventTypes": ["renderingFailure"],
                "SNSDestination": {"TopicARN": FAILURES_TOPIC},
            },
        )
    names = [t["Name"] for t in client.list_templates()["TemplatesMetadata"]]
    if TEMPLATE["TemplateName"] in names:
        client.update_template(Template=TEMPLATE)  # type: ignore[arg-type]
    else:
        client.create_template(Template=TEMPLATE)  # type: ignore[arg-type]


def confirm_order(address: str, customer: dict[str, Any], order: dict[str, Any]) -> str:
    """Mail the confirmation of ``order``; returns SES's message id."""
    response = ses_client().send_templated_email(
        Source=SENDER,
        Destination={"ToAddresses": [address]},
        Template=TEMPLATE["TemplateName"],
        TemplateData=json.dumps({"customer": customer, "order": order}),
        ConfigurationSetName=CONFIGURATION_SET,
    )
    return response["MessageId"]
