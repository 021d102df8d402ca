"""The sample catalogue is data (catalogue/sample/data/) plus a small generator; the committed offers.json is
exactly what the generator makes of the data with the fixed seed and date."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "catalogue" / "sample"


def _load_generator():
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLE / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _load_generator()


def test_regenerating_gives_the_committed_file_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "offers.json"
    assert generate.main(["--out", str(out)]) == 0
    assert out.read_bytes() == (SAMPLE / "offers.json").read_bytes()


def test_same_seed_and_date_same_file_other_seed_other_file() -> None:
    day = generate.DEFAULT_TODAY
    first = generate.render(generate.generate(day, 3))
    assert generate.render(generate.generate(day, 3)) == first
    assert generate.render(generate.generate(day, 4)) != first


def copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE / "data", data)
    return data


def test_an_offer_the_importer_rejects_stops_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = copy_data(tmp_path)
    providers = data / "providers.csv"
    text = providers.read_text(encoding="utf-8")
    assert ",vhs-melle," in text
    providers.write_text(text.replace(",vhs-melle,", ",vhs melle,"), encoding="utf-8")  # a mail domain with a space
    out = tmp_path / "offers.json"
    assert generate.main(["--data", str(data), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "@vhs melle.example' ist keine E-Mail-Adresse" in err and "würde der Import ablehnen" in err
    assert not out.exists()


def test_an_unquoted_time_in_a_template_is_a_data_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = copy_data(tmp_path)
    path = data / "templates" / "grundbildung.yml"
    text = path.read_text(encoding="utf-8")
    assert "['9:30', 1.5]" in text
    path.write_text(text.replace("['9:30', 1.5]", "[9:30, 1.5]", 1), encoding="utf-8")  # YAML reads 9:30 as 570
    assert generate.main(["--data", str(data), "--out", str(tmp_path / "x.json")]) == 1
    assert "grundbildung.yml" in capsys.readouterr().err


def test_a_template_no_provider_can_hold_is_a_data_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = copy_data(tmp_path)
    providers = data / "providers.csv"
    providers.write_text(providers.read_text(encoding="utf-8").replace(",verein,", ",kita,"), encoding="utf-8")
    assert generate.main(["--data", str(data), "--out", str(tmp_path / "x.json")]) == 1
    assert "kein Anbieter in providers.csv passt" in capsys.readouterr().err


def test_help_runs_as_a_script() -> None:
    result = subprocess.run([sys.executable, str(SAMPLE / "generate.py"), "--help"], capture_output=True, text=True, check=True)
    assert "--seed" in result.stdout and "--today" in result.stdout and "--data" in result.stdout


def test_committed_catalogue_meets_the_sample_rules(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("sample_check", SAMPLE / "check.py")
    assert spec and spec.loader
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    assert check.main([str(SAMPLE / "offers.json")]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.rstrip().endswith("OK")
