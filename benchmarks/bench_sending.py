"""Sending through pytest-ses: per call, 2 MB raw messages, a typical test, 10,000 sends, memory.

Run::

    python benchmarks/bench_sending.py [--rounds N] [--markdown]
        [--calls N] [--raw-calls N] [--tests N]   # work per round in groups 1-3

It takes minutes (7 rounds: about 4 on a quiet 2-CPU machine). In the timed
groups contenders alternate, in an order that rotates from round to round, so
drift on a shared machine lands on all of them alike; figures are medians over
the rounds, ratios medians of the per-round ratios:

1. ``send_email`` per call: pytest-ses vs the null ``before-send`` floor vs moto.
2. ``send_raw_email`` of a ~2 MB message with two attachments: the same three.
3. A typical test: enter the fake, create a client, verify an identity, send
   three mails, read each one's subject and text from the outbox, leave; vs the
   same under ``moto.mock_aws()`` (messages read from moto's SES backend), vs
   the same calls on a fresh floor client, and vs client creation alone.
4. 10,000 ``send_email`` calls in one fake vs 10,000 calls on the floor, then
   ``ses.outbox.filter(to=...)`` over those 10,000 messages.

The floor, the clients and the handler order come from ``bench_calls.py``:
a ``before-send.ses`` handler returning a prebuilt response and a
``choose-signer.ses`` handler returning ``botocore.UNSIGNED``, so the floor is
botocore's own cost for the call. Per-call and 10,000-send contenders use
clients made once; the typical test makes its client inside, from a boto3
session made once per contender (as a test suite's default session is).

5. Memory, in a fresh child process (so neither the timing runs nor their
   garbage are in the figures): Python allocations (tracemalloc) retained and
   at peak above the baseline while one fake holds 10,000 small messages, and
   resident-set growth for the same in a pass without tracemalloc. Then
   laziness: after 10,000 ``send_raw_email`` calls no outbox entry may hold
   parsed content; reading every subject, then 1,000 text bodies, is measured.

The vs-moto rows also give a ceiling: moto's time over the floor's, which is
what a fake costing nothing beyond botocore's own work would reach.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from typing import TYPE_CHECKING, Any

import boto3
from _machine import machine
from bench_calls import (
    DUMMY_CREDENTIALS,
    FAKE_SETTINGS,
    FLOOR,
    OPERATIONS,
    PACKAGES,
    REGION,
    SENDER,
    Operation,
    Row,
    add_null_handlers,
    call_loop,
    dummy_client,
    new_client,
    paired_ratio,
    patched_environ,
)

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

FAKE = "pytest-ses"
MOTO = "moto mock_aws"
CREATION = "boto3 client creation alone"
SEND = next(op for op in OPERATIONS if op.method == "send_email")
MANY = 10_000
FILTER_REPEATS = 5
WANTED = f"user{MANY // 2}@example.net"
ATTACHMENT_BYTES = 740_000  # two of them, base64: ~2 MB of message
TEXTS_READ = 1_000  # text bodies read in the memory child (a full MIME parse each)
LAZY = ("_parsed", "headers", "subject", "text", "html", "attachments")
MB = 1024 * 1024


# -- messages --------------------------------------------------------------------------------------


def big_raw_message() -> bytes:
    """~2 MB of MIME: a text body and two binary attachments, CRLF line endings."""
    rng = random.Random(2010)
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = "to@example.com"
    message["Subject"] = "Quarterly report"
    message.set_content("Both files are attached.\n")
    for name, subtype in (("report.pdf", "pdf"), ("scan.tiff", "tiff")):
        data = rng.randbytes(ATTACHMENT_BYTES)
        message.add_attachment(data, maintype="application", subtype=subtype, filename=name)
    return message.as_bytes(policy=SMTP)


def small_raw_message(to: str) -> bytes:
    """A ~1 KB multipart/alternative message, as an application would build it."""
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = to
    message["Subject"] = f"Welcome, {to}"
    message.set_content("Hello,\n\nthanks for signing up.\n")
    message.add_alternative("<p>Hello,</p><p>thanks for <b>signing up</b>.</p>", subtype="html")
    return message.as_bytes(policy=SMTP)


def send_kwargs(to: str) -> dict[str, Any]:
    kwargs = dict(SEND.kwargs)
    kwargs["Destination"] = {"ToAddresses": [to]}
    return kwargs


def raw_operation(data: bytes) -> Operation:
    return Operation(
        "send_raw_email",
        "SendRawEmail",
        {"RawMessage": {"Data": data}},
        SEND.result_xml,
        SEND.stub_response,
    )


# -- set-up ----------------------------------------------------------------------------------------


@dataclass
class Setup:
    floor: SESClient
    floor_session: boto3.Session
    fake: SESClient
    fake_session: boto3.Session
    moto: SESClient
    moto_session: boto3.Session
    mock_aws: Callable[[], AbstractContextManager[Any]]
    sent_by_moto: Callable[[], list[Any]]


def prepare(raw: Operation) -> Setup:
    """Clients in the order ``bench_calls.prepare`` explains: floor, pytest-ses, then moto.

    botocore sessions copy the built-in handler list when made; pytest-ses (on
    first activation) and moto (on import) add to it. So the floor carries
    neither, pytest-ses's client and session do not carry moto's handler, and
    moto's carry pytest-ses's dormant ones (a few µs a call, see bench_calls).
    """
    floor = dummy_client()
    add_null_handlers(floor, {op.action: op.canned_body() for op in (SEND, raw)})
    floor_session = boto3.Session()

    import pytest_ses

    with pytest_ses.mock_ses(**FAKE_SETTINGS):  # installs the hooks into botocore
        fake = new_client()
    fake_session = boto3.Session()

    try:
        from moto import mock_aws
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends
    except ImportError:
        sys.exit("moto is needed: pip install 'moto[ses]'")
    moto = dummy_client()
    moto_session = boto3.Session()  # mock_aws() puts fake credentials in the environment

    def sent_by_moto() -> list[Any]:
        return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)

    return Setup(
        floor, floor_session, fake, fake_session, moto, moto_session, mock_aws, sent_by_moto
    )


# -- contenders ------------------------------------------------------------------------------------


def per_call_rows(setup: Setup, group: str, op: Operation, calls: int) -> list[Row]:
    import pytest_ses

    def fake(n: int) -> int:
        with pytest_ses.mock_ses(**FAKE_SETTINGS):
            return call_loop(setup.fake, op, n)

    def floor(n: int) -> int:
        return call_loop(setup.floor, op, n)

    def moto(n: int) -> int:
        with setup.mock_aws():
            setup.moto.verify_email_identity(EmailAddress=SENDER)  # moto checks the sender
            return call_loop(setup.moto, op, n)

    return [
        Row(group, FAKE, fake, calls),
        Row(group, FLOOR, floor, calls),
        Row(group, MOTO, moto, calls),
    ]


THREE = [send_kwargs(f"customer{i}@example.net") for i in range(3)]


def typical_rows(setup: Setup, iterations: int) -> list[Row]:
    import pytest_ses

    def fake(n: int) -> int:
        start = time.perf_counter_ns()
        for _ in range(n):
            with pytest_ses.mock_ses() as ses:
                client = setup.fake_session.client("ses", region_name=REGION)
                client.verify_email_identity(EmailAddress=SENDER)
                for kwargs in THREE:
                    client.send_email(**kwargs)
                seen = [(m.subject, m.text) for m in ses.outbox]
            assert len(seen) == 3, seen
            assert seen[0][0] == "Hello", seen
        return time.perf_counter_ns() - start

    def moto(n: int) -> int:
        start = time.perf_counter_ns()
        for _ in range(n):
            with setup.mock_aws():
                client = setup.moto_session.client("ses", region_name=REGION)
                client.verify_email_identity(EmailAddress=SENDER)
                for kwargs in THREE:
                    client.send_email(**kwargs)
                seen = [(m.subject, m.body) for m in setup.sent_by_moto()]
            assert len(seen) == 3, seen
            assert seen[0][0] == "Hello", seen
        return time.perf_counter_ns() - start

    bodies = {op.action: op.canned_body() for op in OPERATIONS}

    def floor(n: int) -> int:
        # The same calls answered by the null handlers: what no before-send fake can beat.
        with patched_environ(DUMMY_CREDENTIALS):  # no fake active: no credential look-ups
            start = time.perf_counter_ns()
            for _ in range(n):
                client = setup.floor_session.client("ses", region_name=REGION)
                add_null_handlers(client, bodies)
                client.verify_email_identity(EmailAddress=SENDER)
                for kwargs in THREE:
                    client.send_email(**kwargs)
            return time.perf_counter_ns() - start

    def creation(n: int) -> int:
        with pytest_ses.mock_ses():
            start = time.perf_counter_ns()
            for _ in range(n):
                setup.fake_session.client("ses", region_name=REGION)
            return time.perf_counter_ns() - start

    group = "typical test"
    # moto resets every backend on entering and leaving: fewer per round.
    return [
        Row(group, FAKE, fake, iterations),
        Row(group, MOTO, moto, max(1, iterations // 4)),
        Row(group, FLOOR, floor, iterations),
        Row(group, CREATION, creation, iterations),
    ]


@dataclass
class Many:
    """The 10,000-send group, and the outbox-query times taken after each fake's sends."""

    rows: list[Row]
    filter_ns: list[int] = field(default_factory=list)


