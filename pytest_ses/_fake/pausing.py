"""Pausing: sending switched off for a region's account or for one configuration set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_ses._errors import SESError
from pytest_ses._fake.configsets import get_set
from pytest_ses._fake.registry import Params, Result, operation

if TYPE_CHECKING:
    from pytest_ses._fake.account import Account, Region


def check_sending_enabled(region: Region, configuration_set: str | None) -> None:
    """Refuse a send while the set or the account is paused (after the set is known to exist)."""
    if configuration_set is not None and not get_set(region, configuration_set).sending_enabled:
        raise SESError(
            "ConfigurationSetSendingPausedException",
            f"Sending is paused for configuration set {configuration_set}",
            fields={"ConfigurationSetName": configuration_set},
        )
    if not region.sending_enabled:
        # SES's wording for this code is not published; this one is ours.
        raise SESError(
            "AccountSendingPausedException",
            f"Sending is paused for this account in region {region.name}.",
        )


@operation("GetAccountSendingEnabled")
def get_account_sending_enabled(account: Account, region: Region, params: Params) -> Result:
    return {"Enabled": region.sending_enabled}


@operation("UpdateAccountSendingEnabled")
def update_account_sending_enabled(account: Account, region: Region, params: Params) -> Result:
    set_account_sending(region, params.get("Enabled"))
    return {}


def set_account_sending(region: Region, enabled: bool | None) -> None:
    """Pause or resume the region's sending, for v1 and v2 sends alike."""
    # Both APIs' models make the flag optional; SES reads a missing value as false.
    region.sending_enabled = bool(enabled)


@operation("UpdateConfigurationSetSendingEnabled")
def update_configuration_set_sending_enabled(
    account: Account, region: Region, params: Params
) -> Result:
    get_set(region, params["ConfigurationSetName"]).sending_enabled = bool(params["Enabled"])
    return {}
