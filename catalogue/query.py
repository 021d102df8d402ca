"""One citizen message -> search facts (topic, place text, postcode, age, times, level, features, target groups).

Shared by the search API, the CLI and the chat actions, so that "brauch nen deutschkurs in quakenbrück"
means the same everywhere. Pure text work: place names are only found here and resolved by
``catalogue.places``; the word lists live in ``data/query_cues.yml`` so the Bildungsbüros can read them.

First spaCy's German tokenizer and rule Matcher (``catalogue.nlp``) claim what is no search at all: e-mail
and web addresses, phone numbers, ISO dates. Then the message is cut into tokens here, folded
(``catalogue.text.fold``) and matched with precompiled regular expressions over the folded text (the cue lists
spell out inflections, umlaut spellings and typos, which token patterns would repeat for every cue); every
token is claimed by at most one fact, and what nobody claims is the topic.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from functools import cache, lru_cache
from typing import Any

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from catalogue import nlp
from catalogue.models import TARGET_GROUPS
from catalogue.text import DATA, fold, words

CUES_PATH = DATA / "query_cues.yml"
MAX_CHARS = 5_000  # no chat message is longer; the cut keeps the parsing time bounded
MAX_AGE = 110
FUZZY_MIN_LEN = 5  # shorter words are too often another real word one typo away
FUZZY_LONG = 10  # from this length two typos are allowed
PERSON_WINDOW = 3  # tokens before a bare number that may make it an age ("Kinder ab 3")

TIMES_OF_DAY = ("morgens", "vormittags", "mittags", "nachmittags", "abends")
WEEKDAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")
FEATURES = ("childcare", "accessible", "online", "onsite", "free", "cheap")
_EXCLUSIVE = {"online": "onsite", "onsite": "online"}

# Ranks of age evidence: a stated age beats a school class, which beats "ab 6", which beats "Baby".
_EXACT, _CLASS, _BOUND, _WORD = 3, 2, 1, 0


@dataclass(frozen=True)
class ParsedQuery:
    """The facts of one message; empty fields were not said (callers ask rather than guess)."""

    topic_words: list[str] = field(default_factory=list)
    topic: str | None = None
    postcode: str | None = None
    place_text: str | None = None
    age_years: float | None = None
    age_min: int | None = None
    age_max: int | None = None
    times_of_day: list[str] = field(default_factory=list)
    weekdays: list[str] = field(default_factory=list)
    level: str | None = None
    features: set[str] = field(default_factory=set)
    target_groups: list[str] = field(default_factory=list)
    language: str | None = None
    numbers_unexplained: list[str] = field(default_factory=list)
    # The message without the words that became place, time, day or feature filters, for matching by meaning:
    # "Alphakurs mit Kinderbetreuung" means the Alphakurs (every result has childcare), not a course with childcare.
    # Not a search fact, so not in ``filters()``.
    meaning: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        # The topic is the joined topic words unless a caller sets it explicitly.
        if self.topic is None and self.topic_words:
            object.__setattr__(self, "topic", " ".join(self.topic_words))

    def filters(self) -> dict[str, object]:
        """Only the facts that were said, JSON-ready (for logs, the API and slot values)."""
        out: dict[str, object] = {}
        for f in fields(self):
            if f.name == "meaning":
                continue
            value = getattr(self, f.name)
            if value is None or (isinstance(value, list | set) and not value):
                continue
            out[f.name] = sorted(value) if isinstance(value, set) else list(value) if isinstance(value, list) else value
        return out


def merge(old: ParsedQuery, new: ParsedQuery) -> ParsedQuery:
    """Facts of a follow-up message on top of the conversation so far.

    A place and an age are replaced as a whole (a new "in Melle" must not keep the old postcode, a new
    "ab 60" not the old maximum); the topic only when the new message names one. Unexplained numbers
    are those of the new message only: the old ones were asked about already.
    """
    new_place = new.postcode is not None or new.place_text is not None
    new_age = new.age_years is not None or new.age_min is not None or new.age_max is not None
    features = {f for f in old.features if _EXCLUSIVE.get(f) not in new.features} | new.features
    return ParsedQuery(
        topic_words=list(new.topic_words if new.topic else old.topic_words),
        topic=new.topic if new.topic else old.topic,
        postcode=new.postcode if new_place else old.postcode,
        place_text=new.place_text if new_place else old.place_text,
        age_years=new.age_years if new_age else old.age_years,
        age_min=new.age_min if new_age else old.age_min,
        age_max=new.age_max if new_age else old.age_max,
        times_of_day=[t for t in TIMES_OF_DAY if t in old.times_of_day or t in new.times_of_day],
        weekdays=[d for d in WEEKDAYS if d in old.weekdays or d in new.weekdays],
        level=new.level or old.level,
        features=features,
        target_groups=_unique([*old.target_groups, *new.target_groups]),
        language=new.language or old.language,
        numbers_unexplained=list(new.numbers_unexplained),
    )


def warm_up() -> None:
    """Compile the cue patterns and load spaCy's tokenizer before the first citizen's message (a second or two)."""
    _cues()
    nlp.warm_up()


def parse(text: str, *, today: dt.date | None = None) -> ParsedQuery:
    """The search facts of one message; never raises on odd input (empty, markup, emoji, very long)."""
    cues = _cues()
    doc = _Doc(_clean(text or ""))
    today = today or dt.date.today()
    ages: list[_Age] = []
    times: set[str] = set()

    _claim_contacts(doc, cues)
    _claim_fillers(doc, cues)
    postcode, postcode_at = _postcode(doc)
    _dates(doc, cues)
    times |= _clock_times(doc, cues)
    ages += _school_class(doc, cues)
    ages += _ages(doc, cues, today)
    _counted_units(doc, cues)
    level = _level_code(doc)
    phrase_facts = _phrase_cues(doc, cues)
    times |= phrase_facts.times
    ages += phrase_facts.ages
    language = _language(doc, cues)
    age_years, age_min, age_max = _final_age(ages)
    targets = _target_groups(doc, cues)
    if (age_min is not None and age_min >= cues.senior_from_age) or (age_years or 0) >= cues.senior_from_age:
        targets = _unique([*targets, "senioren"])
    place = _place(doc, cues, postcode_at)
    return ParsedQuery(
        topic_words=_topic_words(doc, cues),
        postcode=postcode,
        place_text=place,
        age_years=age_years,
        age_min=age_min,
        age_max=age_max,
        times_of_day=[t for t in TIMES_OF_DAY if t in times],
        weekdays=[d for d in WEEKDAYS if d in phrase_facts.days],
        level=level or phrase_facts.level,
        features=phrase_facts.features,
        target_groups=targets,
        language=language,
        numbers_unexplained=_unexplained_numbers(doc, cues),
        meaning=_meaning(doc),
    )


# --------------------------------------------------------------------------------------------------
# Cue data
# --------------------------------------------------------------------------------------------------

_PLAIN = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})
# Between the words of a phrase: a space, or a dot or hyphen the tokenizer kept ("inkl. x", "e-learning").
_SEP = r"(?:\.\s?|\s?-\s?|\s)"
_PART = r"(?<!\w)(?:{})(?!\w)"  # may match one part of a hyphenated word ("Online-Kurs")
_WHOLE = r"(?<![\w-])(?:{})(?![\w-])"  # only whole words ("Eltern-Kind-Kurs" is a topic, not "Eltern")
_DIGITS = r"[0-9]{1,3}(?:[.,][0-9]{1,2})?"
_NUM_END = r"(?!\w)(?![.,][0-9])"
_YEARS = r"(?:jahre?n?|jahrs|jhr|lj|j)(?!\w)"
_MONTHS = r"(?:monate?n?|monats)(?!\w)"
_WEEKS = r"(?:wochen?)(?!\w)"
_JAEHRIG = r"(?:\s?-\s?|\s)?j(?:ae|a)hrig\w*"


def _spellings(entry: object) -> set[str]:
    """An entry as folded with and without its umlauts ("für" -> "fuer", "fur")."""
    text = str(entry).strip().lower()
    return {fold(text), fold(text.translate(_PLAIN))}


def _phrase_re(spelling: str) -> str:
    parts: list[str] = []
    for chunk in spelling.split():
        wild = chunk.endswith("*")
        bare = chunk.rstrip("*")
        pieces = [re.escape(w) for w in words(bare)] or [re.escape(bare)]
        if wild:
            pieces[-1] += r"\w*"
        parts.extend(pieces)
    return _SEP.join(parts)


def _alternation(entries: Iterable[object]) -> str:
    spellings = {s for e in entries for s in _spellings(e)}
    return "|".join(sorted((_phrase_re(s) for s in spellings if s), key=len, reverse=True))


def _folded_set(entries: Iterable[object]) -> frozenset[str]:
    return frozenset(s for e in entries for s in _spellings(e) if s)


def _folded_map(mapping: Mapping[Any, Any]) -> dict[str, float]:
    return {s: float(v) for k, v in mapping.items() for s in _spellings(k)}


def _single_words(entries: Iterable[object]) -> set[str]:
    return {s.rstrip("*") for e in entries for s in _spellings(e) if " " not in s}


@dataclass(frozen=True)
class _Rule:
    kind: str  # "filler", "time", "days", "level", "feature", "age", "target"
    value: Any
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class _Cues:
    stop: frozenset[str]  # never a topic word
    not_place: frozenset[str]
    not_place_endings: tuple[str, ...]
    filler_rules: tuple[_Rule, ...]
    phrase_rules: tuple[_Rule, ...]
    target_rules: tuple[_Rule, ...]
    target_topics: frozenset[str]
    cancel: dict[str, frozenset[str]]
    contact_words: frozenset[str]
    weekday_re: re.Pattern[str]
    weekday_range_re: re.Pattern[str]
    weekday_bases: dict[str, str]
    number_words: dict[str, float]
    all_numbers: dict[str, float]
    ordinals: dict[str, int]
    months: dict[str, int]
    birthday_words: frozenset[str]
    age_context: frozenset[str]
    duration_prefixes: frozenset[str]
    clock_hours: dict[str, tuple[int, int]]
    senior_from_age: int
    place_preps: tuple[tuple[str, ...], ...]
    place_prefixes: frozenset[str]
    place_suffix_re: re.Pattern[str]
    language_names: dict[str, str]
    language_re: re.Pattern[str]
    subject_context: frozenset[str]
    language_word_re: re.Pattern[str]
    fuzzy_vocab: tuple[str, ...]
    fuzzy_known: frozenset[str]
    fuzzy_stems: tuple[str, ...]
    re_dates: tuple[re.Pattern[str], ...]
    re_clock: tuple[re.Pattern[str], ...]
    re_class: tuple[re.Pattern[str], ...]
    re_age: dict[str, re.Pattern[str]]
    re_units: re.Pattern[str]


@cache
def _cues() -> _Cues:
    """Read and compile ``query_cues.yml`` once per process."""
    raw: dict[str, Any] = yaml.safe_load(CUES_PATH.read_text(encoding="utf-8"))
    return _compile(raw)


def _compile(raw: dict[str, Any]) -> _Cues:
    def rx(template: str, entries: Iterable[object]) -> re.Pattern[str]:
        return re.compile(template.format(_alternation(entries)))

    unknown = set(raw["target_groups"]) - set(TARGET_GROUPS)
    unknown |= set(raw["features"]) - set(FEATURES)
    unknown |= set(raw["times_of_day"]) - set(TIMES_OF_DAY)
    if unknown:
        raise ValueError(f"query_cues.yml: unknown values {sorted(unknown)}")

    single_word_lists = (
        "stop_words",
        "pronouns",
        "person_words",
        "greetings",
        "politeness",
        "search_verbs",
        "generic_words",
        "time_words",
        "countries",
    )
    filler_entries = [e for key in single_word_lists for e in raw[key]]
    filler_phrases = [e for e in filler_entries if " " in str(e).strip()]
    filler_rules = (_Rule("filler", None, rx(_PART, filler_phrases)),) if filler_phrases else ()

    phrase_rules: list[_Rule] = []
    for slot, cue_list in raw["times_of_day"].items():
        phrase_rules.append(_Rule("time", slot, rx(_PART, cue_list)))
    for group in raw["weekday_groups"]:
        phrase_rules.append(_Rule("days", tuple(group["days"]), rx(_PART, group["cues"])))
    for level, cue_list in raw["levels"].items():
        phrase_rules.append(_Rule("level", level, rx(_PART, cue_list)))
    for feature, cue_list in raw["features"].items():
        phrase_rules.append(_Rule("feature", feature, rx(_PART, cue_list)))
    for item in raw["age_words"]:
        phrase_rules.append(_Rule("age", (int(item["min"]), int(item["max"])), rx(_WHOLE, item["cues"])))
    target_rules = tuple(_Rule("target", g, rx(_WHOLE, c)) for g, c in raw["target_groups"].items())

    weekday_bases = {s: day for day, bases in raw["weekdays"].items() for b in bases for s in _spellings(b)}
    bases_alt = "|".join(sorted(weekday_bases, key=len, reverse=True))
    stems_alt = "|".join(slot.removesuffix("s") for slot in TIMES_OF_DAY)
    weekday_re = re.compile(rf"(?<!\w)({bases_alt})(?:s|en)?(?:({stems_alt})s?)?(?!\w)")
    abbrev = "|".join(WEEKDAYS)
    weekday_range_re = re.compile(
        rf"(?<!\w)(?:({bases_alt})s?|({abbrev})\.?)(?:\s?-\s?|\sbis\s)(?:({bases_alt})s?|({abbrev})\.?)(?!\w)"
    )

    number_words = _folded_map(raw["number_words"])
    all_numbers = number_words | _folded_map(raw["article_numbers"])
    months = {k: int(v) for k, v in _folded_map(raw["months"]).items()}
    ordinals = {k: int(v) for k, v in _folded_map(raw["ordinals"]).items()}
    language_names = {s: name for name, spellings in raw["languages"].items() for sp in spellings for s in _spellings(sp)}
    lang_alt = "|".join(sorted(language_names, key=len, reverse=True))

    cue_words: set[str] = set()
    for section in ("times_of_day", "levels", "features", "target_groups"):
        for cue_list in raw[section].values():
            cue_words |= _single_words(cue_list)
    for group in raw["weekday_groups"]:
        cue_words |= _single_words(group["cues"])
    for item in raw["age_words"]:
        cue_words |= _single_words(item["cues"])
    target_topics = _folded_set(raw["target_words_also_topic"])
    # spaCy's German stop words (543, "damit", "kaum", "tun") beyond our own lists, except those that name a topic.
    general_stop = _folded_set(nlp.stop_words()) - _folded_set(raw["stop_words_that_are_topics"])
    stop = (_folded_set(filler_entries) | general_stop | set(all_numbers) | set(months) | cue_words) - target_topics
    age_and_target_words = {w for item in raw["age_words"] for w in _single_words(item["cues"])}
    age_and_target_words |= {w for cue_list in raw["target_groups"].values() for w in _single_words(cue_list)}
    not_place = (
        stop
        | _folded_set(raw["not_places"])
        | _folded_set(raw["age_context"])
        | set(language_names)
        | set(weekday_bases)
        | _folded_set(raw["place_prepositions"])
    )

    fuzzy_vocab: set[str] = {w for w in cue_words if len(w) >= FUZZY_MIN_LEN}
    fuzzy_vocab -= {w for cue_list in raw["target_groups"].values() for w in _single_words(cue_list) if len(w) < 8}
    for section in ("times_of_day", "levels", "features", "target_groups"):
        for cue_list in raw[section].values():
            fuzzy_vocab |= {w for e in cue_list for s in _spellings(e) for w in s.split() if len(w.rstrip("*")) >= FUZZY_LONG}
    fuzzy_vocab = {w.rstrip("*") for w in fuzzy_vocab}
    fuzzy_vocab |= {day + suffix for day in weekday_bases for suffix in ("", "s")}
    stems = tuple(sorted(w for w in fuzzy_vocab | cue_words if len(w) >= FUZZY_MIN_LEN))

    n_words = "|".join(sorted(number_words, key=len, reverse=True))
    n_all = "|".join(sorted(all_numbers, key=len, reverse=True))
    n_bare = rf"(?:{_DIGITS}|{n_words})"
    n_any = rf"(?:{_DIGITS}|{n_all})"
    units = _alternation(raw["number_units"])
    unit_next = rf"(?:\s?(?:{units})(?!\w))"
    not_unit = rf"{_NUM_END}(?!{unit_next})"
    months_alt = "|".join(sorted(months, key=len, reverse=True))
    ordinals_alt = "|".join(sorted(ordinals, key=len, reverse=True))
    dur = _alternation(raw["duration_prefixes"])
    ctx = _alternation([*raw["age_context"], *raw["person_words"]])
    pron = _alternation(raw["age_pronouns"])
    adv = _alternation(raw["age_adverbs"])
    lo_words, hi_words, upto_words = (
        _alternation(("ab", "über", "älter als", "mindestens", "mind", "ü")),
        _alternation(("unter", "jünger als")),
        _alternation(("bis", "bis zu", "höchstens", "maximal", "max")),
    )
    bound_unit = rf"(?:\s?(?:{_YEARS}|{_MONTHS}|{_JAEHRIG}))"

    re_age = {
        "wird": rf"(?<!\w)wird((?:\s[^\W\d_]+){{0,3}}?)\s({n_bare}){not_unit}(?:\s?{_YEARS})?(?:\salt(?!\w))?",
        "months": rf"(?<!\w)(?:({dur})\s)?({n_any})\s?{_MONTHS}(\salt\w*)?",
        "weeks": rf"(?<!\w)(?:({dur})\s)?({n_any})\s?{_WEEKS}(\salt\w*)?",
        "range": (
            rf"(?<!\w)(?:(?:von|zwischen|ab)\s)?({n_bare})\s?(-|bis|und)\s?({n_bare})"
            rf"\s?(?:{_YEARS}|{_JAEHRIG})(?:\salt\w*)?"
        ),
        "bound": rf"(?<!\w)(?:({lo_words})|({hi_words})|({upto_words}))\s({n_bare}){not_unit}({bound_unit})?(\salt\w*)?(\s?\+)?",
        "plus": rf"(?<!\w)({n_bare})\s?\+(?![\w+])",
        "at": rf"(?<!\w)mit\s({n_bare}){not_unit}({bound_unit})?(\salt\w*)?",
        "u": r"(?<!\w)(ue|u)([0-9]{1,2})(?!\w)",
        "between": rf"(?<!\w)(?:zwischen|von)\s({n_bare})\s(?:und|bis)\s({n_bare}){not_unit}",
        "alter": (
            rf"(?<!\w)(?:im\s)?alter(?:\svon)?(?:\s?:)?\s({n_bare}){_NUM_END}"
            rf"(?:(?:\sbis|\s?-|\sund)\s?({n_bare}){_NUM_END})?(?:\s?{_YEARS})?"
        ),
        "years": rf"(?<!\w)(?:({dur})\s)?({n_any})\s?{_YEARS}(\salt\w*)?",
        "jaehrig": rf"(?<!\w)({n_any}){_JAEHRIG}",
        "person": (
            rf"(?<!\w)(?:(?:{ctx})(?:\s(?:ist|sind|wird|wurde))?|(?:{pron})\s(?:ist|wird|wurde)|bin)(?:\s(?:{adv}))?"
            rf"(?:\s?[,(:-])?\s?({n_bare}){not_unit}((?:(?:\sund|\s?,|\s?/)\s?{n_bare}{not_unit})*)"
        ),
    }
    return _Cues(
        stop=frozenset(stop),
        not_place=frozenset(not_place),
        not_place_endings=tuple(sorted(_folded_set(raw["not_place_endings"]))),
        filler_rules=filler_rules,
        phrase_rules=tuple(phrase_rules),
        target_rules=target_rules,
        target_topics=target_topics,
        contact_words=_folded_set(raw["contact_words"]),
        cancel={s: _folded_set(after) for cue, after in raw["cancel_if_followed_by"].items() for s in _spellings(cue)},
        weekday_re=weekday_re,
        weekday_range_re=weekday_range_re,
        weekday_bases=weekday_bases,
        number_words=number_words,
        all_numbers=all_numbers,
        ordinals=ordinals,
        months=months,
        birthday_words=_folded_set(raw["birthday_words"]) | set(months),
        age_context=_folded_set(raw["age_context"]) | _folded_set(raw["person_words"]) | age_and_target_words,
        duration_prefixes=_folded_set(raw["duration_prefixes"]),
        clock_hours={slot: (int(a), int(b)) for slot, (a, b) in raw["clock_hours"].items()},
        senior_from_age=int(raw["senior_from_age"]),
        place_preps=tuple(
            sorted({tuple(s.split()) for p in raw["place_prepositions"] for s in _spellings(p)}, key=len, reverse=True)
        ),
        place_prefixes=_folded_set(raw["place_prefixes"]),
        place_suffix_re=re.compile(rf"\s(?:{_alternation(raw['place_suffixes'])})(?!\w)\.?"),
        language_names=language_names,
        language_re=re.compile(
            rf"(?<!\w)(?:(?:auf|in)(?:\s(?:der|einer))?\s({lang_alt})(?:e|er|en|em)?(?:\ssprache)?|({lang_alt})(?:e|en)?-?sprachig\w*)(?!\w)"
        ),
        subject_context=_folded_set(raw["subject_context"]),
        language_word_re=re.compile(rf"(?:{lang_alt})(?:e|er|en|em|es)?"),
        fuzzy_vocab=tuple(sorted(fuzzy_vocab)),
        fuzzy_known=frozenset(stop | set(weekday_bases) | set(language_names) | _folded_set(raw["fuzzy_never"])),
        fuzzy_stems=stems,
        re_dates=(
            re.compile(r"(?<!\w)[0-9]{1,2}\.[0-9]{1,2}\.(?:[0-9]{2,4}(?!\w))?"),
            re.compile(rf"(?<!\w)[0-9]{{1,2}}\.\s?(?:{months_alt})(?!\w)(?:\s[0-9]{{4}}(?!\w))?"),
            re.compile(
                rf"(?<!\w)(?:am|ab|vom|bis|zum|ende|anfang)\s[0-9]{{1,2}}\.[0-9]{{1,2}}(?!\w)(?!\s?(?:{_YEARS}|{_MONTHS}))"
            ),
            re.compile(r"(?<!\w)(?:19[5-9][0-9]|20[0-9]{2})(?!\w)"),
        ),
        re_clock=(
            re.compile(
                r"(?<!\w)(?:(um|ab|bis|gegen|nach|vor|von|zwischen|ca|circa)\s)?([0-9]{1,2})(?:[:.][0-9]{2})?"
                r"(?:\s?(?:-|bis|und)\s?[0-9]{1,2}(?:[:.][0-9]{2})?)?\s?uhr(?!\w)"
            ),
            re.compile(
                r"(?<!\w)(?:(um|ab|bis|gegen|nach|vor|von|zwischen|ca|circa)\s)?([0-9]{1,2}):[0-9]{2}(?!\w)"
                r"(?:\s?(?:-|bis)\s?[0-9]{1,2}:[0-9]{2}(?!\w))?"
            ),
            re.compile(rf"(?<!\w)(um|gegen)\s([0-9]{{1,2}})(?:\.[0-9]{{2}})?{not_unit}(?!\s?(?:{_YEARS}|{_MONTHS}|{_JAEHRIG}))"),
        ),
        re_class=(
            re.compile(r"(?<!\w)([0-9]{1,2})\.?\s?(?:klasse|klassenstufe|schuljahr|jahrgangsstufe)\w*"),
            re.compile(r"(?<!\w)(?:klasse|klassenstufe|jahrgangsstufe)\s?([0-9]{1,2})[a-f]?(?!\w)"),
            re.compile(rf"(?<!\w)({ordinals_alt})(?:e|en|er|es)?(?:\s?-\s?|\s)?(?:klasse\w*|klaessler\w*|klassler\w*)"),
            re.compile(
                rf"(?<!\w)(?:geht|gehe|gehen|kommt|komme|kommen|ist|bin|sind|wechselt)(?:\s(?:{adv}))?"
                rf"\sin\s(?:die|der|den)\s(?:([0-9]{{1,2}})\.?|({ordinals_alt})(?:e|en|er|es)?){not_unit}"
            ),
        ),
        re_age={name: re.compile(p) for name, p in re_age.items()},
        re_units=re.compile(rf"(?<!\w)({n_any})(?:\s?(?:-|bis)\s?{n_bare})?\s?(?:{units})(?!\w)"),
    )


@lru_cache(maxsize=8192)
def _correct(key: str) -> str:
    """A cue word for a word one typo away from it ("abens" -> "abends"); other words unchanged."""
    cues = _cues()
    if len(key) < FUZZY_MIN_LEN or key in cues.fuzzy_known or not key.isalpha():
        return key
    # Longer forms of a known word ("digitale", "kostenlose") are handled by the cue patterns themselves.
    if any(key.startswith(stem) or stem.startswith(key) for stem in cues.fuzzy_stems):
        return key
    limit = 2 if len(key) >= FUZZY_LONG else 1
    found = process.extractOne(key, cues.fuzzy_vocab, scorer=OSA.distance, score_cutoff=limit)
    if found is None or found[0][0] != key[0]:
        return key
    return str(found[0])


# --------------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"(?P<num>[0-9]+(?:[.,][0-9]+)?)|(?P<word>[^\W\d_]+)|(?P<punct>\S)")
_SCRIPT = re.compile(r"<(script|style)\b[^>]{0,500}>.{0,5000}?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]{0,500}>")


def _clean(text: str) -> str:
    """Markup pasted into the chat is no part of the request."""
    text = html.unescape(unicodedata.normalize("NFKC", text[:MAX_CHARS]))
    return _TAG.sub(" ", _SCRIPT.sub(" ", text))


@dataclass(slots=True)
class _Token:
    raw: str
    key: str  # folded, typo-corrected
    kind: str  # "num", "word", "punct"
    start: int  # in the cleaned text
    end: int
    jstart: int  # in the joined folded text
    jend: int
    glued: bool  # no space before it


class _Doc:
    """The message as tokens and as one folded string for the cue patterns, with who claimed which token."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[_Token] = []
        parts: list[str] = []
        pos, prev_end = 0, -1
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup or "punct"
            key = fold(m.group()) or m.group()
            if kind == "word":
                key = _correct(key)
            glued = m.start() == prev_end
            if self.tokens and not glued:
                parts.append(" ")
                pos += 1
            self.tokens.append(_Token(m.group(), key, kind, m.start(), m.end(), pos, pos + len(key), glued))
            parts.append(key)
            pos += len(key)
            prev_end = m.end()
        self.joined = "".join(parts)
        self.starts = [t.jstart for t in self.tokens]
        self.begins = [t.start for t in self.tokens]  # in the cleaned text
        self.ends = [t.end for t in self.tokens]
        self.tags: list[str | None] = [None] * len(self.tokens)

    def span(self, start: int, end: int) -> range:
        first = bisect.bisect_right(self.starts, start) - 1
        if first < 0 or self.tokens[first].jend <= start:
            first += 1
        return range(first, bisect.bisect_left(self.starts, end))

    def free(self, r: range) -> bool:
        return all(self.tags[i] is None for i in r)

    def take(self, r: range, tag: str) -> None:
        for i in r:
            self.tags[i] = self.tags[i] or tag

    def find(self, pattern: re.Pattern[str]) -> Iterator[tuple[re.Match[str], range]]:
        """Matches over tokens nobody has claimed yet."""
        for m in pattern.finditer(self.joined):
            r = self.span(m.start(), m.end())
            if r and self.free(r):
                yield m, r

    def key(self, i: int) -> str:
        return self.tokens[i].key if 0 <= i < len(self.tokens) else ""

    def next_word(self, i: int) -> str:
        while i < len(self.tokens) and self.tokens[i].kind == "punct":
            i += 1
        return self.key(i)

    def near_before(self, i: int, vocabulary: frozenset[str]) -> bool:
        return any(self.key(j) in vocabulary for j in range(max(0, i - PERSON_WINDOW), i))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _number(text: str, cues: _Cues) -> float | None:
    if text[:1].isdigit():
        return float(text.replace(",", "."))
    return cues.all_numbers.get(text)


