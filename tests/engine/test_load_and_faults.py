"""The real three processes under 50 concurrent citizens, and with a process killed mid-conversation.

Nothing may be lost: every message a citizen sent is in the conversation's history afterwards and in the
engine's tracker; no 5xx; after a restart the conversation goes on with what the engine knew.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from tests.stack import Stack, running_stack

pytestmark = pytest.mark.engine
POSTGRES = os.environ.get("BILDUNGSLOTSE_TEST_POSTGRES_URL")
REDIS = os.environ.get("BILDUNGSLOTSE_TEST_REDIS_URL")
TURNS = [
    "Hallo", "moin", "ich suche einen Deutschkurs in Melle", "pekip in bohmte", "nachhilfe in bramsche",
    "weitere angebote", "staplerschein in osnabrück", "danke", "was kostet das?", "kostenlos bitte",
]  # fmt: skip


@dataclass
class Citizen:
    cid: str = ""
    sent: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@dataclass
class InFlight:
    """Messages waiting for their answer at once: the proof that the citizens really were concurrent."""

    now: int = 0
    most: int = 0


async def _citizen(client: httpx.AsyncClient, rng: random.Random, until: float, flight: InFlight) -> Citizen:
    me = Citizen()
    r = await client.post("/api/v1/conversations")
    me.statuses.append(r.status_code)
    me.cid = r.json()["conversation_id"]
    while time.monotonic() < until:
        text = rng.choice(TURNS)
        flight.now += 1
        flight.most = max(flight.most, flight.now)
        try:
            r = await client.post(f"/api/v1/conversations/{me.cid}/messages", json={"text": text})
        finally:
            flight.now -= 1
        me.statuses.append(r.status_code)
        if r.status_code == 200:
            me.sent.append(text)
        await asyncio.sleep(rng.uniform(0.5, 1.5))
    return me


def _load(gateway: str, citizens: int = 50, seconds: float = 30) -> tuple[list[Citizen], InFlight]:
    async def run() -> tuple[list[Citizen], InFlight]:
        until = time.monotonic() + seconds
        flight = InFlight()
        limits = httpx.Limits(max_connections=citizens + 10)
        async with httpx.AsyncClient(base_url=gateway, timeout=60, limits=limits) as client:
            people = await asyncio.gather(*(_citizen(client, random.Random(i), until, flight) for i in range(citizens)))
        return list(people), flight

    return asyncio.run(run())


def _assert_nothing_lost(stack: Stack, load: tuple[list[Citizen], InFlight]) -> None:
    """Throughput is the benchmark's business (``make bench``); here: real concurrency, several turns each, no loss."""
    people, flight = load
    statuses = [s for p in people for s in p.statuses]
    assert not [s for s in statuses if s >= 500], f"5xx answers: {sorted(set(statuses))}"
    assert flight.most >= len(people) * 0.8, f"only {flight.most} messages in flight at once"
    assert min(len(p.sent) for p in people) >= 2, "some citizen had no follow-up turn"
    for person in people:
        history = httpx.get(f"{stack.gateway}/api/v1/conversations/{person.cid}/messages").json()["messages"]
        assert [m["text"] for m in history if m["sender"] == "user"] == person.sent
        tracker = httpx.get(f"{stack.engine}/conversations/{person.cid}/tracker", timeout=30).json()
        in_engine = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
        assert in_engine == person.sent


def test_50_citizens_for_30_s_on_sqlite(stack_object: Stack) -> None:
    _assert_nothing_lost(stack_object, _load(stack_object.gateway))


@pytest.fixture(scope="module")
def postgres_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not POSTGRES or not REDIS:
        pytest.skip("BILDUNGSLOTSE_TEST_POSTGRES_URL / _REDIS_URL not set (CI sets them)")
    from tests.conftest import _drop_postgres, _fresh_postgres

    url = _fresh_postgres(POSTGRES)
    env = {"BILDUNGSLOTSE_TRACKER_STORE_URL": url, "BILDUNGSLOTSE_REDIS_URL": REDIS, "BILDUNGSLOTSE_LOCK_STORE_URL": REDIS}
    try:
        with running_stack(tmp_path_factory.mktemp("pg-stack"), database_url=url, extra_env=env) as stack:
            yield stack
    finally:
        _drop_postgres(POSTGRES, url)


