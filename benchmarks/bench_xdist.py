"""Wall time of a 2,000-test suite (benchmarks/xdist_suite.py) with -n 0 and -n 2.

Usage: python benchmarks/bench_xdist.py [--rounds N] [--tests N]

Runs alternate between the two modes so machine noise hits both alike;
reports the median of each and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SUITE = Path(__file__).with_name("xdist_suite.py")
MODES = {"-n 0": ["-n", "0"], "-n 2": ["-n", "2"]}


def run(args: list[str], tests: int) -> float:
    command = [sys.executable, "-m", "pytest", str(SUITE), "-q", "-p", "no:randomly", *args]
    env = {**os.environ, "XDIST_SUITE_TESTS": str(tests)}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or f"{tests} passed" not in done.stdout:
        raise SystemExit(f"suite failed with {args}:\n{done.stdout[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tests", type=int, default=2000)
    args = parser.parse_args()
    rounds = args.rounds
    times: dict[str, list[float]] = {name: [] for name in MODES}
    for _ in range(rounds):
        for name, mode in MODES.items():
            times[name].append(run(mode, args.tests))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print("| mode | median wall time (s) | runs |")
    print("| --- | --- | --- |")
    for name, median in medians.items():
        runs = ", ".join(f"{t:.1f}" for t in times[name])
        print(f"| `{name}` | {median:.2f} | {runs} |")
    print(f"\nspeed-up of -n 2 over -n 0: {medians['-n 0'] / medians['-n 2']:.2f}x")


if __name__ == "__main__":
    main()
