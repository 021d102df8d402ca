"""The Telegram channel: the same assistant and counsellor handover as the web widget, inside Telegram."""

from bot.telegram.install import install_telegram

__all__ = ["install_telegram"]
