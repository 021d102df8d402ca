"""The dialogue engine behind a small interface: Rasa over its REST channel, or a test double."""

from __future__ import annotations

import logging
from typing import Any, Protocol

import httpx

log = logging.getLogger(__name__)


class EngineUnavailable(RuntimeError):
    """The engine did not answer; the citizen gets a German apology, nothing is lost."""


class Engine(Protocol):
    async def send(self, conversation_id: str, text: str) -> list[dict[str, Any]]:
        """Deliver one user message; return the engine's replies (Rasa REST channel format)."""
        ...

    async def ready(self) -> bool: ...

    async def aclose(self) -> None: ...


class RasaEngine:
    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(timeout_s, connect=3.0))

    async def send(self, conversation_id: str, text: str) -> list[dict[str, Any]]:
        try:
            response = await self._client.post("/webhooks/rest/webhook", json={"sender": conversation_id, "message": text})
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("engine unavailable: %s", exc.__class__.__name__)
            raise EngineUnavailable(str(exc)) from exc
        return replies if isinstance(replies, list) else []

    async def ready(self) -> bool:
        try:
            response = await self._client.get("/status")
            return response.status_code == 200 and bool(response.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False

    async def aclose(self) -> None:
        await self._client.aclose()
