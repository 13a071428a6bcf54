"""Settings of one fake: the ``Settings`` class, built on the checks in ``_options``.

The same names serve ``mock_ses(**settings)``, ``@pytest.mark.ses(**settings)``
and the ini options ``ses_<name>``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

from pytest_ses._options import (
    DEFAULT_MAX_24_HOUR_SEND,
    DEFAULT_MAX_SEND_RATE,
    DEFAULT_REGION,
    HELP,
    NAMES,
    SANDBOX_MAX_24_HOUR_SEND,
    SANDBOX_MAX_SEND_RATE,
    WILDCARD,
    check,
    parse_ini,
)

__all__ = ["HELP", "NAMES", "WILDCARD", "Settings", "parse_ini"]


@dataclasses.dataclass(frozen=True)
class Settings:
    """How one fake SES behaves. Build it with :meth:`from_mapping`."""

    region: str = DEFAULT_REGION
    verified_identities: str | tuple[str, ...] = WILDCARD
    sandbox: bool = False
    max_24_hour_send: float | None = None
    max_send_rate: float | None = None
    throttle_api: bool = False
    virtual_sleep: bool = False
    django_backend: bool = True

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return NAMES

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Settings:
        """Check names and types; a misspelt name is an error listing the valid ones."""
        return cls(**check(values))

    def merged(self, values: Mapping[str, Any]) -> Settings:
        """These settings with ``values`` laid over them (checked the same way)."""
        if not values:  # most tests have no marker: these settings, checked once already
            return self
        base = {name: getattr(self, name) for name in NAMES}
        base.update(values)
        return Settings.from_mapping(base)

    @functools.cached_property
    def quota(self) -> tuple[float, float]:
        """(max_24_hour_send, max_send_rate) after sandbox defaults are applied."""
        day = self.max_24_hour_send
        rate = self.max_send_rate
        if day is None:
            day = SANDBOX_MAX_24_HOUR_SEND if self.sandbox else DEFAULT_MAX_24_HOUR_SEND
        if rate is None:
            rate = SANDBOX_MAX_SEND_RATE if self.sandbox else DEFAULT_MAX_SEND_RATE
        return day, rate
