"""Two gateways sharing one database and one Redis: any gateway serves any request.

Skipped without BILDUNGSLOTSE_TEST_REDIS_URL (``.ci/run`` sets it)."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from typing import Any

import httpx
import pytest

from bot.locks import Busy, RedisLocks
from bot.main import create_app
from bot.ratelimit import RedisRateLimiter
from tests.bot.conftest import RecordingNotifier
from tests.bot.live_server import live_server
from tests.bot.test_load import SlowEngine, _settings

REDIS = os.environ.get("BILDUNGSLOTSE_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS, reason="BILDUNGSLOTSE_TEST_REDIS_URL not set (CI sets it)")


def _gateway(database_url: str, tracker_url: str, engine: SlowEngine, **overrides: Any):  # type: ignore[no-untyped-def]
    return create_app(
        _settings(database_url, tracker_url, redis_url=REDIS, **overrides), engine=engine, notifier=RecordingNotifier()
    )


def test_stream_on_a_hears_messages_posted_through_b(database_url: str, tracker_url: str) -> None:
    engine = SlowEngine(delay_s=0.01)
    a, b = _gateway(database_url, tracker_url, engine), _gateway(database_url, tracker_url, engine)

    async def run(url_a: str, url_b: str) -> list[str]:
        async with httpx.AsyncClient(timeout=20) as client:
            cid = (await client.post(f"{url_b}/api/v1/conversations")).json()["conversation_id"]
            heard: list[str] = []
            done = asyncio.Event()

            async def listen() -> None:
                async with client.stream("GET", f"{url_a}/api/v1/conversations/{cid}/stream") as response:
                    async for line in response.aiter_lines():
                        if line.startswith("data: ") and line != "data: {}":
                            heard.append(json.loads(line[6:])["text"] or "")
                            if "Echo: über B" in heard:
                                done.set()
                                return

            task = asyncio.create_task(listen())
            await asyncio.sleep(0.5)
            r = await client.post(f"{url_b}/api/v1/conversations/{cid}/messages", json={"text": "über B"})
            assert r.status_code == 200
            await asyncio.wait_for(done.wait(), timeout=10)
            await task
            return heard

    with live_server(a) as url_a, live_server(b) as url_b:
        heard = asyncio.run(run(url_a, url_b))
    assert "über B" in heard and "Echo: über B" in heard


def test_one_conversation_alternating_gateways_loses_nothing(database_url: str, tracker_url: str) -> None:
    """Two simultaneous messages of one conversation, one through each gateway, 20 rounds: none lost,
    each answered right after its own message (the conversation lock lives in Redis)."""
    engine = SlowEngine(delay_s=0.02)
    a, b = _gateway(database_url, tracker_url, engine), _gateway(database_url, tracker_url, engine)

    async def run(url_a: str, url_b: str) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(timeout=30) as client:
            cid = (await client.post(f"{url_a}/api/v1/conversations")).json()["conversation_id"]
            for k in range(20):
                responses = await asyncio.gather(
                    client.post(f"{url_a}/api/v1/conversations/{cid}/messages", json={"text": f"a{k}"}),
                    client.post(f"{url_b}/api/v1/conversations/{cid}/messages", json={"text": f"b{k}"}),
                )
                assert [r.status_code for r in responses] == [200, 200]
            return (await client.get(f"{url_b}/api/v1/conversations/{cid}/messages")).json()["messages"]

    with live_server(a) as url_a, live_server(b) as url_b:
        history = asyncio.run(run(url_a, url_b))
    users = [m["text"] for m in history if m["sender"] == "user"]
    assert sorted(users) == sorted([f"a{k}" for k in range(20)] + [f"b{k}" for k in range(20)])
    for i, m in enumerate(history):
        if m["sender"] == "user":
            assert history[i + 1]["text"] == f"Echo: {m['text']}"


def test_flood_budget_is_shared_by_all_gateways(database_url: str, tracker_url: str) -> None:
    engine = SlowEngine(delay_s=0.0)
    a = _gateway(database_url, tracker_url, engine, rate_limit_per_minute=4)
    b = _gateway(database_url, tracker_url, engine, rate_limit_per_minute=4)
    with live_server(a) as url_a, live_server(b) as url_b, httpx.Client(timeout=10) as client:
        cid = client.post(f"{url_a}/api/v1/conversations").json()["conversation_id"]
        codes = [client.post(f"{url}/api/v1/conversations/{cid}/messages", json={"text": "x"}).status_code
                 for url in (url_a, url_b, url_a, url_b, url_a)]  # fmt: skip
    assert codes == [200, 200, 200, 200, 429]


def test_redis_rate_limiter_counts_atomically() -> None:
    assert REDIS
    limiter, other = RedisRateLimiter(REDIS), RedisRateLimiter(REDIS)
    key = f"test:{uuid.uuid4().hex}"
    allowed = [(limiter if i % 2 else other).allow(key, 7) for i in range(10)]
    assert allowed == [True] * 7 + [False] * 3
    limiter.close()
    other.close()


async def test_redis_lock_serialises_and_times_out() -> None:
    assert REDIS
    locks = RedisLocks(REDIS)
    cid = f"lock-{uuid.uuid4().hex}"
    async with locks.hold(cid, wait_s=1, lease_s=5):
        with pytest.raises(Busy):
            async with locks.hold(cid, wait_s=0.2, lease_s=5):
                pass
    async with locks.hold(cid, wait_s=0.2, lease_s=5):  # released: free again
        pass
    await locks.aclose()
