"""SendEmail and SendRawEmail (and the templated sends' checks): SES's order, then the outbox.

Order of checks (tags before identities is documented SES behaviour; the rest
follows it): addresses, recipients, size, tags, configuration set (exists, not
paused), account not paused, verified identities, daily quota, sending rate.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from pytest_ses._errors import SESError, invalid_parameter
from pytest_ses._fake import addresses, mime
from pytest_ses._fake.addresses import Address
from pytest_ses._fake.identities import is_verified
from pytest_ses._fake.message import SentMessage, message_id
from pytest_ses._fake.outcomes import after_send, is_quiet
from pytest_ses._fake.pausing import check_sending_enabled
from pytest_ses._fake.quota import TokenBucket
from pytest_ses._fake.registry import Params, Result, operation
from pytest_ses._fake.tags import check_tags, parse_tag_header
from pytest_ses._settings import WILDCARD

if TYPE_CHECKING:
    from pytest_ses._fake.account import Account, Region

# Address fields, read in C by map() (Address is a named tuple).
_ORIGINAL = operator.itemgetter(0)
_IS_SIMULATOR = operator.itemgetter(3)
MAX_RECIPIENTS = 50
MAX_MESSAGE_BYTES = 10_485_760
_SES_HEADERS = (
    "X-SES-CONFIGURATION-SET",
    "X-SES-MESSAGE-TAGS",
    "X-SES-SOURCE-ARN",
    "X-SES-FROM-ARN",
    "X-SES-RETURN-PATH-ARN",
)


class _Envelope(NamedTuple):
    """A send, checked up to the point where it becomes a message."""

    source: Address
    senders: list[Address]  # Source, From and Return-Path: the identities to verify
    recipients: list[Address]
    tags: dict[str, str]
    configuration_set: str | None
    counted: int  # recipients the daily quota counts (simulator addresses are free)


def _envelope(
    region: Region,
    source: Address,
    senders: list[Address],
    recipients: list[Address],
    tags: dict[str, str],
    configuration_set: str | None,
) -> _Envelope:
    counted = len(recipients) - sum(map(_IS_SIMULATOR, recipients))
    if configuration_set is None and region.has_default_sets:
        configuration_set = default_configuration_set(region, source)
    return _Envelope(source, senders, recipients, tags, configuration_set, counted)


def default_configuration_set(region: Region, source: Address) -> str | None:
    """The set a send that names none uses: its sender identity's default, if it has one.

    The address's own identity comes first, then its domain's, as ``_identity``
    picks the identity that lets the address send. A default whose set was
    deleted since is returned all the same, so the send fails as one naming it.
    """
    for key in (source.address.lower(), source.domain):
        found = region.identities.get(key)
        if found is not None and found.default_configuration_set is not None:
            return found.default_configuration_set
    return None


class Extras(NamedTuple):
    """What API v2's Simple and Template content add to the message SES writes."""

    headers: Sequence[tuple[str, str]]  # after SES's own, as given
    attachments: Sequence[mime.AttachmentPart]


class Content(NamedTuple):
    """What a SendEmail-shaped message says: given by SendEmail, rendered for a template."""

    subject: str
    subject_charset: str
    text: tuple[str, str] | None  # (content, charset)
    html: tuple[str, str] | None


@operation("SendEmail")
def send_email(account: Account, region: Region, params: Params) -> Result:
    message = params["Message"]
    subject = message.get("Subject", {})  # an empty structure does not reach the wire
    body = message.get("Body", {})
    content = Content(
        subject.get("Data", ""),
        mime.check_charset(subject.get("Charset")),
        _content(body.get("Text")),
        _content(body.get("Html")),
    )
    return send_content(account, region, params, "SendEmail", content)


