"""Deleting means everywhere: our rows, the tickets' personal data, the engine's tracker, open streams.
Also the retention rule promised to citizens: conversations are kept at most 30 days after last use."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversations import service as conversations
from bot.conversations.models import Conversation
from bot.tickets import service as tickets
from core.db import session_scope

log = logging.getLogger(__name__)
RETENTION_DAYS = 30


def delete_everywhere(*, session: Session, state: Any, conversation_id: str) -> bool:
    """`state` is the app's state: its `on_conversation_deleted` hooks reach the other stores."""
    tickets.forget_conversation(session=session, conversation_id=conversation_id)
    found = conversations.delete_conversation(session=session, conversation_id=conversation_id)
    session.commit()
    for hook in state.on_conversation_deleted:
        hook(conversation_id)
    state.broker.publish(conversation_id, {"deleted": True})
    return found


def purge_expired(*, session: Session, state: Any, now: dt.datetime | None = None) -> int:
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=RETENTION_DAYS)
    expired = list(session.scalars(select(Conversation.id).where(Conversation.last_activity < cutoff)))
    for conversation_id in expired:
        delete_everywhere(session=session, state=state, conversation_id=conversation_id)
    if expired:
        log.info("retention: %d conversations older than %d days deleted", len(expired), RETENTION_DAYS)
    return len(expired)


async def purge_periodically(state: Any, url: str, every_s: float = 3600) -> None:
    while True:
        try:
            with session_scope(url) as session:
                await asyncio.to_thread(purge_expired, session=session, state=state)
        except Exception:  # a failed purge must not stop the next one
            log.exception("retention purge failed")
        await asyncio.sleep(every_s)
