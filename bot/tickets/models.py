from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

STATUSES = ("waiting", "active", "closed")
EVENT_KINDS = (
    "created", "claimed", "assigned", "transferred", "replied", "closed", "withdrawn", "deleted",
    "released", "callback_requested", "callback_done", "callback_reopened",
)  # fmt: skip


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="waiting", index=True)
    channel: Mapped[str] = mapped_column(String(20))
    # Null once the citizen deleted the conversation; the ticket stays as an empty, closed shell.
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"), index=True)
    municipality: Mapped[str | None] = mapped_column(String(80))
    language: Mapped[str | None] = mapped_column(String(40))
    gender: Mapped[str | None] = mapped_column(String(1))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)  # type: ignore[type-arg]
    # messages before this seq are shown to the counsellor only with consent
    first_seq: Mapped[int] = mapped_column(default=0)
    callback_phone: Mapped[str | None] = mapped_column(String(40))
    callback_email: Mapped[str | None] = mapped_column(String(200))
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("counsellors.id"))
    close_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    first_reply_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Triage: the concern in a few words (the topic, or the citizen's first sentence) and the last message, shortened.
    # Both may quote the citizen: wiped with the conversation.
    title: Mapped[str | None] = mapped_column(String(120))
    preview: Mapped[str | None] = mapped_column(String(160))
    preview_sender: Mapped[str | None] = mapped_column(String(12))
    last_message_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Since when it waits in the current office's queue (creation, or the last transfer).
    queued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The last transfer, for the receiving office (the history keeps every one).
    transferred_from: Mapped[str | None] = mapped_column(String(40))
    transfer_reason: Mapped[str | None] = mapped_column(Text)
    # The call back: done when and by whom, with the counsellor's note (free text: wiped with the conversation).
    callback_done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    callback_done_by: Mapped[str | None] = mapped_column(String(80))
    callback_note: Mapped[str | None] = mapped_column(Text)


class TicketEvent(Base):
    """The ticket's history: who did what when. Never message text; a transfer's reason is the counsellor's own
    words for the receiving office (wiped with the conversation, as it may quote the citizen)."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("counsellors.id", ondelete="SET NULL"))
    actor: Mapped[str | None] = mapped_column(String(80))  # the user name then; null: the citizen or the system
    from_office: Mapped[str | None] = mapped_column(String(40))
    to_office: Mapped[str | None] = mapped_column(String(40))
    assignee: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    # Written by the system, never the citizen's or a counsellor's words: e.g. "Kontaktdaten: Telefon".
    detail: Mapped[str | None] = mapped_column(String(200))


class Snippet(Base):
    """A Textbaustein: a canned reply of one office, inserted into an answer in the inbox. Placeholders such as
    ``{office_name}`` are filled from the office's data when it is shown."""

    __tablename__ = "snippets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TicketRead(Base):
    """How far one counsellor has read one ticket's conversation (the last seq seen): the inbox's unread markers are
    per person, not per office. Holds no text; dropped with the ticket's conversation and with the account."""

    __tablename__ = "ticket_reads"

    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id", ondelete="CASCADE"), primary_key=True, index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    read_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
