"""Needs in citizens' words (catalogue/data/needs.yml): the file's format, recognition, and its cache."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from catalogue import needs
from catalogue.needs import CATEGORIES, Need, NeedIndex, NeedsFileError, build_index, load_needs, parse_needs
from catalogue.semantic import DIM
from catalogue.service import query_from_text, query_weights, search
from core.db import read_scope


class CountingModel:
    """Deterministic unit vectors per text, counting what was embedded (the cache must spare the model)."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def passages(self, texts: list[str]) -> np.ndarray:
        return self.queries(texts)

    def query(self, text: str) -> np.ndarray:
        return self.queries([text])[0]

    def queries(self, texts: list[str]) -> np.ndarray:
        self.embedded.extend(texts)
        rows = np.stack([np.random.default_rng(sum(map(ord, t))).standard_normal(DIM) for t in texts])
        return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


GOOD = """
needs:
- id: nachhilfe
  topic: Nachhilfe
  search: Nachhilfe Lernförderung
  categories: [schule]
  examples: [mein kind kommt in mathe nicht mit, schlechte noten]
- id: stapler
  topic: Staplerschein
  search: Staplerschein
  categories: [weiterbildung]
  examples: [gabelstapler fahren lernen]
not_needs: [danke]
"""


def test_a_good_file_parses() -> None:
    parsed = parse_needs(GOOD)
    assert [n.id for n in parsed.needs] == ["nachhilfe", "stapler"]
    assert parsed.needs[0].examples == ("mein kind kommt in mathe nicht mit", "schlechte noten")
    assert parsed.not_needs == ("danke",)
    assert parsed.needs[1].topic == "Staplerschein"


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("- {id: a, topic: t, search: x, categories: [schule], examples: [y], note: z}", "id, topic, search, categories"),
        ("- {id: a, topic: t, search: x, categories: [schule], examples: [y]}\n" * 2, "not unique"),
        ("- {id: a, search: x, categories: [schule], examples: [y]}", "topic missing"),
        ("- {id: a, topic: t, search: '', categories: [schule], examples: [y]}", "search words missing"),
        ("- {id: a, topic: t, search: x, categories: [kochen], examples: [y]}", "categories must be among"),
        ("- {id: a, topic: t, search: x, categories: [schule], examples: []}", "examples missing"),
        ("- {id: a, topic: t, search: x, categories: [schule], examples: ['  ']}", "examples missing"),
        ("- just a line", "id, topic, search, categories"),
    ],
)
def test_a_broken_entry_is_named_with_its_reason(entry: str, reason: str) -> None:
    with pytest.raises(NeedsFileError, match=reason) as raised:
        parse_needs("needs:\n" + entry)
    assert "entry" in str(raised.value)


def test_a_file_with_other_lists_is_refused() -> None:
    with pytest.raises(NeedsFileError, match="needs and not_needs only"):
        parse_needs("needs: []\nsynonyms: []")
    with pytest.raises(NeedsFileError, match="sentences only"):
        parse_needs("needs: []\nnot_needs: [{a: b}]")


def test_the_shipped_file_covers_every_category_with_varied_examples() -> None:
    lexicon = load_needs()
    shipped = lexicon.needs
    assert len(shipped) >= 60 and len(lexicon.not_needs) >= 30
    assert {c for n in shipped for c in n.categories} == set(CATEGORIES)
    examples = [e.lower() for n in shipped for e in n.examples] + [e.lower() for e in lexicon.not_needs]
    assert len(examples) == len(set(examples)), "an example stands under two needs"
    assert all(len(n.examples) >= 8 for n in shipped), [n.id for n in shipped if len(n.examples) < 8]


def test_every_need_searches_words_the_sample_catalogue_knows(sample_database_url: str) -> None:
    with read_scope(sample_database_url) as session:
        unknown = [n.id for n in load_needs().needs if not query_weights(session, n.search)]
    assert not unknown, f"search words no offer uses: {unknown}"


def _index(*vectors: list[float], owner: list[int]) -> NeedIndex:
    """Needs n0, n1 … from hand-made vectors (owner -1: a sentence that is no need)."""
    rows = np.zeros((len(vectors), DIM), dtype=np.float32)
    for i, v in enumerate(vectors):
        rows[i, : len(v)] = v
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    group = [Need(f"n{i}", "x", ("schule",), ("e",)) for i in range(max(owner) + 1)]
    return NeedIndex(tuple(group), rows, np.array(owner, dtype=np.intp))


def _query(*values: float) -> np.ndarray:
    q = np.zeros(DIM, dtype=np.float32)
    q[: len(values)] = values
    return q / np.linalg.norm(q)


