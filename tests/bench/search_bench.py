"""Search latency as the catalogue grows (default 10 000, 100 000 and 1 000 000 offers; SQLite up to
200 000), on SQLite and, when BILDUNGSLOTSE_TEST_POSTGRES_URL is set, on PostgreSQL. Run by `make bench`.
Per size: the build time, p50/p95/max of the API's worst case (a place, no radius) over the labelled
queries (tests/search_queries.yml), and the time and memory of loading the ranking's column snapshot. The
machine's other load counts in: the numbers are upper bounds.

Synthetic offers are copies of the sample offers at random municipalities (with the sample's term sets and
texts), so the search sees the real vocabulary at a realistic density: a county catalogue repeats its
courses in many places and on many dates. A catalogue whose every offer has a text of its own would have as
many term sets and vectors as offers, which this benchmark does not measure."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid

import yaml
from sqlalchemy import create_engine, func, insert, select, text
from tqdm import tqdm

from catalogue.columns import load_columns
from catalogue.models import Municipality, Offer, OfferTag
from catalogue.service import SearchQuery, search
from catalogue.text import warm_up
from catalogue.versioned import bump_catalogue_version
from cli.main import setup_database
from core.db import dispose, get_engine, session_scope
from tests.catalogue.search_quality import QUERIES, evaluate

COLUMNS = [c.key for c in Offer.__table__.columns if c.key not in ("id", "source", "source_id")]


def grow(url: str, size: int, seed: int = 7) -> None:
    """Add synthetic offers until the catalogue has `size` offers (PostgreSQL: server-side, see grow_postgres)."""
    if url.startswith("postgresql"):
        grow_postgres(url, size, seed)
        return
    rng = random.Random(seed)
    with session_scope(url) as session:
        templates = list(session.scalars(select(Offer).where(Offer.source == "sample")))
        places = list(session.scalars(select(Municipality)))
        existing = session.query(Offer).count()
        missing = size - existing
    batch = 2000
    for start in tqdm(range(0, max(missing, 0), batch), desc=f"{size} Angebote", unit="Block"):
        offers, tag_rows = [], []
        for i in range(start, min(start + batch, missing)):
            t = templates[i % len(templates)]
            row = {c: getattr(t, c) for c in COLUMNS}
            oid = f"synthetic-{existing + i}"
            row.update(id=oid, source="synthetic", source_id=str(existing + i))
            if not t.online:
                m = rng.choice(places)
                row.update(municipality_ags=m.ags, lat=m.lat + rng.uniform(-0.01, 0.01), lon=m.lon + rng.uniform(-0.01, 0.01))
            offers.append(row)
            tag_rows.extend({"offer_id": oid, "kind": "target_group", "value": g} for g in set(t.target_groups or []))
        with session_scope(url) as session:
            session.execute(insert(Offer), offers)
            if tag_rows:
                session.execute(insert(OfferTag), tag_rows)
    with session_scope(url) as session:
        bump_catalogue_version(session=session)
    if url.startswith("postgresql"):
        with get_engine(url).connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()


PG_CHUNK = 50_000
# Offer number g of the chunk :a … :b, and its template: the sample offer number (g - :a0) % :t, as in grow().
_SERIES = "generate_series(CAST(:a AS bigint), CAST(:b AS bigint)) g"
_TEMPLATE = "JOIN bench_tpl k ON k.n = (g - CAST(:a0 AS bigint)) % CAST(:t AS bigint)"
_NUMBERED = "CREATE TABLE {0} AS SELECT (row_number() OVER (ORDER BY {1})) - 1 AS n, {2} FROM {3}"


def grow_postgres(url: str, size: int, seed: int = 7) -> None:
    """The same synthetic offers as ``grow``, but copied inside the server (``INSERT … SELECT`` over
    generate_series): offers (with their term sets' keys) and tags come from the sample offers, venues from random
    municipalities. Row inserts through SQLAlchemy would take hours for 1 000 000."""
    engine = get_engine(url)
    cols = [c for c in COLUMNS if c not in ("municipality_ags", "lat", "lon")]
    insert_offers = (
        f"INSERT INTO offers (id, source, source_id, {', '.join(cols)}, municipality_ags, lat, lon) "
        f"SELECT 'synthetic-' || g, 'synthetic', g::text, {', '.join(f't.{c}' for c in cols)}, "
        "CASE WHEN t.online THEN t.municipality_ags ELSE p.ags END, "
        "CASE WHEN t.online THEN t.lat ELSE p.lat + (random() - 0.5) * 0.02 END, "
        "CASE WHEN t.online THEN t.lon ELSE p.lon + (random() - 0.5) * 0.02 END "
        f"FROM (SELECT g, floor(random() * CAST(:p AS int))::int AS pn FROM {_SERIES}) s "
        f"{_TEMPLATE} JOIN offers t ON t.id = k.id JOIN bench_places p ON p.n = s.pn"
    )
    insert_tags = (
        "INSERT INTO offer_tags (offer_id, kind, value) SELECT 'synthetic-' || g, tg.kind, tg.value "
        f"FROM {_SERIES} {_TEMPLATE} JOIN offer_tags tg ON tg.offer_id = k.id"
    )
    with engine.connect() as conn:
        conn.execute(text("SET synchronous_commit = off"))
        existing = conn.scalar(text("SELECT count(*) FROM offers")) or 0
        conn.execute(text("DROP TABLE IF EXISTS bench_tpl, bench_places"))
        conn.execute(text(_NUMBERED.format("bench_tpl", "id", "id", "offers WHERE source = 'sample'")))
        conn.execute(text(_NUMBERED.format("bench_places", "ags", "ags, lat, lon", "municipalities")))
        n_tpl = conn.scalar(text("SELECT count(*) FROM bench_tpl"))
        n_places = conn.scalar(text("SELECT count(*) FROM bench_places"))
        conn.execute(text("SELECT setseed(:s)"), {"s": (seed % 100) / 100})
        conn.commit()
        missing = max(size - existing, 0)
        with tqdm(total=missing, desc=f"{size} Angebote (PostgreSQL)", unit="Angebot") as bar:
            for start in range(0, missing, PG_CHUNK):
                last = existing + min(start + PG_CHUNK, missing) - 1
                params = {"a": existing + start, "b": last, "a0": existing, "t": n_tpl, "p": n_places}
                for statement in (insert_offers, insert_tags):
                    conn.execute(text(statement), params)
                conn.commit()
                bar.update(last - params["a"] + 1)
        conn.execute(text("DROP TABLE bench_tpl, bench_places"))
        conn.commit()
    with session_scope(url) as session:
        bump_catalogue_version(session=session)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


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


def snapshot_cost(url: str) -> str:
    """Loading the ranking's column snapshot (each searching process, at start and after every import)."""
    with session_scope(url) as session:
        start = time.perf_counter()
        cols = load_columns(session)
        seconds = time.perf_counter() - start
    return f"{'':32s} columns: {len(cols)} offers loaded in {seconds:.2f} s, {cols.nbytes / 1e6:.1f} MB of arrays"


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


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only, even with BILDUNGSLOTSE_TEST_POSTGRES_URL")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")


