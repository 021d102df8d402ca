"""The gateway under concurrent citizens, open streams, saturation and faults (issue: real load).

A real uvicorn server in a thread with an engine double that takes as long as a real turn; on SQLite and,
when configured, on PostgreSQL. These are correctness tests (nothing lost, nothing 5xx, nothing hangs);
speeds are measured in ``make bench``, not asserted here.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.main import create_app
from core.config import Settings
from engine.client import EngineRing, EngineUnavailable
from tests.bot.conftest import FakeEngine, RecordingNotifier
from tests.bot.live_server import live_server
from tests.stack import ROOT, free_port, wait_until


class SlowEngine(FakeEngine):
    """Answers after a realistic pause; records the order of the messages of each conversation."""

    def __init__(self, delay_s: float = 0.03) -> None:
        super().__init__()
        self.delay_s = delay_s
        self.empty = False

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        await asyncio.sleep(self.delay_s * (0.5 + random.random()))
        if self.empty:  # what Rasa answers when its action server is down
            self.received.append((conversation_id, text))
            return []
        return await super().send(conversation_id, text)


def _settings(database_url: str, tracker_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "tracker_store_url": tracker_url,
        "secret_key": "t" * 32,
        "rate_limit_per_minute": 1000,
        "client_rate_limit_per_minute": 100_000,
        "new_conversations_per_minute": 100_000,
        **overrides,
    }
    return Settings(**values)


async def _create_then_send(client: httpx.AsyncClient, n: int) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    r = await client.post("/api/v1/conversations")
    out.append(("create", r.status_code))
    if r.status_code != 201:
        return out
    cid = r.json()["conversation_id"]
    r = await client.post(f"/api/v1/conversations/{cid}/messages", json={"text": f"Deutschkurs {n}"})
    out.append(("send", r.status_code))
    r = await client.get(f"/api/v1/conversations/{cid}/messages")
    texts = [m["text"] for m in r.json()["messages"]] if r.status_code == 200 else []
    out.append(("read", 200 if f"Deutschkurs {n}" in texts and f"Echo: Deutschkurs {n}" in texts else 599))
    return out


def test_200_concurrent_create_then_send_pairs(database_url: str, tracker_url: str) -> None:
    engine = SlowEngine()
    app = create_app(_settings(database_url, tracker_url), engine=engine, notifier=RecordingNotifier())

    async def run(base: str) -> list[tuple[str, int]]:
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
            results = await asyncio.gather(*(_create_then_send(client, n) for n in range(200)))
        return [r for rs in results for r in rs]

    with live_server(app) as base:
        results = asyncio.run(run(base))
    bad = [r for r in results if r[1] >= 300]
    assert not bad, f"{len(bad)} bad responses, e.g. {bad[:5]}"
    assert sum(1 for kind, _ in results if kind == "send") == 200


def test_one_conversation_is_answered_in_order(database_url: str, tracker_url: str) -> None:
    """Simultaneous messages of one conversation reach the engine one at a time, in the stored order."""
    engine = SlowEngine(delay_s=0.02)
    app = create_app(_settings(database_url, tracker_url), engine=engine, notifier=RecordingNotifier())

    async def run(base: str) -> tuple[str, list[dict[str, Any]]]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            cid = (await client.post("/api/v1/conversations")).json()["conversation_id"]
            sent = await asyncio.gather(
                *(client.post(f"/api/v1/conversations/{cid}/messages", json={"text": f"m{i}"}) for i in range(20))
            )
            assert all(r.status_code == 200 for r in sent)
            return cid, (await client.get(f"/api/v1/conversations/{cid}/messages")).json()["messages"]

    with live_server(app) as base:
        cid, history = asyncio.run(run(base))
    users = [m["text"] for m in history if m["sender"] == "user"]
    assert sorted(users) == sorted(f"m{i}" for i in range(20))
    assert [t for c, t in engine.received if c == cid] == users  # the engine saw the history's order
    # every user message is directly followed by its own answer: no interleaving
    for i, m in enumerate(history):
        if m["sender"] == "user":
            assert history[i + 1]["text"] == f"Echo: {m['text']}"


def test_open_streams_do_not_block_the_gateway(database_url: str, tracker_url: str) -> None:
    engine = SlowEngine()
    app = create_app(_settings(database_url, tracker_url), engine=engine, notifier=RecordingNotifier())

    async def run(base: str) -> dict[str, Any]:
        limits = httpx.Limits(max_connections=300)
        async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
            cids = [(await client.post("/api/v1/conversations")).json()["conversation_id"] for _ in range(100)]
            got: dict[str, list[str]] = {cid: [] for cid in cids}

            async def listen(cid: str) -> None:
                async with client.stream("GET", f"/api/v1/conversations/{cid}/stream") as response:
                    async for line in response.aiter_lines():
                        if line.startswith("data: ") and line != "data: {}":
                            got[cid].append(json.loads(line[6:])["text"] or "")

            listeners = [asyncio.create_task(listen(cid)) for cid in cids]
            await asyncio.sleep(0.5)
            async with httpx.AsyncClient(base_url=base, timeout=1.0) as probe:
                started = time.monotonic()
                health = await probe.get("/healthz")  # the 1 s timeout is the assertion: no hang
                health_s = time.monotonic() - started

            async def citizen(cid: str) -> list[int]:
                codes = []
                for k in range(5):
                    r = await client.post(f"/api/v1/conversations/{cid}/messages", json={"text": f"frage {k}"})
                    codes.append(r.status_code)
                return codes

            codes = await asyncio.gather(*(citizen(cid) for cid in cids[:20]))
            await asyncio.sleep(0.5)
            for task in listeners:
                task.cancel()
            await asyncio.gather(*listeners, return_exceptions=True)
            return {"health": health.status_code, "health_s": health_s, "codes": codes, "got": got, "cids": cids}

    with live_server(app) as base:
        out = asyncio.run(run(base))
    assert out["health"] == 200
    assert all(code == 200 for codes in out["codes"] for code in codes)
    for cid in out["cids"][:20]:  # each chatting citizen's own stream heard all its messages
        assert all(f"frage {k}" in out["got"][cid] for k in range(5)), out["got"][cid]
        assert all(f"Echo: frage {k}" in out["got"][cid] for k in range(5))


def test_saturated_engine_gives_503_with_retry_after_and_stores_nothing(database_url: str, tracker_url: str) -> None:
    engine = SlowEngine(delay_s=1.0)
    settings = _settings(database_url, tracker_url, engine_concurrency=1, engine_queue_s=0.2)
    app = create_app(settings, engine=engine, notifier=RecordingNotifier())

    async def run(base: str) -> tuple[list[httpx.Response], list[list[dict[str, Any]]]]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            cids = [(await client.post("/api/v1/conversations")).json()["conversation_id"] for _ in range(4)]
            responses = await asyncio.gather(
                *(client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "hallo"}) for cid in cids)
            )
            histories = [(await client.get(f"/api/v1/conversations/{cid}/messages")).json()["messages"] for cid in cids]
            return list(responses), histories

    with live_server(app) as base:
        responses, histories = asyncio.run(run(base))
    statuses = sorted(r.status_code for r in responses)
    assert statuses[0] == 200 and 503 in statuses and all(s in (200, 503) for s in statuses)
    for response, history in zip(responses, histories, strict=True):
        if response.status_code == 503:
            assert int(response.headers["Retry-After"]) > 0
            assert "Sekunden" in response.json()["detail"]
            assert [m["sender"] for m in history] == ["bot"]  # only the welcome: resending duplicates nothing


def test_action_server_down_gives_the_engine_down_notice(client, engine: FakeEngine) -> None:
    class Empty(FakeEngine):
        async def send(self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
            return []

    client.app.state.services.engine = Empty()
    cid = client.post("/api/v1/conversations").json()["conversation_id"]
    r = client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "deutschkurs in melle"})
    assert r.status_code == 200
    [notice] = r.json()["messages"]
    assert notice["sender"] == "system" and "nicht erreichbar" in notice["text"]
    history = client.get(f"/api/v1/conversations/{cid}/messages").json()["messages"]
    assert [m["text"] for m in history if m["sender"] == "user"] == ["deutschkurs in melle"]


def test_database_unreachable_gives_503_json(tracker_url: str) -> None:
    from fastapi.testclient import TestClient

    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none?connect_timeout=2"
    app = create_app(_settings(url, tracker_url), engine=FakeEngine(), notifier=RecordingNotifier())
    with TestClient(app) as client:
        for method, path in (("post", "/api/v1/conversations"), ("get", "/api/v1/offices"), ("get", "/api/v1/offers?q=kurs")):
            r = client.request(method, path)
            assert r.status_code == 503, (path, r.text)
            assert r.headers["content-type"].startswith("application/json")
            assert "Datenbank" in r.json()["detail"] and int(r.headers["Retry-After"]) > 0
        assert client.get("/healthz").status_code == 200  # alive …
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["database"] is False  # … but not ready


def test_flood_limits_per_conversation_and_per_client(database_url: str, tracker_url: str) -> None:
    settings = _settings(database_url, tracker_url, rate_limit_per_minute=5, client_rate_limit_per_minute=12)
    app = create_app(settings, engine=FakeEngine(), notifier=RecordingNotifier())

    def send(client: httpx.Client, cid: str, address: str) -> httpx.Response:
        return client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "hi"}, headers={"X-Forwarded-For": address})

    with live_server(app) as base, httpx.Client(base_url=base, timeout=10) as client:
        a, b, c = (client.post("/api/v1/conversations").json()["conversation_id"] for _ in range(3))
        assert [send(client, a, "10.0.0.1").status_code for _ in range(6)] == [200] * 5 + [429]
        limited = send(client, a, "10.0.0.1")
        assert limited.headers["Retry-After"] and "schnell" in limited.json()["detail"]
        # another citizen behind the same address still gets through, until the address's own budget is used
        assert [send(client, b, "10.0.0.1").status_code for _ in range(5)] == [200] * 5
        assert [send(client, c, "10.0.0.1").status_code for _ in range(3)] == [200, 200, 429]  # 12 per address
        # the same conversation from a new address is not limited by the old address's budget
        assert send(client, c, "10.0.0.2").status_code == 200


def test_untrusted_forwarded_for_is_ignored(database_url: str, tracker_url: str) -> None:
    settings = _settings(database_url, tracker_url, trusted_proxies="192.0.2.1", client_rate_limit_per_minute=3)
    app = create_app(settings, engine=FakeEngine(), notifier=RecordingNotifier())
    with live_server(app) as base, httpx.Client(base_url=base, timeout=10) as client:
        cids = [client.post("/api/v1/conversations").json()["conversation_id"] for _ in range(4)]
        codes = [
            client.post(
                f"/api/v1/conversations/{cid}/messages", json={"text": "x"}, headers={"X-Forwarded-For": f"10.1.0.{i}"}
            ).status_code
            for i, cid in enumerate(cids)
        ]
    assert codes == [200, 200, 200, 429]  # a spoofed header from an untrusted peer buys no new budget


async def test_engine_ring_pins_and_fails_over() -> None:
    class Replica(FakeEngine):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name
            self.timeout = False

        async def send(self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
            if self.down:
                raise EngineUnavailable("refused", reason="connect")
            if self.timeout:
                raise EngineUnavailable("timeout", reason="timeout", delivered=True)
            self.received.append((conversation_id, text))
            return [{"text": self.name}]

    replicas = [Replica("a"), Replica("b"), Replica("c")]
    ring = EngineRing(list(replicas))

    async def owner(cid: str, text: str) -> str:
        return str((await ring.send(cid, text))[0]["text"])

    owners = {cid: await owner(cid, "x") for cid in (f"c{i}" for i in range(300))}
    assert set(owners.values()) == {"a", "b", "c"}  # spread over all replicas
    for cid in list(owners)[:50]:
        assert await owner(cid, "y") == owners[cid]  # pinned
    replicas[0].down = True
    for cid, first in owners.items():
        now = await owner(cid, "z")
        assert now in {"b", "c"} if first == "a" else now == first  # only a's conversations move
    replicas[1].timeout = True  # may have been processed: never resent to another replica
    cid_b = next(cid for cid, first in owners.items() if first == "b")
    with pytest.raises(EngineUnavailable):
        await ring.send(cid_b, "once")
    assert all(text != "once" for r in replicas for _, text in r.received)


def test_sigterm_with_open_stream_exits_quickly(tmp_path: Path, database_url: str) -> None:
    """The real ``python -m bot.serve``: an open stream must not keep the process alive."""
    if not database_url.startswith("sqlite"):
        pytest.skip("one database is enough for a process test")
    port = free_port()
    env = {
        **os.environ,
        "BILDUNGSLOTSE_DATABASE_URL": database_url,
        "BILDUNGSLOTSE_TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "BILDUNGSLOTSE_ENGINE_URL": f"http://127.0.0.1:{free_port()}",
    }
    log = (tmp_path / "gateway.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{base}/healthz").status_code == 200, 60, "gateway")
        cid = httpx.post(f"{base}/api/v1/conversations").json()["conversation_id"]
        with httpx.Client(timeout=10) as client, client.stream("GET", f"{base}/api/v1/conversations/{cid}/stream") as stream:
            lines = stream.iter_lines()
            assert next(line for line in lines if line.startswith("data: "))  # the welcome arrived
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=5) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after its shutdown
            assert time.monotonic() - started < 5
            assert list(lines) is not None  # the stream ended instead of hanging
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
