"""Mail you can look at: the failure section, ``--ses-artifacts`` files and pytest-html extras."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_ses._artifacts import folder_name
from pytest_ses._preview import render_index, render_message

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SESMock

pytest_plugins = ["pytester"]

# A test module for pytester: one test sends a plain and a raw message, has one
# send refused, and fails; the other sends and passes.
MAILING = """
import boto3
import pytest
from email.message import EmailMessage

@pytest.fixture
def client(ses):
    return boto3.client("ses", region_name="us-east-1")

def send_plain(client, subject="Welcome"):
    return client.send_email(
        Source="sender@example.com",
        Destination={"ToAddresses": ["ada@example.com"], "CcAddresses": ["cc@example.com"],
                     "BccAddresses": ["audit@example.com"]},
        Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": "Hello Ada"}}},
        Tags=[{"Name": "campaign", "Value": "spring"}],
        ConfigurationSetName="news",
    )

def send_raw(client):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "sender@example.com", "bob@example.com", "Report"
    message.set_content("See attached.")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="report.pdf")
    message.add_attachment(b"PNG", maintype="image", subtype="png", filename="logo.png")
    client.send_raw_email(RawMessage={"Data": message.as_bytes()})

@pytest.mark.ses(verified_identities=["sender@example.com"])
def test_fails(client):
    client.create_configuration_set(ConfigurationSet={"Name": "news"})
    send_plain(client)
    send_raw(client)
    with pytest.raises(client.exceptions.MessageRejected):
        client.send_email(
            Source="stranger@example.com",
            Destination={"ToAddresses": ["eve@example.com"], "BccAddresses": ["b@example.com"]},
            Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}},
        )
    with pytest.raises(client.exceptions.MessageRejected):
        client.send_raw_email(Source="stranger@example.com", Destinations=["zed@example.com"],
                              RawMessage={"Data": b"Subject: x\\r\\n\\r\\nx"})
    assert False, "the application forgot something"

def test_passes(client):
    client.create_configuration_set(ConfigurationSet={"Name": "news"})
    send_plain(client, subject="All good")
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:randomly", *args)


# -- the failure section ---------------------------------------------------------------------


def test_failing_test_shows_what_was_sent_and_rejected(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_mail=MAILING)
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_fails _*",
            "*AssertionError: the application forgot something*",
            "*- Captured SES mail -*",
            "2 sent, 2 rejected",
            "sent #1 at 20*T*:*:*+00:00 (us-east-1, SendEmail) id 0100*-000000",
            "  from: sender@example.com",
            "  to: ada@example.com",
            "  cc: cc@example.com",
            "  bcc: audit@example.com",
            "  subject: Welcome",
            "  configuration set: news",
            "  tags: campaign=spring",
            "sent #2 at * (us-east-1, SendRawEmail) id *",
            "  from: sender@example.com",
            "  to: bob@example.com",
            "  subject: Report",
            "  attachments: report.pdf, logo.png",
            "rejected #1 at * (us-east-1, SendEmail): MessageRejected: Email address is not "
            "verified.*stranger@example.com",
            "  Source: stranger@example.com",
            "  Destination: to eve@example.com; bcc b@example.com",
            "rejected #2 at * (us-east-1, SendRawEmail): MessageRejected: *",
            "  Source: stranger@example.com",
            "  Destinations: zed@example.com",
            "*= short test summary info =*",
        ]
    )
    assert "All good" not in result.stdout.str()  # the passing test's mail


def test_passing_test_gets_no_section(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_mail=MAILING)
    result = run(pytester, "-rA", "-k", "passes")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*Captured SES mail*")


def test_failing_test_without_mail_says_so(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_quiet(ses):
            assert False

        def test_only_identities(ses):
            boto3.client("ses", region_name="us-east-1").list_identities()
            assert False

        def test_no_fake():
            assert False
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "*_ test_quiet _*",
            "*- Captured SES mail -*",
            "no SES calls",
            "*_ test_only_identities _*",
            "*- Captured SES mail -*",
            "no mail sent or rejected (1 SES call)",
            "*_ test_no_fake _*",
        ]
    )
    assert result.stdout.str().count("Captured SES mail") == 2


