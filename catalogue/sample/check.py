#!/usr/bin/env python3
"""Validate the Bildungslotse sample catalogue (offers.json) and print its distribution.

Exits with status 1 and a list of problems if any rule is broken.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere in the repo
from catalogue import models

HERE = Path(__file__).resolve().parent
CSV_PATH = HERE.parent / "data" / "municipalities.csv"

# The enumerations come from the data model, so the check and the importer can never disagree.
CATEGORIES, SECTORS, TARGET_GROUPS, FUNDING, PROVIDER_TYPES = (
    set(values) for values in (models.CATEGORIES, models.SECTORS, models.TARGET_GROUPS, models.FUNDING, models.PROVIDER_TYPES)
)
TOP_KEYS = ["source", "note", "generated_for", "offers"]
OFFER_KEYS = [
    "source_id",
    "title",
    "description",
    "category",
    "sector",
    "keywords",
    "provider",
    "venue",
    "online",
    "target_groups",
    "age_min",
    "age_max",
    "languages",
    "start_date",
    "end_date",
    "weekdays",
    "schedule",
    "duration_hours",
    "cost_eur",
    "funding",
    "accessibility",
    "childcare",
    "contact_email",
    "contact_phone",
    "url",
    "updated_at",
]
VENUE_KEYS = ["address", "postcode", "municipality", "lat", "lon"]

MIN_TOTAL = 440
MIN_PER_CATEGORY = 35
MIN_WEITERBILDUNG = 90
MIN_PER_SECTOR = 15
MIN_PER_MUNICIPALITY = 3
PROVIDERS_RANGE = (40, 60)
ONLINE_RANGE = (0.06, 0.12)

# Coverage rules: (label, predicate on an offer, minimum number of municipalities, municipalities required).
GERMAN = re.compile(r"deutsch|integrationskurs|berufssprachkurs|alphabetisierung", re.I)
NOT_A_COURSE = re.compile(r"café|treff", re.I)


def is_german_course(o: dict) -> bool:
    return o["category"] == "sprache" and bool(GERMAN.search(o["title"])) and not NOT_A_COURSE.search(o["title"])


COVERAGE = [
    ("Deutschkurse", lambda o: is_german_course(o), 12, ["Quakenbrück", "Melle", "Bohmte", "Bramsche", "Osnabrück"]),
    ("PEKiP/Krabbelgruppen", lambda o: re.search(r"pekip|krabbel", o["title"], re.I), 10, ["Bohmte"]),
    ("Staplerschein", lambda o: re.search(r"stapler", o["title"], re.I), 5, []),
    ("Nachhilfe/Hausaufgabenhilfe", lambda o: re.search(r"nachhilfe|hausaufgaben|lernförderung", o["title"], re.I), 10, []),
    ("Kindertagespflege", lambda o: re.search(r"tagespflege|tagesmutter|tagesmütter", o["title"], re.I), 8, []),
    ("Pflegekurse", lambda o: o["sector"] == "gesundheit", 6, []),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=HERE / "offers.json", help="file to check")
    args = ap.parse_args(argv)

    munis = {}
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            munis[row["name"]] = {"postcodes": set(row["postcodes"].split()), "lat": float(row["lat"]), "lon": float(row["lon"])}
    doc = json.loads(args.path.read_text(encoding="utf-8"))
    errors: list[str] = []

    def err(msg: str) -> None:
        errors.append(msg)

    if list(doc) != TOP_KEYS:
        err(f"top-level keys {list(doc)} != {TOP_KEYS}")
    if doc.get("source") != "sample":
        err("source must be 'sample'")
    today = dt.date.fromisoformat(doc["generated_for"])
    offers = doc["offers"]

    ids = Counter(o.get("source_id") for o in offers)
    for sid, n in ids.items():
        if n > 1:
            err(f"duplicate source_id {sid}")
    triples = Counter((o["title"], o["provider"]["name"], (o["venue"] or {}).get("municipality")) for o in offers)
    for t, n in triples.items():
        if n > 1:
            err(f"duplicate (title, provider, municipality) {t}")
    provider_types: dict[str, set[str]] = defaultdict(set)

    for o in offers:
        sid = o.get("source_id", "?")

        def bad(msg: str, sid: str = sid) -> None:
            err(f"{sid}: {msg}")

        if list(o) != OFFER_KEYS:
            bad(f"keys differ: {sorted(set(o) ^ set(OFFER_KEYS))}")
            continue
        if o["category"] not in CATEGORIES:
            bad(f"category {o['category']!r}")
        if o["category"] == "weiterbildung":
            if o["sector"] not in SECTORS:
                bad(f"sector {o['sector']!r}")
        elif o["sector"] is not None:
            bad("sector must be null outside weiterbildung")
        if not o["title"].strip() or not o["description"].strip():
            bad("empty title or description")
        if not 2 <= len(o["keywords"]) <= 6 or len(set(o["keywords"])) != len(o["keywords"]):
            bad(f"keywords {o['keywords']}")
        if set(o["target_groups"]) - TARGET_GROUPS or not o["target_groups"]:
            bad(f"target_groups {o['target_groups']}")
        if set(o["funding"]) - FUNDING:
            bad(f"funding {o['funding']}")
        p = o["provider"]
        if p["type"] not in PROVIDER_TYPES or not p["name"]:
            bad(f"provider {p}")
        provider_types[p["name"]].add(p["type"])
        if not o["languages"] or ("Deutsch" not in o["languages"] and o["category"] != "sprache"):
            bad(f"languages {o['languages']}")

        # place
        v = o["venue"]
        if o["online"] != (v is None):
            bad("online must be true exactly when venue is null")
        if v is not None:
            if list(v) != VENUE_KEYS:
                bad(f"venue keys {list(v)}")
            elif v["municipality"] not in munis:
                bad(f"unknown municipality {v['municipality']!r}")
            else:
                m = munis[v["municipality"]]
                if v["postcode"] not in m["postcodes"]:
                    bad(f"postcode {v['postcode']} not in {v['municipality']}")
                if abs(v["lat"] - m["lat"]) > 0.01001 or abs(v["lon"] - m["lon"]) > 0.01001:
                    bad("coordinates too far from the municipality")
                if round(v["lat"], 4) != v["lat"] or round(v["lon"], 4) != v["lon"]:
                    bad("coordinates not rounded to 4 decimals")
                if not v["address"]:
                    bad("empty address")

        # people, money
        amin, amax = o["age_min"], o["age_max"]
        if amin is not None and amax is not None and amax < amin:
            bad("age_max < age_min")
        if any(a is not None and not 0 <= a <= 99 for a in (amin, amax)):
            bad("implausible age")
        if o["cost_eur"] is not None and o["cost_eur"] < 0:
            bad("negative cost")
        if "bamf" in o["funding"] and o["category"] != "sprache":
            bad("bamf funding outside sprache")
        if "Integrationskurs" in o["title"] and o["cost_eur"] not in (0, None):
            bad("integration course must be free")
        if "bildungsgutschein" in o["funding"] and o["category"] != "weiterbildung":
            bad("bildungsgutschein outside weiterbildung")
        if "aufstiegs_bafoeg" in o["funding"] and not re.search(r"meister|fachwirt|techniker|betriebswirt", o["title"], re.I):
            bad("aufstiegs_bafoeg only for Meister/Fachwirt/Techniker")
        if o["category"] == "beratung" and o["cost_eur"] not in (0, None):
            bad("counselling must be free")
        # title promises kept
        title = o["title"]
        if "Kinderbetreuung" in title and not o["childcare"]:
            bad("title promises childcare")
        if re.search(r"Frauen|Mütter(?! und)", title) and "frauen" not in o["target_groups"]:
            bad("title addresses women but target_groups lack 'frauen'")
        if re.search(r"Senioren|Ältere|60plus", title) and "senioren" not in o["target_groups"]:
            bad("title addresses seniors but target_groups lack 'senioren'")
        if "Vollzeit" in title and "Vollzeit" not in o["schedule"]:
            bad("full-time title without full-time schedule")
        if "integrationskurs" in title.lower() and ("bamf" not in o["funding"] or o["cost_eur"] != 0):
            bad("integration course must be BAMF-funded and free")

        # time
        try:
            start = dt.date.fromisoformat(o["start_date"]) if o["start_date"] else None
            end = dt.date.fromisoformat(o["end_date"]) if o["end_date"] else None
            updated = dt.date.fromisoformat(o["updated_at"])
        except ValueError as exc:
            bad(f"date: {exc}")
            continue
        if start and end and end < start:
            bad("end_date before start_date")
        if end and not start:
            bad("end_date without start_date")
        if start and not (today - dt.timedelta(days=60) <= start <= today + dt.timedelta(days=180)):
            bad(f"start_date {start} outside today-60..today+180")
        if start and start < today and (end is None or end < today):
            bad("started in the past but not running any more")
        if not today - dt.timedelta(days=60) <= updated <= today:
            bad(f"updated_at {updated} not within 60 days before {today}")
        wd = o["weekdays"]
        if wd is not None and (not wd or any(d not in range(1, 8) for d in wd) or wd != sorted(set(wd))):
            bad(f"weekdays {wd}")
        if o["schedule"].startswith("nach Vereinbarung") and (wd is not None or start is not None):
            bad("appointment offers have no weekdays and no start_date")
        if start and wd and start.isoweekday() not in wd:
            bad("start_date is not on one of the weekdays")
        if o["duration_hours"] is not None and o["duration_hours"] <= 0:
            bad("duration_hours must be positive")

        # contact
        if o["contact_phone"] is not None:
            bad("contact_phone must be null")
        if o["contact_email"] and not re.fullmatch(r"[a-z0-9.-]+@[a-z0-9.-]+\.example", o["contact_email"]):
            bad(f"contact_email {o['contact_email']}")
        if o["url"] != f"https://example.org/bildungslotse/angebote/{sid}":
            bad(f"url {o['url']}")
        if not isinstance(o["childcare"], bool) or not isinstance(o["online"], bool):
            bad("childcare/online must be booleans")

    for name, types in provider_types.items():
        if len(types) > 1:
            err(f"provider {name!r} has several types {types}")

    # distribution
    cats = Counter(o["category"] for o in offers)
    sectors = Counter(o["sector"] for o in offers if o["category"] == "weiterbildung")
    places = Counter(o["venue"]["municipality"] for o in offers if o["venue"])
    if len(offers) < MIN_TOTAL:
        err(f"only {len(offers)} offers (< {MIN_TOTAL})")
    for c in sorted(CATEGORIES):
        if cats[c] < MIN_PER_CATEGORY:
            err(f"category {c}: {cats[c]} < {MIN_PER_CATEGORY}")
    if cats["weiterbildung"] < MIN_WEITERBILDUNG:
        err(f"weiterbildung: {cats['weiterbildung']} < {MIN_WEITERBILDUNG}")
    for s in sorted(SECTORS):
        if sectors[s] < MIN_PER_SECTOR:
            err(f"sector {s}: {sectors[s]} < {MIN_PER_SECTOR}")
    for m in munis:
        if places[m] < MIN_PER_MUNICIPALITY:
            err(f"municipality {m}: {places[m]} < {MIN_PER_MUNICIPALITY}")
    online = sum(o["online"] for o in offers) / max(1, len(offers))
    if not ONLINE_RANGE[0] <= online <= ONLINE_RANGE[1]:
        err(f"online share {online:.1%} outside {ONLINE_RANGE}")
    if not PROVIDERS_RANGE[0] <= len(provider_types) <= PROVIDERS_RANGE[1]:
        err(f"{len(provider_types)} providers outside {PROVIDERS_RANGE}")
    coverage = {}
    for label, pred, need, required in COVERAGE:
        where = {o["venue"]["municipality"] for o in offers if o["venue"] and pred(o)}
        coverage[label] = len(where)
        if len(where) < need:
            err(f"{label}: only in {len(where)} municipalities (< {need})")
        for m in required:
            if m not in where:
                err(f"{label}: missing in {m}")

    # report
    print(f"{len(offers)} offers, {sum(o['online'] for o in offers)} online ({online:.1%})")
    print("\nper category:")
    for c, n in sorted(cats.items()):
        print(f"  {c:20} {n:4}")
    print("\nper sector (weiterbildung):")
    for s, n in sorted(sectors.items()):
        print(f"  {s:20} {n:4}")
    print("\nper municipality:")
    for m, n in sorted(places.items(), key=lambda x: (-x[1], x[0])):
        print(f"  {m:30} {n:4}")
    print("\ncoverage (municipalities):")
    for label, n in coverage.items():
        print(f"  {label:30} {n:4}")
    print(f"\ndistinct titles:       {len({o['title'] for o in offers})}")
    print(f"distinct descriptions: {len({o['description'] for o in offers})}")
    print(f"distinct providers:    {len(provider_types)}")

    if errors:
        print(f"\n{len(errors)} problem(s):", file=sys.stderr)
        for e in errors[:200]:
            print("  " + e, file=sys.stderr)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
