import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalogue.importer import import_file
from catalogue.models import Offer, OfferTerm

EXAMPLES = Path(__file__).resolve().parents[2] / "catalogue" / "examples"


def count(session, source: str) -> int:
    return session.scalar(select(func.count()).select_from(Offer).where(Offer.source == source)) or 0


@pytest.mark.parametrize(("name", "source", "n"), [("offers.csv", "csv-test", 2), ("offers.jsonld", "jsonld", 2)])
def test_example_files_import_and_are_idempotent(session, name: str, source: str, n: int) -> None:
    first = import_file(session=session, path=EXAMPLES / name, source=source if name.endswith(".csv") else None)
    assert (first.created, first.rejected) == (n, [])
    again = import_file(session=session, path=EXAMPLES / name, source=source if name.endswith(".csv") else None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, n)
    assert count(session, source) == n


def test_csv_fields_are_parsed(session) -> None:
    import_file(session=session, path=EXAMPLES / "offers.csv", source="csv-fields")
    krabbel = session.get(Offer, "csv-fields-csv-2")
    assert krabbel.weekdays == [2, 4] and krabbel.languages == ["Deutsch", "Arabisch"]
    assert krabbel.municipality.name == "Bohmte" and krabbel.lat == krabbel.municipality.lat
    stapler = session.get(Offer, "csv-fields-csv-1")
    assert stapler.sector == "logistik" and stapler.cost_eur == 290 and stapler.funding == ["bildungsgutschein"]


def test_jsonld_fields_are_mapped(session) -> None:
    import_file(session=session, path=EXAMPLES / "offers.jsonld")
    course = session.get(Offer, "jsonld-ld-1")
    assert course.municipality.name == "Quakenbrück" and course.cost_eur == 0 and course.languages == ["Deutsch"]
    online = session.get(Offer, "jsonld-ld-2")
    assert online.online and online.lat is None and online.municipality is None
    assert str(online.start_date) == "2027-01-12"


def write(tmp_path: Path, offers: list[dict]) -> Path:
    path = tmp_path / "offers.json"
    path.write_text(json.dumps({"source": "bad", "offers": offers}, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


GOOD = {"source_id": "g1", "title": "Guter Kurs", "category": "sprache", "provider": {"name": "VHS X"},
        "venue": {"municipality": "Melle"}}  # fmt: skip
BAD = [
    ({**GOOD, "source_id": "b1", "venue": {"municipality": "Atlantis"}}, "unbekannte Gemeinde"),
    ({**GOOD, "source_id": "b2", "start_date": "31.12.2027"}, "kein gültiges Datum"),
    ({**GOOD, "source_id": "b3", "cost_eur": -5}, "negativ"),
    ({**GOOD, "source_id": "b4", "title": ""}, "Titel fehlt"),
    ({**GOOD, "source_id": "b5", "category": "zauberei"}, "Kategorie"),
    ({**GOOD, "source_id": "b6", "url": "javascript:alert(1)"}, "http"),
]


def test_bad_rows_are_reported_with_line_and_reason(session, tmp_path: Path) -> None:
    path = write(tmp_path, [GOOD] + [row for row, _ in BAD])
    report = import_file(session=session, path=path)
    assert report.created == 1 and len(report.rejected) == len(BAD)
    lines = path.read_text(encoding="utf-8").splitlines()
    for rejected, (row, reason) in zip(report.rejected, BAD, strict=True):
        assert reason in rejected.reason
        assert f'"source_id": "{row["source_id"]}"' in "\n".join(lines[rejected.line - 1 : rejected.line + 3])


def test_strict_applies_nothing(session, tmp_path: Path) -> None:
    path = write(tmp_path, [{**GOOD, "source_id": "s1"}, BAD[0][0]])
    report = import_file(session=session, path=path, source="strict", strict=True)
    assert not report.applied and count(session, "strict") == 0


def test_update_reindexes(session, tmp_path: Path) -> None:
    import_file(session=session, path=write(tmp_path, [{**GOOD, "source_id": "u1"}]), source="upd")
    report = import_file(
        session=session, path=write(tmp_path, [{**GOOD, "source_id": "u1", "title": "Töpferkurs"}]), source="upd"
    )
    assert report.updated == 1
    terms = set(session.scalars(select(OfferTerm.term).where(OfferTerm.offer_id == "upd-u1")))
    assert "toepferkurs" in terms and "gut" not in terms


def test_csv_bad_row_line_numbers(session, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "source_id,title,category,provider_name,venue_municipality\n"
        "c1,Kurs A,sprache,VHS,Melle\n"
        "c2,,sprache,VHS,Melle\n"
        "c3,Kurs C,sprache,VHS,Nirgendwo\n",
        encoding="utf-8",
    )
    report = import_file(session=session, path=path, source="csvbad")
    assert report.created == 1
    assert [(r.line, r.source_id) for r in report.rejected] == [(3, "c2"), (4, "c3")]