def test_setup_and_teardown_errors_get_the_section(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest

        def send(subject):
            boto3.client("ses", region_name="us-east-1").send_email(
                Source="a@example.com", Destination={"ToAddresses": ["b@example.com"]},
                Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": "x"}}})

        @pytest.fixture
        def broken(ses):
            send("sent during setup")
            raise RuntimeError("setup broke")

        @pytest.fixture
        def goodbye(ses):
            yield
            send("sent during teardown")
            raise RuntimeError("teardown broke")

        def test_setup(broken):
            pass

        def test_teardown(goodbye):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at setup of test_setup _*",
            "*RuntimeError: setup broke",
            "*- Captured SES mail setup -*",
            "1 sent, 0 rejected",
            "  subject: sent during setup",
            "*_ ERROR at teardown of test_teardown _*",
            "*RuntimeError: teardown broke",
            "*- Captured SES mail teardown -*",
            "1 sent, 0 rejected",
            "  subject: sent during teardown",
        ]
    )


def test_section_makes_control_characters_visible(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_evil(ses):
            boto3.client("ses", region_name="us-east-1").send_email(
                Source="a@example.com", Destination={"ToAddresses": ["b@example.com"]},
                Message={"Subject": {"Data": "Caf\\u00e9 \\x1b[2J"}, "Body": {"Text": {"Data": "x"}}})
            assert False
        """
    )
    result = run(pytester)
    result.stdout.fnmatch_lines(["  subject: Café \\x1b[[]2J"])
    assert "\x1b[2J" not in result.stdout.str()


# -- files on disk ---------------------------------------------------------------------------


def eml_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.eml"))


def test_artifacts_written_for_every_test_that_sent_mail(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_mail=MAILING
        + """
def test_sends_nothing(ses):
    pass
"""
    )
    result = run(pytester, "--ses-artifacts=out")
    result.assert_outcomes(passed=2, failed=1)
    out = pytester.path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "index.html",  # the run's top page
        "test_mail.py__test_fails",
        "test_mail.py__test_passes",
    ]
    failed = out / "test_mail.py__test_fails"
    result.stdout.fnmatch_lines([f"2 sent, 2 rejected; previews and .eml files in {failed}"])
    emls = eml_files(failed)
    assert [p.name[:4] for p in emls] == ["001-", "002-"]
    assert all(re.fullmatch(r"00\d-0100[0-9a-f-]+-000000\.eml", p.name) for p in emls)
    first = emls[0].read_bytes()
    assert b"Subject: Welcome" in first
    assert b"Subject: Report" in emls[1].read_bytes()
    assert sorted(p.name for p in failed.glob("*.html")) == sorted(
        [p.with_suffix(".html").name for p in emls] + ["index.html"]
    )
    index = (failed / "index.html").read_text("utf-8")
    for eml in emls:
        assert f'href="{eml.name}"' in index
        assert f'href="{eml.with_suffix(".html").name}"' in index
    assert ">Welcome</a>" in index
    assert ">Report</a>" in index
    passed = out / "test_mail.py__test_passes"
    assert "All good" in eml_files(passed)[0].with_suffix(".html").read_text("utf-8")


def test_eml_is_the_raw_message(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pathlib

        def test_one(ses):
            boto3.client("ses", region_name="us-east-1").send_raw_email(
                RawMessage={"Data": b"From: a@example.com\\r\\nTo: b@example.com\\r\\n"
                                    b"Subject: exact\\r\\n\\r\\nbody\\r\\n"})
            pathlib.Path("raw.bin").write_bytes(ses.outbox[0].raw)
        """
    )
    run(pytester, "--ses-artifacts=out").assert_outcomes(passed=1)
    [eml] = eml_files(pytester.path / "out" / "test_eml_is_the_raw_message.py__test_one")
    assert eml.read_bytes() == (pytester.path / "raw.bin").read_bytes()


def test_earlier_files_are_replaced(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_mail=MAILING)
    for _ in range(2):
        run(pytester, "--ses-artifacts=out", "-k", "passes").assert_outcomes(passed=1)
    folder = pytester.path / "out" / "test_mail.py__test_passes"
    assert len(eml_files(folder)) == 1
    assert len(list(folder.glob("*.html"))) == 2  # the preview and index.html