def send_content(
    account: Account,
    region: Region,
    params: Params,
    operation: str,
    content: Content | None,
    on_failed_render: Callable[[SentMessage], None] | None = None,
    template: tuple[str | None, Any] | None = None,
    service: str = "ses",
    extra: Extras | None = None,
) -> Result:
    """Send ``content`` with SendEmail's addressing members of ``params``, after SES's checks.

    ``content`` None is a template that failed to render: the send is accepted
    and counted, but nothing is delivered; ``on_failed_render`` gets the message
    SES would have sent. ``template`` is (name, parsed data), kept on the message.
    ``service`` names the API that sent it, as ``SentMessage.service`` reports.
    ``extra`` holds API v2's custom headers and attachments, already checked.
    """
    source = addresses.parse(params["Source"])
    destination = params["Destination"]
    to_texts = tuple(destination.get("ToAddresses", ()))
    cc_texts = destination.get("CcAddresses", ())
    bcc_texts = destination.get("BccAddresses", ())
    reply_texts = params.get("ReplyToAddresses", ())
    parse = addresses.parse
    to = [parse(a) for a in to_texts]
    # Most sends have no Cc, Bcc or Reply-To: no list to build for them.
    cc = [parse(a) for a in cc_texts] if cc_texts else []
    bcc = [parse(a) for a in bcc_texts] if bcc_texts else []
    reply_to = [parse(a) for a in reply_texts] if reply_texts else []
    return_path = addresses.parse(params["ReturnPath"]) if params.get("ReturnPath") else None
    recipients = to + cc + bcc
    if not recipients:
        # No SendEmail wording is recorded; this is SES's reply to a raw message with no To.
        raise invalid_parameter("Missing required header 'To'.")
    if len(recipients) > MAX_RECIPIENTS:
        _check_count(recipients)

    subject_text, subject_charset, text, html = content or Content("", "UTF-8", None, None)
    now = account.clock.time()
    new_id = message_id(region.name, now)
    raw: bytes | Callable[[SentMessage], bytes]
    raw = _mime_builder(subject_charset, text[1] if text else None, html[1] if html else None)
    # The MIME is built when a test reads it; now only if the message may be near the limit,
    # or has v2's headers or attachments (which the message does not hold to rebuild it from).
    bodies = (len(text[0]) if text else 0) + (len(html[0]) if html else 0)
    if extra or (
        _size_bound(subject_text, bodies, [source, *recipients, *reply_to]) > MAX_MESSAGE_BYTES
    ):
        headers = _send_email_headers(
            source.original,
            [a.original for a in reply_to],
            [a.original for a in to],
            [a.original for a in cc],
            mime.encode_header_text(subject_text, subject_charset),
            new_id,
            now,
        )
        mail = mime.build(
            headers + list(extra.headers) if extra else headers,
            text,
            html,
            extra.attachments if extra else (),
        )
        _check_size(len(mail))
        if extra:  # else the outbox keeps the builder: the bytes are made again when read
            raw = mail

    envelope = _envelope(
        region,
        source,
        [source, return_path] if return_path else [source],
        recipients,
        check_tags(params["Tags"]) if "Tags" in params else {},
        params.get("ConfigurationSetName"),
    )
    _admit(account, region, envelope, now)
    sent = SentMessage(
        message_id=new_id,
        operation=operation,
        region=region.name,
        source=source.original,
        # As written, like the fields below; one tuple for both when To is all there is.
        destinations=(*to_texts, *cc_texts, *bcc_texts) if cc_texts or bcc_texts else to_texts,
        to=to_texts,
        cc=cc_texts,
        bcc=bcc_texts,
        reply_to=reply_texts,
        tags=envelope.tags,
        configuration_set=envelope.configuration_set,
        raw=raw,
        timestamp=now,
        return_path=return_path.original if return_path else None,
        source_arn=params.get("SourceArn"),
        return_path_arn=params.get("ReturnPathArn"),
        account_id=account.account_id,
        identity=_identity(region, source),
        from_address=source.address,
        known=(subject_text, text[0] if text else None, html[0] if html else None),
    )
    if template is not None:
        sent.template, sent.template_data = template
    if service != "ses":
        sent.service = service
    if content is None:
        region.sends.record(now, envelope.counted, len(envelope.recipients))
        if on_failed_render is not None:
            on_failed_render(sent)
        return {"MessageId": sent.message_id}
    return _record(account, region, sent, envelope, now)