# --------------------------------------------------------------------------------------------------
# Facts, each claiming its tokens
# --------------------------------------------------------------------------------------------------


def _claim_contacts(doc: _Doc, cues: _Cues) -> None:
    """E-mail and web addresses, phone numbers and ISO dates (found by spaCy) are neither topic, place nor age;
    nor are the words that introduce a contact detail ("meine Mail ist", "Handy:")."""
    for claim in nlp.claims(doc.text):
        first = bisect.bisect_left(doc.ends, claim.start + 1)
        doc.take(range(first, bisect.bisect_left(doc.begins, claim.end)), claim.label)
        if claim.label in ("email", "phone"):
            i = first - 1
            while i >= 0 and doc.tags[i] is None and (doc.tokens[i].kind == "punct" or doc.key(i) in cues.contact_words):
                doc.take(range(i, i + 1), claim.label)
                i -= 1


def _claim_fillers(doc: _Doc, cues: _Cues) -> None:
    """Greetings first, so that "guten Abend" is no evening course."""
    for rule in cues.filler_rules:
        for _, r in doc.find(rule.pattern):
            doc.take(r, "filler")


def _postcode(doc: _Doc) -> tuple[str | None, int | None]:
    """Only a standalone five-digit number: not part of a phone number, a date or a price."""
    toks = doc.tokens
    for i, t in enumerate(toks):
        if t.kind != "num" or len(t.raw) != 5 or not t.raw.isdigit() or doc.tags[i]:
            continue
        if _beside_number(toks, i) or (i and toks[i - 1].key == "+") or doc.key(i + 1) in ("€", ":"):
            continue
        doc.take(range(i, i + 1), "postcode")
        return t.raw, i
    return None, None


