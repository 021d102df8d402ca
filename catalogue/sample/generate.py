#!/usr/bin/env python3
"""Generate the Bildungslotse sample catalogue (invented offers) from the data files in ``data/``.

The offers are written from ``data/providers.csv``, ``data/texts.yml``, ``data/defaults.yml`` and one
``data/templates/<category>.yml`` per category (see ``data/README.md``). The output is deterministic for a
given --seed and --today, uses the project's JSON import format, and every offer is checked with the
importer's own validation before anything is written.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere in the repository
    sys.path.insert(0, str(ROOT))

from catalogue.models import CATEGORIES  # noqa: E402

DATA = HERE / "data"
CSV_PATH = ROOT / "catalogue" / "data" / "municipalities.csv"
DEFAULT_TODAY = dt.date(2026, 11, 27)
DEFAULT_SEED = 7
NOTE = "Beispieldaten, für die Entwicklung von Bildungslotse geschrieben – keine echten Angebote."
URL = "https://example.org/bildungslotse/angebote/{}"

DAY_ADVERB = {1: "montags", 2: "dienstags", 3: "mittwochs", 4: "donnerstags", 5: "freitags", 6: "samstags", 7: "sonntags"}
DAY_NAME = {1: "Montag", 2: "Dienstag", 3: "Mittwoch", 4: "Donnerstag", 5: "Freitag", 6: "Samstag", 7: "Sonntag"}
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]

# Centres of the northern county get more offers than their population alone suggests.
CENTRE_BOOST = {"Bersenbrück": 2.6, "Quakenbrück": 1.9, "Fürstenau": 1.15, "Ankum": 1.1}
# Coverage groups are spread over at least this many municipalities before they may cluster.
GROUP_SPREAD = {"deutsch": 15, "baby": 11, "stapler": 6, "lernhilfe": 12, "tagespflege": 9, "pflege": 7}
NEIGHBOUR_KM = 15.0
TOWN_CAP = 35_000
MIN_PER_PLACE = 3
ONLINE_SHARE = 0.09
RUNNING_SHARE = 0.12  # share of longer courses that started before --today


# --- the data files ------------------------------------------------------------------------------

TEMPLATE_ONLY_KEYS = {"key", "count", "titles", "intro", "body", "keywords"}
TITLE_KEYS = {
    "title",
    "keywords",
    "targets",
    "age",
    "total_hours",
    "languages",
    "funding",
    "childcare",
    "provider_tag",
    "multilingual",
    "overrides",
}
MODES = {"course", "recurring", "appointment", "event"}
CLOCK = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")


class DataError(ValueError):
    """A data file does not have the shape the generator needs (says which file and template)."""


def load_providers(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{**row, "tags": set(filter(None, row["tags"].split("|")))} for row in csv.DictReader(f)]


def load_templates(data_dir: Path) -> list[dict]:
    """All templates in category order, each merged as defaults.yml < category defaults < template."""
    defaults = yaml.safe_load((data_dir / "defaults.yml").read_text(encoding="utf-8"))
    allowed = set(defaults) | TEMPLATE_ONLY_KEYS | {"category"}
    out = []
    for category in CATEGORIES:
        path = data_dir / "templates" / f"{category}.yml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        local = doc.get("defaults") or {}
        if local.get("category", category) != category:
            raise DataError(f"{path.name}: defaults.category muss {category!r} sein")
        for raw in doc["templates"]:
            where = f"{path.name}, Vorlage {raw.get('key', '?')!r}"
            unknown = set(raw) - allowed
            if unknown:
                raise DataError(f"{where}: unbekannte Felder {sorted(unknown)}")
            missing = TEMPLATE_ONLY_KEYS - set(raw)
            if missing:
                raise DataError(f"{where}: es fehlen {sorted(missing)}")
            tpl = {**defaults, **local, **raw, "category": category}
            tpl["titles"] = [t if isinstance(t, dict) else {"title": t} for t in raw["titles"]]
            _check_template(tpl, allowed, where)
            out.append(tpl)
    return out


def _check_template(tpl: dict, allowed: set[str], where: str) -> None:
    """Catch the slips YAML lets through (an unquoted 9:00 is the number 540) before they make odd offers."""
    for part in (tpl, *(t.get("overrides") or {} for t in tpl["titles"])):
        if set(part) - allowed:
            raise DataError(f"{where}: unbekannte Felder in overrides {sorted(set(part) - allowed)}")
        if "mode" in part and part["mode"] not in MODES:
            raise DataError(f"{where}: mode {part['mode']!r} nicht in {sorted(MODES)}")
        for entry in part.get("times") or []:
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and CLOCK.fullmatch(entry[0])):
                raise DataError(f"{where}: times-Eintrag {entry!r} ist nicht ['H:MM', Stunden] (Uhrzeit in Anführungszeichen)")
    for title in tpl["titles"]:
        if not isinstance(title.get("title"), str) or set(title) - TITLE_KEYS:
            raise DataError(f"{where}: Titel {title!r} (erlaubt: {sorted(TITLE_KEYS)})")


def load_data(data_dir: Path = DATA) -> tuple[list[dict], dict, list[dict]]:
    """(providers, sentence pools, templates) from the data directory."""
    texts = yaml.safe_load((data_dir / "texts.yml").read_text(encoding="utf-8"))
    return load_providers(data_dir / "providers.csv"), texts, load_templates(data_dir)


# --- reference data ------------------------------------------------------------------------------


def load_municipalities(path: Path) -> dict[str, dict]:
    out = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out[row["name"]] = {
                "name": row["name"],
                "samtgemeinde": row["samtgemeinde"] or None,
                "county": row["type"] != "kreisfreie Stadt",
                "postcodes": row["postcodes"].split(),
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
                "population": int(row["population"]),
            }
    return out


def distance_km(a: dict, b: dict) -> float:
    mid = math.radians((a["lat"] + b["lat"]) / 2)
    return math.hypot((a["lat"] - b["lat"]) * 111.2, (a["lon"] - b["lon"]) * 111.2 * math.cos(mid))


def neighbourhoods(munis: dict[str, dict]) -> dict[str, set[str]]:
    """Municipalities a provider based in X may hold offers in: X, places within 15 km, same Samtgemeinde."""
    reach = {}
    for name, m in munis.items():
        reach[name] = {
            other
            for other, o in munis.items()
            if other == name
            or distance_km(m, o) <= NEIGHBOUR_KM
            or (m["samtgemeinde"] and m["samtgemeinde"] == o["samtgemeinde"])
        }
    return reach


def quotas(munis: dict[str, dict], total: int) -> dict[str, int]:
    """Offers per municipality, proportional to population with two caps (35 000 for towns,
    twice that for the city of Osnabrück) and a floor of 3; largest-remainder rounding."""
    weights = {n: min(m["population"], TOWN_CAP) * CENTRE_BOOST.get(n, 1.0) for n, m in munis.items()}
    city = max(munis, key=lambda n: munis[n]["population"])
    weights[city] = 2 * TOWN_CAP
    floor = 1
    rest = total - floor * len(munis)
    wsum = sum(weights.values())
    raw = {n: rest * w / wsum for n, w in weights.items()}
    out = {n: floor + int(r) for n, r in raw.items()}
    for n in sorted(raw, key=lambda n: raw[n] - int(raw[n]), reverse=True)[: total - sum(out.values())]:
        out[n] += 1
    for n in sorted(out, key=out.get):  # lift small places to the floor, taking from the largest
        while out[n] < MIN_PER_PLACE:
            out[n] += 1
            out[max(out, key=out.get)] -= 1
    return out


# --- providers and places ------------------------------------------------------------------------

# Kitas and schools only hold offers in their own building.
LOCAL_TYPES = {"kita", "schule"}
# County services do not hold offers in the city of Osnabrück.
COUNTY_TYPES = {"landkreis", "jobcenter"}
# Public providers of the city of Osnabrück stay in the city; private training companies travel.
CITY_TYPES = {"volkshochschule", "familienbildungsstaette", "familienzentrum", "beratungsstelle"}


def serves(p: dict, tpl: dict, reach: dict, munis: dict) -> set[str]:
    """Municipalities where provider p may hold an offer of this template."""
    if tpl["local"] or p["type"] in LOCAL_TYPES or (not munis[p["home"]]["county"] and p["type"] in CITY_TYPES):
        return {p["home"]}
    return {
        m
        for m in reach[p["home"]]
        if m == p["home"] or (munis[m]["population"] >= tpl["min_pop"] and (munis[m]["county"] or p["type"] not in COUNTY_TYPES))
    }


def title_ok(title: dict, p: dict) -> bool:
    """A title may be tied to a provider tag (e.g. "Boys'Day in der Kita" only for kitas)."""
    return title.get("provider_tag") is None or title["provider_tag"] in p["tags"]


def eligible_providers(tpl: dict, providers: list[dict]) -> list[dict]:
    out = [
        p
        for p in providers
        if p["type"] in tpl["providers"]
        and (not tpl["needs"] or any(n in p["tags"] for n in tpl["needs"]))
        and any(title_ok(x, p) for x in tpl["titles"])
    ]
    if not out:
        raise DataError(f"Vorlage {tpl['key']!r}: kein Anbieter in providers.csv passt (providers, needs, provider_tag)")
    return out


# --- allocation of offers to municipalities and providers ----------------------------------------


def allocate(slots: list[dict], munis: dict, reach: dict, rng: random.Random) -> None:
    """Set slot['muni'] for every non-online slot, filling the population quotas."""
    venue_slots = [s for s in slots if not s["online"]]
    quota = quotas(munis, len(venue_slots))
    count: Counter = Counter()
    groups: dict[str, set[str]] = defaultdict(set)
    keys: dict[str, set[str]] = defaultdict(set)

    for s in venue_slots:
        tpl = s["tpl"]
        s["places"] = sorted({m for p in s["providers"] for m in serves(p, tpl, reach, munis)})

    def place(s: dict, m: str) -> None:
        s["muni"] = m
        count[m] += 1
        keys[s["tpl"]["key"]].add(m)
        if s["tpl"]["group"]:
            groups[s["tpl"]["group"]].add(m)

    # Required municipalities first (e.g. German courses in Bohmte).
    pending = []
    must_left = {id(t): list(t["must"]) for t in {id(s["tpl"]): s["tpl"] for s in venue_slots}.values()}
    for s in venue_slots:
        todo = must_left[id(s["tpl"])]
        if todo:
            place(s, todo.pop(0))
        else:
            pending.append(s)
    # Most restricted slots first, so flexible ones can fill what is left.
    rng.shuffle(pending)
    pending.sort(key=lambda s: len(s["places"]))
    for s in pending:
        tpl = s["tpl"]
        weights = []
        for m in s["places"]:
            left = quota[m] - count[m]
            w = (left**2 if left > 0 else 0.02) + 0.01
            grp = tpl["group"]
            if grp and m in groups[grp]:
                w *= 0.05 if len(groups[grp]) < GROUP_SPREAD.get(grp, 0) else 0.7
            if m in keys[tpl["key"]]:
                w *= 0.5
            weights.append(w)
        place(s, rng.choices(s["places"], weights)[0])

    # Repair: lift places still below the floor with slots from places that are over their quota.
    for m in sorted(munis, key=lambda n: count[n]):
        while count[m] < MIN_PER_PLACE:
            movable = [s for s in pending if m in s["places"] and count[s["muni"]] > max(quota[s["muni"]], MIN_PER_PLACE)]
            movable = movable or [s for s in pending if m in s["places"] and count[s["muni"]] > MIN_PER_PLACE]
            if not movable:
                break
            s = max(movable, key=lambda s: count[s["muni"]] - quota[s["muni"]])
            count[s["muni"]] -= 1
            place(s, m)


def choose_provider(s: dict, reach: dict, munis: dict, uses: Counter, rng: random.Random) -> dict:
    if s["online"]:
        cands = s["providers"]
        weights = [1 / (1 + uses[p["name"]]) for p in cands]
    else:
        cands = [p for p in s["providers"] if s["muni"] in serves(p, s["tpl"], reach, munis)]
        weights = [(4.0 if p["home"] == s["muni"] else 1.0) / (1 + 0.5 * uses[p["name"]]) for p in cands]
    p = rng.choices(cands, weights)[0]
    uses[p["name"]] += 1
    return p


# --- timetables ----------------------------------------------------------------------------------


def clock(start: str, hours: float) -> tuple[str, str]:
    h, m = map(int, start.split(":"))
    end = h * 60 + m + round(hours * 60)
    return f"{h}:{m:02d}", f"{end // 60}:{end % 60:02d}"


def day_phrase(days: list[int]) -> str:
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_ADVERB[days[0]]} bis {DAY_ADVERB[days[-1]]}"
    words = [DAY_ADVERB[d] for d in days]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " und " + words[-1]


def long_date(d: dt.date, weekday: bool = True) -> str:
    text = f"{d.day}. {MONTHS[d.month - 1]} {d.year}"
    return f"{DAY_NAME[d.isoweekday()]}, {text}" if weekday else text


def is_holiday(d: dt.date) -> bool:
    """Christmas break; courses do not meet then."""
    return (d.month == 12 and d.day >= 23) or (d.month == 1 and d.day <= 6)


def next_on(d: dt.date, days: list[int]) -> dt.date:
    while d.isoweekday() not in days or is_holiday(d):
        d += dt.timedelta(days=1)
    return d


def session_dates(start: dt.date, days: list[int], n: int) -> list[dt.date]:
    out, d = [], start
    while len(out) < n:
        if d.isoweekday() in days and not is_holiday(d):
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def timetable(tpl: dict, title: dict, today: dt.date, rng: random.Random) -> dict:
    mode = tpl["mode"]
    if mode == "appointment":
        return dict(weekdays=None, start_date=None, end_date=None, schedule="nach Vereinbarung", duration_hours=None)
    k = min(rng.choice(tpl["per_week"]), len(tpl["days"]))
    days = [1, 2, 3, 4, 5] if k == 5 else sorted(rng.sample(tpl["days"], k))
    start_time, hours = rng.choice(tpl["times"])
    t0, t1 = clock(start_time, hours)
    future = lambda: next_on(today + dt.timedelta(days=rng.randint(3, 170)), days)  # noqa: E731

    if mode == "recurring":
        phrase = f"jeden {DAY_NAME[days[0]]}" if k == 1 and rng.random() < 0.5 else day_phrase(days)
        schedule = f"{phrase} {t0}–{t1} Uhr"
        if tpl["category"] in {"schule", "familienbildung", "fruehe_bildung"} and k < 5 and rng.random() < 0.3:
            schedule += " (außer in den Schulferien)"
        start = future() if rng.random() < 0.3 else None
        return dict(weekdays=days, start_date=start, end_date=None, schedule=schedule, duration_hours=None)

    if tpl["span_days"]:  # e.g. a family weekend from Friday afternoon to Sunday
        start = future()
        end = start + dt.timedelta(days=tpl["span_days"])
        schedule = f"{long_date(start, True).rsplit(' ', 1)[0]} bis {long_date(end)}, Beginn {t0} Uhr"
        wd = sorted({(start + dt.timedelta(days=i)).isoweekday() for i in range(tpl["span_days"] + 1)})
        return dict(weekdays=wd, start_date=start, end_date=end, schedule=schedule, duration_hours=None)

    total = title.get("total_hours") or (rng.choice(tpl["total_hours"]) if tpl["total_hours"] else None)
    if tpl["yearly"]:  # fixed yearly date, e.g. Zukunftstag on the 4th Thursday of April
        start = fixed_date(today, **tpl["yearly"])
        listed = start <= today + dt.timedelta(days=180)  # too far ahead: date only in the text
        return dict(
            weekdays=[start.isoweekday()],
            start_date=start if listed else None,
            end_date=start if listed else None,
            schedule=f"{long_date(start)}, {t0}–{t1} Uhr",
            duration_hours=_num(hours),
        )
    if mode == "event":
        n = 1
    elif total:
        n = math.ceil(total / hours)
    else:
        n = rng.randint(*tpl["sessions"])
    if n == 1:
        start = future()
        return dict(
            weekdays=[start.isoweekday()],
            start_date=start,
            end_date=start,
            schedule=f"{long_date(start)}, {t0}–{t1} Uhr",
            duration_hours=_num(hours),
        )
    running = n >= 8 and rng.random() < RUNNING_SHARE
    for _ in range(20):
        base = today - dt.timedelta(days=rng.randint(7, 60)) if running else today + dt.timedelta(days=rng.randint(3, 170))
        dates = session_dates(next_on(base, days), days, n)
        if not running or (dates[0] < today < dates[-1]):
            break
        running = rng.random() < 0.5
    else:
        dates = session_dates(future(), days, n)
    schedule = f"{day_phrase(days)} {t0}–{t1} Uhr"
    if k == 5 and hours >= 6:
        schedule += " (Vollzeit)"
    elif n <= 16 and k < 5:
        schedule += f", {n} Termine"
    return dict(
        weekdays=days, start_date=dates[0], end_date=dates[-1], schedule=schedule, duration_hours=_num(total or n * hours)
    )


def fixed_date(today: dt.date, month: int, weekday: int, nth: int) -> dt.date:
    """The nth given weekday of a month, in the first year where it lies after today."""
    for year in (today.year, today.year + 1):
        d = dt.date(year, month, 1)
        d += dt.timedelta(days=(weekday - d.isoweekday()) % 7 + 7 * (nth - 1))
        if d > today:
            return d
    raise AssertionError


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 1)


# --- text ----------------------------------------------------------------------------------------


def cost_for(tpl: dict, rng: random.Random) -> float | int | None:
    c = tpl["cost"]
    if c is None or c == 0:
        return c
    if rng.random() < tpl["free_p"]:
        return 0
    lo, hi = c
    step = 5 if hi <= 200 else 10 if hi <= 1000 else 50 if hi <= 4000 else 100
    return max(0, round(rng.uniform(lo, hi) / step) * step)


def join_languages(langs: list[str]) -> str:
    extra = [x for x in langs if x != "Deutsch"]
    return extra[0] if len(extra) == 1 else ", ".join(extra[:-1]) + " und " + extra[-1]


def describe(tpl: dict, offer: dict, fill: dict, texts: dict, rng: random.Random) -> str:
    online = offer["online"]
    ok = lambda s: not (online and "{ort}" in s)  # noqa: E731
    intro = rng.choice([s for s in tpl["intro"] if ok(s)])
    bodies = [s for s in tpl["body"] if ok(s)]
    sentences = [intro, *rng.sample(bodies, min(len(bodies), rng.randint(*tpl["body_n"])))]
    extras = []
    if online:
        extras.append(
            rng.choice(
                [
                    "Der Kurs findet online statt; Sie brauchen einen Computer oder ein Tablet mit Kamera.",
                    "Sie nehmen bequem von zu Hause per Videokonferenz teil.",
                    "Die Zugangsdaten für den virtuellen Kursraum erhalten Sie nach der Anmeldung.",
                ]
            )
        )
    for f in offer["funding"]:
        extras.append(rng.choice(texts["funding"][f]))
        break
    if len(offer["languages"]) > 1 and tpl["category"] != "sprache":
        extras.append(rng.choice(texts["multilingual"]).format(sprachen=join_languages(offer["languages"])))
    if offer["childcare"]:
        extras.append(rng.choice(texts["childcare"]))
    if (
        offer["cost_eur"] == 0
        and tpl["free_text"]
        and tpl["mode"] != "appointment"
        and "bamf" not in offer["funding"]
        and rng.random() < 0.6
    ):
        extras.append(rng.choice(texts["free"]))
    close = tpl["close"] or texts["close"][tpl["mode"]]
    extras.append(rng.choice(close))
    room = max(0, 4 - len(sentences))
    sentences += extras[:room] if room else []
    if len(sentences) < 2:
        sentences.append(extras[-1])
    text = " ".join(sentences)
    return text.format(**fill)


def pick_keywords(tpl: dict, title: dict, rng: random.Random) -> list[str]:
    pool = [k for k in tpl["keywords"] if k not in title.get("keywords", [])]
    n = rng.randint(2, min(5, len(pool)))
    out = list(dict.fromkeys([*title.get("keywords", []), *rng.sample(pool, n)]))
    return out[:6]


# --- one offer -----------------------------------------------------------------------------------


def build_offer(
    i: int,
    s: dict,
    munis: dict,
    provider_home: dict,
    used: set,
    title_uses: Counter,
    texts: dict,
    today: dt.date,
    rng: random.Random,
) -> dict:
    tpl, p, online = s["tpl"], s["provider"], s["online"]
    muni = None if online else munis[s["muni"]]
    place = muni["name"] if muni else p["home"]

    titles = [x for x in tpl["titles"] if not (online and "{ort}" in x["title"]) and title_ok(x, p)]
    rng.shuffle(titles)
    titles.sort(key=lambda x: title_uses[x["title"]])  # least used title variants first
    title = titles[0]
    for cand in titles:
        if (cand["title"].format(ort=place), p["name"], place) not in used:
            title = cand
            break
    title_uses[title["title"]] += 1
    tpl = {**tpl, **title.get("overrides", {})}
    tt = timetable(tpl, title, today, rng)
    text = title["title"].format(ort=place)
    if (text, p["name"], place) in used:
        hour = 99 if tt["schedule"] == "nach Vereinbarung" else int(tt["schedule"].split(":")[0].split()[-1])
        for suffix in (
            " (Abendkurs)" if hour >= 17 else " (Vormittagskurs)" if hour < 12 else " (Nachmittagskurs)",
            " – Kurs 2",
            " – Kurs 3",
            " – Kurs 4",
        ):
            if (text + suffix, p["name"], place) not in used:
                text += suffix
                break
    used.add((text, p["name"], place))

    targets = list(title.get("targets", tpl["targets"]))
    for g, prob in tpl["targets_opt"].items():
        if g not in targets and rng.random() < prob:
            targets.append(g)
    age_min, age_max = title.get("age", tpl["age"])
    langs = list(title.get("languages") or rng.choice(tpl["languages"]))
    if title.get("multilingual") or rng.random() < tpl["multi_p"]:
        langs = list(rng.choice(texts["language_sets"]))
    funding = list(title.get("funding", tpl["funding"]))
    for f, prob in tpl["funding_opt"].items():
        if f not in funding and rng.random() < prob:
            funding.append(f)
    cost = title["cost"] if "cost" in title else cost_for(tpl, rng)

    if online:
        venue = None
    elif (
        muni["name"] == p["home"] and not tpl["venue_labels"] and (tpl["local"] or p["type"] in LOCAL_TYPES or rng.random() < 0.8)
    ):
        home = provider_home[p["name"]]
        venue = {
            "address": p["street"],
            "postcode": home["postcode"],
            "municipality": muni["name"],
            "lat": home["lat"],
            "lon": home["lon"],
        }
    else:
        label = rng.choice(tpl["venue_labels"] or texts["venue_labels_by_category"].get(tpl["category"], texts["venue_labels"]))
        venue = {
            "address": f"{label}, {rng.choice(texts['streets'])} {rng.randint(1, 48)}",
            "postcode": rng.choice(muni["postcodes"]),
            "municipality": muni["name"],
            "lat": round(muni["lat"] + rng.uniform(-0.01, 0.01), 4),
            "lon": round(muni["lon"] + rng.uniform(-0.01, 0.01), 4),
        }
    if online:
        tt["schedule"] += ", online" if tt["schedule"] != "nach Vereinbarung" else " (per Video oder Telefon)"

    offer = {
        "source_id": f"s-{i:04d}",
        "title": text,
        "description": "",
        "category": tpl["category"],
        "sector": tpl["sector"],
        "keywords": pick_keywords(tpl, title, rng),
        "provider": {"name": p["name"], "type": p["type"]},
        "venue": venue,
        "online": online,
        "target_groups": targets,
        "age_min": age_min,
        "age_max": age_max,
        "languages": langs,
        "start_date": tt["start_date"].isoformat() if tt["start_date"] else None,
        "end_date": tt["end_date"].isoformat() if tt["end_date"] else None,
        "weekdays": tt["weekdays"],
        "schedule": tt["schedule"],
        "duration_hours": tt["duration_hours"],
        "cost_eur": cost,
        "funding": funding,
        "accessibility": None if online or rng.random() < 0.2 else rng.choice(texts["accessibility"]),
        "childcare": bool(title.get("childcare") or rng.random() < tpl["childcare_p"]),
        "contact_email": f"{tpl['email']}@{p['mail']}.example",
        "contact_phone": None,
        "url": URL.format(f"s-{i:04d}"),
        "updated_at": (today - dt.timedelta(days=rng.randint(0, 60))).isoformat(),
    }
    fill = {"ort": place, "anbieter": p["name"], "stunden": offer["duration_hours"] or "", "termine": offer["schedule"]}
    offer["description"] = describe(tpl, offer, fill, texts, rng)
    return offer


# --- main ----------------------------------------------------------------------------------------


def generate(today: dt.date, seed: int, data_dir: Path = DATA) -> dict:
    rng = random.Random(seed)
    providers, texts, templates = load_data(data_dir)
    munis = load_municipalities(CSV_PATH)
    reach = neighbourhoods(munis)
    for p in providers:
        if p["home"] not in munis:
            raise DataError(f"providers.csv: {p['name']}: unbekannte Gemeinde {p['home']!r}")
    provider_home = {}
    for p in providers:
        m = munis[p["home"]]
        provider_home[p["name"]] = {
            "postcode": rng.choice(m["postcodes"]),
            "lat": round(m["lat"] + rng.uniform(-0.008, 0.008), 4),
            "lon": round(m["lon"] + rng.uniform(-0.008, 0.008), 4),
        }

    slots = []
    for tpl in templates:
        provs = eligible_providers(tpl, providers)
        slots += [{"tpl": tpl, "providers": provs, "online": False} for _ in range(tpl["count"])]

    # Online-only offers: a fixed share, drawn from templates that allow it.
    cands = [s for s in slots if s["tpl"]["online_p"] > 0]
    k = round(ONLINE_SHARE * len(slots))
    for s in _weighted_sample(cands, [s["tpl"]["online_p"] for s in cands], k, rng):
        s["online"] = True

    allocate(slots, munis, reach, rng)
    uses: Counter = Counter()
    for s in slots:
        s["provider"] = choose_provider(s, reach, munis, uses, rng)

    # Interleave categories a little so that ids are not grouped by template.
    rng.shuffle(slots)
    order = {c: n for n, c in enumerate(CATEGORIES)}
    slots.sort(key=lambda s: order[s["tpl"]["category"]])
    used: set = set()
    title_uses: Counter = Counter()
    offers = [build_offer(i, s, munis, provider_home, used, title_uses, texts, today, rng) for i, s in enumerate(slots, 1)]
    return {"source": "sample", "note": NOTE, "generated_for": today.isoformat(), "offers": offers}


def _weighted_sample(items: list, weights: list[float], k: int, rng: random.Random) -> list:
    # Efraimidis-Spirakis: keys u^(1/w), take the k largest.
    keyed = sorted(((rng.random() ** (1 / w), n) for n, w in enumerate(weights)), reverse=True)
    return [items[n] for _, n in keyed[:k]]


def render(doc: dict) -> str:
    """The file's exact text (the committed offers.json is compared with this byte for byte)."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def rejected_rows(text: str) -> list:
    """The importer's verdict on the generated file: rows it would reject (empty when all are valid)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    import catalogue.models  # noqa: F401  (registers the tables)
    from catalogue.importer import check_rows, rows_from_text
    from catalogue.reference import load_reference_data
    from core.db import Base

    engine = create_engine("sqlite://")  # a throw-away database holding only the reference data
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        load_reference_data(session=session)
        parsed = rows_from_text(text, kind="json")
        _, rejected = check_rows(session=session, rows=parsed.rows, source=parsed.source or "sample")
    engine.dispose()
    return rejected


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="The same --seed and --today always give the same file; a bad data file or an offer the importer "
        "would reject stops the run (exit status 1) before anything is written.",
    )
    ap.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=DEFAULT_TODAY,
        help=f"reference date YYYY-MM-DD (default {DEFAULT_TODAY})",
    )
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    ap.add_argument("--data", type=Path, default=DATA, help="data directory (default data/ next to this script)")
    ap.add_argument("--out", type=Path, default=HERE / "offers.json", help="output file (default offers.json here)")
    args = ap.parse_args(argv)
    try:
        doc = generate(args.today, args.seed, args.data)
    except DataError as exc:
        print(f"Datenfehler: {exc}", file=sys.stderr)
        return 1
    text = render(doc)
    rejected = rejected_rows(text)
    if rejected:
        for row in rejected:
            print(f"Zeile {row.line}: {row.source_id or '-'}: {row.reason}", file=sys.stderr)
        print(f"{len(rejected)} Angebote würde der Import ablehnen; {args.out} bleibt unverändert.", file=sys.stderr)
        return 1
    args.out.write_text(text, encoding="utf-8")
    cats = Counter(o["category"] for o in doc["offers"])
    print(f"{len(doc['offers'])} offers -> {args.out}")
    print("  " + ", ".join(f"{c}={n}" for c, n in sorted(cats.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