def many_rows(setup: Setup) -> Many:
    import pytest_ses

    calls = [send_kwargs(f"user{i}@example.net") for i in range(MANY)]
    many = Many([])

    def loop(client: SESClient, n: int) -> int:
        send = client.send_email
        start = time.perf_counter_ns()
        for kwargs in calls[:n]:
            send(**kwargs)
        return time.perf_counter_ns() - start

    def fake(n: int) -> int:
        with pytest_ses.mock_ses(**FAKE_SETTINGS) as ses:
            elapsed = loop(setup.fake, n)
            if n == MANY:
                for _ in range(FILTER_REPEATS):
                    start = time.perf_counter_ns()
                    found = ses.outbox.filter(to=WANTED)
                    many.filter_ns.append(time.perf_counter_ns() - start)
                    assert len(found) == 1, found
        return elapsed

    def floor(n: int) -> int:
        return loop(setup.floor, n)

    group = f"{MANY:,} sends"
    many.rows = [Row(group, FAKE, fake, MANY), Row(group, FLOOR, floor, MANY)]
    return many


def alternate(rows: Sequence[Row], rounds: int, warm_up: int) -> None:
    """A short warm-up of each row, then ``rounds`` rounds in rotating order."""
    for row in rows:
        row.run(min(row.units, warm_up))
    for index in range(rounds):
        shift = index % len(rows)
        for row in [*rows[shift:], *rows[:shift]]:
            row.sample()


