"""The bulk write of term sets and tags (COPY on PostgreSQL, the driver's executemany on SQLite) stores
exactly the rows the offers stand for, on both databases."""

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from catalogue import importer, index
from catalogue.importer import import_file
from catalogue.index import bulk_insert, offer_terms, row_tags
from catalogue.models import Offer, OfferTag, OfferTermSet
from cli.main import setup_database
from core.db import session_scope, utcnow
from tests.conftest import POSTGRES, _drop_postgres, _fresh_postgres

GOOD = {
    "title": "Deutschkurs B1 für den Beruf",
    "category": "sprache",
    "provider": {"name": "Volkshochschule Osnabrücker Land"},
    "venue": {"municipality": "Bramsche"},
    "keywords": ["Sprachkurs", "Integration"],
    "description": 'Grammatik, Bewerbung\tund Gespräche im Betrieb; mit \\ Backslash und "Zitat"',
    "target_groups": ["zugewanderte"],
    "languages": ["Deutsch", "Arabisch"],
    "funding": ["bamf"],
}


def stored(session, oid: str) -> tuple[dict[str, float], set[tuple[str, str]]]:
    """The terms of the offer's term set, and its tags."""
    sets = select(OfferTermSet.term, OfferTermSet.weight).join(Offer, Offer.terms_key == OfferTermSet.terms_key)
    terms = dict(session.execute(sets.where(Offer.id == oid)).all())
    tags = set(session.execute(select(OfferTag.kind, OfferTag.value).where(OfferTag.offer_id == oid)).all())
    return terms, tags


def test_every_offer_has_exactly_its_terms_and_tags(session) -> None:
    """The test catalogue (imported by the fixture through the bulk path): stored rows == computed rows."""
    offers = session.scalars(select(Offer)).all()
    assert offers
    for offer in offers:
        terms, tags = stored(session, offer.id)
        assert terms == offer_terms(offer, offer.provider.name), offer.id
        row = {"target_groups": offer.target_groups, "languages": offer.languages, "funding": offer.funding}
        assert tags == row_tags(row), offer.id


