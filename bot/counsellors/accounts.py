"""Accounts administered by the county: list, disable, enable. A disabled account can neither log in nor use a
token it still has; its active tickets go back to its office's queue, so that no citizen waits for someone who
left."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.counsellors.models import Counsellor
from bot.counsellors.views import CounsellorDep
from bot.deps import SessionDep, WriteDep
from bot.errors import errors
from bot.relay import office_key
from bot.tickets import service as tickets
from bot.tickets.models import Ticket
from core.db import utcnow

router = APIRouter(prefix="/counsellors", tags=["Beratung"])
CounsellorId = Path(ge=1, le=2**31 - 1, description="Id of the account")
ADMINS_ONLY = "Konten verwaltet nur die Kreisverwaltung."


class AccountError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class AccountOut(BaseModel):
    id: int
    username: str
    office_id: str
    languages: list[str]
    gender: str | None
    is_admin: bool
    disabled: bool
    disabled_at: str | None = Field(description="ISO-8601, when it was disabled")
    disabled_by: str | None


def _out(account: Counsellor) -> AccountOut:
    return AccountOut(
        id=account.id,
        username=account.username,
        office_id=account.office_id,
        languages=account.languages or [],
        gender=account.gender,
        is_admin=account.is_admin,
        disabled=account.disabled_at is not None,
        disabled_at=account.disabled_at.isoformat() if account.disabled_at else None,
        disabled_by=account.disabled_by,
    )


def disable(*, session: Session, admin: Counsellor | None, account: Counsellor, by: str | None = None) -> list[Ticket]:
    """Disable the account; its active tickets wait in their office's queue again (history: released). Returns them.
    ``admin`` None: from the command line, recorded as ``by`` (the history shows no counsellor then)."""
    if admin is not None and account.id == admin.id:
        raise AccountError(422, "Ihr eigenes Konto können Sie nicht sperren.")
    if account.disabled_at is not None:
        raise AccountError(409, f"Das Konto {account.username} ist schon gesperrt.")
    account.disabled_at, account.disabled_by = utcnow(), admin.username if admin is not None else (by or "Kommandozeile")
    account.token_version = (account.token_version or 0) + 1  # belt and braces: every token it had is stale too
    released = list(session.scalars(select(Ticket).where(Ticket.claimed_by == account.id, Ticket.status == "active")))
    for ticket in released:
        ticket.status, ticket.claimed_by, ticket.claimed_at, ticket.queued_at = "waiting", None, None, utcnow()
        tickets.record(session=session, ticket=ticket, kind="released", actor=admin, assignee=account.username,
                       detail="Konto gesperrt")  # fmt: skip
    return released


def enable(*, account: Counsellor) -> None:
    if account.disabled_at is None:
        raise AccountError(409, f"Das Konto {account.username} ist nicht gesperrt.")
    account.disabled_at = account.disabled_by = None


def _admin(counsellor: Counsellor) -> None:
    if not counsellor.is_admin:
        raise HTTPException(403, ADMINS_ONLY)


def _account(session: Session, counsellor_id: int) -> Counsellor:
    account = session.get(Counsellor, counsellor_id)
    if account is None:
        raise HTTPException(404, "Dieses Benutzerkonto gibt es nicht.")
    return account


@router.get("", response_model=list[AccountOut], responses=errors(403))
def list_accounts(session: SessionDep, counsellor: CounsellorDep) -> list[AccountOut]:
    """Every account (county admins only)."""
    _admin(counsellor)
    return [_out(a) for a in session.scalars(select(Counsellor).order_by(Counsellor.office_id, Counsellor.username))]


@router.post("/{counsellor_id}/disable", response_model=AccountOut, responses=errors(403, 409))
def disable_account(
    request: Request, write: WriteDep, counsellor: CounsellorDep, counsellor_id: int = CounsellorId
) -> AccountOut:
    """Disable an account (county admins only): its tokens are refused at once, a login is refused with a German
    message, its active tickets wait in the office's queue again. Its inbox streams end and reconnect without it."""
    _admin(counsellor)
    with write() as session:
        account = _account(session, counsellor_id)
        try:
            released = disable(session=session, admin=counsellor, account=account)
        except AccountError as exc:
            raise HTTPException(exc.status, str(exc)) from None
        out, office_id = _out(account), account.office_id
        released_ids = [t.id for t in released]
    broker = request.app.state.broker
    for ticket_id in released_ids:
        broker.publish(office_key(office_id), {"ticket_id": ticket_id})
    broker.publish(office_key(office_id), {"closing": True})  # open streams end; the inbox reconnects, with a valid token only
    return out


@router.post("/{counsellor_id}/enable", response_model=AccountOut, responses=errors(403, 409))
def enable_account(write: WriteDep, counsellor: CounsellorDep, counsellor_id: int = CounsellorId) -> AccountOut:
    """Enable a disabled account again (county admins only); it logs in anew."""
    _admin(counsellor)
    with write() as session:
        account = _account(session, counsellor_id)
        try:
            enable(account=account)
        except AccountError as exc:
            raise HTTPException(exc.status, str(exc)) from None
        return _out(account)
