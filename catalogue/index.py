"""Builds the search terms of one offer (the inverted index in ``offer_terms``)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from catalogue import semantic
from catalogue.models import Offer, OfferTag, OfferTerm, OfferVector
from catalogue.text import split_compound, terms

# Words a category or sector stands for, so that "Weiterbildung Pflege" finds its offers.
CATEGORY_WORDS = {
    "familienbildung": "Familienbildung Familie Eltern",
    "fruehe_bildung": "frühe Bildung Kinderbetreuung",
    "schule": "Schule Schüler",
    "berufsorientierung": "Berufsorientierung Beruf Ausbildung",
    "weiterbildung": "Weiterbildung Fortbildung Qualifizierung",
    "sprache": "Sprache Sprachkurs",
    "grundbildung": "Grundbildung",
    "beratung": "Beratung",
}
SECTOR_WORDS = {
    "gesundheit": "Gesundheit Pflege",
    "lebensmittel": "Lebensmittel Ernährung",
    "logistik": "Logistik Transport",
    "maschinenbau": "Maschinenbau Metall Technik",
    "sonstige": "",
}
# Where a word stands decides how much it says about the offer.
FIELD_WEIGHTS = (("title", 3.0), ("keywords", 2.5), ("category", 1.5), ("description", 1.0), ("provider", 0.5))
PART_FACTOR = 0.6


def offer_terms(offer: Offer, provider_name: str) -> dict[str, float]:
    fields = {
        "title": offer.title,
        "keywords": " ".join(offer.keywords or []),
        "category": CATEGORY_WORDS.get(offer.category, "") + " " + SECTOR_WORDS.get(offer.sector or "", ""),
        "description": offer.description or "",
        "provider": provider_name,
    }
    weights: dict[str, float] = {}
    for name, weight in FIELD_WEIGHTS:
        for term in terms(fields[name]):
            if len(term) > 80:
                continue
            weights[term] = max(weights.get(term, 0.0), weight)
            for part in split_compound(term):
                weights[part] = max(weights.get(part, 0.0), weight * PART_FACTOR)
    return weights


def embed_text(title: str, keywords: list[str] | None, category: str) -> str:
    """What an offer is embedded by: its name, keywords and category (descriptions cost 6× the time, measured)."""
    parts = (title.strip(), ", ".join(k for k in keywords or [] if k), CATEGORY_WORDS.get(category, ""))
    return ". ".join(p for p in parts if p)


def index_offer(*, session: Session, offer: Offer, provider_name: str) -> None:
    """(Re)write the offer's terms, filter tags and text key (its vector is made by ``embed_missing``)."""
    offer.text_key = semantic.text_key(embed_text(offer.title, offer.keywords, offer.category))
    if offer.id:
        session.execute(delete(OfferTerm).where(OfferTerm.offer_id == offer.id))
        session.execute(delete(OfferTag).where(OfferTag.offer_id == offer.id))
    session.add_all(OfferTerm(term=t, offer_id=offer.id, weight=w) for t, w in offer_terms(offer, provider_name).items())
    tags = {("target_group", g) for g in offer.target_groups or []}
    tags |= {("language", lang.lower()) for lang in offer.languages or []}
    tags |= {("funding", f) for f in offer.funding or []}
    session.add_all(OfferTag(offer_id=offer.id, kind=k, value=v) for k, v in tags)


EMBED_BATCH = 64


def embed_missing(*, session: Session, progress: bool = False, model: semantic.Embedder | None = None) -> int:
    """Embed every distinct offer text that has no vector yet, in batches; returns how many were embedded."""
    known = set(session.scalars(select(OfferVector.key)))
    wanted: dict[str, str] = {}
    rows = select(Offer.text_key, Offer.title, Offer.keywords, Offer.category).where(Offer.text_key.is_not(None))
    for key, title, keywords, category in session.execute(rows.execution_options(yield_per=5000)):
        if key and key not in known and key not in wanted:
            wanted[key] = embed_text(title, keywords, category)
    if not wanted:
        return 0
    model = model or semantic.embedder()
    items = list(wanted.items())
    with tqdm(total=len(items), desc="Vektoren", unit="Text", disable=not progress) as bar:
        for start in range(0, len(items), EMBED_BATCH):
            chunk = items[start : start + EMBED_BATCH]
            vectors = model.passages([text for _, text in chunk])
            session.add_all(OfferVector(key=key, vector=semantic.to_blob(vectors[i])) for i, (key, _) in enumerate(chunk))
            session.flush()
            bar.update(len(chunk))
    return len(items)