def _beside_number(toks: list[_Token], i: int) -> bool:
    """A neighbouring number, also across "/" or "-", makes five digits part of a phone number or a range."""
    for step in (-1, 1):
        j = i + step
        if 0 <= j < len(toks) and toks[j].key in ("/", "-"):
            j += step
        if 0 <= j < len(toks) and toks[j].kind == "num":
            return True
    return False


def _dates(doc: _Doc, cues: _Cues) -> None:
    """Dates and years are said but not filtered on; claiming them keeps them from being ages or postcodes."""
    for pattern in cues.re_dates:
        for _, r in doc.find(pattern):
            doc.take(r, "date")


def _hour_slot(hour: int, cues: _Cues) -> str | None:
    return next((slot for slot, (a, b) in cues.clock_hours.items() if a <= hour <= b), None)


def _clock_times(doc: _Doc, cues: _Cues) -> set[str]:
    """ "um 18 Uhr" -> abends; "bis 12 Uhr" says when it ends, not when it is."""
    slots: set[str] = set()
    for pattern in cues.re_clock:
        for m, r in doc.find(pattern):
            hour = int(m.group(2))
            if hour > 24:
                continue
            doc.take(r, "clock")
            slot = _hour_slot(hour, cues) if m.group(1) not in ("bis", "vor") else None
            if slot:
                slots.add(slot)
    return slots


