"""Tests of the Django shop: its order confirmation, sent by django-ses, read from ``ses.outbox``.

The shop is tested as deployed: Django's email API, the django-ses backend
and a real boto3 client. pytest-ses answers that client's ``SendRawEmail``
in-process, so the tests see the message SES accepted (or the error it gave),
with no mail backend swapped for a test one. pytest-django is not needed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

pytest.importorskip("django")
# Which settings Django loads: set before anything reads Django's settings
# (older django-ses releases do so on import), as pytest-django's
# DJANGO_SETTINGS_MODULE ini option would.
os.environ["DJANGO_SETTINGS_MODULE"] = "shop_site.settings"
pytest.importorskip("django_ses")

import boto3
import django
from django.conf import settings
from django.test import Client, override_settings
from orders.checkout import place_order
from orders.emails import ConfirmationNotSent, send_order_confirmation

from pytest_ses import SESMock, contains

django.setup()

CART = {"email": "dana@example.com", "name": "Dana <3", "items": {"TEA-250": 2, "MUG-01": 1}}


@pytest.fixture
def shop(ses: SESMock) -> Client:
    """The shop's deployment: its configuration set exists in its SES region."""
    sending = boto3.client("ses", region_name=settings.AWS_SES_REGION_NAME)
    sending.create_configuration_set(ConfigurationSet={"Name": settings.AWS_SES_CONFIGURATION_SET})
    return Client(headers={"host": "shop.example"})


def check_out(client: Client, cart: object) -> tuple[int, dict[str, str]]:
    response = client.post("/checkout/", cart, content_type="application/json")
    return response.status_code, response.json()


def test_the_confirmation_goes_out_through_ses(shop: Client, ses: SESMock) -> None:
    status, placed = check_out(shop, CART)

    assert status == 201
    assert placed["confirmation_email"] == "sent"
    number = placed["order"]
    (mail,) = ses.outbox
    assert mail.operation == "SendRawEmail"  # django-ses sends the MIME Django built
    assert mail.region == "eu-west-1"
    assert mail.configuration_set == "shop-transactional"
    assert mail.tags == {"category": "order-confirmation"}
    assert mail.to == ["dana@example.com"]
    assert mail.subject == f"Your order {number} is confirmed"
    assert mail.html is not None
    assert f"<strong>{number}</strong>" in mail.html
    assert "Hello Dana &lt;3," in mail.html  # Django's templates escape HTML
    assert mail.text is not None
    assert "Hello Dana <3," in mail.text
    assert "Total: EUR 31.00" in mail.text
    # SES acts on its X-SES-* headers and takes them out of the delivered mail.
    assert "X-SES-CONFIGURATION-SET" not in mail.headers


def test_the_invoice_is_attached_as_a_pdf(shop: Client, ses: SESMock) -> None:
    _, placed = check_out(shop, CART)

    number = placed["order"]
    (mail,) = ses.assert_sent(to="dana@example.com", html=contains(number))
    (invoice,) = mail.attachments
    assert invoice.filename == f"invoice-{number}.pdf"
    assert invoice.content_type == "application/pdf"
    assert invoice.content.startswith(b"%PDF-1.4\n")
    assert invoice.content.endswith(b"%%EOF\n")
    assert f"invoice for order {number}".encode() in invoice.content
    assert b"Total: EUR 31.00" in invoice.content


def test_the_sender_address_is_the_shops(shop: Client, ses: SESMock) -> None:
    check_out(shop, CART)

    # Address criteria match the bare address inside "Birch & Co. <...>".
    ses.assert_sent(source="orders@shop.example", configuration_set="shop-transactional")


@pytest.mark.ses(verified_identities=["news@shop.example"])
def test_a_refused_mail_does_not_fail_the_checkout(
    shop: Client, ses: SESMock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="orders.views"):
        status, placed = check_out(shop, CART)

    assert status == 201
    assert placed["confirmation_email"] == "delayed"
    ses.assert_nothing_sent()
    (refusal,) = ses.rejected
    assert (refusal.operation, refusal.code) == ("SendRawEmail", "MessageRejected")
    assert "orders@shop.example" in refusal.message
    assert f"confirmation of order {placed['order']} not sent: MessageRejected" in caplog.text