def test_ini_is_relative_to_rootdir_and_the_option_to_cwd(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nses_artifacts = from-ini\n")
    pytester.makepyfile(test_mail=MAILING)
    sub = pytester.mkdir("sub")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(sub)
        run(pytester, str(pytester.path), "-k", "passes").assert_outcomes(passed=1)
        assert eml_files(pytester.path / "from-ini" / "test_mail.py__test_passes")
        assert not (sub / "from-ini").exists()

        run(pytester, str(pytester.path), "-k", "passes", "--ses-artifacts=from-cli")
        assert eml_files(sub / "from-cli" / "test_mail.py__test_passes")
    # the ini folder got nothing new: the option won
    assert len(eml_files(pytester.path / "from-ini" / "test_mail.py__test_passes")) == 1


def test_nothing_written_when_off_or_nothing_sent(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_mail=MAILING, test_quiet="def test_quiet(ses):\n    pass\n")

    def written() -> set[Path]:  # Python's own bytecode cache is not ours
        return {p for p in pytester.path.iterdir() if p.name != "__pycache__"}

    before = written()
    run(pytester, "-p", "no:cacheprovider").assert_outcomes(passed=2, failed=1)
    assert written() == before
    run(pytester, "--ses-artifacts=out", "test_quiet.py").assert_outcomes(passed=1)
    assert not (pytester.path / "out").exists()


def test_one_tree_and_one_index_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_mail=MAILING)
    result = run(pytester, "-n", "2", "--ses-artifacts=out")
    result.assert_outcomes(passed=1, failed=1)
    out = pytester.path / "out"
    folders = {p.name for p in out.iterdir() if p.is_dir()}
    assert folders == {"test_mail.py__test_fails", "test_mail.py__test_passes"}  # no gw0/gw1
    index = (out / "index.html").read_text()
    assert index.count("/index.html") == 2
    assert '<a href="test_mail.py__test_fails/index.html">' in index
    result.stdout.fnmatch_lines(["2 sent, 2 rejected; previews and .eml files in */out/test_mail*"])


def test_a_re_run_leaves_no_stale_files(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_mail="""
        import os
        import boto3

        def test_maybe_sends(ses):
            if os.environ.get("SEND") == "1":
                boto3.client("ses", region_name="us-east-1").send_email(
                    Source="a@example.com", Destination={"ToAddresses": ["b@example.net"]},
                    Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
                )
        """
    )
    pytester.makepyfile(test_other="def test_other(ses):\n    pass\n")
    folder = pytester.path / "out" / "test_mail.py__test_maybe_sends"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEND", "1")
        run(pytester, "-n", "2", "--ses-artifacts=out").assert_outcomes(passed=2)
    assert len(list(folder.glob("*.eml"))) == 1
    run(pytester, "-n", "2", "--ses-artifacts=out").assert_outcomes(passed=2)
    assert not folder.exists()
    assert "test_maybe_sends" not in (pytester.path / "out" / "index.html").read_text()


def test_folder_names_are_safe_short_and_unique(pytester: pytest.Pytester) -> None:
    assert (
        folder_name("tests/test_x.py::TestA::test_y[a b/c]")
        == "tests_test_x.py__TestA__test_y_a_b_c"
    )
    assert folder_name("../..::x") == "x"
    long_name = folder_name("tests/test_x.py::test_" + "y" * 200)
    assert len(long_name) == 80
    assert re.fullmatch(r"tests_test_x\.py__test_y+-[0-9a-f]{8}", long_name)
    assert long_name != folder_name("tests/test_x.py::test_" + "y" * 201)

    pytester.makepyfile(
        test_mail="""
        import boto3, pytest

        @pytest.mark.parametrize("name", ["a b", "a_b", "A_B"])
        def test_p(ses, name):
            boto3.client("ses", region_name="us-east-1").send_email(
                Source="a@example.com", Destination={"ToAddresses": ["b@example.com"]},
                Message={"Subject": {"Data": name}, "Body": {"Text": {"Data": "x"}}})
        """
    )
    run(pytester, "--ses-artifacts=out").assert_outcomes(passed=3)
    folders = [p for p in (pytester.path / "out").iterdir() if p.is_dir()]
    assert len({p.name.lower() for p in folders}) == 3
    subjects = {
        eml_files(p)[0].read_bytes().split(b"Subject: ")[1].split(b"\r\n")[0] for p in folders
    }
    assert subjects == {b"a b", b"a_b", b"A_B"}


