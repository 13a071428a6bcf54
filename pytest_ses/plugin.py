"""The pytest face of pytest-ses: the ``ses`` fixture, the ``ses`` marker and ini options.

Loaded on every pytest run through the ``pytest11`` entry point, so it stays
cheap: botocore is never imported here (see ``_intercept.watch_botocore_import``),
nor the ``Settings`` class (ini options are checked with ``_options``). pytest
and pluggy inspect every name in this module when they register it, so names
used only in annotations are imported for type checkers only, and the hooks
that matter only to tests using ``ses`` are registered when the first one runs.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

import pytest

from pytest_ses import _intercept, _options

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator
    from contextlib import AbstractContextManager

    from pytest_ses._mock import SESMock
    from pytest_ses._settings import Settings

# Install the dormant hooks as soon as botocore is imported, which may be by a
# conftest.py or an application module long before any fixture runs.
_intercept.watch_botocore_import()

_INI_VALUES = pytest.StashKey[dict[str, Any]]()  # the ses_* ini options, checked
# Made from them when a test first uses ses.
_INI_SETTINGS: pytest.StashKey[Settings] = pytest.StashKey()
# The last test that used ``ses`` and its fake, for the report hooks: [item, fake].
# One slot rather than the item's stash, as tests run one at a time: it costs the
# hooks of every phase nothing to read, and nothing to clear at teardown.
_current: list[Any] = [None, None]


def current_fake(item: pytest.Item) -> SESMock | None:
    """The fake of ``item``, if it used ``ses`` and is the last test that did."""
    return _current[1] if _current[0] is item else None


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from pytest_ses import hooks

    pluginmanager.add_hookspecs(hooks)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ses", "pytest-ses: in-memory Amazon SES")
    group.addoption(
        "--ses-region",
        dest="ses_region",
        default=None,
        help="default region of the ses fixture (overrides the ses_region ini option)",
    )
    for name in _options.NAMES:
        help_text = _options.HELP[name] + f"; @pytest.mark.ses({name}=...) overrides it per test"
        if name == "verified_identities":
            parser.addini(f"ses_{name}", help_text, type="linelist", default=["*"])
        else:
            parser.addini(f"ses_{name}", help_text, default="")
    group.addoption(
        "--ses-artifacts",
        dest="ses_artifacts",
        metavar="DIR",
        default=None,
        help="write each test's sent mail to DIR as .eml files and HTML previews "
        "(relative to the current directory; overrides the ses_artifacts ini option)",
    )
    parser.addini(
        "ses_artifacts",
        "folder (relative to the rootdir) for each test's sent mail as .eml files and HTML "
        "previews; empty: none written",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ses(region='us-east-1', verified_identities='*', sandbox=False, "
        "max_24_hour_send=None, max_send_rate=None, throttle_api=False, virtual_sleep=False, "
        "django_backend=True): settings of the "
        "fake SES behind the `ses` fixture (quota None means SES's default: 50000/day and "
        "14/s, or 200/day and 1/s in the sandbox); the closest marker wins over class and "
        "module markers, which win over the ses_* ini options.",
    )
    config.stash[_INI_VALUES] = _ini_values(config)
    if config.getoption("ses_artifacts", None) or config.getini("ses_artifacts"):
        config.pluginmanager.register(_Artifacts(), "ses-artifacts")


def _ini_values(config: pytest.Config) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in _options.NAMES:
        raw = config.getini(f"ses_{name}")
        if raw in ("", []):
            continue
        try:
            values[name] = _options.parse_ini(name, raw)
        except ValueError as exc:
            raise pytest.UsageError(f"pytest-ses: {exc}") from None
    region = config.getoption("ses_region")
    if region:
        values["region"] = region
    try:
        return _options.check(values)
    except (TypeError, ValueError) as exc:
        raise pytest.UsageError(f"pytest-ses: ini option {exc}") from None


def pytest_report_header(config: pytest.Config) -> str:
    from pytest_ses import __version__

    region = config.stash[_INI_VALUES].get("region", _options.DEFAULT_REGION)
    return f"pytest-ses {__version__}: default region {region}"


def _marker_settings(node: pytest.Item | pytest.Collector) -> dict[str, Any]:
    # What node.iter_markers("ses") yields (each node's own markers, the closest node
    # first), found by a plain walk up the parents: its generators cost several times more.
    found = []
    parent: Any = node
    while parent is not None:
        if parent.own_markers:
            found += [mark for mark in parent.own_markers if mark.name == "ses"]
        parent = parent.parent
    merged: dict[str, Any] = {}
    # Apply the farthest first, so that the closest wins.
    for marker in reversed(found):
        if marker.args:
            raise TypeError(
                f"@pytest.mark.ses takes keyword settings only, got positional {marker.args!r}"
            )
        merged.update(marker.kwargs)
    return merged


# The test being set up. The fixture reads it instead of taking ``request``: since
# pytest 9 every ``request`` argument costs an ``inspect.signature`` per test, which
# was the largest single share of what the fixture cost a suite.
_setting_up: list[pytest.Item] = []
# The last config's base settings (the ini options'), read without the stash lookups.
_base: list[Any] = [None, None]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _setting_up[:] = [item]


@pytest.fixture
def ses() -> Iterator[SESMock]:
    """A fresh fake Amazon SES that answers every boto3 SES call made during the test.

    Configure it with ``@pytest.mark.ses(...)`` or ``ses_*`` ini options.
    """
    from pytest_ses._mock import SESMock, activated  # loads with the first test using it

    node = _setting_up[0]
    config = node.config
    base = _base[1] if _base[0] is config else _base_settings(config)
    problem = None
    try:
        fake = SESMock(base.merged(_marker_settings(node)))
    except (TypeError, ValueError) as exc:
        problem = f"pytest-ses: @pytest.mark.ses: {exc}"
    if problem:
        pytest.fail(problem, pytrace=False)
    # For the report hooks; set here, so a later fixture's failure at set-up still shows it.
    _current[:] = [node, fake]
    hook = config.hook
    # Observe only when someone implements the hooks: sending stays cheap otherwise.
    if hook.pytest_ses_message_sent.get_hookimpls():
        fake._account.on_message.append(lambda m: hook.pytest_ses_message_sent(message=m, ses=fake))
    if hook.pytest_ses_event_published.get_hookimpls():
        fake._account.on_event.append(lambda e: hook.pytest_ses_event_published(event=e, ses=fake))
    if hook.pytest_ses_notification_published.get_hookimpls():
        fake._account.on_notification.append(
            lambda n: hook.pytest_ses_notification_published(notification=n, ses=fake)
        )
    if hook.pytest_ses_feedback_forwarded.get_hookimpls():
        fake._account.on_feedback.append(
            lambda f: hook.pytest_ses_feedback_forwarded(feedback=f, ses=fake)
        )
    restoring = _django_backend(fake)
    try:
        if restoring is None and not fake._settings.virtual_sleep:
            # activated(fake) without a context manager around it: every test runs this.
            saved = _intercept.push(fake)
            try:
                yield fake
            finally:
                _intercept.pop(fake, saved)
        else:
            with activated(fake), restoring or nullcontext():
                yield fake
    finally:
        fake._stop_server()
    late = fake._late_matches() if fake._failed else None
    if late:
        node.add_report_section("teardown", "pytest-ses", "\n".join(late))
    if fake._not_emulated_reported:
        fake.forget_not_emulated()  # the failed call's report says it already: once is enough
    try:
        fake.check()
    except AssertionError as exc:
        problem = str(exc)
    if problem:
        pytest.fail(problem, pytrace=False)


def _base_settings(config: pytest.Config) -> Settings:
    """The ini options' settings, made (and the report hooks registered) by the first test."""
    base = config.stash.get(_INI_SETTINGS, None)
    if base is None:
        from pytest_ses._settings import Settings

        base = config.stash[_INI_SETTINGS] = Settings(**config.stash[_INI_VALUES])
        config.pluginmanager.register(_Reporting(), "ses-reporting")
    _base[:] = [config, base]
    return base