def test_a_throttled_send_is_retried_by_botocore(shop: Client, ses: SESMock) -> None:
    ses.fail_next("SendRawEmail", "throttling")

    status, placed = check_out(shop, CART)

    assert (status, placed["confirmation_email"]) == (201, "sent")
    assert len(ses.outbox) == 1
    assert [refusal.code for refusal in ses.rejected] == ["Throttling"]


def test_a_missing_configuration_set_is_caught(ses: SESMock) -> None:
    # No `shop` fixture: the deployment step that creates the set never ran.
    order = place_order("dana@example.com", "Dana", {"POT-1L": 1})

    with pytest.raises(ConfirmationNotSent, match="ConfigurationSetDoesNotExist"):
        send_order_confirmation(order)
    ses.assert_nothing_sent()


@pytest.mark.parametrize(
    "cart",
    [
        {"email": "dana@example.com", "name": "Dana", "items": {}},
        {"email": "dana@example.com", "name": "Dana", "items": {"SOCKS": 1}},
        {"email": "dana@example.com", "name": "Dana", "items": {"MUG-01": 0}},
        {"email": "dana@example.com", "items": {"MUG-01": 1}},
        ["not", "a", "cart"],
    ],
)
def test_an_invalid_cart_sends_nothing(shop: Client, ses: SESMock, cart: object) -> None:
    status, _ = check_out(shop, cart)

    assert status == 400
    ses.assert_nothing_sent()
    assert "SendRawEmail" not in [call.operation for call in ses.calls]  # not even tried


@pytest.fixture
def on_ses_v2() -> Iterator[None]:
    """The shop deployed with django-ses's ``USE_SES_V2 = True``: SES API v2's SendEmail."""
    with override_settings(USE_SES_V2=True):
        yield


def test_on_ses_api_v2_the_confirmation_goes_out_the_same(
    on_ses_v2: None, shop: Client, ses: SESMock
) -> None:
    status, placed = check_out(shop, CART)

    assert (status, placed["confirmation_email"]) == (201, "sent")
    (mail,) = ses.assert_sent(to="dana@example.com", configuration_set="shop-transactional")
    assert (mail.service, mail.operation) == ("sesv2", "SendEmail")  # Content.Raw
    assert mail.subject == f"Your order {placed['order']} is confirmed"
    assert mail.tags == {"category": "order-confirmation"}


def test_on_ses_api_v2_throttling_is_retried(on_ses_v2: None, shop: Client, ses: SESMock) -> None:
    # The same fault preset; API v2 answers it as TooManyRequestsException (HTTP 429).
    ses.fail_next("SendEmail", "throttling")

    status, placed = check_out(shop, CART)

    assert (status, placed["confirmation_email"]) == (201, "sent")
    assert len(ses.outbox) == 1
    assert [(call.service, call.outcome) for call in ses.calls] == [
        ("ses", "ok"),  # the shop fixture's CreateConfigurationSet
        ("sesv2", "TooManyRequestsException"),
        ("sesv2", "ok"),
    ]


@pytest.fixture
def on_anymail() -> Iterator[None]:
    """The shop sending through django-anymail's Amazon SES backend, which uses API v2."""
    pytest.importorskip("anymail")
    anymail = {
        "AMAZON_SES_CLIENT_PARAMS": {"region_name": settings.AWS_SES_REGION_NAME},
        "AMAZON_SES_CONFIGURATION_SET_NAME": settings.AWS_SES_CONFIGURATION_SET,
    }
    backend = "anymail.backends.amazon_ses.EmailBackend"
    with override_settings(EMAIL_BACKEND=backend, ANYMAIL=anymail):
        yield


def test_with_django_anymail_the_confirmation_goes_out_the_same(
    on_anymail: None, shop: Client, ses: SESMock
) -> None:
    status, placed = check_out(shop, CART)

    assert (status, placed["confirmation_email"]) == (201, "sent")
    (mail,) = ses.assert_sent(to="dana@example.com", configuration_set="shop-transactional")
    assert (mail.service, mail.operation) == ("sesv2", "SendEmail")
    assert mail.subject == f"Your order {placed['order']} is confirmed"
    (invoice,) = mail.attachments
    assert invoice.filename == f"invoice-{placed['order']}.pdf"