def test_import_writes_terms_without_core_inserts(session, tmp_path: Path, monkeypatch) -> None:
    """New and updated offers: terms and tags go through bulk_insert's driver path, not a Core INSERT."""

    def no_core_insert(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("offer_term_sets/offer_tags written by a Core INSERT")

    monkeypatch.setattr(index, "insert", no_core_insert)
    rows = [{**GOOD, "source_id": f"b{i}", "title": f"{GOOD['title']} Gruppe {i}"} for i in range(3)]
    path = tmp_path / "bulk.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    report = import_file(session=session, path=path, source="bulk")
    assert (report.created, report.rejected) == (3, [])
    rows[1] = {**rows[1], "title": "Nähkurs am Abend", "funding": []}
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    report = import_file(session=session, path=path, source="bulk")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    for oid in ("bulk-b0", "bulk-b1", "bulk-b2"):
        offer = session.get(Offer, oid)
        assert offer is not None
        terms, tags = stored(session, oid)
        assert terms == offer_terms(offer, offer.provider.name)
        assert tags == row_tags({"target_groups": offer.target_groups, "languages": offer.languages, "funding": offer.funding})
    terms, tags = stored(session, "bulk-b1")
    assert "naehkurs" in terms and "gruppe" not in terms and ("funding", "bamf") not in tags
    assert terms["grammatik"] == 1.0 and terms["sprachkurs"] == 2.5


def test_bulk_insert_keeps_odd_text_and_floats_exactly(session, tmp_path: Path) -> None:
    """Text with tab, backslash, quote, newline and umlaut, and floats that have no short decimal form."""
    path = tmp_path / "one.json"
    path.write_text(json.dumps([{**GOOD, "source_id": "odd"}], ensure_ascii=False), encoding="utf-8")
    import_file(session=session, path=path, source="odd")
    odd = {"a\tb": 0.1 + 0.2, "back\\slash": 3.0 * 0.6, 'quote"d': 1e-300, "zeile\numbruch": 2.5, "über": 1 / 3}
    rows = sorted((t, "odd-key", w) for t, w in odd.items())
    bulk_insert(session, index.TERM_SETS, ("term", "terms_key", "weight"), rows)
    found = select(OfferTermSet.term, OfferTermSet.weight).where(OfferTermSet.terms_key == "odd-key")
    assert dict(session.execute(found).all()) == odd


def test_failed_import_leaves_no_offers_tags_or_term_sets(session, tmp_path: Path, monkeypatch) -> None:
    """An import is one transaction: a failure in its second block takes back the first block's rows too."""
    monkeypatch.setattr(importer, "IMPORT_BLOCK", 2)
    written: list[int] = []

    def fail_second_block(**kwargs):
        written.append(1)
        if len(written) == 2:
            raise RuntimeError("disk full")
        index.write_index(**kwargs)

    monkeypatch.setattr(importer, "write_index", fail_second_block)
    sets_before = session.scalar(select(func.count()).select_from(OfferTermSet))
    tags_before = session.scalar(select(func.count()).select_from(OfferTag))
    rows = [{**GOOD, "source_id": f"f{i}", "title": f"Abbruch {i} Seidenmalerei"} for i in range(5)]
    path = tmp_path / "fail.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(session=session, path=path, source="fail")
    session.rollback()
    assert session.get(Offer, "fail-f0") is None
    assert session.scalar(select(func.count()).select_from(OfferTermSet)) == sets_before
    assert session.scalar(select(func.count()).select_from(OfferTag)) == tags_before


def test_new_offers_are_stored_as_a_core_insert_stores_them(session, tmp_path: Path) -> None:
    """New offers go in by COPY on PostgreSQL: every column reads back as the Core INSERT of the same row."""
    full = {
        **GOOD,
        "source_id": "voll",
        "sector": None,
        "venue": {"municipality": "Bramsche", "address": "Hauptstraße 1", "postcode": "49565", "lat": 52.4, "lon": 7.98},
        "age_min": 16,
        "age_max": 99,
        "start_date": "2027-01-11",
        "end_date": "2027-06-30",
        "weekdays": [1, 3],
        "schedule": "Mo und Mi 18–20 Uhr",
        "duration_hours": 0.1 + 0.2,
        "cost_eur": 0,
        "accessibility": "barrierefrei",
        "childcare": True,
        "contact_email": "kurs@example.org",
        "contact_phone": "05461 12345",
        "url": "https://example.org/kurs?a=1&b=ü",
        "updated_at": "2026-11-30",
    }
    sparse = {**GOOD, "source_id": "karg", "keywords": [], "funding": [], "target_groups": [], "description": ""}
    path = tmp_path / "voll.json"
    path.write_text(json.dumps([full, sparse], ensure_ascii=False), encoding="utf-8")
    before = utcnow()
    assert import_file(session=session, path=path, source="copy").created == 2
    table = importer.OFFER_TABLE
    for oid in ("copy-voll", "copy-karg"):
        copied = dict(session.execute(select(table).where(table.c.id == oid)).one()._mapping)
        assert before <= copied["imported_at"] <= utcnow()
        twin = {**copied, "id": f"{oid}-core", "source_id": f"{copied['source_id']}-core"}
        session.execute(insert(table), [twin])
        core = dict(session.execute(select(table).where(table.c.id == twin["id"])).one()._mapping)
        assert copied == {**core, "id": oid, "source_id": copied["source_id"]}
    voll = session.get(Offer, "copy-voll")
    assert voll is not None
    assert (voll.weekdays, voll.childcare, voll.online, voll.cost_eur) == ([1, 3], True, False, 0.0)
    assert voll.duration_hours == 0.1 + 0.2 and voll.start_date == dt.date(2027, 1, 11)
    assert voll.url == "https://example.org/kurs?a=1&b=ü" and voll.languages == ["Deutsch", "Arabisch"]
    karg = session.get(Offer, "copy-karg")
    assert karg is not None and (karg.weekdays, karg.keywords, karg.sector) == (None, [], None)


@pytest.mark.skipif(not POSTGRES, reason="BILDUNGSLOTSE_TEST_POSTGRES_URL not set (CI sets it)")
def test_two_imports_at_once_wait_for_each_other(tmp_path: Path) -> None:
    """Both bring the same new term set and text: without the import lock the second inserts them too and
    fails on their keys when the first commits."""
    assert POSTGRES
    url = _fresh_postgres(POSTGRES)
    try:
        setup_database(url, sample=False)
        paths = []
        for name in ("first", "second"):
            path = tmp_path / f"{name}.json"
            path.write_text(json.dumps([{**GOOD, "source_id": "x1", "title": "Sprachkurs zur gleichen Zeit"}]), encoding="utf-8")
            paths.append(path)
        outcome: dict[str, object] = {}

        def second() -> None:
            try:
                with session_scope(url) as other:
                    outcome["report"] = import_file(session=other, path=paths[1], source="second")
            except Exception as error:  # the test reports what the second import met
                outcome["error"] = error

        with session_scope(url) as first:
            assert import_file(session=first, path=paths[0], source="first").created == 1
            thread = threading.Thread(target=second)
            thread.start()
            thread.join(2.0)
            assert thread.is_alive()  # waiting for the first import's commit
        thread.join(60.0)
        assert not thread.is_alive() and "error" not in outcome, outcome.get("error")
        assert outcome["report"].created == 1  # type: ignore[attr-defined]
    finally:
        _drop_postgres(POSTGRES, url)
