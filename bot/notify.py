"""Telling a Bildungsbüro about a new ticket: e-mail over SMTP (and the live inbox via the broker)."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol

log = logging.getLogger(__name__)


class Notifier(Protocol):
    async def new_ticket(self, *, office_id: str, office_name: str, ticket_id: str, summary: str) -> None: ...


class SmtpNotifier:
    """Sends a short mail without personal data: the counsellor reads the rest in the inbox."""

    def __init__(self, host: str, port: int, sender: str, recipient_pattern: str, inbox_url: str) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.recipient_pattern, self.inbox_url = recipient_pattern, inbox_url

    def _send(self, office_id: str, office_name: str, ticket_id: str, summary: str) -> None:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = self.recipient_pattern.format(office=office_id)
        mail["Subject"] = f"Neue Anfrage im Bildungslotsen ({office_name})"
        mail.set_content(
            f"Im Posteingang des {office_name} wartet eine neue Anfrage (Ticket {ticket_id}).\n"
            f"Anliegen: {summary}\n\nZum Posteingang: {self.inbox_url}\n"
        )
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(mail)

    async def new_ticket(self, *, office_id: str, office_name: str, ticket_id: str, summary: str) -> None:
        try:
            await asyncio.to_thread(self._send, office_id, office_name, ticket_id, summary)
        except (OSError, smtplib.SMTPException) as exc:  # the ticket exists; mail is a courtesy
            log.warning("notification mail for ticket %s failed: %s", ticket_id, exc)


class LogNotifier:
    """Local development without a mail server: the notification goes to the log."""

    async def new_ticket(self, *, office_id: str, office_name: str, ticket_id: str, summary: str) -> None:
        log.info("new ticket %s for %s: %s", ticket_id, office_id, summary)
