"""The engine's training data and domain are consistent: `rasa data validate` without a warning."""

import re
import subprocess

import pytest
import yaml

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
    # Rasa 3.6 warns about every response no story names, also the questions a form asks by itself
    # (utter_ask_<slot>); those are used, so only they are let through.
    asked = {f"utter_ask_{slot}" for slot in _form_slots()}
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    unused = re.compile(r"The utterance '(\w+)' is not used in any story or rule")
    real = [w for w in warnings if not ((m := unused.search(w)) and m.group(1) in asked)]
    assert not real, "\n".join(real)[-4000:]


def _form_slots() -> set[str]:
    slots: set[str] = set()
    for path in (ROOT / "domain").glob("*.yml"):
        forms = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("forms") or {}
        for form in forms.values():
            slots.update(form.get("required_slots") or [])
    return slots
