"""Storing conversations and relaying a citizen's message to the engine and back."""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot import i18n as languages
from bot.conversations.models import Conversation, Message
from core.db import utcnow
from core.i18n import N_, PLAIN, SOURCE, Node, speaking

WELCOME = N_(
    "Hallo! Ich bin der Bildungslotse des Landkreises Osnabrück – ein digitaler Assistent. "
    "Ich finde Kurse und Angebote in Ihrer Nähe: von der Krabbelgruppe über Nachhilfe und "
    "Deutschkurse bis zur Weiterbildung, erkläre, wer die Kosten übernimmt, und verbinde Sie "
    "auf Wunsch mit einer Beraterin oder einem Berater Ihres Bildungsbüros.\n"
    "Datenschutz: Ich speichere nur diesen Chatverlauf, höchstens 30 Tage lang, ohne Namen. "
    "Mit „Verlauf löschen“ ist er sofort gelöscht."
)
WELCOME_BUTTONS = [
    {"title": N_("Deutschkurs"), "payload": '/search_offers{"topic": "Deutschkurs"}'},
    {"title": N_("Angebote für Eltern und Babys"), "payload": '/search_offers{"topic": "Eltern-Kind-Gruppe"}'},
    {"title": N_("Weiterbildung"), "payload": '/search_offers{"topic": "Weiterbildung"}'},
    {"title": N_("Nachhilfe"), "payload": '/search_offers{"topic": "Nachhilfe"}'},
]
_PAYLOAD = re.compile(r"^/[a-z_]{2,40}(\{.{0,400}\})?$", re.DOTALL)


class InvalidInput(ValueError):
    """Bad input from a client; the message is German and shown as the 4xx detail."""


def new_conversation_id() -> str:
    return secrets.token_urlsafe(18)


def get(*, session: Session, conversation_id: str) -> Conversation | None:
    return session.get(Conversation, conversation_id)


def create(
    *, session: Session, channel: str = "web", conversation_id: str | None = None, language: str = "de", plain: bool = False
) -> Conversation:
    conversation = Conversation(id=conversation_id or new_conversation_id(), channel=channel, language=language, plain=plain)
    session.add(conversation)
    session.flush()
    return conversation


def append(
    *,
    session: Session,
    conversation: Conversation,
    sender: str,
    text: str | None,
    extra: dict[str, Any] | None = None,
    i18n: Node = None,
    language: str | None = None,
) -> Message:
    """Add a message with the conversation's next sequence number.

    What the assistant says (``bot``, ``system``) is stored in the conversation's language (in Einfache Sprache
    when it is on and the language is German): ``text`` is the German text, ``i18n`` (see ``core.i18n``) the
    description of a composed one. A citizen's message keeps
    its words; ``language`` is the language it was taken to be in.

    One atomic UPDATE … RETURNING hands out the number, so two writers (a citizen and a counsellor at
    the same moment) never get the same one, on SQLite (write lock) as on PostgreSQL (row lock)."""
    seq = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id)
        .values(next_seq=Conversation.next_seq + 1, last_activity=utcnow())
        .returning(Conversation.next_seq)
    ).scalar_one()
    extra = dict(extra or {})
    if sender in ("bot", "system"):
        language = speaking(conversation.language or SOURCE, bool(conversation.plain))
        text, extra = languages.say(text, extra, language=language, i18n_node=i18n)
        if language == PLAIN:  # still German to the API; Telegram's labels around it plain too
            extra.update(language=SOURCE, plain=True, conversation_language=PLAIN)
    elif sender == "user":
        extra["language"] = language or conversation.language or "de"
    message = Message(conversation_id=conversation.id, seq=seq - 1, sender=sender, text=text, extra=extra)
    session.add(message)
    session.flush()
    return message


def set_language(*, session: Session, conversation: Conversation, language: str, offered: list[str]) -> None:
    """The citizen chose a language (widget, /sprache); only the offered ones."""
    if language not in offered:
        raise InvalidInput(f"Diese Sprache gibt es hier nicht. Möglich sind: {', '.join(offered)}.")
    conversation.language = language
    session.flush()


def set_plain(*, session: Session, conversation: Conversation, plain: bool) -> None:
    """Einfache Sprache on or off (widget menu, "einfacher bitte", /einfach); German replies only."""
    conversation.plain = plain
    session.flush()


def messages_after(*, session: Session, conversation_id: str, after: int = 0) -> list[Message]:
    return list(
        session.scalars(
            select(Message).where(Message.conversation_id == conversation_id, Message.seq > after).order_by(Message.seq)
        )
    )


def last_messages(*, session: Session, conversation_id: str, limit: int) -> list[Message]:
    rows = session.scalars(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.seq.desc()).limit(limit)
    )
    return list(reversed(list(rows)))


def delete_conversation(*, session: Session, conversation_id: str) -> bool:
    """Remove the conversation and all its messages; False if there was none."""
    found = session.get(Conversation, conversation_id) is not None
    session.execute(delete(Message).where(Message.conversation_id == conversation_id))
    session.execute(delete(Conversation).where(Conversation.id == conversation_id))
    return found


def clean_text(text: str, *, max_chars: int) -> str:
    text = text.replace("\x00", "").strip()
    if not text:
        raise InvalidInput("Die Nachricht ist leer.")
    if len(text) > max_chars:
        raise InvalidInput(f"Die Nachricht ist zu lang (höchstens {max_chars} Zeichen).")
    return text


def clean_payload(payload: str) -> str:
    payload = payload.strip()
    if not _PAYLOAD.match(payload):
        raise InvalidInput("Unbekannte Schaltfläche.")
    return payload


def to_extra(reply: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """One Rasa REST reply -> (text, extra) of our Message; custom payloads carry offers or a handover."""
    custom: dict[str, Any] = reply["custom"] if isinstance(reply.get("custom"), dict) else {}
    text = reply.get("text") or custom.get("text")
    extra: dict[str, Any] = {}
    buttons = reply.get("buttons") or custom.get("buttons") or []
    if buttons:
        extra["buttons"] = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in buttons]
    if custom.get("offers"):
        extra["offers"] = custom["offers"]
    if custom.get("handover"):
        extra["handover"] = custom["handover"]
    if custom.get("action"):
        extra["action"] = custom["action"]
    if isinstance(custom.get("i18n"), dict):
        extra["i18n"] = custom["i18n"]  # a composed text's description (core.i18n), for the reply's language
    return text, extra