@dataclass(frozen=True)
class _Age:
    rank: int
    years: float | None = None
    lo: float | None = None
    hi: float | None = None


def _class_age(n: int) -> _Age | None:
    # Children start school at about six: class n is ages n+5 to n+6.
    return _Age(_CLASS, None, n + 5, n + 6) if 1 <= n <= 13 else None


def _school_class(doc: _Doc, cues: _Cues) -> list[_Age]:
    """ "3. Klasse", "Klasse 3", "Drittklässler", "geht in die 3"."""
    found: list[_Age] = []
    for pattern in cues.re_class:
        for m, r in doc.find(pattern):
            digits = next((g for g in m.groups() if g and g.isdigit()), None)
            word = next((g for g in m.groups() if g and not g.isdigit()), None)
            n = int(digits) if digits else cues.ordinals.get(word or "", 0)
            age = _class_age(n)
            if age:
                doc.take(r, "age")
                found.append(age)
    return found


def _valid_age(v: float | None) -> bool:
    return v is not None and 0 <= v <= MAX_AGE


def _ages(doc: _Doc, cues: _Cues, today: dt.date) -> list[_Age]:
    """Stated ages and age bounds, most specific patterns first."""
    found: list[_Age] = []
    pat = cues.re_age

    for m, r in doc.find(pat["wird"]):
        middle = m.group(1).split()
        n = _number(m.group(2), cues)
        if not _valid_age(n) or not all(w in cues.birthday_words for w in middle) or not n:
            continue
        months = [cues.months[w] for w in middle if w in cues.months]
        if months:
            ahead = float((months[0] - today.month) % 12) or 0.5
        else:
            ahead = 1.0 if {"bald", "demnaechst", "monat"} & set(middle) else 6.0
        doc.take(r, "age")
        found.append(_Age(_EXACT, round(n - ahead / 12, 2)))

    for name, per_year in (("months", 12), ("weeks", 52)):
        for m, r in doc.find(pat[name]):
            n = _number(m.group(2), cues)
            doc.take(r, "age")
            is_duration = m.group(1) in cues.duration_prefixes and not m.group(3)
            if name == "weeks" and not m.group(3) and not doc.near_before(r.start, cues.age_context):
                is_duration = True
            if n is not None and not is_duration:
                found.append(_Age(_EXACT, round(n / per_year, 2)))

    for m, r in doc.find(pat["range"]):
        a, b = _number(m.group(1), cues), _number(m.group(3), cues)
        if a is None or b is None or not (_valid_age(a) and _valid_age(b)):
            continue
        doc.take(r, "age")
        if m.group(2) == "und":
            found += [_Age(_EXACT, a), _Age(_EXACT, b)]
        else:
            found.append(_Age(_BOUND, None, min(a, b), max(a, b)))

    for m, r in doc.find(pat["bound"]):
        lo_word, hi_word, _up_to, num, unit, alt, plus = m.groups()
        n = _number(num, cues)
        if n is None or not _valid_age(n):
            continue
        if unit and "mon" in unit:
            n = n / 12
        explicit = bool(unit or alt or plus) or doc.near_before(r.start, cues.age_context)
        if not explicit and not (lo_word and 25 <= n <= MAX_AGE):
            continue  # "ab 18" may be a time: left for the caller to ask about
        doc.take(r, "age")
        if lo_word:
            found.append(_Age(_BOUND, None, n, None))
        else:
            found.append(_Age(_BOUND, None, None, n - 1 if hi_word and n >= 1 else n))

    for m, r in doc.find(pat["at"]):
        n = _number(m.group(1), cues)
        if n is None or not _valid_age(n):
            continue
        # "Umschulung mit 50": an adult's age; "mit 3" may count people or anything else, unless said so.
        if not (m.group(2) or m.group(3) or 25 <= n <= MAX_AGE or doc.near_before(r.start, cues.age_context)):
            continue
        doc.take(r, "age")
        found.append(_Age(_EXACT, n))

    for m, r in doc.find(pat["plus"]):
        n = _number(m.group(1), cues)
        if n is not None and 1 <= n <= MAX_AGE:
            doc.take(r, "age")
            found.append(_Age(_BOUND, None, n, None))

    for m, r in doc.find(pat["u"]):
        n = int(m.group(2))
        doc.take(r, "age")
        found.append(_Age(_BOUND, None, n, None) if m.group(1) == "ue" else _Age(_BOUND, None, None, max(n - 1, 0)))

    for m, r in doc.find(pat["between"]):
        a, b = _number(m.group(1), cues), _number(m.group(2), cues)
        if a is None or b is None or not doc.near_before(r.start, cues.age_context) or not (_valid_age(a) and _valid_age(b)):
            continue
        doc.take(r, "age")
        found.append(_Age(_BOUND, None, min(a, b), max(a, b)))

    for m, r in doc.find(pat["alter"]):
        a = _number(m.group(1), cues)
        b = _number(m.group(2), cues) if m.group(2) else None
        if not _valid_age(a):
            continue
        doc.take(r, "age")
        found.append(_Age(_EXACT, a) if b is None else _Age(_BOUND, None, min(a or 0, b), max(a or 0, b)))

    for m, r in doc.find(pat["years"]):
        n = _number(m.group(2), cues)
        doc.take(r, "age")
        if m.group(1) in cues.duration_prefixes and not m.group(3):
            continue  # "seit 2 Jahren in Deutschland"
        if _valid_age(n):
            found.append(_Age(_EXACT, n))

    for m, r in doc.find(pat["jaehrig"]):
        n = _number(m.group(1), cues)
        if _valid_age(n):
            doc.take(r, "age")
            found.append(_Age(_EXACT, n))

    for m, r in doc.find(pat["person"]):
        numbers = [m.group(1), *re.findall(r"[0-9]+(?:[.,][0-9]+)?|[^\W\d_]+", m.group(2) or "")]
        values = [_number(x, cues) for x in numbers if x not in ("und",)]
        values = [v for v in values if _valid_age(v)]
        if values:
            doc.take(r, "age")
            found += [_Age(_EXACT, v) for v in values]
    return found


