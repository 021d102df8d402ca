"""The one master secret and the keys derived from it, each for one purpose (HKDF-SHA256, RFC 5869).

Separate labels mean that knowing one derived key (say, the Telegram webhook secret, which Telegram sends
back with every update) tells nothing about another (the key that signs counsellors' tokens).
Local runs without ``BILDUNGSLOTSE_SECRET_KEY`` get a strong random secret generated once into
``var/secret_key`` (mode 0600); production refuses to start without one."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SALT = b"bildungslotse/v1"
JWT = "counsellor-tokens"
TELEGRAM_CHAT_ID = "telegram-chat-ids"
TELEGRAM_WEBHOOK = "telegram-webhook"


def derive(master: str, label: str, length: int = 32) -> str:
    """HKDF extract-then-expand; hex so that it can stand in a header or a token."""
    prk = hmac.new(SALT, master.encode(), hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + label.encode() + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length].hex()


def local_secret(path: Path) -> str:
    """Read the machine's generated secret, or create it (only its owner may read it)."""
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if len(value) >= 32:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value
