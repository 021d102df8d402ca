"""Counsellor inbox API (spec §6): a counsellor sees and acts on the own office's tickets only."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy.orm import Session

from bot.conversations.views import to_out
from bot.counsellors.views import CounsellorDep
from bot.deps import SessionDep, WriteDep
from bot.tickets import service
from bot.tickets.models import Ticket
from bot.tickets.schemas import CloseIn, ReplyIn, TicketDetail, TicketOut
from monitoring.service import demand_figures

router = APIRouter(prefix="/api/v1", tags=["Beratung"])


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


@router.get("/tickets", response_model=list[TicketOut])
def list_tickets(
    session: SessionDep, counsellor: CounsellorDep, status: Literal["waiting", "active", "closed"] | None = Query(None)
) -> list[TicketOut]:
    return [TicketOut(**ticket_out(t)) for t in service.list_for(session=session, counsellor=counsellor, status=status)]  # type: ignore[arg-type]


@router.get("/tickets/{ticket_id}", response_model=TicketDetail)
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
    if message is not None and conversation_id:
        request.app.state.broker.publish(conversation_id, {"seq": message.seq})
        for deliver in request.app.state.deliveries.get(channel, []):
            deliver(conversation_id, message.seq)
    return detail


@router.post("/tickets/{ticket_id}/claim", response_model=TicketDetail)
def claim(ticket_id: str, write: WriteDep, counsellor: CounsellorDep, request: Request) -> TicketDetail:
    return _act(request, write, counsellor, ticket_id, lambda s, t: service.claim(session=s, counsellor=counsellor, ticket=t))


@router.post("/tickets/{ticket_id}/messages", response_model=TicketDetail)
def reply(ticket_id: str, body: ReplyIn, write: WriteDep, counsellor: CounsellorDep, request: Request) -> TicketDetail:
    text = body.text.strip()
    if not text:
        raise HTTPException(422, "Die Antwort ist leer.")
    return _act(
        request, write, counsellor, ticket_id, lambda s, t: service.reply(session=s, counsellor=counsellor, ticket=t, text=text)
    )


@router.post("/tickets/{ticket_id}/close", response_model=TicketDetail)
def close(ticket_id: str, body: CloseIn, write: WriteDep, counsellor: CounsellorDep, request: Request) -> TicketDetail:
    return _act(
        request,
        write,
        counsellor,
        ticket_id,
        lambda s, t: service.close(session=s, counsellor=counsellor, ticket=t, note=body.note),
    )


@router.get("/figures", tags=["Monitoring"])
def figures(session: SessionDep, counsellor: CounsellorDep) -> dict[str, object]:
    """County admins only: waiting times per office and the anonymous demand figures."""
    if not counsellor.is_admin:
        raise HTTPException(403, "Nur für die Kreisverwaltung.")
    return {"offices": service.waiting_figures(session=session), "demand": demand_figures(session=session)}
