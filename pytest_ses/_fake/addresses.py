"""Email addresses as SES reads them: 7-bit ASCII, RFC 2047 display names, Punycode domains.

The error texts are the JavaMail ``InternetAddress`` wordings SES returns
(no trailing period), which applications sometimes match on.
"""

from __future__ import annotations

import email.errors
import email.header
import email.utils
import functools
import re
from typing import NamedTuple

from pytest_ses._errors import invalid_parameter

SIMULATOR_DOMAIN = "simulator.amazonses.com"
SIMULATOR_MAILBOXES = frozenset(("success", "bounce", "ooto", "complaint", "suppressionlist"))

# atext of RFC 5322 plus the dot that separates atoms in an unquoted local part.
_LOCAL_ATEXT = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_DOMAIN_TEXT = re.compile(r"^[A-Za-z0-9.-]+$")
# What nearly every address looks like: checked at once, the rules below explain the rest.
_PLAIN = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$"
)
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=")
# Line breaks and other controls: in a display name they would start a new header line
# of the stored message (header injection), so SES refuses them anywhere in an address.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
# A mailbox-simulator address: a simulator mailbox, before any "+label", at its domain
# (both in any case). One match, as every parsed address is checked.
_SIMULATOR = re.compile(
    "(?:" + "|".join(sorted(SIMULATOR_MAILBOXES)) + r")(?:\+.*)?@" + re.escape(SIMULATOR_DOMAIN),
    re.IGNORECASE | re.DOTALL | re.ASCII,  # as str.lower(): no other letter matches
)
_PADDING = " \t"  # what may surround an address: ASCII blanks only, never CR/LF or U+00A0
MAX_NESTING = 64  # comments or group colons in one address header
_DECODE_ERRORS = (LookupError, ValueError, email.errors.MessageError)


class Address(NamedTuple):
    """One parsed mailbox: what was written, the display name (decoded) and the addr-spec.

    A tuple rather than a dataclass: every send makes several, and a tuple is
    the cheapest immutable record to build.
    """

    original: str
    name: str
    address: str
    is_simulator: bool  # a mailbox-simulator address (``bounce+label@simulator...`` too)

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()


def _address(original: str, name: str, spec: str) -> Address:
    return Address(original, name, spec, _SIMULATOR.fullmatch(spec) is not None)


def bare(address: str) -> str:
    """The addr-spec of ``Name <addr>``, or the text itself."""
    if address.endswith(">") and "<" in address:
        return address.rpartition("<")[2][:-1].strip()
    return address


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Address:
    """Parse one address as SES does, or raise ``InvalidParameterValue`` with SES's wording.

    Cached (an Address is immutable; a refusal is not cached): tests send from
    and to the same few addresses again and again.
    """
    if _PLAIN.match(text):
        return _address(text, "", text)
    stripped = text.strip(_PADDING)
    name = ""
    spec = stripped
    if stripped.endswith(">") and "<" in stripped:
        raw_name, _, rest = stripped.rpartition("<")
        spec = rest[:-1].strip(_PADDING)
        name = _display_name(raw_name.strip(_PADDING))
    _check_spec(spec)
    return _address(text, name, spec)


def _display_name(raw: str) -> str:
    if _CONTROL.search(raw):
        # Wording inferred: SES answers InvalidParameterValue; no reply text is recorded.
        raise invalid_parameter("Display name contains control characters")
    if not raw.isascii():
        raise invalid_parameter(
            "Display names must be 7-bit ASCII; write non-ASCII names as RFC 2047 "
            "encoded-words (=?UTF-8?B?...?=)"
        )
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        raw = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if _ENCODED_WORD.search(raw):
        try:
            return str(email.header.make_header(email.header.decode_header(raw)))
        except _DECODE_ERRORS:
            raise invalid_parameter("Illegal encoded-word in display name") from None
    return raw


def _check_spec(spec: str) -> None:
    if _PLAIN.match(spec):
        return
    if "@" not in spec:
        raise invalid_parameter("Missing final '@domain'")
    local, _, domain = spec.rpartition("@")
    if not local:
        raise invalid_parameter("Missing local name")
    if not domain:
        raise invalid_parameter("Missing domain")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in domain):
        raise invalid_parameter("Domain contains control or whitespace")
    if not _valid_domain(domain):
        raise invalid_parameter("Domain contains illegal character")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in local):
        raise invalid_parameter("Local address contains control or whitespace")
    if not _valid_local(local):
        raise invalid_parameter("Local address contains illegal character")


def _valid_domain(domain: str) -> bool:
    if domain.startswith("[") and domain.endswith("]"):  # an address literal
        return domain[1:-1].replace(".", "").replace(":", "").isalnum() and domain.isascii()
    return bool(_DOMAIN_TEXT.match(domain)) and ".." not in domain and not domain.startswith(".")


def _valid_local(local: str) -> bool:
    if local.startswith('"') and local.endswith('"') and len(local) >= 2:
        return local.isascii()
    return local.isascii() and bool(_LOCAL_ATEXT.match(local))


def parse_header_list(value: str) -> list[Address]:
    """All mailboxes of an address-list header, group lists included (``Team: a@x, b@y;``)."""
    found = []
    # Thousands of nested comments or groups: Python's parser recurses on them (or, from
    # 3.13, gives up quietly), and no real header has them. One rule on every Python.
    if value.count("(") > MAX_NESTING or value.count(":") > MAX_NESTING:
        raise invalid_parameter("Nesting too deep in address list")
    try:
        pairs = email.utils.getaddresses([value])
    except RecursionError:
        raise invalid_parameter("Nesting too deep in address list") from None
    for name, spec in pairs:
        if not spec:
            continue  # an empty group, e.g. ``undisclosed-recipients:;``
        _check_spec(spec)
        display = _display_name(name) if name else ""
        original = email.utils.formataddr((name, spec)) if name else spec
        found.append(_address(original, display, spec))
    return found
