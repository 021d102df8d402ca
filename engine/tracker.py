"""Deleting a conversation from the engine's tracker store, so that "delete" means everywhere."""

from __future__ import annotations

import logging
from functools import lru_cache

from sqlalchemy import Engine, create_engine, inspect, text

log = logging.getLogger(__name__)


@lru_cache
def _engine(url: str) -> Engine:
    return create_engine(url)


def delete_tracker(url: str, conversation_id: str) -> None:
    """Remove every event Rasa stored for this sender (table ``events`` of its SQL tracker store)."""
    engine = _engine(url)
    if not inspect(engine).has_table("events"):
        return
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE sender_id = :sid"), {"sid": conversation_id})
    log.info("tracker events deleted for one conversation")
