"""The FastAPI app: routers gathered in one place, shared services created at start-up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from bot.conversations.views import router as conversations_router
from bot.counsellors.views import router as auth_router
from bot.engine import Engine, RasaEngine
from bot.events import Broker
from bot.notify import LogNotifier, Notifier, SmtpNotifier
from bot.privacy import purge_periodically
from bot.ratelimit import RateLimiter
from bot.telegram import install_telegram
from bot.tickets.views import router as tickets_router
from bot.tracker import delete_tracker
from catalogue.text import warm_up
from catalogue.views import router as catalogue_router
from core.config import Settings, get_settings

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("bildungslotse")


def create_app(settings: Settings | None = None, engine: Engine | None = None, notifier: Notifier | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_production_safety()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(warm_up)
        purge = asyncio.create_task(purge_periodically(app.state, settings.database_url))
        yield
        purge.cancel()
        await app.state.engine.aclose()

    app = FastAPI(
        title="Bildungslotse",
        description="Chat-Assistent des Landkreises Osnabrück für Bildungs- und Familienangebote.",
        version="1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine or RasaEngine(settings.engine_url, settings.engine_timeout_s)
    app.state.broker = Broker()
    app.state.limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.notifier = notifier or (
        SmtpNotifier(settings.smtp_host, settings.smtp_port, settings.smtp_from, settings.office_mail_pattern,
                     f"{settings.public_url}/beratung/")
        if settings.smtp_host
        else LogNotifier()
    )  # fmt: skip
    hooks: list[Callable[[str], None]] = [partial(delete_tracker, settings.tracker_store_url)]
    app.state.on_conversation_deleted = hooks
    # channel -> callables(conversation_id, seq) that push a new message out (Telegram registers here)
    deliveries: dict[str, list[Callable[[str, int], None]]] = {}
    app.state.deliveries = deliveries

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.widget_origins,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "Last-Event-ID"],
    )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        # German reasons for the widget; the field errors stay for developers.
        errors = [{"loc": e.get("loc"), "msg": e.get("msg")} for e in exc.errors()]
        return JSONResponse({"detail": "Die Anfrage ist ungültig.", "errors": errors}, status_code=422)

    app.include_router(conversations_router)
    app.include_router(catalogue_router)
    app.include_router(auth_router)
    app.include_router(tickets_router)
    install_telegram(app, settings)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/widget.js", include_in_schema=False)
    def widget() -> FileResponse:
        # Embedded by county pages with one <script> tag; cached briefly so fixes reach citizens soon.
        headers = {"Cache-Control": "max-age=300"}
        return FileResponse(STATIC / "widget.js", media_type="text/javascript", headers=headers)

    @app.get("/beratung", include_in_schema=False)
    def inbox_redirect() -> RedirectResponse:
        return RedirectResponse("/beratung/", status_code=308)

    @app.get("/beratung/", include_in_schema=False)
    def inbox() -> FileResponse:
        # The inbox shows personal data: never inside a frame, never leaking the address elsewhere.
        headers = {
            "Cache-Control": "no-cache",
            "Content-Security-Policy": (
                "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; "
                "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            ),
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
        }
        return FileResponse(STATIC / "beratung" / "index.html", headers=headers)

    @app.get("/beratung/inbox.js", include_in_schema=False)
    def inbox_js() -> FileResponse:
        return FileResponse(STATIC / "beratung" / "inbox.js", media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, object]:
        return {"gateway": True, "engine": await app.state.engine.ready()}

    return app
