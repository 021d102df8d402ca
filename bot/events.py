"""In-process fan-out of new messages to open streams (SSE), one queue per listener."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any


class Broker:
    """Listeners live on the event loop; publishers may also be sync routes running in worker threads."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._loop: asyncio.AbstractEventLoop | None = None

    def subscribe(self, key: str) -> asyncio.Queue[dict[str, Any]]:
        self._loop = asyncio.get_running_loop()
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=200)
        self._listeners[key].add(queue)
        return queue

    def unsubscribe(self, key: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self._listeners[key].discard(queue)
        if not self._listeners[key]:
            del self._listeners[key]

    def publish(self, key: str, event: dict[str, Any]) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                on_loop = asyncio.get_running_loop() is loop
            except RuntimeError:
                on_loop = False
            if not on_loop:
                loop.call_soon_threadsafe(self._deliver, key, event)
                return
        self._deliver(key, event)

    def _deliver(self, key: str, event: dict[str, Any]) -> None:
        for queue in list(self._listeners.get(key, ())):
            if queue.full():  # a stalled listener loses old events, never blocks the chat
                queue.get_nowait()
            queue.put_nowait(event)
