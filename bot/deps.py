"""Typed dependencies of the gateway's routes: the database ones from ``core.deps`` and the app's shared services,
always taken from the app, never built anew. Chat turns reach engine, broker, locks and metrics through
``app.state.services`` (``bot.relay.Services``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from bot.ratelimit import RateLimiter
from core.deps import SessionDep, SettingsDep, WriteDep, run_db

__all__ = ["LimiterDep", "SessionDep", "SettingsDep", "WriteDep", "run_db"]


def _state(name: str) -> Callable[[Request], Any]:
    def dependency(request: Request) -> Any:
        return getattr(request.app.state, name)

    dependency.__name__ = f"get_{name}"
    return dependency


LimiterDep = Annotated[RateLimiter, Depends(_state("limiter"))]
