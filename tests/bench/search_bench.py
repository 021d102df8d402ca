"""Search latency with the sample catalogue and synthetic catalogues (10 000 and 200 000 offers),
on SQLite and, when BILDUNGSLOTSE_TEST_POSTGRES_URL is set, on PostgreSQL. Run by `make bench`.

Synthetic offers are copies of the sample offers at random municipalities (terms computed once per
template), so the index has the real vocabulary at a realistic density."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid

import yaml
from sqlalchemy import create_engine, insert, select, text
from tqdm import tqdm

from catalogue.index import offer_terms
from catalogue.models import Municipality, Offer, OfferTag, OfferTerm
from catalogue.service import SearchQuery, search
from catalogue.text import warm_up
from catalogue.versioned import bump_catalogue_version
from cli.main import setup_database
from core.db import dispose, get_engine, session_scope
from tests.catalogue.search_quality import QUERIES, evaluate

COLUMNS = [c.key for c in Offer.__table__.columns if c.key not in ("id", "source", "source_id")]


def grow(url: str, size: int, seed: int = 7) -> None:
    """Add synthetic offers until the catalogue has `size` offers."""
    rng = random.Random(seed)
    with session_scope(url) as session:
        templates = list(session.scalars(select(Offer).where(Offer.source == "sample")))
        places = list(session.scalars(select(Municipality)))
        terms = {t.id: offer_terms(t, t.provider.name) for t in templates}
        existing = session.query(Offer).count()
        missing = size - existing
    batch = 2000
    for start in tqdm(range(0, max(missing, 0), batch), desc=f"{size} Angebote", unit="Block"):
        offers, term_rows, tag_rows = [], [], []
        for i in range(start, min(start + batch, missing)):
            t = templates[i % len(templates)]
            row = {c: getattr(t, c) for c in COLUMNS}
            oid = f"synthetic-{existing + i}"
            row.update(id=oid, source="synthetic", source_id=str(existing + i))
            if not t.online:
                m = rng.choice(places)
                row.update(municipality_ags=m.ags, lat=m.lat + rng.uniform(-0.01, 0.01), lon=m.lon + rng.uniform(-0.01, 0.01))
            offers.append(row)
            term_rows.extend({"term": k, "offer_id": oid, "weight": w} for k, w in terms[t.id].items())
            tag_rows.extend({"offer_id": oid, "kind": "target_group", "value": g} for g in set(t.target_groups or []))
        with session_scope(url) as session:
            session.execute(insert(Offer), offers)
            session.execute(insert(OfferTerm), term_rows)
            if tag_rows:
                session.execute(insert(OfferTag), tag_rows)
    with session_scope(url) as session:
        bump_catalogue_version(session=session)
    if url.startswith("postgresql"):
        with get_engine(url).connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()


def latencies(url: str, rounds: int = 3) -> list[float]:
    cases = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]
    out = []
    warm_up()  # as the gateway and the action server do at start
    with session_scope(url) as session:
        search(session=session, query=SearchQuery(q="warm up", municipality="Melle"))
    for _ in range(rounds):
        for case in cases:
            start = time.perf_counter()
            with session_scope(url) as session:  # one session per request, as in the app
                search(session=session, query=SearchQuery(q=case["q"], municipality=case.get("near"), limit=3))
            out.append((time.perf_counter() - start) * 1000)
    return out


def report(label: str, values: list[float]) -> str:
    q = statistics.quantiles(values, n=100)
    return f"{label:32s} n={len(values):4d}  p50 {q[49]:7.1f} ms  p95 {q[94]:7.1f} ms  max {max(values):7.1f} ms"


def fresh_postgres(base: str) -> tuple[str, str]:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name, name


def drop_postgres(base: str, name: str, url: str) -> None:
    dispose(url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,200000", help="synthetic catalogue sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the labelled queries per size")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    backends = [("SQLite", None)]
    pg = os.environ.get("BILDUNGSLOTSE_TEST_POSTGRES_URL")
    if pg and not args.no_postgres:
        backends.append(("PostgreSQL", pg))
    lines = []
    for backend, base in backends:
        if base:
            url, name = fresh_postgres(base)
        else:
            url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
        try:
            setup_database(url, progress=True)
            with session_scope(url) as session:
                quality = evaluate(session)
            lines.append(f"{backend}: quality on sample: P@3 {quality.precision_at_3:.3f}, first right {quality.first_right:.3f}")
            lines.append(report(f"{backend} sample (495)", latencies(url, args.rounds)))
            for size in sizes:
                start = time.perf_counter()
                grow(url, size)
                lines.append(f"{backend}: built {size} offers in {time.perf_counter() - start:.0f} s")
                lines.append(report(f"{backend} {size}", latencies(url, args.rounds)))
                print(lines[-1], flush=True)
        finally:
            if base:
                drop_postgres(base, name, url)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
