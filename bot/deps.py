"""Typed dependencies of the gateway's routes: the database ones from ``core.deps`` and the app's shared
services (engine, broker, flood limits, notifier, locks, metrics), always taken from the app, never built anew."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from bot.events import Broker
from bot.locks import ConversationLocks
from bot.metrics import Metrics
from bot.notify import Notifier
from bot.ratelimit import RateLimiter
from core.deps import SessionDep, SettingsDep, WriteDep, run_db
from engine.client import Engine

__all__ = ["BrokerDep", "EngineDep", "LimiterDep", "LocksDep", "MetricsDep", "NotifierDep", "SessionDep", "SettingsDep",
           "WriteDep", "run_db"]  # fmt: skip


def _state(name: str) -> Callable[[Request], Any]:
    def dependency(request: Request) -> Any:
        return getattr(request.app.state, name)

    dependency.__name__ = f"get_{name}"
    return dependency


EngineDep = Annotated[Engine, Depends(_state("engine"))]
BrokerDep = Annotated[Broker, Depends(_state("broker"))]
LimiterDep = Annotated[RateLimiter, Depends(_state("limiter"))]
NotifierDep = Annotated[Notifier, Depends(_state("notifier"))]
LocksDep = Annotated[ConversationLocks, Depends(_state("locks"))]
MetricsDep = Annotated[Metrics, Depends(_state("metrics"))]
