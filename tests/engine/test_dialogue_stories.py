"""Test stories (tests/conversations/, by behaviour) through NLU and policies: `rasa test`."""

import subprocess

import pytest

from cli.main import ROOT, train_engine

pytestmark = pytest.mark.engine


def test_conversation_stories_predict_without_errors(tmp_path) -> None:
    model = train_engine()
    result = subprocess.run(
        [str(ROOT / ".venv-engine/bin/rasa"), "test", "core", "--model", str(model),
         "--stories", "tests/conversations", "--fail-on-prediction-errors", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={"TF_CPP_MIN_LOG_LEVEL": "2", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    failed = (tmp_path / "failed_test_stories.yml").read_text() if (tmp_path / "failed_test_stories.yml").exists() else ""
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:] + failed
