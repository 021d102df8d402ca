"""A conversation and its messages. Only what the chat needs is stored: no name, no IP address."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime, utcnow


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), default="web")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_activity: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    next_seq: Mapped[int] = mapped_column(Integer, default=1)
    # The language the assistant speaks here (BCP 47 code): set by the citizen or detected from the messages.
    language: Mapped[str] = mapped_column(String(8), default="de", server_default="de")
    # Einfache Sprache: German replies from the plain-German catalogue (no effect in the other languages).
    plain: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    messages: Mapped[list[Message]] = relationship(cascade="all, delete-orphan", passive_deletes=True, order_by="Message.seq")


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_message_conversation_seq", "conversation_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(12))
    text: Mapped[str | None] = mapped_column(Text)
    # buttons, offers and handover as in the API contract
    extra: Mapped[dict] = mapped_column(JSON, default=dict)  # type: ignore[type-arg]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
