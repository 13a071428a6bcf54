"""Identity and quota operations: Verify*, ListIdentities, DeleteIdentity, GetSend*."""

from __future__ import annotations

from pytest_ses._errors import invalid_parameter
from pytest_ses._fake.account import (
    Account,
    Identity,
    Region,
    add_identity,
    check_domain,
    check_email,
)
from pytest_ses._fake.paging import page
from pytest_ses._fake.registry import Params, Result, operation
from pytest_ses._settings import WILDCARD

IDENTITY_TYPES = ("EmailAddress", "Domain")
LIST_LIMIT = 1000
MAX_ATTRIBUTE_QUERY = 100


def is_verified(account: Account, region: Region, address_or_domain: str) -> bool:
    """SES's rule: an address is verified if it, or its domain, is a verified identity."""
    if account.settings.verified_identities == WILDCARD:
        return True
    wanted = address_or_domain.strip().lower()
    domain = wanted.rpartition("@")[2]
    return wanted in region.identities or domain in region.identities


@operation("VerifyEmailIdentity")
def verify_email_identity(account: Account, region: Region, params: Params) -> Result:
    add_identity(region, check_email(params["EmailAddress"]))
    return {}


@operation("VerifyEmailAddress")
def verify_email_address(account: Account, region: Region, params: Params) -> Result:
    add_identity(region, check_email(params["EmailAddress"]))
    return {}


@operation("VerifyDomainIdentity")
def verify_domain_identity(account: Account, region: Region, params: Params) -> Result:
    domain = check_domain(params["Domain"])
    add_identity(region, domain)
    return {"VerificationToken": region.identities[domain.lower()].token}


@operation("ListIdentities")
def list_identities(account: Account, region: Region, params: Params) -> Result:
    kind = params.get("IdentityType")
    if kind is not None and kind not in IDENTITY_TYPES:
        raise invalid_parameter(
            f"Invalid IdentityType {kind!r}: expected one of {', '.join(IDENTITY_TYPES)}."
        )
    names = sorted(i.name for i in region.identities.values() if kind in (None, i.kind))
    chunk, token = page(names, params.get("NextToken"), params.get("MaxItems"), limit=LIST_LIMIT)
    result: Result = {"Identities": chunk}
    if token:
        result["NextToken"] = token
    return result


@operation("ListVerifiedEmailAddresses")
def list_verified_email_addresses(account: Account, region: Region, params: Params) -> Result:
    return {
        "VerifiedEmailAddresses": sorted(
            i.name for i in region.identities.values() if i.kind == "EmailAddress"
        )
    }


@operation("DeleteIdentity")
def delete_identity(account: Account, region: Region, params: Params) -> Result:
    # SES answers success for an identity it does not have.
    region.identities.pop(params["Identity"].lower(), None)
    return {}


@operation("DeleteVerifiedEmailAddress")
def delete_verified_email_address(account: Account, region: Region, params: Params) -> Result:
    identity = region.identities.get(params["EmailAddress"].lower())
    if identity is not None and identity.kind == "EmailAddress":  # never a domain
        del region.identities[identity.name.lower()]
    return {}


@operation("GetIdentityVerificationAttributes")
def get_identity_verification_attributes(
    account: Account, region: Region, params: Params
) -> Result:
    attributes = {}
    for name, identity in known_identities(region, params["Identities"]):
        entry = {"VerificationStatus": "Success"}
        if identity.token:
            entry["VerificationToken"] = identity.token
        attributes[name] = entry
    return {"VerificationAttributes": attributes}


def known_identities(region: Region, wanted: list[str]) -> list[tuple[str, Identity]]:
    """The identities of ``wanted`` that exist, by the name asked for (an attributes query)."""
    if len(wanted) > MAX_ATTRIBUTE_QUERY:
        raise invalid_parameter(
            f"At most {MAX_ATTRIBUTE_QUERY} identities can be requested at once, got {len(wanted)}."
        )
    # SES leaves out identities it does not know.
    return [(name, found) for name in wanted if (found := region.identities.get(name.lower()))]


def send_quota(account: Account, region: Region) -> Result:
    """The region's quota and use: v1 GetSendQuota's answer, and v2 GetAccount's SendQuota."""
    day, rate = account.settings.quota
    return {
        "Max24HourSend": day,
        "MaxSendRate": rate,
        "SentLast24Hours": float(region.sends.sent_last_24_hours(account.clock.time())),
    }


@operation("GetSendQuota")
def get_send_quota(account: Account, region: Region, params: Params) -> Result:
    return send_quota(account, region)


@operation("GetSendStatistics")
def get_send_statistics(account: Account, region: Region, params: Params) -> Result:
    return {"SendDataPoints": region.sends.data_points(account.clock.time())}
