"""In-process fan-out of new messages to open streams (SSE), one queue per listener."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any


class Broker:
    def __init__(self) -> None:
        self._listeners: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)

    def subscribe(self, key: str) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=200)
        self._listeners[key].add(queue)
        return queue

    def unsubscribe(self, key: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self._listeners[key].discard(queue)
        if not self._listeners[key]:
            del self._listeners[key]

    def publish(self, key: str, event: dict[str, Any]) -> None:
        for queue in list(self._listeners.get(key, ())):
            if queue.full():  # a stalled listener loses old events, never blocks the chat
                queue.get_nowait()
            queue.put_nowait(event)
