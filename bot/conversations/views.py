"""Citizen chat API (spec §6): create a conversation, send, read, stream, delete.

Sync routes (create, read, delete) run in the threadpool with a session that commits before the response.
The two async routes (a chat turn, a stream) never hold a session across an ``await``: a turn goes through
``bot.relay``, a stream opens a short read per wake-up.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response
from fastapi.responses import StreamingResponse

from bot import i18n
from bot.conversations import service
from bot.conversations.models import Message
from bot.conversations.schemas import (
    ConversationCreated,
    ConversationIn,
    ConversationOut,
    ConversationPatch,
    MessageIn,
    MessageList,
    MessageOut,
    PayloadIn,
)
from bot.deps import LimiterDep, SessionDep, SettingsDep, WriteDep, run_db
from bot.errors import EVENT_STREAM, errors
from bot.privacy import delete_everywhere
from bot.relay import ConversationGone, Overloaded, handle_citizen_message
from core.db import read_scope

router = APIRouter(prefix="/api/v1/conversations", tags=["Chat"])
NOT_FOUND = "Dieses Gespräch gibt es nicht (mehr). Bitte starten Sie ein neues."
TOO_FAST = "Sie schreiben sehr schnell. Bitte warten Sie einen Moment."
NOTHING_TO_CHANGE = "Bitte geben Sie „language“ oder „plain“ an."
TOO_MANY_NEW = "Zu viele neue Gespräche in kurzer Zeit. Bitte warten Sie eine Minute."
KEEPALIVE_S = 15.0
MAX_SEQ = 2**31 - 1
# Only messages after this sequence number (the highest seq the client has)
After = Annotated[int, Query(ge=0, le=MAX_SEQ, description="seq of the last message the client has")]


def to_out(message: Message) -> MessageOut:
    extra = message.extra or {}
    return MessageOut(
        seq=message.seq,
        sender=message.sender,  # type: ignore[arg-type]
        text=message.text,
        buttons=extra.get("buttons", []),
        offers=extra.get("offers", []),
        handover=extra.get("handover"),
        created_at=message.created_at,
        language=str(extra.get("language") or "de"),
        undelivered=bool(extra.get("undelivered")),
    )


def client_key(request: Request) -> str:
    """The citizen's address; behind trusted proxies already taken from X-Forwarded-For (see bot.main)."""
    return request.client.host if request.client else "unknown"


def too_many(detail: str, retry_after_s: int = 60) -> HTTPException:
    return HTTPException(429, detail, headers={"Retry-After": str(retry_after_s)})


@router.post("", status_code=201, response_model=ConversationCreated, responses=errors(429))
def create_conversation(
    write: WriteDep, limiter: LimiterDep, settings: SettingsDep, request: Request, body: ConversationIn | None = None
) -> ConversationCreated:
    """A new conversation with the welcome; ``language`` (one of ``BILDUNGSLOTSE_LANGUAGES``) says it in that,
    ``plain`` in Einfache Sprache (German only)."""
    offered = i18n.supported(settings.languages)
    language = (body.language if body else None) or "de"
    plain = bool(body and body.plain)
    if language not in offered:
        raise HTTPException(422, f"Diese Sprache gibt es hier nicht. Möglich sind: {', '.join(offered)}.")
    if not limiter.allow("new:" + client_key(request), settings.new_conversations_per_minute):
        request.app.state.metrics.rejected.labels("429").inc()
        raise too_many(TOO_MANY_NEW)
    with write() as session:
        conversation = service.create(session=session, language=language, plain=plain)
        welcome = service.append(
            session=session,
            conversation=conversation,
            sender="bot",
            text=service.WELCOME,
            extra={"buttons": service.WELCOME_BUTTONS},
        )
    return ConversationCreated(conversation_id=conversation.id, messages=[to_out(welcome)])


@router.patch("/{conversation_id}", response_model=ConversationOut)
def patch_conversation(conversation_id: str, body: ConversationPatch, write: WriteDep, settings: SettingsDep) -> ConversationOut:
    """Switch the language the assistant answers in, or Einfache Sprache (from the next reply on; earlier
    messages stay)."""
    if body.language is None and body.plain is None:
        raise HTTPException(422, NOTHING_TO_CHANGE)
    with write() as session:
        conversation = service.get(session=session, conversation_id=conversation_id[:64])
        if conversation is None:
            raise HTTPException(404, NOT_FOUND)
        try:
            if body.language is not None:
                offered = i18n.supported(settings.languages)
                service.set_language(session=session, conversation=conversation, language=body.language, offered=offered)
        except service.InvalidInput as exc:
            raise HTTPException(422, str(exc)) from None
        if body.plain is not None:
            service.set_plain(session=session, conversation=conversation, plain=body.plain)
        return ConversationOut(conversation_id=conversation.id, language=conversation.language, plain=conversation.plain)


