"""Public catalogue and office API (spec §6)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from catalogue import places, service
from catalogue.models import CATEGORIES, SECTORS, TARGET_GROUPS, Offer, Office
from catalogue.schemas import NearestOffice, OfferDetail, OfferList, OfferOut, OfficeOut
from core.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["Katalog"])

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Sector = Literal[SECTORS]  # type: ignore[valid-type]
TargetGroup = Literal[TARGET_GROUPS]  # type: ignore[valid-type]
Weekday = Literal["mo", "di", "mi", "do", "fr", "sa", "so"]
TimeOfDay = Literal["morgens", "vormittags", "mittags", "nachmittags", "abends"]


@router.get("/offers", response_model=OfferList)
def list_offers(
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    municipality: Annotated[str | None, Query(max_length=80)] = None,
    postcode: Annotated[str | None, Query(max_length=5)] = None,
    radius_km: Annotated[float | None, Query(gt=0, le=200)] = None,
    category: Category | None = None,
    sector: Sector | None = None,
    target_group: TargetGroup | None = None,
    language: Annotated[str | None, Query(max_length=40)] = None,
    age: Annotated[int | None, Query(ge=0, le=120)] = None,
    free: bool | None = None,
    starting_within_days: Annotated[int | None, Query(ge=0, le=730)] = None,
    online: bool | None = None,
    childcare: bool | None = None,
    accessible: bool | None = None,
    weekday: Annotated[list[Weekday] | None, Query(max_length=7)] = None,
    time_of_day: Annotated[list[TimeOfDay] | None, Query(max_length=5)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> OfferList:
    """``q`` is read like a chat message ("deutschkurs abends in melle mit kinderbetreuung"): the query parser
    turns its place, age, times and wishes into filters; the explicit parameters win over what it read."""
    try:
        query = service.query_from_text(
            session=session, text=q, municipality=municipality, postcode=postcode, radius_km=radius_km,
            category=category, sector=sector, target_group=target_group, language=language, age=age, free=free,
            starting_within_days=starting_within_days, online=online, childcare=childcare, accessible=accessible,
            weekdays=service.iso_weekdays(weekday) if weekday else None,
            times_of_day=tuple(time_of_day) if time_of_day else None, limit=limit, offset=offset,
        )  # fmt: skip
        result = service.search(session=session, query=query)
    except places.NotFoundError as exc:
        raise HTTPException(422, str(exc)) from None
    return OfferList(total=result.total, offers=[OfferOut(**service.offer_summary(h)) for h in result.hits])


@router.get("/offers/{offer_id}", response_model=OfferDetail)
def get_offer(offer_id: str, session: SessionDep) -> OfferDetail:
    offer = service.get_offer(session=session, offer_id=offer_id[:120])
    if offer is None:
        raise HTTPException(404, "Dieses Angebot gibt es nicht (mehr).")
    return offer_detail(offer)


def offer_detail(offer: Offer) -> OfferDetail:
    import datetime as dt

    hit = service.Hit(offer, 1.0, 1.0, None, service.next_start(offer, dt.date.today()))
    summary = service.offer_summary(hit)
    return OfferDetail(
        **summary,  # type: ignore[arg-type]
        source=offer.source, source_id=offer.source_id, description=offer.description, sector=offer.sector,
        keywords=offer.keywords or [], provider_type=offer.provider.type, address=offer.address,
        postcode=offer.postcode, target_groups=offer.target_groups or [], age_min=offer.age_min,
        age_max=offer.age_max, languages=offer.languages or [], start_date=offer.start_date,
        end_date=offer.end_date, schedule=offer.schedule, duration_hours=offer.duration_hours,
        funding=offer.funding or [], accessibility=offer.accessibility, childcare=offer.childcare,
        contact_email=offer.contact_email, updated_at=offer.updated_at,
    )  # fmt: skip


def office_out(office: Office) -> dict[str, object]:
    return {
        "id": office.id,
        "name": office.name,
        "municipality": office.municipality.name,
        "lat": office.lat,
        "lon": office.lon,
        "opening_hours": places.format_hours(office),
        "open_now": places.is_open(office),
    }


@router.get("/offices", response_model=list[OfficeOut])
def list_offices(session: SessionDep) -> list[OfficeOut]:
    return [OfficeOut(**office_out(o)) for o in places.list_offices(session=session)]  # type: ignore[arg-type]


@router.get("/offices/nearest", response_model=NearestOffice)
def nearest_office(
    session: SessionDep,
    municipality: Annotated[str | None, Query(max_length=80)] = None,
    postcode: Annotated[str | None, Query(max_length=5)] = None,
) -> NearestOffice:
    if not municipality and not postcode:
        raise HTTPException(422, "Bitte eine Gemeinde oder Postleitzahl angeben.")
    try:
        place = places.place_or_raise(session=session, municipality=municipality, postcode=postcode)
    except places.NotFoundError as exc:
        raise HTTPException(422, str(exc)) from None
    assert place is not None
    office, distance = places.nearest_office(session=session, municipality=place.municipality)
    return NearestOffice(**office_out(office), distance_km=round(distance, 1))  # type: ignore[arg-type]
