"""The plugin as users meet it, through pytester."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_fixture_answers_a_real_client(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_send_quota(ses):
            client = boto3.client("ses", region_name="us-east-1")
            client.verify_email_identity(EmailAddress="me@example.com")
            assert client.list_identities()["Identities"] == ["me@example.com"]
            assert [c.operation for c in ses.calls] == ["VerifyEmailIdentity", "ListIdentities"]

        def test_fresh_fake_per_test(ses):
            client = boto3.client("ses", region_name="us-east-1")
            assert client.list_identities()["Identities"] == []
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_marker_precedence_over_class_module_and_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        ses_region = eu-west-1
        ses_max_send_rate = 3
        """
    )
    pytester.makepyfile(
        """
        import pytest

        def test_ini(ses):
            assert (ses.region, ses.settings.max_send_rate) == ("eu-west-1", 3.0)
        """,
        test_marked="""
        import pytest

        pytestmark = pytest.mark.ses(region="us-west-2", sandbox=True)

        def test_module(ses):
            assert (ses.region, ses.settings.sandbox) == ("us-west-2", True)
            assert ses.settings.max_send_rate == 3.0  # not overridden: from ini

        @pytest.mark.ses(region="ap-south-1")
        class TestClass:
            def test_class(self, ses):
                assert (ses.region, ses.settings.sandbox) == ("ap-south-1", True)

            @pytest.mark.ses(region="sa-east-1", sandbox=False)
            def test_function(self, ses):
                assert (ses.region, ses.settings.sandbox) == ("sa-east-1", False)
        """,
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=4)


def test_every_ini_option(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        ses_region = eu-central-1
        ses_sandbox = true
        ses_max_24_hour_send = 1000
        ses_max_send_rate = 2.5
        ses_verified_identities =
            sender@example.com
            example.org
        """
    )
    pytester.makepyfile(
        """
        import boto3

        def test_settings(ses):
            assert ses.settings.verified_identities == ("sender@example.com", "example.org")
            quota = boto3.client("ses").get_send_quota()  # region from the settings
            assert (quota["Max24HourSend"], quota["MaxSendRate"]) == (1000.0, 2.5)
            assert ses.calls[0].region == "eu-central-1"
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_command_line_region_overrides_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nses_region = eu-west-1\n")
    pytester.makepyfile("def test_region(ses):\n    assert ses.region == 'us-west-1'\n")
    pytester.runpytest("--ses-region", "us-west-1").assert_outcomes(passed=1)


def test_misspelt_marker_setting_names_the_valid_ones(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.ses(sandboxed=True)
        def test_typo(ses):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*pytest-ses: @pytest.mark.ses: unknown pytest-ses setting(s) 'sandboxed'; "
            "valid settings are: region, verified_identities, sandbox, *",
        ]
    )


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        (
            "verified_identities='a@example.com'",
            "*got the string 'a@example.com'; write * for a single identity",
        ),
        ("max_send_rate='fast'", "*max_send_rate: expected a number, got 'fast'*"),
        ("'eu-west-1'", "*takes keyword settings only*"),
    ],
)
def test_bad_marker_values_are_errors(pytester: pytest.Pytester, marker: str, message: str) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.ses({marker})
        def test_bad(ses):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])


@pytest.mark.parametrize(
    ("ini", "message"),
    [
        ("ses_sandbox = maybe", "*pytest-ses: ses_sandbox: expected true or false, got 'maybe'*"),
        (
            "ses_max_24_hour_send = lots",
            "*pytest-ses: ses_max_24_hour_send: expected a number, got 'lots'*",
        ),
        ("ses_region = not a region", "*pytest-ses: ini option region: expected a region name*"),
    ],
)
def test_bad_ini_values_stop_the_run(pytester: pytest.Pytester, ini: str, message: str) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_nothing(ses):\n    pass\n")
    result = pytester.runpytest()
    assert result.ret != 0
    result.stderr.fnmatch_lines([message])


def test_markers_help_and_header_document_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    markers = pytester.runpytest("--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.ses(region='us-east-1', *sandbox=False*"])
    help_text = pytester.runpytest("--help")
    help_text.stdout.fnmatch_lines(
        ["*--ses-region*", "*ses_verified_identities*", "*ses_sandbox*", "*ses_max_send_rate*"]
    )
    run = pytester.runpytest()
    run.stdout.fnmatch_lines(["pytest-ses *: default region us-east-1"])