def _parse_all(texts: Sequence[str]) -> list[Address]:
    return [addresses.parse(a) for a in texts] if texts else []


@functools.lru_cache(maxsize=64)
def _mime_builder(
    subject_charset: str, text_charset: str | None, html_charset: str | None
) -> Callable[[SentMessage], bytes]:
    """How to build the MIME of a SendEmail message, shared by every message of these charsets.

    The message itself holds the rest (addresses, subject, bodies, id and
    date), so an accepted send keeps no builder objects of its own.
    """

    def build(message: SentMessage) -> bytes:
        text, html = message.text, message.html
        headers = _send_email_headers(
            message.source,
            message.reply_to,
            message.to,
            message.cc,
            mime.encode_header_text(message.subject or "", subject_charset),
            message.message_id,
            message.timestamp.timestamp(),
        )
        return mime.build(
            headers,
            None if text is None or text_charset is None else (text, text_charset),
            None if html is None or html_charset is None else (html, html_charset),
        )

    return build


def _send_email_headers(
    source: str, reply_to: list[str], to: list[str], cc: list[str], subject: str,
    new_id: str, now: float,
) -> list[tuple[str, str]]:  # fmt: skip
    """The header fields SES writes for a SendEmail, in its order."""
    headers = [("From", source)]
    if reply_to:
        headers.append(("Reply-To", ", ".join(reply_to)))
    if to:
        headers.append(("To", ", ".join(to)))
    if cc:
        headers.append(("Cc", ", ".join(cc)))
    headers += [
        ("Subject", subject),
        ("Message-ID", f"<{new_id}@email.amazonses.com>"),
        ("Date", mime.rfc2822_date(now)),
    ]
    return headers


@operation("SendRawEmail")
def send_raw_email(account: Account, region: Region, params: Params) -> Result:
    return send_raw(account, region, params, "SendRawEmail")


