"""The checkout endpoint: places the order, then mails its confirmation."""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse

from orders.checkout import place_order
from orders.emails import ConfirmationNotSent, send_order_confirmation

logger = logging.getLogger(__name__)


def checkout(request: HttpRequest) -> HttpResponse:
    """POST a JSON cart: ``{"email": ..., "name": ..., "items": {"SKU": quantity}}``."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        cart = json.loads(request.body)
        order = place_order(cart["email"], cart["name"], cart["items"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": "invalid cart"}, status=400)

    try:
        send_order_confirmation(order)
    except ConfirmationNotSent as exc:
        # The customer has paid: a mail that SES refused must not fail the
        # checkout. A real shop would queue the mail to be sent again.
        logger.warning("confirmation of order %s not sent: %s", order.number, exc)
        confirmation = "delayed"
    else:
        confirmation = "sent"
    return JsonResponse(
        {"order": order.number, "total": str(order.total), "confirmation_email": confirmation},
        status=201,
    )
