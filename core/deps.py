"""Database dependencies for routes of every package (the gateway's and the catalogue's).

- ``SessionDep``: a reading session for sync (``def``) routes, which FastAPI runs in the threadpool, so
  blocking database work never runs on the event loop. Closed before the response (``scope="function"``).
- ``WriteDep``: opens a writing unit of work *inside* the route body (``with write() as session:``). It commits
  when the block ends, before the response is sent, so a client that got 201 can read what it created at once.
  A dependency cannot hold the write: FastAPI enters and leaves dependencies in other worker threads than the
  route body, and a write lock held across those hops starves the threadpool under load.
- Async routes (chat turns, streams) open short units of work through :func:`run_db` and never hold one across
  an ``await``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from core.config import Settings
from core.db import read_scope, session_scope


def get_settings_from_app(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_write(request: Request) -> Callable[[], AbstractContextManager[Session]]:
    return partial(session_scope, request.app.state.settings.database_url)


def get_read_db(request: Request) -> Iterator[Session]:
    with read_scope(request.app.state.settings.database_url) as session:
        yield session


async def run_db[T](fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Blocking database work from async code: in the threadpool, bounded by its limiter."""
    return await run_in_threadpool(fn, *args, **kwargs)


SessionDep = Annotated[Session, Depends(get_read_db, scope="function")]
WriteDep = Annotated[Callable[[], AbstractContextManager[Session]], Depends(get_write)]
SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]
