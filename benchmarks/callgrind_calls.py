"""CPU instructions per call, pytest-ses against the floor, counted by callgrind.

Run::

    python benchmarks/callgrind_calls.py [--calls 100] [--markdown]

Wall-clock ratios on a shared machine move by ±0.1x from run to run; the
instructions a call executes do not depend on the load. Each contender runs in
its own ``valgrind --tool=callgrind`` process (``PYTHONHASHSEED=0``), warmed up
first, and only its timed loop is counted (``--toggle-collect`` on
``functools.reduce``, which drives the loop). Contenders: ``send_email`` (v1),
``sesv2 send_email`` (``Content.Simple``) and ``send_templated_email``, each
through pytest-ses and through the null ``before-send`` floor of
``bench_calls.py``, plus the render alone that ``bench_templates.py`` adds to
the templated floor. Needs valgrind; takes a few minutes.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

CONTENDERS = (
    "v1-fake", "v1-floor", "v2-fake", "v2-floor", "tmpl-fake", "tmpl-floor", "tmpl-render",
)  # fmt: skip


def _call(contender: str) -> tuple[Callable[[], Any], Any]:
    """The call to count and the context to run it in.

    A fake's client is made once pytest-ses is installed (its first activation), as
    ``bench_calls.py`` makes it; a floor's before.
    """
    import contextlib

    from bench_calls import (
        FAKE_SETTINGS,
        OPERATIONS,
        V2_SEND,
        V2_SEND_BODY,
        add_null_handlers,
        add_v2_null_handlers,
        dummy_client,
        new_client,
        new_v2_client,
    )
    from bench_templates import ORDER_TEMPLATE, SEND

    import pytest_ses

    api, _, kind = contender.partition("-")
    fake = kind == "fake"
    context = pytest_ses.mock_ses(**FAKE_SETTINGS) if fake else contextlib.nullcontext()
    if fake:
        with pytest_ses.mock_ses(**FAKE_SETTINGS):
            pass
    if api == "v2":
        client = new_v2_client()
        if not fake:
            add_v2_null_handlers(client, V2_SEND_BODY)
        return lambda: client.send_email(**V2_SEND), context
    if api == "tmpl" and kind == "render":
        from pytest_ses._fake import render

        parts = [ORDER_TEMPLATE[k] for k in ("SubjectPart", "TextPart", "HtmlPart")]

        def render_only() -> None:
            data = json.loads(SEND.kwargs["TemplateData"])
            for part in parts:
                render.render(part, data)

        return render_only, context
    op = SEND if api == "tmpl" else OPERATIONS[2]
    if fake:
        client = new_client()
    else:
        client = dummy_client()
        add_null_handlers(client, {op.action: op.canned_body()})
    call = getattr(client, op.method)
    return lambda: call(**op.kwargs), context


def child(contender: str, calls: int) -> None:
    from bench_templates import ORDER_TEMPLATE

    call, context = _call(contender)
    with context:
        if contender == "tmpl-fake":
            from bench_calls import new_client

            new_client().create_template(Template=ORDER_TEMPLATE)  # type: ignore[arg-type]
        for _ in range(30):
            call()
        functools.reduce(lambda acc, _: (call(), acc)[1], range(calls), 0)


def count(contender: str, calls: int) -> float:
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        "--toggle-collect=functools_reduce",
        sys.executable, __file__, "--child", contender, "--calls", str(calls),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{proc.stderr[-2000:]}")
    return int(found.group(1)) / calls


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--child", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.calls)
        return 0
    got = {name: count(name, args.calls) for name in CONTENDERS}
    rows = [
        ("send_email (v1)", got["v1-fake"], got["v1-floor"]),
        ("sesv2 send_email", got["v2-fake"], got["v2-floor"]),
        ("send_templated_email", got["tmpl-fake"], got["tmpl-floor"]),
        (
            "send_templated_email vs floor + render",
            got["tmpl-fake"],
            got["tmpl-floor"] + got["tmpl-render"],
        ),
    ]
    if args.markdown:
        print("| call | pytest-ses instructions | floor | ratio |")
        print("|---|---:|---:|---:|")
        for name, fake, floor in rows:
            print(f"| {name} | {fake / 1000:,.0f} k | {floor / 1000:,.0f} k | {fake / floor:.3f} |")
    else:
        for name, fake, floor in rows:
            print(f"{name:40} {fake / 1000:9,.0f} k  {floor / 1000:9,.0f} k  {fake / floor:.3f}x")
    print(f"render alone: {got['tmpl-render'] / 1000:,.0f} k instructions; {args.calls} calls each")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    raise SystemExit(main())
