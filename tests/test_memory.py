"""Outbox entries parse their content only when a test reads it (structure, not timing).

Sending must stay cheap however many messages a test sends, so a SendRawEmail
entry keeps its bytes and parses nothing until a content attribute is read;
each attribute is then cached, and the subject comes from the headers alone.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SentMessage, SESMock

# What SentMessage computes from the raw bytes on first read (``_parsed``: the MIME tree).
CONTENT = ("_parsed", "headers", "subject", "text", "html", "attachments")
BODY = ("_parsed", "text", "html", "attachments")


def raw_message(n: int) -> bytes:
    message = EmailMessage()
    message["From"] = "sender@example.com"
    message["To"] = f"rcpt{n}@example.net"
    message["Subject"] = f"Report {n}"
    message.set_content(f"Report number {n}.\n")
    message.add_alternative(f"<p>Report number {n}.</p>", subtype="html")
    message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf",
                           filename=f"report-{n}.pdf")  # fmt: skip
    return message.as_bytes()


def cached(message: SentMessage, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in vars(message)]


def test_raw_messages_are_parsed_only_when_read(ses: SESMock, client: SESClient) -> None:
    for n in range(3):
        client.send_raw_email(RawMessage={"Data": raw_message(n)})

    outbox = list(ses.outbox)
    assert [m.operation for m in outbox] == ["SendRawEmail"] * 3
    # Sending (and the Send and Delivery events it publishes) parsed nothing.
    assert [cached(m, CONTENT) for m in outbox] == [[], [], []]

    first, second, third = outbox
    assert first.subject == "Report 0"
    assert "subject" in cached(first, CONTENT)
    assert cached(first, BODY) == []  # the subject needs the headers, not the MIME tree
    assert [cached(m, CONTENT) for m in (second, third)] == [[], []]  # one message at a time

    assert "Report number 1." in (second.text or "")
    assert "text" in cached(second, CONTENT)
    assert cached(third, CONTENT) == []


def test_reading_twice_returns_the_cached_value(ses: SESMock, client: SESClient) -> None:
    client.send_raw_email(RawMessage={"Data": raw_message(7)})
    message = ses.outbox[0]

    subject = message.subject
    attachments = message.attachments
    assert message.subject is subject
    assert message.attachments is attachments
    assert [a.filename for a in attachments] == ["report-7.pdf"]
