"""2,000 tests using the fixture pass under pytest-xdist and without it: nothing is shared."""

from __future__ import annotations

from pathlib import Path

import pytest

SUITE = Path(__file__).parent.parent / "benchmarks" / "xdist_suite.py"


@pytest.mark.parametrize("mode", [["-n", "2"], ["-p", "no:xdist"]], ids=["xdist-n2", "no-xdist"])
def test_two_thousand_tests(pytester: pytest.Pytester, mode: list[str]) -> None:
    pytest.importorskip("xdist")
    pytester.copy_example(str(SUITE))
    result = pytester.runpytest_subprocess(
        SUITE.name, *mode, "-q", "-p", "no:randomly", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=2000)
