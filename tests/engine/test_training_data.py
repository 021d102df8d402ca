"""The engine's training data and domain are consistent: `rasa data validate` without a warning."""

import subprocess

import pytest

from cli.main import ROOT
from engine.nlu_data import render

pytestmark = pytest.mark.engine


def test_generated_places_file_is_current() -> None:
    assert (ROOT / "nlu" / "generated" / "places.yml").read_text(encoding="utf-8") == render()


def test_rasa_data_validate_has_no_warnings() -> None:
    result = subprocess.run(
        [str(ROOT / ".venv-engine/bin/rasa"), "data", "validate", "--domain", "domain", "--data", "nlu", "dialogue",
         "--config", "config.yml", "--fail-on-warnings"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "UserWarning" not in output, output[-4000:]
