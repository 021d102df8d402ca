"""Tables of the catalogue. Lists that are filtered on (target groups, languages, funding) live in
``offer_tags`` and the search terms in ``offer_term_sets`` (one row per term of each distinct set of terms,
which the offers name by ``terms_key``) so that both SQLite and PostgreSQL can use plain B-tree indexes for them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime, utcnow

CATEGORIES = (
    "familienbildung",
    "fruehe_bildung",
    "schule",
    "berufsorientierung",
    "weiterbildung",
    "sprache",
    "grundbildung",
    "beratung",
)
SECTORS = ("gesundheit", "lebensmittel", "logistik", "maschinenbau", "sonstige")
TARGET_GROUPS = (
    "eltern",
    "kinder",
    "jugendliche",
    "erwachsene",
    "senioren",
    "frauen",
    "zugewanderte",
    "arbeitsuchende",
    "alleinerziehende",
    "menschen_mit_behinderung",
)
FUNDING = (
    "bildungsgutschein",
    "aufstiegs_bafoeg",
    "but",
    "landkreis_zuschuss",
    "bamf",
    "qualifizierungschancengesetz",
    "bildungsurlaub",
)
PROVIDER_TYPES = (
    "volkshochschule",
    "familienbildungsstaette",
    "familienzentrum",
    "bildungstraeger",
    "kita",
    "schule",
    "kammer",
    "jobcenter",
    "beratungsstelle",
    "verein",
    "landkreis",
)


class Municipality(Base):
    __tablename__ = "municipalities"

    ags: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    samtgemeinde: Mapped[str | None] = mapped_column(String(80))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer)

    postcodes: Mapped[list[MunicipalityPostcode]] = relationship(
        back_populates="municipality", cascade="all, delete-orphan", lazy="selectin"
    )


class MunicipalityPostcode(Base):
    __tablename__ = "municipality_postcodes"

    postcode: Mapped[str] = mapped_column(String(5), primary_key=True)
    ags: Mapped[str] = mapped_column(ForeignKey("municipalities.ags", ondelete="CASCADE"), primary_key=True)

    municipality: Mapped[Municipality] = relationship(back_populates="postcodes")


class MunicipalityAlias(Base):
    """Spellings people type ("GMHütte", "Quakenbrueck"), stored folded, mapped to one municipality."""

    __tablename__ = "municipality_aliases"

    alias: Mapped[str] = mapped_column(String(80), primary_key=True)
    ags: Mapped[str] = mapped_column(ForeignKey("municipalities.ags", ondelete="CASCADE"), index=True)


class Office(Base):
    __tablename__ = "offices"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    municipality_ags: Mapped[str] = mapped_column(ForeignKey("municipalities.ags"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))
    # Set once the office's data was edited in the inbox: reloading the reference data then keeps its hours.
    edited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    hours: Mapped[list[OfficeHours]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="(OfficeHours.weekday, OfficeHours.opens)"
    )
    closures: Mapped[list[OfficeClosure]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OfficeClosure.first_day"
    )


class OfficeHours(Base):
    """One opening interval on one weekday (ISO: 1 = Monday)."""

    __tablename__ = "office_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[dt.time] = mapped_column(Time)
    closes: Mapped[dt.time] = mapped_column(Time)


class OfficeClosure(Base):
    """Days the office is closed although its hours say open (holidays, training days), both days included."""

    __tablename__ = "office_closures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    label: Mapped[str | None] = mapped_column(String(120))


class Provider(Base):
    __tablename__ = "providers"
    __table_args__ = (UniqueConstraint("name", name="uq_provider_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_offer_source"),
        Index("ix_offer_geo", "lat", "lon"),
        Index("ix_offer_category", "category", "sector"),
        # Finds the term sets no offer has any more, after an import changed offers (migration 0016).
        Index("ix_offers_terms_key", "terms_key"),
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(30))
    sector: Mapped[str | None] = mapped_column(String(30))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(5))
    municipality_ags: Mapped[str | None] = mapped_column(ForeignKey("municipalities.ags"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    online: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    weekdays: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    schedule: Mapped[str | None] = mapped_column(String(200))
    duration_hours: Mapped[float | None] = mapped_column(Float)
    cost_eur: Mapped[float | None] = mapped_column(Float, index=True)
    funding: Mapped[list[str]] = mapped_column(JSON, default=list)
    accessibility: Mapped[str | None] = mapped_column(Text)
    childcare: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(60))
    url: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[dt.date | None] = mapped_column(Date)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Hash of the text the offer is embedded by (catalogue.index.embed_text); its vector is in offer_vectors.
    text_key: Mapped[str | None] = mapped_column(String(32), index=True)
    # Hash of the offer's search terms with their weights (catalogue.index.terms_key); the terms of each
    # distinct set are in offer_term_sets once, so that the search scores sets rather than offers.
    terms_key: Mapped[str | None] = mapped_column(String(32))

    provider: Mapped[Provider] = relationship(lazy="joined")
    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    tags: Mapped[list[OfferTag]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class OfferTermSet(Base):
    """The search terms of one distinct term set (``Offer.terms_key``), shared by every offer that has them: a
    catalogue repeats the same course in many places and on many dates, and scoring a set once per query
    costs a fraction of scoring each of its offers."""

    __tablename__ = "offer_term_sets"
    __table_args__ = (Index("ix_offer_term_sets_covering", "term", "terms_key", "weight"),)

    terms_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    term: Mapped[str] = mapped_column(String(80), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)


class OfferVector(Base):
    """Sentence embedding (float16) of one distinct offer text; many offers can share it."""

    __tablename__ = "offer_vectors"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class OfferTag(Base):
    """Filterable list values of an offer: kind is ``target_group``, ``language`` or ``funding``."""

    __tablename__ = "offer_tags"
    __table_args__ = (Index("ix_offer_tag_lookup", "kind", "value", "offer_id"),)

    offer_id: Mapped[str] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(60), primary_key=True)


class CatalogueState(Base):
    """A counter bumped by every import, so that search processes know when to refresh their caches."""

    __tablename__ = "catalogue_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
