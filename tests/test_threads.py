"""One fake shared by many application threads loses nothing."""

from __future__ import annotations

import threading

import boto3
import pytest

from pytest_ses import SESMock

THREADS = 8
PER_THREAD = 500


@pytest.mark.ses(max_send_rate=-1, max_24_hour_send=-1)
def test_eight_threads_sending_500_each(ses: SESMock) -> None:
    # boto3's default session is not thread-safe: each thread makes its own, as apps should.
    clients = [
        boto3.session.Session().client("ses", region_name="us-east-1") for _ in range(THREADS)
    ]
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def work(number: int) -> None:
        start.wait(timeout=30)
        try:
            for i in range(PER_THREAD):
                clients[number].send_email(
                    Source="a@example.com",
                    Destination={"ToAddresses": [f"t{number}-{i}@example.net"]},
                    Message={"Subject": {"Data": f"{number}/{i}"}, "Body": {"Text": {"Data": "x"}}},
                )
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    total = THREADS * PER_THREAD
    assert len(ses.outbox) == total
    assert len({m.message_id for m in ses.outbox}) == total
    assert {m.subject for m in ses.outbox} == {
        f"{n}/{i}" for n in range(THREADS) for i in range(PER_THREAD)
    }
    quota = clients[0].get_send_quota()
    assert quota["SentLast24Hours"] == float(total)
    (point,) = clients[0].get_send_statistics()["SendDataPoints"]
    assert point["DeliveryAttempts"] == total
    assert len(ses.events) == 2 * total  # Send and Delivery for each
