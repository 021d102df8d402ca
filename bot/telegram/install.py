"""Running python-telegram-bot inside the gateway: webhook route or long polling, start-up and shut-down.

Webhook mode follows PTB's custom-webhook pattern: the Application is built without an Updater and our FastAPI
route feeds it the updates. Without a public URL (local development) the bot polls Telegram instead.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from urllib.parse import urlsplit
from weakref import WeakValueDictionary

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseUpdateProcessor

from bot import i18n
from bot.telegram import chats
from bot.telegram.delivery import Delivery
from bot.telegram.handlers import COMMANDS, Handlers
from core.config import Settings
from core.i18n import translate

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
MAX_UPDATE_BYTES = 1_000_000


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Different chats concurrently (a slow engine answer must not hold up everyone), one chat strictly in order."""

    def __init__(self, max_concurrent_updates: int = 32) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.get(chat.id)
        if lock is None:
            lock = self._locks[chat.id] = asyncio.Lock()
        async with lock:
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class _RedactToken(logging.Filter):
    """httpx logs every request URL at INFO, and Telegram's URLs contain the bot token."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<telegram-token>"), None
        return True


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class TelegramChannel:
    """The PTB Application and our delivery, started and stopped with the gateway."""

    def __init__(self, app: FastAPI, settings: Settings) -> None:
        assert settings.telegram_token
        self.polling = settings.telegram_use_polling or is_loopback(settings.public_url)
        self.webhook_url = settings.public_url.rstrip("/") + WEBHOOK_PATH
        self.secret = settings.telegram_webhook_secret or chats.webhook_secret_for(settings.telegram_webhook_key)
        builder = (
            Application.builder()
            .token(settings.telegram_token)
            .base_url(settings.telegram_api_base)
            .concurrent_updates(PerChatUpdateProcessor())
        )
        if not self.polling:
            builder = builder.updater(None)
        self.application = builder.build()
        self.delivery = Delivery(self.application.bot, settings.database_url, app.state.broker)
        self.languages = i18n.supported(settings.languages)
        Handlers(app, self.delivery).register(self.application)
        self.running = False

    async def start(self) -> None:
        """A Telegram outage or wrong token must not take the web chat down with it: log loudly, carry on."""
        self.delivery.bind(asyncio.get_running_loop())
        try:
            await self.application.initialize()
            if self.polling:
                assert self.application.updater is not None
                await self.application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, error_callback=_polling_error)
            else:
                await self.application.bot.set_webhook(
                    self.webhook_url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES
                )
            await self.application.start()
        except (TelegramError, OSError) as exc:
            log.error("Telegram channel could not start (%s): %s", type(exc).__name__, exc)
            self.delivery.bind(None)
            try:
                await self.application.shutdown()
            except Exception:
                log.debug("telegram: shutdown after failed start", exc_info=True)
            return
        self.running = True
        try:
            await self.application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
            # The menu in the language of the citizen's Telegram app, for each language we answer in.
            for language in self.languages[1:]:
                commands = [BotCommand(c, translate(d, language)) for c, d in COMMANDS]
                await self.application.bot.set_my_commands(commands, language_code=language)
        except TelegramError as exc:
            log.warning("telegram: could not set the command menu: %s", exc)
        mode = "long polling" if self.polling else f"webhook {self.webhook_url}"
        log.info("Telegram channel on as @%s (%s)", self.application.bot.username, mode)

    async def stop(self) -> None:
        if not self.running:
            return
        self.running = False
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        await self.application.stop()  # handles updates already received
        await self.delivery.drain()
        await self.application.shutdown()

    async def webhook(self, request: Request) -> Response:
        """Only Telegram knows the secret; anything else is refused before the body is read."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return JSONResponse({"detail": "Zugriff verweigert."}, status_code=403)
        if not self.running:
            return JSONResponse({"detail": "Der Telegram-Kanal ist gerade nicht bereit."}, status_code=503)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return JSONResponse({"detail": "Zu groß."}, status_code=413)
        try:
            data = json.loads(body)
            update = Update.de_json(data, self.application.bot) if isinstance(data, dict) else None
        except Exception:  # untrusted shape: any parsing error is the sender's
            update = None
        if update is None:
            return JSONResponse({"detail": "Kein gültiges Telegram-Update."}, status_code=400)
        await self.application.update_queue.put(update)
        return Response(status_code=200)


def _polling_error(exc: TelegramError) -> None:
    # e.g. Conflict when two processes poll with the same token: polling is for one local process only
    log.warning("telegram polling: %s: %s", type(exc).__name__, exc)


def _wrap_lifespan(app: FastAPI, start: Callable[[], Awaitable[None]], stop: Callable[[], Awaitable[None]]) -> None:
    """Run inside the app's own lifespan (Starlette ignores on_startup once a lifespan is set)."""
    inner: Callable[[Any], AbstractAsyncContextManager[Any]] = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(asgi_app: Any) -> AsyncIterator[Any]:
        async with inner(asgi_app) as state:
            await start()
            try:
                yield state
            finally:
                await stop()

    app.router.lifespan_context = lifespan


def install_telegram(app: FastAPI, settings: Settings) -> None:
    """Add the Telegram channel to the gateway if a bot token is configured; otherwise say so once."""
    app.state.telegram = None
    if not settings.telegram_token:
        log.info("Telegram channel off: no BILDUNGSLOTSE_TELEGRAM_TOKEN set.")
        return
    channel = TelegramChannel(app, settings)
    app.state.telegram = channel
    app.state.deliveries.setdefault("telegram", []).append(channel.delivery.schedule)
    if not channel.polling:
        app.add_api_route(WEBHOOK_PATH, channel.webhook, methods=["POST"], include_in_schema=False)
    httpx_log = logging.getLogger("httpx")
    if not any(isinstance(f, _RedactToken) and f.token == settings.telegram_token for f in httpx_log.filters):
        httpx_log.addFilter(_RedactToken(settings.telegram_token))
    _wrap_lifespan(app, channel.start, channel.stop)