# -- memory (in a child process) -------------------------------------------------------------------


def rss_bytes() -> int:
    """Resident set size now (Linux); 0 where /proc is missing."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def max_rss_bytes() -> int:
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def memory_child() -> dict[str, Any]:
    """Every memory figure, from this (fresh) process; see the module docstring."""
    import pytest_ses

    small = [send_kwargs(f"user{i}@example.net") for i in range(MANY)]
    raws = [small_raw_message(f"user{i}@example.net") for i in range(MANY)]
    with pytest_ses.mock_ses(**FAKE_SETTINGS) as ses:  # warm-up: imports, models, caches
        client = new_client()
        for i in range(50):
            client.send_email(**small[i])
            client.send_raw_email(RawMessage={"Data": raws[i]})
        for message in ses.outbox:
            _ = (message.subject, message.text, message.attachments)
    out: dict[str, Any] = {"raw_message_bytes": len(raws[0])}
    out |= resident_growth(client, small)
    out |= python_allocations(client, small)
    out |= laziness(client, raws)
    out |= reading_times(client, raws[:TEXTS_READ])
    return out


def resident_growth(client: SESClient, small: list[dict[str, Any]]) -> dict[str, Any]:
    """RSS growth, without tracemalloc's own bookkeeping inflating it."""
    import pytest_ses

    gc.collect()
    before, earlier_peak = rss_bytes(), max_rss_bytes()
    with pytest_ses.mock_ses(**FAKE_SETTINGS) as ses:
        for kwargs in small:
            client.send_email(**kwargs)
        gc.collect()
        retained = rss_bytes() - before
        peak = max_rss_bytes()
        assert len(ses.outbox) == MANY
    # ru_maxrss is the process's high-water mark: above the earlier one, it is this pass's.
    return {"rss_retained": retained, "rss_peak": peak - before if peak > earlier_peak else None}


