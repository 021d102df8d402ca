"""The path of a citizen's message, in one place: store → engine (or ticket) → store replies → publish.

widget/Telegram → conversations.views / telegram.handlers → :func:`handle_citizen_message` → engine (Rasa REST)
or, during a handover, the ticket → replies stored as Messages → published to the conversation's stream and,
for tickets, to the office's inbox.

Rules that keep it correct under load:
- one message of a conversation at a time (``services.locks``), so history and tracker keep the same order;
- a bounded number of engine calls in flight (``services.engine_gate``); when the engine is saturated the
  citizen gets 503 with Retry-After *before* anything is stored, so resending does not duplicate the message;
- database work runs in the threadpool in short units of work, each committed before anything is awaited;
- the engine being down, or the action server being down (the engine then answers nothing), gives the same
  German notice and keeps the citizen's text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot.conversations import service as conversations
from bot.conversations.models import Conversation, Message
from bot.deps import run_db
from bot.events import Broker
from bot.locks import Busy, ConversationLocks
from bot.metrics import Metrics
from bot.notify import Notifier
from bot.tickets import service as tickets
from catalogue.models import Office
from core.config import Settings
from core.db import session_scope
from engine.client import Engine, EngineUnavailable
from monitoring.service import record_search

log = logging.getLogger(__name__)
ENGINE_DOWN = (
    "Entschuldigung, ich bin gerade nicht erreichbar. Ihre Nachricht ist gespeichert – "
    "bitte versuchen Sie es in ein paar Minuten noch einmal."
)


class ConversationGone(LookupError):
    """The conversation does not exist (any more)."""


class Overloaded(RuntimeError):
    """Too much at once; answered with 503 or 429 and Retry-After, nothing stored."""

    def __init__(self, status: int, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after_s = retry_after_s


BUSY = "Gerade schreiben sehr viele Menschen gleichzeitig. Bitte senden Sie Ihre Nachricht in ein paar Sekunden noch einmal."
STILL_ANSWERING = "Ihre vorige Nachricht wird noch beantwortet. Bitte einen Moment Geduld."


@dataclass
class Services:
    """What a chat turn needs, created once per gateway in ``bot.main``."""

    settings: Settings
    engine: Engine
    broker: Broker
    notifier: Notifier
    locks: ConversationLocks
    metrics: Metrics
    engine_gate: asyncio.Semaphore


@dataclass
class RelayResult:
    replies: list[Message]
    delete_requested: bool = False
    new_ticket: dict[str, Any] | None = field(default=None)


@dataclass
class _Stored:
    user_seq: int
    ticket_id: str | None
    office_id: str | None
    status_line: Message | None = None


def office_key(office_id: str) -> str:
    return f"office:{office_id}"


OpenConversation = Callable[[Session], Conversation]


async def handle_citizen_message(
    services: Services,
    *,
    conversation_id: str,
    text: str,
    display: str | None = None,
    open_conversation: OpenConversation | None = None,
    kind: str = "text",
) -> RelayResult:
    """One citizen turn. ``open_conversation`` creates a missing conversation (Telegram); without it a missing
    conversation raises :class:`ConversationGone`."""
    started = time.perf_counter()
    settings = services.settings
    wait_s = settings.engine_timeout_s
    try:
        async with services.locks.hold(conversation_id, wait_s=wait_s, lease_s=wait_s + 10), _engine_slot(services):
            stored = await run_db(_store_user_message, settings.database_url, conversation_id, display or text, open_conversation)
            services.broker.publish(conversation_id, {"seq": stored.user_seq})
            if stored.ticket_id is not None:
                # During a handover the message is for the counsellor; the engine holds back. A waiting citizen
                # gets a short status line (or, for "abbrechen", the request withdrawn).
                services.broker.publish(office_key(str(stored.office_id)), {"ticket_id": stored.ticket_id})
                services.metrics.turns.labels("handover").inc()
                if stored.status_line is None:
                    return RelayResult([])
                services.broker.publish(conversation_id, {"seq": stored.status_line.seq})
                return RelayResult([stored.status_line])
            replies: list[dict[str, Any]] | None
            try:
                replies = await services.engine.send(conversation_id, text)
            except EngineUnavailable as exc:
                services.metrics.engine_errors.labels(exc.reason).inc()
                replies = None
            if replies is not None and not any(_meaningful(r) for r in replies):
                # The engine answers nothing when its action server is down: say so, like the engine down.
                services.metrics.engine_errors.labels("empty").inc()
                log.warning("engine answered nothing (action server down?)")
                replies = None
            result = await run_db(_store_replies, settings.database_url, conversation_id, replies)
    except Busy:
        services.metrics.rejected.labels("429").inc()
        raise Overloaded(429, STILL_ANSWERING, 2) from None
    for message in result.replies:
        services.broker.publish(conversation_id, {"seq": message.seq})
    if result.new_ticket:
        await _announce_ticket(services, result.new_ticket)
    services.metrics.turns.labels(kind).inc()
    services.metrics.turn_seconds.labels(kind).observe(time.perf_counter() - started)
    return result


@contextlib.asynccontextmanager
async def _engine_slot(services: Services) -> AsyncIterator[None]:
    try:
        await asyncio.wait_for(services.engine_gate.acquire(), timeout=services.settings.engine_queue_s)
    except TimeoutError:
        services.metrics.rejected.labels("503").inc()
        raise Overloaded(503, BUSY, 5) from None
    try:
        yield
    finally:
        services.engine_gate.release()


def _meaningful(reply: dict[str, Any]) -> bool:
    custom = reply.get("custom") if isinstance(reply.get("custom"), dict) else {}
    return bool(reply.get("text") or reply.get("buttons") or custom)


def _store_user_message(url: str, conversation_id: str, text: str, open_conversation: OpenConversation | None) -> _Stored:
    with session_scope(url) as session:
        conversation = conversations.get(session=session, conversation_id=conversation_id)
        if conversation is None:
            if open_conversation is None:
                raise ConversationGone(conversation_id)
            conversation = open_conversation(session)
        ticket = tickets.active_ticket(session=session, conversation_id=conversation.id)
        user = conversations.append(session=session, conversation=conversation, sender="user", text=text)
        if ticket is None:
            return _Stored(user.seq, None, None)
        tickets.note_citizen_message(ticket, text)
        status = tickets.while_waiting(session=session, ticket=ticket, text=text)
        return _Stored(user.seq, ticket.id, ticket.office_id, status)


def _store_replies(url: str, conversation_id: str, replies: list[dict[str, Any]] | None) -> RelayResult:
    """``replies`` None: the engine gave nothing to show (down, or its action server down)."""
    result = RelayResult([])
    with session_scope(url) as session:
        conversation = conversations.get(session=session, conversation_id=conversation_id)
        if conversation is None:  # deleted while the engine was thinking: nothing to keep
            return result
        if replies is None:
            result.replies.append(
                conversations.append(session=session, conversation=conversation, sender="system", text=ENGINE_DOWN)
            )
            return result
        for reply in replies:
            _store_reply(session, conversation, reply, result)
    return result


def _store_reply(session: Session, conversation: Conversation, reply: dict[str, Any], result: RelayResult) -> None:
    reply_text, extra = conversations.to_extra(reply)
    action = extra.pop("action", None)
    record = extra.pop("search_record", None)
    if isinstance(record, dict):
        _record(session, record)
    request = (reply.get("custom") or {}).get("handover_request")
    if reply_text or extra.get("buttons") or extra.get("offers"):
        result.replies.append(
            conversations.append(session=session, conversation=conversation, sender="bot", text=reply_text, extra=extra)
        )
    if action == "delete_conversation":
        result.delete_requested = True
    elif action == "handover" and isinstance(request, dict):
        try:
            ticket, notice = tickets.open_ticket(session=session, conversation=conversation, request=request)
        except tickets.TicketError as exc:
            result.replies.append(
                conversations.append(session=session, conversation=conversation, sender="system", text=str(exc))
            )
        else:
            result.replies.append(notice)
            office = session.get_one(Office, ticket.office_id)
            result.new_ticket = {
                "id": ticket.id,
                "office_id": office.id,
                "office_name": office.name,
                "topic": ticket.summary.get("topic"),
            }


def _record(session: Session, record: dict[str, Any]) -> None:
    """The anonymous search record the action sent along with its reply (the action server never writes)."""
    try:
        record_search(
            session=session,
            topic=_str(record.get("topic")),
            category=_str(record.get("category")),
            municipality=_str(record.get("municipality")),
            target_group=_str(record.get("target_group")),
            results=int(record.get("results") or 0),
        )
    except (TypeError, ValueError):
        log.warning("ignoring a malformed search record")


def _str(value: Any) -> str | None:
    return str(value)[:80] if value else None


async def _announce_ticket(services: Services, ticket: dict[str, Any]) -> None:
    services.broker.publish(office_key(ticket["office_id"]), {"ticket_id": ticket["id"]})
    topic = ticket.get("topic") or "persönliche Beratung"
    try:
        await services.notifier.new_ticket(
            office_id=ticket["office_id"], office_name=ticket["office_name"], ticket_id=ticket["id"], summary=str(topic)
        )
    except Exception:  # the ticket exists and is in the live inbox; a failed mail must not fail the turn
        log.exception("new-ticket notification failed")