def _final_age(ages: list[_Age]) -> tuple[float | None, int | None, int | None]:
    """The strongest kind of evidence wins; several stated ages ("3 und 5") become a range."""
    if not ages:
        return None, None, None
    top = max(a.rank for a in ages)
    chosen = [a for a in ages if a.rank == top]
    if top == _EXACT:
        values = sorted({a.years for a in chosen if a.years is not None})
        if len(values) == 1:
            return round(values[0], 2), math.floor(values[0]), math.floor(values[0])
        return None, math.floor(values[0]), math.floor(values[-1])
    if top == _BOUND:
        los = [a.lo for a in chosen if a.lo is not None]
        his = [a.hi for a in chosen if a.hi is not None]
        lo = math.floor(max(los)) if los else None
        hi = math.floor(min(his)) if his else None
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        return None, lo, hi
    return None, math.floor(min(a.lo or 0 for a in chosen)), math.floor(max(a.hi or 0 for a in chosen))


def _counted_units(doc: _Doc, cues: _Cues) -> None:
    """ "2 Personen", "15 Euro", "3 mal": numbers that are understood but filter nothing."""
    for _, r in doc.find(cues.re_units):
        doc.take(r, "unit")


_LEVEL_CODE = (
    re.compile(r"(?<!\w)([abc])([12])(?:\.[1-3])?(?!\w)"),
    re.compile(r"(?<!\w)(?:sprachniveau|niveau|stufe|level)\s?:?\s?([abc])\s?([12])(?:\.[1-3])?(?!\w)"),
)


