"""Turning stored Messages into Telegram messages: HTML with everything escaped, split to fit, inline keyboards.

Pure functions only, so they can be tested without Telegram.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import N_, t, translate
from core.i18n import render as say

# Telegram's limit for one message's text (after entity parsing), counted in UTF-16 code units.
MAX_CHARS = 4096
BUTTON_PREFIX = "b:"
CHOOSE = N_("Bitte wählen Sie:")
# Feedback (#13): "f:<seq>:j|n" under an answer with offers, "r:<ticket>:<1-5>|x" after a closed handover.
HELPFUL_PREFIX, RATING_PREFIX, SKIP = "f:", "r:", "x"
HELPFUL_Q = N_("Hat das geholfen?")
HELPFUL_YES, HELPFUL_NO = N_("👍 Ja"), N_("👎 Nein")
RATING_Q = N_("Wie zufrieden waren Sie mit der Beratung?")
RATING_HINT = N_("1 = gar nicht, 5 = sehr")


@dataclass
class Part:
    """One Telegram message: HTML text and an optional inline keyboard (rows of buttons)."""

    html: str
    rows: list[list[InlineKeyboardButton]]

    @property
    def keyboard(self) -> InlineKeyboardMarkup | None:
        return InlineKeyboardMarkup(self.rows) if self.rows else None


def esc(value: object) -> str:
    """Every text from citizens, the catalogue, the engine or counsellors goes through here."""
    return html.escape(str(value))


def button_data(payload: str) -> str:
    """Callback data is limited to 64 bytes, payloads are not: send a short hash, look the payload up later."""
    return BUTTON_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:16]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _prefix_end(text: str, limit: int) -> int:
    """The largest index i so that text[:i] fits into limit UTF-16 code units."""
    used = 0
    for i, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return i
    return len(text)


def split_text(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Split at a line break (if one is in the second half of the window), else at a space, else hard."""
    chunks: list[str] = []
    rest = text.strip()
    while utf16_len(rest) > limit:
        end = _prefix_end(rest, limit)
        window = rest[:end]
        cut = window.rfind("\n")
        if cut < end // 2:
            space = window.rfind(" ")
            cut = space if space > 0 else (cut if cut > 0 else end)
        chunk = rest[:cut].rstrip()
        if not chunk:
            chunk, cut = rest[:end], end
        chunks.append(chunk)
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def safe_url(url: object) -> str | None:
    """Only plain http(s) links become buttons; anything else (javascript:, blanks) is dropped."""
    if not isinstance(url, str) or len(url) > 2048 or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def german_number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def german_date(value: object) -> str | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y") if value else None
    except ValueError:
        return None


def euro(value: float) -> str:
    return f"{german_number(value, 0 if value == int(value) else 2)} €"


def _short(value: object, limit: int = 300) -> str:
    """Catalogue fields are short; a broken import must still not push a card past Telegram's limit."""
    text = str(value).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_offer(offer: Mapping[str, Any], language: str = "de") -> str:
    """Compact card: bold title, provider, place and distance (or online), next start, cost; our labels in
    ``language``, the provider's data as written."""
    lines = [f"<b>{esc(_short(offer.get('title') or translate(N_('Angebot'), language)))}</b>"]
    if offer.get("provider"):
        lines.append(esc(_short(offer["provider"])))
    distance = _number(offer.get("distance_km"))
    if offer.get("online"):
        lines.append(translate(N_("Ort: online"), language))
    elif offer.get("municipality"):
        where = esc(_short(offer["municipality"], 100))
        if distance is not None:
            where = say(t("{place} ({km} km entfernt)", place=where, km=german_number(distance, 1)), language)
        lines.append(say(t("Ort: {place}", place=where), language))
    start = german_date(offer.get("next_start"))
    if start:
        lines.append(say(t("Beginn: {date}", date=start), language))
    cost = _number(offer.get("cost_eur"))
    if cost is not None:
        free = translate(N_("Kosten: kostenlos"), language)
        lines.append(free if cost == 0 else say(t("Kosten: {amount}", amount=euro(cost)), language))
    return "\n".join(lines)


def offer_rows(offer: Mapping[str, Any], language: str = "de") -> list[list[InlineKeyboardButton]]:
    url = safe_url(offer.get("url"))
    return [[InlineKeyboardButton(translate(N_("Mehr erfahren"), language), url=url)]] if url else []


def button_rows(buttons: list[Mapping[str, Any]], language: str = "de") -> list[list[InlineKeyboardButton]]:
    rows = []
    for button in buttons:
        payload = str(button.get("payload") or "")
        if payload:
            title = _short(button.get("title") or "", 100) or translate(N_("Auswählen"), language)
            rows.append([InlineKeyboardButton(title, callback_data=button_data(payload))])
    return rows


def labels_language(extra: Mapping[str, Any] | None) -> str:
    """Our labels are in the conversation's language, even around a text that had no translation."""
    extra = extra or {}
    return str(extra.get("conversation_language") or extra.get("language") or "de")


def helpful_part(seq: int, language: str = "de") -> Part:
    """ "Hat das geholfen?" with 👍 Ja / 👎 Nein, sent after an answer with offers (stored message ``seq``)."""
    rows = [
        [
            InlineKeyboardButton(translate(HELPFUL_YES, language), callback_data=f"{HELPFUL_PREFIX}{seq}:j"),
            InlineKeyboardButton(translate(HELPFUL_NO, language), callback_data=f"{HELPFUL_PREFIX}{seq}:n"),
        ]
    ]
    return Part(esc(translate(HELPFUL_Q, language)), rows)


def rating_part(ticket_id: str, language: str = "de") -> Part:
    """The rating question 1…5 after a counsellor closed the handover ``ticket_id``."""
    text = translate(RATING_Q, language) + "\n" + translate(RATING_HINT, language)
    row = [InlineKeyboardButton(str(n), callback_data=f"{RATING_PREFIX}{ticket_id}:{n}") for n in range(1, 6)]
    return Part(esc(text), [row])


def render(sender: str, text: str | None, extra: Mapping[str, Any] | None) -> list[Part]:
    """One stored Message -> Telegram messages: its text (split), one card per offer, buttons under the last."""
    extra = extra or {}
    language = labels_language(extra)
    header = ""
    if sender == "counsellor":
        office = ((extra.get("handover") or {}).get("office") or {}).get("name")
        header = translate(N_("Beratung"), language) + (f" · {office}" if office else "")
    parts: list[Part] = []
    if text and text.strip():
        reserve = utf16_len(header) + 1 if header else 0
        for i, chunk in enumerate(split_text(text, MAX_CHARS - reserve)):
            prefix = f"<b>{esc(header)}</b>\n" if header and i == 0 else ""
            parts.append(Part(prefix + esc(chunk), []))
    for offer in extra.get("offers") or []:
        if isinstance(offer, Mapping):
            parts.append(Part(format_offer(offer, language), offer_rows(offer, language)))
    rows = button_rows(extra.get("buttons") or [], language)
    if rows:
        if not parts:
            parts.append(Part(translate(CHOOSE, language), []))
        parts[-1].rows = parts[-1].rows + rows
    return parts


def plain(text: str, rows: list[list[InlineKeyboardButton]] | None = None) -> list[Part]:
    """A fixed text of ours (help, confirmations) as Telegram messages."""
    parts = [Part(esc(chunk), []) for chunk in split_text(text)]
    if parts and rows:
        parts[-1].rows = rows
    return parts
