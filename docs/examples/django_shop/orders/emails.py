"""The order confirmation: Django's email API, sent by whichever EMAIL_BACKEND is set.

Nothing here knows about SES. With django-ses as the backend, ``send()``
becomes one ``SendRawEmail`` call, and SES's refusals arrive as botocore's
``ClientError``.
"""

from __future__ import annotations

from email.utils import make_msgid

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from orders.checkout import Order
from orders.invoice import render_invoice_pdf


class ConfirmationNotSent(Exception):
    """SES refused the confirmation mail. The order stands; the mail is to be sent again."""


def send_order_confirmation(order: Order) -> None:
    context = {"order": order}
    message = EmailMultiAlternatives(
        subject=f"Your order {order.number} is confirmed",
        body=render_to_string("orders/confirmation_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
        headers={
            # A Message-ID in the shop's domain (and Django need not look up the host's name).
            "Message-ID": make_msgid(domain="shop.example"),
            # SES reads message tags of SendRawEmail from this header, and removes it.
            "X-SES-MESSAGE-TAGS": "category=order-confirmation",
        },
    )
    message.attach_alternative(
        render_to_string("orders/confirmation_email.html", context), "text/html"
    )
    message.attach(f"invoice-{order.number}.pdf", render_invoice_pdf(order), "application/pdf")
    try:
        message.send()
    except ClientError as exc:
        # Throttling gets here only once botocore's retries have run out.
        error = exc.response["Error"]
        raise ConfirmationNotSent(f"{error['Code']}: {error['Message']}") from exc
