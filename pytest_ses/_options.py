"""The settings' names, help texts and checks, without the ``Settings`` class.

The plugin reads the ``ses_*`` ini options at start-up through this module
alone, so that a run in which no test uses ``ses`` never creates the
dataclass (creating one compiles its generated methods). ``_settings`` builds
``Settings`` on top of these checks, so both paths check values alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

WILDCARD = "*"

# SES's figures for a new account in the sandbox, and the plugin's defaults outside it.
SANDBOX_MAX_24_HOUR_SEND = 200.0
SANDBOX_MAX_SEND_RATE = 1.0
DEFAULT_MAX_24_HOUR_SEND = 50000.0
DEFAULT_MAX_SEND_RATE = 14.0

DEFAULT_REGION = "us-east-1"

HELP = {
    "region": "region used when a client names none (default: us-east-1)",
    "verified_identities": (
        "identities SES treats as verified: '*' (default) for all, or a list of "
        "addresses and domains, which makes verification strict"
    ),
    "sandbox": (
        "apply SES sandbox rules: 200/day, 1/s, and recipients must be verified when "
        "verified_identities is a list (default: false)"
    ),
    "max_24_hour_send": "recipients allowed per 24 hours; -1 for unlimited (default: 50000)",
    "max_send_rate": "recipients allowed per second; -1 for unlimited (default: 14)",
    "throttle_api": (
        "throttle non-send operations at 1 request per virtual second per region, "
        "as SES does (default: false)"
    ),
    "virtual_sleep": (
        "while the fake is active, time.sleep() in the thread that started it advances the "
        "fake's virtual clock instead of sleeping (default: false)"
    ),
    "django_backend": (
        "when Django's test environment swapped a django-ses EMAIL_BACKEND for locmem, "
        "put django-ses back for tests that use ses (default: true)"
    ),
}

# The settings in the order of the fields of Settings (a test checks they agree).
NAMES = tuple(HELP)


def check(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check names and types; a misspelt name is an error listing the valid ones."""
    unknown = sorted(set(values) - set(NAMES))
    if unknown:
        raise TypeError(
            f"unknown pytest-ses setting(s) {', '.join(map(repr, unknown))}; "
            f"valid settings are: {', '.join(NAMES)}"
        )
    return {name: _CHECKS[name](name, value) for name, value in values.items()}


def parse_ini(name: str, raw: str | list[str]) -> Any:
    """Turn an ini value (a string, or lines for linelist options) into a setting value."""
    if name == "verified_identities":
        lines = [raw] if isinstance(raw, str) else raw
        items = [item for line in lines for item in line.replace(",", " ").split()]
        return WILDCARD if items == [WILDCARD] else tuple(items)
    assert isinstance(raw, str)
    if name in _BOOLEANS:
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"ses_{name}: expected true or false, got {raw!r}")
    if name in ("max_24_hour_send", "max_send_rate"):
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"ses_{name}: expected a number, got {raw!r}") from None
    return raw.strip()


_BOOLEANS = ("sandbox", "throttle_api", "virtual_sleep", "django_backend")


def _region(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value or not value.replace("-", "").isalnum():
        raise ValueError(f"{name}: expected a region name such as 'eu-west-1', got {value!r}")
    return value


def _identities(name: str, value: Any) -> str | tuple[str, ...]:
    if value == WILDCARD:
        return WILDCARD
    if isinstance(value, str):
        raise ValueError(
            f"{name}: expected '*' or a list of identities, got the string {value!r}; "
            f"write [{value!r}] for a single identity"
        )
    if not isinstance(value, Iterable):
        raise ValueError(f"{name}: expected '*' or a list of identities, got {value!r}")
    items = tuple(value)
    bad = [item for item in items if not isinstance(item, str) or not item]
    if bad:
        raise ValueError(f"{name}: identities must be non-empty strings, got {bad!r}")
    return items


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name}: expected True or False, got {value!r}")
    return value


def _quota(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}: expected a number, got {value!r}")
    number = float(value)
    if math.isnan(number) or (number < 0 and number != -1):
        raise ValueError(f"{name}: expected a positive number or -1 (unlimited), got {value!r}")
    return number


_CHECKS = {
    "region": _region,
    "verified_identities": _identities,
    "sandbox": _bool,
    "max_24_hour_send": _quota,
    "max_send_rate": _quota,
    "throttle_api": _bool,
    "virtual_sleep": _bool,
    "django_backend": _bool,
}
