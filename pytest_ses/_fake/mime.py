"""MIME in both directions: the message SES builds for SendEmail, and raw-message surgery.

Building is done with plain string templates rather than the ``email``
package: it is on every SendEmail call, and the package is several times
slower for the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email.utils
import functools
import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple

from pytest_ses._errors import invalid_parameter

CRLF = "\r\n"
_boundaries = itertools.count(1)
_HEADER_NAME = re.compile(rb"^[\x21-\x39\x3b-\x7e]+$")


@functools.lru_cache(maxsize=64)
def rfc2822_date(epoch: float) -> str:
    # Cached: the virtual clock stands still between sends, so dates repeat.
    return email.utils.formatdate(epoch, usegmt=True)


def encode_header_text(text: str, charset: str) -> str:
    """A header value as SES writes it: as is when ASCII, else an RFC 2047 B encoded-word."""
    if text.isascii() and "\n" not in text and "\r" not in text:
        return text
    data = text.encode(charset, errors="replace")
    return f"=?{charset}?B?{base64.b64encode(data).decode('ascii')}?="


# A MIME charset name (RFC 2978's mime-charset characters), before Python is asked at all.
_CHARSET_NAME = re.compile(r"^[A-Za-z0-9!#$%&'+^_`{}~-]{1,40}$")
# Codecs Python counts as text encodings that are no mail charset: they cannot encode
# arbitrary text, or encode it into something no mail reader decodes.
_NOT_MAIL_CHARSETS = frozenset(
    ("idna", "punycode", "undefined", "unicode_escape", "raw_unicode_escape", "mbcs", "oem")
)


@functools.lru_cache(maxsize=32)
def check_charset(charset: str | None) -> str:
    """``charset`` if SES would take it (default UTF-8), else ``InvalidParameterValue``."""
    name = charset or "UTF-8"
    try:
        if not _CHARSET_NAME.match(name):
            raise LookupError(name)
        info = codecs.lookup(name)
        # bytes-to-bytes codecs (hex, base64, zlib, ...) and rot13 are no text encodings
        if not info._is_text_encoding or info.name in _NOT_MAIL_CHARSETS:
            raise LookupError(name)
    except LookupError:
        raise invalid_parameter(f"Unsupported charset '{name}'.") from None
    return name


def _text_part(content: str, charset: str, subtype: str) -> str:
    data = content.encode(charset, errors="replace")
    if data.isascii() and all(len(line) <= 998 for line in data.split(b"\n")):
        encoding, body = "7bit", data.decode("ascii").replace("\r\n", "\n").replace("\n", CRLF)
    else:
        encoding = "quoted-printable"
        body = binascii.b2a_qp(data, istext=True).decode("ascii").replace("\n", CRLF)
    return (
        f"Content-Type: text/{subtype}; charset={charset}{CRLF}"
        f"Content-Transfer-Encoding: {encoding}{CRLF}{CRLF}{body}"
    )


class AttachmentPart(NamedTuple):
    """A file API v2's SendEmail attaches, as the MIME part will say it."""

    filename: str
    content_type: str
    content: bytes
    disposition: str  # "attachment" or "inline"
    content_id: str | None
    description: str | None
    encoding: str  # "base64", "quoted-printable" or "7bit"


def build(
    headers: list[tuple[str, str]],
    text: tuple[str, str] | None,
    html: tuple[str, str] | None,
    attachments: Sequence[AttachmentPart] = (),
) -> bytes:
    """The MIME message for SendEmail: ``headers`` then the text and/or HTML parts.

    ``text`` and ``html`` are (content, charset) pairs. With ``attachments`` the
    bodies and the files share a multipart/mixed.
    """
    head = "".join(f"{name}: {value}{CRLF}" for name, value in headers)
    head += f"MIME-Version: 1.0{CRLF}"
    parts = [
        _text_part(*body, subtype) for body, subtype in ((text, "plain"), (html, "html")) if body
    ]
    if not parts:
        parts = [_text_part("", "UTF-8", "plain")]
    body = parts[0] if len(parts) == 1 else _multipart("alternative", parts)
    if attachments:
        body = _multipart("mixed", [body, *(_attachment_part(a) for a in attachments)])
    return (head + body).encode("ascii")


def _multipart(subtype: str, parts: list[str]) -> str:
    boundary = f"----=_Part_{next(_boundaries)}_pytest_ses"
    inner = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts)
    return (
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"{CRLF}{CRLF}'
        f"{inner}--{boundary}--{CRLF}"
    )


def _attachment_part(file: AttachmentPart) -> str:
    name = encode_header_text(file.filename, "UTF-8").replace("\\", "\\\\").replace('"', '\\"')
    head = (
        f'Content-Type: {file.content_type}; name="{name}"{CRLF}'
        f'Content-Disposition: {file.disposition}; filename="{name}"{CRLF}'
        f"Content-Transfer-Encoding: {file.encoding}{CRLF}"
    )
    if file.content_id:
        head += f"Content-ID: <{file.content_id}>{CRLF}"
    if file.description:
        head += f"Content-Description: {encode_header_text(file.description, 'UTF-8')}{CRLF}"
    if file.encoding == "base64":
        data = base64.encodebytes(file.content).decode("ascii").replace("\n", CRLF)
    elif file.encoding == "quoted-printable":
        data = binascii.b2a_qp(file.content, istext=False).decode("ascii").replace("\n", CRLF)
    else:  # 7bit: checked to be ASCII already
        data = file.content.decode("ascii").replace("\r\n", "\n").replace("\n", CRLF)
    return f"{head}{CRLF}{data}"


def split_headers(raw: bytes) -> tuple[list[tuple[str, str]], bytes, bytes]:
    """(unfolded headers, the line ending used, the body) of a raw message.

    Raises ``InvalidParameterValue`` for the header faults SES names.
    Header values keep non-ASCII bytes as surrogate escapes, so nothing here
    fails on bytes that are not UTF-8.
    """
    newline = b"\r\n" if b"\r\n" in raw[:4096] or not raw else b"\n"
    end = raw.find(newline * 2)
    if raw.startswith(newline):
        head, body = b"", raw[len(newline) :]
    elif end == -1:
        head, body = raw, b""
    else:
        head, body = raw[:end], raw[end + 2 * len(newline) :]
    headers: list[tuple[str, str]] = []
    for line in head.split(newline) if head else []:
        if line[:1] in (b" ", b"\t") and headers:
            last_name, last_value = headers[-1]
            headers[-1] = (last_name, last_value + " " + _text(line.strip()))
            continue
        field, colon, value = line.partition(b":")
        if not colon:
            raise invalid_parameter("Illegal content.")
        if not field.strip():
            raise invalid_parameter("Empty header names are illegal.")
        if not _HEADER_NAME.match(field.rstrip()):
            raise invalid_parameter("Illegal content.")
        headers.append((_text(field.rstrip()), _text(value.strip())))
    return headers, newline, body


def _text(data: bytes) -> str:
    return data.decode("ascii", errors="surrogateescape")


def join_headers(headers: list[tuple[str, str]], newline: bytes, body: bytes) -> bytes:
    """The inverse of :func:`split_headers` (long values are not re-folded)."""
    nl = newline.decode("ascii")
    head = "".join(f"{name}: {value}{nl}" for name, value in headers)
    return head.encode("ascii", errors="surrogateescape") + newline + body
