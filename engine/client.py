"""The dialogue engine behind a small interface: Rasa over its REST channel, or a test double.

``RasaEngine`` talks to one engine; ``EngineRing`` pins each conversation to one of several replicas by a
consistent hash and moves it to the next replica on the ring only when its own is unreachable (the shared
tracker store carries the conversation's state over). A bounded number of calls is in flight per gateway;
the rest wait briefly and then get ``EngineBusy`` (503 with Retry-After), never an unbounded queue.
"""

from __future__ import annotations

import asyncio
import bisect
import hashlib
import logging
from typing import Any, Protocol

import httpx

log = logging.getLogger(__name__)
VIRTUAL_NODES = 64


class EngineUnavailable(RuntimeError):
    """The engine did not answer; the citizen gets a German notice, nothing is lost."""

    def __init__(self, message: str, *, reason: str = "unavailable", delivered: bool = False) -> None:
        super().__init__(message)
        self.reason = reason
        # True when the engine may have received the message (a timeout): it must not be sent elsewhere again.
        self.delivered = delivered


class EngineBusy(RuntimeError):
    """Too many engine calls in flight for too long: tell the citizen to try again shortly."""


class Engine(Protocol):
    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Deliver one user message; return the engine's replies (Rasa REST channel format). ``metadata`` travels with
        the message into the tracker, where actions read it (``tracker.latest_message["metadata"]``)."""
        ...

    async def ready(self) -> bool: ...

    async def aclose(self) -> None: ...


class RasaEngine:
    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        self.base_url = base_url
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_s, connect=3.0),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": conversation_id, "message": text}
        if metadata:
            body["metadata"] = metadata
        try:
            response = await self._client.post("/webhooks/rest/webhook", json=body)
            response.raise_for_status()
            replies = response.json()
        except httpx.ConnectError as exc:
            log.warning("engine %s unreachable", self.base_url)
            raise EngineUnavailable(str(exc), reason="connect") from exc
        except httpx.TimeoutException as exc:
            log.warning("engine %s timed out", self.base_url)
            raise EngineUnavailable(str(exc), reason="timeout", delivered=True) from exc
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("engine %s failed: %s", self.base_url, exc.__class__.__name__)
            raise EngineUnavailable(str(exc), reason="error", delivered=True) from exc
        return replies if isinstance(replies, list) else []

    async def ready(self) -> bool:
        try:
            response = await self._client.get("/status", timeout=2.0)
            return response.status_code == 200 and bool(response.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False

    async def aclose(self) -> None:
        await self._client.aclose()


def _hash(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


class EngineRing:
    """Consistent hashing over replicas, plus the in-flight bound (also used with a single engine)."""

    def __init__(self, engines: list[Engine], *, concurrency: int = 32, queue_s: float = 10.0) -> None:
        if not engines:
            raise ValueError("at least one engine")
        self.engines = engines
        self._gate = asyncio.Semaphore(concurrency)
        self._queue_s = queue_s
        points = sorted((_hash(f"{i}#{v}"), i) for i in range(len(engines)) for v in range(VIRTUAL_NODES))
        self._keys = [p for p, _ in points]
        self._owners = [i for _, i in points]

    def order_for(self, conversation_id: str) -> list[int]:
        """Replica indexes for a conversation: its own first, then the next distinct ones on the ring."""
        start = bisect.bisect(self._keys, _hash(conversation_id)) % len(self._keys)
        order: list[int] = []
        for k in range(len(self._keys)):
            owner = self._owners[(start + k) % len(self._keys)]
            if owner not in order:
                order.append(owner)
                if len(order) == len(self.engines):
                    break
        return order

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        try:
            await asyncio.wait_for(self._gate.acquire(), timeout=self._queue_s)
        except TimeoutError:
            raise EngineBusy("engine saturated") from None
        try:
            last: EngineUnavailable | None = None
            for index in self.order_for(conversation_id):
                try:
                    return await self.engines[index].send(conversation_id, text, metadata)
                except EngineUnavailable as exc:
                    last = exc
                    if exc.delivered:  # it may have been processed: never hand it to a second engine
                        raise
            assert last is not None
            raise last
        finally:
            self._gate.release()

    async def ready(self) -> bool:
        results = await asyncio.gather(*(e.ready() for e in self.engines))
        return any(results)

    async def aclose(self) -> None:
        for engine in self.engines:
            await engine.aclose()
