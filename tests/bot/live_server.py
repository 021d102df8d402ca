"""A real uvicorn server for an app, in a thread of the test process: real sockets, real concurrency,
the app's own threadpool and event loop — what TestClient (one request at a time) cannot show."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from tests.stack import free_port


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=2,
        backlog=2048,
        proxy_headers=False,  # as bot.serve: the app's own middleware decides whom to believe
        # Longer than any pause in a test: an idle connection closed by the server just as the client reuses it
        # is a keep-alive race of the harness (httpx.ReadError, seen once in CI), not the gateway's answer.
        timeout_keep_alive=60,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
