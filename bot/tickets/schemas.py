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
    # triage
    title: str = Field(description="The concern: the topic, or the citizen's first sentence, shortened")
    preview: str | None = Field(description="The last message of the citizen or a counsellor, shortened")
    preview_sender: str | None
    last_message_at: dt.datetime | None
    callback_wished: bool
    assignee: str | None = Field(description="User name of the counsellor who has the ticket")
    transferred_from: str | None = Field(description="Office that passed the ticket on last")
    transfer_reason: str | None = Field(description="Why it was passed on, for the receiving office")
    callback_done_at: dt.datetime | None = Field(description="When the call back was marked done (null: open)")
    callback_done_by: str | None = Field(description="User name of the counsellor who marked it done")
    # unread markers: per counsellor (the caller), not per office
    unread: int = Field(0, description="The citizen's messages in the transcript that the caller has not read")
    read_seq: int = Field(0, description="The last message seq the caller has read (0: never opened)")


class HistoryEntry(BaseModel):
    at: dt.datetime
    kind: str = Field(
        description="created, claimed, assigned, transferred, replied, closed, withdrawn, deleted, released, "
        "callback_requested, callback_done or callback_reopened"
    )
    actor: str | None = Field(description="User name of the counsellor; null: the citizen or the system")
    from_office: str | None
    to_office: str | None
    assignee: str | None
    reason: str | None
    detail: str | None = Field(description="The system's words about the action, e.g. which kind of contact data came")


class TicketDetail(TicketOut):
    close_note: str | None
    callback_note: str | None = Field(description="The counsellor's note on the call back, for the office")
    transcript: list[MessageOut]
    history: list[HistoryEntry]


class ReadIn(BaseModel):
    seq: int = Field(ge=0, le=2**31 - 1, description="The last message seq shown to the counsellor")


class ReadOut(BaseModel):
    ticket_id: str
    read_seq: int = Field(description="The seq now stored (never beyond the conversation's last message, never back)")
    unread: int


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class CloseIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000)


class TransferIn(BaseModel):
    office_id: str = Field(min_length=1, max_length=40, description="The receiving office")
    reason: str = Field(min_length=1, max_length=1000, description="Shown to the receiving office, not the citizen")


class AssignIn(BaseModel):
    username: str = Field(min_length=1, max_length=80, description="A colleague of the ticket's office")


class CallbackIn(BaseModel):
    done: bool = Field(description="true: the call back is done; false: open again")
    note: str | None = Field(default=None, max_length=2000, description="For colleagues, e.g. what was agreed")
