"""The path of a citizen's message: to the engine, or during a handover to the Bildungsbüro.

widget/Telegram -> conversations.views -> relay.handle_citizen_message -> engine (Rasa REST) or ticket
-> replies stored as Messages -> published to the conversation's stream (and the office's inbox).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot.conversations import service as conversations
from bot.conversations.models import Conversation, Message
from bot.engine import Engine, EngineUnavailable
from bot.events import Broker
from bot.notify import Notifier
from bot.tickets import service as tickets
from catalogue.models import Office

log = logging.getLogger(__name__)
ENGINE_DOWN = (
    "Entschuldigung, ich bin gerade nicht erreichbar. Ihre Nachricht ist gespeichert – "
    "bitte versuchen Sie es in ein paar Minuten noch einmal."
)


@dataclass
class RelayResult:
    replies: list[Message]
    delete_requested: bool = False
    new_ticket: dict[str, Any] | None = field(default=None)


def office_key(office_id: str) -> str:
    return f"office:{office_id}"


async def handle_citizen_message(
    *,
    session: Session,
    engine: Engine,
    broker: Broker,
    notifier: Notifier,
    conversation: Conversation,
    text: str,
    display: str | None = None,
) -> RelayResult:
    ticket = tickets.active_ticket(session=session, conversation_id=conversation.id)
    user = conversations.append(session=session, conversation=conversation, sender="user", text=display or text)
    if ticket is not None:
        # During a handover the assistant holds back: the message is for the counsellor only.
        tickets.capture_callback(ticket, display or text)
        session.commit()
        broker.publish(conversation.id, {"seq": user.seq})
        broker.publish(office_key(ticket.office_id), {"ticket_id": ticket.id})
        return RelayResult([])
    session.commit()
    broker.publish(conversation.id, {"seq": user.seq})
    result = RelayResult([])
    try:
        replies = await engine.send(conversation.id, text)
    except EngineUnavailable:
        replies = []
        result.replies.append(conversations.append(session=session, conversation=conversation, sender="system", text=ENGINE_DOWN))
    for reply in replies:
        reply_text, extra = conversations.to_extra(reply)
        action = extra.pop("action", None)
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
                result.new_ticket = {
                    "id": ticket.id,
                    "office_id": ticket.office_id,
                    "topic": ticket.summary.get("topic"),
                }
    session.commit()
    for message in result.replies:
        broker.publish(conversation.id, {"seq": message.seq})
    if result.new_ticket:
        office = session.get_one(Office, result.new_ticket["office_id"])
        broker.publish(office_key(office.id), {"ticket_id": result.new_ticket["id"]})
        topic = result.new_ticket.get("topic") or "persönliche Beratung"
        await notifier.new_ticket(
            office_id=office.id, office_name=office.name, ticket_id=result.new_ticket["id"], summary=str(topic)
        )
    return result
