"""What happens to a message after SES accepted it: deliveries, bounces, complaints, ...

At send time each recipient gets an outcome: the mailbox simulator's when it
is a simulator address, else one a test set up in advance, else delivery. A
message carrying the EICAR test string is rejected whole. Later events
(bounces, complaints, delays, opens, clicks) are simulated on request.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

from pytest_ses._fake import notifications, suppression
from pytest_ses._fake.account import Account, Matcher, Outcome, Region
from pytest_ses._fake.addresses import SIMULATOR_DOMAIN, bare
from pytest_ses._fake.destinations import publish
from pytest_ses._fake.events import Event, delivery_details, iso, mta
from pytest_ses._fake.message import SentMessage, message_id

BOUNCE_TYPES = {
    "Undetermined": ("Undetermined",),
    "Permanent": ("General", "NoEmail", "Suppressed", "OnAccountSuppressionList"),
    "Transient": (
        "General",
        "MailboxFull",
        "MessageTooLarge",
        "ContentRejected",
        "AttachmentRejected",
    ),
}
FEEDBACK_TYPES = ("abuse", "auth-failure", "fraud", "not-spam", "other", "virus")
DELAY_TYPES = (
    "InternalFailure", "General", "MailboxFull", "SpamDetected", "RecipientServerError",
    "IPFailure", "TransientCommunicationFailure", "BYOIPHostNameLookupUnavailable",
    "Undetermined", "SendingDeferral",
)  # fmt: skip
# (status, diagnostic code) of a bounced recipient by sub-type; SES's where known.
_BOUNCE_DETAILS = {
    "General": ("5.1.1", "smtp; 550 5.1.1 user unknown"),
    "NoEmail": ("5.1.1", "smtp; 550 5.1.1 mailbox does not exist"),
    "Suppressed": (
        "5.1.1",
        "Amazon SES has suppressed sending to this address because it has a recent history of "
        "bouncing as an invalid address. For more information about how to remove an address "
        "from the suppression list, see the Amazon SES Developer Guide: "
        "http://docs.aws.amazon.com/ses/latest/DeveloperGuide/remove-from-suppressionlist.html ",
    ),
    "OnAccountSuppressionList": (
        "5.1.1",
        "Amazon SES did not send the message to this address because it is on the suppression "
        "list for your account. For more information about removing addresses from the "
        "suppression list, see the Amazon SES Developer Guide at "
        "https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html",
    ),
    "MailboxFull": ("5.2.2", "smtp; 552 5.2.2 mailbox full"),
    "MessageTooLarge": ("5.3.4", "smtp; 552 5.3.4 message too large"),
    "ContentRejected": ("5.6.1", "smtp; 554 5.6.1 content rejected"),
    "AttachmentRejected": ("5.6.1", "smtp; 554 5.6.1 attachment rejected"),
    "Undetermined": ("5.0.0", "smtp; 550 5.0.0 undetermined"),
}
_SES_BOUNCES = ("Suppressed", "OnAccountSuppressionList")  # reported by SES itself, not an MTA
SIMULATOR_BOUNCE = "smtp; 550 5.1.1 As requested: user unknown <{address}>"
OPEN_IP = "192.0.2.30"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# The EICAR string as it shows inside base64 at each of the three alignments.
_EICAR_B64 = tuple(base64.b64encode(b"\0" * k + EICAR)[4:-4] for k in range(3))
_EICAR_TEXT = EICAR.decode("ascii")
_LINK = re.compile(r"<a\s[^>]*?href\s*=\s*([\"'])(.*?)\1[^>]*>", re.IGNORECASE | re.DOTALL)
_LINK_TAGS = re.compile(r"ses:tags\s*=\s*([\"'])(.*?)\1", re.IGNORECASE | re.DOTALL)


def matcher(pattern: str | Callable[[str], bool]) -> Matcher:
    """An address (case-insensitive), ``@domain`` or ``*@domain``, or a predicate."""
    if callable(pattern):
        return pattern
    wanted = bare(pattern).lower().removeprefix("*")
    if wanted.startswith("@"):
        return lambda address: address.lower().endswith(wanted)
    return lambda address: address.lower() == wanted


def check_bounce(bounce_type: str, sub_type: str) -> None:
    if sub_type not in BOUNCE_TYPES.get(bounce_type, ()):
        combos = "; ".join(f"{t}: {', '.join(s)}" for t, s in BOUNCE_TYPES.items())
        raise ValueError(f"no SES bounce {bounce_type}/{sub_type}; valid ones are {combos}")


def check_choice(what: str, value: str | None, valid: tuple[str, ...]) -> None:
    if value is not None and value not in valid:
        raise ValueError(f"{what} must be one of {', '.join(valid)}, got {value!r}")


def _simulator_outcome(address: str) -> Outcome | None:
    local, _, domain = address.rpartition("@")
    if domain.lower() != SIMULATOR_DOMAIN:
        return None
    mailbox = local.split("+")[0].lower()
    if mailbox == "bounce":
        return Outcome(
            "bounce", {"bounceType": "Permanent", "bounceSubType": "General", "simulator": True}
        )
    if mailbox == "suppressionlist":
        return Outcome(
            "bounce", {"bounceType": "Permanent", "bounceSubType": "Suppressed", "simulator": True}
        )
    if mailbox == "complaint":
        return Outcome(
            "complaint", {"feedback_type": "abuse", "user_agent": "Amazon SES Mailbox Simulator"}
        )
    return DELIVERED if mailbox in ("success", "ooto") else None


DELIVERED = Outcome("delivery")  # what nearly every recipient gets: made once
# A recipient on the account's suppression list: SES accepts the message but withholds it.
WITHHELD = Outcome(
    "bounce", {"bounceType": "Permanent", "bounceSubType": "OnAccountSuppressionList"}
)


def outcome_for(account: Account, address: str) -> Outcome:
    found = _simulator_outcome(address)
    if found is not None:
        return found
    for match, outcome in reversed(account.outcomes):  # the latest rule set up wins
        if match(address):
            return outcome
    return DELIVERED


def has_eicar(raw: bytes) -> bool:
    """Whether the EICAR test string is in the message, as is or base64-encoded."""
    if EICAR in raw:
        return True
    if b"Content-Transfer-Encoding" not in raw:
        return False
    flat = raw.replace(b"\r\n", b"").replace(b"\n", b"")
    return any(variant in flat for variant in _EICAR_B64)


def _eicar_in_bodies(message: SentMessage) -> bool:
    # SendEmail bodies are known as text; the MIME may hide them in quoted-printable.
    text, html = message.text, message.html
    return (text is not None and _EICAR_TEXT in text) or (html is not None and _EICAR_TEXT in html)


def after_send(
    account: Account, region: Region, message: SentMessage, *, to_simulator: bool
) -> None:
    """Publish what SES publishes for a message it just accepted.

    ``to_simulator=False`` says no recipient is a mailbox-simulator address.
    """
    if is_quiet(account, region, message, to_simulator):
        account.defer_events(message)  # see events.quiet_events
        return
    bad = (
        has_eicar(message.raw) if message.operation == "SendRawEmail" else _eicar_in_bodies(message)
    )
    recipients = [bare(a) for a in message.destinations]
    outcomes = [outcome_for(account, address) for address in recipients]
    if region.suppressed:
        reasons = suppression.reasons_for(region, message.configuration_set)
        outcomes = [
            WITHHELD if suppression.is_suppressed(region, reasons, address) else outcome
            for address, outcome in zip(recipients, outcomes, strict=True)
        ]
    now = account.clock.now()
    emit(account, region, Event("Send", message, now, recipients, {}))
    if bad:
        counters = region.sends.bucket(account.clock.time())
        counters[0] -= len(recipients)  # rejected, so never a delivery attempt
        counters[3] += 1
        emit(account, region, Event("Reject", message, now, recipients, {"reason": "Bad content"}))
        return
    delivered: list[str] = []
    complaints: list[tuple[str, Outcome]] = []
    bounces: dict[tuple[str, str, bool], list[tuple[str, Outcome]]] = {}
    delays: dict[str, list[str]] = {}
    for address, outcome in zip(recipients, outcomes, strict=True):
        if outcome is DELIVERED:
            delivered.append(address)
        elif outcome.kind == "bounce":
            # The simulator's bounces combine into one event; a rule's form their own.
            key = (
                outcome.details["bounceType"],
                outcome.details["bounceSubType"],
                outcome.details.get("simulator", False),
            )
            bounces.setdefault(key, []).append((address, outcome))
        elif outcome.kind == "delay":
            delays.setdefault(outcome.details["delay_type"], []).append(address)
        else:
            delivered.append(address)
            if outcome.kind == "complaint":
                complaints.append((address, outcome))
    if delivered:
        if len(delivered) == len(recipients):
            delivered = recipients  # one list fewer to keep for the usual all-delivered case
        emit(account, region, Event("Delivery", message, now, delivered, delivery_details))
    for (bounce_type, sub_type, simulated), group in bounces.items():
        bounce(account, region, message, [a for a, _ in group], bounce_type, sub_type, simulated)
    for address, outcome in complaints:
        complain(account, region, message, [address], outcome.details.get("feedback_type"),
                 outcome.details.get("user_agent"))  # fmt: skip
    for delay_type, delayed in delays.items():
        delay(account, region, message, delayed, delay_type)


def is_quiet(account: Account, region: Region, message: SentMessage, to_simulator: bool) -> bool:
    """Whether SES publishes nothing for ``message`` now: every recipient just gets it.

    Then its Send and Delivery events can be made later, when first read.
    """
    return (
        not to_simulator
        and not account.outcomes  # so every recipient gets a plain delivery
        and not region.suppressed
        and not account.on_event
        and not region.notifying  # no identity topic to tell of the deliveries
        and (message.configuration_set is None or not _publishes(region, message.configuration_set))
        and not (
            has_eicar(message.raw)
            if message.operation == "SendRawEmail"
            else _eicar_in_bodies(message)
        )
    )


def _publishes(region: Region, configuration_set: str | None) -> bool:
    """Whether the set has an enabled destination for Send or Delivery events."""
    found = region.configuration_sets.get(configuration_set) if configuration_set else None
    return found is not None and any(
        destination["Enabled"]
        and ("send" in destination["MatchingEventTypes"]
             or "delivery" in destination["MatchingEventTypes"])
        for destination in found.event_destinations.values()
    )  # fmt: skip


def emit(account: Account, region: Region, event: Event) -> None:
    publish(account, region, event)
    if event.type in notifications.TYPES:  # the sending identity's channel
        notifications.notify(account, region, event)


def bounce(
    account: Account, region: Region, message: SentMessage, recipients: list[str],
    bounce_type: str, sub_type: str, simulator: bool = False,
) -> Event:  # fmt: skip
    check_bounce(bounce_type, sub_type)
    now = account.clock.now()
    status, diagnostic = _BOUNCE_DETAILS[sub_type]
    bounced = []
    for address in recipients:
        entry: dict[str, Any] = {"emailAddress": address, "action": "failed", "status": status}
        entry["diagnosticCode"] = (
            SIMULATOR_BOUNCE.format(address=address)
            if simulator and sub_type == "General"
            else diagnostic
        )
        bounced.append(entry)
    details: dict[str, Any] = {
        "feedbackId": message_id(region.name, now.timestamp()),
        "bounceType": bounce_type,
        "bounceSubType": sub_type,
        "bouncedRecipients": bounced,
        "timestamp": iso(now),
        "reportingMTA": "dns; amazonses.com"
        if sub_type in _SES_BOUNCES
        else f"dns; {mta(region.name)}",
    }
    if sub_type != "OnAccountSuppressionList":  # SES leaves these out of the bounce rate
        region.sends.bucket(now.timestamp())[1] += len(recipients)
    event = Event("Bounce", message, now, recipients, details)
    emit(account, region, event)
    if bounce_type == "Permanent" and sub_type != "OnAccountSuppressionList":
        suppression.add_from_feedback(
            account, region, message, recipients, "BOUNCE", details["feedbackId"]
        )
    return event


def complain(
    account: Account, region: Region, message: SentMessage, recipients: list[str],
    feedback_type: str | None = "abuse", user_agent: str | None = None,
) -> Event:  # fmt: skip
    check_choice("feedback_type", feedback_type, FEEDBACK_TYPES)
    now = account.clock.now()
    details: dict[str, Any] = {
        "feedbackId": message_id(region.name, now.timestamp()),
        "complaintSubType": None,
        "complainedRecipients": [{"emailAddress": a} for a in recipients],
        "timestamp": iso(now),
        "userAgent": user_agent or USER_AGENT,
    }
    if feedback_type is not None:
        details["complaintFeedbackType"] = feedback_type
    details["arrivalDate"] = iso(now)
    region.sends.bucket(now.timestamp())[2] += len(recipients)
    event = Event("Complaint", message, now, recipients, details)
    emit(account, region, event)
    suppression.add_from_feedback(
        account, region, message, recipients, "COMPLAINT", details["feedbackId"]
    )
    return event


def delay(
    account: Account, region: Region, message: SentMessage, recipients: list[str], delay_type: str
) -> Event:
    check_choice("delay_type", delay_type, DELAY_TYPES)
    now = account.clock.now()
    expires = now.timestamp() + 24 * 3600  # SES gives up on a delayed message after a day
    details = {
        "timestamp": iso(now),
        "delayType": delay_type,
        "expirationTime": iso(type(now).fromtimestamp(expires, now.tzinfo)),
        "reportingMTA": f"dns; {mta(region.name)}",
        "delayedRecipients": [
            {
                "emailAddress": a,
                "status": "4.4.7",
                "diagnosticCode": "smtp; 421 4.4.7 delivery delayed",
            }
            for a in recipients
        ],
    }
    event = Event("DeliveryDelay", message, now, recipients, details)
    emit(account, region, event)
    return event


def open_(
    account: Account, region: Region, message: SentMessage, user_agent: str | None, ip: str | None
) -> Event:
    _require_html(message, "an open")
    now = account.clock.now()
    details = {
        "ipAddress": ip or OPEN_IP,
        "timestamp": iso(now),
        "userAgent": user_agent or USER_AGENT,
    }
    event = Event("Open", message, now, [bare(a) for a in message.destinations], details)
    emit(account, region, event)
    return event


def click(
    account: Account, region: Region, message: SentMessage, link: str | None,
    link_tags: dict[str, str] | None, user_agent: str | None, ip: str | None,
) -> Event:  # fmt: skip
    html = _require_html(message, "a click")
    links = [(m.group(2), m.group(0)) for m in _LINK.finditer(html)]
    if link is None:
        if not links:
            raise ValueError("the message's HTML body has no link to click; pass link=...")
        link, anchor = links[0]
    else:
        anchor = next((a for href, a in links if href == link), "")
    tags = {k: [v] for k, v in link_tags.items()} if link_tags is not None else _anchor_tags(anchor)
    now = account.clock.now()
    details = {
        "ipAddress": ip or OPEN_IP,
        "link": link,
        "linkTags": tags,
        "timestamp": iso(now),
        "userAgent": user_agent or USER_AGENT,
    }
    event = Event("Click", message, now, [bare(a) for a in message.destinations], details, tags)
    emit(account, region, event)
    return event


def rendering_failure(
    account: Account, region: Region, message: SentMessage, error_message: str, template_name: str
) -> Event:
    now = account.clock.now()
    details = {"errorMessage": error_message, "templateName": template_name}
    event = Event(
        "Rendering Failure", message, now, [bare(a) for a in message.destinations], details
    )
    emit(account, region, event)
    return event


def _anchor_tags(anchor: str) -> dict[str, list[str]]:
    """``ses:tags="k:v;k2:v2;"`` on a link, as SES's linkTags."""
    found = _LINK_TAGS.search(anchor)
    tags: dict[str, list[str]] = {}
    for item in (found.group(2) if found else "").split(";"):
        key, colon, value = item.partition(":")
        if colon and key.strip():
            tags.setdefault(key.strip(), []).append(value.strip())
    return tags


def _require_html(message: SentMessage, what: str) -> str:
    if message.html is None:
        raise ValueError(
            "SES tracks opens and clicks in HTML mail only; "
            f"this message has no HTML part for {what}"
        )
    return message.html
