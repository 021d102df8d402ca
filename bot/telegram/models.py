"""Which Telegram chat belongs to which conversation; needed only to deliver counsellor replies."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class TelegramChat(Base):
    """The chat id never leaves this table: counsellors and the API only ever see the derived conversation id.

    The row goes with its conversation (ON DELETE CASCADE), so retention and deletion need no extra step.
    """

    __tablename__ = "telegram_chats"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    # Telegram chat ids need up to 52 bits.
    chat_id: Mapped[int] = mapped_column(BigInteger)
