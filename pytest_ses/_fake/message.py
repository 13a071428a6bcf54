"""What the outbox holds: accepted messages, read lazily from the MIME SES would deliver."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.contentmanager
import email.errors
import email.header
import email.parser
import email.policy
import email.utils
from collections.abc import Callable, Iterable, Iterator, Sequence
from email.message import EmailMessage
from functools import cached_property
from typing import Any

from pytest_ses._ids import new_uuid

# Message ids start with a region code; these three are seen in real ids.
_ID_PREFIX = {"us-east-1": "0100", "us-west-2": "0101", "eu-west-1": "0102"}


def message_id(region: str, epoch: float) -> str:
    """SES's shape: region code, 12 hex digits of epoch ms, a UUID, ``-000000``."""
    millis = round(epoch * 1000)
    return f"{_ID_PREFIX.get(region, '0100')}{millis:012x}-{new_uuid()}-000000"


@dataclasses.dataclass(frozen=True)
class Attachment:
    """One attached (or inline) file of a sent message."""

    filename: str | None
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str | None = None


class Headers:
    """A message's header fields in their original order; lookups ignore case.

    ``headers["subject"]`` is the first value (``KeyError`` if absent),
    ``headers.get_all("received")`` every value, ``"bcc" in headers`` a
    presence test, and iterating yields ``(name, value)`` pairs.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._pairs = tuple(pairs)

    def __getitem__(self, name: str) -> str:
        values = self.get_all(name)
        if not values:
            raise KeyError(name)
        return values[0]

    def __len__(self) -> int:
        return len(self._pairs)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._pairs)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.get_all(name))

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self.get_all(name)
        return values[0] if values else default

    def get_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self._pairs if key.lower() == wanted]

    def __repr__(self) -> str:
        return f"Headers({list(self._pairs)!r})"


class SentMessage:
    """A message SES accepted, as the recipients' servers would receive it.

    Tests get these from ``ses.outbox``. Envelope facts (sender, recipients,
    tags, configuration set) are stored as sent; the content (``subject``,
    ``text``, ``html``, ``attachments``) is parsed from ``raw`` only when first
    read, so sending stays cheap.
    """

    # Set by templated sends only: the template's name and the data it was rendered with.
    template: str | None = None
    template_data: Any = None
    # The API that sent it: "ses" (v1) or "sesv2"; set by v2's send handlers.
    service: str = "ses"
    # False for SendRawEmail without a Source: then a Return-Path header gets the feedback.
    source_given: bool = True

    def __init__(
        self,
        *,
        message_id: str,
        operation: str,
        region: str,
        source: str,
        destinations: Sequence[str],
        to: Sequence[str],
        cc: Sequence[str],
        bcc: Sequence[str],
        reply_to: Sequence[str],
        tags: dict[str, str],
        configuration_set: str | None,
        raw: bytes | Callable[[SentMessage], bytes],
        timestamp: dt.datetime | float,
        return_path: str | None = None,
        source_arn: str | None = None,
        from_arn: str | None = None,
        return_path_arn: str | None = None,
        account_id: str = "123456789012",
        identity: str | None = None,
        from_address: str | None = None,
        mail_headers: list[tuple[str, str]] | None = None,
        known: tuple[str, str | None, str | None] | None = None,
    ) -> None:
        self.message_id = message_id
        self.operation = operation
        self.region = region
        self.source = source
        # Kept as tuples and read as copies, so a test cannot change what was sent.
        self._destinations = tuple(destinations)
        self._to = tuple(to)
        self._cc = tuple(cc)
        self._bcc = tuple(bcc)
        self._reply_to = tuple(reply_to)
        self.tags = tags
        self.configuration_set = configuration_set
        if callable(raw):
            self._build_raw = raw  # SendEmail's MIME: built from the message when first read
        else:
            self.raw = raw
        if type(timestamp) is float:  # seconds since the epoch, on the fake's clock
            self._epoch = timestamp  # read as a datetime only when a test asks
        else:
            self.timestamp = timestamp  # type: ignore[assignment]  # shadows the property
        self.return_path = return_path
        self.source_arn = source_arn
        self.from_arn = from_arn
        self.return_path_arn = return_path_arn
        self.account_id = account_id
        # The verified identity the send was checked against, for events' sourceArn.
        self.identity = identity or source
        self.from_address = from_address or source
        # Headers as the application sent them (events show them; None: read from raw).
        self.mail_headers = mail_headers
        # SendEmail knows its subject and bodies already; these plain attributes
        # shadow the cached properties, so they are never parsed back.
        if known is not None:
            self.subject, self.text, self.html = known

    @cached_property
    def timestamp(self) -> dt.datetime:
        """When SES accepted the message, on the fake's clock (an aware UTC datetime)."""
        return dt.datetime.fromtimestamp(self._epoch, dt.timezone.utc)

    @property
    def destinations(self) -> list[str]:
        """Every envelope recipient (To, Cc and Bcc, or a raw message's ``Destinations``)."""
        return list(self._destinations)

    @property
    def to(self) -> list[str]:
        return list(self._to)

    @property
    def cc(self) -> list[str]:
        return list(self._cc)

    @property
    def bcc(self) -> list[str]:
        return list(self._bcc)

    @property
    def reply_to(self) -> list[str]:
        return list(self._reply_to)

    @cached_property
    def raw(self) -> bytes:
        """The message as SES delivers it (MIME bytes)."""
        return self._build_raw(self)

    @cached_property
    def unreadable(self) -> str | None:
        """Why part of the message could not be read, or None when all of it could.

        SES delivers raw MIME it cannot make sense of as it is, so a test may hold
        such a message. Its readers never raise: what they cannot read comes back
        empty (``None``, ``[]``), and this says why.
        """
        self._content  # noqa: B018  # reading the content notes what failed
        self.headers  # noqa: B018
        return "; ".join(self._problems) or None

    @cached_property
    def _problems(self) -> list[str]:
        return []

    @cached_property
    def _content(self) -> tuple[str | None, str | None, list[Attachment]]:
        """(text, html, attachments), from one parse whose tree is not kept.

        compat32 leaves header values as text instead of running each through
        the header registry, which makes parsing several times faster; the parts
        are still EmailMessage objects, so get_body() picks the bodies as before.
        Hostile MIME (parts nested a thousand deep, a multipart without a
        boundary, broken parameters) makes the email package raise: then each
        part is read on its own, and what still fails is left out and noted.
        """
        try:
            parsed = _PARSER.parsebytes(self.raw)
            assert isinstance(parsed, _Part)
        except Exception as exc:  # never raise from a reader
            self._problems.append(f"the MIME structure: {_why(exc)}")
            return None, None, []
        try:
            return _body(parsed, "plain"), _body(parsed, "html"), _attachments(_walk(parsed))
        except Exception:
            return _salvage(parsed, self._problems)

    @cached_property
    def headers(self) -> Headers:
        """Header fields of the delivered message (original order, case-insensitive lookup)."""
        from pytest_ses._fake.mime import split_headers

        try:
            return Headers(split_headers(self.raw)[0])
        except Exception as exc:  # never raise from a reader
            self._problems.append(f"the header: {_why(exc)}")
            return Headers(())

    @cached_property
    def subject(self) -> str | None:
        """The decoded Subject, or None when the message has none."""
        value = self.headers.get("subject")
        return None if value is None else decode_words(value)

    @cached_property
    def text(self) -> str | None:
        """The plain-text body, decoded; None when absent."""
        return self._content[0]

    @cached_property
    def html(self) -> str | None:
        """The HTML body, decoded; None when absent."""
        return self._content[1]

    @cached_property
    def attachments(self) -> list[Attachment]:
        """Attached files, inline images included (``inline=True``)."""
        return self._content[2]

    def __repr__(self) -> str:
        return (
            f"<SentMessage {self.message_id} {self.operation} from {self.source!r} "
            f"to {self.destinations!r}>"
        )


