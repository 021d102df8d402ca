"""The three real processes (engine, actions, gateway) on free ports with a temporary database,
as `make run` starts them; used by the engine tests and by `make bench`."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from catalogue.importer import import_file
from cli.main import ROOT, setup_database, train_engine
from core.db import session_scope

SMALL = ROOT / "tests" / "data" / "offers_small.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{what} did not become ready within {timeout_s:.0f} s")


@dataclass
class Stack:
    gateway: str
    engine: str
    pids: dict[str, int]
    ready_after_s: float
    logs: Path
    env: dict[str, str] = field(default_factory=dict)
    commands: dict[str, list[str]] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str) -> None:
        log = (self.logs / f"{name}.log").open("a")
        # A session of its own: the action server (sanic) and uvicorn may run workers as child processes,
        # and kill/stop must reach all of them.
        self.procs[name] = subprocess.Popen(
            self.commands[name], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.pids[name] = self.procs[name].pid

    def kill(self, name: str) -> None:
        """``kill -9``: no clean shutdown, as when a machine or container dies."""
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait(timeout=20)

    def wait_ready(self, timeout_s: float = 300) -> None:
        wait_until(lambda: httpx.get(f"{self.gateway}/readyz").status_code == 200, timeout_s, "stack ready")

    def stop(self) -> None:
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the engine forks none; uvicorn and sanic may)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


@contextmanager
def running_stack(
    tmp: Path, *, with_test_offers: bool = True, database_url: str | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[Stack]:
    """``database_url`` (default: a new SQLite file) must be migrated-or-empty; ``extra_env`` adds settings such as
    ``BILDUNGSLOTSE_REDIS_URL`` or a PostgreSQL tracker store."""
    model = train_engine()
    db_url = database_url or f"sqlite:///{tmp / 'app.db'}"
    setup_database(db_url)
    if with_test_offers:
        with session_scope(db_url) as session:
            import_file(session=session, path=SMALL)
    ports = {name: free_port() for name in ("engine", "actions", "gateway")}
    env = {
        **os.environ,
        "BILDUNGSLOTSE_DATABASE_URL": db_url,
        "BILDUNGSLOTSE_ENGINE_URL": f"http://127.0.0.1:{ports['engine']}",
        "BILDUNGSLOTSE_ACTION_URL": f"http://127.0.0.1:{ports['actions']}/webhook",
        "BILDUNGSLOTSE_TRACKER_STORE_URL": f"sqlite:///{tmp / 'tracker.db'}",
        "BILDUNGSLOTSE_RATE_LIMIT_PER_MINUTE": "600",
        # the whole test suite talks from 127.0.0.1: one address, far more conversations than a citizen's
        "BILDUNGSLOTSE_NEW_CONVERSATIONS_PER_MINUTE": "100000",
        "BILDUNGSLOTSE_CLIENT_RATE_LIMIT_PER_MINUTE": "100000",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SANIC_HOST": "127.0.0.1",  # the action server listens on loopback only
        **(extra_env or {}),
    }
    commands = {
        "engine": [str(ROOT / ".venv-engine/bin/rasa"), "run", "--enable-api", "--model", str(model),
                   "--port", str(ports["engine"]), "--endpoints", str(tmp / "endpoints.yml"), "--credentials", "credentials.yml",
                   "-i", "127.0.0.1"],
        "actions": [str(ROOT / ".venv/bin/python"), "-m", "rasa_sdk", "--actions", "actions",
                    "--port", str(ports["actions"])],
        "gateway": [str(ROOT / ".venv/bin/python"), "-m", "bot.serve", "--host", "127.0.0.1", "--port", str(ports["gateway"])],
    }  # fmt: skip
    endpoints = tmp / "endpoints.yml"
    subprocess.run([str(ROOT / ".venv/bin/bildungslotse"), "engine", "endpoints", "--out", str(endpoints)],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    started = time.monotonic()
    stack = Stack(f"http://127.0.0.1:{ports['gateway']}", env["BILDUNGSLOTSE_ENGINE_URL"], {}, 0.0, tmp, env, commands)
    try:
        for name in commands:
            stack.start(name)
        try:
            stack.wait_ready()
        except RuntimeError:
            for name in commands:
                print(f"--- {name} log ---\n" + (tmp / f"{name}.log").read_text()[-3000:])
            raise
        stack.ready_after_s = time.monotonic() - started
        yield stack
    finally:
        stack.stop()
