from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from bot.conversations.schemas import MessageOut


class TicketOut(BaseModel):
    id: str
    office_id: str
    status: str
    channel: str
    municipality: str | None
    language: str | None
    gender: str | None
    consent: bool
    summary: dict[str, Any]
    callback_phone: str | None
    callback_email: str | None
    created_at: dt.datetime
    claimed_at: dt.datetime | None
    first_reply_at: dt.datetime | None
    closed_at: dt.datetime | None
    waiting_minutes: float
    conversation_deleted: bool


class TicketDetail(TicketOut):
    close_note: str | None
    transcript: list[MessageOut]


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class CloseIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000)
