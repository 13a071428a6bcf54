"""Application code: a Flask app whose sign-up mails a confirmation link through SES.

``create_app`` is the app factory. POST /signup records a pending sign-up and
sends the welcome mail with boto3's ``send_email``; GET /confirm takes the
link's token. Sign-ups are kept in memory: the example has no database.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from flask import Flask, Response, current_app, jsonify, request

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

DEFAULTS = {
    "SES_REGION": "eu-west-1",
    "MAIL_SENDER": "Fernhill Garden Club <hello@fernhill.example>",
    "PUBLIC_URL": "https://fernhill.example",
}
# Three attempts in all, with botocore's standard back-off between them.
RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 3})


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if config is not None:
        app.config.from_mapping(config)
    app.extensions["ses"] = boto3.client(
        "ses", region_name=app.config["SES_REGION"], config=RETRIES
    )
    app.extensions["pending_signups"] = {}
    app.add_url_rule("/signup", view_func=signup, methods=["POST"])
    app.add_url_rule("/confirm", view_func=confirm, methods=["GET"])
    return app


def pending_signups(app: Flask) -> dict[str, str]:
    """Sign-ups waiting for their link to be followed: token -> address."""
    pending: dict[str, str] = app.extensions["pending_signups"]
    return pending


def signup() -> tuple[Response, int]:
    data = request.get_json(silent=True)
    address = data.get("email") if isinstance(data, dict) else None
    if not isinstance(address, str) or "@" not in address:
        return jsonify(error="invalid_email"), 400

    token = secrets.token_urlsafe(16)
    pending = pending_signups(current_app)
    pending[token] = address
    try:
        send_welcome(address, token)
    except ClientError as exc:
        del pending[token]  # the address may sign up again
        code = exc.response["Error"]["Code"]
        if code == "MessageRejected":
            return jsonify(error="email_rejected", detail="We could not mail that address."), 503
        if code == "Throttling":  # still throttled after botocore's retries
            response = jsonify(error="busy", detail="Too many sign-ups; try again shortly.")
            response.headers["Retry-After"] = "5"
            return response, 503
        raise
    return jsonify(status="confirmation_sent"), 202


def confirm() -> tuple[Response, int]:
    address = pending_signups(current_app).pop(request.args.get("token", ""), None)
    if address is None:
        return jsonify(error="unknown_token"), 404
    return jsonify(status="confirmed", email=address), 200


def send_welcome(address: str, token: str) -> None:
    link = f"{current_app.config['PUBLIC_URL']}/confirm?token={token}"
    client: SESClient = current_app.extensions["ses"]
    client.send_email(
        Source=current_app.config["MAIL_SENDER"],
        Destination={"ToAddresses": [address]},
        Message={
            "Subject": {"Data": "Welcome to Fernhill Garden Club", "Charset": "UTF-8"},
            "Body": {
                "Text": {"Data": f"Welcome! Confirm your address here: {link}"},
                "Html": {
                    "Data": (
                        "<p>Welcome!</p>"
                        f'<p><a href="{html.escape(link)}">Confirm your address</a></p>'
                    )
                },
            },
        },
        Tags=[{"Name": "category", "Value": "welcome"}],
    )