def test_unemulated_operation_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def send_newsletter():
            client = boto3.client("ses", region_name="us-east-1")
            try:
                client.list_receipt_rule_sets()
            except Exception:
                pass  # the application swallows the error

        def test_swallowed(ses):
            send_newsletter()

        def test_opted_out(ses):
            send_newsletter()
            ses.forget_not_emulated()
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_swallowed*",
            "*the code under test called SES operation(s) that pytest-ses does not emulate: "
            "ListReceiptRuleSets. Each call raised pytest_ses.NotEmulatedError; if the test expected "
            "that, call ses.forget_not_emulated() before it ends. The emulated operations are "
            "listed on the 'Operations' (docs/operations.md) page of the pytest-ses documentation.",
        ]
    )


def test_a_not_emulated_call_that_fails_the_test_is_reported_once(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_not_emulated(ses):
            boto3.client("ses", region_name="us-east-1").list_receipt_rule_sets()

        def test_fine(ses):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)  # was: 1 failed, 1 passed, 2 errors
    result.stdout.fnmatch_lines(
        [
            "*NotEmulatedError: pytest-ses does not emulate the SES operation "
            "'ListReceiptRuleSets'*docs/operations.md*",
            "*- pytest-ses -*",
            "The code under test called SES operation(s) that pytest-ses does not emulate: "
            "ListReceiptRuleSets.*",
        ]
    )
    assert "ERROR at teardown" not in result.stdout.str()


def test_fake_is_torn_down_when_the_test_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from pytest_ses import _intercept

        def test_fails(ses):
            assert _intercept.active() is ses
            raise RuntimeError("boom")

        def test_after():
            assert _intercept.active() is None
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1, failed=1)


def test_conftest_client_made_at_import_in_a_fresh_process(pytester: pytest.Pytester) -> None:
    # A fresh interpreter: botocore is first imported by conftest.py, after the
    # plugin loaded, and the client exists before any fixture runs.
    pytester.makeconftest(
        """
        import sys
        assert "botocore" not in sys.modules, "plugin must not import botocore"
        import boto3
        CLIENT = boto3.client("ses", region_name="eu-west-1")
        """
    )
    pytester.makepyfile(
        """
        import sys
        from conftest import CLIENT

        def test_answered(ses):
            CLIENT.verify_email_identity(EmailAddress="a@example.com")
            assert ses.calls[0].region == "eu-west-1"
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:xdist")
    result.assert_outcomes(passed=1)


def test_mock_ses_serves_a_module_scoped_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from pytest_ses import mock_ses

        @pytest.fixture(scope="module")
        def shared_ses():
            with mock_ses(region="eu-west-2") as fake:
                yield fake

        def test_one(shared_ses):
            boto3.client("ses").verify_email_identity(EmailAddress="a@example.com")

        def test_two(shared_ses):
            assert boto3.client("ses").list_identities()["Identities"] == ["a@example.com"]
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_loading_the_plugin_loads_neither_botocore_nor_the_fake() -> None:
    # pytest imports every installed plugin on every run: this one must stay cheap.
    import subprocess
    import sys

    code = (
        "import sys, pytest_ses.plugin, pytest_ses\n"
        "heavy = [m for m in sys.modules if m.startswith(('botocore', 'boto3', 'pytest_ses._fake',"
        " 'pytest_ses._mock', 'pytest_ses._wire.query', 'pytest_ses._settings'))]\n"
        "assert not heavy, heavy\n"
        "assert pytest_ses.SESMock.__name__ == 'SESMock'  # public names load on first use\n"
        "try:\n"
        "    pytest_ses.Nope\n"
        "except AttributeError as exc:\n"
        "    assert 'no attribute' in str(exc)\n"
        "else:\n"
        "    raise SystemExit('missing names must raise AttributeError')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_option_names_are_the_settings_fields() -> None:
    # The plugin declares its ini options from _options.NAMES without creating Settings.
    import dataclasses

    from pytest_ses._options import NAMES
    from pytest_ses._settings import Settings

    assert tuple(f.name for f in dataclasses.fields(Settings)) == NAMES


def test_a_region_less_client_made_at_import_time_gets_a_hint(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
        import boto3

        CLIENT = boto3.client("ses")

        def test_send(ses):
            pass
        """
    )
    for key in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(pytester.path / "no-config"))
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*NoRegionError*", "*- pytest-ses -*", "A boto3 client was made without a region*"]
    )


def test_every_public_name_resolves() -> None:
    import pytest_ses

    missing = [name for name in pytest_ses.__all__ if not hasattr(pytest_ses, name)]
    assert missing == []
