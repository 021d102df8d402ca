"""The bulk write of search terms and tags (COPY on PostgreSQL, the driver's executemany on SQLite) stores
exactly the rows the offers stand for, on both databases."""

import json
from pathlib import Path

from sqlalchemy import select

from catalogue import index
from catalogue.importer import import_file
from catalogue.index import bulk_insert, offer_terms, row_tags
from catalogue.models import Offer, OfferTag, OfferTerm

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
    terms = dict(session.execute(select(OfferTerm.term, OfferTerm.weight).where(OfferTerm.offer_id == oid)).all())
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
        raise AssertionError("offer_terms/offer_tags written by a Core INSERT")

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
    oid = "odd-odd"
    odd = {"a\tb": 0.1 + 0.2, "back\\slash": 3.0 * 0.6, 'quote"d': 1e-300, "zeile\numbruch": 2.5, "über": 1 / 3}
    bulk_insert(session, index.TERMS, ("term", "offer_id", "weight"), sorted((t, oid, w) for t, w in odd.items()))
    terms, _ = stored(session, oid)
    assert {t: terms[t] for t in odd} == odd
