"""Tests of signup_app.py through Flask's test client, with SES answered by the ``ses`` fixture."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("flask")

from flask import Flask
from flask.testing import FlaskClient
from signup_app import create_app, pending_signups

from pytest_ses import SESMock, contains


@pytest.fixture
def app(ses: SESMock) -> Flask:
    # Depending on `ses` is enough: the app's own boto3 client is answered by the fake.
    return create_app({"TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_signup_mails_a_confirmation_link(app: Flask, client: FlaskClient, ses: SESMock) -> None:
    response = client.post("/signup", json={"email": "robin@example.com"})

    assert response.status_code == 202
    (token,) = pending_signups(app)
    ses.assert_sent(
        to="robin@example.com",
        subject="Welcome to Fernhill Garden Club",
        html=contains(f"https://fernhill.example/confirm?token={token}"),
        tags={"category": "welcome"},
        times=1,
    )


def test_the_link_in_the_mail_confirms_the_address(client: FlaskClient, ses: SESMock) -> None:
    client.post("/signup", json={"email": "robin@example.com"})

    (mail,) = ses.outbox
    assert mail.html is not None
    (link,) = re.findall(r'href="https://fernhill\.example(/confirm\?token=[^"]+)"', mail.html)
    response = client.get(link)

    assert response.status_code == 200
    assert response.get_json() == {"status": "confirmed", "email": "robin@example.com"}
    assert client.get(link).status_code == 404  # a link works once


def test_a_rejected_mail_is_a_503(app: Flask, client: FlaskClient, ses: SESMock) -> None:
    ses.fail_next("SendEmail", "message_rejected")

    response = client.post("/signup", json={"email": "robin@example.com"})

    assert response.status_code == 503
    assert response.get_json() == {
        "error": "email_rejected",
        "detail": "We could not mail that address.",
    }
    ses.assert_nothing_sent()
    assert pending_signups(app) == {}  # nothing left half-done


@pytest.mark.ses(verified_identities=["robin@example.com"])
def test_an_unverified_sender_is_rejected_too(client: FlaskClient, ses: SESMock) -> None:
    # The same failure, caused the way it happens in production.
    response = client.post("/signup", json={"email": "robin@example.com"})

    assert response.status_code == 503
    assert [refusal.code for refusal in ses.rejected] == ["MessageRejected"]


def test_throttling_is_absorbed_by_retries(client: FlaskClient, ses: SESMock) -> None:
    ses.fail_next("SendEmail", "throttling")

    response = client.post("/signup", json={"email": "robin@example.com"})

    assert response.status_code == 202
    ses.assert_sent(to="robin@example.com", times=1)
    assert [refusal.code for refusal in ses.rejected] == ["Throttling"]


def test_throttling_that_outlasts_the_retries_is_a_503(client: FlaskClient, ses: SESMock) -> None:
    ses.fail_next("SendEmail", "throttling", times=3)  # every one of the app's 3 attempts

    response = client.post("/signup", json={"email": "robin@example.com"})

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["error"] == "busy"
    ses.assert_nothing_sent()


@pytest.mark.parametrize("body", [{}, {"email": "not-an-address"}, ["robin@example.com"]])
def test_an_invalid_signup_sends_nothing(client: FlaskClient, ses: SESMock, body: object) -> None:
    response = client.post("/signup", json=body)

    assert response.status_code == 400
    assert ses.calls == []
