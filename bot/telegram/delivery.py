"""Sending into Telegram chats: retries for rate limits and network trouble, per-chat order, undelivered marks.

Counsellor replies and handover notices arrive from the ticket routes (worker threads) as (conversation_id, seq);
:meth:`Delivery.schedule` hands them to the event loop the Telegram bot runs in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Coroutine
from typing import Any
from weakref import WeakValueDictionary

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.conversations.models import Message
from bot.events import Broker
from bot.feedback import service as feedback
from bot.relay import office_key
from bot.telegram import chats
from bot.telegram.format import Part, labels_language, rating_part, render
from bot.tickets.models import Ticket
from core.db import read_scope, session_scope

log = logging.getLogger(__name__)


def retry_seconds(exc: RetryAfter) -> float:
    """PTB 22 returns int or timedelta depending on PTB_TIMEDELTA; accept both without the deprecation warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def rating_due(session: Any, message: Message) -> str | None:
    """The ticket to rate when ``message`` is the notice that a counsellor closed a handover they had taken on
    (not a withdrawn or never answered request), and it has no rating yet."""
    handover = (message.extra or {}).get("handover") or {}
    if message.sender != "system" or handover.get("status") != "closed" or not handover.get("ticket_id"):
        return None
    ticket = session.get(Ticket, handover["ticket_id"])
    if ticket is None or ticket.claimed_at is None or ticket.conversation_id != message.conversation_id:
        return None
    if feedback.rated(session=session, conversation_id=message.conversation_id, ticket_id=ticket.id):
        return None
    return str(ticket.id)


class Delivery:
    attempts = 3  # network errors and time-outs: tries per Telegram message
    backoff_s = 1.0  # first wait after a network error; doubles
    rate_limit_retries = 3
    max_retry_after_s = 60.0
    drain_timeout_s = 10.0

    def __init__(self, bot: Bot, database_url: str, broker: Broker) -> None:
        self.bot = bot
        self.database_url = database_url
        self.broker = broker
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._loop = loop

    def _lock(self, conversation_id: str) -> asyncio.Lock:
        # Held while one Message's parts go out, so a chat sees messages in the order they were written.
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = self._locks[conversation_id] = asyncio.Lock()
        return lock

    # --- sending ---------------------------------------------------------------------------------

    async def send_part(self, chat_id: int, part: Part) -> bool:
        """True once Telegram took the message; False if it cannot (blocked, bad request, retries used up)."""
        network_failures = rate_limited = 0
        while True:
            try:
                await self.bot.send_message(
                    chat_id=chat_id,
                    text=part.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=part.keyboard,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
                return True
            except RetryAfter as exc:
                rate_limited += 1
                if rate_limited > self.rate_limit_retries:
                    log.warning("telegram: still rate-limited after %d waits, giving up", self.rate_limit_retries)
                    return False
                await asyncio.sleep(min(retry_seconds(exc), self.max_retry_after_s))
            except BadRequest as exc:  # a subclass of NetworkError, but retrying cannot help
                log.warning("telegram: message rejected: %s", exc.message)
                return False
            except NetworkError as exc:  # includes TimedOut
                network_failures += 1
                if network_failures >= self.attempts:
                    log.warning("telegram: network error, giving up after %d tries: %s", self.attempts, exc.message)
                    return False
                await asyncio.sleep(self.backoff_s * 2 ** (network_failures - 1))
            except TelegramError as exc:  # Forbidden (bot blocked, chat gone) and the like: permanent
                log.info("telegram: message not deliverable: %s", exc.message)
                return False

    async def send_parts(self, conversation_id: str, chat_id: int, parts: list[Part]) -> bool:
        async with self._lock(conversation_id):
            return await self._send_unlocked(chat_id, parts)

    async def _send_unlocked(self, chat_id: int, parts: list[Part]) -> bool:
        for part in parts:
            if not await self.send_part(chat_id, part):
                return False
        return True

    async def send_stored(self, conversation_id: str, chat_id: int, seq: int, parts: list[Part]) -> bool:
        """Send one stored Message; if it does not arrive, mark it so that the counsellor sees it."""
        delivered = await self.send_parts(conversation_id, chat_id, parts)
        if not delivered:
            await run_in_threadpool(self.mark_undelivered, conversation_id, seq)
        return delivered

    async def deliver(self, conversation_id: str, seq: int) -> None:
        """Load a stored Message (counsellor reply, claim/close notice) and send it to its chat. The chat's lock is
        taken before anything is awaited, so messages scheduled one after the other (a claim notice, then the
        reply) arrive in that order."""
        try:
            async with self._lock(conversation_id):
                loaded = await run_in_threadpool(self._load, conversation_id, seq)
                if loaded is None:
                    return  # deleted meanwhile, or not a Telegram conversation
                chat_id, parts = loaded
                delivered = await self._send_unlocked(chat_id, parts) if parts else True
            if not delivered:
                await run_in_threadpool(self.mark_undelivered, conversation_id, seq)
        except Exception:
            log.exception("telegram: delivery of a message failed")

    def _load(self, conversation_id: str, seq: int) -> tuple[int, list[Part]] | None:
        with read_scope(self.database_url) as session:
            chat_id = chats.chat_id_of(session=session, conversation_id=conversation_id)
            message = session.scalar(select(Message).where(Message.conversation_id == conversation_id, Message.seq == seq))
            if chat_id is None or message is None:
                return None
            parts = render(message.sender, message.text, message.extra)
            ticket_id = rating_due(session, message)
            if ticket_id:
                parts.append(rating_part(ticket_id, labels_language(message.extra)))
            return chat_id, parts

    def mark_undelivered(self, conversation_id: str, seq: int) -> None:
        with session_scope(self.database_url) as session:
            message = session.scalar(select(Message).where(Message.conversation_id == conversation_id, Message.seq == seq))
            if message is None:
                return
            message.extra = {**(message.extra or {}), "undelivered": True}  # a new dict, so the JSON column is saved
            ticket = session.scalar(
                select(Ticket).where(Ticket.conversation_id == conversation_id).order_by(Ticket.created_at.desc())
            )
            office_ticket = (ticket.office_id, ticket.id) if ticket else None
        self.broker.publish(conversation_id, {"seq": seq})
        if office_ticket:  # the inbox reloads the ticket and shows the mark
            self.broker.publish(office_key(office_ticket[0]), {"ticket_id": office_ticket[1]})

    # --- scheduling from the ticket routes -------------------------------------------------------

    def schedule(self, conversation_id: str, seq: int) -> None:
        """The callable in app.state.deliveries["telegram"]: returns at once, the send runs in the bot's loop."""
        loop = self._loop
        if loop is None or loop.is_closed():
            log.warning("telegram: not running, a counsellor message stays undelivered")
            self.mark_undelivered(conversation_id, seq)
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._start(self.deliver(conversation_id, seq))
        else:  # the sync ticket routes run in a worker thread
            try:
                loop.call_soon_threadsafe(self._start, self.deliver(conversation_id, seq))
            except RuntimeError:  # loop shut down in between
                self.mark_undelivered(conversation_id, seq)

    def _start(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """On shutdown: let sends in flight finish (briefly), so a restart does not swallow a reply."""
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=self.drain_timeout_s)
            for task in pending:
                task.cancel()
        self._loop = None
