"""German text handling for search: folding, lemmas, compound splitting and synonyms.

Everything is reduced to folded lowercase ASCII-ish terms ("Kindergärten" -> "kindergarten"),
so that "Kurs für Eltern", "Elternkurse" and "elternkurs" meet in the same terms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Linking elements between the parts of a German compound ("Integration-s-kurs", "Kinder-n-...").
_LINKERS = ("s", "es", "n", "en", "er", "e")
MIN_PART = 4
MIN_COMPOUND = 8

# Words that carry no topic in a search request ("ich suche einen ... in ...").
_QUERY_FILLERS = {
    "suche",
    "suchen",
    "sucht",
    "gesucht",
    "brauche",
    "brauch",
    "brauchen",
    "gibt",
    "gibts",
    "geben",
    "moechte",
    "moechten",
    "will",
    "wollen",
    "haette",
    "haetten",
    "gern",
    "gerne",
    "bitte",
    "nen",
    "ne",
    "ein",
    "eine",
    "einen",
    "einem",
    "einer",
    "eines",
    "mal",
    "irgendwas",
    "etwas",
    "was",
    "sowas",
    "angebot",
    "angebote",
    "naehe",
    "umgebung",
    "hier",
    "dort",
    "da",
    "wo",
    "wie",
    "kann",
    "koennen",
    "mein",
    "meine",
    "meinen",
    "meinem",
    "meiner",
    "fuer",
    "mit",
    "und",
    "oder",
    "in",
    "im",
    "am",
    "an",
    "bei",
    "von",
    "vom",
    "zu",
    "zum",
    "zur",
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "ich",
    "wir",
    "mir",
    "mich",
    "uns",
    "es",
    "er",
    "sie",
    "ihr",
    "auf",
    "aus",
    "nach",
    "ueber",
    "hallo",
    "hi",
    "moin",
    "machen",
    "mache",
    "jemand",
    "welche",
    "welcher",
    "welches",
    "sind",
    "ist",
    "bin",
    "hat",
    "habe",
    "noch",
    "auch",
    "so",
    "nicht",
    "kein",
    "keine",
    "schon",
    "jetzt",
    "bald",
    "heute",
    "morgen",
    "naechste",
    "naechsten",
    "nahe",
    "nah",
    "infos",
    "info",
    "informationen",
    "kurse",
}


# Function words that say nothing about an offer; dropped everywhere (index and queries).
STOPWORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "einen",
        "einem",
        "eines",
        "und",
        "oder",
        "aber",
        "auch",
        "als",
        "am",
        "an",
        "auf",
        "aus",
        "bei",
        "bis",
        "durch",
        "fuer",
        "gegen",
        "im",
        "in",
        "ins",
        "mit",
        "nach",
        "ohne",
        "seit",
        "ueber",
        "um",
        "unter",
        "vom",
        "von",
        "vor",
        "zu",
        "zum",
        "zur",
        "sie",
        "er",
        "es",
        "wir",
        "ihr",
        "ich",
        "du",
        "sich",
        "ist",
        "sind",
        "wird",
        "werden",
        "wurde",
        "hat",
        "haben",
        "kann",
        "koennen",
        "nicht",
        "kein",
        "keine",
        "noch",
        "nur",
        "schon",
        "so",
        "wie",
        "wenn",
        "dass",
        "da",
        "dort",
        "hier",
        "alle",
        "allen",
        "jede",
        "jeden",
        "jedem",
        "jeder",
        "sowie",
        "bzw",
        "ca",
        "etc",
    ]
)


def fold(text: str) -> str:
    """Lowercase, umlauts to ae/oe/ue, ß to ss, other accents dropped."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The words of a text as written (case and umlauts kept, for the lemma table)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=1)
def _lemma_table() -> dict[str, str]:
    """spaCy's German lookup lemmas, read straight from the spacy-lookups-data wheel (no download).

    The table is all that spaCy's blank German lookup lemmatiser would use; reading it directly keeps the
    lemmas (needed at import of every offer) free of a pipeline. spaCy's tokenizer serves the query parser
    (``catalogue.nlp``).
    """
    import gzip
    import json

    import spacy_lookups_data

    with gzip.open(str(spacy_lookups_data.get_file("de_lemma_lookup.json.gz")), "rt", encoding="utf-8") as f:
        table: dict[str, str] = json.load(f)
    return table


@lru_cache(maxsize=200_000)  # an import of many offers looks up the same words over and over
def lemma(word: str) -> str:
    """Lemma of one word; for unknown compounds the head is lemmatised ("Krabbelgruppen" -> "krabbelgruppe")."""
    table = _lemma_table()
    override = _lemma_overrides().get(fold(word))
    if override:
        return override
    for candidate in (word, word.capitalize(), word.lower()):
        if candidate in table:
            return fold(table[candidate])
    if len(word) >= MIN_COMPOUND:
        low = word.lower()
        for i in range(MIN_PART - 1, len(low) - MIN_PART + 1):
            head = low[i:]
            for candidate in (head.capitalize(), head):
                found = table.get(candidate)
                if found and found.lower() != head:
                    return fold(low[:i] + found.lower())
    return fold(word)


