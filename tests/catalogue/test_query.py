"""The query parser on messages written the way citizens write them (lowercase, typos, no umlauts, emoji)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from catalogue.models import TARGET_GROUPS as MODEL_TARGET_GROUPS
from catalogue.query import TARGET_GROUPS, ParsedQuery, merge, parse

TODAY = dt.date(2025, 1, 15)


def p(text: str) -> ParsedQuery:
    return parse(text, today=TODAY)


def age(q: ParsedQuery) -> tuple[float | None, int | None, int | None]:
    return q.age_years, q.age_min, q.age_max


# --- topic -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "topic_words"),
    [
        ("brauch nen deutschkurs in quakenbrück", ["deutschkurs"]),
        ("Hallo, ich suche einen Yoga kurs in Melle, danke!", ["yoga"]),
        ("gibt es hier sowas wie babyschwimmen?", ["babyschwimmen"]),
        ("hätte gern infos zu nem erste hilfe kurs", ["erste", "hilfe"]),
        ("moin! suche 'nen schwimmkurs für meine tochter (5) 😊", ["schwimmkurs"]),
        ("ich will deutsch lernen", ["deutsch", "lernen"]),
        ("eltern-kind-kurs in belm", ["eltern-kind-kurs"]),
        ("online-deutschkurs bitte", ["deutschkurs"]),
        ("suche kinderbetreuung", ["kinderbetreuung"]),
        ("Hallo, mein Sohn (7) braucht Nachhilfe in Mathe", ["nachhilfe", "mathe"]),
        ("computerkurs für senioren", ["computerkurs"]),
        ("ich bin arbeitslos und suche einen staplerschein", ["staplerschein"]),
        ("<b>Krabbelgruppe</b> in <i>Bohmte</i>", ["krabbelgruppe"]),
        ("suche kinderbetreung", ["kinderbetreung"]),  # a typo of a topic keeps its spelling for the search
        ("deutschkurs deutschkurs", ["deutschkurs"]),
        ("schlechte noten, was tun?", ["schlechte", "noten"]),  # spaCy's stop words ("tun") are fillers
        ("damals die schule abgebrochen", ["schule", "abgebrochen"]),
        ("zurück in den beruf", ["zurück", "beruf"]),  # a stop word that names a topic stays
        ("kurs für väter", ["väter"]),  # the target group (eltern) and what "Väterzeit" is about
        ("papa kind treff", ["papa", "treff"]),
    ],
)
def test_topic_words(text: str, topic_words: list[str]) -> None:
    q = p(text)
    assert q.topic_words == topic_words
    assert q.topic == " ".join(topic_words)


FILLER_ONLY = ["und", "ok", "?", "hallo", "moin 👋", "oder", "für", "mit", "danke schön", "ja gerne", "", "   "]


@pytest.mark.parametrize("text", FILLER_ONLY)
def test_filler_only_messages_have_no_topic(text: str) -> None:
    q = p(text)
    assert q.topic is None and q.topic_words == []
    assert q.filters() == {}


# --- place and postcode ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("yoga in bohmte", "bohmte"),
        ("in der nähe von bad essen", "bad essen"),
        ("in der naehe von bad essen", "bad essen"),
        ("aus gmhütte", "gmhütte"),
        ("bin aus GM-Hütte", "gm-hütte"),
        ("tanzkurs bei osnabrück abends", "osnabrück"),
        ("nähe bramsche", "bramsche"),
        ("um melle herum", "melle"),
        ("kurs in hagen a.t.w.", "hagen a.t.w."),
        ("in melle-buer für kinder", "melle-buer"),
        ("deutschkurs b2 in wallenhorst oder osnabrück", "wallenhorst"),
        ("49143 bissendorf", "bissendorf"),
    ],
)
def test_place_text(text: str, place: str) -> None:
    assert p(text).place_text == place


@pytest.mark.parametrize(
    "text",
    [
        "kurs in deutsch",
        "auf arabisch",
        "in englisch bitte",
        "kurs in präsenz",
        "hilfe bei hausaufgaben",
        "nähkurs in kleinen gruppen",
        "kurs in buchhaltung",
        "um kontakte zu knüpfen",
        "ich komme aus syrien",
        "bei mir in der nähe",
        "in der 3. klasse",
        "in 49143",
    ],
)
def test_no_place_in_non_place_phrases(text: str) -> None:
    assert p(text).place_text is None


def test_alternative_places_are_not_topic_words() -> None:
    q = p("deutschkurs in ostercappeln oder bohmte")
    assert q.place_text == "ostercappeln" and q.topic_words == ["deutschkurs"]


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("49143", "49143"),
        ("plz 49074 deutschkurs", "49074"),
        ("ich wohne in 49124.", "49124"),
        ("12345", "12345"),
        ("für 2 personen", None),
        ("ab 2025", None),
        ("3. klasse", None),
        ("tel 05401 12345", None),
        ("1234", None),
        ("123456", None),
    ],
)
def test_postcode(text: str, postcode: str | None) -> None:
    assert p(text).postcode == postcode


# --- age -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mein sohn ist 6", (6, 6, 6)),
        ("6 jahre", (6, 6, 6)),
        ("sechsjährigen", (6, 6, 6)),
        ("für meinen 6-jährigen", (6, 6, 6)),
        ("mein 6jähriger", (6, 6, 6)),
        ("kind 6j", (6, 6, 6)),
        ("tochter (4)", (4, 4, 4)),
        ("meine kleine ist jetzt fünf", (5, 5, 5)),
        ("10 monate", (0.83, 0, 0)),
        ("zehn monate alt", (0.83, 0, 0)),
        ("18 monate", (1.5, 1, 1)),
        ("anderthalb", (None, None, None)),  # a bare fraction is no age
        ("anderthalb jahre", (1.5, 1, 1)),
        ("eineinhalb jahre", (1.5, 1, 1)),
        ("1,5 jahre", (1.5, 1, 1)),
        ("ein halbes jahr", (0.5, 0, 0)),
        ("mein baby ist 10 wochen", (0.19, 0, 0)),
        ("wird im märz 3", (2.83, 2, 2)),  # today is 15 January: two months to go
        ("Mein Kleiner wird im Mai 3", (2.67, 2, 2)),
        ("ich bin 34 und suche yoga", (34, 34, 34)),
        ("baby", (None, 0, 1)),
        ("säugling", (None, 0, 1)),
        ("saeugling", (None, 0, 1)),
        ("neugeborenes", (None, 0, 1)),
        ("kleinkind", (None, 1, 3)),
        ("teenager", (None, 13, 17)),
        ("jugendlicher", (None, 13, 17)),
        ("3. klasse", (None, 8, 9)),
        ("klasse 3", (None, 8, 9)),
        ("drittklässler", (None, 8, 9)),
        ("drittklaessler", (None, 8, 9)),
        ("mein sohn geht in die 3", (None, 8, 9)),
        ("geht in die erste klasse", (None, 6, 7)),
        ("ab 60", (None, 60, None)),
        ("über 60", (None, 60, None)),
        ("ueber 60", (None, 60, None)),
        ("60+", (None, 60, None)),
        ("ab 16 jahren", (None, 16, None)),
        ("kinder ab 3", (None, 3, None)),
        ("kinder unter 6", (None, None, 5)),
        ("u3 platz", (None, None, 2)),
        ("3-6 jahre", (None, 3, 6)),
        ("kinder zwischen 3 und 6", (None, 3, 6)),
        ("meine kinder sind 3 und 5", (None, 3, 5)),
        ("pekip für mein baby 10 monate", (0.83, 0, 0)),  # a stated age beats the word "baby"
        ("umschulung mit 50 noch möglich", (50, 50, 50)),
        ("mit 67 noch computer lernen", (67, 67, 67)),
        ("mit 3 jahren in die kita", (3, 3, 3)),
    ],
)
def test_age(text: str, expected: tuple[float | None, int | None, int | None]) -> None:
    assert age(p(text)) == expected


@pytest.mark.parametrize(
    ("text", "unexplained"),
    [
        ("für 2 personen", []),
        ("2025", []),
        ("kurs für 15 euro", []),
        ("um 18 uhr", []),
        ("3 mal die woche", []),
        ("10 km entfernt", []),
        ("für 3 kinder", []),
        ("seit 2 jahren in deutschland", []),
        ("kurs dauert 10 wochen", []),
        ("ab 18", ["18"]),  # 18 years or 18 o'clock: the caller asks
        ("wir sind 3", ["3"]),
        ("deutschkurs 7", ["7"]),
        ("zwischen 3 und 6", ["3", "6"]),
        ("gibt es was für drei", ["drei"]),
        ("treffen mit 40 teilnehmern", []),
        ("deutschkurs mit 30 euro", []),
        ("kurs mit 10", ["10"]),  # ten people, ten euros, ten years: below 25 "mit" alone is no age
    ],
)
def test_numbers_that_are_no_age(text: str, unexplained: list[str]) -> None:
    q = p(text)
    assert age(q) == (None, None, None)
    assert q.postcode is None
    assert q.numbers_unexplained == unexplained


def test_wird_uses_today() -> None:
    assert age(parse("wird im märz 3", today=dt.date(2025, 3, 2))) == (2.96, 2, 2)
    assert age(parse("wird im märz 3", today=dt.date(2025, 4, 2))) == (2.08, 2, 2)


# --- times, weekdays, level ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "times"),
    [
        ("am abend", ["abends"]),
        ("abends", ["abends"]),
        ("abens", ["abends"]),
        ("abendkurs", ["abends"]),
        ("nach der arbeit", ["abends"]),
        ("vormittags", ["vormittags"]),
        ("vormitags", ["vormittags"]),
        ("morgens oder früh", ["morgens"]),
        ("morgen früh", ["morgens"]),
        ("nachmittag", ["nachmittags"]),
        ("nachmitag", ["nachmittags"]),
        ("in der mittagspause", ["mittags"]),
        ("um 18 uhr", ["abends"]),
        ("ab 9:30", ["vormittags"]),
        ("Mo-Fr 9-12 Uhr", ["vormittags"]),
        ("montagabend", ["abends"]),
        ("guten abend", []),
        ("guten morgen, kurs für morgen?", []),
        ("bis 12 uhr", []),
    ],
)
def test_times_of_day(text: str, times: list[str]) -> None:
    assert p(text).times_of_day == times


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("montags", ["mo"]),
        ("am dienstag", ["di"]),
        ("mittwochs", ["mi"]),
        ("samstags oder sonntags", ["sa", "so"]),
        ("wochenende", ["sa", "so"]),
        ("am wochenende", ["sa", "so"]),
        ("unter der woche", ["mo", "di", "mi", "do", "fr"]),
        ("werktags", ["mo", "di", "mi", "do", "fr"]),
        ("nicht am wochenende", ["mo", "di", "mi", "do", "fr"]),
        ("montag bis mittwoch", ["mo", "di", "mi"]),
        ("mo-fr", ["mo", "di", "mi", "do", "fr"]),
        ("sonnabends", ["sa"]),
        ("freitag abend", ["fr"]),
        ("so ein kurs", []),
    ],
)
def test_weekdays(text: str, days: list[str]) -> None:
    assert p(text).weekdays == days


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("a1", "a1"),
        ("A2-Kurs", "a2"),
        ("deutsch b1 in melle", "b1"),
        ("niveau c1", "c1"),
        ("A1.1", "a1"),
        ("für anfänger", "anfaenger"),
        ("fuer anfaenger", "anfaenger"),
        ("anfanger", "anfaenger"),
        ("einsteiger", "anfaenger"),
        ("grundkurs", "anfaenger"),
        ("ohne vorkenntnisse", "anfaenger"),
        ("fortgeschrittene", "fortgeschritten"),
        ("deutschkurs", None),
    ],
)
def test_level(text: str, level: str | None) -> None:
    assert p(text).level == level


def test_level_words_leave_the_topic() -> None:
    assert p("niveau b1 deutschkurs").topic_words == ["deutschkurs"]


# --- features, target groups, language -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "features"),
    [
        ("deutschkurs mit kinderbetreuung", {"childcare"}),
        ("deutschkurs mit kinderbetreung", {"childcare"}),
        ("wo man das kind mitbringen kann", {"childcare"}),
        ("suche kinderbetreuung", set()),
        ("barrierefrei", {"accessible"}),
        ("bin im rollstuhl", {"accessible"}),
        ("online", {"online"}),
        ("von zuhause aus", {"online"}),
        ("im internet", {"online"}),
        ("vor ort", {"onsite"}),
        ("in präsenz", {"onsite"}),
        ("nicht online", {"onsite"}),
        ("kostenlos", {"free"}),
        ("gratis", {"free"}),
        ("umsonst", {"free"}),
        ("darf nichts kosten", {"free"}),
        ("günstig", {"cheap"}),
        ("guenstig", {"cheap"}),
        ("nicht so teuer", {"cheap"}),
        ("online-kurs, kostenlos", {"online", "free"}),
        ("kann man sich online anmelden", set()),
        ("kostenlos parken", set()),
    ],
)
def test_features(text: str, features: set[str]) -> None:
    assert p(text).features == features


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("yoga nur für frauen", ["frauen"]),
        ("treff für mütter", ["frauen"]),
        ("väter", ["eltern"]),
        ("vaeter", ["eltern"]),
        ("kurs für papa und kind", ["eltern"]),
        ("für familien", ["eltern"]),
        ("für senioren", ["senioren"]),
        ("rentner", ["senioren"]),
        ("ab 60", ["senioren"]),
        ("computerkurs für ältere menschen", ["senioren"]),
        ("ältere kinder", []),
        ("ich bin alleinerziehend", ["alleinerziehende"]),
        ("arbeitslos", ["arbeitsuchende"]),
        ("vom jobcenter", ["arbeitsuchende"]),
        ("geflüchtete", ["zugewanderte"]),
        ("fluechtlinge", ["zugewanderte"]),
        ("menschen mit behinderung", ["menschen_mit_behinderung"]),
        ("jugendliche", ["jugendliche"]),
        ("für kinder", ["kinder"]),
        ("gibt es was für alleinerziehende mütter?", ["alleinerziehende", "frauen"]),
        ("eltern-kind-kurs", []),
    ],
)
def test_target_groups(text: str, groups: list[str]) -> None:
    q = p(text)
    assert q.target_groups == groups
    assert set(q.target_groups) <= set(TARGET_GROUPS)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("kurs auf arabisch", "Arabisch"),
        ("in türkisch", "Türkisch"),
        ("in tuerkisch", "Türkisch"),
        ("arabischsprachig", "Arabisch"),
        ("beratung auf farsi", "Persisch"),
        ("in englischer sprache", "Englisch"),
        ("auf ukrainisch", "Ukrainisch"),
        ("deutschkurs", None),
        ("englischkurs", None),
        ("beratung in türkisch", "Türkisch"),
        ("nachhilfe in englisch", None),  # the subject: a topic word
        ("meine tochter braucht hilfe in deutsch", None),
    ],
)
def test_language(text: str, language: str | None) -> None:
    q = p(text)
    assert q.language == language
    if language is None and " in " in text:
        assert text.split()[-1] in q.topic_words


# --- whole messages --------------------------------------------------------------------------------


def test_multi_fact_message() -> None:
    assert p("pekip in bohmte für mein baby 10 monate vormittags").filters() == {
        "topic_words": ["pekip"],
        "topic": "pekip",
        "place_text": "bohmte",
        "age_years": 0.83,
        "age_min": 0,
        "age_max": 0,
        "times_of_day": ["vormittags"],
    }


def test_long_message_with_everything() -> None:
    q = p("Deutschkurs A1 in Osnabrück, abends, kostenlos und mit Kinderbetreuung, bin alleinerziehend 🙏")
    assert q.filters() == {
        "topic_words": ["deutschkurs"],
        "topic": "deutschkurs",
        "place_text": "osnabrück",
        "times_of_day": ["abends"],
        "level": "a1",
        "features": ["childcare", "free"],
        "target_groups": ["alleinerziehende"],
    }


def test_brauch_nen_deutschkurs() -> None:
    q = p("brauch nen deutschkurs in quakenbrück")
    assert (q.topic, q.place_text, q.postcode) == ("deutschkurs", "quakenbrück", None)


def test_postcode_and_topic() -> None:
    q = p("integrationskurs 49074")
    assert (q.topic, q.postcode, q.place_text, q.numbers_unexplained) == ("integrationskurs", "49074", None, [])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x" * 5000,
        "deutschkurs in melle " * 250,
        "1" * 5000,
        "ab 1 " * 1000,
        "<script>alert('x')</script>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<img src=x onerror=alert(1)>",
        "😀🎉👶" * 100,
        "\x00\t\n\r",
        "١٢٣٤٥ مرحبا",
        "in in in in",
        "- - - 49143 - -",
    ],
)
def test_odd_input_does_not_crash(text: str) -> None:
    q = p(text)
    assert isinstance(q, ParsedQuery)
    json.dumps(q.filters())


def test_markup_is_not_a_topic() -> None:
    assert p("<script>alert(1)</script>").topic is None
    assert p("&lt;b&gt;yoga&lt;/b&gt;").topic_words == ["yoga"]


# --- filters() and merge() -------------------------------------------------------------------------


def test_filters_only_set_fields_and_json_ready() -> None:
    f = p("kostenlos online yoga am wochenende").filters()
    assert f == {
        "topic_words": ["yoga"],
        "topic": "yoga",
        "weekdays": ["sa", "so"],
        "features": ["free", "online"],
    }
    assert json.loads(json.dumps(f)) == f


def test_merge_overrides_set_fields_and_unions_lists() -> None:
    old = p("deutschkurs in melle abends mit kinderbetreuung, ab 18")
    new = p("lieber in bohmte, vormittags und kostenlos")
    merged = merge(old, new)
    assert merged.topic == "deutschkurs"  # the new message names no topic
    assert merged.place_text == "bohmte"
    assert merged.times_of_day == ["vormittags", "abends"]
    assert merged.features == {"childcare", "free"}
    assert merged.numbers_unexplained == []  # "18" was asked about already


def test_merge_replaces_topic_place_and_age_as_a_whole() -> None:
    old = p("schwimmkurs 49143 für meinen sohn, er ist 6")
    merged = merge(old, p("lieber yoga in melle, ab 60"))
    assert (merged.topic, merged.postcode, merged.place_text) == ("yoga", None, "melle")
    assert age(merged) == (None, 60, None)
    assert merged.target_groups == ["kinder", "senioren"]
    kept = merge(old, p("und am wochenende?"))
    assert (kept.topic, kept.postcode, age(kept), kept.weekdays) == ("schwimmkurs", "49143", (6, 6, 6), ["sa", "so"])


def test_merge_online_and_onsite_exclude_each_other() -> None:
    assert merge(p("online"), p("doch lieber vor ort")).features == {"onsite"}


def test_topic_is_derived_from_words() -> None:
    assert ParsedQuery(topic_words=["yoga", "kurs"]).topic == "yoga kurs"
    assert ParsedQuery().topic is None


def test_target_vocabulary_matches_the_catalogue() -> None:
    assert TARGET_GROUPS == MODEL_TARGET_GROUPS


@pytest.mark.parametrize(("text", "filler"), [("und", True), ("zu und", True), ("ja bitte", True), ("?", True),
                                              ("Eltern", False), ("PEKiP", False), ("nachhilfe", False)])  # fmt: skip
def test_is_filler(text: str, filler: bool) -> None:
    from catalogue.query import is_filler

    assert is_filler(text) is filler


# --- contact details and dates (spaCy's tokenizer and Matcher, catalogue/nlp.py) ---------------------------


@pytest.mark.parametrize(
    ("text", "topic_words", "place"),
    [
        ("deutschkurs in melle, meine mail ist max.muster@web.de", ["deutschkurs"], "melle"),
        ("pekip in belm siehe www.familienzentrum-belm.de/kurse", ["pekip"], "belm"),
        ("https://example.org/?q=1 computerkurs", ["computerkurs"], None),
        ("tel +49 541 12345 pekip", ["pekip"], None),
        ("nachhilfe in bramsche, handy: 0171/1234567", ["nachhilfe"], "bramsche"),
        ("deutschkurs in melle 0541 501-1234", ["deutschkurs"], "melle"),
    ],
)
def test_contact_details_are_no_search_words(text: str, topic_words: list[str], place: str | None) -> None:
    q = p(text)
    assert q.topic_words == topic_words
    assert q.place_text == place
    assert q.numbers_unexplained == []
    assert q.postcode is None


def test_iso_date_is_neither_age_nor_unexplained_number() -> None:
    q = p("kurs am 2027-01-11 in melle")
    assert age(q) == (None, None, None)
    assert q.numbers_unexplained == []


def test_words_about_mail_stay_topic_words_without_an_address() -> None:
    assert p("e-mail kurs für senioren").topic_words == ["e-mail"]


@pytest.mark.parametrize(
    ("text", "postcode", "ages"),
    [
        ("49565 deutschkurs", "49565", (None, None, None)),
        ("kinder 3-6 jahre turnen", None, (None, 3, 6)),
        ("0-3 jährige krabbelgruppe", None, (None, 0, 3)),
    ],
)
def test_numbers_that_are_no_phone_numbers_keep_their_meaning(text: str, postcode: str | None, ages: tuple) -> None:
    q = p(text)
    assert q.postcode == postcode
    assert age(q) == ages


# --- the sentence for matching by meaning ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("alphakurs mit kinderbetreuung", "alphakurs"),  # every result has childcare: the meaning is the course
        ("englischkurs abends nach der arbeit in melle", "englischkurs in"),
        ("deutsch b1 vor ort nicht online", "deutsch b1"),
        ("pekip 49074 für mein baby", "pekip für mein baby"),  # ages and age words stay: a baby means a lot
        ("günstiger yogakurs am montag um 18 uhr", "günstiger yogakurs am"),  # "günstig" is a wish, no filter
        ("meine mail ist a@b.de, suche nachhilfe", "suche nachhilfe"),
    ],
)
def test_meaning_is_the_message_without_its_filters(text: str, meaning: str) -> None:
    q = p(text)
    assert q.meaning == meaning
    assert "meaning" not in q.filters()