@router.post("/{conversation_id}/messages", response_model=MessageList, responses=errors(429, 503))
async def post_message(
    conversation_id: str, body: MessageIn, limiter: LimiterDep, settings: SettingsDep, request: Request
) -> MessageList:
    conversation_id = conversation_id[:64]
    try:
        if isinstance(body, PayloadIn):
            text = service.clean_payload(body.payload)
            kind = "button"
        else:
            text = service.clean_text(body.text, max_chars=settings.max_message_chars)
            kind = "text"
    except service.InvalidInput as exc:
        raise HTTPException(422, str(exc)) from None

    def admitted() -> bool:
        # The conversation's own limit first: one chatty citizen never uses up a school's shared address.
        return limiter.allow("conv:" + conversation_id, settings.rate_limit_per_minute) and limiter.allow(
            "ip:" + client_key(request), settings.client_rate_limit_per_minute
        )

    if not await run_db(admitted):
        request.app.state.metrics.rejected.labels("429").inc()
        raise too_many(TOO_FAST, 10)
    display = text
    if kind == "button":
        title: str | None = await run_db(_button_title, settings.database_url, conversation_id, text)
        display = title or text
    try:
        result = await handle_citizen_message(
            request.app.state.services, conversation_id=conversation_id, text=text, display=display, kind=kind
        )
    except ConversationGone:
        raise HTTPException(404, NOT_FOUND) from None
    except Overloaded as exc:
        raise HTTPException(exc.status, exc.detail, headers={"Retry-After": str(exc.retry_after_s)}) from None
    out = MessageList(messages=[to_out(m) for m in result.replies])
    if result.delete_requested:
        await run_db(delete_everywhere, state=request.app.state, conversation_id=conversation_id)
    return out


def _button_title(url: str, conversation_id: str, payload: str) -> str | None:
    """Show the pressed button's title in the history rather than its technical payload."""
    with read_scope(url) as session:
        for message in reversed(service.last_messages(session=session, conversation_id=conversation_id, limit=10)):
            for button in (message.extra or {}).get("buttons", []):
                if button.get("payload") == payload:
                    return str(button.get("title"))
    return None


@router.get("/{conversation_id}/messages", response_model=MessageList)
def get_messages(conversation_id: str, session: SessionDep, after: After = 0) -> MessageList:
    conversation = service.get(session=session, conversation_id=conversation_id[:64])
    if conversation is None:
        raise HTTPException(404, NOT_FOUND)
    messages = service.messages_after(session=session, conversation_id=conversation.id, after=after)
    return MessageList(messages=[to_out(m) for m in messages])


def _read_since(url: str, conversation_id: str, after: int) -> list[MessageOut] | None:
    """One short read for a stream; None when the conversation is gone."""
    with read_scope(url) as session:
        if service.get(session=session, conversation_id=conversation_id) is None:
            return None
        return [to_out(m) for m in service.messages_after(session=session, conversation_id=conversation_id, after=after)]


@router.get(
    "/{conversation_id}/stream",
    response_class=StreamingResponse,
    responses=EVENT_STREAM,  # each event: `data` is a Message, `id` its seq
)
async def stream(
    conversation_id: str,
    request: Request,
    settings: SettingsDep,
    after: After = 0,
    last_event_id: Annotated[
        int | None, Header(alias="Last-Event-ID", ge=0, le=MAX_SEQ, description="seq of the last event seen")
    ] = None,
) -> StreamingResponse:
    """Server-Sent Events, one Message per event; resumes after ``Last-Event-ID`` (the browser sends the last
    ``id`` it saw when it reconnects), else after ``after``."""
    conversation_id = conversation_id[:64]
    after = after if last_event_id is None else last_event_id
    first = await run_db(_read_since, settings.database_url, conversation_id, after)
    if first is None:
        raise HTTPException(404, NOT_FOUND)
    broker = request.app.state.broker
    metrics = request.app.state.metrics
    queue = broker.subscribe(conversation_id)

    async def events() -> AsyncIterator[str]:
        nonlocal after
        pending: list[MessageOut] | None = first
        metrics.open_streams.labels("citizen").inc()
        try:
            yield "retry: 2000\n\n"  # reconnect quickly after a gateway restart
            while True:
                if pending is None:
                    yield "event: deleted\ndata: {}\n\n"
                    return
                for m in pending:
                    after = m.seq
                    yield f"id: {m.seq}\ndata: {json.dumps(m.model_dump(mode='json'), ensure_ascii=False)}\n\n"
                if broker.closing.is_set():
                    return
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_S)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"
                    pending = []
                    continue
                if event.get("closing"):
                    return  # the gateway stops; the client reconnects and catches up from its last id
                pending = await run_db(_read_since, settings.database_url, conversation_id, after)
        finally:
            metrics.open_streams.labels("citizen").dec()
            broker.unsubscribe(conversation_id, queue)

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )


@router.delete("/{conversation_id}", status_code=204)
def delete_conversation(conversation_id: str, request: Request) -> Response:
    if not delete_everywhere(state=request.app.state, conversation_id=conversation_id[:64]).found:
        raise HTTPException(404, NOT_FOUND)
    return Response(status_code=204)
