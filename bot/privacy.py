"""Deleting means everywhere: our rows, the tickets' personal data, the Telegram chat mapping, the engine's
tracker, open streams. One path for the web API, Telegram, the engine's delete dialogue and retention.
Also the retention rule promised to citizens: conversations are kept at most 30 days after last use."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.conversations import service as conversations
from bot.conversations.models import Conversation
from bot.relay import office_key
from bot.telegram.models import TelegramChat
from bot.tickets import service as tickets
from core.db import checkpoint, read_scope, session_scope
from monitoring.service import expire_feedback, forget_feedback

log = logging.getLogger(__name__)
RETENTION_DAYS = 30


def delete_rows(*, session: Session, conversation_id: str) -> tuple[bool, list[tuple[str, str]]]:
    """Our own rows of one conversation: (whether there was one, the (office, ticket) pairs it touched)."""
    session.execute(delete(TelegramChat).where(TelegramChat.conversation_id == conversation_id))
    touched = tickets.forget_conversation(session=session, conversation_id=conversation_id)
    forget_feedback(session=session, conversation_id=conversation_id)  # the count stays, comment and link go
    return conversations.delete_conversation(session=session, conversation_id=conversation_id), touched


@dataclass(frozen=True)
class Deleted:
    found: bool  # there was such a conversation (the API answers 404 otherwise)
    complete: bool  # every other store (tracker …) confirmed; a failed hook is logged


def delete_everywhere(*, state: Any, conversation_id: str) -> Deleted:
    """Blocking (run it in a worker thread). ``state`` is the app's state: its database URL, its
    ``on_conversation_deleted`` hooks (the other stores) and its broker. The rows are committed first; a
    failing hook is logged and does not undo or fail the deletion of the rest."""
    with session_scope(state.settings.database_url) as session:
        found, touched = delete_rows(session=session, conversation_id=conversation_id)
    ok = True
    try:
        checkpoint(state.settings.database_url)
    except Exception as exc:
        log.warning("checkpoint after a deletion failed (%s); the WAL is folded in at the next one", exc.__class__.__name__)
    for hook in state.on_conversation_deleted:
        try:
            hook(conversation_id)
        except Exception:
            log.exception("a deletion hook failed (%s)", getattr(hook, "__name__", "hook"))
            ok = False
    state.broker.publish(conversation_id, {"deleted": True})
    for office_id, ticket_id in touched:  # the inboxes show the ticket closed and emptied at once
        state.broker.publish(office_key(office_id), {"ticket_id": ticket_id})
    return Deleted(found, ok)


def purge_expired(*, state: Any, now: dt.datetime | None = None) -> int:
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=RETENTION_DAYS)
    with read_scope(state.settings.database_url) as session:
        expired = list(session.scalars(select(Conversation.id).where(Conversation.last_activity < cutoff)))
    for conversation_id in expired:
        delete_everywhere(state=state, conversation_id=conversation_id)
    with session_scope(state.settings.database_url) as session:
        expire_feedback(session=session, now=now)  # feedback comments: 30 days, as the conversations
    if expired:
        log.info("retention: %d conversations older than %d days deleted", len(expired), RETENTION_DAYS)
    return len(expired)


async def purge_periodically(state: Any, every_s: float = 3600) -> None:
    while True:
        try:
            await asyncio.to_thread(purge_expired, state=state)
        except Exception:  # a failed purge must not stop the next one
            log.exception("retention purge failed")
        await asyncio.sleep(every_s)