def test_the_need_with_the_closest_example_is_recognised() -> None:
    index = _index([1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], owner=[0, 0, 1])
    found = index.recognise(_query(0.95, 0.05, 0))
    assert found is not None and found.need.id == "n0" and found.similarity > needs.MIN_SIMILARITY


def test_a_query_far_from_every_example_is_no_need() -> None:
    index = _index([1, 0, 0], [0, 1, 0], owner=[0, 1])
    assert index.recognise(_query(0, 0, 1)) is None


def test_a_query_closest_to_a_sentence_that_is_no_need_is_no_need() -> None:
    index = _index([1, 0, 0], [0.9, 0.3, 0], owner=[-1, 0])
    assert index.recognise(_query(1, 0, 0)) is None
    assert index.recognise(_query(0.9, 0.35, 0)) is not None


def test_vectors_are_computed_once_per_file_content(tmp_path: Path) -> None:
    parsed = parse_needs(GOOD)
    model = CountingModel()
    first = build_index(parsed, model, cache_dir=tmp_path)
    assert len(model.embedded) == 4 and len(list(tmp_path.glob("need-vectors-*.npy"))) == 1
    again = build_index(parsed, model, cache_dir=tmp_path)
    assert len(model.embedded) == 4  # from the cache
    assert np.array_equal(first.vectors, again.vectors) and list(again.owner) == [0, 0, 1, -1]
    changed = parse_needs(GOOD.replace("schlechte noten", "lauter fünfen im zeugnis"))
    build_index(changed, model, cache_dir=tmp_path)
    assert model.embedded[-4:-1] == [
        "mein kind kommt in mathe nicht mit",
        "lauter fünfen im zeugnis",
        "gabelstapler fahren lernen",
    ]


def test_an_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    index = build_index(parse_needs(GOOD), CountingModel(), cache_dir=blocked / "cache")
    assert index.vectors.shape == (4, DIM)


# With the real model and the shipped file. The sentences are neither examples of the file nor labelled queries.
@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("mein sohn steht in mathe auf einer fünf", "schule"),
        ("ich will lernen wie man mit dem hubwagen im lager fährt", "weiterbildung"),
        ("unsere kleine schläft nie länger als zwei stunden am stück", "beratung"),
    ],
)
def test_a_described_situation_is_recognised_as_its_need(sentence: str, category: str) -> None:
    found = needs.recognise(sentence)
    assert found is not None and category in found.need.categories, found


@pytest.mark.parametrize("chat", ["vielen dank, tschüss", "bist du ein roboter", "wo kann ich hier parken", "😀", "ok"])
def test_chat_that_is_no_need_is_not_taken_for_one(chat: str) -> None:
    assert needs.recognise(chat) is None


def test_a_search_in_the_citizens_words_uses_the_need(sample_database_url: str) -> None:
    with read_scope(sample_database_url) as session:
        query = query_from_text(session=session, text="sitzenbleiben droht, was jetzt", municipality="Bohmte", limit=3)
        result = search(session=session, query=query)
    assert result.need is not None and result.hits
    assert all(h.offer.category == "schule" for h in result.hits), [h.offer.title for h in result.hits]


def test_a_search_in_the_catalogues_words_stays_as_it_is(sample_database_url: str) -> None:
    with read_scope(sample_database_url) as session:
        query = query_from_text(session=session, text="Staplerschein", municipality="Melle", limit=3)
        result = search(session=session, query=query)
    assert result.need is None and "stapler" in result.hits[0].offer.title.lower()


def test_a_short_query_needs_a_closer_example() -> None:
    # Two or three words resemble many examples by one shared word ("kurs" ~ "muhasebe kursu"): a typo of a
    # known course must not turn into another need.
    assert needs.recognise("smartfon kurs") is None
    assert needs.recognise("ein kurs für eltern") is not None  # an example of the file itself


def test_processes_starting_together_embed_once(tmp_path: Path) -> None:
    # Each call opens the lock file itself, as separate processes do (flock locks per open file).
    model = CountingModel()
    with ThreadPoolExecutor(4) as pool:
        built = list(pool.map(lambda _: build_index(parse_needs(GOOD), model, cache_dir=tmp_path), range(4)))
    assert len(model.embedded) == 4  # one build of four sentences; the other three read its file
    assert all(np.array_equal(b.vectors, built[0].vectors) for b in built)


def test_searches_while_the_index_is_built_go_on_without_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(needs, "_built", None)
    with needs._LOCK:  # the warm-up thread is building it
        assert needs.recognise("mein sohn steht in mathe auf einer fünf") is None
    assert needs.recognise("mein sohn steht in mathe auf einer fünf") is not None  # built on this call
