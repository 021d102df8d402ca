"""Accounts and authentication. Passwords are hashed with Argon2id; tokens are short-lived JWTs."""

from __future__ import annotations

import datetime as dt
import re

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.counsellors.models import Counsellor
from catalogue.models import Office

_hasher = PasswordHasher()
TOKEN_HOURS = 8
GENDERS = ("w", "m", "d")
LANGUAGE_NAMES = {
    "de": "Deutsch", "en": "Englisch", "tr": "Türkisch", "ar": "Arabisch", "ru": "Russisch", "uk": "Ukrainisch",
    "pl": "Polnisch", "fa": "Farsi", "ku": "Kurdisch", "ti": "Tigrinya", "fr": "Französisch", "es": "Spanisch",
}  # fmt: skip


class AccountError(ValueError):
    """Bad account data; the message is German."""


def get_by_username(*, session: Session, username: str) -> Counsellor | None:
    return session.scalar(select(Counsellor).where(Counsellor.username == username))


def create(
    *,
    session: Session,
    office_id: str,
    username: str,
    password: str,
    languages: list[str] | None = None,
    gender: str | None = None,
    is_admin: bool = False,
) -> Counsellor:
    if session.get(Office, office_id) is None:
        raise AccountError(f"Unbekanntes Bildungsbüro: {office_id}")
    if not re.fullmatch(r"[A-Za-z0-9._-]{3,80}", username):
        raise AccountError("Benutzername: 3–80 Zeichen, nur Buchstaben, Ziffern, Punkt, Minus, Unterstrich.")
    if get_by_username(session=session, username=username):
        raise AccountError(f"Benutzername {username} ist schon vergeben.")
    if len(password) < 12:
        raise AccountError("Das Passwort muss mindestens 12 Zeichen lang sein.")
    langs = [code.strip().lower() for code in (languages or ["de"]) if code.strip()]
    unknown = [code for code in langs if code not in LANGUAGE_NAMES]
    if unknown:
        raise AccountError(f"Unbekannte Sprachcodes: {', '.join(unknown)}")
    if gender is not None and gender not in GENDERS:
        raise AccountError("Geschlecht: w, m oder d.")
    counsellor = Counsellor(
        office_id=office_id,
        username=username,
        password_hash=_hasher.hash(password),
        languages=langs,
        gender=gender,
        is_admin=is_admin,
    )
    session.add(counsellor)
    session.flush()
    return counsellor


def authenticate(*, session: Session, username: str, password: str) -> Counsellor | None:
    counsellor = get_by_username(session=session, username=username[:80])
    if counsellor is None:
        _hasher.hash(password[:200])  # same cost as a real check: no user enumeration by timing
        return None
    try:
        _hasher.verify(counsellor.password_hash, password[:200])
    except (VerifyMismatchError, InvalidHashError):
        return None
    return counsellor


def issue_token(counsellor: Counsellor, *, secret: str, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    claims = {
        "sub": str(counsellor.id),
        "office": counsellor.office_id,
        "iat": now,
        "exp": now + dt.timedelta(hours=TOKEN_HOURS),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def counsellor_from_token(*, session: Session, token: str, secret: str) -> Counsellor | None:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.PyJWTError:
        return None
    subject = str(claims.get("sub"))
    if not subject.isdigit() or len(subject) > 12:  # validly signed but not one of ours: no crash, no access
        return None
    return session.get(Counsellor, int(subject))
