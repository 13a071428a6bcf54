"""Requests per second through ``ses.endpoint_url`` from a boto3 client in another process.

Run::

    python benchmarks/bench_endpoint.py [--rounds N] [--calls N]

Both servers run in this process on 127.0.0.1, on a free port:

``pytest-ses endpoint``
    ``mock_ses(...).endpoint_url`` (quotas off, so sends are never throttled).
``moto server``
    ``moto.server.ThreadedMotoServer``, if moto and its server extras
    (``pip install 'moto[server]'``) are installed.
``canned http.server (floor)``
    A stdlib ``ThreadingHTTPServer`` that answers every request with a fixed
    body: what the client, HTTP and the stdlib server cost with no fake at all.

Each round starts one client subprocess per server, in an order that rotates
from round to round. The subprocess makes its client, warms it up, then times
``--calls`` calls of each operation with ``time.perf_counter_ns`` (start-up and
client creation are not timed) and prints the elapsed times. Each figure is the
median over the rounds; each ratio is the median of the per-round ratios.
Clients sign with dummy credentials, never retry, and reach nothing but
127.0.0.1. The output is markdown.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

OPERATIONS = ("get_send_quota", "send_email")
FAKE = "pytest-ses endpoint"
MOTO = "moto server"
FLOOR = "canned http.server (floor)"
XMLNS = "http://ses.amazonaws.com/doc/2010-12-01/"
CANNED = {  # Action -> what goes inside <ActionResult>
    "GetSendQuota": "<Max24HourSend>50000.0</Max24HourSend><MaxSendRate>14.0</MaxSendRate>"
    "<SentLast24Hours>0.0</SentLast24Hours>",
    "VerifyEmailIdentity": "",
    "SendEmail": "<MessageId>0100018f-0000-0000-0000-000000000000-000000</MessageId>",
}
SENDER = "sender@example.com"
TIMEOUT = 600.0  # seconds for one client subprocess

CLIENT = """
import json, sys, time
import boto3
from botocore.config import Config

url, calls, warmup, sender = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
client = boto3.client(
    "ses", region_name="us-east-1", endpoint_url=url,
    config=Config(retries={"total_max_attempts": 1}),
)
client.verify_email_identity(EmailAddress=sender)  # moto wants a verified sender
kwargs = {
    "get_send_quota": {},
    "send_email": {
        "Source": sender,
        "Destination": {"ToAddresses": ["to@example.com"]},
        "Message": {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "A short body."}}},
    },
}
elapsed = {}
for name in sys.argv[5:]:
    call = getattr(client, name)
    for _ in range(warmup):
        call(**kwargs[name])
    start = time.perf_counter_ns()
    for _ in range(calls):
        call(**kwargs[name])
    elapsed[name] = time.perf_counter_ns() - start
print(json.dumps(elapsed))
"""


def client_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def measure(url: str, calls: int, warmup: int) -> dict[str, int]:
    """One client subprocess against ``url``: elapsed ns per operation."""
    done = subprocess.run(
        [sys.executable, "-c", CLIENT, url, str(calls), str(warmup), SENDER, *OPERATIONS],
        env=client_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"client against {url} failed:\n{done.stderr}")
    result: dict[str, int] = json.loads(done.stdout)
    return result


@contextmanager
def pytest_ses_endpoint() -> Iterator[str]:
    import pytest_ses

    with pytest_ses.mock_ses(max_24_hour_send=-1, max_send_rate=-1) as ses:
        yield ses.endpoint_url


@contextmanager
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


class _Canned(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        action = parse_qs(body.decode())["Action"][0]
        payload = (
            f'<{action}Response xmlns="{XMLNS}"><{action}Result>{CANNED[action]}</{action}Result>'
            "<ResponseMetadata><RequestId>5f2c4f7e-3d2a-4a8e-9a55-0c1c7b0e6f11</RequestId>"
            f"</ResponseMetadata></{action}Response>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@contextmanager
def floor_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def servers(notes: list[str]) -> dict[str, AbstractContextManager[str]]:
    found: dict[str, AbstractContextManager[str]] = {FAKE: pytest_ses_endpoint()}
    try:
        import moto.server  # noqa: F401
    except ImportError as exc:
        notes.append(f"moto server left out: {exc} (pip install 'moto[server]').")
    else:
        found[MOTO] = moto_endpoint()
        notes.append(f"moto {importlib.metadata.version('moto')}.")
    found[FLOOR] = floor_endpoint()
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args(argv)

    notes: list[str] = []
    samples: dict[str, dict[str, list[float]]] = {}
    with ExitStack() as stack:
        urls = {name: stack.enter_context(cm) for name, cm in servers(notes).items()}
        names = list(urls)
        for index in range(args.rounds):
            shift = index % len(names)
            for name in [*names[shift:], *names[:shift]]:
                elapsed = measure(urls[name], args.calls, args.warmup)
                for op, ns in elapsed.items():
                    rate = args.calls / (ns / 1e9)
                    samples.setdefault(op, {}).setdefault(name, []).append(rate)
    print(report(samples, names, args, notes))


def report(
    samples: dict[str, dict[str, list[float]]], names: list[str], args: Any, notes: list[str]
) -> str:
    lines = [
        f"{args.calls} calls per operation per round, median of {args.rounds} rounds; "
        "boto3 client in a subprocess, server in the parent, 127.0.0.1.",
        "",
        "| operation | " + " | ".join(f"{n} (req/s)" for n in names) + " |",
        "| --- |" + " ---: |" * len(names),
    ]
    for op, by_name in samples.items():
        cells = [f"{statistics.median(by_name[n]):,.0f}" for n in names]
        lines.append(f"| {op} | " + " | ".join(cells) + " |")
    lines.append("")
    for other in names[1:]:
        for op, by_name in samples.items():
            pairs = zip(by_name[FAKE], by_name[other], strict=True)
            ratio = statistics.median(a / b for a, b in pairs)
            lines.append(f"- {op}: {FAKE} makes {ratio:.2f}x the requests/s of {other}.")
    lines += [
        "",
        f"Python {sys.version.split()[0]}, botocore {importlib.metadata.version('botocore')}, "
        f"{platform.platform()}, {os.cpu_count()} CPUs.",
    ]
    lines += notes
    return "\n".join(lines)


if __name__ == "__main__":
    main()
