"""New-ticket mail against a local SMTP server (aiosmtpd), never a real one."""

from __future__ import annotations

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from bot.notify import SmtpNotifier


class Collector:
    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.mails.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, collector
    controller.stop()


async def test_new_ticket_mail(smtp) -> None:
    controller, collector = smtp
    notifier = SmtpNotifier("127.0.0.1", controller.port, "bot@lk.example", "{office}@buero.example", "http://x/beratung/")
    await notifier.new_ticket(office_id="melle", office_name="Bildungsbüro Ost (Melle)", ticket_id="abc", summary="Deutschkurs")
    [(sender, rcpts, content)] = collector.mails
    assert sender == "bot@lk.example" and rcpts == ["melle@buero.example"]
    mail = message_from_bytes(content)
    assert "Bildungsbüro Ost" in str(mail["Subject"]) or "=?utf-8?" in str(mail["Subject"])
    body = mail.get_payload(decode=True).decode()
    assert "abc" in body and "http://x/beratung/" in body and "Deutschkurs" in body


async def test_unreachable_mail_server_does_not_raise() -> None:
    notifier = SmtpNotifier("127.0.0.1", free_port(), "bot@lk.example", "{office}@x.example", "http://x/")
    await notifier.new_ticket(office_id="melle", office_name="Melle", ticket_id="t", summary="s")
