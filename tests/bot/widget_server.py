"""Servers for the widget's browser test: the real gateway app with a fake engine, and a host page on
another origin that embeds the widget with its one script tag (as a county web page would)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

OFFICE = {"id": "bb-melle", "name": "Bildungsbüro Melle"}
OFFERS: list[dict[str, Any]] = [
    {"id": "t-1", "title": "Deutschkurs A1 am Vormittag", "category": "sprache", "provider": "VHS Osnabrücker Land",
     "municipality": "Melle", "distance_km": 2.4, "online": False, "next_start": "2027-01-11", "cost_eur": 0,
     "url": "https://example.org/deutschkurs-a1"},
    {"id": "t-2", "title": "Deutsch online lernen", "category": "sprache", "provider": "Bildungswerk",
     "municipality": "Bramsche", "distance_km": None, "online": True, "next_start": None, "cost_eur": 45.5,
     "url": "javascript:alert(document.domain)"},
]  # fmt: skip


class FakeEngine:
    """Answers like Rasa's REST channel: a search gets a text, buttons and offers; a button asks for a handover."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.received.append((conversation_id, text))
        if "langsam" in text:  # a slow answer, so that the typing indicator can be seen
            await asyncio.sleep(1.5)
        if text.startswith("/request_handover"):
            handover = {"ticket_id": "T-100", "status": "waiting", "office": OFFICE}
            return [{"custom": {"text": "Ich habe Ihre Anfrage an das Bildungsbüro weitergegeben.", "handover": handover}}]
        if text.startswith("/delete_confirmed"):
            return [{"custom": {"text": "gelöscht", "action": "delete_conversation"}}]
        if "deutsch" in text.lower() or text.startswith("/search_offers") or text.startswith("/more_offers"):
            return [
                {"recipient_id": conversation_id, "text": "Ich habe 2 passende Angebote gefunden.",
                 "buttons": [{"title": "Weitere Angebote", "payload": "/more_offers"},
                             {"title": "Beratung anfragen", "payload": "/request_handover"}]},
                {"recipient_id": conversation_id, "custom": {"text": None, "offers": OFFERS}},
            ]  # fmt: skip
        return [{"recipient_id": conversation_id, "text": f"Sie schrieben: {text}"}]

    async def ready(self) -> bool:
        return True

    async def aclose(self) -> None:
        pass


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class GatewayThread:
    """uvicorn serving the app in a background thread, on a free port of 127.0.0.1."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.sock = free_socket()
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=1, ws="none")
        self.server = uvicorn.Server(config)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(target=self._run, name="widget-gateway", daemon=True)

    def _run(self) -> None:
        async def serve() -> None:
            self.loop = asyncio.get_running_loop()
            await self.server.serve(sockets=[self.sock])

        asyncio.run(serve())

    def start(self) -> GatewayThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the gateway did not start")
            time.sleep(0.02)
        return self

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run fn in the server's event loop (the broker's queues belong to it)."""
        assert self.loop is not None
        self.loop.call_soon_threadsafe(fn, *args)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(timeout=5)
        self.sock.close()


class HostPages:
    """A plain http.server on another port (so another origin) that serves the given pages by path."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages

        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = outer.pages.get(self.path.split("?", 1)[0])
                if body is None:
                    self.send_error(404)
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="widget-host-page", daemon=True)

    def start(self) -> HostPages:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- shared by the browser tests (widget and inbox): Debian's Chromium, never a downloaded browser ---
CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (imported here so that modules can skip without it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