def _django_backend(fake: SESMock) -> AbstractContextManager[None] | None:
    """What puts django-ses back for the test, if Django's test set-up swapped it out."""
    if not fake.settings.django_backend or "django.test.utils" not in sys.modules:
        return None
    from pytest_ses._django import ses_backend_restored

    return ses_backend_restored()


# -- mail you can look at (see docs/artifacts.md) --------------------------------------------


_NO_REGION_HINT = (
    "A boto3 client was made without a region while this module was imported (NoRegionError). "
    "pytest-ses gives a region to clients made while a fake is active, but this one was made "
    "before any test ran. Pass region_name= to the client, or set AWS_DEFAULT_REGION for the "
    "test run (in CI, or in conftest.py before the application is imported)."
)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """A collection error from a region-less client made at import time says how to fix it."""
    report = yield
    if report.failed and "NoRegionError" in str(report.longrepr):
        report.sections.append(("pytest-ses", _NO_REGION_HINT))
    return report


class _Reporting:
    """Hooks for tests that used ``ses``: registered when the first such test sets up."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """A failed phase of a test that used ``ses`` shows what was sent and rejected.

        A plain hook on each report rather than a wrapper of the report's making: it
        runs for every phase of every test, and first, so that every reporter (the
        terminal, JUnit XML, pytest-html, xdist's worker) sees what it adds.
        """
        if report.outcome == "failed":  # report.failed, without a property call per phase
            item, fake = _current
            if (
                item is not None
                and item.nodeid == report.nodeid
                # Reports made by the test run itself, not by plugins (subtests, ...).
                and type(report) is pytest.TestReport
            ):
                from pytest_ses._artifacts import describe_failure

                describe_failure(item, report, fake)
                note = fake._not_emulated_note() if report.when == "call" else None
                if note:  # told with this failure rather than as a second one at teardown
                    report.sections.append(("pytest-ses", note[0].upper() + note[1:]))
                    fake._not_emulated_reported = True


class _Artifacts:
    """Hooks for --ses-artifacts / ses_artifacts: registered only when artifacts are on."""

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        from pytest_ses._artifacts import name_folders

        name_folders(config, [item.nodeid for item in items])

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not hasattr(session.config, "workerinput"):  # xdist's controller writes it
            from pytest_ses._artifacts import write_top_index

            write_top_index(session.config)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, None, None]:
        """Once every fixture is torn down (mail sent by finalizers included), write artifacts."""
        try:
            return (yield)
        finally:
            fake = current_fake(item)
            if fake is not None:
                from pytest_ses._artifacts import write_for

                write_for(item, fake)