@lru_cache(maxsize=1)
def _lemma_overrides() -> dict[str, str]:
    """Corrections of wrong entries in the lookup table ("Kindergarten" -> "kindergaren")."""
    pairs = (line.split() for line in (DATA / "lemma_overrides.txt").read_text(encoding="utf-8").splitlines())
    return {fold(p[0]): fold(p[1]) for p in pairs if len(p) == 2 and not p[0].startswith("#")}


@lru_cache(maxsize=1)
def base_vocabulary() -> frozenset[str]:
    """Known simple words for compound splitting: lemmas of the lookup table plus our own terms."""
    vocab = {fold(v) for v in _lemma_table().values() if len(v) >= MIN_PART and v.isalpha()}
    vocab.update(t for group in synonym_groups() for t in group if " " not in t)
    vocab.update(_extra_vocabulary())
    return frozenset(vocab)


@lru_cache(maxsize=1)
def _extra_vocabulary() -> frozenset[str]:
    path = DATA / "vocabulary.txt"
    lines = path.read_text(encoding="utf-8").split() if path.exists() else []
    return frozenset(fold(w) for w in lines)


@lru_cache(maxsize=65536)
def split_compound(term: str) -> tuple[str, ...]:
    """Split a folded compound into known parts, head last; () when it is not a compound."""
    if len(term) < MIN_COMPOUND:
        return ()
    vocab = base_vocabulary()
    best: tuple[str, ...] = ()
    # Prefer the longest head, as German compounds are right-headed ("gabelstapler|fuehrerschein").
    for i in range(MIN_PART, len(term) - MIN_PART + 1):
        left, right = term[:i], term[i:]
        right_parts = (right,) if right in vocab else split_compound(right)
        if not right_parts:
            continue
        left_part = _known_left(left, vocab)
        if left_part:
            best = (left_part, *right_parts)
            break
    return best


def _known_left(left: str, vocab: frozenset[str]) -> str | None:
    if left in vocab:
        return left
    for linker in _LINKERS:
        stem = left[: -len(linker)]
        if left.endswith(linker) and len(stem) >= MIN_PART and stem in vocab:
            return stem
    return None


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[frozenset[str], ...]:
    """Groups of words that mean the same to a citizen, from ``data/synonyms.txt`` (one group a line)."""
    groups = []
    for line in (DATA / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            groups.append(frozenset(analyse_word(w.strip()) for w in line.split(",") if w.strip()))
    return tuple(groups)


@lru_cache(maxsize=1)
def _synonym_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for group in synonym_groups():
        for term in group:
            index.setdefault(term, set()).update(group - {term})
    return {k: frozenset(v) for k, v in index.items()}


def synonyms(term: str) -> frozenset[str]:
    return _synonym_index().get(term, frozenset())


def analyse_word(word: str) -> str:
    """One written word (or a multi-word phrase) to its folded lemma form."""
    return " ".join(lemma(w) for w in words(word))


def terms(text: str, *, drop_fillers: bool = False) -> list[str]:
    """Folded lemmas of a text, in order; fillers removed for search requests."""
    out = []
    for w in words(text):
        t = lemma(w)
        if (len(t) < 2 and not t.isdigit()) or t in STOPWORDS:
            continue
        if drop_fillers and (t in _QUERY_FILLERS or fold(w) in _QUERY_FILLERS):
            continue
        out.append(t)
    return out


SYNONYM_WEIGHT = 0.9  # a whole-word synonym's weight in ``expand`` (compound parts weigh 0.6, their synonyms 0.5)


def expand(term_list: Iterable[str]) -> dict[str, float]:
    """Each term with its compound parts (0.6) and synonyms (SYNONYM_WEIGHT): the query side of matching."""
    weights: dict[str, float] = {}

    def put(t: str, w: float) -> None:
        if w > weights.get(t, 0.0):
            weights[t] = w

    def put_synonyms(t: str, w: float) -> None:
        # A phrase's single words say less than the phrase ("Deutsch lernen" -> "lernen").
        for s in synonyms(t):
            parts = [p for p in s.split() if p not in STOPWORDS]
            for part in parts:
                put(part, w if len(parts) == 1 else w / 2)

    for t in term_list:
        put(t, 1.0)
        put_synonyms(t, SYNONYM_WEIGHT)
        for part in split_compound(t):
            put(part, 0.6)
            put_synonyms(part, 0.5)
    return weights


def warm_up() -> None:
    """Load the lemma table and compound vocabulary now (about a second) rather than on a citizen's first search."""
    base_vocabulary()
    synonym_groups()
