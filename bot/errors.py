"""One error shape for the whole API, ``{"detail": str, "errors"?: [...]}``, and an OpenAPI document that says so.

Every error the gateway sends has this shape: ``HTTPException`` (FastAPI's handler), validation errors
(``bot.main``), the database and internal-error handlers, and the body limit (``bot.middleware``).

What the document declares comes from two places:

- statuses that a route raises itself (403 foreign office, 409 closed ticket, 410 deleted chat, 429 floods, …)
  are named in the route's decorator with :func:`errors`, e.g. ``responses=errors(403, 409)``;
- statuses that come from the machinery every route shares are added here to every operation that has the
  matching trait, so a new route cannot forget them: 503 (database down or saturated) everywhere, 401 where
  the operation needs a bearer token, 422 where it takes parameters or a body, 400 (unreadable) and 413 (too
  large) where it takes a body, 404 where a path parameter names a thing that may not exist. FastAPI's own 422 schema
  (``HTTPValidationError``) is replaced by ours, because ours is what the validation handler sends.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

REF = "#/components/schemas/{model}"
DESCRIPTIONS = {
    400: "Der Inhalt der Anfrage ist nicht lesbar (kein JSON, kein Formular, keine UTF-8-Zeichen).",
    401: "Nicht angemeldet, oder die Anmeldung ist abgelaufen oder ungültig.",
    403: "Angemeldet, aber nicht berechtigt (anderes Bildungsbüro, nur für die Kreisverwaltung).",
    404: "Gibt es nicht (mehr).",
    409: "Passt nicht zum Zustand (zum Beispiel: Ticket schon übernommen oder geschlossen).",
    410: "Das Gespräch wurde von der Bürgerin oder dem Bürger gelöscht.",
    413: "Der Inhalt der Anfrage ist zu groß.",
    422: "Die Anfrage ist ungültig; bei Formfehlern nennt ``errors`` die Felder.",
    429: "Zu viele Anfragen in kurzer Zeit; ``Retry-After`` sagt, wann es wieder geht.",
    503: "Vorübergehend überlastet oder nicht erreichbar; ``Retry-After`` sagt, wann es wieder geht.",
}
RETRY_AFTER = {"Retry-After": {"description": "Sekunden bis zum nächsten Versuch", "schema": {"type": "integer"}}}
# ``responses=`` of a route that answers with Server-Sent Events (with ``response_class=StreamingResponse``)
EVENT_STREAM: dict[int | str, dict[str, Any]] = {
    200: {"description": "Server-Sent Events", "content": {"text/event-stream": {"schema": {"type": "string"}}}}
}


class FieldError(BaseModel):
    """One field that failed validation (for developers; the ``detail`` is for people)."""

    loc: list[str | int] = Field(description="Where: body, query, path or header, then the field")
    msg: str


class ErrorResponse(BaseModel):
    """Every error of the API."""

    detail: str = Field(description="German, to be shown as it is")
    errors: list[FieldError] = Field(default_factory=list, description="Only for malformed requests (422)")


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route decorator: the statuses it raises itself, all in the one error shape."""
    return {code: _declared(code) for code in codes}


def _declared(code: int) -> dict[str, Any]:
    declared: dict[str, Any] = {"model": ErrorResponse, "description": DESCRIPTIONS[code]}
    if code in (429, 503):
        declared["headers"] = RETRY_AFTER
    return declared


def _documented(code: int) -> dict[str, Any]:
    """The same as :func:`_declared`, written straight into the OpenAPI document."""
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorResponse")}}},
    }
    if code in (429, 503):
        response["headers"] = RETRY_AFTER
    return response


def shared_statuses(operation: dict[str, Any]) -> set[int]:
    """The statuses an operation can get from the machinery every route shares (see the module docstring)."""
    parameters = operation.get("parameters", [])
    statuses = {503}
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:
        statuses |= {400, 413}
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if operation.get("security"):
        statuses.add(401)
    return statuses


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Complete an OpenAPI document in place: the shared statuses on every operation, our 422 instead of
    FastAPI's, the error models among the components."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            for code in sorted(shared_statuses(operation)):
                responses.setdefault(str(code), _documented(code))
            if "422" in responses:
                responses["422"] = _documented(422)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    model = ErrorResponse.model_json_schema(ref_template=REF)
    components.update(model.pop("$defs", {}))
    components["ErrorResponse"] = model
    text = repr(schema["paths"])
    for unused in ("HTTPValidationError", "ValidationError"):
        if REF.format(model=unused) not in text:
            components.pop(unused, None)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document at ``/openapi.json`` and ``/docs``."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document(generate())  # FastAPI's generator caches its result in app.openapi_schema
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
