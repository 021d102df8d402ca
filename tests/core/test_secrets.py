"""No secret in the repository: a generated local secret, distinct derived keys, production refuses without one."""

from __future__ import annotations

import stat
from pathlib import Path

import jwt
import pytest

from core import config, secrets
from core.config import InsecureConfigError, Settings


def test_local_secret_is_generated_once_and_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "var" / "secret_key"
    monkeypatch.setattr(config, "LOCAL_SECRET", path)
    first = Settings(secret_key=None).master_secret
    assert len(first) >= 48 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(secret_key=None).master_secret == first  # the same on the next start
    path.unlink()
    assert Settings(secret_key=None).master_secret != first  # random, not a constant


def test_derived_keys_differ_per_purpose() -> None:
    s = Settings(secret_key="m" * 40)
    keys = {s.jwt_key, s.telegram_id_key, s.telegram_webhook_key, s.master_secret}
    assert len(keys) == 4
    assert secrets.derive("m" * 40, secrets.JWT) == s.jwt_key  # deterministic: tokens survive a restart
    assert Settings(secret_key="n" * 40).jwt_key != s.jwt_key


def test_production_refuses_a_missing_or_short_secret() -> None:
    with pytest.raises(InsecureConfigError):
        Settings(environment="production", widget_origins=["https://www.landkreis-osnabrueck.de"]).check_production_safety()
    with pytest.raises(InsecureConfigError):
        Settings(environment="production", secret_key="short").check_production_safety()
    with pytest.raises(InsecureConfigError):
        _ = Settings(environment="production").jwt_key


def test_the_old_constant_signs_nothing() -> None:
    """The former default signing key from the repository is not accepted by a running gateway."""
    from bot.counsellors.service import counsellor_from_token

    forged = jwt.encode({"sub": "1", "exp": 4102444800}, "dev-only-insecure-secret-change-me", algorithm="HS256")
    assert counsellor_from_token(session=None, token=forged, secret=Settings(secret_key="m" * 40).jwt_key) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("subject", ["abc", "-1", "9" * 40, "1.5", ""])
def test_signed_token_with_a_strange_subject_is_refused(subject: str) -> None:
    from bot.counsellors.service import counsellor_from_token

    key = Settings(secret_key="m" * 40).jwt_key
    token = jwt.encode({"sub": subject, "exp": 4102444800}, key, algorithm="HS256")
    assert counsellor_from_token(session=None, token=token, secret=key) is None  # type: ignore[arg-type]
