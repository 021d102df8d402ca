"""The county's figures (spec §6, §8): ``GET /api/v1/figures`` (JSON or CSV) and ``GET /api/v1/figures.csv``.

County admins see every office's figures, a counsellor those of the own office only. Every count is protected
against small numbers (``monitoring.suppression``). ``offices`` is the live queue of the inbox (waiting, in
progress, closed, median minutes to the first reply) as before: tickets that the caller sees one by one anyway.

The one module of ``monitoring`` that faces the gateway: it takes the counsellor's login and the tickets' waiting
times from ``bot`` (allowed by an explicit exception in the import-linter contract)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.counsellors.models import Counsellor
from bot.counsellors.views import CounsellorDep
from bot.errors import errors
from bot.tickets.models import Ticket
from bot.tickets.service import waiting_figures
from core.deps import SessionDep
from monitoring import service

router = APIRouter(prefix="/api/v1", tags=["Monitoring"])
NOT_YOURS = "Sie sehen nur die Zahlen Ihres eigenen Bildungsbüros."
BAD_PERIOD = "Der Zeitraum ist ungültig: „von“ liegt nach „bis“."
# Figures exist from the service's start; the bounds keep month arithmetic away from year 1 and year 9999.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2199, 12, 31)
OUT_OF_RANGE = "Der Zeitraum ist ungültig: Daten zwischen 2000 und 2199 sind möglich."
Group = Literal["month", "category", "municipality", "target_group", "language", "office"]
Category = Literal["familienbildung", "fruehe_bildung", "schule", "berufsorientierung", "weiterbildung", "sprache",
                   "grundbildung", "beratung"]  # fmt: skip
# An int, or "<5" (fewer than 5 cases), or "x" (hidden so that a "<5" cannot be computed from the total)
Cell = int | float | Literal["<5", "x"] | None
CSV: dict[int | str, dict[str, Any]] = {
    200: {"description": "CSV für Excel (UTF-8, Semikolon)", "content": {"text/csv": {"schema": {"type": "string"}}}}
}


class FigureRow(BaseModel):
    key: str | None = Field(description="month (first day), slug, municipality name or office id; null: unknown")
    label: str
    searches: Cell
    unmet: Cell = Field(description="searches that found nothing in the whole county")
    widened: Cell = Field(description="searches whose radius was widened")
    led_to_handover: Cell = Field(description="searches after which the citizen was handed to an office")
    handovers: Cell
    helpful_yes: Cell = None
    helpful_no: Cell = None
    ratings: Cell = None
    rating_mean: Cell = None
    population: int | None = None
    searches_per_1000: Cell = None
    median_wait_minutes: Cell = None


class UnmetTopic(BaseModel):
    topic: str
    searches: int


class Satisfaction(BaseModel):
    helpful_yes: Cell
    helpful_no: Cell
    ratings: Cell
    rating_mean: Cell
    rating_counts: dict[Literal["1", "2", "3", "4", "5"], Cell] = Field(
        description="how often each rating 1–5 was given, protected as one column against ``ratings``"
    )


class Figures(BaseModel):
    from_: dt.date = Field(alias="from")
    to: dt.date
    group_by: Group
    office: str | None
    category: str | None
    threshold: int = Field(description='cells below it are shown as "<5"')
    columns: list[str]
    column_labels: dict[str, str] = Field(description="German header of each column (as in the CSV)")
    group_label: str = Field(description="German header of the row labels (as in the CSV)")
    rows: list[FigureRow]
    total: FigureRow
    unmet_topics: list[UnmetTopic]
    satisfaction: Satisfaction
    offices: list[dict[str, Any]] = Field(description="the live queue per office, as in the inbox")


def _scope(counsellor: Counsellor, office: str | None) -> str | None:
    if counsellor.is_admin:
        return office
    if office and office != counsellor.office_id:
        raise HTTPException(403, NOT_YOURS)
    return counsellor.office_id


def _waits(session: Session, first: dt.date, last: dt.date) -> dict[str, list[float]]:
    """Minutes until the first reply of the tickets opened in the period, per (current) office."""
    start = dt.datetime.combine(first, dt.time(), dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC)
    query = select(Ticket.office_id, Ticket.created_at, Ticket.first_reply_at).where(
        Ticket.first_reply_at.is_not(None), Ticket.created_at >= start, Ticket.created_at < end
    )
    out: dict[str, list[float]] = {}
    for office_id, created, replied in session.execute(query):
        if replied is not None:
            out.setdefault(office_id, []).append((replied - created).total_seconds() / 60)
    return out


def _table(
    session: Session, counsellor: Counsellor, start: dt.date | None, end: dt.date | None, group_by: str,
    office: str | None, category: str | None,
) -> dict[str, Any]:  # fmt: skip
    if start and end and start > end:
        raise HTTPException(422, BAD_PERIOD)
    if any(day is not None and not EARLIEST <= day <= LATEST for day in (start, end)):
        raise HTTPException(422, OUT_OF_RANGE)
    office_id = _scope(counsellor, office)
    first, last = service.period(start=start, end=end)
    table = service.figures(session=session, group_by=group_by, first=first, last=last, office_id=office_id,
                            category=category, waits=_waits(session, first, last))  # fmt: skip
    queue = waiting_figures(session=session)
    table["offices"] = [q for q in queue if not office_id or q["office"] == office_id]
    return table


def _csv(table: dict[str, Any]) -> Response:
    name = f"bildungsmonitoring_{table['group_by']}_{table['from']}_{table['to']}.csv"
    return Response(
        service.to_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


From = Annotated[dt.date | None, Query(alias="from", description="first day (its whole month counts)")]
To = Annotated[dt.date | None, Query(description="last day (its whole month counts); default: today")]
GroupBy = Annotated[Group, Query(description="rows of the table")]
Office = Annotated[str | None, Query(max_length=40, description="office id; a counsellor may give only the own")]
CategoryFilter = Annotated[Category | None, Query(description="only searches of this category")]


@router.get(
    "/figures",
    response_model=Figures,
    response_model_by_alias=True,
    responses={**errors(403), 200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def figures(
    session: SessionDep,
    counsellor: CounsellorDep,
    start: From = None,
    to: To = None,
    group_by: GroupBy = "category",
    office: Office = None,
    category: CategoryFilter = None,
    format: Annotated[Literal["json", "csv"], Query(description="csv: as /figures.csv")] = "json",
) -> Any:
    """Demand figures of a period in whole months (default: the last twelve), grouped by month, category,
    municipality (with searches per 1 000 inhabitants), target group, conversation language or office (with
    handovers and the median minutes to the first reply); the most frequent topics found nowhere in the county;
    satisfaction. Cells below 5 are ``"<5"``; a cell that would give one back from the total is ``"x"``."""
    table = _table(session, counsellor, start, to, group_by, office, category)
    return _csv(table) if format == "csv" else table


@router.get("/figures.csv", response_class=Response, responses={**errors(403), **CSV})
def figures_csv(
    session: SessionDep,
    counsellor: CounsellorDep,
    start: From = None,
    to: To = None,
    group_by: GroupBy = "category",
    office: Office = None,
    category: CategoryFilter = None,
) -> Response:
    """The same table for Excel: UTF-8 (with BOM), ``;`` as separator, German headers, decimal commas."""
    return _csv(_table(session, counsellor, start, to, group_by, office, category))
