"""One message of a conversation at a time: in-process, or in Redis when several gateways share the load.

Rasa processes simultaneous messages of one sender correctly only within one engine's lock store, and even
then the order can change; serialising in the gateway keeps the history and the tracker in the same order.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Protocol

import redis.asyncio as aioredis
from redis.exceptions import LockError, RedisError


class Busy(RuntimeError):
    """The conversation's previous message is still being answered for longer than we wait."""


class ConversationLocks(Protocol):
    def hold(self, conversation_id: str, *, wait_s: float, lease_s: float) -> contextlib.AbstractAsyncContextManager[None]: ...

    async def aclose(self) -> None: ...


class LocalLocks:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, conversation_id: str, *, wait_s: float, lease_s: float) -> AsyncIterator[None]:
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        self._users[conversation_id] = self._users.get(conversation_id, 0) + 1
        try:
            try:
                await asyncio.wait_for(lock.acquire(), timeout=wait_s)
            except TimeoutError:
                raise Busy(conversation_id) from None
            try:
                yield
            finally:
                lock.release()
        finally:
            self._users[conversation_id] -= 1
            if not self._users[conversation_id]:  # nobody waits: forget the lock, memory stays bounded
                del self._users[conversation_id]
                self._locks.pop(conversation_id, None)

    async def aclose(self) -> None:
        return None


class RedisLocks:
    """A lease in Redis (``SET NX PX``): a gateway that dies mid-turn frees the conversation after ``lease_s``."""

    def __init__(self, url: str, prefix: str = "bl:lock:") -> None:
        self._redis = aioredis.Redis.from_url(url)
        self._prefix = prefix

    @contextlib.asynccontextmanager
    async def hold(self, conversation_id: str, *, wait_s: float, lease_s: float) -> AsyncIterator[None]:
        lock = self._redis.lock(self._prefix + conversation_id, timeout=lease_s, blocking_timeout=wait_s, sleep=0.02)
        try:
            acquired = await lock.acquire()
        except RedisError as exc:
            raise Busy(conversation_id) from exc
        if not acquired:
            raise Busy(conversation_id)
        try:
            yield
        finally:
            with contextlib.suppress(LockError, RedisError):  # an expired lease is already free
                await lock.release()

    async def aclose(self) -> None:
        await self._redis.aclose()
