"""Mail you can look at: the failure section, ``--ses-artifacts`` files, pytest-html extras.

A failing assertion on ``ses.outbox`` says what was expected; this module adds
what actually happened, in the report (a "Captured SES mail" section), on disk
(``.eml`` and ``.html`` previews per test) and in pytest-html reports.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from html import escape
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pytest

from pytest_ses._django import diverted_hint
from pytest_ses._fake.account import Rejection
from pytest_ses._fake.message import SentMessage
from pytest_ses._matching import plural
from pytest_ses._mock import SESMock
from pytest_ses._preview import render_index, render_message, render_tests

SECTION = "Captured SES mail"
MAX_LISTED = 20  # messages (and rejections) spelt out in the section; the rest are counted
MAX_EXTRAS = 10  # previews attached to a pytest-html report per failed phase
_MAX_NAME = 80
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# nodeid -> folder name, and the lower-cased names taken (for case-insensitive filesystems).
_FOLDERS = pytest.StashKey[dict[str, str]]()
_TAKEN = pytest.StashKey[set[str]]()


# -- where files go --------------------------------------------------------------------------


def root(config: pytest.Config) -> Path | None:
    """``--ses-artifacts`` (from the cwd) or ``ses_artifacts`` (from the rootdir).

    xdist workers share it: each test's folder name is the same in every worker
    (see :func:`name_folders`), so a re-run finds a test's files where it left them.
    """
    option = config.getoption("ses_artifacts", None)
    if option:
        base = config.invocation_params.dir / os.path.expanduser(str(option))
    else:
        ini = config.getini("ses_artifacts")
        if not ini:
            return None
        base = config.rootpath / os.path.expanduser(str(ini))
    return base


def name_folders(config: pytest.Config, nodeids: Sequence[str]) -> None:
    """Name every test's folder up front, in collection order.

    Every xdist worker collects the same tests in the same order, so they all
    agree on each name, even for nodeids that sanitise alike.
    """
    for nodeid in nodeids:
        test_folder(config, nodeid)


def folder_name(nodeid: str) -> str:
    """A file-system-safe, length-limited name for a test's folder."""
    name = _UNSAFE.sub("_", nodeid.replace("::", "__")).strip("._") or "test"
    if len(name) > _MAX_NAME:
        name = f"{name[: _MAX_NAME - 9]}-{_digest(nodeid)}"
    return name


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def test_folder(config: pytest.Config, nodeid: str) -> Path | None:
    """This test's artifact folder (None when artifacts are off), unique within the run."""
    base = root(config)
    if base is None:
        return None
    folders = config.stash.setdefault(_FOLDERS, {})
    if nodeid not in folders:
        taken = config.stash.setdefault(_TAKEN, set())
        name = folder_name(nodeid)
        if name.lower() in taken:  # two nodeids that sanitise alike
            name = f"{name[: _MAX_NAME - 9]}-{_digest(nodeid)}"
        stem, counter = name, 1
        while name.lower() in taken:
            counter += 1
            name = f"{stem}-{counter}"
        taken.add(name.lower())
        folders[nodeid] = name
    return base / folders[nodeid]


def _remove(folder: Path) -> None:
    if folder.is_dir():
        for old in folder.iterdir():
            if old.is_file() and old.suffix in (".eml", ".html"):
                old.unlink()
        with contextlib.suppress(OSError):  # something else lives there: leave it
            folder.rmdir()


def write_top_index(config: pytest.Config) -> None:
    """``index.html`` at the top: a link to every test folder with mail (xdist workers' too)."""
    base = root(config)
    if base is None or not base.is_dir():
        return
    tests = sorted(p.parent.name for p in base.glob("*/index.html"))
    base.joinpath("index.html").write_text(render_tests(tests), encoding="utf-8")


def write(folder: Path, title: str, messages: Sequence[SentMessage]) -> None:
    """Write ``NNN-<id>.eml``, ``NNN-<id>.html`` per message and ``index.html``.

    Files of an earlier run in the same folder are removed first, so the folder
    always matches the latest run of its test.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.is_file() and old.suffix in (".eml", ".html"):
            old.unlink()
    entries = []
    for number, message in enumerate(messages, 1):
        stem = f"{number:03d}-{_UNSAFE.sub('_', message.message_id)}"
        (folder / f"{stem}.eml").write_bytes(message.raw)
        # errors="replace": header bytes that were not UTF-8 are kept as surrogate escapes
        (folder / f"{stem}.html").write_text(
            render_message(message), encoding="utf-8", errors="replace"
        )
        entries.append((stem, message))
    (folder / "index.html").write_text(
        render_index(title, entries), encoding="utf-8", errors="replace"
    )


def write_for(item: pytest.Item, fake: SESMock) -> None:
    """After the test's teardown: write its artifacts, if enabled and it sent anything.

    A test that sends nothing this time leaves no files of an earlier run behind.
    """
    messages = list(fake.outbox)
    folder = test_folder(item.config, item.nodeid)
    if folder is None:
        return
    try:
        if not messages:
            _remove(folder)
            return
        write(folder, item.nodeid, messages)
    except OSError as exc:
        pytest.fail(f"pytest-ses: could not write SES artifacts to {folder}: {exc}", pytrace=False)


# -- the failure section ---------------------------------------------------------------------


def _plain(value: object) -> str:
    """Text safe for a terminal: control characters (ANSI escapes, newlines) made visible."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))


