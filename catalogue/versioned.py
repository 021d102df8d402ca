"""Data derived from the whole catalogue (term frequencies, the matrix of offer vectors), kept per database.

Reloaded when an import bumps the catalogue version (``bump_catalogue_version``), so that each gateway and action
server sees a new catalogue on its next search without a restart; one lock per cache, so that concurrent searches
after an import load it once (and meanwhile use the previous version).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalogue.models import CatalogueState


def catalogue_version(session: Session) -> int:
    return session.scalar(select(CatalogueState.version).where(CatalogueState.id == 1)) or 0


def bump_catalogue_version(*, session: Session) -> None:
    """Tells every process that the catalogue changed (called by imports, after the offers and their vectors)."""
    if session.get(CatalogueState, 1) is None:
        session.add(CatalogueState(id=1, version=1))
    else:
        session.execute(update(CatalogueState).where(CatalogueState.id == 1).values(version=CatalogueState.version + 1))
    session.flush()


class PerCatalogueVersion[T]:
    """``load(session)`` once per database and catalogue version."""

    def __init__(self, load: Callable[[Session], T]) -> None:
        self._load = load
        self._entries: dict[str, tuple[int, T]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session) -> T:
        """The data of the session's catalogue version. While one search loads a new version, concurrent ones
        go on with the previous one (a large catalogue takes seconds to load) instead of queueing behind it."""
        key = str(session.get_bind().engine.url)
        version = catalogue_version(session)
        entry = self._entries.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
        if entry is not None and not self._lock.acquire(blocking=False):
            return entry[1]
        if entry is None:
            self._lock.acquire()
        try:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version:
                entry = (version, self._load(session))
                self._entries[key] = entry
            return entry[1]
        finally:
            self._lock.release()