def _level_code(doc: _Doc) -> str | None:
    """CEFR levels ("A2-Kurs", "niveau b1"); the first one said counts."""
    found: list[tuple[int, str]] = []
    for pattern in _LEVEL_CODE:
        for m, r in doc.find(pattern):
            doc.take(r, "level")
            found.append((r.start, m.group(1) + m.group(2)))
    return min(found)[1] if found else None


@dataclass
class _PhraseFacts:
    times: set[str] = field(default_factory=set)
    days: set[str] = field(default_factory=set)
    level: str | None = None
    features: set[str] = field(default_factory=set)
    ages: list[_Age] = field(default_factory=list)


def _cancelled(doc: _Doc, r: range, cues: _Cues) -> bool:
    after = cues.cancel.get(doc.key(r.stop - 1))
    return after is not None and doc.next_word(r.stop) in after


def _weekday_span(a: str, b: str) -> list[str]:
    i, j = WEEKDAYS.index(a), WEEKDAYS.index(b)
    return list(WEEKDAYS[i : j + 1]) if i <= j else list(WEEKDAYS[i:] + WEEKDAYS[: j + 1])


def _phrase_cues(doc: _Doc, cues: _Cues) -> _PhraseFacts:
    """Times, days, levels, features and age words; where cues overlap the longest wins ("nicht online")."""
    candidates: list[tuple[int, int, range, str, Any]] = []
    for rule in cues.phrase_rules:
        for m, r in doc.find(rule.pattern):
            candidates.append((m.end() - m.start(), m.start(), r, rule.kind, rule.value))
    for m, r in doc.find(cues.weekday_range_re):
        a = cues.weekday_bases.get(m.group(1) or "") or m.group(2)
        b = cues.weekday_bases.get(m.group(3) or "") or m.group(4)
        if a and b:
            candidates.append((m.end() - m.start(), m.start(), r, "days", tuple(_weekday_span(a, b))))
    for m, r in doc.find(cues.weekday_re):
        candidates.append((m.end() - m.start(), m.start(), r, "days", (cues.weekday_bases[m.group(1)],)))
        if m.group(2):
            candidates.append((m.end() - m.start(), m.start(), r, "daytime", m.group(2) + "s"))

    facts = _PhraseFacts()
    levels: list[tuple[int, str]] = []
    for _, start, r, kind, value in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if kind == "daytime":
            if doc.tags[r.start] == "days":
                facts.times.add(value)
            continue
        if not doc.free(r) or _cancelled(doc, r, cues):
            continue
        # "günstig" is a wish, not a filter: it stays in the meaning (_meaning).
        doc.take(r, "cheap" if value == "cheap" else kind)
        if kind == "time":
            facts.times.add(value)
        elif kind == "days":
            facts.days.update(value)
        elif kind == "level":
            levels.append((start, value))
        elif kind == "feature":
            facts.features.add(value)
        elif kind == "age":
            facts.ages.append(_Age(_WORD, None, value[0], value[1]))
    facts.level = min(levels)[1] if levels else None
    return facts


