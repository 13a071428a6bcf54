"""What pytest-ses costs at pytest start-up, in a project that never imports botocore.

Run::

    python benchmarks/startup.py [--runs N] [--markdown]

Two measurements, both in fresh interpreters (``sys.executable``):

(a) ``python -X importtime -c "import pytest_ses.plugin"``: the cumulative
    import time of ``pytest_ses.plugin`` (and of the ``pytest_ses`` package it
    sits in), and whether botocore or boto3 is imported at all (it must not
    be). The same with ``import pytest`` first shows what the plugin adds to
    an interpreter that already has pytest, as it is under pytest.
(b) Wall time of ``python -m pytest --co -q`` in a temporary project with a few
    trivial tests, with and without ``-p no:ses``, alternated run by run; and
    the same for ``python -m pytest -q``, which also runs the tests (and so the
    plugin's per-test report hooks).

Medians over the runs; the difference is reported both as the difference of
the medians and as the median of the paired (run-by-run) differences, of wall
time and of the child's CPU time (user + system), which other processes on a
shared machine disturb less than wall time.

(c) With ``--callgrind`` (needs valgrind), the CPU instructions of one
    ``python -m pytest --co -q`` with and without ``-p no:ses``, counted by
    ``valgrind --tool=callgrind`` with ``PYTHONHASHSEED=0``: the same from run
    to run whatever the machine's load, where (b) moves by more than the effect.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _machine import machine, table

PACKAGES = ("pytest", "botocore", "pytest-ses")

PLUGIN = "pytest_ses.plugin"
PACKAGE = "pytest_ses"
FORBIDDEN = ("botocore", "boto3", "s3transfer")
_IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)\s*$")

TEST_FILE = textwrap.dedent(
    """
    import pytest


    def test_one():
        assert 1 + 1 == 2


    def test_two():
        assert "ses".upper() == "SES"


    @pytest.mark.parametrize("n", range(5))
    def test_many(n):
        assert n >= 0


    class TestGroup:
        def test_method(self):
            assert [] == []
    """
)


def clean_env() -> dict[str, str]:
    """The environment for the child processes, without anything that changes pytest's plugins."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # let the warm-up runs leave .pyc files
    return env


# -- (a) import time -------------------------------------------------------------------------------


@dataclass
class ImportRun:
    cumulative_us: dict[str, int]
    modules: list[str]


def import_time(code: str) -> ImportRun:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
    )
    cumulative: dict[str, int] = {}
    modules: list[str] = []
    for line in proc.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match:
            name = match.group(4)
            modules.append(name)
            cumulative[name] = int(match.group(2))
    return ImportRun(cumulative, modules)


@dataclass
class ImportReport:
    code: str
    plugin_us: float
    package_us: float
    forbidden: list[str]


def measure_imports(code: str, runs: int) -> ImportReport:
    import_time(code)  # warm-up: .pyc files
    plugin: list[int] = []
    package: list[int] = []
    forbidden: set[str] = set()
    for _ in range(runs):
        run = import_time(code)
        plugin.append(run.cumulative_us.get(PLUGIN, 0))
        package.append(run.cumulative_us.get(PACKAGE, 0))
        forbidden.update(m for m in run.modules if m.split(".")[0] in FORBIDDEN)
    return ImportReport(
        code,
        statistics.median(plugin),
        statistics.median(package),
        sorted(forbidden),
    )


# -- (b) pytest --co wall time ---------------------------------------------------------------------


def make_project(root: Path) -> None:
    (root / "pytest.ini").write_text("[pytest]\n")
    for index in range(3):
        (root / f"test_trivial_{index}.py").write_text(TEST_FILE)


