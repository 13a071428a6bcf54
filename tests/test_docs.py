"""Every Python snippet of the docs and the README runs: the tests as tests, the rest compiled.

A snippet that defines ``test_`` functions is written out as a test module and
run with the plugin, all of them in one pytest run (skipped where it needs an
optional library that is not installed). One that shows a failure on purpose
is preceded by ``<!-- snippet: fails -->``; one that cannot stand alone (a
fragment of the page's previous snippet) by ``<!-- snippet: fragment -->``, and
is only compiled, like every snippet without tests; a signature shown as
Python by ``<!-- snippet: signature -->``, and is left alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
_BLOCK = re.compile(r"(?:<!-- snippet: (\w+) -->\n)?```python\n(.*?)```", re.S)


def snippets() -> list[tuple[str, str, str | None]]:
    """(id, code, mark) of every fenced Python block."""
    found = []
    for page in PAGES:
        for number, match in enumerate(_BLOCK.finditer(page.read_text(encoding="utf-8")), 1):
            name = f"{page.stem}_{number}".replace("-", "_")
            if match.group(1) != "signature":
                found.append((name, match.group(2), match.group(1)))
    return found


OPTIONAL = ("aioboto3", "aiobotocore", "django", "flask", "moto")


def runnable(code: str) -> str:
    """The snippet as a test module: skipped where an optional library it uses is missing."""
    needs = [lib for lib in OPTIONAL if re.search(rf"^(import|from) {lib}\b", code, re.M)]
    guard = "".join(f"pytest.importorskip({lib!r})\n" for lib in needs)
    return f"import pytest\n{guard}\n{code}" if needs else code


SNIPPETS = snippets()
RUNNABLE = [(name, code, mark) for name, code, mark in SNIPPETS if "def test_" in code
            and mark != "fragment"]  # fmt: skip


def test_the_docs_have_snippets() -> None:
    assert len(RUNNABLE) > 40  # the regex still finds them


@pytest.mark.parametrize(
    ("name", "code"), [(n, c) for n, c, _ in SNIPPETS], ids=[n for n, _, _ in SNIPPETS]
)
def test_every_snippet_compiles(name: str, code: str) -> None:
    compile(code, f"{name}.py", "exec")


def test_every_test_snippet_runs(pytester: pytest.Pytester) -> None:
    for name, code, _ in RUNNABLE:
        pytester.makepyfile(**{f"test_snippet_{name}": runnable(code)})
    pytester.makeconftest((ROOT / "tests" / "old_botocore.py").read_text(encoding="utf-8"))
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "-rA", "-p", "no:cacheprovider", "--continue-on-collection-errors"
    )
    outcomes: dict[str, set[str]] = {}
    for line in result.stdout.lines:
        found = re.match(
            r"(PASSED|FAILED|ERROR|SKIPPED) (?:\[\d+\] )?test_snippet_(\w+?)\.py", line
        )
        if found:
            outcomes.setdefault(found.group(2), set()).add(found.group(1))
    wrong = {}
    for name, _, mark in RUNNABLE:
        seen = outcomes.get(name, {"NOT RUN"})
        expected = {"FAILED"} if mark == "fails" else {"PASSED", "SKIPPED"}
        if not seen & expected or (mark != "fails" and seen - {"PASSED", "SKIPPED"}):
            wrong[name] = sorted(seen)
    assert not wrong, f"{wrong}\n" + "\n".join(result.stdout.lines[-80:])
