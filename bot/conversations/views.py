"""Citizen chat API (spec §6): create a conversation, send, read, stream, delete."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import StreamingResponse

from bot.conversations import service
from bot.conversations.models import Conversation, Message
from bot.conversations.schemas import ConversationCreated, MessageIn, MessageList, MessageOut
from bot.deps import BrokerDep, EngineDep, LimiterDep, SessionDep, SettingsDep
from bot.privacy import delete_everywhere
from bot.relay import handle_citizen_message
from core.db import session_scope

router = APIRouter(prefix="/api/v1/conversations", tags=["Chat"])
NOT_FOUND = "Dieses Gespräch gibt es nicht (mehr). Bitte starten Sie ein neues."


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
        undelivered=bool(extra.get("undelivered")),
    )


def _conversation_or_404(session: SessionDep, conversation_id: str) -> Conversation:
    conversation = service.get(session=session, conversation_id=conversation_id[:64])
    if conversation is None:
        raise HTTPException(404, NOT_FOUND)
    return conversation


def _client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("", status_code=201, response_model=ConversationCreated)
def create_conversation(session: SessionDep, limiter: LimiterDep, request: Request) -> ConversationCreated:
    if not limiter.allow("new:" + _client_key(request)):
        raise HTTPException(429, "Zu viele neue Gespräche in kurzer Zeit. Bitte warten Sie eine Minute.")
    conversation = service.create(session=session)
    welcome = service.append(
        session=session,
        conversation=conversation,
        sender="bot",
        text=service.WELCOME,
        extra={"buttons": service.WELCOME_BUTTONS},
    )
    return ConversationCreated(conversation_id=conversation.id, messages=[to_out(welcome)])


@router.post("/{conversation_id}/messages", response_model=MessageList)
async def post_message(
    conversation_id: str,
    body: MessageIn,
    session: SessionDep,
    engine: EngineDep,
    broker: BrokerDep,
    limiter: LimiterDep,
    settings: SettingsDep,
    request: Request,
) -> MessageList:
    conversation = _conversation_or_404(session, conversation_id)
    if not (limiter.allow("conv:" + conversation.id) and limiter.allow("ip:" + _client_key(request))):
        raise HTTPException(429, "Sie schreiben sehr schnell. Bitte warten Sie einen Moment.")
    try:
        if body.payload is not None:
            text = service.clean_payload(body.payload)
            display = _button_title(session, conversation.id, text) or text
        else:
            text = display = service.clean_text(body.text or "", max_chars=settings.max_message_chars)
    except service.InvalidInput as exc:
        raise HTTPException(422, str(exc)) from None
    result = await handle_citizen_message(
        session=session,
        engine=engine,
        broker=broker,
        notifier=request.app.state.notifier,
        conversation=conversation,
        text=text,
        display=display,
    )
    out = MessageList(messages=[to_out(m) for m in result.replies])
    if result.delete_requested:
        _delete_everywhere(session, request, conversation.id)
    return out


def _button_title(session: SessionDep, conversation_id: str, payload: str) -> str | None:
    """Show the pressed button's title in the history rather than its technical payload."""
    for message in reversed(service.messages_after(session=session, conversation_id=conversation_id)[-10:]):
        for button in (message.extra or {}).get("buttons", []):
            if button.get("payload") == payload:
                return str(button.get("title"))
    return None


@router.get("/{conversation_id}/messages", response_model=MessageList)
def get_messages(conversation_id: str, session: SessionDep, after: int = Query(0, ge=0)) -> MessageList:
    conversation = _conversation_or_404(session, conversation_id)
    messages = service.messages_after(session=session, conversation_id=conversation.id, after=after)
    return MessageList(messages=[to_out(m) for m in messages])


@router.get("/{conversation_id}/stream")
async def stream(conversation_id: str, session: SessionDep, broker: BrokerDep, request: Request) -> StreamingResponse:
    """Server-Sent Events, one Message per event; resumes after Last-Event-ID (the seq)."""
    conversation = _conversation_or_404(session, conversation_id)
    try:
        after = int(request.headers.get("last-event-id") or request.query_params.get("after") or 0)
    except ValueError:
        after = 0
    queue = broker.subscribe(conversation.id)

    async def events() -> AsyncIterator[str]:
        nonlocal after
        try:
            while True:
                with session_scope(request.app.state.settings.database_url) as s:
                    if service.get(session=s, conversation_id=conversation.id) is None:
                        yield "event: deleted\ndata: {}\n\n"
                        return
                    for m in service.messages_after(session=s, conversation_id=conversation.id, after=after):
                        after = m.seq
                        data = json.dumps(to_out(m).model_dump(mode="json"), ensure_ascii=False)
                        yield f"id: {m.seq}\ndata: {data}\n\n"
                if await request.is_disconnected():
                    return
                try:
                    await asyncio.wait_for(queue.get(), timeout=15)
                except TimeoutError:
                    yield ": keep-alive\n\n"
        finally:
            broker.unsubscribe(conversation.id, queue)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.delete("/{conversation_id}", status_code=204)
def delete_conversation(conversation_id: str, session: SessionDep, request: Request) -> Response:
    if not _delete_everywhere(session, request, conversation_id[:64]):
        raise HTTPException(404, NOT_FOUND)
    return Response(status_code=204)


def _delete_everywhere(session: SessionDep, request: Request, conversation_id: str) -> bool:
    return delete_everywhere(session=session, state=request.app.state, conversation_id=conversation_id)
