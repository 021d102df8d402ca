"""Counsellor inbox API (spec §6): a counsellor sees and acts on the own office's tickets only."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Request

from bot.conversations.views import to_out
from bot.counsellors.views import CounsellorDep
from bot.deps import BrokerDep, SessionDep
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


def _ticket(session: SessionDep, counsellor: CounsellorDep, ticket_id: str) -> Ticket:
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


def _act(request: Request, session: SessionDep, broker: BrokerDep, ticket: Ticket, action) -> TicketDetail:  # type: ignore[no-untyped-def]
    try:
        message = action()
    except service.TicketError as exc:
        session.rollback()
        raise HTTPException(exc.status, str(exc)) from None
    session.commit()
    if message is not None and ticket.conversation_id:
        broker.publish(ticket.conversation_id, {"seq": message.seq})
        for deliver in request.app.state.deliveries.get(ticket.channel, []):
            deliver(ticket.conversation_id, message.seq)
    messages = [to_out(m) for m in service.transcript(session=session, ticket=ticket)]
    return TicketDetail(**ticket_out(ticket), close_note=ticket.close_note, transcript=messages)  # type: ignore[arg-type]


@router.post("/tickets/{ticket_id}/claim", response_model=TicketDetail)
def claim(ticket_id: str, session: SessionDep, counsellor: CounsellorDep, broker: BrokerDep, request: Request) -> TicketDetail:
    ticket = _ticket(session, counsellor, ticket_id)
    return _act(request, session, broker, ticket, lambda: service.claim(session=session, counsellor=counsellor, ticket=ticket))


@router.post("/tickets/{ticket_id}/messages", response_model=TicketDetail)
def reply(
    ticket_id: str, body: ReplyIn, session: SessionDep, counsellor: CounsellorDep, broker: BrokerDep, request: Request
) -> TicketDetail:
    ticket = _ticket(session, counsellor, ticket_id)
    text = body.text.strip()
    if not text:
        raise HTTPException(422, "Die Antwort ist leer.")
    return _act(
        request, session, broker, ticket, lambda: service.reply(session=session, counsellor=counsellor, ticket=ticket, text=text)
    )


@router.post("/tickets/{ticket_id}/close", response_model=TicketDetail)
def close(
    ticket_id: str, body: CloseIn, session: SessionDep, counsellor: CounsellorDep, broker: BrokerDep, request: Request
) -> TicketDetail:
    ticket = _ticket(session, counsellor, ticket_id)
    return _act(
        request,
        session,
        broker,
        ticket,
        lambda: service.close(session=session, counsellor=counsellor, ticket=ticket, note=body.note),
    )


@router.get("/figures", tags=["Monitoring"])
def figures(session: SessionDep, counsellor: CounsellorDep) -> dict[str, object]:
    """County admins only: waiting times per office and the anonymous demand figures."""
    if not counsellor.is_admin:
        raise HTTPException(403, "Nur für die Kreisverwaltung.")
    return {"offices": service.waiting_figures(session=session), "demand": demand_figures(session=session)}
