"""The API is true to its OpenAPI document: schemathesis sends generated requests (valid and invalid) to every
operation of the app in-process (ASGI), on the real SQLite database of the fixtures, with a county admin's token
for the counsellor routes. Every answer must be no 5xx, have a documented status, and match its declared schema,
content type and headers.

The two event streams are left out: they never end (keep-alive every 15 s), so one request would wait for its
timeout; their parameters and errors are tested in test_conversations_api.py and test_handover.py.

Run alone: ``.venv/bin/pytest -q tests/bot/test_api_schema.py`` (about 20 examples per operation)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from bot.counsellors.service import create, get_by_username, issue_token
from bot.main import create_app
from catalogue.models import Offer
from core.config import Settings
from core.db import read_scope, session_scope
from tests.bot.conftest import FakeEngine, RecordingNotifier

# per operation and mode; BILDUNGSLOTSE_SCHEMA_EXAMPLES=500 for a deeper run by hand
EXAMPLES_PER_OPERATION = int(os.environ.get("BILDUNGSLOTSE_SCHEMA_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]
ADMIN = "schema-admin"
SECRET = "s" * 32


class World:
    """The app under test and real things in its database for generated requests to hit (besides random ids)."""

    def __init__(self, database_url: str, tracker_url: str) -> None:
        settings_ = Settings(
            database_url=database_url,
            tracker_store_url=tracker_url,
            secret_key=SECRET,
            # generous: the test is about shapes, not floods (429 is documented and tested elsewhere)
            rate_limit_per_minute=100_000,
            client_rate_limit_per_minute=100_000,
            new_conversations_per_minute=100_000,
        )
        self.settings = settings_
        self.app = create_app(settings_, engine=FakeEngine(), notifier=RecordingNotifier())
        with session_scope(database_url) as session:
            if get_by_username(session=session, username=ADMIN) is None:
                create(session=session, office_id="melle", username=ADMIN, password="ein-langes-passwort", is_admin=True)
        self.conversations: list[str] = []
        self.tickets: list[str] = []
        with read_scope(database_url) as session:
            self.offers = list(session.scalars(select(Offer.id).limit(3)))
        # Accounts that generated requests may disable (a random id could hit another test module's account).
        with session_scope(database_url) as session:
            names = [f"schema-{uuid.uuid4().hex[:12]}" for _ in range(2)]
            self.accounts = [
                create(session=session, office_id="melle", username=name, password="ein-langes-passwort").id for name in names
            ]

    def seed(self) -> None:
        from fastapi.testclient import TestClient

        with TestClient(self.app) as client:
            for _ in range(3):
                cid = client.post("/api/v1/conversations").json()["conversation_id"]
                handover = '/handover{"municipality": "Melle", "consent": true, "topic": "Deutschkurs"}'
                notice = client.post(f"/api/v1/conversations/{cid}/messages", json={"payload": handover}).json()
                self.tickets.append(notice["messages"][-1]["handover"]["ticket_id"])
                self.conversations.append(cid)
            self.conversations.append(client.post("/api/v1/conversations").json()["conversation_id"])

    def token(self) -> str:
        """A fresh token for each request: generated cases may log out or change the password."""
        with read_scope(self.settings.database_url) as session:
            admin = get_by_username(session=session, username=ADMIN)
            assert admin is not None
            return issue_token(admin, secret=self.settings.jwt_key)


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from sqlalchemy import create_engine, text

    tracker_url = f"sqlite:///{tmp_path_factory.mktemp('schema') / 'tracker.db'}"
    with create_engine(tracker_url).begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
    world = World(database_url, tracker_url)
    world.seed()
    yield world
    shutdown_lifespans()


@pytest.fixture(scope="module")
def api_schema(world: World) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", world.app)


def _operations() -> list[Any]:
    """Every documented operation but the streams, positive and negative (invalid) requests; negative only where
    a request can be invalid: a string in the path is always a valid string. The document needs no database."""
    never_opened = f"sqlite:///{Path(tempfile.gettempdir()) / 'bildungslotse-openapi-only.db'}"
    app = create_app(Settings(database_url=never_opened, secret_key=SECRET), engine=FakeEngine())
    found = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            if path.endswith("/stream"):
                continue
            can_be_invalid = "requestBody" in operation or any(p["in"] != "path" for p in operation.get("parameters", []))
            modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if can_be_invalid else [])
            found += [pytest.param(method.upper(), path, mode, id=f"{mode}-{method.upper()}-{path}") for mode in modes]
    return found


@pytest.mark.parametrize(("method", "path", "mode"), _operations())
def test_api_conforms_to_its_document(api_schema: Any, world: World, method: str, path: str, mode: GenerationMode) -> None:
    operation = api_schema[path][method]
    existing = {"conversation_id": world.conversations, "ticket_id": world.tickets, "offer_id": world.offers}

    @given(case=operation.as_strategy(mode), data=st.data())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def conforms(case: Any, data: st.DataObject) -> None:
        # Valid requests address a thing that exists half of the time, so that the route gets past its 404.
        for name in case.path_parameters or {}:
            if name == "counsellor_id" and mode is GenerationMode.POSITIVE:  # never a real colleague's account
                case.path_parameters[name] = data.draw(st.sampled_from(world.accounts))
            elif mode is GenerationMode.POSITIVE and name in existing and data.draw(st.booleans()):
                case.path_parameters[name] = data.draw(st.sampled_from(existing[name]))
        case.call_and_validate(headers={"Authorization": f"Bearer {world.token()}"}, checks=CHECKS)

    conforms()


def test_document_declares_one_error_shape(world: World) -> None:
    """Every error status of every operation points at ErrorResponse; FastAPI's HTTPValidationError is gone."""
    document = world.app.openapi()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            errors = {code: r for code, r in operation["responses"].items() if code.startswith(("4", "5"))}
            assert "503" in errors, (method, path)
            for code, response in errors.items():
                schema_ = response["content"]["application/json"]["schema"]
                assert schema_ == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path, code)
            if operation.get("security"):
                assert "401" in errors, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= errors.keys(), (method, path)


