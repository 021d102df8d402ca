"""A Telegram chat's conversation: its pseudonymous id, the stored chat id, button look-up and deletion."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversations import service as conversations
from bot.conversations.models import Conversation, Message
from bot.telegram.format import button_data
from bot.telegram.models import TelegramChat

CHANNEL = "telegram"


def conversation_id_for(secret_key: str, chat_id: int) -> str:
    """Keyed hash: the same chat always continues its conversation, yet the id does not reveal the chat id."""
    digest = hmac.new(secret_key.encode(), f"telegram-chat:{chat_id}".encode(), hashlib.sha256).hexdigest()
    return "tg-" + digest[:40]


def webhook_secret_for(secret_key: str) -> str:
    """Default for the webhook's secret header, the same in every gateway process (Telegram allows [A-Za-z0-9_-])."""
    return hmac.new(secret_key.encode(), b"telegram-webhook", hashlib.sha256).hexdigest()


def open_conversation(*, session: Session, conversation_id: str, chat_id: int) -> Conversation:
    """The chat's conversation, created on first contact together with the chat-id mapping."""
    conversation = conversations.get(session=session, conversation_id=conversation_id)
    if conversation is None:
        conversation = conversations.create(session=session, channel=CHANNEL, conversation_id=conversation_id)
    mapping = session.get(TelegramChat, conversation_id)
    if mapping is None:
        session.add(TelegramChat(conversation_id=conversation_id, chat_id=chat_id))
        session.flush()
    elif mapping.chat_id != chat_id:  # a migrated group would change it; private chats never do
        mapping.chat_id = chat_id
    return conversation


def chat_id_of(*, session: Session, conversation_id: str) -> int | None:
    mapping = session.get(TelegramChat, conversation_id)
    return mapping.chat_id if mapping else None


def find_button(*, session: Session, conversation_id: str, data: str) -> tuple[str, str] | None:
    """(payload, title) of the button whose hash came back in a callback, among the recent bot messages."""
    recent = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.sender == "bot")
        .order_by(Message.seq.desc())
        .limit(20)
    )
    for message in recent:
        for button in (message.extra or {}).get("buttons", []):
            payload = str(button.get("payload") or "")
            if payload and hmac.compare_digest(button_data(payload), data):
                return payload, str(button.get("title") or payload)
    return None
