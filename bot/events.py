"""Fan-out of live events (a new message in a conversation, a changed ticket of an office) to open streams.

``Broker`` delivers within one gateway process. ``RedisBroker`` sends every event through Redis pub/sub and
delivers what comes back to its local listeners, so that a stream held by gateway B hears a message
posted through gateway A. Events carry only ids and sequence numbers; streams read the data themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
CHANNEL_PREFIX = "bl:ev:"


class Broker:
    """Listeners live on the event loop; publishers may also be sync routes running in worker threads."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._loop: asyncio.AbstractEventLoop | None = None
        self.closing = asyncio.Event()

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
        self._deliver_threadsafe(key, event)

    def _deliver_threadsafe(self, key: str, event: dict[str, Any]) -> None:
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

    def close_streams(self) -> None:
        """At shutdown: every open stream ends now, its client reconnects elsewhere and catches up."""
        self.closing.set()
        for key in list(self._listeners):
            self._deliver(key, {"closing": True})

    def close_streams_soon(self) -> None:
        """Safe from a signal handler: schedules :meth:`close_streams` on the event loop."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.close_streams)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()

    async def aclose(self) -> None:
        return None


class RedisBroker(Broker):
    def __init__(self, url: str) -> None:
        super().__init__()
        self._sync = redis.Redis.from_url(url, socket_timeout=2)
        self._async = aioredis.Redis.from_url(url)
        self._reader: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[Any]] = set()

    def publish(self, key: str, event: dict[str, Any]) -> None:
        data = json.dumps({"key": key, "event": event})
        try:
            on_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            on_loop = False
        if on_loop:  # never block the event loop on the network
            task = asyncio.get_running_loop().create_task(self._publish_async(key, data, event))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
            return
        try:
            self._sync.publish(CHANNEL_PREFIX + key, data)
        except RedisError:
            log.warning("redis publish failed; delivering locally only")
            self._deliver_threadsafe(key, event)

    async def _publish_async(self, key: str, data: str, event: dict[str, Any]) -> None:
        try:
            await self._async.publish(CHANNEL_PREFIX + key, data)
        except RedisError:
            log.warning("redis publish failed; delivering locally only")
            self._deliver(key, event)

    async def start(self) -> None:
        await super().start()
        pubsub = self._async.pubsub()
        await pubsub.psubscribe(CHANNEL_PREFIX + "*")
        self._reader = asyncio.create_task(self._read(pubsub))

    async def _read(self, pubsub: Any) -> None:
        while True:
            try:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
            except RedisError:
                log.warning("redis subscription lost; retrying in 1 s")
                await asyncio.sleep(1)
                with contextlib.suppress(RedisError):
                    await pubsub.psubscribe(CHANNEL_PREFIX + "*")
                continue
            if not message or message.get("type") != "pmessage":
                continue
            try:
                body = json.loads(message["data"])
                self._deliver(str(body["key"]), dict(body["event"]))
            except (ValueError, KeyError, TypeError):
                log.warning("ignoring a malformed event from redis")

    async def aclose(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._async.aclose()
        self._sync.close()