def _language(doc: _Doc, cues: _Cues) -> str | None:
    """ "auf Arabisch", "in Türkisch", "arabischsprachig"; a "Deutschkurs" names a subject, not a language."""
    for m, r in doc.find(cues.language_re):
        if doc.key(r.start) == "in" and doc.near_before(r.start, cues.subject_context):
            continue  # "Nachhilfe in Englisch": the subject, a topic word
        doc.take(r, "language")
        return cues.language_names[m.group(1) or m.group(2)]
    return None


def _target_groups(doc: _Doc, cues: _Cues) -> list[str]:
    """Who the offer is for, in the order said; a word may also be an age ("Jugendlicher")."""
    found: list[tuple[int, str]] = []
    for rule in cues.target_rules:
        for m in rule.pattern.finditer(doc.joined):
            r = doc.span(m.start(), m.end())
            if not r or any(doc.tags[i] == "filler" for i in r) or _cancelled(doc, r, cues):
                continue
            if not all(doc.key(i) in cues.target_topics for i in r):
                doc.take(r, "target")
            found.append((m.start(), rule.value))
    return _unique(g for _, g in sorted(found))


def _place_word(doc: _Doc, i: int, cues: _Cues) -> bool:
    if i >= len(doc.tokens) or doc.tags[i] is not None:
        return False
    t = doc.tokens[i]
    key = t.key
    if t.kind != "word" or len(key) < 2 or key in cues.not_place or cues.language_word_re.fullmatch(key):
        return False
    return not any(key.endswith(e) and len(key) > len(e) + 2 for e in cues.not_place_endings)


