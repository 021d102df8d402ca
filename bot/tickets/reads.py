"""Unread markers: per counsellor and ticket, the last message seq read. Unread are the citizen's messages in the
ticket's transcript (the whole conversation with consent, else since the handover) after that seq. Per person,
because two colleagues of one office read at different times; no text is kept."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, case, delete, func, select
from sqlalchemy.orm import Session

from bot.conversations.models import Message
from bot.counsellors.models import Counsellor
from bot.tickets.models import Ticket, TicketRead
from core.db import utcnow

CHUNK = 500  # ticket ids per query: far below SQLite's limit of bound parameters, however long an office's list


def read_seqs(*, session: Session, counsellor: Counsellor, ticket_ids: Iterable[str]) -> dict[str, int]:
    """Ticket id -> the last seq the counsellor read. All of the counsellor's rows at once: they exist only for
    tickets whose conversation still exists (deleted with it), so they stay few."""
    wanted = set(ticket_ids)
    rows = session.execute(select(TicketRead.ticket_id, TicketRead.seq).where(TicketRead.counsellor_id == counsellor.id))
    return {ticket_id: seq for ticket_id, seq in rows if ticket_id in wanted}


def unread_counts(*, session: Session, counsellor: Counsellor, tickets: list[Ticket]) -> dict[str, int]:
    """Ticket id -> number of the citizen's messages this counsellor has not read (one query per 500 tickets).
    Tickets whose conversation is gone have none."""
    ids = [t.id for t in tickets if t.conversation_id is not None]
    visible_from = case((Ticket.consent.is_(True), 0), else_=Ticket.first_seq)
    counts: dict[str, int] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        read = (
            select(TicketRead.ticket_id, TicketRead.seq)
            .where(TicketRead.counsellor_id == counsellor.id, TicketRead.ticket_id.in_(chunk))
            .subquery()
        )
        stmt = (
            select(Ticket.id, func.count(Message.id))
            .join(Message, Message.conversation_id == Ticket.conversation_id)
            .outerjoin(read, read.c.ticket_id == Ticket.id)
            .where(
                Ticket.id.in_(chunk),
                Message.sender == "user",
                and_(Message.seq >= visible_from, Message.seq > func.coalesce(read.c.seq, 0)),
            )
            .group_by(Ticket.id)
        )
        counts.update({ticket_id: int(n) for ticket_id, n in session.execute(stmt)})
    return counts


def mark_read(*, session: Session, counsellor: Counsellor, ticket: Ticket, seq: int) -> int:
    """Read up to ``seq`` (never beyond the conversation's last message, never back: an older tab cannot undo a
    newer read). Returns the seq now stored."""
    last = 0
    if ticket.conversation_id is not None:
        last = session.scalar(select(func.max(Message.seq)).where(Message.conversation_id == ticket.conversation_id)) or 0
    seq = max(0, min(seq, last))
    row = session.get(TicketRead, (ticket.id, counsellor.id))
    if row is None:
        row = TicketRead(ticket_id=ticket.id, counsellor_id=counsellor.id, seq=seq, read_at=utcnow())
        session.add(row)
    elif seq > row.seq:
        row.seq, row.read_at = seq, utcnow()
    session.flush()
    return row.seq


def forget(*, session: Session, ticket_ids: Iterable[str]) -> None:
    """The conversation is deleted: how far anyone had read it goes too."""
    ids = list(ticket_ids)
    if ids:
        session.execute(delete(TicketRead).where(TicketRead.ticket_id.in_(ids)))
