"""Textbausteine of the own office (spec §8): ``GET|POST /api/v1/snippets``, ``PUT|DELETE /api/v1/snippets/{id}``.
Every counsellor of an office may edit its snippets; an admin those of any office (``office_id``)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Path, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from bot.counsellors.views import CounsellorDep
from bot.deps import SessionDep, WriteDep
from bot.errors import errors
from bot.tickets import snippets as service
from bot.tickets.models import Snippet
from catalogue.models import Office

router = APIRouter(prefix="/snippets", tags=["Beratung"])
SnippetId = Path(ge=1, le=2**31 - 1, description="Id of the snippet")


class SnippetIn(BaseModel):
    title: str = Field(min_length=1, max_length=80, description="Short name, shown in the inbox's list")
    body: str = Field(
        min_length=1,
        max_length=2000,
        description="The text; placeholders {office_name}, {opening_hours}, {office_email}, {office_phone}, "
        "{office_address} are filled when shown",
    )


class SnippetOut(BaseModel):
    id: int
    office_id: str
    title: str
    body: str = Field(description="As stored, with placeholders")
    text: str = Field(description="Ready to insert: placeholders filled from the office's data")
    updated_by: str | None
    updated_at: dt.datetime


def _out(snippet: Snippet, office: Office) -> SnippetOut:
    return SnippetOut(
        id=snippet.id,
        office_id=snippet.office_id,
        title=snippet.title,
        body=snippet.body,
        text=service.fill(snippet.body, office),
        updated_by=snippet.updated_by,
        updated_at=snippet.updated_at,
    )


def _fail(exc: service.SnippetError) -> HTTPException:
    return HTTPException(exc.status, str(exc))


@router.get("", response_model=list[SnippetOut], responses=errors(403, 404))
def list_snippets(
    session: SessionDep,
    counsellor: CounsellorDep,
    office_id: str | None = Query(None, max_length=40, description="Admins: another office's snippets"),
) -> list[SnippetOut]:
    try:
        office = service.office_for(session=session, counsellor=counsellor, office_id=office_id)
    except service.SnippetError as exc:
        raise _fail(exc) from None
    return [_out(s, office) for s in service.list_for(session=session, office=office)]


@router.post("", response_model=SnippetOut, status_code=201, responses=errors(403, 404, 409))
def create_snippet(
    body: SnippetIn,
    write: WriteDep,
    counsellor: CounsellorDep,
    office_id: str | None = Query(None, max_length=40, description="Admins: for another office"),
) -> SnippetOut:
    with write() as session:
        try:
            office = service.office_for(session=session, counsellor=counsellor, office_id=office_id)
            snippet = service.create(session=session, counsellor=counsellor, office=office, title=body.title, body=body.body)
        except service.SnippetError as exc:
            raise _fail(exc) from None
        return _out(snippet, office)


def _own(session: Session, counsellor: CounsellorDep, snippet_id: int) -> Snippet:
    try:
        return service.get_or_raise(session=session, counsellor=counsellor, snippet_id=snippet_id)
    except service.SnippetError as exc:
        raise _fail(exc) from None


@router.put("/{snippet_id}", response_model=SnippetOut, responses=errors(403))
def update_snippet(body: SnippetIn, write: WriteDep, counsellor: CounsellorDep, snippet_id: int = SnippetId) -> SnippetOut:
    with write() as session:
        snippet = _own(session, counsellor, snippet_id)
        try:
            service.update(session=session, counsellor=counsellor, snippet=snippet, title=body.title, body=body.body)
        except service.SnippetError as exc:
            raise _fail(exc) from None
        return _out(snippet, session.get_one(Office, snippet.office_id))


@router.delete("/{snippet_id}", status_code=204, responses=errors(403))
def delete_snippet(write: WriteDep, counsellor: CounsellorDep, snippet_id: int = SnippetId) -> Response:
    with write() as session:
        service.remove(session=session, snippet=_own(session, counsellor, snippet_id))
    return Response(status_code=204)
