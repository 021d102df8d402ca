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
  German notice and keeps the citizen's text;
- the citizen's language is detected from what they type (``bot.i18n``) before the engine answers, and every
  reply is stored in the conversation's language (``conversations.append``), the engine itself speaking German.
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

from bot import i18n, plain, understanding
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
from core.i18n import N_, SOURCE
from engine.client import Engine, EngineUnavailable
from monitoring.service import record_handover, record_search

log = logging.getLogger(__name__)
ENGINE_DOWN = N_(
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
    # Typed clearly in the conversation's other language: read by its meaning for the German engine.
    foreign: bool = False
    # The citizen switched Einfache Sprache on or off by typing it ("einfacher bitte"): the confirmation.
    plain_reply: Message | None = None
    # The conversation's language, for the engine's actions (the handover form offers a counsellor who speaks it).
    language: str = SOURCE


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
            # Only what the citizen typed tells the language, not a button (its payload may be a German sentence).
            typed = (display is None or display == text) and not text.startswith("/")
            languages = i18n.supported(settings.languages) if typed else []
            stored = await run_db(
                _store_user_message, settings.database_url, conversation_id, display or text, open_conversation, languages
            )
            services.broker.publish(conversation_id, {"seq": stored.user_seq})
            if stored.plain_reply is not None:  # "einfacher bitte": answered by the gateway, not the engine
                services.broker.publish(conversation_id, {"seq": stored.plain_reply.seq})
                return RelayResult([stored.plain_reply])
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
            engine_text = text
            if stored.foreign and settings.semantic_search:
                reading = await asyncio.to_thread(understanding.read, text, database_url=settings.database_url)
                engine_text = reading.message if reading else text  # not close to anything: as it is
            try:
                replies = await services.engine.send(conversation_id, engine_text, metadata={"language": stored.language})
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


def _store_user_message(
    url: str, conversation_id: str, text: str, open_conversation: OpenConversation | None, languages: list[str]
) -> _Stored:
    """``languages``: the ones to detect among (empty: a button, no detection)."""
    with session_scope(url) as session:
        conversation = conversations.get(session=session, conversation_id=conversation_id)
        if conversation is None:
            if open_conversation is None:
                raise ConversationGone(conversation_id)
            conversation = open_conversation(session)
        switch = i18n.detect_switch(text, current=conversation.language or "de", languages=languages) if languages else None
        if switch:
            conversation.language = switch
        ticket = tickets.active_ticket(session=session, conversation_id=conversation.id)
        user = conversations.append(session=session, conversation=conversation, sender="user", text=text)
        if ticket is None:
            language = conversation.language or "de"
            wanted = plain.cue(text) if languages and language == SOURCE else None
            if wanted is not None:
                conversations.set_plain(session=session, conversation=conversation, plain=wanted)
                said = plain.SWITCHED_ON if wanted else plain.SWITCHED_OFF
                reply = conversations.append(session=session, conversation=conversation, sender="bot", text=said)
                return _Stored(user.seq, None, None, plain_reply=reply)
            foreign = bool(languages) and i18n.writes_in(text, language=language, languages=languages)
            return _Stored(user.seq, None, None, foreign=foreign, language=language)
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
        for reply in _with_descriptions(replies):
            _store_reply(session, conversation, reply, result)
    return result


def _with_descriptions(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa sends an action's text with buttons and its custom part as two replies; a custom part that is only
    the description of the text before it (``{"i18n": …}``, see ``core.i18n``) belongs to that text."""
    out: list[dict[str, Any]] = []
    for reply in replies:
        custom = reply.get("custom")
        if isinstance(custom, dict) and set(custom) == {"i18n"} and out and not out[-1].get("custom"):
            out[-1] = {**out[-1], "custom": custom}
            continue
        out.append(reply)
    return out


def _store_reply(session: Session, conversation: Conversation, reply: dict[str, Any], result: RelayResult) -> None:
    reply_text, extra = conversations.to_extra(reply)
    action = extra.pop("action", None)
    # The search action's anonymous record rides in the custom part (to_extra keeps only what is shown).
    record = (reply.get("custom") or {}).get("search_record")
    described = extra.pop("i18n", None)
    if isinstance(record, dict):
        extra["search_record_id"] = _record(session, conversation, record)  # kept with the conversation only
    request = (reply.get("custom") or {}).get("handover_request")
    if reply_text or extra.get("buttons") or extra.get("offers"):
        result.replies.append(
            conversations.append(
                session=session, conversation=conversation, sender="bot", text=reply_text, extra=extra, i18n=described
            )
        )
    if action == "delete_conversation":
        result.delete_requested = True
    elif action == "handover" and isinstance(request, dict):
        fresh = tickets.active_ticket(session=session, conversation_id=conversation.id) is None
        try:
            ticket, notice = tickets.open_ticket(session=session, conversation=conversation, request=request)
        except tickets.TicketError as exc:
            result.replies.append(
                conversations.append(session=session, conversation=conversation, sender="system", text=str(exc))
            )
        else:
            result.replies.append(notice)
            if fresh:
                _record_handover(session, conversation, ticket.office_id, ticket.municipality)
            office = session.get_one(Office, ticket.office_id)
            result.new_ticket = {
                "id": ticket.id,
                "office_id": office.id,
                "office_name": office.name,
                "topic": ticket.summary.get("topic"),
            }


def _record(session: Session, conversation: Conversation, record: dict[str, Any]) -> int | None:
    """The anonymous search record the action sent along with its reply (the action server never writes)."""
    try:
        return record_search(
            session=session, record=record, channel=conversation.channel, language=getattr(conversation, "language", None)
        )
    except (TypeError, ValueError):
        log.warning("ignoring a malformed search record")
        return None


def _record_handover(session: Session, conversation: Conversation, office_id: str, municipality: str | None) -> None:
    """The anonymous handover record; the conversation's last search is marked as having led to it."""
    last_search = next(
        (m.extra["search_record_id"] for m in reversed(conversation.messages) if (m.extra or {}).get("search_record_id")),
        None,
    )
    record_handover(
        session=session,
        office_id=office_id,
        municipality=municipality,
        channel=conversation.channel,
        language=getattr(conversation, "language", None),
        search_id=last_search,
    )


async def _announce_ticket(services: Services, ticket: dict[str, Any]) -> None:
    services.broker.publish(office_key(ticket["office_id"]), {"ticket_id": ticket["id"]})
    topic = ticket.get("topic") or "persönliche Beratung"
    try:
        await services.notifier.new_ticket(
            office_id=ticket["office_id"], office_name=ticket["office_name"], ticket_id=ticket["id"], summary=str(topic)
        )
    except Exception:  # the ticket exists and is in the live inbox; a failed mail must not fail the turn
        log.exception("new-ticket notification failed")
