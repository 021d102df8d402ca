"""Which answer or handover a feedback is about; the counting itself is ``monitoring.service``'s."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversations.models import Conversation, Message
from bot.tickets.models import Ticket
from monitoring import service as monitoring
from monitoring.models import Feedback, SearchEvent

NO_OFFERS = "Zu dieser Nachricht gibt es keine Angebote zu bewerten."
NO_CLOSED_HANDOVER = "Eine Bewertung ist nach einer abgeschlossenen Beratung möglich."


class FeedbackRefused(LookupError):
    """Nothing in the conversation fits the feedback (409)."""


def _answer_with_offers(session: Session, conversation_id: str, seq: int | None) -> Message | None:
    query = select(Message).where(Message.conversation_id == conversation_id, Message.sender == "bot")
    if seq is not None:
        query = query.where(Message.seq == seq)
    for message in session.scalars(query.order_by(Message.seq.desc())):
        if (message.extra or {}).get("offers"):
            return message
        if seq is not None:
            break
    return None


def _office_of_search(session: Session, conversation_id: str, seq: int) -> str | None:
    """The responsible office of the conversation's search that produced the answer at ``seq``."""
    query = select(Message).where(Message.conversation_id == conversation_id, Message.seq <= seq).order_by(Message.seq.desc())
    for message in session.scalars(query):
        search_id = (message.extra or {}).get("search_record_id")
        if search_id:
            event = session.get(SearchEvent, int(search_id))
            return event.office_id if event else None
    return None


def helpful(*, session: Session, conversation: Conversation, seq: int | None, helpful: bool) -> None:
    answer = _answer_with_offers(session, conversation.id, seq)
    if answer is None:
        raise FeedbackRefused(NO_OFFERS)
    offers = answer.extra.get("offers") or [{}]
    monitoring.record_helpful(
        session=session,
        conversation_id=conversation.id,
        seq=answer.seq,
        helpful=helpful,
        category=offers[0].get("category"),
        office_id=_office_of_search(session, conversation.id, answer.seq),
    )


def voted(*, session: Session, conversation_id: str, seq: int) -> bool:
    """Whether the answer at ``seq`` has a 👍/👎 already (Telegram asks once per message)."""
    query = select(Feedback.id).where(
        Feedback.conversation_id == conversation_id, Feedback.seq == seq, Feedback.kind == "helpful"
    )
    return session.scalar(query) is not None


def rated(*, session: Session, conversation_id: str, ticket_id: str) -> bool:
    """Whether the handover ``ticket_id`` has its rating already (asked once per ticket)."""
    query = select(Feedback.id).where(
        Feedback.conversation_id == conversation_id, Feedback.ticket_id == ticket_id, Feedback.kind == "rating"
    )
    return session.scalar(query) is not None


def rated_value(*, session: Session, conversation_id: str, ticket_id: str) -> int | None:
    """The rating given for ``ticket_id`` (a later comment is stored with it)."""
    query = select(Feedback.rating).where(
        Feedback.conversation_id == conversation_id, Feedback.ticket_id == ticket_id, Feedback.kind == "rating"
    )
    return session.scalar(query)


def rating(
    *, session: Session, conversation: Conversation, rating: int, comment: str | None, ticket_id: str | None = None
) -> None:
    """The latest closed handover, or ``ticket_id`` if it is a closed one of this conversation (a Telegram button
    names the ticket it was shown for)."""
    query = select(Ticket).where(Ticket.conversation_id == conversation.id, Ticket.status == "closed")
    if ticket_id is not None:
        query = query.where(Ticket.id == ticket_id)
    ticket = session.scalars(query.order_by(Ticket.closed_at.desc())).first()
    if ticket is None:
        raise FeedbackRefused(NO_CLOSED_HANDOVER)
    monitoring.record_rating(
        session=session,
        conversation_id=conversation.id,
        ticket_id=ticket.id,
        office_id=ticket.office_id,
        rating=rating,
        comment=comment,
    )
