"""A gateway whose engine test double answers a search with the real search action (its anonymous record
included), and helpers to seed records in a period of their own (the database is shared by the session)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from actions.offer_search import run_search
from bot.main import create_app
from core.config import Settings
from tests.bot.conftest import FakeEngine, RecordingNotifier

PASSWORD = "ein-langes-testpasswort"


class SearchingEngine(FakeEngine):
    """Every text is taken as the topic of a search in Melle (the worst case: the whole sentence as the topic),
    answered by ``actions.offer_search.run_search`` as the action server would send it."""

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        if text.startswith("/"):
            return await super().send(conversation_id, text)
        self.received.append((conversation_id, text))
        outcome = run_search({"topic": text, "municipality": "Melle", "age": "34"}, page=0, record=True)
        return [{"recipient_id": conversation_id, "custom": m} for m in outcome.messages]


@pytest.fixture
def settings(database_url: str, tmp_path) -> Settings:
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    with create_engine(tracker_url).begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
    return Settings(database_url=database_url, tracker_store_url=tracker_url, rate_limit_per_minute=1000, secret_key="t" * 32)


@pytest.fixture
def searching_client(settings: Settings, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from core.config import get_settings

    monkeypatch.setenv("BILDUNGSLOTSE_DATABASE_URL", database_url)  # the action reads the catalogue from here
    get_settings.cache_clear()
    yield TestClient(create_app(settings, engine=SearchingEngine(), notifier=RecordingNotifier()))
    get_settings.cache_clear()


def handover_payload(municipality: str = "Melle") -> str:
    return "/handover" + json.dumps({"municipality": municipality, "consent": True, "topic": "Deutschkurs"})


@pytest.fixture(scope="module")
def accounts(database_url: str) -> dict[str, str]:
    from bot.counsellors.service import create, get_by_username
    from core.db import session_scope

    names = {"melle": "fig-melle", "bohmte": "fig-bohmte", "admin": "fig-admin"}
    with session_scope(database_url) as session:
        if get_by_username(session=session, username=names["melle"]) is None:
            create(session=session, office_id="melle", username=names["melle"], password=PASSWORD)
            create(session=session, office_id="bohmte", username=names["bohmte"], password=PASSWORD)
            create(session=session, office_id="bramsche", username=names["admin"], password=PASSWORD, is_admin=True)
    return names


def login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
