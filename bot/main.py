"""The FastAPI app: routers gathered in one place, shared services created at start-up.

With ``BILDUNGSLOTSE_REDIS_URL`` live events, flood counters and per-conversation locks live in Redis, so
that any number of gateways can serve any request; without it they live in this process.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from bot.conversations.views import router as conversations_router
from bot.counsellors.views import router as auth_router
from bot.errors import ErrorResponse, FieldError, errors, install_openapi
from bot.events import Broker, RedisBroker
from bot.feedback.views import router as feedback_router
from bot.labels import router as labels_router
from bot.locks import ConversationLocks, LocalLocks, RedisLocks
from bot.metrics import Metrics
from bot.middleware import BodyLimit, SecurityHeaders
from bot.notify import LogNotifier, Notifier, SmtpNotifier
from bot.privacy import purge_periodically
from bot.ratelimit import RateLimiter, RedisRateLimiter
from bot.relay import Services
from bot.telegram import install_telegram
from bot.telegram.install import MAX_UPDATE_BYTES
from bot.tickets.views import router as tickets_router
from catalogue import query, semantic
from catalogue import service as catalogue_service
from catalogue.text import warm_up
from catalogue.views import router as catalogue_router
from core.config import Settings, get_settings
from core.db import get_engine, read_scope
from core.logging import configure_logging
from engine.client import Engine, EngineRing, RasaEngine
from engine.tracker import delete_tracker
from monitoring.views import router as figures_router

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("bildungslotse")
DB_DOWN = "Der Dienst ist gerade nicht erreichbar (Datenbank). Bitte versuchen Sie es in einer Minute noch einmal."
INTERNAL = "Da ist bei uns etwas schiefgelaufen. Bitte versuchen Sie es noch einmal."
INVALID = "Die Anfrage ist ungültig."
NUL = "Das Zeichen NUL (\\0) ist in Texten nicht erlaubt."
UNSTORABLE = "Die Anfrage enthält einen Wert, der sich nicht speichern lässt (Zeichen oder Zahl außerhalb des Erlaubten)."


async def no_nul_in_parameters(request: Request) -> None:
    """A NUL in a query or path parameter is refused with 422 before any handler runs: PostgreSQL text cannot
    hold it, and a search with it would fail in the database (schemathesis found ``office=%00…`` on the figures)."""
    bad = [("query", key) for key, value in request.query_params.multi_items() if "\x00" in key or "\x00" in value]
    bad += [("path", key) for key, value in request.path_params.items() if isinstance(value, str) and "\x00" in value]
    if bad:
        raise RequestValidationError([{"loc": loc, "msg": NUL, "type": "value_error"} for loc in bad])


# Starlette's and FastAPI's own answers in the language of all the others
GERMAN = {
    "Not Found": "Diese Adresse gibt es nicht.",
    "Method Not Allowed": "Diese Methode ist hier nicht erlaubt.",
    "There was an error parsing the body": "Der Inhalt der Anfrage ist nicht lesbar (kein gültiges JSON oder Formular).",
}
MAX_BODY_BYTES = 64 * 1024  # a chat message is at most a few KB; the API takes no uploads


def _engine_from(settings: Settings) -> Engine:
    return EngineRing([RasaEngine(url, settings.engine_timeout_s) for url in settings.engine_replicas])


def create_app(settings: Settings | None = None, engine: Engine | None = None, notifier: Notifier | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_production_safety()
    configure_logging(settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await app.state.broker.start()
        await asyncio.to_thread(warm_up)
        await asyncio.to_thread(query.warm_up)
        await asyncio.to_thread(semantic.warm_up)
        await asyncio.to_thread(catalogue_service.warm_up, settings.database_url)
        purge = asyncio.create_task(purge_periodically(app.state))
        yield
        purge.cancel()
        app.state.broker.close_streams()
        await app.state.engine.aclose()
        await app.state.broker.aclose()
        await app.state.locks.aclose()
        await app.state.http.aclose()
        app.state.limiter.close()

    app = FastAPI(
        title="Bildungslotse",
        description="Chat-Assistent des Landkreises Osnabrück für Bildungs- und Familienangebote.",
        version="1.0",
        lifespan=lifespan,
        dependencies=[Depends(no_nul_in_parameters)],
    )
    broker: Broker
    locks: ConversationLocks
    limiter: RateLimiter
    if settings.redis_url:
        broker, locks, limiter = (
            RedisBroker(settings.redis_url),
            RedisLocks(settings.redis_url),
            RedisRateLimiter(settings.redis_url),
        )
    else:
        broker, locks, limiter = Broker(), LocalLocks(), RateLimiter()
    metrics = Metrics()
    db = get_engine(settings.database_url)
    metrics.watch_pool("db", lambda: float(getattr(db.pool, "checkedout", lambda: 0)()))
    app.state.settings = settings
    app.state.engine = engine or _engine_from(settings)
    app.state.broker = broker
    app.state.locks = locks
    app.state.limiter = limiter
    app.state.metrics = metrics
    app.state.http = httpx.AsyncClient(timeout=2.0)
    app.state.notifier = notifier or (
        SmtpNotifier(settings.smtp_host, settings.smtp_port, settings.smtp_from, settings.office_mail_pattern,
                     f"{settings.public_url}/beratung/")
        if settings.smtp_host
        else LogNotifier()
    )  # fmt: skip
    app.state.services = Services(
        settings=settings,
        engine=app.state.engine,
        broker=broker,
        notifier=app.state.notifier,
        locks=locks,
        metrics=metrics,
        engine_gate=asyncio.Semaphore(settings.engine_concurrency),
    )
    hooks: list[Callable[[str], None]] = [partial(delete_tracker, settings.tracker_store_url)]
    app.state.on_conversation_deleted = hooks
    # channel -> callables(conversation_id, seq) that push a new message out (Telegram registers here)
    deliveries: dict[str, list[Callable[[str, int], None]]] = {}
    app.state.deliveries = deliveries

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.widget_origins,
        allow_methods=["GET", "POST", "DELETE", "PATCH"],
        allow_headers=["Content-Type", "Last-Event-ID"],
        expose_headers=["Retry-After"],
    )
    app.add_middleware(SecurityHeaders)
    # Bodies are bounded while read: chat messages are small; Telegram updates may carry more.
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES, limits={"/telegram/": MAX_UPDATE_BYTES})
    # Outermost: the real client address behind the county's reverse proxy (trusted hops only).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    _install_error_handlers(app)

    app.include_router(conversations_router)
    app.include_router(catalogue_router)
    app.include_router(auth_router)
    app.include_router(tickets_router)
    app.include_router(figures_router, responses=errors(403))
    app.include_router(feedback_router)
    app.include_router(labels_router)
    install_telegram(app, settings)
    _install_pages(app)
    _install_probes(app, settings)
    install_openapi(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        # A German reason for people; the field errors stay for developers. Shape: bot.errors.ErrorResponse.
        fields = [FieldError(loc=list(e.get("loc", ())), msg=str(e.get("msg", ""))) for e in exc.errors()]
        body = ErrorResponse(detail=INVALID, errors=fields)
        return JSONResponse(body.model_dump(mode="json"), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc.detail, str) and exc.detail in GERMAN:
            exc = StarletteHTTPException(exc.status_code, GERMAN[exc.detail], headers=exc.headers)
        return await http_exception_handler(request, exc)

    @app.exception_handler(DataError)
    async def _unstorable(_: Request, exc: DataError) -> JSONResponse:
        # The database refused a value of the request (a NUL in a body text, a number out of range): the request's
        # fault, not an outage; the session's transaction is rolled back, nothing stored is touched.
        log.warning("value refused by the database: %s", exc.orig.__class__.__name__ if exc.orig else "DataError")
        return JSONResponse(ErrorResponse(detail=UNSTORABLE, errors=[]).model_dump(mode="json"), status_code=422)

    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    async def _database(_: Request, exc: Exception) -> JSONResponse:
        # One line, no traceback: the database is down or saturated, not a bug of the request.
        log.error("database unavailable: %s", exc.__class__.__name__)
        app.state.metrics.db_errors.inc()
        app.state.metrics.rejected.labels("503").inc()
        return JSONResponse({"detail": DB_DOWN}, status_code=503, headers={"Retry-After": "30"})

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse({"detail": INTERNAL}, status_code=500)


def _install_pages(app: FastAPI) -> None:
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

    # The inbox shows personal data: never inside a frame, never leaking the address elsewhere.
    page_headers = {
        "Cache-Control": "no-cache",
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; "
            "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
    }

    @app.get("/beratung/", include_in_schema=False)
    def inbox() -> FileResponse:
        return FileResponse(STATIC / "beratung" / "index.html", headers=page_headers)

    @app.get("/beratung/zahlen", include_in_schema=False)
    def figures_page() -> FileResponse:
        # The county's figures (monitoring.views): the same login, CSP and headers as the inbox.
        return FileResponse(STATIC / "beratung" / "zahlen.html", headers=page_headers)

    @app.get("/beratung/zahlen.js", include_in_schema=False)
    def figures_js() -> FileResponse:
        headers = {"Cache-Control": "no-cache"}
        return FileResponse(STATIC / "beratung" / "zahlen.js", media_type="text/javascript", headers=headers)

    @app.get("/beratung/inbox.js", include_in_schema=False)
    def inbox_js() -> FileResponse:
        return FileResponse(STATIC / "beratung" / "inbox.js", media_type="text/javascript", headers={"Cache-Control": "no-cache"})


def _is_loopback(host: str | None) -> bool:
    try:
        return bool(host) and ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return host == "testclient"


def _install_probes(app: FastAPI, settings: Settings) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, object]:
        """Liveness: the process answers. Touches nothing else, so it stays fast under any load."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        """Readiness: database, engine (any replica) and action server answer; 503 otherwise."""

        def database() -> bool:
            try:
                with read_scope(settings.database_url) as session:
                    session.execute(text("SELECT 1"))
                return True
            except Exception:
                return False

        async def actions() -> bool:
            base = settings.action_url.rsplit("/webhook", 1)[0]
            try:
                return (await app.state.http.get(f"{base}/health")).status_code == 200
            except httpx.HTTPError:
                return False

        db_ok, engine_ok, actions_ok = await asyncio.gather(run_in_threadpool(database), app.state.engine.ready(), actions())
        checks = {"database": db_ok, "engine": engine_ok, "actions": actions_ok}
        status = 200 if all(checks.values()) else 503
        return JSONResponse({"ready": status == 200, **checks}, status_code=status)

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        """Prometheus metrics; only from this machine (scraper on loopback), never through the proxy."""
        if not _is_loopback(request.client.host if request.client else None):
            raise HTTPException(403, "Nur lokal abrufbar.")
        return Response(app.state.metrics.render(), media_type="text/plain; version=0.0.4")
