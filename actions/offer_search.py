"""The search conversation as plain functions: slots -> query, refinements from the citizen's words,
radius widening, the German summary. Actions call these; tests call them without an engine."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker

from catalogue.places import NotFoundError
from catalogue.service import SearchQuery, SearchResult, instruction_language, offer_summary, search, wishes
from catalogue.text import fold
from core.db import read_scope
from core.i18n import N_, join, message, t

PAGE_SIZE = 3
NEAR_RADIUS_KM = 20.0
CHILD_CATEGORIES = {"familienbildung", "fruehe_bildung", "schule"}
COUNSELLOR_BUTTON = {"title": N_("Mit einer Beraterin / einem Berater sprechen"), "payload": "/request_counsellor"}
TOPIC_BUTTONS = [
    {"title": N_("Deutschkurs"), "payload": '/inform{"topic": "Deutschkurs"}'},
    {"title": N_("Eltern-Kind-Gruppe"), "payload": '/inform{"topic": "Eltern-Kind-Gruppe"}'},
    {"title": N_("Kita und Tagespflege"), "payload": '/inform{"topic": "Kinderbetreuung"}'},
    {"title": N_("Nachhilfe"), "payload": '/inform{"topic": "Nachhilfe"}'},
    {"title": N_("Weiterbildung"), "payload": '/inform{"topic": "Weiterbildung"}'},
]
AGE_BUTTONS = [
    {"title": N_("unter 1 Jahr"), "payload": '/inform{"age": "0"}'},
    {"title": N_("1–2 Jahre"), "payload": '/inform{"age": "2"}'},
    {"title": N_("3–5 Jahre"), "payload": '/inform{"age": "4"}'},
    {"title": N_("6–10 Jahre"), "payload": '/inform{"age": "8"}'},
    {"title": N_("11–17 Jahre"), "payload": '/inform{"age": "14"}'},
    {"title": N_("egal"), "payload": '/inform{"age": "-1"}'},
]

_FREE = re.compile(r"\b(kostenlos\w*|gratis|umsonst|kostenfrei|gebuehrenfrei|nichts kosten)\b")
_CHEAPER = re.compile(r"\b(guenstiger\w*|billiger\w*|preiswerter\w*|weniger kost\w*|zu teuer)\b")
_ONLINE = re.compile(r"\b(online|digital|von zu ?hause|im internet|virtuell)\b")
_ONSITE = re.compile(r"\b(vor ort|praesenz\w*|nicht online)\b")
_ELSEWHERE = re.compile(r"\b(andere[nm]? (gemeinde|ort|stadt)|woanders|anderswo)\b")


@dataclass
class Refinement:
    """What a follow-up message changes about the last search."""

    slots: dict[str, Any] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(self.slots)


def refinement_from_text(text: str, current: dict[str, Any], shown_costs: list[float]) -> Refinement:
    """Reads "günstiger", "kostenlos", "lieber online", "in einer anderen Gemeinde" from a message."""
    t = fold(text or "")
    out: dict[str, Any] = {}
    if _FREE.search(t):
        out["free"] = True
    elif _CHEAPER.search(t):
        paid = [c for c in shown_costs if c]
        out["max_cost"] = (min(paid) - 0.01) if paid else 0.0
    if _ONSITE.search(t):
        out["online"] = "nein"
    elif _ONLINE.search(t):
        out["online"] = "ja"
    if _ELSEWHERE.search(t) and current.get("municipality"):
        out["exclude_municipality"] = current["municipality"]
    return Refinement(out)


def query_from_slots(slots: dict[str, Any], *, page: int, radius_km: float | None) -> SearchQuery:
    age = slots.get("age")
    try:
        age_value = int(float(age)) if age is not None and float(age) >= 0 else None
    except ValueError:
        age_value = None
    filters = slots.get("search_filters") or {}
    wished = wishes(features=filters.get("features") or (), weekdays=filters.get("weekdays") or (),
                    times_of_day=filters.get("times_of_day") or (), target_groups=filters.get("target_groups") or ())  # fmt: skip
    online = {"ja": True, "nein": False}.get(slots.get("online") or "")  # a refinement button beats an earlier wish
    if online is not None:
        wished["online"] = online
    if slots.get("free"):
        wished["free"] = True
    postcode = str(slots.get("postcode") or "")
    return SearchQuery(
        q=slots.get("topic") or "",
        municipality=slots.get("municipality"),
        postcode=postcode if re.fullmatch(r"\d{5}", postcode) else None,  # "2 Personen" is no postcode
        target_group=slots.get("target_group"),
        language=instruction_language(slots.get("language")),
        age=age_value,
        max_cost_eur=slots.get("max_cost"),
        exclude_municipality=slots.get("exclude_municipality"),
        radius_km=None if slots.get("exclude_municipality") else radius_km,
        limit=PAGE_SIZE,
        offset=page * PAGE_SIZE,
        **wished,
    )


@dataclass
class Outcome:
    messages: list[dict[str, Any]]
    slots: dict[str, Any]


def run_search(slots: dict[str, Any], *, page: int, record: bool) -> Outcome:
    """One page of results as chat messages, asking first for what is missing."""
    topic = slots.get("topic")
    if not topic:
        return Outcome([{"text": N_("Was für ein Angebot suchen Sie?"), "buttons": TOPIC_BUTTONS}], {})
    if not slots.get("municipality") and not slots.get("postcode"):
        asked = t("Gern suche ich nach „{topic}“. In welcher Gemeinde wohnen Sie? (Name oder Postleitzahl)", topic=topic)
        return Outcome([message(asked)], {})
    radius = slots.get("radius") or NEAR_RADIUS_KM
    try:
        with read_scope() as session:
            result = search(session=session, query=query_from_slots(slots, page=page, radius_km=radius))
            widened = False
            if page == 0 and result.total == 0 and radius == NEAR_RADIUS_KM:
                result = search(session=session, query=query_from_slots(slots, page=0, radius_km=None))
                widened = True
            outcome = _present(slots, result, page=page, widened=widened)
        if page == 0 and record and outcome.messages:
            # The anonymous record travels with the reply; the gateway stores it in its own transaction,
            # so that the action server never writes to the database on the hot path.
            outcome.messages[0]["search_record"] = {
                "topic": topic,
                "category": result.hits[0].offer.category if result.hits else None,
                "municipality": result.place.municipality.name if result.place else None,
                "target_group": slots.get("target_group"),
                "age": slots.get("age"),  # the gateway keeps only its band
                "results": result.total,
                "widened": widened,
            }
        return outcome
    except NotFoundError as exc:
        unknown = join(str(exc), t("Bitte nennen Sie eine Gemeinde oder Postleitzahl im Landkreis Osnabrück."), sep=" ")
        return Outcome([message(unknown)], {"municipality": None, "postcode": None})


def _present(slots: dict[str, Any], result: SearchResult, *, page: int, widened: bool) -> Outcome:
    topic = slots["topic"]
    place = result.place.municipality.name if result.place else None
    where = t("in der Nähe von {place}", place=place) if place else None
    new_slots: dict[str, Any] = {"search_page": page, "radius": None if widened else slots.get("radius")}
    if place and result.place and result.place.alternatives and page == 0:
        others = ", ".join(result.place.alternatives)
        where = t("in der Nähe von {place} (Postleitzahl auch für {others})", place=place, others=others)
    if not result.hits:
        if page > 0:
            return Outcome([{"text": N_("Das waren alle passenden Angebote.")}], {})
        none = (
            t("Zu „{topic}“ {where} habe ich leider kein passendes Angebot gefunden – auch nicht im ganzen Landkreis.",
              topic=topic, where=where)
            if where
            else t("Zu „{topic}“ habe ich leider kein passendes Angebot gefunden – auch nicht im ganzen Landkreis.", topic=topic)
        )  # fmt: skip
        sorry = join(none, t("Versuchen Sie ein anderes Stichwort, oder lassen Sie sich persönlich beraten."), sep=" ")
        new_slots["handover_reason"] = f"Kein passendes Angebot zu „{topic}“ gefunden"
        return Outcome([message(sorry, buttons=[COUNSELLOR_BUTTON])], new_slots)
    hits = result.hits
    offers = [offer_summary(h) for h in hits]
    shown_to = page * PAGE_SIZE + len(offers)
    text: dict[str, Any]
    if page == 0:
        prefix = t("Im Umkreis von {km} km habe ich nichts gefunden, aber weiter weg.", km=round(NEAR_RADIUS_KM))
        found = _found(total=result.total, shown=len(offers), topic=topic, where=where)
        text = join(prefix, found, sep=" ") if widened else found
    else:
        text = t("Angebote {first} bis {last} von {total}:", first=page * PAGE_SIZE + 1, last=shown_to, total=result.total)
    buttons = []
    if shown_to < result.total:
        buttons.append({"title": N_("Weitere Angebote"), "payload": "/more_offers"})
    if page == 0 and _age_would_narrow(slots, result):
        # Results first; the age is an optional narrowing afterwards ("Für welches Alter?").
        text = join(text, t("Für welches Alter? Dann zeige ich die passenden zuerst."), sep=" ")
        buttons.extend(AGE_BUTTONS[:-1])
        new_slots["age_asked"] = True
    if any(o["cost_eur"] for o in offers) and not slots.get("free"):
        buttons.append({"title": N_("Nur kostenlose"), "payload": '/inform{"refine": "kostenlos"}'})
    new_slots["shown_costs"] = [o["cost_eur"] for o in offers if o["cost_eur"] is not None]
    new_slots["offer_in_focus"] = None
    new_slots["shown_offers"] = [{"id": o["id"], "title": o["title"], "municipality": o["municipality"]} for o in offers]
    before = [c.get("id") for c in slots.get("shown_offers") or [] if isinstance(c, dict)]
    if page == 0 and before == [o["id"] for o in offers]:
        # A narrowing that changes nothing: say so, rather than presenting the same list as if it were new.
        text = t("Das passt zu den Angeboten von eben – es bleiben dieselben:")
    return Outcome([message(text, offers=offers, buttons=buttons)], new_slots)


def _found(*, total: int, shown: int, topic: str, where: dict[str, Any] | None) -> dict[str, Any]:
    """ "Ich habe 7 passende Angebote zu „Deutschkurs“ in der Nähe von Melle gefunden – hier die 3 besten:" """
    if total > shown:
        if where:
            return t("Ich habe {total} passende Angebote zu „{topic}“ {where} gefunden – hier die {shown} besten:",
                     total=total, topic=topic, where=where, shown=shown)  # fmt: skip
        return t("Ich habe {total} passende Angebote zu „{topic}“ gefunden – hier die {shown} besten:",
                 total=total, topic=topic, shown=shown)  # fmt: skip
    if where:
        return t("Ich habe {total} passende Angebote zu „{topic}“ {where} gefunden:", total=total, topic=topic, where=where)
    return t("Ich habe {total} passende Angebote zu „{topic}“ gefunden:", total=total, topic=topic)


def _age_would_narrow(slots: dict[str, Any], result: SearchResult) -> bool:
    """Offer the age buttons only for children's offers of different ages; a PEKiP list names its age itself."""
    if slots.get("age") is not None or slots.get("age_asked") or slots.get("target_group") in {"erwachsene", "senioren"}:
        return False
    top = result.hits[0].offer
    ages = {(h.offer.age_min, h.offer.age_max) for h in result.hits}
    return top.category in CHILD_CATEGORIES and result.total > 3 and len(ages) > 1


def slots_of(tracker: Tracker) -> dict[str, Any]:
    names = ("topic", "municipality", "postcode", "target_group", "age", "language", "free", "max_cost",
             "online", "exclude_municipality", "radius", "age_asked", "shown_costs", "search_filters",
             "shown_offers")  # fmt: skip
    return {n: tracker.get_slot(n) for n in names}