def _describe_message(number: int, message: SentMessage) -> list[str]:
    lines = [f"sent #{number} at {message.timestamp.isoformat()} ({message.region}, "
             f"{message.operation}) id {message.message_id}"]  # fmt: skip
    fields = [
        ("from", message.source),
        ("to", ", ".join(message.to)),
        ("cc", ", ".join(message.cc)),
        ("bcc", ", ".join(message.bcc)),
        ("subject", "(no subject)" if message.subject is None else message.subject),
        ("configuration set", message.configuration_set or ""),
        ("tags", ", ".join(f"{k}={v}" for k, v in message.tags.items())),
        ("attachments", ", ".join(a.filename or "(no filename)" for a in message.attachments)),
        ("unreadable", message.unreadable or ""),
    ]
    lines += [f"  {name}: {_plain(value)}" for name, value in fields if value]
    return lines


def _describe_rejection(number: int, rejection: Rejection) -> list[str]:
    lines = [f"rejected #{number} at {rejection.timestamp.isoformat()} ({rejection.region}, "
             f"{rejection.operation}): {rejection.code}: {_plain(rejection.message)}"]  # fmt: skip
    params = rejection.params
    if "Source" in params:
        lines.append(f"  Source: {_plain(params['Source'])}")
    destination = params.get("Destination")
    if isinstance(destination, dict):
        kinds = [("ToAddresses", "to"), ("CcAddresses", "cc"), ("BccAddresses", "bcc")]
        shown = "; ".join(
            f"{label} {', '.join(map(str, destination[key]))}"
            for key, label in kinds
            if destination.get(key)
        )
        lines.append(f"  Destination: {_plain(shown or '(none)')}")
    if isinstance(params.get("Destinations"), list):
        lines.append(f"  Destinations: {_plain(', '.join(map(str, params['Destinations'])))}")
    return lines


def summary(fake: SESMock, folder: Path | None, listed: bool = False) -> str:
    """What the test sent and what SES refused, for a failure report.

    ``listed``: the failure (a pytest-ses assertion) already lists every message,
    so they are counted here, not listed again.
    """
    sent, rejected = list(fake.outbox), fake.rejected
    if not sent and not rejected:
        calls = len(fake.calls)
        text = (
            f"no mail sent or rejected ({plural(calls, 'SES call')})" if calls else "no SES calls"
        )
        diverted = diverted_hint()
        return f"{text}\n{diverted}" if diverted else text
    head = f"{len(sent)} sent, {len(rejected)} rejected"
    lines = [head + (f"; previews and .eml files in {folder}" if folder and sent else "")]
    if listed and sent:
        lines.append("(the messages are listed in the assertion above)")
        sent = []
    for number, message in enumerate(sent[:MAX_LISTED], 1):
        lines += _never_raising(_describe_message, number, message)
    if len(sent) > MAX_LISTED:
        lines.append(f"... and {len(sent) - MAX_LISTED} more sent")
    for number, rejection in enumerate(rejected[:MAX_LISTED], 1):
        lines += _never_raising(_describe_rejection, number, rejection)
    if len(rejected) > MAX_LISTED:
        lines.append(f"... and {len(rejected) - MAX_LISTED} more rejected")
    return "\n".join(lines)


# The head of an outbox assertion's failure, which goes on to list every message.
_LISTS_MESSAGES = re.compile(
    r"pytest-ses: expected .* messages? with .*\n.*(All \d+ messages|The one message), in order:"
)


def _never_raising(describe: Callable[[int, Any], list[str]], number: int, item: Any) -> list[str]:
    # The report must never fail: an exception here would end the pytest session.
    try:
        return describe(number, item)
    except Exception as exc:
        return [f"#{number}: unreadable ({_plain(type(exc).__name__)}: {_plain(exc)})"]


def describe_failure(item: pytest.Item, report: pytest.TestReport, fake: SESMock) -> None:
    """Add the section (and pytest-html previews) to a failed setup, call or teardown report."""
    folder = test_folder(item.config, item.nodeid)
    name = SECTION if report.when == "call" else f"{SECTION} {report.when}"
    listed = bool(_LISTS_MESSAGES.search(str(report.longrepr)))
    report.sections.append((name, summary(fake, folder, listed)))
    _attach_previews(item.config, report, list(fake.outbox)[:MAX_EXTRAS])


def _attach_previews(
    config: pytest.Config, report: pytest.TestReport, messages: list[SentMessage]
) -> None:
    """One pytest-html "html" extra per message, when a pytest-html report is being made."""
    plugin: Any = config.pluginmanager.getplugin("html")
    extras = getattr(plugin, "extras", None)
    if not messages or extras is None or not config.getoption("htmlpath", None):
        return
    # pytest-html 4 reads report.extras (and warns about report.extra); 3 reads report.extra.
    try:
        major = version("pytest-html").split(".", 1)[0]
    except PackageNotFoundError:  # loaded from elsewhere: assume the current API
        major = "4"
    attribute = "extras" if not major.isdigit() or int(major) >= 4 else "extra"
    found = list(getattr(report, attribute, []))
    for message in messages:
        # A frame keeps the preview's styles out of the report page, and its scripts nowhere.
        frame = (
            '<iframe sandbox="" title="SES message preview" style="width:100%;height:40em;'
            f'border:1px solid #ccc" srcdoc="{escape(render_message(message))}"></iframe>'
        )
        found.append(extras.html(frame))
    setattr(report, attribute, found)
