"""Login for counsellors (OAuth2 password flow) and the bearer-token dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from bot.counsellors import service
from bot.counsellors.models import Counsellor
from bot.deps import LimiterDep, SessionDep, WriteDep
from bot.errors import errors

router = APIRouter(prefix="/api/v1/auth", tags=["Beratung"])
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/token", response_model=Token, responses=errors(401, 403, 429))
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, limiter: LimiterDep, request: Request
) -> Token:
    client = request.client.host if request.client else "unknown"
    settings = request.app.state.settings
    account = form.username.strip().lower()[:80]
    # Per account and address first (an attacker's address does not lock the real user out), then per account
    # across addresses (rotating addresses meet a limit) and per address across accounts.
    budgets = (
        (f"login:{account}@{client}", 10),
        (f"login-account:{account}", 50),
        (f"login:{client}", settings.login_attempts_per_minute),
    )
    if not all(limiter.allow(key, limit) for key, limit in budgets):
        raise HTTPException(429, "Zu viele Anmeldeversuche. Bitte warten Sie eine Minute.", headers={"Retry-After": "60"})
    try:
        counsellor = service.authenticate(session=session, username=form.username, password=form.password)
    except service.AccountDisabledError as exc:
        raise HTTPException(403, str(exc)) from None
    if counsellor is None:
        raise HTTPException(401, "Benutzername oder Passwort ist falsch.", headers={"WWW-Authenticate": "Bearer"})
    return Token(access_token=service.issue_token(counsellor, secret=request.app.state.settings.jwt_key))


def current_counsellor(request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2)]) -> Counsellor:
    if not token:
        raise HTTPException(401, "Bitte melden Sie sich an.", headers={"WWW-Authenticate": "Bearer"})
    try:
        counsellor = service.counsellor_from_token(session=session, token=token, secret=request.app.state.settings.jwt_key)
    except service.AccountDisabledError as exc:
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    if counsellor is None:
        raise HTTPException(
            401, "Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich neu an.", headers={"WWW-Authenticate": "Bearer"}
        )
    return counsellor


CounsellorDep = Annotated[Counsellor, Depends(current_counsellor)]


class Me(BaseModel):
    username: str
    office_id: str
    languages: list[str]
    gender: str | None
    is_admin: bool


@router.get("/me", response_model=Me)
def me(counsellor: CounsellorDep) -> Me:
    """Who is logged in, so the inbox knows whether to show the county's figures."""
    return Me(
        username=counsellor.username,
        office_id=counsellor.office_id,
        languages=counsellor.languages,
        gender=counsellor.gender,
        is_admin=counsellor.is_admin,
    )


@router.post("/logout", status_code=204)
def logout(
    request: Request, counsellor: CounsellorDep, write: WriteDep, token: Annotated[str | None, Depends(oauth2)]
) -> Response:
    """Revokes this token on the server (every gateway refuses it from now on); other devices stay logged in."""
    with write() as session:
        service.revoke_token(session=session, token=str(token), secret=request.app.state.settings.jwt_key)
    return Response(status_code=204)


class PasswordIn(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


@router.post("/password", response_model=Token, responses=errors(403, 429))
def change_password(body: PasswordIn, request: Request, counsellor: CounsellorDep, write: WriteDep, limiter: LimiterDep) -> Token:
    """A new password. Every token issued before stops working (other devices log in again); the answer is a
    fresh token for this device."""
    if not limiter.allow(f"password:{counsellor.id}", 10):
        raise HTTPException(429, "Zu viele Versuche. Bitte warten Sie eine Minute.", headers={"Retry-After": "60"})
    with write() as session:
        account = service.authenticate(session=session, username=counsellor.username, password=body.current_password)
        if account is None:
            raise HTTPException(403, "Das bisherige Passwort ist falsch.")
        if body.new_password == body.current_password:
            raise HTTPException(422, "Das neue Passwort muss sich vom bisherigen unterscheiden.")
        try:
            service.set_password(session=session, counsellor=account, password=body.new_password)
        except service.AccountError as exc:
            raise HTTPException(422, str(exc)) from None
        token = service.issue_token(account, secret=request.app.state.settings.jwt_key)
    return Token(access_token=token)
