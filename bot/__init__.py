"""The gateway: chat API, widget, Telegram and counsellor inbox in one FastAPI app."""
