"""Per-version caches: loaded once per catalogue version; a reload does not hold up other searches."""

import threading

from catalogue.versioned import PerCatalogueVersion, bump_catalogue_version
from core.db import read_scope, session_scope


def test_loaded_once_per_version_and_reloaded_after_a_bump(database_url: str) -> None:
    loads: list[int] = []
    cache = PerCatalogueVersion(lambda session: loads.append(1) or len(loads))
    with read_scope(database_url) as s:
        assert cache.get(s) == cache.get(s) == 1
    with session_scope(database_url) as s:
        bump_catalogue_version(session=s)
    with read_scope(database_url) as s:
        assert cache.get(s) == 2


def test_searches_go_on_with_the_previous_version_while_one_loads_the_new(database_url: str) -> None:
    loading, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def load(session):  # type: ignore[no-untyped-def]
        calls.append("load")
        if len(calls) > 1:  # the reload after the bump: slow
            loading.set()
            assert release.wait(10)
        return len(calls)

    cache = PerCatalogueVersion(load)
    with read_scope(database_url) as s:
        assert cache.get(s) == 1
    with session_scope(database_url) as s:
        bump_catalogue_version(session=s)
    got: list[int] = []

    def reload() -> None:
        with read_scope(database_url) as s:
            got.append(cache.get(s))

    slow = threading.Thread(target=reload)
    slow.start()
    assert loading.wait(10)
    with read_scope(database_url) as s:
        assert cache.get(s) == 1  # not blocked: the previous version
    release.set()
    slow.join(10)
    assert got == [2]
    with read_scope(database_url) as s:
        assert cache.get(s) == 2 and len(calls) == 2
