"""The chat API's JSON shapes (spec §6), exactly as the contract names them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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
    # BCP 47 code of the text: the language the assistant said it in, or the citizen was taken to write in.
    language: str = "de"
    # Telegram could not deliver this message (blocked bot, deleted chat …); shown to the counsellor.
    undelivered: bool = False


class ConversationCreated(BaseModel):
    conversation_id: str
    messages: list[MessageOut]


class ConversationIn(BaseModel):
    """Optional settings of a new conversation."""

    model_config = ConfigDict(extra="forbid")
    language: str | None = Field(default=None, min_length=2, max_length=8, description="reply language, e.g. tr")
    plain: bool = Field(default=False, description="Einfache Sprache (plain German; no effect in other languages)")


class ConversationPatch(BaseModel):
    """Switch the reply language or Einfache Sprache of a conversation (at least one of them)."""

    model_config = ConfigDict(extra="forbid")
    language: str | None = Field(default=None, min_length=2, max_length=8, description="one of BILDUNGSLOTSE_LANGUAGES, e.g. en")
    plain: bool | None = Field(default=None, description="Einfache Sprache on or off (German replies only)")


class ConversationOut(BaseModel):
    conversation_id: str
    language: str
    plain: bool = False


class MessageList(BaseModel):
    messages: list[MessageOut]


class TextIn(BaseModel):
    """What the citizen typed."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=10_000)


class PayloadIn(BaseModel):
    """The payload of a button the citizen pressed."""

    model_config = ConfigDict(extra="forbid")
    payload: str = Field(max_length=500)


# Either free text or a button's payload: not both, not neither, nothing else (the schema says the same).
MessageIn = TextIn | PayloadIn
