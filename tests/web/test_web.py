"""The browser code in web/: its unit tests (Node's built-in runner) and the committed bundles in bot/static/.

The gateway serves the bundles as committed files (no Node on the servers), so a change in web/ that was not
rebuilt with `npm run build` would silently not reach citizens; the drift test catches that.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
ESBUILD = ROOT / "node_modules" / "esbuild"


@pytest.mark.skipif(NODE is None, reason="node is not installed (the widget's unit tests run with `node --test web/`)")
def test_unit_tests_of_the_browser_code_pass() -> None:
    tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "web").rglob("*.test.js"))
    assert tests, "no web/**/*.test.js found"
    assert NODE
    run = subprocess.run([NODE, "--test", *tests], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.skipif(not ESBUILD.exists(), reason="node_modules is missing: run `npm ci` (esbuild builds the bundles)")
def test_committed_bundles_are_built_from_the_sources(tmp_path: Path) -> None:
    assert NODE
    run = subprocess.run(
        [NODE, "web/build.mjs", "--outdir", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    built = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.js"))
    assert built, "the build wrote nothing"
    for rel in built:
        fresh = (tmp_path / rel).read_text(encoding="utf-8")
        committed_path = ROOT / rel
        committed = committed_path.read_text(encoding="utf-8") if committed_path.exists() else ""
        if fresh != committed:
            diff = "".join(list(difflib.unified_diff(committed.splitlines(True), fresh.splitlines(True), rel, "built"))[:60])
            pytest.fail(f"{rel} is not the bundle of the sources in web/: run `npm run build` and commit it\n{diff}")
