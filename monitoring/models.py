"""The county's anonymous figures: one row per search or handover, feedback, and monthly sums of old rows.

No row holds a conversation id or free text beyond the short topic, except feedback while it may still be
changed: it keeps the conversation (to take a changed vote instead of a second one) and, for a rating after a
handover, the citizen's comment for the office. Both go when the conversation is deleted and after 30 days."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow


class SearchEvent(Base):
    """One search (``kind`` "search") or one handover to an office (``kind`` "handover")."""

    __tablename__ = "search_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The day only: enough for monthly figures, too coarse to link a row to a conversation.
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(10), default="search", server_default="search")
    topic: Mapped[str | None] = mapped_column(String(60))  # folded, personal data stripped (service.normalise_topic)
    category: Mapped[str | None] = mapped_column(String(30), index=True)
    municipality: Mapped[str | None] = mapped_column(String(80), index=True)
    # The responsible office: the nearest to the municipality for a search, the ticket's for a handover.
    office_id: Mapped[str | None] = mapped_column(String(40), index=True)
    target_group: Mapped[str | None] = mapped_column(String(40))
    age_band: Mapped[str | None] = mapped_column(String(10))
    language: Mapped[str | None] = mapped_column(String(8))  # the conversation's language
    channel: Mapped[str | None] = mapped_column(String(20))
    results: Mapped[int] = mapped_column(Integer)  # 0: nothing in the whole county (the search widens first)
    widened: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    handover: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # the search led to one


class Feedback(Base):
    """ "Hat das geholfen?" after an answer with offers, or a rating of 1–5 after a closed handover."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # helpful | rating
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    rating: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(30))
    office_id: Mapped[str | None] = mapped_column(String(40), index=True)
    # Until the conversation is deleted or 30 days have passed (then all four are emptied):
    comment: Mapped[str | None] = mapped_column(Text)
    conversation_id: Mapped[str | None] = mapped_column(String(64), index=True)
    seq: Mapped[int | None] = mapped_column(Integer)
    ticket_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class FigureMonth(Base):
    """Rows older than the retention period, summed per month over the same attributes (``n`` rows each)."""

    __tablename__ = "figure_months"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    month: Mapped[dt.date] = mapped_column(Date, index=True)  # the first of the month
    kind: Mapped[str] = mapped_column(String(10))  # search | handover | helpful | rating
    topic: Mapped[str | None] = mapped_column(String(60))
    category: Mapped[str | None] = mapped_column(String(30))
    municipality: Mapped[str | None] = mapped_column(String(80))
    office_id: Mapped[str | None] = mapped_column(String(40))
    target_group: Mapped[str | None] = mapped_column(String(40))
    age_band: Mapped[str | None] = mapped_column(String(10))
    language: Mapped[str | None] = mapped_column(String(8))
    channel: Mapped[str | None] = mapped_column(String(20))
    unmet: Mapped[bool] = mapped_column(Boolean, default=False)
    widened: Mapped[bool] = mapped_column(Boolean, default=False)
    handover: Mapped[bool] = mapped_column(Boolean, default=False)
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    rating: Mapped[int | None] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
