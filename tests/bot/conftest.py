"""A gateway with a test double for the engine that speaks Rasa's REST format."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from bot.main import create_app
from core.config import Settings
from engine.client import EngineUnavailable

OFFER = {
    "id": "x-1", "title": "Deutschkurs", "category": "sprache", "provider": "VHS", "municipality": "Melle",
    "distance_km": 1.2, "online": False, "next_start": "2027-01-10", "cost_eur": 0, "url": None,
}  # fmt: skip


class FakeEngine:
    """Echoes text with an offer; "/handover{...}" answers like action_handover; "/delete_confirmed" like the
    delete action. Records what it received."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.metadata: list[dict[str, Any] | None] = []
        self.down = False

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        if self.down:
            raise EngineUnavailable("connection refused")
        self.received.append((conversation_id, text))
        self.metadata.append(metadata)
        if text == "/delete_confirmed":
            return [{"custom": {"text": "gelöscht", "action": "delete_conversation"}}]
        if text.startswith("/handover"):
            request = json.loads(text.removeprefix("/handover") or "{}")
            return [{"custom": {"action": "handover", "handover_request": request}}]
        return [
            {"recipient_id": conversation_id, "text": f"Echo: {text}", "buttons": [{"title": "Mehr", "payload": "/more_offers"}]},
            {"recipient_id": conversation_id, "custom": {"text": "Angebote", "offers": [OFFER]}},
        ]

    async def ready(self) -> bool:
        return not self.down

    async def aclose(self) -> None:
        pass


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []

    async def new_ticket(self, **kw: str) -> None:
        self.sent.append(kw)


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def tracker_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    with create_engine(url).begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
    return url


@pytest.fixture
def settings(database_url: str, tracker_url: str) -> Settings:
    return Settings(database_url=database_url, tracker_store_url=tracker_url, rate_limit_per_minute=20, secret_key="t" * 32)


@pytest.fixture
def client(settings: Settings, engine: FakeEngine, notifier: RecordingNotifier) -> TestClient:
    return TestClient(create_app(settings, engine=engine, notifier=notifier))
