"""Authorisation matrix: every route that needs a counsellor's login × every kind of caller, with the status each
must get. The routes come from the app itself, so a new one is in the matrix at once, and fails it until its
expected statuses are written down in ``EXPECTED`` (a stale entry fails too).

Callers: a counsellor of the ticket's own office, a counsellor of another office, a county admin (whose own
office is that other office), and five that must all get 401: no token, a forged signature, an expired token,
a validly signed token whose subject is not a number (letters; digits that are not ASCII), and ``alg: none``.

Requests go to a real server (``live_server``), so the event stream answers with its status like any route."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from bot.counsellors.service import create, get_by_username, issue_token
from bot.counsellors.views import current_counsellor
from bot.main import create_app
from core.config import Settings
from core.db import read_scope, session_scope
from tests.bot.conftest import FakeEngine, RecordingNotifier
from tests.bot.live_server import live_server

SECRET = "a" * 32
PASSWORDS = ("ein-langes-passwort-1", "ein-langes-passwort-2")
OWN_OFFICE, OTHER_OFFICE = "bohmte", "melle"  # a handover from Bohmte goes to the office of Bohmte
ACCOUNTS = {"own": "authz-own", "colleague": "authz-colleague", "other": "authz-other", "admin": "authz-admin"}
SIGNED_IN = ("own", "other", "admin")
REFUSED = ("no token", "forged signature", "expired", "subject not a number", "subject not ASCII digits", "alg none")

# The citizen's routes and the public catalogue: no login, not in the matrix (but nothing else may go without one).
PUBLIC = {
    ("POST", "/api/v1/conversations"),
    ("POST", "/api/v1/conversations/{conversation_id}/messages"),
    ("GET", "/api/v1/conversations/{conversation_id}/messages"),
    ("GET", "/api/v1/conversations/{conversation_id}/stream"),
    ("DELETE", "/api/v1/conversations/{conversation_id}"),
    ("PATCH", "/api/v1/conversations/{conversation_id}"),
    ("POST", "/api/v1/conversations/{conversation_id}/feedback"),
    ("GET", "/api/v1/offers"),
    ("GET", "/api/v1/offers/{offer_id}"),
    ("GET", "/api/v1/offices"),
    ("GET", "/api/v1/offices/nearest"),
    ("GET", "/api/v1/labels"),
    ("POST", "/api/v1/auth/token"),
}


@dataclass
class World:
    base: str
    database_url: str
    jwt_key: str
    passwords: dict[str, str] = field(default_factory=lambda: {role: PASSWORDS[0] for role in SIGNED_IN})

    def ticket(self) -> str:
        """A new waiting ticket of the own office."""
        with httpx.Client(base_url=self.base, timeout=20) as http:
            cid = http.post("/api/v1/conversations").json()["conversation_id"]
            request = {"municipality": "Bohmte", "consent": True, "topic": "Deutschkurs", "callback": True}
            payload = "/handover" + json.dumps(request)
            r = http.post(f"/api/v1/conversations/{cid}/messages", json={"payload": payload})
            assert r.status_code == 200, r.text
            ticket_id: str = r.json()["messages"][-1]["handover"]["ticket_id"]
            return ticket_id

    def snippet(self) -> str:
        """A new Textbaustein of the own office."""
        from bot.tickets.models import Snippet

        with session_scope(self.database_url) as session:
            snippet = Snippet(office_id=OWN_OFFICE, title=f"Gruß {uuid.uuid4().hex[:8]}", body="Viele Grüße, {office_name}")
            session.add(snippet)
            session.flush()
            return str(snippet.id)

    def account(self, *, disabled: bool = False) -> str:
        """A new counsellor account of the own office (disabled, for the route that enables one)."""
        from core.db import utcnow

        with session_scope(self.database_url) as session:
            account = create(session=session, office_id=OWN_OFFICE, username=f"authz-{uuid.uuid4().hex[:10]}",
                             password=PASSWORDS[0])  # fmt: skip
            if disabled:
                account.disabled_at, account.disabled_by = utcnow(), ACCOUNTS["admin"]
            session.flush()
            return str(account.id)


def _office_as_it_is(world: World, caller: str) -> dict[str, Any]:
    """The own office's data unchanged (a PUT that changes nothing, so the matrix leaves the office as it was)."""
    from bot.offices.service import as_dict
    from catalogue.models import Office

    with read_scope(world.database_url) as session:
        data = as_dict(session.get_one(Office, OWN_OFFICE))
    return json.loads(json.dumps(data, default=str))