def test_write_failure_is_a_teardown_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_mail=MAILING)
    (pytester.path / "out").write_text("a file, not a folder")
    result = run(pytester, "--ses-artifacts=out", "-k", "passes")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*pytest-ses: could not write SES artifacts to */out/*"])


# -- the preview page ------------------------------------------------------------------------


class _Page(HTMLParser):
    """The bits of a preview a reader sees: texts by element id, attributes of the iframe."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self.iframe: dict[str, str | None] = {}
        self.scripts = 0
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.scripts += tag == "script"
        if tag == "iframe":
            self.iframe = found
        self._current = found.get("id")

    def handle_endtag(self, tag: str) -> None:
        self._current = None

    def handle_data(self, data: str) -> None:
        if self._current:
            self.texts[self._current] = self.texts.get(self._current, "") + data


HOSTILE_SUBJECT = '</title><script>alert(1)</script> & "quotes"'
HOSTILE_HTML = '<p onclick="steal()">Hi &amp; bye</p><script>steal()</script>"\'<'
HOSTILE_TEXT = "</pre><script>steal()</script> & <b>not bold</b>"


def test_preview_escapes_everything(ses: SESMock, client: SESClient) -> None:
    client.send_email(
        Source="a@example.com",
        Destination={"ToAddresses": ['"<b>Eve</b>" <eve@example.com>']},
        Message={
            "Subject": {"Data": HOSTILE_SUBJECT},
            "Body": {"Text": {"Data": HOSTILE_TEXT}, "Html": {"Data": HOSTILE_HTML}},
        },
        Tags=[{"Name": "k", "Value": "v"}],
    )
    message = ses.outbox[0]
    page = render_message(message)
    parsed = _Page()
    parsed.feed(page)
    assert parsed.scripts == 0
    assert parsed.texts["subject"] == HOSTILE_SUBJECT
    assert parsed.texts["text"] == message.text
    assert parsed.iframe["srcdoc"] == message.html == HOSTILE_HTML
    assert parsed.iframe["sandbox"] == ""
    assert "<b>Eve</b>" not in page
    assert html.escape('"<b>Eve</b>" <eve@example.com>') in page
    index = render_index("t<script>", [("001-x", message)])
    assert "<script>" not in index
    assert "t&lt;script&gt;" in index


def test_preview_lists_headers_and_attachments(ses: SESMock, client: SESClient) -> None:
    client.send_email(
        Source="a@example.com",
        Destination={"ToAddresses": ["b@example.com"]},
        Message={"Subject": {"Data": "Grüße"}, "Body": {"Text": {"Data": "x"}}},
    )
    page = render_message(ses.outbox[0])
    assert "<td>Subject</td><td>Grüße</td>" in page  # decoded, not =?utf-8?...
    assert "No HTML body." in page
    assert "No attachments." in page


def test_preview_attachment_table(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_mail=MAILING)
    run(pytester, "--ses-artifacts=out", "-k", "fails")
    folder = pytester.path / "out" / "test_mail.py__test_fails"
    page = eml_files(folder)[1].with_suffix(".html").read_text("utf-8")
    assert "<td>report.pdf</td><td>application/pdf</td><td>8 bytes</td>" in page
    assert "<td>logo.png</td><td>image/png</td><td>3 bytes</td>" in page


# -- pytest-html -----------------------------------------------------------------------------


def _previews(report: Path) -> list[str]:
    """The pages in the SES preview frames of a pytest-html report (v4 keeps rows as JSON)."""
    page = report.read_text("utf-8")
    blob = re.search(r'data-jsonblob="([^"]*)"', page)
    if blob:
        tests = json.loads(html.unescape(blob.group(1)))["tests"]
        page = "".join(e["content"] for rows in tests.values() for r in rows for e in r["extras"])
    frames = re.findall(
        r'<iframe sandbox="" title="SES message preview"[^>]* srcdoc="([^"]*)"', page
    )
    return [html.unescape(frame) for frame in frames]


def test_pytest_html_report_embeds_previews_of_failed_tests(pytester: pytest.Pytester) -> None:
    pytest.importorskip("pytest_html")
    pytester.makepyfile(test_mail=MAILING)
    result = run(pytester, "--html=report.html", "--self-contained-html")
    result.assert_outcomes(passed=1, failed=1)
    report = pytester.path / "report.html"
    assert "Welcome" in report.read_text("utf-8")
    welcome, raw = _previews(report)  # the failed test's two messages; none of the passed one's
    assert '<h1 id="subject">Welcome</h1>' in welcome
    assert '<h1 id="subject">Report</h1>' in raw
    assert "<td>report.pdf</td>" in raw


def test_no_previews_without_an_html_report(pytester: pytest.Pytester) -> None:
    pytest.importorskip("pytest_html")
    pytester.makeconftest(
        """
        def pytest_runtest_logreport(report):
            if report.failed:
                assert not getattr(report, "extras", None) and not getattr(report, "extra", None)
        """
    )
    pytester.makepyfile(test_mail=MAILING)
    run(pytester).assert_outcomes(passed=1, failed=1)
