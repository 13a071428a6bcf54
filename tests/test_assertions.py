"""Queries and assertions over the outbox and the events, and the failure text they give."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from pytest_ses import ANY, contains

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SESMock


def send(client: SESClient, to: str, subject: str, **kwargs: Any) -> str:
    return client.send_email(
        Source="shop@example.com",
        Destination={"ToAddresses": [to]},
        Message={
            "Subject": {"Data": subject},
            "Body": {"Text": {"Data": f"Body of {subject}"}, "Html": {"Data": "<a href='x'>x</a>"}},
        },
        **kwargs,
    )["MessageId"]


def test_filter_and_only_with_every_kind_of_criterion(client: SESClient, ses: SESMock) -> None:
    send(client, "Ann <ann@example.net>", "Welcome")
    send(client, "bob@example.net", "Receipt #42")
    outbox = ses.outbox
    assert [m.subject for m in outbox.filter(to="ANN@example.net")] == ["Welcome"]
    assert outbox.only(subject=re.compile(r"#\d+")).to == ["bob@example.net"]
    assert outbox.only(text=contains("Welcome")).subject == "Welcome"
    assert len(outbox.filter(subject=ANY)) == 2
    assert outbox.filter(subject=lambda s: s.startswith("Rec"))[0].subject == "Receipt #42"
    assert outbox.filter(to=["bob@example.net"])[0].subject == "Receipt #42"
    assert outbox.filter(subject="nothing") == []


def test_tags_match_as_a_subset(client: SESClient, ses: SESMock) -> None:
    send(
        client,
        "a@example.net",
        "x",
        Tags=[{"Name": "k", "Value": "v"}, {"Name": "o", "Value": "p"}],
    )
    ses.assert_sent(tags={"k": "v"})
    ses.assert_not_sent(tags={"k": "other"})


def test_assert_sent_returns_matches_and_counts(client: SESClient, ses: SESMock) -> None:
    send(client, "a@example.net", "One")
    send(client, "a@example.net", "Two")
    assert len(ses.assert_sent(to="a@example.net", times=2)) == 2
    with pytest.raises(
        AssertionError, match=r"expected exactly 1 message with to='a@example\.net', but 2 matched"
    ):
        ses.assert_sent(to="a@example.net", times=1)


def test_misspelt_field_is_a_type_error(ses: SESMock) -> None:
    with pytest.raises(
        TypeError,
        match=r"message has no field 'subjct' \(did you mean 'subject'\?\); valid fields are: message_id, ",
    ):
        ses.outbox.filter(subjct="x")
    with pytest.raises(TypeError, match=r"event has no field 'kind'; valid fields are: type, "):
        ses.assert_event(kind="Bounce")


def test_assert_nothing_sent(client: SESClient, ses: SESMock) -> None:
    ses.assert_nothing_sent()
    send(client, "a@example.net", "Oops")
    with pytest.raises(AssertionError, match=r"expected no messages with anything, but 1 matched"):
        ses.assert_nothing_sent()


def test_event_assertions(client: SESClient, ses: SESMock) -> None:
    message_id = send(client, "bounce@simulator.amazonses.com", "x")
    ses.assert_event(
        type="Bounce", message_id=message_id, recipients="bounce@simulator.amazonses.com"
    )
    ses.assert_event(type="Send", times=1)
    ses.assert_no_event(type="Complaint")
    assert ses.events.only(type="Bounce").record["bounce"]["bounceType"] == "Permanent"
    with pytest.raises(
        AssertionError, match="expected no events with type='Bounce', but 1 matched"
    ):
        ses.assert_no_event(type="Bounce")


# -- the failure messages, as pytest shows them ------------------------------------------------


def literal_brackets(lines: list[str]) -> list[str]:
    """fnmatch patterns where ``[`` is literal and only ``*`` is a wildcard."""
    return [line.replace("[", "[[]") for line in lines]


MODULE = """
import re
import boto3
import pytest
from pytest_ses import contains

client = boto3.client("ses", region_name="us-east-1")

def send(to, subject, region="us-east-1"):
    boto3.client("ses", region_name=region).send_email(
        Source="shop@example.com",
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": "hello " + subject}}},
    )
"""


def test_failure_lists_every_message_and_why(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        MODULE
        + """
def test_it(ses):
    send("bob@example.net", "Receipt")
    send("ann@example.net", "Welcom")
    ses.assert_sent(to="ann@example.net", subject="Welcome", text=contains("hello"))
"""
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        literal_brackets(
            [
                "E *AssertionError: pytest-ses: expected at least one message with to='ann@example.net', "
                "subject='Welcome', text=contains('hello'), but 0 matched.",
                "E *All 2 messages, in order:",
                "E *[1] SendEmail 0100...????????... in us-east-1: from shop@example.com to bob@example.net, subject 'Receipt'",
                "E *- to: 'ann@example.net' is not among ['bob@example.net']",
                "E *- subject: expected 'Welcome', got 'Receipt'",
                "E *[2] SendEmail * to ann@example.net, subject 'Welcom'",
                "E *- subject: expected 'Welcome', got 'Welcom'",
                "E *Near misses: [2] differs only in subject.",
            ]
        )
    )
    # The plugin's own frames are hidden: the traceback ends in the test.
    for module in ("_mock.py", "_asserting.py", "outbox.py", "_matching.py"):
        assert module not in result.stdout.str()


def test_failure_shows_rejections_when_nothing_was_sent(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        MODULE
        + """
@pytest.mark.ses(verified_identities=["other.example"])
def test_it(ses):
    try:
        send("ann@example.net", "Welcome")
    except Exception:
        pass  # the application logs and carries on
    ses.assert_sent(subject="Welcome")
"""
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.stdout.fnmatch_lines(
        literal_brackets(
            [
                "E *AssertionError: pytest-ses: expected at least one message with subject='Welcome', but 0 matched.",
                "E *No messages at all.",
                "E *Hint: Nothing was sent, but SES refused 1 send attempt:",
                "E *SendEmail in us-east-1: MessageRejected: Email address is not verified. The following "
                "identities failed the check in region US-EAST-1: shop@example.com",
            ]
        )
    )


def test_failure_points_at_other_regions(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        MODULE
        + """
def test_it(ses):
    send("ann@example.net", "Welcome", region="eu-west-1")
    send("bob@example.net", "Other")
    ses.assert_sent(subject="Welcome", region="us-east-1")
"""
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.stdout.fnmatch_lines(
        literal_brackets(
            [
                "E *[1] SendEmail 0102* in eu-west-1: *",
                "E *- region: expected 'us-east-1', got 'eu-west-1'",
                "E *Near misses: [1] differs only in region; [2] differs only in subject.",
            ]
        )
    )


def test_a_message_sent_after_a_failed_assertion_is_pointed_out(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        MODULE
        + """
import threading

def test_it(ses):
    worker = threading.Thread(target=send, args=("ann@example.net", "Welcome"))
    try:
        ses.assert_sent(subject="Welcome")  # the worker has not run yet
    finally:
        worker.start()
        worker.join()
"""
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        literal_brackets(
            [
                "*- Captured pytest-ses teardown -*",
                "assert_sent(subject='Welcome') failed, but a matching message (0100*) was sent after "
                "it: does the code send from a thread or task the test did not wait for?",
            ]
        )
    )


def test_header_criteria_ignore_case_and_raw_takes_text_patterns(
    client: SESClient, ses: SESMock
) -> None:
    send(client, "a@example.net", "Hello")
    ses.assert_sent(headers={"subject": "Hello", "MIME-VERSION": "1.0"})
    ses.assert_not_sent(headers={"subject": "Other"})
    ses.assert_sent(raw=re.compile(r"^Subject: Hello\r$", re.MULTILINE))


def test_unhashable_criteria_fail_as_assertions(client: SESClient, ses: SESMock) -> None:
    send(client, "a@example.net", "Hello")
    with pytest.raises(AssertionError, match="expected at least one message with region="):
        ses.assert_sent(region=["eu-west-1"])


def test_tests_see_no_plumbing(ses: SESMock) -> None:
    # What the interception layer and the assertions use stays private.
    public = {name for name in dir(ses) if not name.startswith("_")}
    assert not public & {"backend", "default_region", "retry_sleep", "late_matches"}
    for log in (ses.outbox, ses.events):
        public = {name for name in dir(log) if not name.startswith("_")}
        assert public == {"filter", "only", "count", "index"}


def test_failure_text_reads_well(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def send(client, subject):
            client.send_email(
                Source="shop@example.com", Destination={"ToAddresses": ["ann@example.net"]},
                Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": "t"}}},
            )

        def test_plural(ses):
            client = boto3.client("ses", region_name="us-east-1")
            send(client, "Your order 1234 has shipped today")
            ses.assert_sent(times=2, subject="Your order 1243 has shipped today")
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *expected exactly 2 messages with subject='Your order 1243 has shipped today', "
            "but 0 matched.",
            "E *The one message, in order:",
            "E *[[]1] SendEmail 0100...????????... in us-east-1: *",  # [[] is a literal [
            "E *differs: Your order 12{+3+}4[[]-3-] has shipped today*",
            "*Captured SES mail*",
            "1 sent, 0 rejected",
            "(the messages are listed in the assertion above)",
        ]
    )
    assert "sent #1" not in result.stdout.str()  # not listed a second time
