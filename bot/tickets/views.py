"""Counsellor inbox API (spec §6): a counsellor sees and acts on the own office's tickets only."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Literal

import anyio
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversations.models import Message
from bot.conversations.views import to_out
from bot.counsellors.accounts import router as accounts_router
from bot.counsellors.models import Counsellor
from bot.counsellors.views import CounsellorDep
from bot.deps import SessionDep, WriteDep, run_db
from bot.errors import EVENT_STREAM, errors
from bot.offices.views import router as offices_router
from bot.relay import office_key
from bot.tickets import reads, service
from bot.tickets.models import Ticket
from bot.tickets.schemas import (
    AssignIn,
    CallbackIn,
    CloseIn,
    HistoryEntry,
    ReadIn,
    ReadOut,
    ReplyIn,
    TicketDetail,
    TicketOut,
    TransferIn,
)
from bot.tickets.snippet_views import router as snippets_router
from catalogue.models import Office
from core.db import read_scope

router = APIRouter(prefix="/api/v1", tags=["Beratung"])
log = logging.getLogger(__name__)
STREAM_MAX_S = 15 * 60  # then the inbox reconnects, and an expired or revoked token is noticed
ONE_TICKET = errors(403)  # 404 and 401 are documented for every such route (bot.errors)
TICKET_ACTION = errors(403, 409, 410)  # closed or taken: 409; the citizen deleted the chat: 410


DEFAULT_TITLE = "Persönliche Beratung"


def ticket_out(
    ticket: Ticket, names: dict[int, str], unread: dict[str, int] | None = None, read: dict[str, int] | None = None
) -> dict[str, object]:
    """The API's view of a ticket; ``names`` maps counsellor ids to user names (for the assignee), ``unread`` and
    ``read`` ticket ids to the caller's unread count and last read seq."""
    now = dt.datetime.now(dt.UTC)
    created = _aware(ticket.created_at)
    if ticket.status == "waiting":  # in the current office's queue since creation or the last transfer
        waiting = (now - _aware(ticket.queued_at or ticket.created_at)).total_seconds() / 60
    else:
        end = ticket.first_reply_at or ticket.closed_at
        waiting = ((_aware(end) if end else now) - created).total_seconds() / 60
    return {
        **{k: getattr(ticket, k) for k in TicketOut.model_fields if hasattr(ticket, k)},
        "waiting_minutes": round(max(waiting, 0.0), 1),
        "conversation_deleted": ticket.conversation_id is None,
        "title": ticket.title or DEFAULT_TITLE,
        "callback_wished": service.callback_wished(ticket),
        "assignee": names.get(ticket.claimed_by) if ticket.claimed_by else None,
        "unread": (unread or {}).get(ticket.id, 0),
        "read_seq": (read or {}).get(ticket.id, 0),
    }


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def detail_out(session: Session, ticket: Ticket, counsellor: Counsellor) -> TicketDetail:
    unread = reads.unread_counts(session=session, counsellor=counsellor, tickets=[ticket])
    read = reads.read_seqs(session=session, counsellor=counsellor, ticket_ids=[ticket.id])
    return TicketDetail(
        **ticket_out(ticket, service.usernames(session=session), unread, read),  # type: ignore[arg-type]
        close_note=ticket.close_note,
        callback_note=ticket.callback_note,
        transcript=[to_out(m) for m in service.transcript(session=session, ticket=ticket)],
        history=[HistoryEntry.model_validate(e, from_attributes=True) for e in service.history(session=session, ticket=ticket)],
    )


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
    session: SessionDep,
    counsellor: CounsellorDep,
    status: Literal["waiting", "active", "closed"] | None = Query(None),
    channel: Literal["web", "telegram"] | None = Query(None, description="Only tickets from this channel"),
    callback: bool | None = Query(None, description="true: only tickets with a call back wished (phone or e-mail)"),
) -> list[TicketOut]:
    tickets = service.list_for(session=session, counsellor=counsellor, status=status, channel=channel, callback=callback)
    names = service.usernames(session=session)
    unread = reads.unread_counts(session=session, counsellor=counsellor, tickets=tickets)
    read = reads.read_seqs(session=session, counsellor=counsellor, ticket_ids=[t.id for t in tickets])
    return [TicketOut(**ticket_out(t, names, unread, read)) for t in tickets]  # type: ignore[arg-type]


@router.get("/tickets/{ticket_id}", response_model=TicketDetail, responses=ONE_TICKET)
def get_ticket(ticket_id: str, session: SessionDep, counsellor: CounsellorDep) -> TicketDetail:
    return detail_out(session, _ticket(session, counsellor, ticket_id), counsellor)


@router.post("/tickets/{ticket_id}/read", response_model=ReadOut, responses=ONE_TICKET)
def mark_read(ticket_id: str, body: ReadIn, write: WriteDep, counsellor: CounsellorDep) -> ReadOut:
    """The caller has read the ticket's conversation up to ``seq`` (the inbox sends it when a ticket is open and
    new messages are shown). Only the caller's own marker changes; colleagues keep theirs."""
    with write() as session:
        ticket = _ticket(session, counsellor, ticket_id)
        seq = reads.mark_read(session=session, counsellor=counsellor, ticket=ticket, seq=body.seq)
        unread = reads.unread_counts(session=session, counsellor=counsellor, tickets=[ticket]).get(ticket.id, 0)
        session.commit()
        return ReadOut(ticket_id=ticket.id, read_seq=seq, unread=unread)


