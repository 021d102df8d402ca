"""One row per search in the chat: no conversation id, no free text beyond the short topic."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class SearchEvent(Base):
    __tablename__ = "search_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The day only: enough for monthly figures, too coarse to link a row to a conversation.
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    topic: Mapped[str | None] = mapped_column(String(60))
    category: Mapped[str | None] = mapped_column(String(30), index=True)
    municipality: Mapped[str | None] = mapped_column(String(80), index=True)
    target_group: Mapped[str | None] = mapped_column(String(40))
    results: Mapped[int] = mapped_column(Integer)
