"""What the assistant says, in the citizen's language: gettext catalogues whose message ids are the German texts.

- The German text is the source: ``locale/<lang>/LC_MESSAGES/bildungslotse.po`` maps each German text to its
  translation. The ``.po`` files are read directly (no compiled ``.mo``): they are small, parsed once per process
  in milliseconds, and nothing generated has to be kept in step with them. ``locale/README.md`` says how to add
  a text or a language.
- Fixed texts (responses of the engine's domain, the YAML texts of the actions, the gateway's notices) travel
  as German and are translated by the gateway as a whole, or as a sequence of whole known sentences or lines
  (answers that join several fixed texts).
- Composed texts (with numbers, places, offer titles) are built with :func:`t` and :func:`join`: a small
  JSON-able description whose German rendering is the text the engine keeps, and which the gateway renders
  again in the citizen's language. Dicts are translated, plain values (numbers, names, the provider's offer
  titles) are inserted as they are.
- Einfache Sprache (plain German) is one more catalogue, ``locale/de_simple``: its message ids are the German
  texts, its strings their plain variants, said through the same path (:func:`speaking` picks it).
- :func:`N_` only marks a German constant for extraction (``pybabel extract`` with the keywords ``N_`` and
  ``t``); the gateway finds it by its text.
"""

from __future__ import annotations

import logging
import re
import string
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
DOMAIN = "bildungslotse"
SOURCE = "de"
PLAIN = "de_simple"  # the plain-German catalogue's name (not a language: messages in it are still "de")
RTL = frozenset({"ar", "fa", "he", "ur"})
log = logging.getLogger(__name__)

# A text description: {"msgid": German template, "params": {name: Node}}, {"join": [Node], "sep": str}, or a
# plain value inserted as it is.
Node = dict[str, Any] | str | int | float | None


def speaking(language: str, plain: bool) -> str:
    """The catalogue a conversation's replies come from: plain German only where the language is German."""
    return PLAIN if plain and language == SOURCE else language


def N_(text: str) -> str:  # the gettext convention for "mark only"
    """Marks a fixed German text for the catalogues; returns it unchanged."""
    return text


def t(msgid: str, **params: Node) -> dict[str, Any]:
    """A composed text: ``msgid`` is a German ``str.format`` template with named fields."""
    return {"msgid": msgid, "params": params} if params else {"msgid": msgid}


def join(*parts: Node, sep: str = "") -> dict[str, Any]:
    """Parts said one after the other (each translated on its own)."""
    return {"join": [p for p in parts if p not in (None, "")], "sep": sep}