def _new_snippet(world: World, caller: str) -> dict[str, Any]:
    return {"title": f"Baustein {uuid.uuid4().hex[:8]}", "body": "Wir sind erreichbar: {opening_hours}"}


@dataclass(frozen=True)
class Expect:
    """Status for (own office, other office, admin); the body of the request, if the route takes one."""

    own: int
    other: int
    admin: int
    body: Callable[[World, str], dict[str, Any]] | None = None


def _password_change(world: World, caller: str) -> dict[str, Any]:
    current = world.passwords.get(caller, PASSWORDS[0])
    new = PASSWORDS[1] if current == PASSWORDS[0] else PASSWORDS[0]
    if caller in world.passwords:
        world.passwords[caller] = new  # a signed-in caller's request is expected to succeed
    return {"current_password": current, "new_password": new}


EXPECTED: dict[tuple[str, str], Expect] = {
    ("GET", "/api/v1/auth/me"): Expect(200, 200, 200),
    ("POST", "/api/v1/auth/logout"): Expect(204, 204, 204),
    ("POST", "/api/v1/auth/password"): Expect(200, 200, 200, _password_change),
    ("GET", "/api/v1/tickets/stream"): Expect(200, 200, 200),
    ("GET", "/api/v1/tickets"): Expect(200, 200, 200),
    ("GET", "/api/v1/tickets/{ticket_id}"): Expect(200, 403, 200),
    ("POST", "/api/v1/tickets/{ticket_id}/claim"): Expect(200, 403, 200),
    ("POST", "/api/v1/tickets/{ticket_id}/messages"): Expect(200, 403, 200, lambda w, c: {"text": "Guten Tag!"}),
    ("POST", "/api/v1/tickets/{ticket_id}/close"): Expect(200, 403, 200, lambda w, c: {"note": "erledigt"}),
    ("POST", "/api/v1/tickets/{ticket_id}/transfer"): Expect(
        200, 403, 200, lambda w, c: {"office_id": OTHER_OFFICE, "reason": "Spricht Russisch"}
    ),
    ("POST", "/api/v1/tickets/{ticket_id}/assign"): Expect(200, 403, 200, lambda w, c: {"username": ACCOUNTS["colleague"]}),
    ("GET", "/api/v1/tickets/{ticket_id}/assignees"): Expect(200, 403, 200),
    ("POST", "/api/v1/tickets/{ticket_id}/read"): Expect(200, 403, 200, lambda w, c: {"seq": 1}),
    # Figures: everyone sees the own office's (the admin all); feedback comments only of the own office.
    ("GET", "/api/v1/figures"): Expect(200, 200, 200),
    ("GET", "/api/v1/figures.csv"): Expect(200, 200, 200),
    ("GET", "/api/v1/feedback/comments"): Expect(200, 200, 200),
    # Textbausteine: everyone lists and writes their own office's; a snippet of the own office is refused to the other.
    ("GET", "/api/v1/snippets"): Expect(200, 200, 200),
    ("POST", "/api/v1/snippets"): Expect(201, 201, 201, _new_snippet),
    ("PUT", "/api/v1/snippets/{snippet_id}"): Expect(200, 403, 200, _new_snippet),
    ("DELETE", "/api/v1/snippets/{snippet_id}"): Expect(204, 403, 204),
    # Call backs: the ticket's office and admins (the matrix's tickets have a call back wished).
    ("POST", "/api/v1/tickets/{ticket_id}/callback"): Expect(200, 403, 200, lambda w, c: {"done": True, "note": "erreicht"}),
    # An office's own data: its counsellors and admins.
    ("GET", "/api/v1/offices/{office_id}"): Expect(200, 403, 200),
    ("PUT", "/api/v1/offices/{office_id}"): Expect(200, 403, 200, _office_as_it_is),
    # Accounts: county admins only.
    ("GET", "/api/v1/counsellors"): Expect(403, 403, 200),
    ("POST", "/api/v1/counsellors/{counsellor_id}/disable"): Expect(403, 403, 200),
    ("POST", "/api/v1/counsellors/{counsellor_id}/enable"): Expect(403, 403, 200),
}


def _needs_login(dependant: Dependant) -> bool:
    return dependant.call is current_counsellor or any(_needs_login(d) for d in dependant.dependencies)


def api_routes(app: FastAPI) -> dict[tuple[str, str], bool]:
    """(method, path) of every API route -> whether it needs a counsellor's login."""
    found = {}
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and str(context.path_format).startswith("/api/"):
            for method in sorted(context.methods or ()):
                found[(method, str(context.path_format))] = _needs_login(context.dependant)
    return found


