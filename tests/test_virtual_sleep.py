"""``virtual_sleep``: the application's own ``time.sleep`` moves the fake's clock instead."""

from __future__ import annotations

import pytest

# Installed before any fixture runs: stands for the real sleep, and notes every call.
CONFTEST = """
import time

REAL_SLEEPS = []
time.sleep = REAL_SLEEPS.append
"""


def test_sleeps_of_the_test_thread_take_no_time(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        """
        import threading
        import time

        import boto3
        import pytest
        from conftest import REAL_SLEEPS

        @pytest.mark.ses(virtual_sleep=True, max_send_rate=1)
        def test_retrying_sender(ses):
            client = boto3.client("ses", region_name="us-east-1")
            client.verify_email_identity(EmailAddress="a@example.com")
            start = ses.clock.now()
            for attempt in range(3):  # the application's own back-off loop
                time.sleep(60 * 2 ** attempt)
            assert (ses.clock.now() - start).total_seconds() == 420
            worker = threading.Thread(target=time.sleep, args=(0.25,))
            worker.start()
            worker.join()
            assert REAL_SLEEPS == [0.25]  # other threads sleep for real

        def test_off_by_default(ses):
            time.sleep(5)
            assert REAL_SLEEPS[-1] == 5

        def test_restored_after_the_test():
            assert time.sleep == REAL_SLEEPS.append
        """
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=3)


def test_mock_ses_takes_it_too(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        """
        import time

        from conftest import REAL_SLEEPS
        from pytest_ses import mock_ses

        def test_block():
            with mock_ses(virtual_sleep=True) as ses:
                before = ses.clock.now()
                time.sleep(30)
                assert (ses.clock.now() - before).total_seconds() == 30
            assert REAL_SLEEPS == []
        """
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)


def test_the_setting_is_checked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.ses(virtual_sleep="yes please")
        def test_bad(ses):
            pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*virtual_sleep*"])