def send_raw(
    account: Account, region: Region, params: Params, operation: str, service: str = "ses"
) -> Result:
    """Send the raw message of SendRawEmail-shaped ``params``, after SES's checks.

    Besides SendRawEmail's members, ``params`` may hold ``ReturnPath`` (API v2's
    feedback forwarding address): it overrides the message's Return-Path.
    ``service`` names the API that sent it, as ``SentMessage.service`` reports.
    """
    data: bytes = params.get("RawMessage", {}).get("Data", b"")
    _check_size(len(data))
    headers, newline, body = mime.split_headers(data)
    found = {name.upper(): value for name, value in reversed(headers)}
    ses_headers = {name: found.get(name) for name in _SES_HEADERS}

    from_header = [a for value in _all(headers, "From") for a in addresses.parse_header_list(value)]
    if params.get("Source"):
        source = addresses.parse(params["Source"])
    elif from_header:
        source = from_header[0]
    else:
        raise invalid_parameter("Missing required header 'From'.")
    if params.get("ReturnPath"):
        return_path = [addresses.parse(params["ReturnPath"])]
    else:
        return_path = [
            a for value in _all(headers, "Return-Path") for a in addresses.parse_header_list(value)
        ]
    to = _header_addresses(headers, "To")
    cc = _header_addresses(headers, "Cc")
    bcc = _header_addresses(headers, "Bcc")
    reply_to = _header_addresses(headers, "Reply-To")  # parsed now: bad addresses fail first
    if params.get("Destinations"):
        recipients = [addresses.parse(a) for a in params["Destinations"]]
    else:
        recipients = to + cc + bcc
        if not recipients:
            has_to = any(name.lower() == "to" for name, _ in headers)
            raise invalid_parameter(
                "Empty required header 'To'." if has_to else "Missing required header 'To'."
            )
    _check_count(recipients)

    if "Tags" in params:
        tags = check_tags(params["Tags"])  # API tags win; header tags are not merged
    else:
        tags = check_tags(parse_tag_header(ses_headers["X-SES-MESSAGE-TAGS"] or ""))
    envelope = _envelope(
        region,
        source,
        _unique([source, *from_header, *return_path]),
        recipients,
        tags,
        params.get("ConfigurationSetName")
        or (ses_headers["X-SES-CONFIGURATION-SET"] or "").strip()
        or None,
    )
    now = account.clock.time()
    _admit(account, region, envelope, now)

    new_id = message_id(region.name, now)
    delivered = _rewrite_headers(headers, new_id, mime.rfc2822_date(now))
    sent = SentMessage(
        message_id=new_id,
        operation=operation,
        region=region.name,
        source=envelope.source.original,
        destinations=[a.original for a in envelope.recipients],
        to=[a.original for a in to],
        cc=[a.original for a in cc],
        bcc=[a.original for a in bcc],
        reply_to=[a.original for a in reply_to],
        tags=envelope.tags,
        configuration_set=envelope.configuration_set,
        raw=mime.join_headers(delivered, newline, body),
        timestamp=now,
        return_path=return_path[0].original if return_path else None,
        source_arn=params.get("SourceArn") or ses_headers["X-SES-SOURCE-ARN"],
        from_arn=params.get("FromArn") or ses_headers["X-SES-FROM-ARN"],
        return_path_arn=params.get("ReturnPathArn") or ses_headers["X-SES-RETURN-PATH-ARN"],
        account_id=account.account_id,
        identity=_identity(region, envelope.source),
        from_address=(from_header[0] if from_header else source).address,
        mail_headers=headers,
    )
    sent.source_given = bool(params.get("Source"))
    if service != "ses":
        sent.service = service
    return _record(account, region, sent, envelope, now)


def _content(part: dict[str, str] | None) -> tuple[str, str] | None:
    if part is None:
        return None
    return part.get("Data", ""), mime.check_charset(part.get("Charset"))


def _all(headers: Sequence[tuple[str, str]], name: str) -> list[str]:
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def _header_addresses(headers: Sequence[tuple[str, str]], name: str) -> list[Address]:
    return [a for value in _all(headers, name) for a in addresses.parse_header_list(value)]


def _unique(found: list[Address]) -> list[Address]:
    seen: dict[str, Address] = {}
    for address in found:
        seen.setdefault(address.address.lower(), address)
    return list(seen.values())


def _rewrite_headers(
    headers: list[tuple[str, str]], new_id: str, date: str
) -> list[tuple[str, str]]:
    """Strip the X-SES-* control headers; SES's own Message-ID and Date replace the sender's."""
    replaced = {"message-id": f"<{new_id}@email.amazonses.com>", "date": date}
    stripped = {name.lower() for name in _SES_HEADERS}
    out = []
    for name, value in headers:
        key = name.lower()
        if key in stripped:
            continue
        if key in replaced:
            out.append((name, replaced.pop(key)))
            continue
        out.append((name, value))
    out += [
        ("Message-ID" if key == "message-id" else "Date", value) for key, value in replaced.items()
    ]
    return out


def _size_bound(subject: str, bodies: int, named: list[Address]) -> int:
    """An upper bound of the size of SendEmail's MIME, without building it.

    Quoted-printable at most triples a body (``bodies`` characters in all), and
    UTF-8 takes at most 4 bytes a character; an encoded-word header takes under
    6 bytes a character. The addresses (``named``) appear once each, the fixed
    headers and MIME framing add well under 2 KB.
    """
    characters = sum(map(len, map(_ORIGINAL, named))) + 2 * len(named)
    return 12 * bodies + 6 * len(subject) + 6 * characters + 2048


