"""Accounts and authentication. Passwords are hashed with Argon2id; tokens are short-lived JWTs."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.counsellors.models import Counsellor, RevokedToken
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
    _check_password(password)
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


def _check_password(password: str) -> None:
    if len(password) < 12:
        raise AccountError("Das Passwort muss mindestens 12 Zeichen lang sein.")
    if len(password) > 200:
        raise AccountError("Das Passwort darf höchstens 200 Zeichen lang sein.")


def set_password(*, session: Session, counsellor: Counsellor, password: str) -> None:
    """A new password; every token issued before (on any device, through any gateway) stops working."""
    _check_password(password)
    counsellor.password_hash = _hasher.hash(password)
    counsellor.token_version = (counsellor.token_version or 0) + 1
    session.flush()


class AccountDisabledError(Exception):
    """The account is disabled: no login, no token. The message is German."""


DISABLED = "Dieses Konto ist gesperrt. Bitte wenden Sie sich an die Kreisverwaltung."


def authenticate(*, session: Session, username: str, password: str) -> Counsellor | None:
    """The account for a right password, else None; a disabled account raises :class:`AccountDisabledError` (only
    after the right password, so that the message says nothing about accounts to someone guessing)."""
    counsellor = get_by_username(session=session, username=username[:80])
    if counsellor is None:
        _hasher.hash(password[:200])  # same cost as a real check: no user enumeration by timing
        return None
    try:
        _hasher.verify(counsellor.password_hash, password[:200])
    except (VerifyMismatchError, InvalidHashError):
        return None
    if counsellor.disabled_at is not None:
        raise AccountDisabledError(DISABLED)
    return counsellor


def issue_token(counsellor: Counsellor, *, secret: str, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    claims = {
        "sub": str(counsellor.id),
        "office": counsellor.office_id,
        "ver": counsellor.token_version or 0,
        "jti": secrets.token_hex(16),
        "iat": now,
        "exp": now + dt.timedelta(hours=TOKEN_HOURS),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def _claims(token: str, secret: str) -> dict[str, object] | None:
    try:
        claims: dict[str, object] = jwt.decode(
            token, secret, algorithms=["HS256"], options={"require": ["exp", "sub", "jti", "ver"]}
        )
    except jwt.PyJWTError:
        return None
    subject, jti = str(claims.get("sub")), claims.get("jti")
    # Validly signed but not one of ours: no crash, no access. ASCII digits only: "¹" passes str.isdigit(), not int().
    if not re.fullmatch(r"[0-9]{1,12}", subject) or not isinstance(jti, str) or len(jti) > 64:
        return None
    if not isinstance(claims.get("exp"), int):  # revoke_token keeps it as a timestamp
        return None
    return claims


def counsellor_from_token(*, session: Session, token: str, secret: str) -> Counsellor | None:
    """The token's counsellor, unless the token is expired, logged out or older than the last password change;
    :class:`AccountDisabledError` for a disabled account's token, whenever it was issued."""
    claims = _claims(token, secret)
    if claims is None:
        return None
    counsellor = session.get(Counsellor, int(str(claims["sub"])))
    if counsellor is None:
        return None
    if counsellor.disabled_at is not None:
        raise AccountDisabledError(DISABLED)
    if claims.get("ver") != (counsellor.token_version or 0):
        return None
    if session.get(RevokedToken, str(claims["jti"])) is not None:
        return None
    return counsellor


def revoke_token(*, session: Session, token: str, secret: str, now: dt.datetime | None = None) -> bool:
    """Log out: the token is refused from now on by every gateway. False if it was not a valid token of ours."""
    claims = _claims(token, secret)
    if claims is None:
        return False
    now = now or dt.datetime.now(dt.UTC)
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))  # expired anyway: no need to keep
    jti = str(claims["jti"])
    if session.get(RevokedToken, jti) is None:
        expires = dt.datetime.fromtimestamp(int(str(claims["exp"])), dt.UTC)
        session.add(RevokedToken(jti=jti, expires_at=expires))
    session.flush()
    return True
