"""A whole pytest suite using pytest-ses, against the same suite with SES stubbed out entirely.

A second take on ``bench_suite.py``, written alongside it, kept for its
``--count`` mode: bytecodes per test, which do not depend on the machine.
Run::

    python benchmarks/count_suite.py --count --tests 100
    python benchmarks/count_suite.py [--rounds N] [--tests N] [--markdown] [--profile FILE]

Generates, in a temporary folder, a suite of ``--tests`` tests (default
1,000, in modules of 100) where each test sends one email through its
module's client (created at import, as applications do) and checks it:

``pytest-ses``
    Each test takes the ``ses`` fixture and asserts on ``ses.outbox``.
``stub, -p no:ses (floor)``
    The same tests with the plugin disabled: a conftest ``ses`` fixture that
    yields nothing, and a null ``before-send.ses`` handler on each client
    returning a prebuilt ``SendEmail`` answer, unsigned (as
    ``bench_calls.py`` builds its floor). No state; the assertion reads the
    MessageId instead of the outbox.
``stub, plugin loaded``
    The floor's suite with the plugin loaded but unused: its start-up, its
    dormant handlers on every client and its per-test hooks.

Each variant is a separate ``python -m pytest -q -p no:randomly`` process; the
variants alternate in an order that rotates round by round. Reported: medians
of the child's CPU time (user + system, from ``RUSAGE_CHILDREN`` deltas) and
wall time, and the medians of the per-round ratios against the floor.

``--profile FILE`` instead runs the pytest-ses suite once under cProfile
(``python -m cProfile -o FILE -m pytest ...``) for ``pstats``.

``--count`` instead counts, once per variant, the Python bytecodes executed
inside pytest's test loop (``pytest_runtestloop``, so neither start-up nor
collection) per test, by where the code lives, and pytest-ses's by function:
figures that do not depend on the machine or its load (work done in C, such
as ``os.environ`` writes or XML parsing, is not counted). Use ``--tests 100``:
tracing is slow.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _machine import machine, table

PACKAGES = ("pytest", "botocore", "boto3", "pytest-ses")
PER_MODULE = 100
TARGET = 1.05
# Credentials and region for the children: botocore must never look for them
# on the network, and both suites must resolve them the same way.
CHILD_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_DEFAULT_REGION": "us-east-1",
}
PYTEST_ARGS = ("-q", "-p", "no:randomly", "-p", "no:cacheprovider")

FAKE = "pytest-ses"
FLOOR = "stub, -p no:ses (floor)"
DORMANT = "stub, plugin loaded"

SEND_ANSWER = (
    '<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">'
    "<SendEmailResult><MessageId>0100018f-0000-0000-0000-000000000000-000000</MessageId>"
    "</SendEmailResult><ResponseMetadata><RequestId>5f2c4f7e-3d2a-4a8e-9a55-0c1c7b0e6f11"
    "</RequestId></ResponseMetadata></SendEmailResponse>"
)

# The helper module each test module imports its client from.
CLIENT_FAKE = textwrap.dedent(
    """
    import boto3


    def make_client():
        return boto3.client("ses", region_name="us-east-1")
    """
)
CLIENT_STUB = textwrap.dedent(
    f"""
    import boto3
    import botocore
    from botocore.awsrequest import AWSResponse

    BODY = {SEND_ANSWER.encode()!r}


    class _Raw:
        def stream(self, **kwargs):
            yield BODY


    def _before_send(request, **kwargs):
        headers = {{"Content-Type": "text/xml", "Content-Length": str(len(BODY))}}
        return AWSResponse(request.url, 200, headers, _Raw())


    def _choose_signer(**kwargs):
        return botocore.UNSIGNED


    def make_client():
        client = boto3.client("ses", region_name="us-east-1")
        client.meta.events.register("before-send.ses", _before_send)
        client.meta.events.register("choose-signer.ses", _choose_signer)
        return client
    """
)
# The stubbed suite's ``ses``: a generator fixture like the plugin's, holding nothing.
CONFTEST_STUB = textwrap.dedent(
    """
    import pytest


    @pytest.fixture
    def ses():
        yield None
    """
)
MODULE_HEAD = textwrap.dedent(
    """
    from _suite_client import make_client

    client = make_client()
    """
)
TEST_TEMPLATE = textwrap.dedent(
    """

    def test_send_{n}(ses):
        response = client.send_email(
            Source="sender@example.com",
            Destination={{"ToAddresses": ["user{n}@example.net"]}},
            Message={{"Subject": {{"Data": "Hello {n}"}}, "Body": {{"Text": {{"Data": "hi"}}}}}},
        )
        assert response["MessageId"]
        {check}
    """
)
CHECK_FAKE = 'assert [m.subject for m in ses.outbox] == ["Hello {n}"]'
CHECK_STUB = "assert ses is None"


def make_suite(root: Path, tests: int, fake: bool) -> None:
    """Write the suite: ``_suite_client.py``, a conftest (stub only) and the test modules."""
    root.mkdir(parents=True)
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "_suite_client.py").write_text(CLIENT_FAKE if fake else CLIENT_STUB)
    if not fake:
        (root / "conftest.py").write_text(CONFTEST_STUB)
    check = CHECK_FAKE if fake else CHECK_STUB
    for start in range(0, tests, PER_MODULE):
        body = [MODULE_HEAD]
        for n in range(start, min(start + PER_MODULE, tests)):
            body.append(TEST_TEMPLATE.format(n=n, check=check.format(n=n)))
        (root / f"test_suite_{start // PER_MODULE:03d}.py").write_text("".join(body))


def child_env() -> dict[str, str]:
    """The environment of the children: no PYTEST_* (plugins, addopts), fixed AWS settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "AWS_"))}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # let the warm-up runs leave .pyc files
    env.update(CHILD_ENV)
    return env


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Variant:
    name: str
    root: Path
    extra: tuple[str, ...]
    tests: int
    cpu_s: list[float] = field(default_factory=list)
    wall_s: list[float] = field(default_factory=list)

    def command(self) -> list[str]:
        return [sys.executable, "-m", "pytest", *PYTEST_ARGS, *self.extra]

    def run(self, record: bool = True) -> None:
        cpu = _children_cpu_s()
        start = time.perf_counter()
        proc = subprocess.run(
            self.command(),
            check=False,
            cwd=self.root,
            env=child_env(),
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        cpu = _children_cpu_s() - cpu
        if proc.returncode != 0 or f"{self.tests} passed" not in proc.stdout:
            raise SystemExit(f"{self.name}: suite failed\n{proc.stdout[-3000:]}{proc.stderr}")
        if record:
            self.cpu_s.append(cpu)
            self.wall_s.append(wall)


# The child of ``--count``: pytest.main with a plugin that traces the test loop.
COUNT_CHILD = textwrap.dedent(
    """
    import collections, json, sys
    import pytest

    kinds = collections.Counter()
    ours = collections.Counter()
    where = {}

    def kind(code):
        name = code.co_filename
        if "/pytest_ses/" in name:
            return "pytest-ses", f"{name.rsplit('/', 1)[-1]}:{code.co_name}"
        for part, label in (("/botocore/", "botocore, boto3"), ("/boto3/", "botocore, boto3"),
                            ("/_pytest/", "pytest, pluggy"), ("/pluggy/", "pytest, pluggy")):
            if part in name:
                return label, None
        if "test_suite_" in name or "_suite_client" in name or "conftest" in name:
            return "the suite's own code", None
        return "other: " + name.rsplit("/", 1)[-1], None

    def tracer(frame, event, arg):
        code = frame.f_code
        found = where.get(code)
        if found is None:
            found = where[code] = kind(code)
        label, function = found
        frame.f_trace_opcodes = True
        frame.f_trace_lines = False

        def local(frame, event, arg):
            if event == "opcode":
                kinds[label] += 1
                if function is not None:
                    ours[function] += 1
            return local

        return local

    first = {}

    class Tracing:
        @pytest.hookimpl(wrapper=True)
        def pytest_runtestloop(self, session):
            sys.settrace(tracer)
            try:
                return (yield)
            finally:
                sys.settrace(None)

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_protocol(self, item, nextitem):
            try:
                return (yield)
            finally:
                if not first:  # what the first test cost, one-off imports included
                    first.update(kinds=dict(kinds), ours=dict(ours))

    rc = pytest.main(sys.argv[1:], plugins=[Tracing()])
    found = {"rc": int(rc), "kinds": kinds, "ours": ours, "first": first}
    print("COUNTS " + json.dumps(found))
    """
)


def count_variant(variant: Variant) -> dict[str, Any]:
    """Bytecodes executed in the test loop of one run of ``variant``, by kind and function."""
    args = [*PYTEST_ARGS, *variant.extra]
    proc = subprocess.run(
        [sys.executable, "-c", COUNT_CHILD, *args],
        cwd=variant.root,
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    found: dict[str, Any] = json.loads(proc.stdout.rsplit("COUNTS ", 1)[-1])
    if found["rc"] != 0:
        raise SystemExit(f"{variant.name}: suite failed\n{proc.stdout[-3000:]}{proc.stderr}")
    return found


def _later(found: dict[str, Any], key: str) -> collections.Counter[str]:
    """Counts of the tests after the first (whose one-off imports would swamp a small suite)."""
    later = collections.Counter(found[key])
    later.subtract(found["first"][key])
    return later


def render_counts(variants: list[Variant], top: int, markdown: bool) -> str:
    found = {v.name: count_variant(v) for v in variants}
    later = {name: _later(f, "kinds") for name, f in found.items()}
    tests = variants[0].tests
    per = max(tests - 1, 1)
    firsts = {name: sum(f["first"]["kinds"].values()) for name, f in found.items()}
    totals = {name: sum(c.values()) for name, c in later.items()}
    kinds = sorted({k for c in later.values() for k, n in c.items() if n >= per * 50})
    header = ["code", *(f"{v.name}: bytecodes/test" for v in variants)]
    rows = [[kind, *(f"{later[v.name][kind] / per:,.0f}" for v in variants)] for kind in kinds]
    rows.append(["total", *(f"{totals[v.name] / per:,.0f}" for v in variants)])
    floor = totals[FLOOR]
    rows.append(["total / floor", *(f"{totals[v.name] / floor:.3f}x" for v in variants)])
    rows.append(["first test, all code", *(f"{firsts[v.name]:,}" for v in variants)])
    out = [
        f"Python bytecodes executed in pytest's test loop, per test after the first "
        f"({tests} tests; rows of 50 or more)",
        "",
        *table(header, rows, markdown),
        "",
        f"pytest-ses's own code in the `{FAKE}` suite, by function, per test after the first "
        f"(top {top})",
        "",
    ]
    ours = _later(found[FAKE], "ours")
    out.extend(
        table(
            ["function", "bytecodes/test"],
            [[name, f"{n / per:,.1f}"] for name, n in ours.most_common(top)],
            markdown,
        )
    )
    return "\n".join(out)


def ratios(values: Sequence[float], floor: Sequence[float]) -> float:
    """Median of the per-round ratios."""
    return statistics.median(a / b for a, b in zip(values, floor, strict=True))


def spread(values: Sequence[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def render(variants: list[Variant], rounds: int, markdown: bool, load: float) -> str:
    floor = next(v for v in variants if v.name == FLOOR)
    rows = []
    for v in variants:
        over_us = (statistics.median(v.cpu_s) - statistics.median(floor.cpu_s)) / v.tests * 1e6
        rows.append(
            [
                v.name,
                f"{statistics.median(v.cpu_s):.2f} ({spread(v.cpu_s)})",
                f"{statistics.median(v.wall_s):.2f} ({spread(v.wall_s)})",
                f"{ratios(v.cpu_s, floor.cpu_s):.3f}x",
                f"{ratios(v.wall_s, floor.wall_s):.3f}x",
                f"{over_us:.0f}",
            ]
        )
    out = [
        f"{floor.tests} tests, one send_email each through a module-level client; "
        f"{rounds} rounds, variants alternated; `python -m pytest {' '.join(PYTEST_ARGS)}`",
        "",
        *table(
            [
                "variant",
                "child CPU s, median (min-max)",
                "wall s, median (min-max)",
                "CPU / floor",
                "wall / floor",
                "CPU over floor, µs/test",
            ],
            rows,
            markdown,
        ),
        "",
    ]
    fake = next(v for v in variants if v.name == FAKE)
    cpu_ratio = ratios(fake.cpu_s, floor.cpu_s)
    bullet = "- " if markdown else ""
    verdict = "met" if cpu_ratio <= TARGET else "MISSED"
    out.append(f"{bullet}target: CPU within {TARGET:.2f}x the floor: {verdict}")
    out.append("")
    out.extend(table(["machine", ""], [[k, val] for k, val in machine(load, PACKAGES)], markdown))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=7, help="runs of each variant (default 7)")
    parser.add_argument("--tests", type=int, default=1000, help="tests in the suite")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the pytest-ses suite once")
    parser.add_argument("--count", action="store_true", help="count bytecodes per test")
    parser.add_argument("--top", type=int, default=30, help="functions listed by --count")
    parser.add_argument("--keep", metavar="DIR", help="write the suites to DIR and keep them")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.tests < 1:
        parser.error("--rounds and --tests must be positive")

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="ses-suite-") as tmp:
        base = Path(args.keep).resolve() if args.keep else Path(tmp)
        make_suite(base / "fake", args.tests, fake=True)
        make_suite(base / "stub", args.tests, fake=False)
        variants = [
            Variant(FAKE, base / "fake", (), args.tests),
            Variant(FLOOR, base / "stub", ("-p", "no:ses"), args.tests),
            Variant(DORMANT, base / "stub", (), args.tests),
        ]
        if args.profile:
            fake = variants[0]
            out = str(Path(args.profile).resolve())
            command = [sys.executable, "-m", "cProfile", "-o", out, *fake.command()[1:]]
            subprocess.run(command, cwd=fake.root, env=child_env(), check=True)
            print(f"profile written to {out}")
            return 0
        if args.count:
            print(render_counts(variants, args.top, args.markdown))
            return 0
        for v in variants:  # warm-up: .pyc files, page cache
            v.run(record=False)
        for index in range(args.rounds):
            shift = index % len(variants)
            for v in variants[shift:] + variants[:shift]:
                v.run()
    print(render(variants, args.rounds, args.markdown, load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
