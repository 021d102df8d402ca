"""What the assistant knows: municipalities, Bildungsbüros, providers and offers, and how to search them.

The name is shared: spaCy and its helpers (thinc, srsly, confection) ``import catalogue`` for the function-registry
library of that name. Only one ``catalogue`` can be importable, so this package is also that library: its API is
re-exported from the vendored ``catalogue._registry`` on first use (spaCy's ``catalogue.create`` and the like),
and the PyPI distribution is left out of ``requirements/app.lock``. ``tests/catalogue/test_packaging.py`` keeps
both sides working.
"""

from __future__ import annotations

from typing import Any

# The registry library's public names (catalogue 2.0.10), the ones spaCy, thinc, srsly and confection use.
_REGISTRY_API = frozenset(
    {
        "AVAILABLE_ENTRY_POINTS",
        "REGISTRY",
        "Registry",
        "RegistryError",
        "check_exists",
        "create",
        "importlib_metadata",
        "_get",
        "_get_all",
        "_remove",
        "_set",
    }
)


def __getattr__(name: str) -> Any:
    # Lazy: reading the entry points costs some milliseconds, and only spaCy needs the registry.
    if name in _REGISTRY_API:
        from catalogue import _registry

        return getattr(_registry, name)
    raise AttributeError(f"module 'catalogue' has no attribute {name!r}")
