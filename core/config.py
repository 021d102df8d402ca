"""One place for every setting, read from environment variables (prefix ``BILDUNGSLOTSE_``).

Defaults are for local development on one machine; production must set its own secret,
which :meth:`Settings.check_production_safety` enforces at start-up.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-insecure-secret-change-me"


class InsecureConfigError(RuntimeError):
    """Raised when a development default would be used outside local development."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BILDUNGSLOTSE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'bildungslotse.db'}"
    # Rasa's SQL tracker store; the gateway deletes a conversation's events there too.
    tracker_store_url: str = f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    engine_url: str = "http://127.0.0.1:5005"
    engine_timeout_s: float = 30.0
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    action_port: int = 5055
    secret_key: str = DEV_SECRET
    widget_origins: list[str] = Field(default_factory=lambda: ["*"])
    max_message_chars: int = 2000
    public_url: str = "http://127.0.0.1:8000"
    # New-ticket mails; without a host they go to the log (local development).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "bildungslotse@landkreis-osnabrueck.example"
    office_mail_pattern: str = "{office}@bildungsbuero.example"
    # Flood protection: messages one client may send per minute.
    rate_limit_per_minute: int = 30
    # Telegram channel: off without a token. With a public (non-loopback) public_url it runs as a webhook
    # under /telegram/webhook (secret header; derived from secret_key if not set), otherwise by long polling.
    telegram_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base: str = "https://api.telegram.org/bot"
    telegram_use_polling: bool = False

    def check_production_safety(self) -> None:
        """Refuse to run with development defaults anywhere but on a developer's machine."""
        if self.environment != "production":
            return
        if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
            raise InsecureConfigError("BILDUNGSLOTSE_SECRET_KEY must be a random secret of at least 32 characters in production.")
        if "*" in self.widget_origins:
            raise InsecureConfigError('BILDUNGSLOTSE_WIDGET_ORIGINS must list the county\'s sites in production, not "*".')


@lru_cache
def get_settings() -> Settings:
    return Settings()