def _routes() -> dict[tuple[str, str], bool]:
    never_opened = f"sqlite:///{Path(tempfile.gettempdir()) / 'bildungslotse-routes-only.db'}"
    return api_routes(create_app(Settings(database_url=never_opened, secret_key=SECRET), engine=FakeEngine()))


ROUTES = _routes()
PROTECTED = sorted(route for route, needs_login in ROUTES.items() if needs_login)


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from sqlalchemy import create_engine, text

    tracker_url = f"sqlite:///{tmp_path_factory.mktemp('authz') / 'tracker.db'}"
    with create_engine(tracker_url).begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
    settings = Settings(
        database_url=database_url,
        tracker_store_url=tracker_url,
        secret_key=SECRET,
        rate_limit_per_minute=10_000,
        client_rate_limit_per_minute=10_000,
        new_conversations_per_minute=10_000,
    )
    with session_scope(database_url) as session:
        for role, username in ACCOUNTS.items():
            if get_by_username(session=session, username=username) is None:
                office = OTHER_OFFICE if role in ("other", "admin") else OWN_OFFICE
                create(session=session, office_id=office, username=username, password=PASSWORDS[0], is_admin=role == "admin")
    app = create_app(settings, engine=FakeEngine(), notifier=RecordingNotifier())
    with live_server(app) as base:
        yield World(base=base, database_url=database_url, jwt_key=settings.jwt_key)


def _valid_token(world: World, caller: str) -> str:
    """Issued now, from the account as it is now (a password change in an earlier case revoked older tokens)."""
    with read_scope(world.database_url) as session:
        account = get_by_username(session=session, username=ACCOUNTS[caller])
        assert account is not None
        return issue_token(account, secret=world.jwt_key)


def _authorization(world: World, caller: str) -> dict[str, str]:
    if caller == "no token":
        return {}
    if caller in SIGNED_IN:
        return {"Authorization": f"Bearer {_valid_token(world, caller)}"}
    # A real token of the own office's counsellor, read and changed in one way each.
    claims = jwt.decode(_valid_token(world, "own"), options={"verify_signature": False})
    key, algorithm = world.jwt_key, "HS256"
    if caller == "forged signature":
        key = "b" * 32
    elif caller == "expired":
        claims["iat"] = int((dt.datetime.now(dt.UTC) - dt.timedelta(hours=10)).timestamp())
        claims["exp"] = int((dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).timestamp())
    elif caller == "subject not a number":
        claims["sub"] = "admin"
    elif caller == "subject not ASCII digits":
        claims["sub"] = "¹"  # str.isdigit() says yes, int() says no
    elif caller == "alg none":
        return {"Authorization": f"Bearer {jwt.encode(claims, None, algorithm='none')}"}
    return {"Authorization": f"Bearer {jwt.encode(claims, key, algorithm=algorithm)}"}


def test_every_api_route_is_public_or_in_the_matrix() -> None:
    """A route that needs no login must be one of the known public ones; every expectation names a real route."""
    assert {route for route, needs_login in ROUTES.items() if not needs_login} == PUBLIC
    assert not set(EXPECTED) - set(PROTECTED), "expectations for routes that no longer exist"


@pytest.mark.parametrize("caller", SIGNED_IN + REFUSED)
@pytest.mark.parametrize(("method", "path"), PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_authorisation(world: World, method: str, path: str, caller: str) -> None:
    assert (method, path) in EXPECTED, f"{method} {path} needs a login but has no line in EXPECTED: add one"
    expect = EXPECTED[(method, path)]
    parameters = {name: None for name in _path_parameters(path)}
    makers = {
        "ticket_id": world.ticket,
        "snippet_id": world.snippet,
        "office_id": lambda: OWN_OFFICE,
        "counsellor_id": lambda: world.account(disabled=path.endswith("/enable")),
    }
    unknown = set(parameters) - set(makers)
    assert not unknown, f"{method} {path}: teach this test how to make a {unknown}"
    url = path
    for name in parameters:
        url = url.replace("{" + name + "}", makers[name]())
    wanted = getattr(expect, caller) if caller in SIGNED_IN else 401
    body = expect.body(world, caller) if expect.body else None  # well-formed for the refused callers too
    headers = _authorization(world, caller)
    with httpx.Client(base_url=world.base, timeout=20) as http, http.stream(method, url, json=body, headers=headers) as r:
        status = r.status_code
        answer = r.read().decode() if "text/event-stream" not in r.headers.get("content-type", "") else ""
    assert status == wanted, f"{caller}: {method} {url} -> {status} {answer[:200]}"
    if status >= 400:
        assert isinstance(json.loads(answer)["detail"], str)


def _path_parameters(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
