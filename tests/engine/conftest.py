"""The real three processes: trained once per run (content hash), started once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stack import Stack, running_stack


@pytest.fixture(scope="session")
def stack_object(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as s:
        print(f"\nstack ready after {s.ready_after_s:.1f} s")
        yield s


@pytest.fixture(scope="session")
def stack(stack_object: Stack) -> dict[str, str]:
    return {"gateway": stack_object.gateway, "engine": stack_object.engine, "logs": str(stack_object.logs)}
