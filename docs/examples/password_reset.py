"""Application code: the password-reset mail of a web shop.

The SES client is made on first use and kept, as many applications do; the
fake answers it whichever test made it.
"""

from __future__ import annotations

import functools
import html
import secrets
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

SENDER = "Acme Accounts <accounts@acme.example>"
CONFIGURATION_SET = "transactional"
BASE_URL = "https://shop.acme.example"


class ResetMailError(Exception):
    """The reset mail could not be sent; the user should try again later."""


@functools.cache
def ses_client() -> SESClient:
    return boto3.client("ses", region_name="eu-west-1")


def send_password_reset(address: str, name: str) -> str:
    """Mail ``address`` a one-time reset link; returns the token the link carries."""
    token = secrets.token_urlsafe(24)
    link = f"{BASE_URL}/account/reset?token={token}"
    text = f"Hello {name},\n\nReset your password here: {link}\n\nThe link works for one hour."
    body = (
        f"<p>Hello {html.escape(name)},</p>"
        f'<p><a href="{html.escape(link)}">Reset your password</a></p>'
        "<p>The link works for one hour.</p>"
    )
    try:
        ses_client().send_email(
            Source=SENDER,
            Destination={"ToAddresses": [address]},
            Message={
                "Subject": {"Data": "Reset your Acme password", "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text}, "Html": {"Data": body}},
            },
            ConfigurationSetName=CONFIGURATION_SET,
            Tags=[{"Name": "category", "Value": "password-reset"}],
        )
    except ClientError as exc:
        # Throttling has already been retried by botocore when it gets here.
        raise ResetMailError(exc.response["Error"]["Message"]) from exc
    return token


def set_up_sending() -> None:
    """One-time account set-up, run by the deployment: the configuration set mail goes through."""
    client = ses_client()
    existing = client.list_configuration_sets()["ConfigurationSets"]
    if CONFIGURATION_SET not in [entry["Name"] for entry in existing]:
        client.create_configuration_set(ConfigurationSet={"Name": CONFIGURATION_SET})