def chosen_backends(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """(label, PostgreSQL base URL or None for a new SQLite file) per database the benchmark runs on."""
    backends: list[tuple[str, str | None]] = [] if args.no_sqlite else [("SQLite", None)]
    pg = os.environ.get("BILDUNGSLOTSE_TEST_POSTGRES_URL")
    if pg and not args.no_postgres:
        backends.append(("PostgreSQL", pg))
    return backends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="synthetic catalogue sizes, comma-separated")
    parser.add_argument(
        "--sqlite-max",
        type=int,
        default=200_000,
        help="SQLite runs the sizes up to this one and then this one itself (its row-by-row build is slow)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="passes over the labelled queries per size")
    parser.add_argument(
        "--database-url",
        help="measure this existing catalogue as it is (migrated first; nothing is built or dropped), e.g. one "
        "grown once with grow(url, 1_000_000), instead of building fresh databases",
    )
    add_backend_options(parser)
    args = parser.parse_args()
    if args.database_url:
        setup_database(args.database_url, sample=False)
        with session_scope(args.database_url) as session:
            size = session.scalar(select(func.count()).select_from(Offer))
        print(report(f"{args.database_url.split('://')[0]} {size}", latencies(args.database_url, args.rounds)))
        print(snapshot_cost(args.database_url))
        return
    sizes = sorted({int(s) for s in args.sizes.split(",") if s})
    backends = chosen_backends(args)
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
            wanted = sizes
            if not base:  # SQLite: the sizes up to --sqlite-max, and --sqlite-max for the sizes beyond it
                wanted = sorted({min(size, args.sqlite_max) for size in sizes})
            for size in wanted:
                start = time.perf_counter()
                grow(url, size)
                lines.append(f"{backend}: built {size} offers in {time.perf_counter() - start:.0f} s")
                lines.append(report(f"{backend} {size}", latencies(url, args.rounds)))
                lines.append(snapshot_cost(url))
                print("\n".join(lines[-2:]), flush=True)
        finally:
            if base:
                drop_postgres(base, name, url)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
