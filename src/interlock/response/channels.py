"""The two ways a notification leaves the node: an HTTP POST of JSON to a webhook, or a plain
text e-mail over SMTP.

A webhook body is signed when the recipient has a shared secret: the header
``X-Interlock-Signature: sha256=<hex>`` is HMAC-SHA256 of the exact body bytes under that secret,
so the receiver can tell the message came from this node and was not altered. Failures raise
:class:`DeliveryError` with a short reason (a status code or the kind of network error) that is
kept on the row as ``last_error``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from email.message import EmailMessage
from typing import Any

import httpx

SIGNATURE_HEADER = "X-Interlock-Signature"
SMTP_TIMEOUT_SECONDS = 20.0


class DeliveryError(Exception):
    """A notification could not be handed over; ``reason`` says why, without personal data."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def body_bytes(message: dict[str, Any]) -> bytes:
    """The JSON body exactly as sent (and signed)."""
    return json.dumps(message, sort_keys=True, separators=(",", ":")).encode()


def signature(body: bytes, secret: str) -> str:
    """The value of :data:`SIGNATURE_HEADER` for ``body``: ``sha256=<hex HMAC>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(
    client: httpx.Client, url: str, message: dict[str, Any], *, secret: str | None
) -> None:
    """POST ``message`` as JSON; any 2xx answer counts as delivered."""
    body = body_bytes(message)
    headers = {"Content-Type": "application/json",
               "X-Interlock-Notification": str(message.get("notification", ""))}  # fmt: skip
    if secret:
        headers[SIGNATURE_HEADER] = signature(body, secret)
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as err:
        raise DeliveryError(f"{type(err).__name__}: {err}"[:300]) from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"HTTP {response.status_code}")


def email_subject(message: dict[str, Any]) -> str:
    """A subject line that lets the duty officer triage: category, priority, flight (for a
    partner's hit: the partner, the entry and the airport)."""
    escalation = "ESCALATION: " if message.get("escalation") else ""
    if message.get("case_id") is not None:
        return (
            f"[Interlock {message.get('node')}] {escalation}partner hit, case "
            f"{message.get('case_id')} - {message.get('partner')} saw {message.get('list')} "
            f"entry {message.get('entry_id')} at {message.get('airport') or 'unknown'},"
            f" priority {message.get('priority')}"
        )
    return (
        f"[Interlock {message.get('node')}] {escalation}confirmed alert {message.get('alert_id')}"
        f" - {message.get('category')}, priority {message.get('priority')},"
        f" flight {message.get('flight_key') or 'unknown'}"
    )


def email_text(message: dict[str, Any]) -> str:
    """The plain-text body: the payload's fields, the link and the acknowledgement link."""
    if message.get("case_id") is not None:
        opening = ("A partner node reports a hit on one of this node's watchlist entries and asks "
                   "for source confirmation. Sign in to the node to see the case.")  # fmt: skip
        label = "Case"
    else:
        opening = "A person has confirmed an alert. Sign in to the node to see who it concerns."
        label = "Alert"
    lines = [opening, ""]
    for key in sorted(message):
        if key not in ("ack_url", "ack_token", "url"):
            lines.append(f"{key}: {message[key]}")
    lines += ["", f"{label}: {message.get('url')}", "",
              "Acknowledge that you have taken this on:", f"{message.get('ack_url')}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def send_email(smtp: tuple[str, int], *, mail_from: str, to: str, message: dict[str, Any]) -> None:
    """Send ``message`` as a plain-text e-mail through the SMTP server ``smtp``."""
    mail = EmailMessage()
    mail["From"], mail["To"] = mail_from, to
    mail["Subject"] = email_subject(message)
    mail["X-Interlock-Notification"] = str(message.get("notification", ""))
    mail.set_content(email_text(message))
    host, port = smtp
    try:
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS) as client:
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as err:
        raise DeliveryError(f"{type(err).__name__}: {err}"[:300]) from None
