"""The chat API's JSON shapes (spec §6), exactly as the contract names them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from catalogue.schemas import OfferOut


class Button(BaseModel):
    title: str
    payload: str


class OfficeRef(BaseModel):
    id: str
    name: str


class Handover(BaseModel):
    ticket_id: str
    status: Literal["waiting", "active", "closed"]
    office: OfficeRef


class MessageOut(BaseModel):
    seq: int
    sender: Literal["user", "bot", "counsellor", "system"]
    text: str | None
    buttons: list[Button] = Field(default_factory=list)
    offers: list[OfferOut] = Field(default_factory=list)
    handover: Handover | None = None
    created_at: dt.datetime
    # Telegram could not deliver this message (blocked bot, deleted chat …); shown to the counsellor.
    undelivered: bool = False


class ConversationCreated(BaseModel):
    conversation_id: str
    messages: list[MessageOut]


class MessageList(BaseModel):
    messages: list[MessageOut]


class MessageIn(BaseModel):
    """Either free text or the payload of a button; not both, not neither."""

    text: str | None = Field(default=None, max_length=10_000)
    payload: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _one_of(self) -> MessageIn:
        if (self.text is None) == (self.payload is None):
            raise ValueError("Bitte genau eines senden: text oder payload.")
        return self
