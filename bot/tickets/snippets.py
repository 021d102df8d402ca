"""Textbausteine: canned replies per Bildungsbüro, with placeholders filled from the office's data."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.counsellors.models import Counsellor
from bot.tickets.models import Snippet
from catalogue.models import Office
from catalogue.places import format_hours
from core.db import utcnow

SAMPLES = Path(__file__).resolve().parent / "data" / "snippets.yml"
PLACEHOLDERS = ("office_name", "opening_hours", "office_email", "office_phone", "office_address")
MAX_PER_OFFICE = 200
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


class SnippetError(Exception):
    """A request on a snippet that cannot be done; status is the HTTP code, the message German."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def values(office: Office) -> dict[str, str]:
    return {
        "office_name": office.name,
        "opening_hours": format_hours(office) or "nach Vereinbarung",
        "office_email": office.email or "",
        "office_phone": office.phone or "",
        "office_address": office.address or "",
    }


def fill(body: str, office: Office) -> str:
    """The text as the counsellor inserts it: every known placeholder replaced by the office's data."""
    known = values(office)
    return _PLACEHOLDER.sub(lambda m: known.get(m.group(1), m.group(0)), body)


def _check(title: str, body: str) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    if not title:
        raise SnippetError(422, "Bitte geben Sie dem Textbaustein einen Namen.")
    if not body:
        raise SnippetError(422, "Der Textbaustein ist leer.")
    unknown = sorted({m.group(1) for m in _PLACEHOLDER.finditer(body)} - set(PLACEHOLDERS))
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        raise SnippetError(422, f"Unbekannter Platzhalter {{{unknown[0]}}}. Möglich sind: {allowed}.")
    return title, body


def office_for(*, session: Session, counsellor: Counsellor, office_id: str | None) -> Office:
    """The office whose snippets are meant: the own one; an admin may name any."""
    wanted = (office_id or counsellor.office_id).strip()[:40]
    office = session.get(Office, wanted)
    if office is None:
        raise SnippetError(404, "Dieses Bildungsbüro gibt es nicht.")
    if office.id != counsellor.office_id and not counsellor.is_admin:
        raise SnippetError(403, "Die Textbausteine gehören zu einem anderen Bildungsbüro.")
    return office


def list_for(*, session: Session, office: Office) -> list[Snippet]:
    return list(session.scalars(select(Snippet).where(Snippet.office_id == office.id).order_by(Snippet.title, Snippet.id)))


def get_or_raise(*, session: Session, counsellor: Counsellor, snippet_id: int) -> Snippet:
    snippet = session.get(Snippet, snippet_id)
    if snippet is None:
        raise SnippetError(404, "Diesen Textbaustein gibt es nicht.")
    if snippet.office_id != counsellor.office_id and not counsellor.is_admin:
        raise SnippetError(403, "Dieser Textbaustein gehört zu einem anderen Bildungsbüro.")
    return snippet


def create(*, session: Session, counsellor: Counsellor, office: Office, title: str, body: str) -> Snippet:
    title, body = _check(title, body)
    count = session.scalar(select(func.count()).select_from(Snippet).where(Snippet.office_id == office.id)) or 0
    if count >= MAX_PER_OFFICE:
        raise SnippetError(409, f"Ein Büro kann höchstens {MAX_PER_OFFICE} Textbausteine haben.")
    snippet = Snippet(office_id=office.id, title=title, body=body, updated_by=counsellor.username)
    session.add(snippet)
    session.flush()
    return snippet


def update(*, session: Session, counsellor: Counsellor, snippet: Snippet, title: str, body: str) -> Snippet:
    snippet.title, snippet.body = _check(title, body)
    snippet.updated_by, snippet.updated_at = counsellor.username, utcnow()
    session.flush()
    return snippet


def remove(*, session: Session, snippet: Snippet) -> None:
    session.delete(snippet)
    session.flush()


def load_samples(*, session: Session, path: Path = SAMPLES) -> int:
    """The sample snippets (YAML) for every office that has none yet. Returns how many were added."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    samples = [(str(s["title"]), str(s["body"])) for s in data.get("snippets", [])]
    for title, body in samples:
        _check(title, body)  # a broken sample file fails loudly, before anything is written
    added = 0
    for office in session.scalars(select(Office).order_by(Office.id)):
        if session.scalar(select(func.count()).select_from(Snippet).where(Snippet.office_id == office.id)):
            continue
        for title, body in samples:
            session.add(Snippet(office_id=office.id, title=title, body=body))
            added += 1
    session.flush()
    return added
