"""What the plugin costs a whole suite: 1,000 tests that each send one email, as pytest runs.

Two suites in a temporary folder, each run as its own pytest process, rounds
interleaved: ``pytest-ses`` (each test uses the ``ses`` fixture and asserts on
``ses.outbox``) and ``stubbed`` (the same tests, with the plugin off and SES
stubbed out entirely: a null before-send handler answering a prebuilt reply,
no state). Reported: medians of the child's CPU time (user + system, from
``os.wait4``) and wall time, and the median of the per-round ratios. One
warm-up run each first, with bytecode caching on (``PYTHONDONTWRITEBYTECODE``
is dropped for the children), so both measure a suite as a developer reruns it.

    python benchmarks/bench_suite.py --tests 1000 --rounds 5 --markdown
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import machine

APP = """
import boto3

CLIENT = boto3.client("ses", region_name="us-east-1")


def send(number):
    return CLIENT.send_email(
        Source="shop@example.com",
        Destination={"ToAddresses": [f"customer{number}@example.net"]},
        Message={"Subject": {"Data": f"Order {number}"}, "Body": {"Text": {"Data": "Thanks"}}},
    )
"""
TEST = """
import pytest

from app import send


@pytest.mark.parametrize("number", range({tests}))
def test_order_mail(ses, number):
    send(number)
    assert ses.outbox[-1].to == [f"customer{{number}}@example.net"]
"""
# The stub: what a project would write with no fake at all.
STUB_CONFTEST = """
import botocore
import pytest
from botocore.awsrequest import AWSResponse

from app import CLIENT

BODY = (
    b'<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/">'
    b"<SendEmailResult><MessageId>0100-stub</MessageId></SendEmailResult>"
    b"<ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></SendEmailResponse>"
)


class _Raw:
    def stream(self, **kwargs):
        yield BODY


class Stub:
    def __init__(self):
        self.outbox = []


class _Sent:
    def __init__(self, to):
        self.to = to


@pytest.fixture
def ses():
    stub = Stub()

    def before_send(request, **kwargs):
        body = request.body if isinstance(request.body, str) else request.body.decode()
        to = body.split("ToAddresses.member.1=", 1)[1].split("&", 1)[0]
        stub.outbox.append(_Sent([to.replace("%40", "@")]))
        headers = {"Content-Type": "text/xml", "Content-Length": str(len(BODY))}
        return AWSResponse(request.url, 200, headers, _Raw())

    CLIENT.meta.events.register("before-send.ses", before_send)
    CLIENT.meta.events.register("choose-signer.ses", lambda **kwargs: botocore.UNSIGNED)
    yield stub
    CLIENT.meta.events.unregister("before-send.ses", before_send)
"""


def make_suite(folder: Path, tests: int, stubbed: bool) -> None:
    folder.mkdir()
    (folder / "app.py").write_text(APP)
    (folder / "test_orders.py").write_text(TEST.format(tests=tests))
    (folder / "conftest.py").write_text(STUB_CONFTEST if stubbed else "")
    (folder / "pytest.ini").write_text("[pytest]\n")


def run_once(folder: Path, stubbed: bool) -> tuple[float, float]:
    """(child CPU seconds, wall seconds) of one pytest run of the suite in ``folder``."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
    if stubbed:
        command += ["-p", "no:ses"]
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"suite failed in {folder}:\n{output.decode(errors='replace')[-3000:]}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--markdown", action="store_true")
    options = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folders = {"pytest-ses": Path(tmp, "plugin"), "stubbed": Path(tmp, "stubbed")}
        for name, folder in folders.items():
            make_suite(folder, options.tests, stubbed=name == "stubbed")
        for name, folder in folders.items():  # warm-up: bytecode caches written, as on a laptop
            run_once(folder, stubbed=name == "stubbed")
        cpu: dict[str, list[float]] = {name: [] for name in folders}
        wall: dict[str, list[float]] = {name: [] for name in folders}
        for round_number in range(options.rounds):
            order = list(folders) if round_number % 2 == 0 else list(reversed(folders))
            for name in order:
                used, elapsed = run_once(folders[name], stubbed=name == "stubbed")
                cpu[name].append(used)
                wall[name].append(elapsed)
    ratios_cpu = [a / b for a, b in zip(cpu["pytest-ses"], cpu["stubbed"], strict=True)]
    ratios_wall = [a / b for a, b in zip(wall["pytest-ses"], wall["stubbed"], strict=True)]
    rows = [(name, statistics.median(cpu[name]), statistics.median(wall[name])) for name in folders]
    lines = []
    if options.markdown:
        lines += ["| suite | child CPU (median) | wall (median) |", "|---|---:|---:|"]
        lines += [f"| {name} | {c:.2f} s | {w:.2f} s |" for name, c, w in rows]
    else:
        lines += [f"{name:12} CPU {c:6.2f} s  wall {w:6.2f} s" for name, c, w in rows]
    lines.append(
        f"ratio pytest-ses / stubbed ({options.tests} tests, {options.rounds} rounds, median of "
        f"per-round ratios): CPU {statistics.median(ratios_cpu):.3f}x, "
        f"wall {statistics.median(ratios_wall):.3f}x (target: CPU within 1.05x)"
    )
    lines += [f"{label}: {value}" for label, value in machine(load, ("pytest", "botocore"))]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