@cache
def catalogue(language: str) -> dict[str, str]:
    """German text -> translation for one language (empty for German or a language without a catalogue).

    Einfache Sprache: a German text without a plain variant is plain already and stands for itself, so that it
    is known as a whole sentence where an answer joins several texts (else a neighbouring template's field would
    swallow it)."""
    if language == SOURCE:
        return {}
    if language == PLAIN:
        others = [p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")]
        german = {msgid: msgid for code in sorted(others) if code != PLAIN for msgid in read_catalogue(code)}
        return german | read_catalogue(PLAIN)
    return read_catalogue(language)


@cache
def read_catalogue(language: str) -> dict[str, str]:
    """The entries of one ``.po`` file as written (translated, not fuzzy)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    from babel.messages.pofile import read_po  # only where a catalogue is read

    with path.open("rb") as handle:
        po = read_po(handle, locale=SOURCE if language == PLAIN else language.replace("-", "_"))
    return {
        str(m.id): str(m.string)
        for m in po
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy
    }


def available(language: str) -> bool:
    return language == SOURCE or bool(catalogue(language))


def gettext(msgid: str, language: str) -> str | None:
    """The translation of one whole text, or None when there is none (German: the text itself)."""
    if language == SOURCE:
        return msgid
    return catalogue(language).get(msgid)


def render(node: Node, language: str = SOURCE, missing: list[str] | None = None) -> str:
    """The text a description stands for, in ``language``; untranslated parts stay German (and are listed)."""
    if isinstance(node, dict):
        if "join" in node:
            return str(node.get("sep") or "").join(render(p, language, missing) for p in node["join"])
        msgid = str(node.get("msgid") or "")
        template = gettext(msgid, language)
        if template is None:
            if missing is not None:
                missing.append(msgid)
            template = msgid
        params = {k: render(v, language, missing) for k, v in (node.get("params") or {}).items()}
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            log.warning("translation of %r does not fit its fields", msgid[:60])
            return msgid.format(**params)
    return "" if node is None else str(node)


def fields(template: str) -> set[str]:
    """The named fields of a ``str.format`` template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def translate(text: str, language: str, missing: list[str] | None = None) -> str:
    """A German text in ``language``: the whole text, else line by line, else as a sequence of whole known
    sentences ("Dabei kann ich leider nicht helfen. <referral> <what I can do>"). A text made from a template
    (``N_("Möchten Sie mehr zu {name} wissen?").format(name=…)``) is recognised by its template; its values are
    translated when they are known texts themselves. What is not known stays German and is listed in
    ``missing``."""
    if language == SOURCE or not text:
        return text
    found = gettext(text, language)
    if found is not None:
        return found
    if "\n" in text:
        return "\n".join(translate(line, language, missing) if line.strip() else line for line in text.split("\n"))
    pieces = _segments(text, language, missing)
    if pieces is None:
        if missing is not None:
            missing.append(text)
        return text
    return " ".join(pieces)


# What some fields hold, so that "ab {day} {time} Uhr" reads "ab Mittwoch, 02.12. 08:30 Uhr" right.
_NUMBER = r"\d[\d.,]*"
_NUMBERS = ("count", "km", "age", "low", "high", "amount", "total", "shown", "first", "last", "number")
_FIELD = {name: _NUMBER for name in _NUMBERS} | {"time": r"\d{1,2}:\d{2}"}


@cache
def _templates(language: str) -> list[tuple[re.Pattern[str], str]]:
    """(pattern, translation) of the templates with fields, most literal text first."""
    out = []
    for msgid, translation in catalogue(language).items():
        if not fields(msgid):
            continue
        pattern = "".join(
            re.escape(literal) + (f"(?P<{name}>{_FIELD.get(name, '.+?')})" if name else "")
            for literal, name, _, _ in string.Formatter().parse(msgid)
        )
        out.append((len(msgid) - sum(len(f) + 2 for f in fields(msgid)), re.compile(pattern), translation))
    out.sort(key=lambda item: -item[0])
    return [(pattern, translation) for _, pattern, translation in out]


# Fields that hold data (the provider's words, names, places, addresses): inserted as written, never translated.
_AS_WRITTEN = frozenset(
    {"title", "provider", "schedule", "where", "address", "details", "url", "email", "phone", "place", "others",
     "office", "other", "topic", "programmes", "reason"}
)  # fmt: skip


def _filled(match: re.Match[str], translation: str, language: str) -> str | None:
    values = {name: value if name in _AS_WRITTEN else _value(value, language) for name, value in match.groupdict().items()}
    try:
        return translation.format(**values)
    except (KeyError, IndexError, ValueError):
        return None


def _value(value: str, language: str) -> str:
    """A template's value: a known text is said in the language too ("Bildungsgutschein"), so is a list of them
    ("Telefon 0541 …, E-Mail …", "Montag, 02.12."), so are several of our sentences; the rest stays as it is."""
    exact = gettext(value, language)
    if exact is not None:
        return exact
    parts = value.split(", ")
    known = [_known(part, language) for part in parts] if len(parts) > 1 else []
    if known and all(k is not None for k in known):
        return ", ".join(k for k in known if k is not None)
    said = _known(value, language)
    if said is not None:
        return said
    if any(k is not None for k in known):
        return ", ".join(k if k is not None else part for k, part in zip(known, parts, strict=True))
    if ". " not in value:
        return value
    gaps: list[str] = []
    sentences = _segments(value, language, gaps)
    return " ".join(sentences) if sentences and not gaps else value


def _known(value: str, language: str) -> str | None:
    known = gettext(value, language)
    if known is not None:
        return known
    for pattern, translation in _templates(language):
        match = pattern.fullmatch(value)
        if match and (filled := _filled(match, translation, language)) is not None:
            return filled
    return None


def _segments(text: str, language: str, missing: list[str] | None = None) -> list[str] | None:
    """``text`` as known sentences (or sentences made from templates) separated by single spaces; None when no
    sentence of it is known. Longer known sentences are tried first; a template's value may hold spaces ("Bremer
    Str. 4"), so every possible end is tried until the rest fits too. A sentence that is not ours (an offer's
    description, as the provider wrote it) stays as it is and is listed in ``missing``."""
    known = catalogue(language)
    templates = _templates(language)
    memo: dict[int, tuple[list[str], list[str]] | None] = {}

    def from_(at: int) -> tuple[list[str], list[str]] | None:
        if at >= len(text):
            return [], []
        if at in memo:
            return memo[at]
        memo[at] = None
        options = sorted(
            ((at + len(m), said) for m, said in known.items() if text.startswith(m, at) and _ends(text, at + len(m))),
            key=lambda option: -option[0],
        )
        for end in range(at + 1, len(text) + 1):
            if _ends(text, end):
                for pattern, translation in templates:
                    match = pattern.fullmatch(text, at, end)
                    if match and (filled := _filled(match, translation, language)) is not None:
                        options.append((end, filled))
                        break
        # The reading that leaves the fewest characters unknown (a shorter template match may leave a bad rest).
        best: tuple[list[str], list[str]] | None = None
        for end, said in options:
            rest = from_(end + 1)
            if rest is not None and (best is None or _unknown(rest) < _unknown(best)):
                best = ([said, *rest[0]], rest[1])
                if not rest[1]:
                    break  # all known: nothing better
        if best is None or best[1]:
            gap = _sentence_end(text, at)
            rest = from_(gap + 1)
            if rest is not None:
                gapped = ([text[at:gap], *rest[0]], [text[at:gap], *rest[1]])
                if best is None or _unknown(gapped) < _unknown(best):
                    best = gapped
        memo[at] = best
        return best

    found = from_(0)
    if found is None or found[0] == found[1]:  # nothing of it known
        return None
    if missing is not None:
        missing.extend(found[1])
    return found[0]


def _unknown(reading: tuple[list[str], list[str]]) -> int:
    return sum(len(piece) for piece in reading[1])


def _sentence_end(text: str, at: int) -> int:
    """The end of the sentence that starts at ``at`` (at ". ", "? ", "! ", ": " or the end of the text)."""
    for end in range(at + 1, len(text)):
        if text[end] == " " and text[end - 1] in ".?!:…":
            return end
    return len(text)


def _ends(text: str, end: int) -> bool:
    return end == len(text) or text[end] == " "


def message(node: Node, **parts: Any) -> dict[str, Any]:
    """An action's chat message with a composed text: the German text (what the engine keeps and the dialogue
    compares) and its description, from which the gateway says it in the citizen's language."""
    return {"text": render(node), "i18n": node, **parts}
