"""The catalogue's JSON shapes for the API (spec §6)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class OfferOut(BaseModel):
    id: str
    title: str
    category: str
    provider: str
    municipality: str
    distance_km: float | None = None
    online: bool
    next_start: dt.date | None = None
    cost_eur: float | None = None
    url: str | None = None


class OfferList(BaseModel):
    total: int
    offers: list[OfferOut]


class OfferDetail(OfferOut):
    source: str
    source_id: str
    description: str
    sector: str | None
    keywords: list[str]
    provider_type: str
    address: str | None
    postcode: str | None
    target_groups: list[str]
    age_min: int | None
    age_max: int | None
    languages: list[str]
    start_date: dt.date | None
    end_date: dt.date | None
    schedule: str | None
    duration_hours: float | None
    funding: list[str]
    accessibility: str | None
    childcare: bool
    contact_email: str | None
    updated_at: dt.date | None


class OfficeOut(BaseModel):
    id: str
    name: str
    municipality: str
    lat: float
    lon: float
    opening_hours: str
    open_now: bool


class NearestOffice(OfficeOut):
    distance_km: float
