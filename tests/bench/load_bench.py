"""Load generator for the chat path: many citizens at once, through the gateway and against the bare engine.

Three scenarios in one run, so that their numbers are comparable (same machine, same data, same minute):

(a) ``citizens``: N citizens who chat like people do (a turn, then a pause of about ``--pause`` seconds).
    Shows the latency a citizen feels at a realistic load; afterwards a sample of conversations is read
    back to prove that no sent message was lost on the way (several gateways, locks, PostgreSQL).
(b) ``flood``: M citizens who send without pause (each waits only for its own previous answer). Shows the
    throughput of the full stack and how it refuses overload (429/503 instead of timeouts or 500).
(c) ``engine``: the same M-fold concurrency straight against Rasa's REST webhook. This is the floor the
    gateway cannot beat; the ratio (b) ÷ (c) says what the gateway, the relay and the storage cost.

Every simulated citizen sends its own made-up ``X-Forwarded-For`` address (the gateway believes it from
loopback), so that the per-client flood limits apply per citizen as in real life and not to the bench
as one client. Only the header carries the address; all traffic goes to the given URLs.

Run: ``python -m tests.bench.load_bench --gateway http://127.0.0.1:8000 --engine http://127.0.0.1:5005``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

TIMEOUT_S = 35.0  # above the gateway's engine timeout (30 s), so a slow engine shows as the gateway's answer
LOST_SAMPLE = 10  # conversations read back after (a)

GREETINGS = ("Hallo", "moin", "guten tag")
SEARCHES = (
    "Ich suche einen Deutschkurs in Melle",
    "pekip in bohmte",
    "nachhilfe mathe in quakenbrück",
    "staplerschein in georgsmarienhütte",
    "computerkurs für anfänger in bramsche",
    "Hausaufgabenhilfe in Bohmte",
    "gibt es eine Krabbelgruppe in Wallenhorst?",
    "Integrationskurs in Osnabrück",
    "Pflegehelfer Weiterbildung in Bersenbrück",
    "Babymassage in Bad Essen",
    "Bewerbungstraining für Jugendliche in Belm",
    "Smartphone Kurs für Senioren in Dissen",
    "Anerkennung ausländischer Abschluss in Melle",
    "Kita Platz in Hagen",
)
PAGING = ({"text": "weitere angebote"}, {"payload": "/more_offers"})


# --- what is sent -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    """One message of a citizen: its kind (for the latency table) and the gateway's request body."""

    kind: str
    body: dict[str, str]

    @property
    def text(self) -> str:
        """What the engine gets: the text, or the button payload (Rasa reads ``/intent`` as that intent)."""
        return self.body.get("text") or self.body["payload"]


def turns_for(rng: random.Random) -> Iterator[Turn]:
    """Endless greeting → search → paging cycle; each citizen starts at another search so the mix varies."""
    offset = rng.randrange(len(SEARCHES))
    searches = itertools.cycle(SEARCHES[offset:] + SEARCHES[:offset])
    while True:
        yield Turn("greeting", {"text": rng.choice(GREETINGS)})
        yield Turn("search", {"text": next(searches)})
        yield Turn("paging", dict(rng.choice(PAGING)))


class Addresses:
    """Hands out distinct made-up client addresses 10.77.x.y for the whole run.

    Starts at a random block so that two runs within a minute do not share the gateway's per-address limits."""

    def __init__(self, rng: random.Random) -> None:
        self._next = rng.randrange(0, 200) * 254

    def take(self) -> str:
        n, self._next = self._next, self._next + 1
        return f"10.77.{(n // 254) % 256}.{n % 254 + 1}"


