import csv
import datetime as dt

import pytest

from catalogue.places import (
    NotFoundError,
    haversine_km,
    is_open,
    list_offices,
    nearest_office,
    next_opening,
    place_or_raise,
    resolve_place,
)
from catalogue.reference import parse_opening_hours
from catalogue.text import DATA

BERLIN = dt.timezone(dt.timedelta(hours=1))


def test_haversine_known_distance() -> None:
    # Osnabrück – Melle, about 22 km as the crow flies
    assert 20 < haversine_km(52.2719, 8.0498, 52.2017, 8.3357) < 22


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Quakenbrueck", "Quakenbrück"),
        ("quakenbrück", "Quakenbrück"),
        ("GMHütte", "Georgsmarienhütte"),
        ("Hagen", "Hagen am Teutoburger Wald"),
        ("in der Nähe von Melle", "Melle"),
        ("Quakenbrük", "Quakenbrück"),  # typo
        ("Bersenbrueck", "Bersenbrück"),
        ("49134", "Wallenhorst"),
        ("49090", "Osnabrück"),
    ],
)
def test_resolve_place(session, typed: str, canonical: str) -> None:
    place = resolve_place(session=session, text=typed)
    assert place is not None and place.municipality.name == canonical


def test_shared_postcode_resolves_consistently_with_alternatives(session) -> None:
    first = resolve_place(session=session, text="49577")
    again = resolve_place(session=session, text="49577")
    assert first and again and first.municipality.name == again.municipality.name == "Ankum"
    assert set(first.alternatives) == {"Eggermühlen", "Kettenkamp"}


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Оснабрюк", "Osnabrück"),
        ("Оснабрюці", "Osnabrück"),  # Ukrainian "в Оснабрюці"
        ("Оснабрюке", "Osnabrück"),  # Russian "в Оснабрюке"
        ("Мелле", "Melle"),
        ("Брамше", "Bramsche"),
        ("Георгсмаріенхютте", "Georgsmarienhütte"),
        ("Бад-Ессен", "Bad Essen"),
        ("Бад Эссен", "Bad Essen"),
        ("Гасберген", "Hasbergen"),
        ("Бомте", "Bohmte"),
    ],
)
def test_place_names_in_cyrillic(session, typed: str, canonical: str) -> None:
    place = resolve_place(session=session, text=typed)
    assert place is not None and place.municipality.name == canonical


@pytest.mark.parametrize("text", ["курс", "Шукаю", "німецької мови", "Москва"])
def test_cyrillic_words_that_are_no_place(session, text: str) -> None:
    assert resolve_place(session=session, text=text) is None


@pytest.mark.parametrize("text", ["Berlin", "'; DROP TABLE offers; --", "", "😀", "x" * 500])
def test_unknown_places(session, text: str) -> None:
    assert resolve_place(session=session, text=text) is None


def test_place_or_raise_german_messages(session) -> None:
    with pytest.raises(NotFoundError, match="kenne ich"):
        place_or_raise(session=session, municipality="Hamburg")
    with pytest.raises(NotFoundError, match="fünf Ziffern"):
        place_or_raise(session=session, postcode="123")
    with pytest.raises(NotFoundError, match="nicht im Landkreis"):
        place_or_raise(session=session, postcode="10115")


def test_every_municipality_routes_to_its_nearest_office(session) -> None:
    offices = list_offices(session=session)
    assert len(offices) == 5
    with (DATA / "municipalities.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 35
    for row in rows:
        place = resolve_place(session=session, text=row["name"])
        assert place is not None
        office, distance = nearest_office(session=session, municipality=place.municipality)
        expected = min(offices, key=lambda o: haversine_km(float(row["lat"]), float(row["lon"]), o.lat, o.lon))
        assert office.id == expected.id, row["name"]
        assert distance >= 0


def test_office_for_the_office_town_is_itself(session) -> None:
    for town, office_id in [("Bohmte", "bohmte"), ("Quakenbrück", "bersenbrueck"), ("Melle", "melle")]:
        place = resolve_place(session=session, text=town)
        assert place is not None
        assert nearest_office(session=session, municipality=place.municipality)[0].id == office_id


def test_opening_hours_parse_and_open_now(session) -> None:
    spans = parse_opening_hours("Mo-Do 09:00-12:00; Di,Do 14:00-17:00")
    assert (2, dt.time(14), dt.time(17)) in spans and len(spans) == 6
    melle = next(o for o in list_offices(session=session) if o.id == "melle")
    monday_10 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=BERLIN)
    sunday = dt.datetime(2026, 11, 29, 10, 0, tzinfo=BERLIN)
    assert is_open(melle, monday_10)
    assert not is_open(melle, sunday)
    assert next_opening(melle, sunday) is not None


def test_unreadable_opening_hours_rejected() -> None:
    with pytest.raises(ValueError, match="unreadable"):
        parse_opening_hours("montags vormittags")