def _check_count(recipients: list[Address]) -> None:
    if len(recipients) > MAX_RECIPIENTS:
        raise invalid_parameter(f"Recipient count exceeds {MAX_RECIPIENTS}.")


def _check_size(size: int) -> None:
    if size > MAX_MESSAGE_BYTES:
        raise invalid_parameter(
            f"Message length is more than {MAX_MESSAGE_BYTES} bytes long: '{size}'."
        )


def _admit(account: Account, region: Region, envelope: _Envelope, now: float) -> None:
    """The checks that depend on account state, after the message itself passed."""
    if envelope.configuration_set is not None or not region.sending_enabled:
        check_sending_enabled(region, envelope.configuration_set)
    settings = account.settings
    if settings.verified_identities != WILDCARD:
        failed = [a for a in envelope.senders if not is_verified(account, region, a.address)]
        if settings.sandbox:
            failed += [
                a
                for a in envelope.recipients
                if not a.is_simulator and not is_verified(account, region, a.address)
            ]
        if failed:
            raise _unverified(region, failed)
    day, rate = settings.quota
    if day != -1 and region.sends.sent_last_24_hours(now) + envelope.counted > day:
        raise SESError("Throttling", "Daily message quota exceeded.")
    if rate != -1:
        if region.send_rate is None or region.send_rate.rate != rate:
            region.send_rate = TokenBucket(rate, max(rate, 1.0))
        if not region.send_rate.take(len(envelope.recipients), now):
            raise SESError("Throttling", "Maximum sending rate exceeded.")


def _unverified(region: Region, failed: list[Address]) -> SESError:
    names = ", ".join(dict.fromkeys(a.original for a in failed))
    return SESError(
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in "
        f"region {region.name.upper()}: {names}",
    )


def sender_addresses(params: Params) -> list[Address]:
    """The sender's addresses of a SendEmail-shaped request, parsed: Source, then Return-Path.

    Reply-To is parsed too (a bad one fails here), though it is not an identity
    to verify. A bulk send runs this once, so a bad sender fails the whole call.
    """
    senders = [addresses.parse(params["Source"])]
    _parse_all(params.get("ReplyToAddresses", ()))
    if params.get("ReturnPath"):
        senders.append(addresses.parse(params["ReturnPath"]))
    return senders


def check_senders_verified(account: Account, region: Region, senders: list[Address]) -> None:
    """MessageRejected unless every sender identity is verified (recipients are not checked)."""
    if account.settings.verified_identities == WILDCARD:
        return
    failed = [a for a in senders if not is_verified(account, region, a.address)]
    if failed:
        raise _unverified(region, failed)


def _record(
    account: Account, region: Region, sent: SentMessage, envelope: _Envelope, now: float
) -> Result:
    recipients = len(envelope.recipients)
    to_simulator = envelope.counted < recipients
    if not account.on_message and is_quiet(account, region, sent, to_simulator):
        # Nothing to publish: the message and its deferred events are all there is to
        # record, and nothing can fail between them, so there is nothing to undo.
        account.outbox.append(sent)
        account.defer_events(sent)
        region.sends.record(now, envelope.counted, recipients)
        return {"MessageId": sent.message_id}
    point = account.savepoint()
    account.outbox.append(sent)
    try:
        if account.on_message:
            account.notify_message(sent)
        after_send(account, region, sent, to_simulator=to_simulator)
    except Exception:
        # All or nothing: a caller that gets an error finds no trace of the message
        # (an observer's failure, or a bug of the fake's, surfaces as it is).
        account.undo(point)
        raise
    region.sends.record(now, envelope.counted, recipients)
    return {"MessageId": sent.message_id}


def _identity(region: Region, source: Address) -> str:
    """The verified identity that let ``source`` send: the address, else its domain."""
    if not region.identities:  # verified_identities="*" and none verified by a call
        return source.address
    found = region.identities.get(source.address.lower()) or region.identities.get(source.domain)
    return found.name if found else source.address
