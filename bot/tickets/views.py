"""Counsellor inbox API (spec §6): a counsellor sees and acts on the own office's tickets only."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversations.views import to_out
from bot.counsellors.views import CounsellorDep
from bot.deps import SessionDep, WriteDep, run_db
from bot.errors import EVENT_STREAM, errors
from bot.relay import office_key
from bot.tickets import service
from bot.tickets.models import Ticket
from bot.tickets.schemas import CloseIn, ReplyIn, TicketDetail, TicketOut
from catalogue.models import Office
from core.db import read_scope

router = APIRouter(prefix="/api/v1", tags=["Beratung"])
STREAM_MAX_S = 15 * 60  # then the inbox reconnects, and an expired or revoked token is noticed
ONE_TICKET = errors(403)  # 404 and 401 are documented for every such route (bot.errors)
TICKET_ACTION = errors(403, 409, 410)  # closed or taken: 409; the citizen deleted the chat: 410


def ticket_out(ticket: Ticket) -> dict[str, object]:
    created = ticket.created_at if ticket.created_at.tzinfo else ticket.created_at.replace(tzinfo=dt.UTC)
    end = ticket.first_reply_at or ticket.closed_at
    if end is not None and end.tzinfo is None:
        end = end.replace(tzinfo=dt.UTC)
    waiting = ((end or dt.datetime.now(dt.UTC)) - created).total_seconds() / 60
    return {
        **{k: getattr(ticket, k) for k in TicketOut.model_fields if hasattr(ticket, k)},
        "waiting_minutes": round(waiting, 1),
        "conversation_deleted": ticket.conversation_id is None,
    }


def _ticket(session: Session, counsellor: CounsellorDep, ticket_id: str) -> Ticket:
    try:
        return service.get_for(session=session, counsellor=counsellor, ticket_id=ticket_id)
    except service.TicketError as exc:
        raise HTTPException(exc.status, str(exc)) from None


@router.get("/tickets/stream", response_class=StreamingResponse, responses=EVENT_STREAM)
async def ticket_stream(request: Request, counsellor: CounsellorDep) -> StreamingResponse:
    """Server-sent events for the inbox: ``{"ticket_id"}`` whenever a ticket of the own office (an admin: of any
    office) is new or changed. The inbox then reloads what it shows; the events carry no personal data."""
    broker = request.app.state.broker
    metrics = request.app.state.metrics
    url = request.app.state.settings.database_url
    offices = await run_db(_office_ids, url) if counsellor.is_admin else [counsellor.office_id]
    queues = [(key, broker.subscribe(key)) for key in (office_key(o) for o in offices)]
    merged: asyncio.Queue[dict[str, object]] = asyncio.Queue(maxsize=200)

    async def pump(queue: asyncio.Queue[dict[str, object]]) -> None:
        while True:
            event = await queue.get()
            if merged.full():
                merged.get_nowait()
            merged.put_nowait(event)

    async def events() -> AsyncIterator[str]:
        pumps = [asyncio.create_task(pump(q)) for _, q in queues]
        metrics.open_streams.labels("inbox").inc()
        deadline = asyncio.get_running_loop().time() + STREAM_MAX_S
        try:
            yield "retry: 2000\n\n"
            while asyncio.get_running_loop().time() < deadline and not broker.closing.is_set():
                try:
                    event = await asyncio.wait_for(merged.get(), timeout=15)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"
                    continue
                if event.get("closing"):
                    return
                yield f"data: {json.dumps({'ticket_id': event.get('ticket_id')})}\n\n"
        finally:
            for task in pumps:
                task.cancel()
            for key, queue in queues:
                broker.unsubscribe(key, queue)
            metrics.open_streams.labels("inbox").dec()

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )


def _office_ids(url: str) -> list[str]:
    with read_scope(url) as session:
        return list(session.scalars(select(Office.id)))


@router.get("/tickets", response_model=list[TicketOut])
def list_tickets(
    session: SessionDep, counsellor: CounsellorDep, status: Literal["waiting", "active", "closed"] | None = Query(None)
) -> list[TicketOut]:
    return [TicketOut(**ticket_out(t)) for t in service.list_for(session=session, counsellor=counsellor, status=status)]  # type: ignore[arg-type]


@router.get("/tickets/{ticket_id}", response_model=TicketDetail, responses=ONE_TICKET)
def get_ticket(ticket_id: str, session: SessionDep, counsellor: CounsellorDep) -> TicketDetail:
    ticket = _ticket(session, counsellor, ticket_id)
    messages = [to_out(m) for m in service.transcript(session=session, ticket=ticket)]
    return TicketDetail(**ticket_out(ticket), close_note=ticket.close_note, transcript=messages)  # type: ignore[arg-type]


def _act(request: Request, write: WriteDep, counsellor: CounsellorDep, ticket_id: str, action) -> TicketDetail:  # type: ignore[no-untyped-def]
    """One unit of work in the route's own thread: load the ticket, act, commit; then tell the streams."""
    with write() as session:
        ticket = _ticket(session, counsellor, ticket_id)
        try:
            message = action(session, ticket)
        except service.TicketError as exc:
            session.rollback()
            raise HTTPException(exc.status, str(exc)) from None
        session.commit()
        detail = TicketDetail(
            **ticket_out(ticket),  # type: ignore[arg-type]
            close_note=ticket.close_note,
            transcript=[to_out(m) for m in service.transcript(session=session, ticket=ticket)],
        )
        conversation_id, channel = ticket.conversation_id, ticket.channel
    request.app.state.broker.publish(office_key(ticket.office_id), {"ticket_id": ticket.id})  # colleagues' inboxes
    if message is not None and conversation_id:
        request.app.state.broker.publish(conversation_id, {"seq": message.seq})
        for deliver in request.app.state.deliveries.get(channel, []):
            deliver(conversation_id, message.seq)
    return detail


@router.post("/tickets/{ticket_id}/claim", response_model=TicketDetail, responses=TICKET_ACTION)
def claim(ticket_id: str, write: WriteDep, counsellor: CounsellorDep, request: Request) -> TicketDetail:
    return _act(request, write, counsellor, ticket_id, lambda s, t: service.claim(session=s, counsellor=counsellor, ticket=t))


@router.post("/tickets/{ticket_id}/messages", response_model=TicketDetail, responses=TICKET_ACTION)
def reply(ticket_id: str, body: ReplyIn, write: WriteDep, counsellor: CounsellorDep, request: Request) -> TicketDetail:
    text = body.text.strip()
    if not text:
        raise HTTPException(422, "Die Antwort ist leer.")
    return _act(
        request, write, counsellor, ticket_id, lambda s, t: service.reply(session=s, counsellor=counsellor, ticket=t, text=text)
    )


@router.post("/tickets/{ticket_id}/close", response_model=TicketDetail, responses=TICKET_ACTION)
def close(ticket_id: str, body: CloseIn, write: WriteDep, counsellor: CounsellorDep, request: Request) -> TicketDetail:
    return _act(
        request,
        write,
        counsellor,
        ticket_id,
        lambda s, t: service.close(session=s, counsellor=counsellor, ticket=t, note=body.note),
    )
