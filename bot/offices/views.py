"""``GET|PUT /api/v1/offices/{id}`` (spec §8): an office's hours, closures, phone, e-mail and address, for its own
counsellors and the county admins, with the log of changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from bot.counsellors.views import CounsellorDep
from bot.deps import SessionDep, WriteDep
from bot.errors import errors
from bot.offices import service
from catalogue.models import Office
from catalogue.places import closures_text, format_hours, is_open, next_opening

router = APIRouter(prefix="/offices", tags=["Beratung"])


class HoursIn(BaseModel):
    weekday: int = Field(ge=1, le=7, description="ISO weekday: 1 = Monday … 7 = Sunday")
    opens: str = Field(min_length=1, max_length=5, description="HH:MM")
    closes: str = Field(min_length=1, max_length=5, description="HH:MM")


class ClosureIn(BaseModel):
    first_day: dt.date
    last_day: dt.date = Field(description="The last closed day (included)")
    label: str | None = Field(default=None, max_length=120, description="e.g. Weihnachten; the citizen reads it")


class OfficeIn(BaseModel):
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=200)
    hours: list[HoursIn] = Field(max_length=28, description="The weekly opening intervals (all of them)")
    closures: list[ClosureIn] = Field(default_factory=list, max_length=60, description="All closures (replaced)")


class Change(BaseModel):
    at: dt.datetime
    actor: str
    changes: dict[str, dict[str, Any]] = Field(description="field -> {before, after}")


class OfficeDetail(BaseModel):
    id: str
    name: str
    municipality: str
    email: str | None
    phone: str | None
    address: str | None
    hours: list[HoursIn]
    closures: list[ClosureIn]
    opening_hours: str = Field(description="As the assistant says it")
    closures_text: str = Field(description="Closures of the next 30 days, as the assistant says them")
    open_now: bool
    next_opening: dt.datetime | None = Field(description="When it opens next; null while open (or never within two months)")
    edited_at: dt.datetime | None
    changes: list[Change] = Field(description="The latest changes first")


def _detail(session: SessionDep, office: Office) -> OfficeDetail:
    return OfficeDetail(
        id=office.id,
        name=office.name,
        municipality=office.municipality.name,
        **service.as_dict(office),
        opening_hours=format_hours(office),
        closures_text=closures_text(office),
        open_now=(open_now := is_open(office)),
        next_opening=None if open_now else next_opening(office),
        edited_at=office.edited_at,
        changes=[Change(at=c.at, actor=c.actor, changes=c.changes) for c in service.changes(session=session, office=office)],
    )


@router.get("/{office_id}", response_model=OfficeDetail, responses=errors(403))
def get_office(office_id: str, session: SessionDep, counsellor: CounsellorDep) -> OfficeDetail:
    """The own office's data (an admin: any office's), with the latest changes."""
    try:
        office = service.get_for(session=session, counsellor=counsellor, office_id=office_id)
    except service.OfficeError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    return _detail(session, office)


@router.put("/{office_id}", response_model=OfficeDetail, responses=errors(403))
def put_office(office_id: str, body: OfficeIn, write: WriteDep, counsellor: CounsellorDep) -> OfficeDetail:
    """Replace contact data, weekly hours and closures (own office; an admin: any). The assistant's answers and the
    handover notices use them from the next message on; the change is logged (who, when, before and after)."""
    with write() as session:
        try:
            office = service.get_for(session=session, counsellor=counsellor, office_id=office_id)
            service.update(
                session=session,
                counsellor=counsellor,
                office=office,
                email=body.email,
                phone=body.phone,
                address=body.address,
                hours=[service.Hours(h.weekday, h.opens, h.closes) for h in body.hours],
                closures=[service.Closure(c.first_day, c.last_day, c.label) for c in body.closures],
            )
        except service.OfficeError as exc:
            raise HTTPException(exc.status, str(exc)) from None
        session.flush()
        return _detail(session, office)
