"""200 tests using the fixture pass under pytest-xdist and without it: nothing is shared."""

from __future__ import annotations

from pathlib import Path

import pytest

SUITE = Path(__file__).parent.parent / "benchmarks" / "xdist_suite.py"


@pytest.mark.parametrize("mode", [["-n", "2"], ["-p", "no:xdist"]], ids=["xdist-n2", "no-xdist"])
def test_two_hundred_tests(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mode: list[str]
) -> None:
    pytest.importorskip("xdist")
    monkeypatch.setenv("XDIST_SUITE_TESTS", "200")
    pytester.copy_example(str(SUITE))
    result = pytester.runpytest_subprocess(
        SUITE.name, *mode, "-q", "-p", "no:randomly", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=200)
