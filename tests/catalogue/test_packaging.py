"""Our package ``catalogue`` and spaCy's registry library ``catalogue`` in one process (see catalogue/__init__.py)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest


def test_the_registry_distribution_is_not_installed_beside_our_package() -> None:
    # Installed, its directory would shadow ours (site-packages comes before the editable install).
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("catalogue")


def test_spacy_registers_its_functions_in_our_package() -> None:
    import spacy
    import thinc.api

    import catalogue

    nlp = spacy.blank("de")
    assert [t.text for t in nlp("Kurs z.B. in Bad Essen?")] == ["Kurs", "z.B.", "in", "Bad", "Essen", "?"]
    assert isinstance(spacy.util.registry.languages, catalogue.Registry)
    assert thinc.api.registry.layers.get("Linear.v1") is not None
    assert ("thinc", "layers", "Linear.v1") in catalogue.REGISTRY  # registered through our package

    tests = catalogue.create("bildungslotse_test", "things")
    tests.register("one", func=len)
    assert tests.get("one") is len
    assert catalogue._get(("bildungslotse_test", "things", "one")) is len
    with pytest.raises(catalogue.RegistryError):
        tests.get("two")  # the library's own error, from our package


def test_our_modules_and_spacy_import_in_either_order() -> None:
    # A fresh interpreter: spaCy first, then our modules (the action server's order), and the other way round.
    for first, second in (("spacy", "catalogue.query"), ("catalogue.query", "spacy")):
        code = f"import {first}, {second}; import catalogue.query as q; assert q.parse('pekip in belm').place_text == 'belm'"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]


def test_unknown_names_still_raise() -> None:
    import catalogue

    with pytest.raises(AttributeError):
        _ = catalogue.no_such_name  # type: ignore[attr-defined]