# --- what is measured ---------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile: defined for any non-empty sample, no interpolation between turns."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def round_ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass
class Stats:
    """Everything one scenario observed. Latencies count answered requests (2xx) only: refusals are fast
    and would make the table look better than the service a citizen gets; they are counted as errors."""

    name: str
    concurrency: int
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    turns: int = 0  # message turns sent (without conversation creation)
    ok_turns: int = 0
    elapsed_s: float = 0.0

    def record(self, kind: str, outcome: str, latency_ms: float) -> None:
        """``outcome`` is the HTTP status as text or an exception class ("timeout", "connect", ...)."""
        ok = outcome.startswith("2")
        if kind != "create":
            self.turns += 1
            self.ok_turns += ok
        if ok:
            self.latencies_ms.setdefault(kind, []).append(latency_ms)
        else:
            self.errors[outcome] += 1

    @property
    def turns_per_s(self) -> float:
        """Answered turns per second of wall time: the throughput that actually reached citizens."""
        return self.ok_turns / self.elapsed_s if self.elapsed_s else 0.0

    def summary(self) -> dict[str, Any]:
        kinds = {
            kind: {
                "n": len(v),
                "p50_ms": round_ms(percentile(v, 50)),
                "p95_ms": round_ms(percentile(v, 95)),
                "max_ms": round_ms(max(v)),
            }
            for kind, v in sorted(self.latencies_ms.items())
        }
        return {
            "scenario": self.name,
            "concurrency": self.concurrency,
            "elapsed_s": round(self.elapsed_s, 3),
            "turns": self.turns,
            "ok_turns": self.ok_turns,
            "turns_per_s": round(self.turns_per_s, 3),
            "latency": kinds,
            "errors": dict(sorted(self.errors.items())),
        }


def outcome_of(exc: httpx.HTTPError) -> str:
    """Name a failed request the way the table groups them."""
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"  # includes waiting too long for a pooled connection
    if isinstance(exc, httpx.ConnectError):
        return "connect"
    return type(exc).__name__


async def timed(stats: Stats, kind: str, send: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response | None:
    """Send one request, record its latency and outcome; the response, or None when it failed."""
    start = time.perf_counter()
    try:
        response = await send()
    except httpx.HTTPError as exc:
        stats.record(kind, outcome_of(exc), (time.perf_counter() - start) * 1000)
        return None
    stats.record(kind, str(response.status_code), (time.perf_counter() - start) * 1000)
    return response


# --- who sends ----------------------------------------------------------------------------------


@dataclass
class Citizen:
    """One simulated citizen of the gateway scenarios, with what it sent and got answered (for the lost check)."""

    address: str
    rng: random.Random
    conversation_id: str | None = None
    delivered: list[Turn] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Forwarded-For": self.address}


async def create_conversation(client: httpx.AsyncClient, stats: Stats, citizen: Citizen) -> bool:
    response = await timed(stats, "create", lambda: client.post("/api/v1/conversations", headers=citizen.headers))
    if response is None or response.status_code != 201:
        return False
    citizen.conversation_id = response.json()["conversation_id"]
    return True


async def chat(client: httpx.AsyncClient, stats: Stats, citizen: Citizen, *, deadline: float, pause: float) -> None:
    """Create a conversation and send turns until the deadline, ``pause`` seconds (±30 %) apart."""
    if not await create_conversation(client, stats, citizen):
        return
    url = f"/api/v1/conversations/{citizen.conversation_id}/messages"
    for turn in turns_for(citizen.rng):
        if time.monotonic() >= deadline:
            return
        response = await timed(stats, turn.kind, lambda t=turn: client.post(url, json=t.body, headers=citizen.headers))
        if response is not None and response.status_code == 200:
            citizen.delivered.append(turn)
        if pause:
            await asyncio.sleep(min(pause * citizen.rng.uniform(0.7, 1.3), max(0.0, deadline - time.monotonic())))


async def engine_chat(client: httpx.AsyncClient, stats: Stats, rng: random.Random, *, deadline: float) -> None:
    """One sender on Rasa's REST channel with the same turn mix, without pause (the engine floor)."""
    sender = f"bench-{uuid.uuid4()}"
    for turn in turns_for(rng):
        if time.monotonic() >= deadline:
            return
        body = {"sender": sender, "message": turn.text}
        await timed(stats, turn.kind, lambda b=body: client.post("/webhooks/rest/webhook", json=b))


# --- the scenarios ------------------------------------------------------------------------------


def make_client(base_url: str, concurrency: int, max_connections: int) -> httpx.AsyncClient:
    """A bounded pool: at most one connection per simulated citizen, never more than ``max_connections``."""
    size = max(1, min(concurrency, max_connections))
    limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
    return httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(TIMEOUT_S), limits=limits)


