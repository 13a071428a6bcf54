"""SES API v2 account operations: GetAccount and the account-level sending settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_ses._fake.identities import send_quota
from pytest_ses._fake.pausing import set_account_sending
from pytest_ses._fake.registry import Params, Result, operation

if TYPE_CHECKING:
    from pytest_ses._fake.account import Account, Region


@operation("GetAccount", service="sesv2")
def get_account(account: Account, region: Region, params: Params) -> Result:
    # What a fresh account reports: no Details (production access was never asked for
    # through the API), no VdmAttributes and no pricing or delivery attributes.
    return {
        "DedicatedIpAutoWarmupEnabled": False,
        "EnforcementStatus": "HEALTHY",
        "ProductionAccessEnabled": not account.settings.sandbox,
        "SendQuota": send_quota(account, region),
        "SendingEnabled": region.sending_enabled,
        "SuppressionAttributes": {"SuppressedReasons": list(region.suppressed_reasons)},
    }


@operation("PutAccountSendingAttributes", service="sesv2")
def put_account_sending_attributes(account: Account, region: Region, params: Params) -> Result:
    set_account_sending(region, params.get("SendingEnabled"))
    return {}
