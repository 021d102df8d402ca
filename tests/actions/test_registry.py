"""The action server loads every action of the package, each under the name the domain uses."""

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

DOMAIN = Path(__file__).resolve().parents[2] / "domain"


def test_all_domain_actions_are_served() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    served = set(executor.actions)
    declared = {a for f in DOMAIN.glob("*.yml") for a in (yaml.safe_load(f.read_text()) or {}).get("actions", [])}
    assert declared <= served, declared - served
    assert not [name for name in served if name.endswith("_")]