def test_50_citizens_for_30_s_on_postgres_and_redis(postgres_stack: Stack) -> None:
    _assert_nothing_lost(postgres_stack, _load(postgres_stack.gateway))


# --- faults ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fault_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own: these tests kill its processes."""
    with running_stack(tmp_path_factory.mktemp("fault-stack")) as stack:
        yield stack


def _say(stack: Stack, cid: str, text: str | None = None, payload: str | None = None) -> list[dict]:
    body = {"text": text} if payload is None else {"payload": payload}
    r = httpx.post(f"{stack.gateway}/api/v1/conversations/{cid}/messages", json=body, timeout=60)
    assert r.status_code == 200, r.text
    return list(r.json()["messages"])


def _new(stack: Stack) -> str:
    return str(httpx.post(f"{stack.gateway}/api/v1/conversations").json()["conversation_id"])


def _users(stack: Stack, cid: str) -> list[str]:
    history = httpx.get(f"{stack.gateway}/api/v1/conversations/{cid}/messages").json()["messages"]
    return [m["text"] for m in history if m["sender"] == "user"]


@pytest.mark.parametrize("victim", ["engine", "actions"])
def test_killed_engine_or_action_server_loses_nothing(fault_stack: Stack, victim: str) -> None:
    cid = _new(fault_stack)
    asked = _say(fault_stack, cid, "ich brauche einen Deutschkurs")
    assert "Gemeinde" in asked[0]["text"]
    fault_stack.kill(victim)
    notice = _say(fault_stack, cid, "Quakenbrück")
    assert [m["sender"] for m in notice] == ["system"] and "nicht erreichbar" in notice[0]["text"]
    assert _users(fault_stack, cid) == ["ich brauche einen Deutschkurs", "Quakenbrück"]  # the text is kept
    assert httpx.get(f"{fault_stack.gateway}/readyz").status_code == 503
    fault_stack.start(victim)
    fault_stack.wait_ready()
    found = _say(fault_stack, cid, "Quakenbrück")  # the engine still knows the topic
    assert any(o["category"] == "sprache" for m in found for o in m["offers"]), found


def test_killed_gateway_during_handover_keeps_ticket_relay_and_stream(fault_stack: Stack) -> None:
    cid = _new(fault_stack)
    _say(fault_stack, cid, "ich möchte mit einem Berater sprechen")
    _say(fault_stack, cid, "Bohmte")
    _say(fault_stack, cid, payload='/inform{"language": "egal"}')
    _say(fault_stack, cid, payload='/inform{"counsellor_gender": "egal"}')
    notice = _say(fault_stack, cid, payload="/affirm")
    assert any(m["handover"] for m in notice)
    last_seq = max(m["seq"] for m in httpx.get(f"{fault_stack.gateway}/api/v1/conversations/{cid}/messages").json()["messages"])
    fault_stack.kill("gateway")
    fault_stack.start("gateway")
    fault_stack.wait_ready(60)
    [status] = _say(fault_stack, cid, "Sind Sie noch da?")  # still held back for the counsellor
    assert status["sender"] == "system" and "angekommen" in status["text"]
    # A widget reconnecting with its last event id catches up on what it missed.
    with (
        httpx.Client(timeout=10) as client,
        client.stream(
            "GET", f"{fault_stack.gateway}/api/v1/conversations/{cid}/stream", headers={"Last-Event-ID": str(last_seq)}
        ) as stream,
    ):
        line = next(line for line in stream.iter_lines() if line.startswith("data: "))
    assert "Sind Sie noch da?" in line
