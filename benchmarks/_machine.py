"""What every benchmark reports about where it ran (standard library only, so the
start-up benchmark can use it without importing boto3)."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def source_revision() -> str:
    """The git revision of the pytest_ses being measured (``-dirty``: with local changes)."""
    import pytest_ses

    folder = Path(pytest_ses.__file__).resolve().parent
    try:
        described = subprocess.run(
            ["git", "-C", str(folder), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{described} ({folder})"


def machine(load_at_start: float, packages: Sequence[str]) -> list[tuple[str, str]]:
    """(label, value) rows: CPUs, load, platform, Python, the ``packages``' versions, source."""

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return [
        ("CPUs (os.cpu_count)", str(os.cpu_count())),
        ("1-min load average, start / end", f"{load_at_start:.2f} / {os.getloadavg()[0]:.2f}"),
        ("Platform", platform.platform()),
        ("Python", sys.version.split()[0]),
        *((name, version(name)) for name in packages),
        ("pytest-ses source", source_revision()),
    ]


def table(header: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    """Rows as a Markdown table, or as aligned text: the first column left, the rest right."""
    if markdown:
        return [
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
            *("| " + " | ".join(r) + " |" for r in rows),
        ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    return [fmt.format(*header), "  ".join("-" * w for w in widths)] + [
        fmt.format(*r) for r in rows
    ]
