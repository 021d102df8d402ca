"""Logging for all our processes: plain text for people, or one JSON object per line for a log pipeline.

Neither form carries message texts, and access-log paths lose the conversation id: a log line must not be
enough to find or read a citizen's chat."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

_CONVERSATION_PATH = re.compile(r"(/conversations/)[^/\s?\"]+")


def redact(text: str) -> str:
    return _CONVERSATION_PATH.sub(r"\1…", text)


class RedactingFilter(logging.Filter):
    """Replaces conversation ids in access-log lines (uvicorn passes the path as an argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, ensure_ascii=False)


_configured: str | None = None


def configure_logging(fmt: str = "text", level: int = logging.INFO) -> None:
    """Idempotent; the access log of uvicorn is redacted in both formats."""
    global _configured
    if _configured == fmt:
        return
    _configured = fmt
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_bildungslotse", False)]:
        root.removeHandler(old)
    handler._bildungslotse = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