def _children_cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def run_pytest(root: Path, args: Sequence[str], extra: Sequence[str]) -> tuple[float, float]:
    """One pytest run: (wall ms, CPU ms of the child, user + system)."""
    cpu = _children_cpu_ms()
    start = time.perf_counter_ns()
    subprocess.run(
        [sys.executable, "-m", "pytest", *args, *extra],
        cwd=root,
        env=clean_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return (time.perf_counter_ns() - start) / 1e6, _children_cpu_ms() - cpu


def sanity(root: Path) -> tuple[bool, bool, str]:
    """(plugin loaded by default, plugin gone with -p no:ses, botocore after a -q session)."""
    header = subprocess.run(
        [sys.executable, "-m", "pytest", "--co"],
        cwd=root,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    disabled = subprocess.run(
        [sys.executable, "-m", "pytest", "--co", "-p", "no:ses"],
        cwd=root,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    probe = (
        "import sys, pytest\n"
        "rc = pytest.main(['-q'])\n"
        "assert 'pytest_ses.plugin' in sys.modules, 'plugin not loaded'\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print('RESULT', ','.join(bad) or 'none')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=root,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = out.rsplit("RESULT", 1)[-1].strip()
    banner = f"pytest-ses {importlib.metadata.version('pytest-ses')}:"  # pytest_report_header
    return banner in header, banner not in disabled, result


@dataclass
class WallReport:
    """Times (ms) of one pytest command line with and without the plugin, run by run."""

    with_ms: list[float]
    without_ms: list[float]
    with_cpu_ms: list[float]
    without_cpu_ms: list[float]

    @property
    def cpu_paired_diff(self) -> float:
        pairs = zip(self.with_cpu_ms, self.without_cpu_ms, strict=True)
        return statistics.median(a - b for a, b in pairs)

    @property
    def median_with(self) -> float:
        return statistics.median(self.with_ms)

    @property
    def median_without(self) -> float:
        return statistics.median(self.without_ms)

    @property
    def paired_diff(self) -> float:
        return statistics.median(a - b for a, b in zip(self.with_ms, self.without_ms, strict=True))


def measure_wall(root: Path, runs: int, args: Sequence[str]) -> WallReport:
    contenders: list[tuple[str, list[str]]] = [("with", []), ("without", ["-p", "no:ses"])]
    samples: dict[str, list[float]] = {"with": [], "without": []}
    cpu: dict[str, list[float]] = {"with": [], "without": []}
    for _, extra in contenders:  # warm-up: .pyc files, page cache
        run_pytest(root, args, extra)
    for index in range(runs):
        order = contenders if index % 2 == 0 else contenders[::-1]
        for name, extra in order:
            wall_ms, cpu_ms = run_pytest(root, args, extra)
            samples[name].append(wall_ms)
            cpu[name].append(cpu_ms)
    return WallReport(samples["with"], samples["without"], cpu["with"], cpu["without"])


# -- (c) instructions ------------------------------------------------------------------------------

_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(root: Path, extra: Sequence[str]) -> int:
    """CPU instructions of one ``pytest --co -q`` run under callgrind."""
    env = clean_env()
    env["PYTHONHASHSEED"] = "0"  # the same dict layouts, so the same count, every run
    command = [sys.executable, "-m", "pytest", "--co", "-q", *extra]
    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)  # warm-up
    proc = subprocess.run(
        [*valgrind, *command], cwd=root, env=env, check=True, capture_output=True, text=True
    )
    match = _COLLECTED.search(proc.stderr)
    if match is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{proc.stderr[-2000:]}")
    return int(match.group(1))


# -- report ----------------------------------------------------------------------------------------


def iqr(values: Sequence[float]) -> str:
    if len(values) < 2:
        return "-"
    q = statistics.quantiles(values, n=4)
    return f"{q[0]:.1f}-{q[2]:.1f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="runs of each variant (default 15)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument(
        "--callgrind", action="store_true", help="also count instructions with valgrind"
    )
    args = parser.parse_args(argv)
    if args.callgrind and shutil.which("valgrind") is None:
        parser.error("--callgrind needs valgrind on PATH")
    if args.runs < 1:
        parser.error("--runs must be positive")

    load = os.getloadavg()[0]
    bare = measure_imports(f"import {PLUGIN}", args.runs)
    after_pytest = measure_imports(f"import pytest; import {PLUGIN}", args.runs)
    with tempfile.TemporaryDirectory(prefix="plugin-startup-") as tmp:
        root = Path(tmp)
        make_project(root)
        loaded, disabled, botocore_in_session = sanity(root)
        collect = measure_wall(root, args.runs, ["--co", "-q"])
        full = measure_wall(root, args.runs, ["-q"])
        counted = (
            (instructions(root, []), instructions(root, ["-p", "no:ses"]))
            if args.callgrind
            else None
        )

    out: list[str] = []
    md = args.markdown
    out.append(f"(a) import time, median of {args.runs} runs of `python -X importtime -c CODE`")
    out.append("")
    out.extend(
        table(
            [
                "CODE",
                f"{PLUGIN} cumulative µs",
                f"of which {PACKAGE} µs",
                "botocore imported",
            ],
            [
                [
                    f"`{r.code}`" if md else r.code,
                    f"{r.plugin_us:.0f}",
                    f"{r.package_us:.0f}",
                    ", ".join(r.forbidden) or "no",
                ]
                for r in (bare, after_pytest)
            ],
            md,
        )
    )
    out.append("")
    out.append(
        f"(b) wall time of `python -m pytest ARGS` in a temporary project (3 files, "
        f"24 trivial tests), {args.runs} runs of each variant, alternated; `-q` also runs "
        "the tests, so it adds the plugin's per-test hooks"
    )
    out.append("")
    rows = []
    for label, wall in (("--co -q", collect), ("-q", full)):
        rows.append(
            [
                f"`{label}`" if md else label,
                f"{wall.median_with:.1f} ({iqr(wall.with_ms)})",
                f"{wall.median_without:.1f} ({iqr(wall.without_ms)})",
                f"{wall.median_with - wall.median_without:.1f}",
                f"{wall.paired_diff:.1f}",
                f"{wall.cpu_paired_diff:.1f}",
            ]
        )
    out.extend(
        table(
            [
                "ARGS",
                "with pytest-ses: median ms (IQR)",
                "-p no:ses: median ms (IQR)",
                "difference of medians ms",
                "median paired difference ms",
                "CPU (user+sys): median paired difference ms",
            ],
            rows,
            md,
        )
    )
    worst = max(collect.median_with - collect.median_without, collect.paired_diff)
    out.append("")
    bullet = "- " if md else ""
    out.append(
        f"{bullet}`pytest --co -q` costs {worst:.1f} ms more with pytest-ses "
        f"(target < 20 ms): {'met' if worst < 20 else 'MISSED'}"
    )
    out.append(
        f"{bullet}botocore/boto3 imported by `import {PLUGIN}`: "
        f"{', '.join(bare.forbidden) or 'no'}; after a whole `pytest -q` session with the "
        f"plugin loaded: {botocore_in_session}"
    )
    out.append(
        f"{bullet}sanity: plugin in the report header by default: {loaded}; "
        f"absent with -p no:ses: {disabled}"
    )
    if counted is not None:
        with_plugin, without = counted
        out.append(
            f"{bullet}(c) `pytest --co -q` under callgrind: {with_plugin / 1e6:.1f} M "
            f"instructions with pytest-ses, {without / 1e6:.1f} M with `-p no:ses`: "
            f"{(with_plugin - without) / 1e6:+.1f} M ({(with_plugin / without - 1) * 100:+.1f} %; "
            f"about {(with_plugin / without - 1) * collect.median_without:.1f} ms of the "
            f"{collect.median_without:.0f} ms run without the plugin)"
        )
    out.append("")
    out.extend(table(["machine", ""], [[k, v] for k, v in machine(load, PACKAGES)], md))
    print("\n".join(out))
    return 0 if not bare.forbidden else 1


if __name__ == "__main__":
    sys.exit(main())
