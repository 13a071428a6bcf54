"""Per-call cost of an SES call through pytest-ses, against botocore's floor, Stubber and moto.

Run::

    python benchmarks/bench_calls.py [--rounds N] [--calls N] [--markdown]

Every contender runs once per round, in an order that rotates from round to
round, so slow drift on a shared machine lands on all of them alike. Each
figure is the median over the rounds; each ratio is the median of the
per-round ratios against the floor measured in the same round.

Contenders (one boto3 SES client each, created once):

``pytest-ses``
    ``with pytest_ses.mock_ses(): ...`` around the timed loop.
``null before-send (floor)``
    A ``before-send.ses`` handler returning a prebuilt ``AWSResponse`` with the
    operation's XML body, plus a ``choose-signer.ses`` handler returning
    ``botocore.UNSIGNED`` (the fake's signing choice): botocore's own cost.
``null, + dormant pytest-ses hooks``
    The same floor on a client that also carries pytest-ses's hooks while no
    fake is active: what the plugin costs clients it does not answer.
``botocore Stubber``
    One ``add_response`` per call, queued before the timed loop.
``moto mock_aws``
    Only if moto is installed; ``with mock_aws(): ...`` around the timed loop.

The ``sesv2 send_email`` group sends the same message through SES API v2
(``Content.Simple``) from a ``sesv2`` client: pytest-ses against its own floor,
a ``before-send.sesv2`` handler returning the prebuilt JSON answer, unsigned.

Nothing touches the network: the floor answers before sending, the Stubber
before building a request, moto and pytest-ses in ``before-send``. Dummy
credentials are put in ``os.environ`` only while the floor, Stubber and moto
clients are created, and restored after.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import botocore
import botocore.session
from _machine import machine
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

REGION = "us-east-1"
PACKAGES = ("botocore", "boto3", "moto", "pytest-ses")
XMLNS = "http://ses.amazonaws.com/doc/2010-12-01/"
REQUEST_ID = "5f2c4f7e-3d2a-4a8e-9a55-0c1c7b0e6f11"
SENDER = "sender@example.com"
# The fake runs with no quota so that send_email is never throttled on its
# virtual clock (the calls all happen at the same virtual instant).
FAKE_SETTINGS: dict[str, Any] = {"max_24_hour_send": -1, "max_send_rate": -1}
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
}

FLOOR = "null before-send (floor)"
FAKE = "pytest-ses mock_ses"
ENTER_EXIT = "set-up + teardown"


@dataclass(frozen=True)
class Operation:
    """One SES call: how to make it, and what SES (or a stub) answers."""

    method: str  # boto3 method name
    action: str  # wire name
    kwargs: dict[str, Any]
    result_xml: str  # inside <{action}Result>
    stub_response: dict[str, Any]
    service: str = "ses"  # the botocore service whose client makes the call

    def canned_body(self) -> bytes:
        return (
            f'<{self.action}Response xmlns="{XMLNS}">'
            f"<{self.action}Result>{self.result_xml}</{self.action}Result>"
            f"<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>"
            f"</{self.action}Response>"
        ).encode()


OPERATIONS = (
    Operation(
        "get_send_quota",
        "GetSendQuota",
        {},
        "<Max24HourSend>50000.0</Max24HourSend><MaxSendRate>14.0</MaxSendRate>"
        "<SentLast24Hours>0.0</SentLast24Hours>",
        {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 0.0},
    ),
    Operation(
        "verify_email_identity",
        "VerifyEmailIdentity",
        {"EmailAddress": SENDER},
        "",
        {},
    ),
    Operation(
        "send_email",
        "SendEmail",
        {
            "Source": SENDER,
            "Destination": {"ToAddresses": ["to@example.com"]},
            "Message": {
                "Subject": {"Data": "Hello"},
                "Body": {"Text": {"Data": "A short plain-text body."}},
            },
        },
        "<MessageId>0100018f-0000-0000-0000-000000000000-000000</MessageId>",
        {"MessageId": "0100018f-0000-0000-0000-000000000000-000000"},
    ),
)


V2_GROUP = "sesv2 send_email"
V2_SEND: dict[str, Any] = {
    "FromEmailAddress": SENDER,
    "Destination": {"ToAddresses": ["to@example.com"]},
    "Content": {
        "Simple": {
            "Subject": {"Data": "Hello"},
            "Body": {"Text": {"Data": "A short plain-text body."}},
        }
    },
}
V2_SEND_BODY = b'{"MessageId":"0100018f-0000-0000-0000-000000000000-000000"}'
# The same send for the scripts that look inside one call (count_steps.py, profile_calls.py).
V2_OPERATION = Operation("send_email", "SendEmail", V2_SEND, "", {}, service="sesv2")
V2_OP_NAME = "sesv2_send_email"


# -- helpers ---------------------------------------------------------------------------------------


@contextmanager
def patched_environ(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def new_client() -> SESClient:
    """An SES client from a fresh botocore session (which copies botocore's handlers now)."""
    return cast("SESClient", botocore.session.Session().create_client("ses", region_name=REGION))


def dummy_client() -> SESClient:
    with patched_environ(DUMMY_CREDENTIALS):
        return new_client()


class _Raw:
    def __init__(self, payload: bytes) -> None:
        self._payload = payload

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._payload


def new_v2_client() -> Any:
    """An SES API v2 client from a fresh botocore session."""
    return botocore.session.Session().create_client("sesv2", region_name=REGION)


def add_v2_null_handlers(client: Any, body: bytes) -> None:
    """Answer every sesv2 call on ``client`` with ``body`` (JSON), unsigned."""
    made: list[AWSResponse] = []

    def before_send(request: Any, **kwargs: Any) -> AWSResponse:
        if not made:
            headers: Any = {"Content-Type": "application/json", "Content-Length": str(len(body))}
            made.append(AWSResponse(request.url, 200, headers, _Raw(body)))
        return made[0]

    def choose_signer(**kwargs: Any) -> Any:
        return botocore.UNSIGNED

    client.meta.events.register("before-send.sesv2", before_send)
    client.meta.events.register("choose-signer.sesv2", choose_signer)


def add_null_handlers(client: SESClient, bodies: dict[str, bytes]) -> None:
    """Answer every SES call on ``client`` with a prebuilt response, unsigned."""
    responses: dict[str, AWSResponse] = {}

    def before_send(request: Any, event_name: str, **kwargs: Any) -> AWSResponse:
        action = event_name.rsplit(".", 1)[-1]
        response = responses.get(action)
        if response is None:
            body = bodies[action]
            headers: Any = {"Content-Type": "text/xml", "Content-Length": str(len(body))}
            response = responses[action] = AWSResponse(request.url, 200, headers, _Raw(body))
        return response

    def choose_signer(**kwargs: Any) -> Any:
        return botocore.UNSIGNED

    events = client.meta.events
    events.register("before-send.ses", cast("Callable[..., None]", before_send))
    events.register("choose-signer.ses", cast("Callable[..., None]", choose_signer))


def parse_op_arguments(
    doc: str | None, argv: Sequence[str] | None, op: str, calls: int
) -> tuple[Operation, int, int]:
    """``--op``, ``--calls`` and ``--top`` for the scripts that look inside one operation."""
    names = [each.method for each in OPERATIONS] + [V2_OP_NAME]
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--op", choices=names, default=op)
    parser.add_argument("--calls", type=int, default=calls)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    if args.op == V2_OP_NAME:
        return V2_OPERATION, args.calls, args.top
    return OPERATIONS[names.index(args.op)], args.calls, args.top


def client_for(op: Operation) -> Any:
    """A fresh client of ``op``'s service."""
    return new_v2_client() if op.service == "sesv2" else new_client()


def call_loop(client: SESClient, op: Operation, n: int) -> int:
    """``n`` calls of ``op``; returns the elapsed nanoseconds."""
    call = getattr(client, op.method)
    kwargs = op.kwargs
    start = time.perf_counter_ns()
    for _ in range(n):
        call(**kwargs)
    return time.perf_counter_ns() - start


def send_email_status() -> str | None:
    """``None`` if the fake answers SendEmail; else why its rows are left out."""
    import pytest_ses

    with pytest_ses.mock_ses(**FAKE_SETTINGS) as fake:
        client = new_client()
        try:
            client.send_email(**OPERATIONS[2].kwargs)
        except pytest_ses.NotEmulatedError:
            fake.forget_not_emulated()
            return "SendEmail is not emulated by pytest-ses yet (NotEmulatedError)"
        except Exception as exc:  # a fake still being written: report, do not crash
            fake.forget_not_emulated()
            return f"SendEmail failed in the fake: {type(exc).__name__}: {exc}"
    return None


# -- contenders ------------------------------------------------------------------------------------

RoundFn = Callable[[int], int]  # n -> elapsed ns for n units of work


@dataclass
class Row:
    """One line of a table: a contender's samples (ns per unit, one per round)."""

    group: str
    name: str
    run: RoundFn
    units: int
    samples: list[float] = field(default_factory=list)

    def sample(self) -> None:
        gc.collect()
        self.samples.append(self.run(self.units) / self.units)

    @property
    def median_us(self) -> float:
        return statistics.median(self.samples) / 1000

    @property
    def spread_us(self) -> tuple[float, float]:
        if len(self.samples) < 2:
            return (self.median_us, self.median_us)
        q = statistics.quantiles(self.samples, n=4)
        return (q[0] / 1000, q[2] / 1000)


@dataclass
class Setup:
    null_client: SESClient
    dormant_client: SESClient
    stub_client: SESClient
    fake_client: SESClient
    moto_client: SESClient | None
    moto_mock: Callable[[], AbstractContextManager[Any]] | None
    moto_version: str | None
    send_email: bool
    notes: list[str] = field(default_factory=list)
    v2_null_client: Any = None
    v2_fake_client: Any = None


def prepare() -> Setup:
    """Make the clients, in an order that keeps each one's handler list honest.

    botocore sessions copy ``BUILTIN_HANDLERS`` when they are created, and both
    pytest-ses (on first activation) and moto (on import) append to it. So the
    floor and Stubber clients are made first, from a botocore that carries
    neither; then pytest-ses is installed; then moto is imported.
    """
    notes: list[str] = []
    null_client = dummy_client()
    stub_client = dummy_client()
    with patched_environ(DUMMY_CREDENTIALS):
        v2_null_client = new_v2_client()
    add_v2_null_handlers(v2_null_client, V2_SEND_BODY)

    import pytest_ses

    with pytest_ses.mock_ses(**FAKE_SETTINGS):  # installs the hooks into botocore
        fake_client = new_client()
        v2_fake_client = new_v2_client()
    dormant_client = dummy_client()
    why_not = send_email_status()
    send_email = why_not is None
    if why_not is not None:
        notes.append(f"send_email rows left out: {why_not}.")

    moto_client: SESClient | None = None
    moto_mock: Callable[[], AbstractContextManager[Any]] | None = None
    moto_version: str | None = None
    try:
        from moto import mock_aws
    except ImportError:
        notes.append("moto is not installed: its rows are left out (pip install 'moto[ses]').")
    else:
        moto_mock = mock_aws
        moto_version = importlib.metadata.version("moto")
        moto_client = dummy_client()
    bodies = {op.action: op.canned_body() for op in OPERATIONS}
    add_null_handlers(null_client, bodies)
    add_null_handlers(dormant_client, bodies)
    return Setup(
        null_client,
        dormant_client,
        stub_client,
        fake_client,
        moto_client,
        moto_mock,
        moto_version,
        send_email,
        notes,
        v2_null_client,
        v2_fake_client,
    )


def per_call_rows(setup: Setup, op: Operation, calls: int) -> list[Row]:
    import pytest_ses

    def fake(n: int) -> int:
        with pytest_ses.mock_ses(**FAKE_SETTINGS):
            return call_loop(setup.fake_client, op, n)

    def null(n: int) -> int:
        return call_loop(setup.null_client, op, n)

    def dormant(n: int) -> int:
        return call_loop(setup.dormant_client, op, n)

    def stub(n: int) -> int:
        stubber = Stubber(setup.stub_client)
        for _ in range(n):
            stubber.add_response(op.method, op.stub_response)
        with stubber:
            return call_loop(setup.stub_client, op, n)

    group = op.method
    rows = [
        Row(group, FAKE, fake, calls),
        Row(group, FLOOR, null, calls),
        Row(group, "null, + dormant pytest-ses hooks", dormant, calls),
        Row(group, "botocore Stubber", stub, calls),
    ]
    moto_mock, moto_client = setup.moto_mock, setup.moto_client
    if moto_mock is not None and moto_client is not None:
        mock_aws, client = moto_mock, moto_client

        def moto(n: int) -> int:
            with mock_aws():
                if op.method == "send_email":  # moto wants a verified sender
                    client.verify_email_identity(EmailAddress=SENDER)
                return call_loop(client, op, n)

        rows.append(Row(group, "moto mock_aws", moto, calls))
    return rows


def v2_send_rows(setup: Setup, calls: int) -> list[Row]:
    import pytest_ses

    def loop(client: Any, n: int) -> int:
        call = client.send_email
        start = time.perf_counter_ns()
        for _ in range(n):
            call(**V2_SEND)
        return time.perf_counter_ns() - start

    def fake(n: int) -> int:
        with pytest_ses.mock_ses(**FAKE_SETTINGS):
            return loop(setup.v2_fake_client, n)

    def null(n: int) -> int:
        return loop(setup.v2_null_client, n)

    return [Row(V2_GROUP, FAKE, fake, calls), Row(V2_GROUP, FLOOR, null, calls)]


def enter_exit_rows(setup: Setup, iterations: int) -> list[Row]:
    import pytest_ses

    def fake(n: int) -> int:
        start = time.perf_counter_ns()
        for _ in range(n):
            with pytest_ses.mock_ses():
                pass
        return time.perf_counter_ns() - start

    group = ENTER_EXIT
    rows = [Row(group, "mock_ses() enter/exit", fake, iterations)]
    if setup.moto_mock is not None:
        mock_aws = setup.moto_mock

        def moto(n: int) -> int:
            start = time.perf_counter_ns()
            for _ in range(n):
                with mock_aws():
                    pass
            return time.perf_counter_ns() - start

        # moto resets every backend on enter and exit: far fewer per round.
        rows.append(Row(group, "moto mock_aws() enter/exit", moto, max(1, iterations // 20)))
    return rows


# -- running and reporting -------------------------------------------------------------------------


def run(rows: Sequence[Row], rounds: int) -> None:
    for row in rows:  # warm-up: imports, caches, botocore's lazily built models
        row.run(row.units)
    for index in range(rounds):
        shift = index % len(rows)
        for row in [*rows[shift:], *rows[:shift]]:
            row.sample()


def paired_ratio(row: Row, floor: Row) -> float:
    return statistics.median(a / b for a, b in zip(row.samples, floor.samples, strict=True))


def render(
    rows: Sequence[Row], rounds: int, calls: int, setup: Setup, markdown: bool, load: float
) -> tuple[str, bool]:
    lines: list[str] = []
    all_met = True
    floors = {row.group: row for row in rows if row.name == FLOOR}
    header = ["operation", "contender", "median µs/call", "IQR µs", "x floor"]
    table: list[list[str]] = []
    for row in rows:
        floor = floors.get(row.group)
        low, high = row.spread_us
        shown = f"{paired_ratio(row, floor):.2f}" if floor is not None else "-"
        table.append([row.group, row.name, f"{row.median_us:.1f}", f"{low:.1f}-{high:.1f}", shown])
    verdicts: list[str] = []
    for row in rows:
        floor = floors.get(row.group)
        if row.name == FAKE and floor is not None:
            ratio = paired_ratio(row, floor)
            ok = ratio <= 1.3
            all_met &= ok
            verdicts.append(
                f"{row.group}: pytest-ses is {ratio:.2f}x the floor "
                f"(target <= 1.30x): {'met' if ok else 'MISSED'}"
            )
        if row.name == "mock_ses() enter/exit":
            ok = row.median_us < 1000
            all_met &= ok
            verdicts.append(
                f"mock_ses() set-up + teardown: {row.median_us:.1f} µs "
                f"(target < 1000 µs): {'met' if ok else 'MISSED'}"
            )
    info = machine(load, PACKAGES)
    enter_exit = ", ".join(f"{r.units} x {r.name}" for r in rows if r.group == ENTER_EXIT)
    setup_line = (
        f"{rounds} rounds, contenders alternated round by round; per round {calls} calls "
        f"per contender and {enter_exit}; medians over rounds; "
        "x floor = median of the per-round ratios against the floor."
    )
    if markdown:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join(["---", "---", "---:", "---:", "---:"]) + "|")
        lines.extend("| " + " | ".join(cells) + " |" for cells in table)
        lines.append("")
        lines.append(setup_line)
        lines.append("")
        lines.extend(f"- {v}" for v in verdicts)
        lines.extend(f"- note: {n}" for n in setup.notes)
        lines.append("")
        lines.append("| machine | |")
        lines.append("|---|---|")
        lines.extend(f"| {k} | {v} |" for k, v in info)
    else:
        widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
        fmt = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
        lines.append(fmt.format(*header))
        lines.append("  ".join("-" * w for w in widths))
        lines.extend(fmt.format(*cells) for cells in table)
        lines.append("")
        lines.append(setup_line)
        lines.extend(verdicts)
        lines.extend(f"note: {n}" for n in setup.notes)
        lines.append("")
        lines.extend(f"{k}: {v}" for k, v in info)
    return "\n".join(lines), all_met


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=15, help="rounds (default 15)")
    parser.add_argument("--calls", type=int, default=200, help="calls per round (default 200)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.calls < 1:
        parser.error("--rounds and --calls must be positive")

    load = os.getloadavg()[0]
    setup = prepare()
    groups: list[list[Row]] = []
    for op in OPERATIONS:
        if op.method == "send_email" and not setup.send_email:
            continue
        groups.append(per_call_rows(setup, op, args.calls))
    if setup.send_email:
        groups.append(v2_send_rows(setup, args.calls))
    groups.append(enter_exit_rows(setup, args.calls))
    for group in groups:
        run(group, args.rounds)
    text, _ = render(
        [r for g in groups for r in g], args.rounds, args.calls, setup, args.markdown, load
    )
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
