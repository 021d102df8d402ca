"""Typed dependencies for the routes: the database session and the app's shared services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from bot.engine import Engine
from bot.events import Broker
from bot.ratelimit import RateLimiter
from core.config import Settings, get_settings
from core.db import session_scope


def get_db(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.settings.database_url) as session:
        yield session


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def get_broker(request: Request) -> Broker:
    return request.app.state.broker  # type: ignore[no-any-return]


def get_limiter(request: Request) -> RateLimiter:
    return request.app.state.limiter  # type: ignore[no-any-return]


SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
BrokerDep = Annotated[Broker, Depends(get_broker)]
LimiterDep = Annotated[RateLimiter, Depends(get_limiter)]
