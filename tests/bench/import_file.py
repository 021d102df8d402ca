"""Writes a JSON import file of N synthetic offers, copies of the sample offers at random municipalities,
to measure ``bildungslotse catalogue import`` at scale (the file the importer reads as it is).

    .venv/bin/python -m tests.bench.import_file --size 100000 --out /tmp/offers-100k.json
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import random
from pathlib import Path

from catalogue.reference import DATA
from cli.main import SAMPLE_CATALOGUE


def synthetic(size: int, seed: int = 7) -> dict[str, object]:
    """The sample catalogue grown to `size` offers with a source of their own ("synthetic-import")."""
    rng = random.Random(seed)
    sample = json.loads(SAMPLE_CATALOGUE.read_text(encoding="utf-8"))["offers"]
    places = _municipalities()
    offers = []
    for i in range(size):
        offer = copy.deepcopy(sample[i % len(sample)])
        offer["source_id"] = f"bulk-{i}"
        venue = offer.get("venue")
        if venue and not offer.get("online"):
            m = rng.choice(places)
            lat, lon = float(m["lat"]), float(m["lon"])
            venue.update(
                municipality=m["name"],
                postcode=None,
                lat=round(lat + rng.uniform(-0.01, 0.01), 5),
                lon=round(lon + rng.uniform(-0.01, 0.01), 5),
            )
        offers.append(offer)
    return {"source": "synthetic-import", "offers": offers}


def _municipalities() -> list[dict[str, str]]:
    with (DATA / "municipalities.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="number of offers in the file")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON file")
    args = parser.parse_args()
    args.out.write_text(json.dumps(synthetic(args.size), ensure_ascii=False), encoding="utf-8")
    print(f"{args.size} Angebote in {args.out}")


if __name__ == "__main__":
    main()