async def run_gateway_scenario(
    name: str, *, gateway: str, citizens: list[Citizen], duration: float, pause: float, max_connections: int
) -> Stats:
    """Scenarios (a) and (b). With a pause, start times are spread over one pause, as citizens do not arrive
    in the same millisecond; without one (the flood) everybody starts at once."""
    stats = Stats(name, len(citizens))
    async with make_client(gateway, len(citizens), max_connections) as client:
        start = time.monotonic()
        deadline = start + duration

        async def one(citizen: Citizen) -> None:
            if pause:
                await asyncio.sleep(citizen.rng.uniform(0, pause))
            await chat(client, stats, citizen, deadline=deadline, pause=pause)

        await asyncio.gather(*(one(c) for c in citizens))
        stats.elapsed_s = time.monotonic() - start
    return stats


async def run_engine_scenario(*, engine: str, concurrency: int, duration: float, seed: int, max_connections: int) -> Stats:
    """Scenario (c): the bare engine with the flood's concurrency and duration."""
    stats = Stats("engine", concurrency)
    async with make_client(engine, concurrency, max_connections) as client:
        start = time.monotonic()
        deadline = start + duration
        await asyncio.gather(
            *(engine_chat(client, stats, random.Random(seed + i), deadline=deadline) for i in range(concurrency))
        )
        stats.elapsed_s = time.monotonic() - start
    return stats


# --- nothing lost -------------------------------------------------------------------------------


def count_lost(delivered: list[Turn], history: list[dict[str, Any]]) -> int:
    """How many answered turns are missing from the stored conversation.

    A text must appear verbatim as a "user" message. A button payload is stored under the button's title
    (which the bench does not know), so payload turns are matched against the user messages no text claimed."""
    stored = Counter(m.get("text") for m in history if m.get("sender") == "user")
    lost = 0
    payload_turns = 0
    for turn in delivered:
        if "payload" in turn.body:
            payload_turns += 1
        elif stored[turn.text] > 0:
            stored[turn.text] -= 1
        else:
            lost += 1
    return lost + max(0, payload_turns - sum(stored.values()))


async def check_lost(gateway: str, citizens: list[Citizen], rng: random.Random) -> dict[str, Any]:
    """Read back a sample of conversations from (a) and count answered turns that were not stored."""
    candidates = [c for c in citizens if c.conversation_id]
    sample = rng.sample(candidates, min(LOST_SAMPLE, len(candidates)))
    result: dict[str, Any] = {"conversations": len(sample), "turns_checked": 0, "lost": 0, "unreadable": 0}
    async with make_client(gateway, len(sample) or 1, LOST_SAMPLE) as client:
        for citizen in sample:
            try:
                response = await client.get(f"/api/v1/conversations/{citizen.conversation_id}/messages", headers=citizen.headers)
            except httpx.HTTPError:
                response = None
            if response is None or response.status_code != 200:
                result["unreadable"] += 1
                continue
            result["turns_checked"] += len(citizen.delivered)
            result["lost"] += count_lost(citizen.delivered, response.json()["messages"])
    return result


