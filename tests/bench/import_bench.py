"""Bulk import speed: a generated file of N new offers (``tests.bench.import_file``) imported into a fresh
database, on SQLite and, when BILDUNGSLOTSE_TEST_POSTGRES_URL is set, on PostgreSQL (a database of its own,
dropped afterwards). Run by `make bench`. Prints seconds and offers/s per phase:

    read     parse the file             check    validate rows, look up places
    known    read the offers already stored      terms    terms, tags and text key per offer
    offers   INSERT/UPDATE offers       index    DELETE/INSERT offer_tags and new term sets
    vectors  embed the new distinct texts        version  bump the catalogue version
    commit   the one transaction

A generated file repeats the sample's few hundred texts, so its vectors phase says little about a real
catalogue: ``--embed-sample`` embeds that many distinct texts on their own and prints the cost per text,
from which the vectors of N distinct texts follow. The machine's other load counts in: upper bounds.

    .venv/bin/python -m tests.bench.import_bench --sizes 10000,100000 --reimport
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from catalogue import semantic
from catalogue.importer import ImportReport, clock, import_rows, read_file
from catalogue.text import warm_up
from cli.main import setup_database
from core.db import dispose, session_scope
from tests.bench.import_file import synthetic
from tests.bench.search_bench import add_backend_options, chosen_backends, drop_postgres, fresh_postgres

PHASES = ("read", "check", "known", "terms", "offers", "index", "vectors", "version", "commit")


def run_import(url: str, path: Path) -> ImportReport:
    """One import as ``bildungslotse catalogue import`` does it; the report holds the time of every phase."""
    started = clock()
    parsed = read_file(path)
    read = clock()
    with session_scope(url) as session:
        report = import_rows(session=session, rows=parsed.rows, source=parsed.source or "import", progress=True)
        committing = clock()
    report.lap("commit", committing)
    report.seconds["read"], report.cpu_seconds["read"] = read[0] - started[0], read[1] - started[1]
    report.lap("total", started)
    return report


def phase_lines(label: str, size: int, report: ImportReport) -> list[str]:
    counts = f"neu {report.created}, geändert {report.updated}, unverändert {report.unchanged}"
    lines = [f"{label}: {counts}, abgelehnt {len(report.rejected)}   (wall s, offers/s per wall s, CPU s of this process)"]
    for phase in (*PHASES, "total"):
        if phase in report.seconds:
            s, cpu = report.seconds[phase], report.cpu_seconds[phase]
            rate = f"{size / s:10,.0f} offers/s" if s > 0 else " " * 19
            lines.append(f"  {phase:8s} {s:9.2f} s {rate}  CPU {cpu:8.2f} s")
    return lines


def embed_cost(count: int) -> float:
    """Seconds per text for embedding `count` distinct offer-like texts in batches, as embed_missing does."""
    from catalogue.index import EMBED_BATCH

    texts = [f"Kurs Nummer {i}: Deutsch für den Beruf, Stufe {i % 7}. sprache" for i in range(count)]
    model = semantic.embedder()
    model.passages(texts[:2])  # load the model outside the measurement
    started = time.perf_counter()
    for start in range(0, count, EMBED_BATCH):
        model.passages(texts[start : start + EMBED_BATCH])
    return (time.perf_counter() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="numbers of new offers, comma-separated")
    parser.add_argument("--reimport", action="store_true", help="import each file a second time (all unchanged)")
    parser.add_argument("--embed-sample", type=int, default=256, help="distinct texts embedded for the cost per text (0: skip)")
    add_backend_options(parser)
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s})
    backends = chosen_backends(args)
    warm_up()  # the lemma table and compound vocabulary, as the CLI loads them on the first offer
    workdir = Path(tempfile.mkdtemp())
    lines: list[str] = []
    for size in sizes:
        path = workdir / f"offers-{size}.json"
        path.write_text(json.dumps(synthetic(size), ensure_ascii=False), encoding="utf-8")
        for backend, base in backends:
            name = None
            if base:
                url, name = fresh_postgres(base)
            else:
                url = f"sqlite:///{workdir}/import-{size}.db"
            try:
                setup_database(url, sample=False)
                new = phase_lines(f"{backend} {size} new offers", size, run_import(url, path))
                if args.reimport:
                    new += phase_lines(f"{backend} {size} offers again", size, run_import(url, path))
                print("\n".join(new), flush=True)
                lines += new
            finally:
                if base and name:
                    drop_postgres(base, name, url)
                else:
                    dispose(url)
        path.unlink()
    if args.embed_sample:
        per_text = embed_cost(args.embed_sample)
        lines.append(
            f"vectors: {per_text * 1000:.1f} ms per distinct text ({args.embed_sample} embedded); "
            f"1 000 000 distinct texts ≈ {per_text * 1_000_000 / 60:.0f} min"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
