"""The HTML preview in a real browser: headless Chromium loads it, dumps its DOM, screenshots it.

Escaping tests prove the markup is inert; only a browser proves people can read
it (the sandboxed srcdoc frame renders, the CSP lets its inline styles through).
Skipped without Chromium, except on CI (``CI=true``), where a skip would hide a gap.
"""

from __future__ import annotations

import http.server
import os
import shutil
import struct
import subprocess
import threading
import zlib
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_ses._preview import render_message

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SESMock

SUBJECT = "Grüße aus Köln: Ihre Bestellung ✓"
BANNER = (255, 0, 255)  # the HTML body's banner colour, looked for in the screenshot
HTML_BODY = (
    '<div id="banner" style="background:#ff00ff;color:#fff;height:120px;font-size:28px">'
    "Hallo from the HTML body</div><p>Danke für Ihren Einkauf.</p>"
)
TIMEOUT = 120


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    reason = "no chromium or chromium-browser on PATH (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the browser check, not skip it")
    pytest.skip(reason)


def run_chromium(profile: Path, *args: str) -> str:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        # Chromium puts sandboxed frames in a process of their own and may screenshot before
        # that process paints (blank frame in ~1 run of 6); in-process frames paint with the page.
        "--disable-features=IsolateSandboxedIframes",
        f"--user-data-dir={profile}",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


class Dom(HTMLParser):
    """What the dumped DOM shows: the subject, the frame's srcdoc, the attachment table."""

    def __init__(self) -> None:
        super().__init__()
        self.subject = ""
        self.srcdoc: str | None = None
        self.attachments: list[list[str]] = []
        self._in_subject = False
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self._in_subject = tag == "h1" and found.get("id") == "subject"
        if tag == "iframe":
            self.srcdoc = found.get("srcdoc")
        elif tag == "table":
            self._table = found.get("class")
        elif tag == "tr" and self._table == "attachments":
            self.attachments.append([])
        elif tag == "td" and self._table == "attachments":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_subject = False
        elif tag == "td" and self._cell is not None:
            self.attachments[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._in_subject:
            self.subject += data
        if self._cell is not None:
            self._cell.append(data)


def png_pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) pixels of an 8-bit, non-interlaced PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        data += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, colour, interlace) in ((8, 2, 0), (8, 6, 0)), (depth, colour, interlace)
    size = 3 if colour == 2 else 4
    raw, stride, rows = zlib.decompress(data), width * size, []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up, corner = previous[i], previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, [bytes(r[i : i + 3]) for r in rows for i in range(0, stride, size)]


@pytest.fixture
def preview(ses: SESMock, client: SESClient, tmp_path: Path) -> Path:
    message = EmailMessage()
    message["From"], message["To"] = "shop@example.com", "kunde@example.com"
    message["Subject"] = SUBJECT
    message.set_content("Danke für Ihren Einkauf.")
    message.add_alternative(HTML_BODY, subtype="html")
    message.add_attachment(b"%PDF-1.4 " * 10, maintype="application", subtype="pdf",
                           filename="rechnung.pdf")  # fmt: skip
    message.add_attachment(b"\x89PNG" * 4, maintype="image", subtype="png", filename="logo.png")
    client.send_raw_email(RawMessage={"Data": message.as_bytes()})
    path = tmp_path / "preview.html"
    path.write_text(render_message(ses.outbox[0]), encoding="utf-8")
    return path


def test_dom_shows_subject_html_body_and_attachments(preview: Path, tmp_path: Path) -> None:
    dom = Dom()
    dom.feed(run_chromium(tmp_path / "profile", "--dump-dom", preview.as_uri()))
    assert dom.subject == SUBJECT
    assert dom.srcdoc is not None
    assert HTML_BODY in dom.srcdoc
    assert dom.attachments == [
        [],  # the header row has <th>s only
        ["rechnung.pdf", "application/pdf", "90 bytes", ""],
        ["logo.png", "image/png", "16 bytes", ""],
    ]
    # The srcdoc, loaded on its own, is the body the application sent.
    body = tmp_path / "body.html"
    body.write_text(dom.srcdoc, encoding="utf-8")
    rendered = run_chromium(tmp_path / "profile", "--dump-dom", body.as_uri())
    assert '<div id="banner"' in rendered
    assert "Hallo from the HTML body" in rendered


def test_screenshot_shows_the_html_body(preview: Path, tmp_path: Path) -> None:
    shot = tmp_path / "preview.png"
    run_chromium(
        tmp_path / "profile", f"--screenshot={shot}", "--window-size=1024,768", preview.as_uri()
    )
    keep = os.environ.get("SES_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / "ses-preview.png")
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (1024, 768)
    # The banner drawn inside the sandboxed frame: proof the frame rendered its srcdoc.
    magenta = sum(all(abs(a - b) <= 8 for a, b in zip(p, BANNER, strict=True)) for p in pixels)
    assert magenta > 20_000, f"only {magenta} banner pixels"


def test_missing_chromium_skips_locally_but_fails_on_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium"):
        chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser check"):
        chromium()


def test_opening_a_preview_fetches_nothing(ses: SESMock, client: SESClient, tmp_path: Path) -> None:
    """A remote image in the HTML body (a tracking pixel) is not loaded by the preview."""
    requests: list[str] = []

    class Pixel(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pixel) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            pixel = f'<img src="http://127.0.0.1:{server.server_address[1]}/pixel.png">'
            client.send_email(
                Source="a@example.com",
                Destination={"ToAddresses": ["b@example.com"]},
                Message={"Subject": {"Data": "Tracked"}, "Body": {"Html": {"Data": pixel}}},
            )
            preview, plain = tmp_path / "preview.html", tmp_path / "plain.html"
            preview.write_text(render_message(ses.outbox[0]), encoding="utf-8")
            plain.write_text(pixel, encoding="utf-8")
            run_chromium(tmp_path / "profile", "--dump-dom", preview.as_uri())
            assert requests == []
            # The same tag outside a preview is fetched: the check above can see a fetch.
            run_chromium(tmp_path / "profile", "--dump-dom", plain.as_uri())
            assert requests == ["/pixel.png"]
        finally:
            server.shutdown()
            thread.join(TIMEOUT)