Action = Callable[[Session, Ticket], "Message | list[Message] | None"]


def _act(request: Request, write: WriteDep, counsellor: CounsellorDep, ticket_id: str, action: Action) -> TicketDetail:
    """One unit of work in the route's own thread: load the ticket, act, commit; then tell the streams (the offices
    the ticket was at before and after) and push the citizen's new messages out through their channel, in order."""
    with write() as session:
        ticket = _ticket(session, counsellor, ticket_id)
        office_before = ticket.office_id
        try:
            result = action(session, ticket)
        except service.TicketError as exc:
            session.rollback()
            raise HTTPException(exc.status, str(exc)) from None
        session.commit()
        detail = detail_out(session, ticket, counsellor)
        conversation_id, channel, office_after = ticket.conversation_id, ticket.channel, ticket.office_id
    messages = result if isinstance(result, list) else [result] if result is not None else []
    broker = request.app.state.broker
    for office_id in dict.fromkeys((office_before, office_after)):  # colleagues' inboxes, both offices on a transfer
        broker.publish(office_key(office_id), {"ticket_id": ticket_id})
    if conversation_id:
        for message in messages:
            broker.publish(conversation_id, {"seq": message.seq})
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


@router.post("/tickets/{ticket_id}/transfer", response_model=TicketOut, responses=TICKET_ACTION)
def transfer(ticket_id: str, body: TransferIn, write: WriteDep, counsellor: CounsellorDep, request: Request) -> TicketOut:
    """Pass the ticket on to another Bildungsbüro (own office's tickets; an admin: any). It waits in the receiving
    office's queue, which sees the reason; the citizen is told in their channel. The answer carries no transcript:
    after the transfer the sending office no longer sees the ticket (unless admin)."""
    detail = _act(
        request,
        write,
        counsellor,
        ticket_id,
        lambda s, t: service.transfer(session=s, counsellor=counsellor, ticket=t, office_id=body.office_id, reason=body.reason),
    )
    _notify_office(request, detail)
    return TicketOut(**detail.model_dump(exclude={"close_note", "callback_note", "transcript", "history"}))


@router.post("/tickets/{ticket_id}/assign", response_model=TicketDetail, responses=TICKET_ACTION)
def assign(ticket_id: str, body: AssignIn, write: WriteDep, counsellor: CounsellorDep, request: Request) -> TicketDetail:
    """Give the ticket to a colleague of its office (a waiting one is claimed for them)."""
    return _act(
        request,
        write,
        counsellor,
        ticket_id,
        lambda s, t: service.assign(session=s, counsellor=counsellor, ticket=t, username=body.username),
    )


@router.post("/tickets/{ticket_id}/callback", response_model=TicketDetail, responses=errors(403, 409))
def callback(ticket_id: str, body: CallbackIn, write: WriteDep, counsellor: CounsellorDep, request: Request) -> TicketDetail:
    """Mark the call back done (``done: true``, with an optional note for colleagues) or open again. Only for a
    ticket with a call back wished (409 otherwise); also once the ticket is closed."""
    return _act(
        request,
        write,
        counsellor,
        ticket_id,
        lambda s, t: service.mark_callback(session=s, counsellor=counsellor, ticket=t, done=body.done, note=body.note),
    )


class Assignee(BaseModel):
    username: str
    languages: list[str]
    gender: str | None


@router.get("/tickets/{ticket_id}/assignees", response_model=list[Assignee], responses=ONE_TICKET)
def assignees(ticket_id: str, session: SessionDep, counsellor: CounsellorDep) -> list[Assignee]:
    """The counsellors of the ticket's office, to whom it can be assigned (with their languages)."""
    ticket = _ticket(session, counsellor, ticket_id)
    staff = session.scalars(select(Counsellor).where(Counsellor.office_id == ticket.office_id).order_by(Counsellor.username))
    return [Assignee(username=c.username, languages=c.languages, gender=c.gender) for c in staff]


def _notify_office(request: Request, ticket: TicketDetail) -> None:
    """The receiving office's mail, as for a new ticket; a failed mail does not undo the transfer."""
    with read_scope(request.app.state.settings.database_url) as session:
        office = session.get_one(Office, ticket.office_id)
        name = office.name
    try:
        anyio.from_thread.run(
            partial(
                request.app.state.notifier.new_ticket,
                office_id=ticket.office_id,
                office_name=name,
                ticket_id=ticket.id,
                summary="weitergegeben: " + str(ticket.summary.get("topic") or "persönliche Beratung"),  # no citizen text
            )
        )
    except Exception:
        log.exception("notification of a transferred ticket failed")


router.include_router(snippets_router)  # /api/v1/snippets
router.include_router(offices_router)  # /api/v1/offices/{id} (the public list is the catalogue's)
router.include_router(accounts_router)  # /api/v1/counsellors
