"""SES API v2 identity operations over the identities v1 verifies (one store, two APIs).

An identity made here is the one v1 lists, and the other way round; as with
v1's Verify* operations, verification completes at once.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pytest_ses._errors import SESError
from pytest_ses._fake.account import add_identity, check_domain, check_email
from pytest_ses._fake.configsets import get_set
from pytest_ses._fake.paging import page
from pytest_ses._fake.registry import Params, Result, operation
from pytest_ses._fake.tagging import check_tags

if TYPE_CHECKING:
    from pytest_ses._fake.account import Account, Identity, Region

LIST_LIMIT = 1000
_TYPES = {"EmailAddress": "EMAIL_ADDRESS", "Domain": "DOMAIN"}
_FILTER_KEYS = ("IDENTITY_NAME_CONTAINS", "IDENTITY_TYPE", "VERIFICATION_STATUS")
_IDENTITY_TYPES = ("EMAIL_ADDRESS", "DOMAIN", "MANAGED_DOMAIN")
_STATUSES = ("PENDING", "SUCCESS", "FAILED", "TEMPORARY_FAILURE", "NOT_STARTED")
_KEY_LENGTHS = ("RSA_1024_BIT", "RSA_2048_BIT")
# What SES reports for an identity without DKIM of its own (a real answer for an address).
_NO_DKIM = {"SigningEnabled": False, "Status": "NOT_STARTED", "SigningAttributesOrigin": "AWS_SES"}


def _bad(message: str) -> SESError:
    return SESError("BadRequestException", message, status=400)


def _not_found(message: str) -> SESError:
    return SESError("NotFoundException", message, status=404)


def _find(region: Region, name: str) -> Identity:
    found = region.identities.get(name.lower())
    if found is None:
        raise _not_found(f"Identity {name} does not exist.")
    return found


@operation("CreateEmailIdentity", service="sesv2")
def create_email_identity(account: Account, region: Region, params: Params) -> Result:
    name: str = params["EmailIdentity"]
    if name.lower() in region.identities:
        raise SESError("AlreadyExistsException", f"Email identity {name} already exist.")
    is_address = "@" in name
    if is_address:
        check_email(name)
    else:
        check_domain(name)
    signing = params.get("DkimSigningAttributes")
    if signing is not None and is_address:
        raise _bad("DkimSigningAttributes can be specified only for a domain identity.")
    dkim = _dkim_setup(account, signing or {}) if not is_address else {}
    set_name = params.get("ConfigurationSetName") or None
    if set_name is not None:
        get_set(region, set_name)  # a missing set fails the call before anything is made
    tags = check_tags(params.get("Tags", ()))
    add_identity(region, name)
    identity = region.identities[name.lower()]
    identity.dkim = dkim
    identity.default_configuration_set = set_name
    if set_name is not None:
        region.has_default_sets = True  # sends naming no set look it up from now on
    identity.tags = tags
    result: Result = {"IdentityType": _TYPES[identity.kind], "VerifiedForSendingStatus": True}
    if not is_address:  # SES answers an address's creation without DkimAttributes
        result["DkimAttributes"] = _dkim_attributes(region, identity)
    return result


def _dkim_setup(account: Account, signing: dict[str, Any]) -> dict[str, Any]:
    """A new domain's DKIM: Easy DKIM unless the request brings its own key (BYODKIM)."""
    selector = signing.get("DomainSigningSelector")
    key = signing.get("DomainSigningPrivateKey")
    origin = signing.get("DomainSigningAttributesOrigin") or (
        "EXTERNAL" if selector or key else "AWS_SES"
    )
    if origin == "EXTERNAL":
        if not selector or not key:
            raise _bad(
                "DomainSigningSelector and DomainSigningPrivateKey are both required "
                "for Bring Your Own DKIM."
            )
        return {"origin": origin, "selector": selector}
    length = signing.get("NextSigningKeyLength") or "RSA_2048_BIT"
    if length not in _KEY_LENGTHS:
        raise _bad(f"Invalid NextSigningKeyLength {length}: expected one of {_KEY_LENGTHS}.")
    return {"origin": origin, "key_length": length, "generated": account.clock.now()}


def _dkim_tokens(region: Region, domain: str) -> list[str]:
    # Stable per region and domain, shaped like SES's 32-character Easy DKIM tokens.
    return [
        base64.b32encode(hashlib.sha256(f"{region.name}/{domain}/dkim{n}".encode()).digest())
        .decode("ascii")[:32]
        .lower()
        for n in range(3)
    ]