def python_allocations(client: SESClient, small: list[dict[str, Any]]) -> dict[str, Any]:
    """tracemalloc: retained and peak while the fake holds the messages, and after it ends."""
    import pytest_ses

    out: dict[str, Any] = {}
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    with pytest_ses.mock_ses(**FAKE_SETTINGS):
        for kwargs in small:
            client.send_email(**kwargs)
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
        out["retained"] = current - base
        out["peak"] = peak - base
    gc.collect()
    out["after_exit"] = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return out


def laziness(client: SESClient, raws: list[bytes]) -> dict[str, Any]:
    """Nothing parsed at send time; the memory that reading subjects, then texts, adds."""
    import pytest_ses

    out: dict[str, Any] = {}
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    with pytest_ses.mock_ses(**FAKE_SETTINGS) as ses:
        for data in raws:
            client.send_raw_email(RawMessage={"Data": data})
        outbox = list(ses.outbox)
        assert all(m.operation == "SendRawEmail" for m in outbox)
        out["raw_cached_before"] = sum(1 for m in outbox if any(a in vars(m) for a in LAZY))
        gc.collect()
        out["raw_retained"] = tracemalloc.get_traced_memory()[0] - base
        subjects = [m.subject for m in outbox]
        assert subjects[MANY // 2] == f"Welcome, {WANTED}", subjects[MANY // 2]
        gc.collect()
        out["after_subjects"] = tracemalloc.get_traced_memory()[0] - base
        out["subject_cached"] = sum(1 for m in outbox if "subject" in vars(m))
        out["parsed_after_subjects"] = sum(1 for m in outbox if "_parsed" in vars(m))
        texts = [m.text for m in outbox[:TEXTS_READ]]
        assert all("thanks for signing up" in (t or "") for t in texts), texts[0]
        gc.collect()
        out["after_texts"] = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return out


def reading_times(client: SESClient, raws: list[bytes]) -> dict[str, Any]:
    """Reading a subject, then a text body, of a SendRawEmail entry: ns each, untraced."""
    import pytest_ses

    with pytest_ses.mock_ses(**FAKE_SETTINGS) as ses:
        for data in raws:
            client.send_raw_email(RawMessage={"Data": data})
        outbox = list(ses.outbox)
        start = time.perf_counter_ns()
        for message in outbox:
            _ = message.subject
        middle = time.perf_counter_ns()
        for message in outbox:
            _ = message.text
        end = time.perf_counter_ns()
    return {"subject_ns": (middle - start) / len(raws), "text_ns": (end - middle) / len(raws)}


def measure_memory() -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--memory-child"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the memory child failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# -- report ----------------------------------------------------------------------------------------


@dataclass
class Check:
    """One line of the report: figures per contender, a ratio, and a target."""

    measure: str
    fake: str
    floor: str = "-"
    moto: str = "-"
    ratio: str = "-"
    target: str = "-"
    met: bool | None = None  # None: informational

    @property
    def cells(self) -> list[str]:
        result = {None: "info", True: "PASS", False: "FAIL"}[self.met]
        return [self.measure, self.fake, self.floor, self.moto, self.ratio, self.target, result]


def spread(row: Row, scale: float, digits: int) -> str:
    """``median (IQR low-high)`` of a row's samples (ns per unit), divided by ``scale``."""
    median = statistics.median(row.samples) / scale
    if len(row.samples) < 2:
        return f"{median:.{digits}f}"
    low, _, high = statistics.quantiles(row.samples, n=4)
    return f"{median:.{digits}f} ({low / scale:.{digits}f}-{high / scale:.{digits}f})"


def by_name(rows: Sequence[Row]) -> dict[str, Row]:
    return {row.name: row for row in rows}


def checks(
    send: list[Row], raw: list[Row], raw_size: int, typical: list[Row], many: Many,
    memory: dict[str, Any],
) -> list[Check]:  # fmt: skip
    out = []

    def versus_moto(rows: dict[str, Row], bound: Row, what: str, factor: float) -> Check:
        # The ceiling: what a fake costing nothing beyond ``bound`` would reach.
        ratio = paired_ratio(rows[MOTO], rows[FAKE])
        ceiling = paired_ratio(rows[MOTO], bound)
        return Check(f"{bound.group}: pytest-ses vs moto", "", "", "",
                     f"moto {ratio:.2f}x slower (ceiling, moto / {what}: {ceiling:.1f}x)",
                     f">= {factor:g}x faster than moto", ratio >= factor)  # fmt: skip

    s = by_name(send)
    ratio = paired_ratio(s[FAKE], s[FLOOR])
    out.append(Check("send_email, µs/call", spread(s[FAKE], 1e3, 0), spread(s[FLOOR], 1e3, 0),
                     spread(s[MOTO], 1e3, 0), f"{ratio:.2f}x floor", "<= 1.30x floor",
                     ratio <= 1.3))  # fmt: skip
    out.append(versus_moto(s, s[FLOOR], "floor", 3))
    r = by_name(raw)
    out.append(Check(f"send_raw_email {raw_size / 1e6:.2f} MB (2 attachments), ms/call",
                     spread(r[FAKE], 1e6, 1), spread(r[FLOOR], 1e6, 1), spread(r[MOTO], 1e6, 1),
                     f"{paired_ratio(r[FAKE], r[FLOOR]):.2f}x floor", "-"))  # fmt: skip
    out.append(versus_moto(r, r[FLOOR], "floor", 3))
    t = by_name(typical)
    out.append(Check("typical test (enter, client, verify, 3 sends, read, exit), ms/test",
                     spread(t[FAKE], 1e6, 2), spread(t[FLOOR], 1e6, 2), spread(t[MOTO], 1e6, 2),
                     f"{paired_ratio(t[FAKE], t[FLOOR]):.2f}x floor"))  # fmt: skip
    out.append(Check("typical test: of which boto3 client creation alone, ms",
                     spread(t[CREATION], 1e6, 2),
                     ratio=f"{paired_ratio(t[CREATION], t[FAKE]):.0%} of a fake test"))  # fmt: skip
    out.append(versus_moto(t, t[FLOOR], "floor", 10))
    m = by_name(many.rows)
    ratio = paired_ratio(m[FAKE], m[FLOOR])
    out.append(Check(f"{MANY:,} send_email in one fake, s total", spread(m[FAKE], 1e9 / MANY, 2),
                     spread(m[FLOOR], 1e9 / MANY, 2), "-", f"{ratio:.2f}x floor",
                     "<= 1.30x floor", ratio <= 1.3))  # fmt: skip
    filter_ms = statistics.median(many.filter_ns) / 1e6
    out.append(Check(f"outbox.filter(to=...) over {MANY:,} messages, ms",
                     f"{filter_ms:.1f} (max {max(many.filter_ns) / 1e6:.1f})",
                     target="< 50 ms", met=filter_ms < 50))  # fmt: skip
    for key in ("retained", "peak"):
        value = memory[key] / MB
        out.append(Check(f"memory, {MANY:,} small mails in one fake: Python {key}, MB",
                         f"{value:.1f} ({memory[key] / MANY / 1024:.1f} KB/mail)",
                         target="< 50 MB", met=value < 50))  # fmt: skip
    rss = memory["rss_retained"] / MB
    peak = memory["rss_peak"]
    shown = f"{peak / MB:.1f}" if peak is not None else "below an earlier high-water mark"
    out.append(Check(f"memory, {MANY:,} small mails: RSS growth retained (peak), MB",
                     f"{rss:.1f} ({shown})", target="< 50 MB", met=rss < 50))  # fmt: skip
    out.append(Check("memory still allocated after the fake ends, MB",
                     f"{memory['after_exit'] / MB:.2f}"))  # fmt: skip
    cached = memory["raw_cached_before"]
    out.append(Check(f"lazy: of {MANY:,} SendRawEmail entries, with parsed content before reading",
                     f"{cached}", target="0", met=cached == 0))  # fmt: skip
    size = memory["raw_message_bytes"]
    held = memory["raw_retained"]
    out.append(Check(f"memory, {MANY:,} raw mails of {size:,} B held, MB",
                     f"{held / MB:.1f} ({held / MANY / 1024:.1f} KB/mail)"))  # fmt: skip
    subjects = memory["after_subjects"] - memory["raw_retained"]
    subjects_ok = memory["subject_cached"] == MANY and memory["parsed_after_subjects"] == 0
    out.append(Check(f"then reading all {MANY:,} subjects: + MB; µs each",
                     f"+{subjects / MB:.1f}; {memory['subject_ns'] / 1e3:.0f} µs",
                     target="cached, no full parse", met=subjects_ok))  # fmt: skip
    texts = memory["after_texts"] - memory["after_subjects"]
    out.append(Check(f"then reading {TEXTS_READ:,} text bodies (full parse, kept): + MB; µs each",
                     f"+{texts / MB:.1f} ({texts / TEXTS_READ / 1024:.1f} KB/mail); "
                     f"{memory['text_ns'] / 1e3:.0f} µs"))  # fmt: skip
    return out


def render(rows: list[Check], notes: list[str], info: list[tuple[str, str]], md: bool) -> str:
    header = ["measure", FAKE, FLOOR, MOTO, "ratio", "target", "result"]
    table = [row.cells for row in rows]
    lines = []
    if md:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|---|---:|---:|---:|---|---|---|")
        lines.extend("| " + " | ".join(cells) + " |" for cells in table)
        lines.append("")
        lines.extend(f"- {note}" for note in notes)
        lines.append("")
        lines.append("| machine | |")
        lines.append("|---|---|")
        lines.extend(f"| {k} | {v} |" for k, v in info)
    else:
        widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
        fmt = "  ".join(f"{{:{'>' if 1 <= i <= 3 else '<'}{w}}}" for i, w in enumerate(widths))
        lines.append(fmt.format(*header))
        lines.append("  ".join("-" * w for w in widths))
        lines.extend(fmt.format(*cells) for cells in table)
        lines.append("")
        lines.extend(notes)
        lines.append("")
        lines.extend(f"{k}: {v}" for k, v in info)
    return "\n".join(lines)


def usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=7, help="rounds (default 7)")
    parser.add_argument("--calls", type=int, default=200, help="send_email calls a round")
    parser.add_argument("--raw-calls", type=int, default=10, help="2 MB sends a round")
    parser.add_argument("--tests", type=int, default=20, help="typical tests a round (fake)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        print(json.dumps(memory_child()))
        return 0
    if min(args.rounds, args.calls, args.raw_calls, args.tests) < 1:
        parser.error("--rounds, --calls, --raw-calls and --tests must be positive")

    load = os.getloadavg()[0]
    raw = raw_operation(big_raw_message())
    setup = prepare(raw)
    send = per_call_rows(setup, "send_email", SEND, args.calls)
    big = per_call_rows(setup, "send_raw_email", raw, args.raw_calls)
    typical = typical_rows(setup, args.tests)
    many = many_rows(setup)
    alternate(send, args.rounds, warm_up=50)
    alternate(big, args.rounds, warm_up=2)
    alternate(typical, args.rounds, warm_up=2)
    alternate(many.rows, args.rounds, warm_up=200)
    memory = measure_memory()

    raw_size = len(raw.kwargs["RawMessage"]["Data"])
    notes = [
        f"{args.rounds} rounds; contenders alternate within each group, in rotating order. "
        "Cells: median (interquartile range) over rounds; ratios: median of per-round ratios.",
        f"Per round: {args.calls} send_email, {args.raw_calls} send_raw_email of "
        f"{raw_size:,} bytes, {typical[0].units} typical tests under pytest-ses and "
        f"{typical[1].units} under moto, {MANY:,} sends per contender; "
        f"outbox.filter timed {FILTER_REPEATS}x after each fake's {MANY:,} sends.",
        "pytest-ses runs with max_send_rate=-1, max_24_hour_send=-1 except in the typical "
        "test (defaults there). moto verifies the sender once per mock_aws() block, untimed "
        "in groups 1-2 and timed in the typical test.",
        "Memory: a fresh child process after a warm-up; tracemalloc figures are Python "
        "allocations above the baseline, RSS growth is from a separate pass without tracemalloc.",
    ]
    print(
        render(
            checks(send, big, raw_size, typical, many, memory),
            notes,
            [("nproc (CPUs usable by this process)", str(usable_cpus())), *machine(load, PACKAGES)],
            args.markdown,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
