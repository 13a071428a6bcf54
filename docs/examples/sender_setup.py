"""Sender setup for a small newsletter service: the SES side of "can we send yet?".

This is application code, written the way production code usually is: one SES
client for the whole process, made when the module is imported, with the region
and credentials taken from the environment.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import boto3

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

client: SESClient = boto3.client("ses")

SenderStatus = Literal["verified", "verification-requested"]


def ensure_sender_verified(address: str) -> SenderStatus:
    """Make sure SES will accept ``address`` as a sender.

    SES accepts an address if the address itself or its whole domain is
    verified. When neither is, ask SES to send the address a verification
    email and report that the sender is not ready yet.
    """
    domain = address.rpartition("@")[2]
    answer = client.get_identity_verification_attributes(Identities=[address, domain])
    attributes = answer["VerificationAttributes"]
    for identity in (address, domain):
        entry = attributes.get(identity)
        if entry is not None and entry["VerificationStatus"] == "Success":
            return "verified"
    client.verify_email_identity(EmailAddress=address)
    return "verification-requested"


def verified_senders() -> list[str]:
    """Every email address this account may send from in the client's region."""
    senders: list[str] = []
    paginator = client.get_paginator("list_identities")
    for page in paginator.paginate(IdentityType="EmailAddress", PaginationConfig={"PageSize": 50}):
        senders.extend(page["Identities"])
    return senders


def retire_sender(address: str) -> None:
    """Stop sending from ``address``: SES forgets the identity (a no-op if it never knew it)."""
    client.delete_identity(Identity=address)


def remaining_daily_quota() -> float:
    """How many more recipients SES accepts in the current 24-hour window (``inf``: no limit)."""
    quota = client.get_send_quota()
    if quota["Max24HourSend"] < 0:  # SES reports -1 for an unlimited account
        return math.inf
    return max(quota["Max24HourSend"] - quota["SentLast24Hours"], 0.0)


def send_interval() -> float:
    """Seconds to wait between two single-recipient sends to stay under SES's rate."""
    rate = client.get_send_quota()["MaxSendRate"]
    return 0.0 if rate < 0 else 1.0 / rate