def _integers(schema: dict[str, Any], components: dict[str, Any], where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every integer in a request schema, with where it is; references and unions followed."""
    if "$ref" in schema:
        yield from _integers(components[schema["$ref"].rsplit("/", 1)[1]], components, where)
        return
    if schema.get("type") == "integer":
        yield where, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _integers(option, components, where)
    for name, prop in schema.get("properties", {}).items():
        yield from _integers(prop, components, f"{where}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from _integers(schema["items"], components, f"{where}[]")


def test_every_integer_a_client_sends_is_bounded(world: World) -> None:
    """No integer parameter or body field without both bounds: a huge number is refused with 422 before any
    code sees it (a sequence number beyond 2**31-1, a page size of a million)."""
    document = world.app.openapi()
    components = document["components"]["schemas"]
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            sources = [(p["schema"], f"{method.upper()} {path} {p['name']}") for p in operation.get("parameters", [])]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                sources.append((media["schema"], f"{method.upper()} {path} body"))
            for schema_, where in sources:
                for at, integer in _integers(schema_, components, where):
                    found.append(at)
                    assert "minimum" in integer or "exclusiveMinimum" in integer, at
                    assert "maximum" in integer or "exclusiveMaximum" in integer, at
    assert any("after" in at for at in found) and any("Last-Event-ID" in at for at in found)


@pytest.mark.parametrize("value", ["9" * 5000, "2147483648", "-1", "sieben"])
def test_bad_last_event_id_is_refused_before_the_stream(world: World, value: str) -> None:
    """A huge or odd Last-Event-ID gets a 422 in the one error shape, not a broken stream or a 500."""
    from fastapi.testclient import TestClient

    with TestClient(world.app) as client:
        r = client.get(f"/api/v1/conversations/{world.conversations[-1]}/stream", headers={"Last-Event-ID": value})
    assert r.status_code == 422
    assert r.json()["detail"] == "Die Anfrage ist ungültig."
    assert r.json()["errors"][0]["loc"] == ["header", "Last-Event-ID"]


def test_framework_answers_are_german_and_in_the_shape(world: World) -> None:
    from fastapi.testclient import TestClient

    with TestClient(world.app) as client:
        assert client.get("/api/v1/gibt-es-nicht").json() == {"detail": "Diese Adresse gibt es nicht."}
        assert client.put("/api/v1/offices").json() == {"detail": "Diese Methode ist hier nicht erlaubt."}
        unreadable = client.post(
            f"/api/v1/conversations/{world.conversations[-1]}/messages",
            content=b"\x80 kein UTF-8",
            headers={"Content-Type": "application/json"},
        )
        assert unreadable.status_code == 400
        assert unreadable.json() == {"detail": "Der Inhalt der Anfrage ist nicht lesbar (kein gültiges JSON oder Formular)."}
