import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalogue import importer, semantic
from catalogue.importer import ImportFileError, import_file
from catalogue.index import embed_text, offer_terms
from catalogue.models import Offer, OfferTag, OfferTermSet, OfferVector, Provider
from cli.main import main, setup_database
from core.db import read_scope

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
    terms = set(stored_terms(session, "upd-u1"))
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


# --- bulk storing in blocks ----------------------------------------------------------------------


def stored_terms(session, oid: str) -> dict[str, float]:
    """The terms of the offer's term set."""
    sets = select(OfferTermSet.term, OfferTermSet.weight).join(Offer, Offer.terms_key == OfferTermSet.terms_key)
    return dict(session.execute(sets.where(Offer.id == oid)).all())


def stored_tags(session, oid: str) -> set[tuple[str, str]]:
    return set(session.execute(select(OfferTag.kind, OfferTag.value).where(OfferTag.offer_id == oid)).all())


def test_import_in_blocks_creates_updates_and_keeps_offers(session, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(importer, "IMPORT_BLOCK", 2)  # five offers in three blocks
    provider = {"name": "Blockweise e. V.", "type": "verein"}
    first = [
        {**GOOD, "source_id": f"k{i}", "title": f"Töpferkurs {i}", "description": "Drehscheibe und Glasur",
         "provider": provider, "target_groups": ["eltern"], "languages": ["Deutsch", "Türkisch"]}
        for i in range(5)
    ]  # fmt: skip
    report = import_file(session=session, path=write(tmp_path, first), source="blk")
    assert (report.created, report.updated, report.unchanged, report.rejected) == (5, 0, 0, [])
    loaded = session.get(Offer, "blk-k2")  # held by the session while the next import changes it
    assert loaded is not None and loaded.title == "Töpferkurs 2"
    second = [
        first[0], first[1], {**first[2], "title": "Nähkurs am Abend"}, {**first[3], "target_groups": ["kinder"]},
        first[4], {**GOOD, "source_id": "k5", "provider": {"name": "Noch ein Anbieter"}},
    ]  # fmt: skip
    report = import_file(session=session, path=write(tmp_path, second), source="blk")
    assert (report.created, report.updated, report.unchanged, report.rejected) == (1, 2, 3, [])
    assert loaded.title == "Nähkurs am Abend"  # not the value read before the import
    for oid in ("blk-k0", "blk-k2", "blk-k3", "blk-k5"):
        offer = session.get(Offer, oid)
        # the bulk path stores exactly the terms of the stored offer, and its text key
        assert stored_terms(session, oid) == offer_terms(offer, offer.provider.name)
        assert offer.text_key == semantic.text_key(embed_text(offer.title, offer.keywords, offer.category))
        assert session.get(OfferVector, offer.text_key) is not None
    assert "naehkurs" in stored_terms(session, "blk-k2") and "toepferkurs" not in stored_terms(session, "blk-k2")
    assert stored_tags(session, "blk-k3") == {("target_group", "kinder"), ("language", "deutsch"), ("language", "türkisch")}
    assert stored_tags(session, "blk-k5") == {("language", "deutsch")}
    providers = {p.name: p.type for p in session.scalars(select(Provider).where(Provider.name.like("%nbieter%")))}
    assert providers["Noch ein Anbieter"] == "bildungstraeger"
    assert session.get(Offer, "blk-k0").provider.type == "verein"


def test_offers_sharing_a_description_keep_their_own_title_terms(session, tmp_path: Path) -> None:
    rows = [
        {**GOOD, "source_id": "d1", "title": "Gabelstaplerschein", "description": "Theorie und Praxis"},
        {**GOOD, "source_id": "d2", "title": "Schweißerkurs", "description": "Theorie und Praxis"},
    ]
    import_file(session=session, path=write(tmp_path, rows), source="desc")
    stapler, schweiss = stored_terms(session, "desc-d1"), stored_terms(session, "desc-d2")
    assert stapler["gabelstaplerschein"] == 3.0 and "schweisserkurs" not in stapler
    assert schweiss["schweisserkurs"] == 3.0 and "gabelstaplerschein" not in schweiss
    assert stapler["theorie"] == schweiss["theorie"] == 1.0


# --- row-level problems never abort the import ----------------------------------------------------

CSV_HEADER = "source_id,title,category,provider_name,venue_municipality,weekdays,schedule\n"


def test_bad_weekday_in_csv_rejects_only_that_row(session, tmp_path: Path) -> None:
    path = tmp_path / "wochentage.csv"
    path.write_text(
        CSV_HEADER + "w1,Kurs A,sprache,VHS,Melle,2|4,dienstags\n"
        "w2,Kurs B,sprache,VHS,Melle,Mo|Mi,montags\n"
        "w3,Kurs C,sprache,VHS,Bohmte,5,freitags\n",
        encoding="utf-8",
    )
    report = import_file(session=session, path=path, source="wd")
    assert report.created == 2 and report.applied
    assert [(r.line, r.source_id) for r in report.rejected] == [(3, "w2")]
    assert "weekdays: 'Mo' ist kein Wochentag" in report.rejected[0].reason
    assert session.get(Offer, "wd-w1").weekdays == [2, 4] and session.get(Offer, "wd-w3").weekdays == [5]
    assert session.get(Offer, "wd-w2") is None


def test_bad_weekday_with_strict_imports_nothing(session, tmp_path: Path) -> None:
    path = tmp_path / "wochentage.csv"
    path.write_text(CSV_HEADER + "s1,Kurs A,sprache,VHS,Melle,2,x\ns2,Kurs B,sprache,VHS,Melle,8,x\n", encoding="utf-8")
    report = import_file(session=session, path=path, source="wd-strict", strict=True)
    assert not report.applied and report.created == 0 and [r.line for r in report.rejected] == [3]
    assert count(session, "wd-strict") == 0


MORE_BAD = [
    ({**GOOD, "source_id": "m1", "weekdays": [2, 9]}, "weekdays: '9' ist kein Wochentag"),
    ({**GOOD, "source_id": "m2", "weekdays": "Dienstag"}, "kein Wochentag"),
    ({**GOOD, "source_id": "m3", "cost_eur": "zwölf"}, "cost_eur: keine Zahl"),
    ({**GOOD, "source_id": "m4", "age_min": "NaN"}, "keine endliche Zahl"),
    ({**GOOD, "source_id": "m5", "end_date": "2027-02-30"}, "end_date: kein gültiges Datum"),
    ({**GOOD, "source_id": ""}, "source_id fehlt"),
    ({**GOOD, "source_id": "m7", "provider": {"name": " "}}, "Anbieter fehlt"),
    ({**GOOD, "source_id": "m8", "online": "vielleicht"}, "weder ja noch nein"),
    ({**GOOD, "source_id": "m9", "venue": {"municipality": "Melle", "postcode": "4932"}}, "nicht fünf Ziffern"),
    ({**GOOD, "source_id": "m10", "schedule": "x" * 201}, "schedule: zu lang"),
    ({**GOOD, "source_id": "m11", "target_groups": {"eltern": True}}, "target_groups: Liste erwartet"),
    ({**GOOD, "source_id": "m12", "venue": "Melle"}, "venue: Objekt"),
    ({**GOOD, "source_id": "m13", "contact_email": "kein-at-zeichen"}, "keine E-Mail-Adresse"),
    ({**GOOD, "source_id": "m14", "funding": ["geschenkt"]}, "funding: unbekannte Werte"),
    ({**GOOD, "source_id": "m15", "category": "weiterbildung"}, "Branche"),
    ({**GOOD, "source_id": "g1"}, "kommt doppelt vor"),
    ("kein Angebot", "kein Objekt"),
]


def test_every_kind_of_bad_json_row_is_reported_and_the_good_ones_go_in(session, tmp_path: Path) -> None:
    path = write(tmp_path, [GOOD, *(row for row, _ in MORE_BAD), {**GOOD, "source_id": "g2", "weekdays": [1, 3]}])
    report = import_file(session=session, path=path)
    assert report.created == 2 and report.applied
    lines = path.read_text(encoding="utf-8").splitlines()
    for rejected, (row, reason) in zip(report.rejected, MORE_BAD, strict=True):
        assert reason in rejected.reason, rejected
        if isinstance(row, dict) and row["source_id"]:
            assert rejected.source_id == row["source_id"]
            assert f'"source_id": "{row["source_id"]}"' in "\n".join(lines[rejected.line - 1 : rejected.line + 3])
    assert session.get(Offer, "bad-g2").weekdays == [1, 3]


def test_jsonld_odd_course_and_bad_date_are_row_problems(session, tmp_path: Path) -> None:
    good = {"@type": "Course", "courseCode": "j1", "name": "Deutsch A1", "category": "sprache",
            "provider": {"name": "Sprachschule"},
            "hasCourseInstance": {"courseMode": "onsite", "location": {"address": {"addressLocality": "Melle"}}}}  # fmt: skip
    odd = {**good, "courseCode": "j2", "hasCourseInstance": ["nur ein Text"]}
    bad_date = {**good, "courseCode": "j3", "hasCourseInstance": {**good["hasCourseInstance"], "startDate": "März 2027"}}
    path = tmp_path / "kurse.jsonld"
    path.write_text(json.dumps({"@context": "https://schema.org", "@graph": [good, odd, bad_date]}, indent=1), encoding="utf-8")
    report = import_file(session=session, path=path)
    assert report.created == 1
    assert [r.source_id for r in report.rejected] == ["j2", "j3"]
    assert "JSON-LD-Objekt" in report.rejected[0].reason and "start_date: kein gültiges Datum" in report.rejected[1].reason
    assert all(r.line > 1 for r in report.rejected)


def test_semicolon_csv_and_unknown_columns(session, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text(
        "source_id;title;category;provider_name;venue_municipality;titel\nx1;Kurs;sprache;VHS;Melle;?\n", encoding="utf-8"
    )
    report = import_file(session=session, path=path, source="excel")
    assert report.created == 1 and report.ignored_columns == ["titel"]


def test_csv_row_with_extra_cells_is_rejected(session, tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text(CSV_HEADER + "e1,Kurs,sprache,VHS,Melle,1,x\ne2,Kurs,sprache,VHS,Melle,1,x,zu viel\n", encoding="utf-8")
    report = import_file(session=session, path=path, source="extra")
    assert report.created == 1 and [(r.line, r.source_id) for r in report.rejected] == [(3, "e2")]
    assert "mehr als Spalten" in report.rejected[0].reason


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", b'{"offers": [\n{"source_id": "a",}\n]}', "kein gültiges JSON in Zeile 2"),
        ("latin1.csv", "source_id,title\nx,Kurs für Mütter\n".encode("latin-1"), "keine UTF-8-Datei (Zeile 2)"),
        ("nolist.json", b'{"source": "x", "angebote": []}', 'keine Liste "offers"'),
    ],
)
def test_unreadable_files_raise_a_german_file_error(session, tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=re.escape(message)):
        import_file(session=session, path=path)


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database of its own: the CLI commits, and these offers must not leak into the search tests."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-import') / 'cli.db'}"
    setup_database(url, sample=False)
    return url


def run_import(url: str, path: Path, *extra: str) -> int:
    return main(["--database-url", url, "catalogue", "import", str(path), *extra])


def test_cli_reports_bad_weekday_in_german_and_exits_zero(cli_db: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "import.csv"
    path.write_text(CSV_HEADER + "k1,Kurs A,sprache,VHS,Melle,2,x\nk2,Kurs B,sprache,VHS,Melle,Mo,x\n", encoding="utf-8")
    assert run_import(cli_db, path, "--source", "cli-wd") == 0
    out, err = capsys.readouterr()
    assert "Zeile 3 (k2): weekdays: 'Mo' ist kein Wochentag (1 = Montag … 7 = Sonntag)" in err
    assert "Import angewendet: neu 1, geändert 0, unverändert 0, abgelehnt 1" in out
    with read_scope(cli_db) as s:
        assert count(s, "cli-wd") == 1


def test_cli_strict_exits_one_and_imports_nothing(cli_db: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "import.csv"
    path.write_text(CSV_HEADER + "k1,Kurs A,sprache,VHS,Melle,2,x\nk2,Kurs B,sprache,VHS,Melle,Mo,x\n", encoding="utf-8")
    assert run_import(cli_db, path, "--source", "cli-strict", "--strict") == 1
    out, err = capsys.readouterr()
    assert "NICHT angewendet" in out and "Zeile 3 (k2)" in err
    with read_scope(cli_db) as s:
        assert count(s, "cli-strict") == 0


def test_cli_exits_one_when_no_row_is_good_and_two_when_unreadable(cli_db: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "import.csv"
    path.write_text(CSV_HEADER + "k1,,sprache,VHS,Melle,2,x\n", encoding="utf-8")
    assert run_import(cli_db, path, "--source", "cli-none") == 1
    assert "Zeile 2 (k1): Titel fehlt" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text(CSV_HEADER, encoding="utf-8")
    assert run_import(cli_db, empty) == 1
    assert "keine Angebote" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{"offers": [', encoding="utf-8")
    assert run_import(cli_db, broken) == 2
    assert "Datei nicht lesbar: kein gültiges JSON in Zeile 1" in capsys.readouterr().err