def _dkim_attributes(region: Region, identity: Identity) -> dict[str, Any]:
    """DkimAttributes: an address reports its domain's DKIM when the domain is an identity."""
    owner = identity
    if identity.kind == "EmailAddress":
        owner = region.identities.get(identity.name.rpartition("@")[2].lower()) or identity
    dkim = owner.dkim
    if not dkim:
        length = "RSA_1024_BIT" if identity.kind == "EmailAddress" else "RSA_2048_BIT"
        return {**_NO_DKIM, "NextSigningKeyLength": length}
    if dkim["origin"] == "EXTERNAL":
        return {
            "SigningEnabled": True,
            "Status": "SUCCESS",
            "Tokens": [dkim["selector"]],
            "SigningAttributesOrigin": "EXTERNAL",
        }
    return {
        "SigningEnabled": True,
        "Status": "SUCCESS",  # verified at once, like the identity itself
        "Tokens": _dkim_tokens(region, owner.name),
        "SigningAttributesOrigin": dkim["origin"],
        "NextSigningKeyLength": dkim["key_length"],
        "CurrentSigningKeyLength": dkim["key_length"],
        "LastKeyGenerationTimestamp": dkim["generated"],
    }


@operation("GetEmailIdentity", service="sesv2")
def get_email_identity(account: Account, region: Region, params: Params) -> Result:
    identity = _find(region, params["EmailIdentity"])
    result: Result = {
        "IdentityType": _TYPES[identity.kind],
        "FeedbackForwardingStatus": identity.feedback_forwarding,
        "VerifiedForSendingStatus": True,
        "DkimAttributes": _dkim_attributes(region, identity),
        "MailFromAttributes": {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"},
        "Policies": {},
        "Tags": [{"Key": key, "Value": value} for key, value in identity.tags.items()],
        "VerificationStatus": "SUCCESS",
        "VerificationInfo": {},
    }
    if identity.default_configuration_set is not None:
        result["ConfigurationSetName"] = identity.default_configuration_set
    return result


@operation("ListEmailIdentities", service="sesv2")
def list_email_identities(account: Account, region: Region, params: Params) -> Result:
    wanted = _filter(params.get("Filter") or {})
    size = params.get("PageSize")
    if size is not None and not 0 <= size <= LIST_LIMIT:
        raise _bad(f"PageSize must be between 0 and {LIST_LIMIT}, got {size}.")
    infos = {
        identity.name: {
            "IdentityType": _TYPES[identity.kind],
            "IdentityName": identity.name,
            "SendingEnabled": True,
            "VerificationStatus": "SUCCESS",
        }
        for identity in region.identities.values()
    }
    names = sorted(name for name, info in infos.items() if wanted(info))
    # 0 is allowed by the model; it asks for the default page, as an absent size does.
    chunk, token = page(names, params.get("NextToken"), size or None, limit=LIST_LIMIT)
    result: Result = {"EmailIdentities": [infos[name] for name in chunk]}
    if token:
        result["NextToken"] = token
    return result


def _filter(given: dict[str, str]) -> Callable[[dict[str, Any]], bool]:
    """A predicate over IdentityInfo entries for ListEmailIdentities' Filter."""
    for key, value in given.items():
        if key not in _FILTER_KEYS:
            raise _bad(f"Invalid filter key {key}: expected one of {', '.join(_FILTER_KEYS)}.")
        allowed = {"IDENTITY_TYPE": _IDENTITY_TYPES, "VERIFICATION_STATUS": _STATUSES}.get(key)
        if allowed is not None and value not in allowed:
            raise _bad(f"Invalid value {value} for {key}: expected one of {', '.join(allowed)}.")
    contains = given.get("IDENTITY_NAME_CONTAINS", "").lower()
    kind = given.get("IDENTITY_TYPE")
    status = given.get("VERIFICATION_STATUS")

    def wanted(info: dict[str, Any]) -> bool:
        return (
            contains in info["IdentityName"].lower()
            and kind in (None, info["IdentityType"])
            and status in (None, info["VerificationStatus"])
        )

    return wanted


@operation("DeleteEmailIdentity", service="sesv2")
def delete_email_identity(account: Account, region: Region, params: Params) -> Result:
    name = params["EmailIdentity"]
    if region.identities.pop(name.lower(), None) is None:
        raise _not_found(f"Email identity {name} does not exist.")
    return {}


@operation("PutEmailIdentityConfigurationSetAttributes", service="sesv2")
def put_email_identity_configuration_set_attributes(
    account: Account, region: Region, params: Params
) -> Result:
    identity = _find(region, params["EmailIdentity"])
    set_name = params.get("ConfigurationSetName") or None  # absent or empty: no default
    if set_name is not None:
        get_set(region, set_name)
        region.has_default_sets = True  # sends naming no set look it up from now on
    identity.default_configuration_set = set_name
    return {}
