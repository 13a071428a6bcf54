"""Self-contained HTML previews of sent messages, for people to open after a test.

Everything in a message is untrusted (the code under test may echo user input
into a subject or body), so every value is escaped, and the HTML body is shown
in a sandboxed ``<iframe srcdoc>`` under a Content-Security-Policy that lets no
script run and nothing load from the network: opening a preview runs nothing
and reveals nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from pytest_ses._fake.message import SentMessage, decode_words

# Inherited by the srcdoc frame: inline styles and data: images only.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .6em; }
h2 { font-size: 1.1em; margin: 1.4em 0 .4em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
pre { background: #f8f8f8; border: 1px solid #ddd; padding: .6em; white-space: pre-wrap; }
iframe { width: 100%; height: 24em; border: 1px solid #ccc; background: #fff; }
.none { color: #777; font-style: italic; }
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n{body}</body>\n</html>\n"
    )


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], css_class: str) -> str:
    """A table of plain-text cells (escaped here) or, in ``head``, fixed labels."""
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    lines = [f'<table class="{css_class}">', f"<tr>{cells}</tr>"]
    lines += ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows]
    return "\n".join([*lines, "</table>\n"])


def _none(what: str) -> str:
    return f'<p class="none">{escape(what)}</p>\n'


def render_message(message: SentMessage) -> str:
    """The preview page of one message, in a mail client's order: what a reader looks at first."""
    subject = message.subject
    envelope = [
        ("Message ID", message.message_id),
        ("Sent", message.timestamp.isoformat()),
        ("Operation", f"{message.operation} in {message.region}"),
        ("Source", message.source),
        ("To", ", ".join(message.to)),
        ("Cc", ", ".join(message.cc)),
        ("Bcc", ", ".join(message.bcc)),
        ("Configuration set", message.configuration_set or ""),
        ("Tags", ", ".join(f"{k}={v}" for k, v in message.tags.items())),
    ]
    parts = [
        f'<h1 id="subject">{escape(subject) if subject is not None else "(no subject)"}</h1>\n',
        "<h2>Envelope</h2>\n",
        _table(("Field", "Value"), [row for row in envelope if row[1]], "envelope"),
        "<h2>HTML body</h2>\n",
        (
            # sandbox="" forbids scripts, forms, popups and same-origin access.
            f'<iframe id="html" sandbox="" title="HTML body" srcdoc="{escape(message.html)}">'
            "</iframe>\n"
            if message.html
            else _none("No HTML body.")
        ),
        "<h2>Text body</h2>\n",
        f'<pre id="text">{escape(message.text)}</pre>\n' if message.text else _none("No text."),
        "<h2>Attachments</h2>\n",
    ]
    attachments = [
        (
            a.filename or "(no filename)",
            a.content_type,
            f"{len(a.content)} bytes",
            f"inline, cid:{a.content_id}" if a.inline and a.content_id else "",
        )
        for a in message.attachments
    ]
    if attachments:
        head = ("Filename", "Content type", "Size", "Inline")
        parts.append(_table(head, attachments, "attachments"))
    else:
        parts.append(_none("No attachments."))
    parts.append("<h2>Headers</h2>\n")
    parts.append(
        _table(
            ("Name", "Value"), [(n, decode_words(v) or "") for n, v in message.headers], "headers"
        )
    )
    return _page(subject or message.message_id, "".join(parts))


def render_index(title: str, entries: Sequence[tuple[str, SentMessage]]) -> str:
    """A page listing the messages of one test; ``entries`` pairs a file stem with each."""
    rows = []
    for stem, message in entries:
        subject = message.subject
        rows.append(
            "<tr>"
            f'<td><a href="{escape(stem)}.html">{escape(subject or "(no subject)")}</a></td>'
            f"<td>{escape(message.source)}</td>"
            f"<td>{escape(', '.join(message.destinations))}</td>"
            f"<td>{escape(message.timestamp.isoformat())}</td>"
            f'<td><a href="{escape(stem)}.eml">.eml</a></td>'
            "</tr>"
        )
    head = "<tr><th>Subject</th><th>From</th><th>Recipients</th><th>Sent</th><th>Raw</th></tr>"
    table = "\n".join(['<table class="index">', head, *rows, "</table>\n"])
    return _page(f"SES mail: {title}", f"<h1>SES mail of {escape(title)}</h1>\n{table}")


def render_tests(folders: Sequence[str]) -> str:
    """The top page of ``--ses-artifacts``: one link per test folder."""
    rows = [f'<li><a href="{escape(name)}/index.html">{escape(name)}</a></li>' for name in folders]
    listing = "\n".join(["<ul>", *rows, "</ul>\n"]) if rows else _none("No test sent mail.")
    return _page("SES mail of this run", f"<h1>SES mail of this run</h1>\n{listing}")