def _place_at(doc: _Doc, j: int, cues: _Cues) -> range | None:
    """The place name starting at token j: one word, a hyphenated one, or "Bad Essen"-like pairs."""
    if not _place_word(doc, j, cues):
        return None
    toks = doc.tokens
    k = j + 1
    while (
        k + 1 < len(toks)
        and toks[k].key == "-"
        and toks[k].glued
        and toks[k + 1].glued
        and toks[k + 1].kind == "word"
        and doc.tags[k + 1] is None
    ):
        k += 2
    if k == j + 1 and toks[j].key in cues.place_prefixes and _place_word(doc, k, cues):
        k += 1
    suffix = cues.place_suffix_re.match(doc.joined, toks[k - 1].jend)
    if suffix:
        k = doc.span(toks[j].jstart, suffix.end()).stop
    return range(j, k)


def _place(doc: _Doc, cues: _Cues, postcode_at: int | None) -> str | None:
    """Text after "in", "bei", "aus", "nähe" … that may be a place; the first one said counts."""
    toks = doc.tokens
    keys = [t.key for t in toks]
    found: range | None = None
    for i in range(len(toks)):
        for prep in cues.place_preps:
            n = len(prep)
            if tuple(keys[i : i + n]) != prep or not doc.free(range(i, i + n)):
                continue
            r = _place_at(doc, i + n, cues)
            if r and not (prep == ("um",) and doc.next_word(r.stop) == "zu"):  # "um Kontakte zu knüpfen"
                found = r
                break
        if found:
            break
    if found is None and postcode_at is not None:
        found = _place_at(doc, postcode_at + 1, cues)  # "49143 Bissendorf"
    if found is None:
        return None
    doc.take(found, "place")
    # "in Ostercappeln oder Bohmte": the alternatives are places too, not topic words.
    alternative = found
    while doc.key(alternative.stop) in ("und", "oder", "bzw", ",", "/"):
        nxt = _place_at(doc, alternative.stop + 1, cues)
        if nxt is None:
            break
        doc.take(nxt, "place")
        alternative = nxt
    return doc.text[toks[found.start].start : toks[found.stop - 1].end].lower()


def _topic_words(doc: _Doc, cues: _Cues) -> list[str]:
    """Unclaimed words that are not fillers, kept as written; hyphenated words stay whole where possible."""
    out: list[str] = []
    toks = doc.tokens
    segment: list[int] = []

    def flush() -> None:
        while segment and toks[segment[0]].kind == "punct":
            segment.pop(0)
        while segment and toks[segment[-1]].kind == "punct":
            segment.pop()
        if segment:
            text = "".join(toks[i].raw for i in segment).lower()
            if len(text) >= 2 and fold(text) not in cues.stop:
                out.append(text)
        segment.clear()

    for i, t in enumerate(toks):
        joins = bool(segment) and t.glued and (t.kind == "word" or t.key == "-")
        if not joins:
            flush()
        if doc.tags[i] is None and (t.kind == "word" or (t.key == "-" and segment)):
            segment.append(i)
        else:
            flush()
    flush()
    return _unique(out)


# Claims that the search applies as filters (or that are no search at all); what is left carries the meaning.
# Ages stay: "er ist zwei" means a crèche, "mit 55" a second start (measured: out of the meaning, both got worse).
_FILTER_TAGS = frozenset({"time", "days", "clock", "date", "feature", "postcode", "place", "email", "url", "phone"})


def _meaning(doc: _Doc) -> str:
    kept = [t for i, t in enumerate(doc.tokens) if doc.tags[i] not in _FILTER_TAGS]
    while kept and kept[0].kind == "punct":  # what stood before a removed contact detail
        kept.pop(0)
    return "".join(("" if t.glued and n else " ") + t.raw for n, t in enumerate(kept)).strip()


def _unexplained_numbers(doc: _Doc, cues: _Cues) -> list[str]:
    """Numbers nobody could place ("ab 18", "wir sind 3"), so that the caller can ask instead of guessing."""
    return _unique(
        t.raw for i, t in enumerate(doc.tokens) if doc.tags[i] is None and (t.kind == "num" or t.key in cues.number_words)
    )


@cache
def _filler_words() -> frozenset[str]:
    """Words that never name an offer: stop words, pronouns, greetings, politeness, search verbs (from the cues)."""
    raw: dict[str, Any] = yaml.safe_load(CUES_PATH.read_text(encoding="utf-8"))
    keys = ("stop_words", "pronouns", "greetings", "politeness", "search_verbs")
    return frozenset(fold(w) for key in keys for entry in raw[key] for w in words(str(entry)))


def is_filler(text: str) -> bool:
    """True when a would-be topic holds no word that could name an offer ("und", "bitte", "ja", "?")."""
    filler = _filler_words()
    return not any(t not in filler and not t.isdigit() for t in (fold(w) for w in words(text)))


@cache
def _offer_heads() -> tuple[str, ...]:
    raw: dict[str, Any] = yaml.safe_load(CUES_PATH.read_text(encoding="utf-8"))
    return tuple(sorted({fold(w) for w in raw.get("offer_heads", [])}, key=len, reverse=True))


def offer_words(words_: Iterable[str]) -> list[str]:
    """The words that name an offer ("deutschkurs", "krabbelgruppe"), for picking a topic out of a long story."""
    heads = _offer_heads()
    return [w for w in words_ if any(fold(w).endswith(h) for h in heads)]
