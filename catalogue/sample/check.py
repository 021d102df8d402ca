#!/usr/bin/env python3
"""Check the Bildungslotse sample catalogue (offers.json) and print its distribution.

Every offer must pass the importer's validation (the same code as ``bildungslotse catalogue import``);
on top of that come the sample's own rules: plausible content (titles keep their promises, dates around
the reference date) and the distribution and coverage targets in ``data/checks.yml``.
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

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script from anywhere in the repo
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # keep the sample folder free of __pycache__
from generate import rejected_rows  # noqa: E402

from catalogue.models import CATEGORIES, SECTORS  # noqa: E402

CSV_PATH = HERE.parent / "data" / "municipalities.csv"
RULES_PATH = HERE / "data" / "checks.yml"
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


def coverage_rule(rule: dict):
    """A predicate on an offer from one coverage rule of checks.yml."""
    title = re.compile(rule["title"], re.I) if rule.get("title") else None
    not_title = re.compile(rule["not_title"], re.I) if rule.get("not_title") else None

    def matches(o: dict) -> bool:
        return (
            (not rule.get("category") or o["category"] == rule["category"])
            and (not rule.get("sector") or o["sector"] == rule["sector"])
            and (title is None or bool(title.search(o["title"])))
            and (not_title is None or not not_title.search(o["title"]))
        )

    return matches


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=HERE / "offers.json", help="file to check")
    args = ap.parse_args(argv)

    munis = {}
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            munis[row["name"]] = {"postcodes": set(row["postcodes"].split()), "lat": float(row["lat"]), "lon": float(row["lon"])}
    text = args.path.read_text(encoding="utf-8")
    doc = json.loads(text)
    rules = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    errors: list[str] = []

    def err(msg: str) -> None:
        errors.append(msg)

    for row in rejected_rows(text):
        err(f"line {row.line}: {row.source_id}: the importer rejects it: {row.reason}")

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
        if o["category"] != "weiterbildung" and o["sector"] is not None:
            bad("sector must be null outside weiterbildung")  # the importer would drop it silently
        if not o["title"].strip() or not o["description"].strip():
            bad("empty title or description")
        if not 2 <= len(o["keywords"]) <= 6 or len(set(o["keywords"])) != len(o["keywords"]):
            bad(f"keywords {o['keywords']}")
        if not o["target_groups"]:
            bad("no target_groups")
        provider_types[o["provider"]["name"]].add(o["provider"]["type"])
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
        if any(a is not None and not 0 <= a <= 99 for a in (o["age_min"], o["age_max"])):
            bad("implausible age")
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
        if end and not start:
            bad("end_date without start_date")
        if start and not (today - dt.timedelta(days=60) <= start <= today + dt.timedelta(days=180)):
            bad(f"start_date {start} outside today-60..today+180")
        if start and start < today and (end is None or end < today):
            bad("started in the past but not running any more")
        if not today - dt.timedelta(days=60) <= updated <= today:
            bad(f"updated_at {updated} not within 60 days before {today}")
        wd = o["weekdays"]
        if wd is not None and (not wd or wd != sorted(set(wd))):
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
    if len(offers) < rules["min_total"]:
        err(f"only {len(offers)} offers (< {rules['min_total']})")
    for c in CATEGORIES:
        if cats[c] < rules["min_per_category"]:
            err(f"category {c}: {cats[c]} < {rules['min_per_category']}")
    if cats["weiterbildung"] < rules["min_weiterbildung"]:
        err(f"weiterbildung: {cats['weiterbildung']} < {rules['min_weiterbildung']}")
    for s in SECTORS:
        if sectors[s] < rules["min_per_sector"]:
            err(f"sector {s}: {sectors[s]} < {rules['min_per_sector']}")
    for m in munis:
        if places[m] < rules["min_per_municipality"]:
            err(f"municipality {m}: {places[m]} < {rules['min_per_municipality']}")
    online = sum(o["online"] for o in offers) / max(1, len(offers))
    low, high = rules["online_share"]
    if not low <= online <= high:
        err(f"online share {online:.1%} outside {low:.0%}..{high:.0%}")
    low, high = rules["providers"]
    if not low <= len(provider_types) <= high:
        err(f"{len(provider_types)} providers outside {low}..{high}")
    coverage = {}
    for rule in rules["coverage"]:
        pred = coverage_rule(rule)
        where = {o["venue"]["municipality"] for o in offers if o["venue"] and pred(o)}
        coverage[rule["label"]] = len(where)
        if len(where) < rule["municipalities"]:
            err(f"{rule['label']}: only in {len(where)} municipalities (< {rule['municipalities']})")
        for m in rule.get("required", []):
            if m not in where:
                err(f"{rule['label']}: missing in {m}")

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
