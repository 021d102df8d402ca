"""The real three processes on free ports: trained once per run (content hash), started once per session."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.cli import ROOT, setup_database, train_engine
from catalogue.importer import import_file
from core.db import session_scope

SMALL = ROOT / "tests" / "data" / "offers_small.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check, timeout_s: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not become ready within {timeout_s:.0f} s")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Engine, action server and gateway as `make run` starts them, on a temporary database."""
    model = train_engine()
    tmp = tmp_path_factory.mktemp("stack")
    db_url = f"sqlite:///{tmp / 'app.db'}"
    setup_database(db_url)
    with session_scope(db_url) as session:
        import_file(session=session, path=SMALL)
    ports = {name: free_port() for name in ("engine", "actions", "gateway")}
    env = {
        **os.environ,
        "BILDUNGSLOTSE_DATABASE_URL": db_url,
        "BILDUNGSLOTSE_ENGINE_URL": f"http://127.0.0.1:{ports['engine']}",
        "BILDUNGSLOTSE_ACTION_URL": f"http://127.0.0.1:{ports['actions']}/webhook",
        "BILDUNGSLOTSE_TRACKER_DB": str(tmp / "tracker.db"),
        "BILDUNGSLOTSE_TRACKER_STORE_URL": f"sqlite:///{tmp / 'tracker.db'}",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SANIC_HOST": "127.0.0.1",  # the action server listens on loopback only
    }
    commands = {
        "engine": [str(ROOT / ".venv-engine/bin/rasa"), "run", "--enable-api", "--model", str(model),
                   "--port", str(ports["engine"]), "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
                   "-i", "127.0.0.1"],
        "actions": [str(ROOT / ".venv/bin/python"), "-m", "rasa_sdk", "--actions", "actions",
                    "--port", str(ports["actions"])],
        "gateway": [str(ROOT / ".venv/bin/uvicorn"), "bot.main:create_app", "--factory", "--host", "127.0.0.1",
                    "--port", str(ports["gateway"])],
    }  # fmt: skip
    logs = {name: (tmp / f"{name}.log").open("w") for name in commands}
    procs = {
        name: subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=logs[name], stderr=subprocess.STDOUT)
        for name, cmd in commands.items()
    }
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    try:
        started = time.monotonic()
        wait_until(lambda: httpx.get(f"{gateway}/healthz").json()["engine"], 300, "engine via gateway")
        wait_until(lambda: httpx.get(f"http://127.0.0.1:{ports['actions']}/health").status_code == 200, 60, "actions")
        print(f"\nstack ready after {time.monotonic() - started:.1f} s")
        yield {"gateway": gateway, "engine": env["BILDUNGSLOTSE_ENGINE_URL"], "logs": str(tmp)}
    except RuntimeError:
        for name in commands:
            logs[name].flush()
            print(f"--- {name} log ---\n" + Path(logs[name].name).read_text()[-3000:])
        raise
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