class _Part(EmailMessage):
    """A MIME part parsed with compat32 (header values stay text), walkable like EmailMessage."""

    def is_attachment(self) -> bool:  # EmailMessage's reads a header-registry object
        return self.get_content_disposition() == "attachment"


_PARSER = email.parser.BytesParser(_class=_Part, policy=email.policy.compat32)


MAX_DEPTH = 50  # multipart nesting a reader follows; deeper parts are left unread


def _walk(root: EmailMessage, problems: list[str] | None = None) -> Iterator[EmailMessage]:
    """Every part, depth first, without recursion (``walk()`` recurses once per level)."""
    stack: list[tuple[EmailMessage, int]] = [(root, 0)]
    while stack:
        part, depth = stack.pop()
        yield part
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list) and depth == MAX_DEPTH and problems is not None:
            problems.append(f"parts nested deeper than {MAX_DEPTH} levels were not read")
        if isinstance(payload, list) and depth < MAX_DEPTH:
            stack.extend(
                (child, depth + 1) for child in reversed(payload) if isinstance(child, EmailMessage)
            )


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def _salvage(
    parsed: EmailMessage, problems: list[str]
) -> tuple[str | None, str | None, list[Attachment]]:
    """The bodies and attachments of a message the email package chokes on, part by part."""
    bodies: dict[str, str | None] = {"plain": None, "html": None}
    attachments: list[Attachment] = []
    for part in _walk(parsed, problems):
        try:
            if part.is_multipart():
                continue
            found = _attachments([part])
            if found:
                attachments.extend(found)
                continue
            subtype = part.get_content_subtype()
            if part.get_content_maintype() == "text" and bodies.get(subtype, "") is None:
                bodies[subtype] = _decode_text(part)
        except Exception as exc:  # never raise from a reader
            problems.append(f"a {_safe_type(part)} part: {_why(exc)}")
    return bodies["plain"], bodies["html"], attachments


