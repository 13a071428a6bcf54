"""What one SES call through pytest-ses does, counted rather than timed.

Run::

    python benchmarks/count_steps.py [--op send_email|sesv2_send_email] [--calls 200] [--top 25]

Inside a real call the fake's code costs about twice what it costs in a tight
loop (botocore's larger path evicts it from the CPU caches between calls), so
wall-clock profiles of the fake mislead. Two counts do not depend on the
machine or its load:

* Python bytecodes executed per call in pytest-ses's own code, by function
  (a ``sys.settrace`` opcode tracer; the compiled codec functions included);
* objects a call leaves behind that the garbage collector tracks, by type
  (what every later collection has to walk).
"""

from __future__ import annotations

import collections
import gc
import sys
import types
from collections.abc import Callable, Sequence
from typing import Any

from bench_calls import FAKE_SETTINGS, Operation, call_loop, client_for, parse_op_arguments

OURS = ("pytest_ses", "pytest-ses")  # package paths and the compiled codec's file names


def count_opcodes(op: Operation, calls: int) -> collections.Counter[str]:
    """Bytecodes executed in pytest-ses code during ``calls`` calls, by function."""
    import pytest_ses

    counts: collections.Counter[str] = collections.Counter()
    Tracer = Callable[[types.FrameType, str, Any], Any]

    def tracer(frame: types.FrameType, event: str, arg: Any) -> Tracer | None:
        code = frame.f_code
        if not any(part in code.co_filename for part in OURS):
            return None
        frame.f_trace_opcodes = True
        key = f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_name}"

        def local(frame: types.FrameType, event: str, arg: Any) -> Tracer:
            if event == "opcode":
                counts[key] += 1
            return local

        return local

    with pytest_ses.mock_ses(**FAKE_SETTINGS):
        client = client_for(op)
        call_loop(client, op, 20)  # warm-up: caches, compiled codecs
        sys.settrace(tracer)
        try:
            call_loop(client, op, calls)
        finally:
            sys.settrace(None)
    return counts


def count_kept(op: Operation, calls: int) -> collections.Counter[str]:
    """GC-tracked objects still alive after ``calls`` calls in one fake, by type."""
    import pytest_ses

    with pytest_ses.mock_ses(**FAKE_SETTINGS):
        client = client_for(op)
        call_loop(client, op, 20)
        gc.collect()
        before = collections.Counter(type(o).__name__ for o in gc.get_objects())
        call_loop(client, op, calls)
        gc.collect()
        after = collections.Counter(type(o).__name__ for o in gc.get_objects())
    return after - before


def main(argv: Sequence[str] | None = None) -> int:
    op, calls, top = parse_op_arguments(__doc__, argv, "send_email", 200)

    opcodes = count_opcodes(op, calls)
    bytecodes = sum(opcodes.values()) / calls
    print(f"{op.service} {op.method}: {bytecodes:.0f} bytecodes a call in pytest-ses")
    for name, executed in opcodes.most_common(top):
        print(f"  {executed / calls:7.1f}  {name}")
    kept = count_kept(op, calls)
    per_call = {name: count / calls for name, count in kept.items()}
    print(f"objects kept per call that the GC tracks: {sum(per_call.values()):.2f}")
    for name, share in sorted(per_call.items(), key=lambda item: -item[1])[:top]:
        if share >= 0.01:
            print(f"  {share:7.2f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
