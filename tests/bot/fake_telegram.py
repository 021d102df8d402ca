"""A local stand-in for the Telegram Bot API: answers like Telegram, records every call, can fail on request.

Served by uvicorn in a thread on a free port of 127.0.0.1; point the bot's base_url at :attr:`FakeTelegram.base_url`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BOT_USER = {"id": 123, "is_bot": True, "first_name": "Bildungslotse", "username": "bildungslotse_test_bot"}
JSON_PARAMS = {"reply_markup", "link_preview_options", "allowed_updates", "commands", "entities"}
TOO_MANY = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}}
BLOCKED = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
BAD_GATEWAY = {"ok": False, "error_code": 502, "description": "Bad Gateway"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int


class FakeTelegram:
    def __init__(self, token: str = "123:TEST") -> None:
        self.token = token
        self.calls: list[Call] = []
        # (method, status, body): the next call of that method gets this answer instead of success, once
        self.failures: list[tuple[str, int, dict[str, Any]]] = []
        self.blocked: set[int] = set()  # chats that answer 403 to every sendMessage
        self.updates: list[dict[str, Any]] = []  # handed out by getUpdates (polling)
        self._lock = threading.Lock()
        self._next_message_id = 1000
        app = Starlette(routes=[Route("/bot{token}/{method}", self._handle, methods=["GET", "POST"])])
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/bot"
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
        self._thread = threading.Thread(target=lambda: asyncio.run(self._server.serve(sockets=[self._sock])), daemon=True)

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("fake Telegram did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._sock.close()

    # --- inspection ------------------------------------------------------------------------------

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """Successful sendMessage calls to that chat, oldest first."""
        return [c.params for c in self.calls_of("sendMessage", chat_id) if c.status == 200]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting; calls so far: {[(c.method, c.status) for c in self.calls]}")

    # --- the API ---------------------------------------------------------------------------------

    async def _handle(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        method = request.path_params["method"]
        params = await _params(request)
        status, body = await self._answer(method, params)
        with self._lock:
            self.calls.append(Call(method, params, status))
        return JSONResponse(body, status_code=status)

    async def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            for i, (failing, status, body) in enumerate(self.failures):
                if failing == method:
                    del self.failures[i]
                    return status, body
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method in {"setWebhook", "deleteWebhook", "setMyCommands", "answerCallbackQuery", "sendChatAction"}:
            return 200, {"ok": True, "result": True}
        if method in {"sendMessage", "editMessageText"}:
            chat_id = params.get("chat_id")
            if method == "sendMessage" and chat_id in self.blocked:
                return 403, BLOCKED
            with self._lock:
                self._next_message_id += 1
                message_id = params.get("message_id") or self._next_message_id
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            return 200, {"ok": True, "result": message}
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            with self._lock:
                ready = [u for u in self.updates if u["update_id"] >= offset]
            if not ready:
                await asyncio.sleep(min(float(params.get("timeout") or 0), 0.1))
            return 200, {"ok": True, "result": ready}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}


async def _params(request: Request) -> dict[str, Any]:
    """PTB posts form fields whose values are JSON-encoded unless they are plain strings."""
    if request.headers.get("content-type", "").startswith("application/json"):
        raw: dict[str, Any] = await request.json()
    else:
        raw = dict((await request.form()).items())
    raw.update(request.query_params)
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and (key in JSON_PARAMS or key in {"chat_id", "message_id", "offset", "timeout"}):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        params[key] = value
    return params
