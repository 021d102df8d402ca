"""Rasa's ``endpoints.yml`` written from our settings, so the stores are configured in one place.

SQLite tracker store and Rasa's in-memory lock store by default (``make run``); with
``BILDUNGSLOTSE_TRACKER_STORE_URL=postgresql…`` and ``BILDUNGSLOTSE_LOCK_STORE_URL=redis://…`` several engines
share one tracker store and one ``RedisLockStore`` (the documented way to run Rasa replicas).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy import make_url

from core.config import Settings

LOCK_KEY_PREFIX = "bildungslotse"


def tracker_store(url: str) -> dict[str, Any]:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return {"type": "SQL", "dialect": "sqlite", "db": parsed.database}
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"tracker store must be SQLite or PostgreSQL, not {parsed.get_backend_name()}")
    store: dict[str, Any] = {"type": "SQL", "dialect": "postgresql", "url": parsed.host or "127.0.0.1", "db": parsed.database}
    if parsed.port:
        store["port"] = parsed.port
    if parsed.username:
        store["username"] = parsed.username
    if parsed.password:
        store["password"] = parsed.password
    return store


def lock_store(url: str | None) -> dict[str, Any]:
    if not url:
        return {"type": "in_memory"}
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        raise ValueError("lock store must be a redis:// URL")
    store: dict[str, Any] = {"type": "redis", "url": parts.hostname or "127.0.0.1", "port": parts.port or 6379,
                             "key_prefix": LOCK_KEY_PREFIX}  # fmt: skip
    db = parts.path.strip("/")
    if db:
        store["db"] = int(db)
    if parts.password:
        store["password"] = parts.password
    if parts.scheme == "rediss":
        store["use_ssl"] = True
    return store


def render(settings: Settings, *, action_url: str | None = None) -> str:
    config = {
        "action_endpoint": {"url": action_url or settings.action_url},
        "tracker_store": tracker_store(settings.tracker_store_url),
        "lock_store": lock_store(settings.lock_store_url),
    }
    header = "# Written by `bildungslotse engine endpoints` from BILDUNGSLOTSE_* settings; do not edit.\n"
    return header + yaml.safe_dump(config, sort_keys=False)


def write(settings: Settings, out: Path, *, action_url: str | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(settings, action_url=action_url), encoding="utf-8")
    out.chmod(0o600)  # may hold a database password
    return out
