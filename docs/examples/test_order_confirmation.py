"""Tests of order_confirmation.py: the rendered mail, and an order SES cannot render."""

from __future__ import annotations

import json
from typing import Any

import order_confirmation
import pytest

from pytest_ses import SESMock, contains

ORDER: dict[str, Any] = {
    "number": "A-1001",
    "lines": [
        {"quantity": 2, "title": "Green tea", "price": "€8.00"},
        {"quantity": 1, "title": "Cup <large>", "price": "€12.50"},
    ],
    "total": "€20.50",
}


@pytest.fixture
def shop(ses: SESMock) -> SESMock:
    order_confirmation.set_up_sending()
    return ses


def test_the_confirmation_is_rendered_from_the_template(shop: SESMock) -> None:
    message_id = order_confirmation.confirm_order("ann@example.net", {"name": "Ann"}, ORDER)

    mail = shop.assert_sent(template="OrderConfirmation", to="ann@example.net")[0]
    assert mail.message_id == message_id
    assert mail.subject == "Your Acme order A-1001"
    assert mail.html == (
        "<p>Hello Ann,</p><table>"
        "<tr><td>2</td><td>Green tea</td><td>€8.00</td></tr>"
        "<tr><td>1</td><td>Cup <large></td><td>€12.50</td></tr>"  # SES does not escape
        "</table><p>Total: <b>€20.50</b></p>"
    )
    assert mail.text == (
        "Hello Ann,\n- 2 x Green tea: €8.00\n- 1 x Cup <large>: €12.50\nTotal: €20.50\n"
    )
    assert mail.template_data == {"customer": {"name": "Ann"}, "order": ORDER}


def test_a_gift_note_is_shown_only_for_gifts(shop: SESMock) -> None:
    order_confirmation.confirm_order("ann@example.net", {"name": "Ann"}, ORDER)
    gift = {**ORDER, "gift": {"note": "Happy birthday!"}}
    order_confirmation.confirm_order("bob@example.net", {"name": "Bob"}, gift)

    shop.assert_sent(to="bob@example.net", html=contains("your note: Happy birthday!"))
    shop.assert_not_sent(to="ann@example.net", html=contains("Gift wrapped"))


def test_an_order_without_a_total_is_accepted_but_never_delivered(shop: SESMock) -> None:
    unpriced = {key: value for key, value in ORDER.items() if key != "total"}

    message_id = order_confirmation.confirm_order("ann@example.net", {"name": "Ann"}, unpriced)

    # SES answered with a message id, so the application believes it sent the mail ...
    assert message_id
    # ... but nothing was delivered: the template needs order.total.
    assert len(shop.outbox) == 0
    (failure,) = shop.render_failures
    assert failure.message_id == message_id
    assert failure.template == "OrderConfirmation"
    assert failure.error_message == "Attribute 'order.total' is not present in the rendering data."
    # The deployment's SNS topic hears about it, as an operator would.
    # (Its first notification is SES's check that it can publish to the topic.)
    validation, notification = shop.destination("render-failures", region="eu-west-1").notifications
    assert validation["Subject"] == ""
    record = json.loads(notification["Message"])
    assert record["eventType"] == "Rendering Failure"
    assert record["failure"] == {
        "errorMessage": "Attribute 'order.total' is not present in the rendering data.",
        "templateName": "OrderConfirmation",
    }


def test_a_redeployment_updates_the_stored_template(shop: SESMock) -> None:
    order_confirmation.set_up_sending()
    assert [t.name for t in shop.templates] == ["OrderConfirmation"]
    assert [c.operation for c in shop.calls].count("UpdateTemplate") == 1
