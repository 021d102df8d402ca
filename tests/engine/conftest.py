"""The real three processes: trained once per run (content hash), started once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stack import running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with running_stack(tmp_path_factory.mktemp("stack")) as s:
        print(f"\nstack ready after {s.ready_after_s:.1f} s")
        yield {"gateway": s.gateway, "engine": s.engine, "logs": str(s.logs)}
