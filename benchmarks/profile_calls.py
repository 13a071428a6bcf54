"""Where an SES call through pytest-ses spends its time: cProfile over many calls.

Run::

    python benchmarks/profile_calls.py [--op get_send_quota] [--calls 2000] [--top 25]

Profiles ``--calls`` calls of one operation (after a warm-up) on one client
inside ``mock_ses()``, then prints the functions of pytest-ses by internal
time and the share of the whole call spent inside pytest-ses's
``before-send`` handler. cProfile's own overhead inflates small Python
functions, so read the shares, not the absolute times.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
from collections.abc import Sequence

from bench_calls import FAKE_SETTINGS, call_loop, client_for, parse_op_arguments


def main(argv: Sequence[str] | None = None) -> int:
    op, calls, top = parse_op_arguments(__doc__, argv, "get_send_quota", 2000)

    import pytest_ses

    with pytest_ses.mock_ses(**FAKE_SETTINGS):
        client = client_for(op)
        call_loop(client, op, 200)  # warm-up
        profile = cProfile.Profile()
        profile.enable()
        call_loop(client, op, calls)
        profile.disable()

    stats = pstats.Stats(profile, stream=io.StringIO())
    entries = stats.stats  # type: ignore[attr-defined]
    # Each entry: (file, line, function) -> (calls, primitive calls, tottime, cumtime, callers).
    total = max(value[3] for value in entries.values())
    handler = sum(
        value[3]
        for (path, _, func), value in entries.items()
        if path.endswith("_intercept.py") and func == "_before_send"
    )
    print(f"{calls} x {op.method}: {total:.3f} s under cProfile")
    print(f"inside pytest-ses's before-send handler: {handler:.3f} s ({handler / total:.0%})")
    print()
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(r"pytest_ses", top)
    print(out.getvalue().strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