# --- output -------------------------------------------------------------------------------------


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def print_table(summary: dict[str, Any]) -> None:
    """One block per scenario: throughput line, latency per turn kind, errors by status or exception."""
    print(
        f"\n[{summary['scenario']}] concurrency {summary['concurrency']}, {summary['elapsed_s']:.1f} s: "
        f"{summary['turns']} turns, {summary['ok_turns']} answered, {summary['turns_per_s']:.2f} turns/s"
    )
    print(f"  {'kind':10s} {'n':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    for kind, lat in summary["latency"].items():
        print(f"  {kind:10s} {lat['n']:6d} {fmt_ms(lat['p50_ms']):>8s} {fmt_ms(lat['p95_ms']):>8s} {fmt_ms(lat['max_ms']):>8s}")
    errors = ", ".join(f"{k}: {v}" for k, v in summary["errors"].items()) or "none"
    print(f"  errors: {errors}")


def ratio(flood: Stats | None, engine: Stats | None) -> float | None:
    """Full-stack throughput as a share of the bare engine's; None when either scenario did not run."""
    if flood is None or engine is None or not engine.turns_per_s:
        return None
    return flood.turns_per_s / engine.turns_per_s


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.load_bench",
        description="Load generator: citizens with pauses (a), a flood (b) and the bare engine (c).",
    )
    parser.add_argument("--gateway", help="gateway base URL, e.g. http://127.0.0.1:8000 (default: start a stack)")
    parser.add_argument("--engine", help="Rasa base URL for (c), e.g. http://127.0.0.1:5005 (default: the started stack's)")
    parser.add_argument(
        "--profile",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="without --gateway: the stack to start, SQLite default or PostgreSQL + Redis from "
        "BILDUNGSLOTSE_TEST_POSTGRES_URL / BILDUNGSLOTSE_TEST_REDIS_URL (default: %(default)s)",
    )
    parser.add_argument("--citizens", type=int, default=50, help="citizens in (a) (default 50)")
    parser.add_argument("--pause", type=float, default=3.0, help="seconds between turns in (a), jittered ±30%% (default 3)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of (a) (default 60)")
    parser.add_argument("--flood-citizens", type=int, default=20, help="concurrency of (b) and (c) (default 20)")
    parser.add_argument("--flood-duration", type=float, default=30.0, help="seconds of (b) and of (c) (default 30)")
    parser.add_argument("--max-connections", type=int, default=200, help="upper bound of each connection pool (default 200)")
    parser.add_argument(
        "--scenarios", default="citizens,flood,engine", help="comma-separated subset of citizens,flood,engine (default: all)"
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: new each run)")
    parser.add_argument("--json", type=Path, help="also write all numbers to this file")
    args = parser.parse_args(argv)
    args.scenarios = {s.strip() for s in args.scenarios.split(",") if s.strip()}
    unknown = args.scenarios - {"citizens", "flood", "engine"}
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    for name in ("citizens", "flood_citizens", "max_connections"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    for name in ("pause", "duration", "flood_duration"):
        if not 0 <= getattr(args, name) <= 3600:
            parser.error(f"--{name.replace('_', '-')} must be between 0 and 3600 seconds")
    return args


def make_citizens(count: int, addresses: Addresses, rng: random.Random) -> list[Citizen]:
    return [Citizen(address=addresses.take(), rng=random.Random(rng.random())) for _ in range(count)]


async def reachable(url: str) -> bool:
    """Any HTTP answer will do: this only turns a stack that is not running into one clear message
    instead of a table full of "connect" errors."""
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            await client.get(url)
    except httpx.HTTPError:
        return False
    return True


async def require_targets(args: argparse.Namespace) -> None:
    needed = {args.gateway: bool(args.scenarios & {"citizens", "flood"}), args.engine: "engine" in args.scenarios}
    for url, used in needed.items():
        if used and not await reachable(url):
            raise SystemExit(f"load_bench: {url} does not answer; start it first")


async def scenario_citizens(args: argparse.Namespace, addresses: Addresses, rng: random.Random) -> tuple[Stats, dict[str, Any]]:
    """(a) and the lost-message check that belongs to it."""
    citizens = make_citizens(args.citizens, addresses, rng)
    stats = await run_gateway_scenario(
        "citizens", gateway=args.gateway, citizens=citizens, duration=args.duration, pause=args.pause,
        max_connections=args.max_connections,
    )  # fmt: skip
    print_table(stats.summary())
    lost = await check_lost(args.gateway, citizens, rng)
    unreadable = f" ({lost['unreadable']} not readable)" if lost["unreadable"] else ""
    print(
        f"  lost: {lost['lost']} of {lost['turns_checked']} answered turns in {lost['conversations']} conversations{unreadable}"
    )
    return stats, lost


async def scenario_flood(args: argparse.Namespace, addresses: Addresses, rng: random.Random) -> Stats:
    """(b): fresh citizens (fresh addresses, so (a)'s per-address counters do not leak into it)."""
    stats = await run_gateway_scenario(
        "flood", gateway=args.gateway, citizens=make_citizens(args.flood_citizens, addresses, rng),
        duration=args.flood_duration, pause=0.0, max_connections=args.max_connections,
    )  # fmt: skip
    print_table(stats.summary())
    return stats


async def scenario_engine(args: argparse.Namespace, seed: int) -> Stats:
    """(c) with the concurrency and duration of (b), so that the two are comparable."""
    stats = await run_engine_scenario(
        engine=args.engine, concurrency=args.flood_citizens, duration=args.flood_duration, seed=seed,
        max_connections=args.max_connections,
    )  # fmt: skip
    print_table(stats.summary())
    return stats


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """The selected scenarios one after another (never overlapping, so each has the machine to itself)."""
    await require_targets(args)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    addresses = Addresses(rng)
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    report: dict[str, Any] = {"seed": seed, "args": {**settings, "seed": seed, "scenarios": sorted(args.scenarios)}}
    results: dict[str, Stats] = {}
    if "citizens" in args.scenarios:
        results["citizens"], report["lost"] = await scenario_citizens(args, addresses, rng)
    if "flood" in args.scenarios:
        results["flood"] = await scenario_flood(args, addresses, rng)
    if "engine" in args.scenarios:
        results["engine"] = await scenario_engine(args, seed)
    report["scenarios"] = {name: stats.summary() for name, stats in results.items()}
    report["flood_over_engine"] = ratio(results.get("flood"), results.get("engine"))
    if report["flood_over_engine"] is not None:
        print(f"\nfull stack (b) ÷ bare engine (c): {report['flood_over_engine']:.2f} (answered turns/s)")
    return report


@contextlib.contextmanager
def _targets(args: argparse.Namespace) -> Iterator[None]:
    """Use the given URLs, or start the three real processes (as ``make run`` does) for the run."""
    if args.gateway:
        if not args.engine:
            raise SystemExit("--engine is needed with --gateway")
        yield
        return
    from tests.stack import running_stack

    tmp = Path(tempfile.mkdtemp(prefix="load-bench-"))
    # The stack's flood limit per conversation is 600/min (tests.stack), so that (b) measures throughput.
    database_url: str | None = None
    extra_env: dict[str, str] = {}
    if args.profile == "postgres":
        from tests.conftest import _drop_postgres, _fresh_postgres

        base, redis_url = os.environ.get("BILDUNGSLOTSE_TEST_POSTGRES_URL"), os.environ.get("BILDUNGSLOTSE_TEST_REDIS_URL")
        if not base or not redis_url:
            raise SystemExit("--profile postgres needs BILDUNGSLOTSE_TEST_POSTGRES_URL and BILDUNGSLOTSE_TEST_REDIS_URL")
        database_url = _fresh_postgres(base)
        extra_env |= {"BILDUNGSLOTSE_REDIS_URL": redis_url, "BILDUNGSLOTSE_TRACKER_STORE_URL": database_url,
                      "BILDUNGSLOTSE_LOCK_STORE_URL": redis_url}  # fmt: skip
    try:
        with running_stack(tmp, with_test_offers=False, database_url=database_url, extra_env=extra_env) as stack:
            print(f"stack ({args.profile}) ready after {stack.ready_after_s:.0f} s")
            args.gateway, args.engine = stack.gateway, stack.engine
            yield
    finally:
        if database_url:
            _drop_postgres(os.environ["BILDUNGSLOTSE_TEST_POSTGRES_URL"], database_url)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with _targets(args):
        report = asyncio.run(run(args))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"numbers written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