def _safe_type(part: EmailMessage) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "MIME"


def _attachments(parts: Iterable[EmailMessage]) -> list[Attachment]:
    found = []
    for part in parts:
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = decode_words(part.get_filename())
        if disposition is None and filename is None:
            continue
        if disposition == "inline" and filename is None and part.get_content_maintype() == "text":
            continue  # an inline body part, not a file
        payload = part.get_payload(decode=True)
        content_id = part.get("Content-ID")
        found.append(
            Attachment(
                filename=filename,
                content_type=part.get_content_type(),
                content=payload if isinstance(payload, bytes) else b"",
                inline=disposition == "inline",
                content_id=str(content_id).strip().strip("<>") if content_id else None,
            )
        )
    return found


def decode_words(value: Any) -> str | None:
    """A header value with RFC 2047 encoded-words decoded, or as written when they are broken."""
    if value is None:
        return None
    # RFC 2231 parameters come as (charset, language, text)
    text = value if isinstance(value, str) else str(email.utils.collapse_rfc2231_value(value))
    if "=?" not in text:
        return text
    try:
        return str(email.header.make_header(email.header.decode_header(text)))
    # MessageError covers HeaderParseError and CharsetError (a charset name that is not ASCII)
    except (LookupError, ValueError, email.errors.MessageError):
        return text


def _body(message: EmailMessage, subtype: str) -> str | None:
    try:
        part = message.get_body(preferencelist=(subtype,))
    except (KeyError, LookupError):
        return None
    if part is None or part.get_content_subtype() != subtype:
        return None
    return _decode_text(part)


def _decode_text(part: Any) -> str | None:
    try:
        content = email.contentmanager.raw_data_manager.get_content(part)
    except (LookupError, UnicodeDecodeError, ValueError, TypeError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else None
    return content if isinstance(content, str) else None
