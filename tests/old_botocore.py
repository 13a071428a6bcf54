"""Tests that call what an older botocore's model cannot express are skipped there, not failed.

The suite runs on the oldest botocore we support too (tox's ``oldest`` env). Its
models predate some SES API v2 members (``Content.Simple.Headers``, EventBridge
destinations, ...), and botocore refuses such a call before anything reaches
pytest-ses. From botocore 1.40 on every member the suite uses exists, so there the
same error fails the test as usual. ``tests/conftest.py`` and the docs-snippet run
load this module.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import botocore
import pytest
from botocore.exceptions import ParamValidationError

_COMPLETE = (1, 40)  # the oldest botocore whose models hold every member the suite calls


def _older_model() -> bool:
    version = tuple(int(part) for part in botocore.__version__.split(".")[:2])
    return version < _COMPLETE


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, None]:
    outcome = yield
    excinfo = outcome.excinfo
    if excinfo is None or not _older_model():
        return
    error = excinfo[1]
    if isinstance(error, ParamValidationError) and "Unknown parameter" in str(error):
        outcome.force_exception(
            pytest.skip.Exception(
                f"botocore {botocore.__version__}'s model lacks a member this test calls: "
                + str(error).splitlines()[-1].strip(),
                _use_item_location=True,  # reported at the test, not here
            )
        )
