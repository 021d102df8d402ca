"""Content pools for the Bildungslotse sample catalogue.

Everything here is invented: providers are generic, place-bound names; addresses are
plausible but not taken from a register. The offer templates themselves live in the
category modules imported at the bottom; this module holds what they share.

Template fields (defaults in generate.py):
    key, category, sector, group  -- identity; ``group`` marks coverage groups checked later
    n                             -- how many offers to generate from the template
    titles                        -- str, or dict(t=..., kw=[...], targets=[...], age=(a, b),
                                     childcare=True, languages=[...], lang=[...]) to override
    intro, body                   -- German sentence pools; placeholders {ort} {anbieter}
                                     {stunden} {termine}
    keywords                      -- pool of search words (2-6 are picked)
    providers, needs              -- allowed provider types, optional provider tag
    targets, age                  -- target groups and (age_min, age_max) of the participant
    cost, free_p                  -- (lo, hi) in euro or 0; probability of a free offer
    funding, funding_opt          -- always-on funding and {funding: probability}
    mode                          -- course | recurring | appointment | event
    sessions, total_hours, times, days, per_week -- timetable material
    languages                     -- list of language lists to pick from
    online_p                      -- weight for being chosen as an online-only offer
    childcare_p, must, min_pop    -- childcare probability, required municipalities,
                                     smallest municipality that may host it
"""

from __future__ import annotations

# --- providers ----------------------------------------------------------------------------------
# name, type, home municipality, street address, mail domain stem, tags used by templates.

VHS_TAGS = {"integration", "sprache", "grund", "kaufm", "senioren", "bildungsurlaub", "familie"}


def _p(name: str, ptype: str, home: str, street: str, mail: str, tags: set[str]) -> dict:
    return {"name": name, "type": ptype, "home": home, "street": street, "mail": mail, "tags": set(tags)}


PROVIDERS: list[dict] = [
    # Volkshochschulen
    _p(
        "Volkshochschule Osnabrücker Land – Außenstelle Bramsche",
        "volkshochschule",
        "Bramsche",
        "Große Straße 28",
        "vhs-bramsche",
        VHS_TAGS | {"abschluss", "pflege", "alpha"},
    ),
    _p(
        "Volkshochschule Osnabrücker Land – Außenstelle Bersenbrück",
        "volkshochschule",
        "Bersenbrück",
        "Lindenstraße 4",
        "vhs-bersenbrueck",
        VHS_TAGS | {"alpha"},
    ),
    _p(
        "Volkshochschule Osnabrücker Land – Außenstelle Georgsmarienhütte",
        "volkshochschule",
        "Georgsmarienhütte",
        "Bahnhofstraße 11",
        "vhs-gmhuette",
        VHS_TAGS | {"lernhilfe", "alpha"},
    ),
    _p(
        "Volkshochschule Osnabrücker Land – Außenstelle Quakenbrück",
        "volkshochschule",
        "Quakenbrück",
        "Lange Straße 30",
        "vhs-quakenbrueck",
        VHS_TAGS | {"lernhilfe", "abschluss", "alpha"},
    ),
    _p(
        "Volkshochschule Osnabrücker Land – Außenstelle Fürstenau",
        "volkshochschule",
        "Fürstenau",
        "Schlossstraße 3",
        "vhs-fuerstenau",
        VHS_TAGS,
    ),
    _p(
        "Volkshochschule Osnabrücker Land – Außenstelle Bad Essen",
        "volkshochschule",
        "Bad Essen",
        "Lindenstraße 21",
        "vhs-badessen",
        VHS_TAGS,
    ),
    _p(
        "Volkshochschule Melle",
        "volkshochschule",
        "Melle",
        "Lindenstraße 12",
        "vhs-melle",
        VHS_TAGS | {"abschluss", "alpha", "pflege"},
    ),
    _p(
        "Volkshochschule Stadt Osnabrück",
        "volkshochschule",
        "Osnabrück",
        "Bergstraße 8",
        "vhs-osnabrueck",
        VHS_TAGS | {"lernhilfe", "abschluss", "alpha"},
    ),
    # Familienbildungsstätten
    _p(
        "Familienbildungsstätte Melle",
        "familienbildungsstaette",
        "Melle",
        "Kirchplatz 5",
        "fbs-melle",
        {"familie", "geburt", "tagespflege", "sprache", "grund"},
    ),
    _p(
        "Familienbildungsstätte Osnabrück",
        "familienbildungsstaette",
        "Osnabrück",
        "Kolpingstraße 6",
        "fbs-osnabrueck",
        {"familie", "geburt", "tagespflege", "sprache", "grund"},
    ),
    _p(
        "Familienbildungsstätte Bersenbrück",
        "familienbildungsstaette",
        "Bersenbrück",
        "Bramscher Straße 12",
        "fbs-bersenbrueck",
        {"familie", "geburt", "tagespflege", "sprache"},
    ),
    _p(
        "Familienbildungsstätte Georgsmarienhütte",
        "familienbildungsstaette",
        "Georgsmarienhütte",
        "Glückaufstraße 3",
        "fbs-gmhuette",
        {"familie", "geburt", "tagespflege", "sprache"},
    ),
    _p(
        "Familienbildungsstätte Quakenbrück",
        "familienbildungsstaette",
        "Quakenbrück",
        "Hasestraße 8",
        "fbs-quakenbrueck",
        {"familie", "geburt", "tagespflege", "sprache"},
    ),
    # Familienzentren
    _p(
        "Familienzentrum St. Marien Bohmte",
        "familienzentrum",
        "Bohmte",
        "Bremer Straße 22",
        "fz-bohmte",
        {"familie", "sprache", "lernhilfe", "tagespflege"},
    ),
    _p(
        "Familienzentrum Regenbogen Wallenhorst",
        "familienzentrum",
        "Wallenhorst",
        "Große Straße 40",
        "fz-wallenhorst",
        {"familie", "sprache", "lernhilfe", "tagespflege"},
    ),
    _p(
        "Familienzentrum Am Markt Ankum",
        "familienzentrum",
        "Ankum",
        "Am Markt 2",
        "fz-ankum",
        {"familie", "sprache", "lernhilfe", "tagespflege"},
    ),
    _p(
        "Familienzentrum Lummerland Hasbergen",
        "familienzentrum",
        "Hasbergen",
        "Schulstraße 10",
        "fz-hasbergen",
        {"familie", "sprache", "lernhilfe"},
    ),
    _p(
        "Familienzentrum Kunterbunt Dissen",
        "familienzentrum",
        "Dissen am Teutoburger Wald",
        "Große Straße 19",
        "fz-dissen",
        {"familie", "sprache", "lernhilfe", "tagespflege"},
    ),
    _p(
        "Familienzentrum St. Josef Hilter",
        "familienzentrum",
        "Hilter am Teutoburger Wald",
        "Osnabrücker Straße 9",
        "fz-hilter",
        {"familie", "sprache", "lernhilfe"},
    ),
    _p(
        "Familienzentrum Artland Badbergen",
        "familienzentrum",
        "Badbergen",
        "Hauptstraße 17",
        "fz-badbergen",
        {"familie", "sprache", "lernhilfe", "tagespflege"},
    ),
    _p(
        "Familienzentrum Fürstenau",
        "familienzentrum",
        "Fürstenau",
        "Hollenstraße 4",
        "fz-fuerstenau",
        {"familie", "sprache", "lernhilfe", "tagespflege"},
    ),
    # Kitas
    _p("Kita Sonnenschein Belm", "kita", "Belm", "Lindenweg 8", "kita-sonnenschein-belm", {"kita", "familie", "sprache"}),
    _p("Kita Spatzennest Ostercappeln", "kita", "Ostercappeln", "Bremer Straße 31", "kita-spatzennest", {"kita", "familie"}),
    _p(
        "Kita Regenbogen Neuenkirchen",
        "kita",
        "Neuenkirchen",
        "Kirchstraße 7",
        "kita-regenbogen-neuenkirchen",
        {"kita", "familie"},
    ),
    _p("Kita Wirbelwind Bippen", "kita", "Bippen", "Hauptstraße 20", "kita-wirbelwind", {"kita", "familie"}),
    _p("Kita Löwenzahn Bissendorf", "kita", "Bissendorf", "Schulweg 4", "kita-loewenzahn", {"kita", "familie"}),
    # Schulen
    _p("Oberschule Ankum", "schule", "Ankum", "Tütinger Straße 5", "obs-ankum", {"lernhilfe", "bo", "ganztag"}),
    _p("Oberschule Bohmte", "schule", "Bohmte", "Schulstraße 14", "obs-bohmte", {"lernhilfe", "bo", "ganztag"}),
    _p("Gesamtschule Melle", "schule", "Melle", "Am Schulzentrum 3", "gs-melle", {"lernhilfe", "bo", "ganztag"}),
    _p("Oberschule Fürstenau", "schule", "Fürstenau", "Schorfteichstraße 2", "obs-fuerstenau", {"lernhilfe", "bo", "ganztag"}),
    _p("Grundschule Alfhausen", "schule", "Alfhausen", "Schulstraße 6", "gs-alfhausen", {"lernhilfe", "ganztag", "sprache"}),
    _p("Abendschule Osnabrück", "schule", "Osnabrück", "Sedanstraße 20", "abendschule-os", {"abschluss", "abendschule"}),
    # Bildungsträger
    _p(
        "Bildungszentrum Nordkreis GmbH",
        "bildungstraeger",
        "Bersenbrück",
        "Gewerbering 7",
        "bz-nordkreis",
        {"abschluss", "azav", "pflege", "logistik", "technik", "kaufm", "bo", "lernhilfe", "integration", "sprache"},
    ),
    _p(
        "Technikum Georgsmarienhütte gGmbH",
        "bildungstraeger",
        "Georgsmarienhütte",
        "Industriestraße 15",
        "technikum-gmh",
        {"azav", "technik", "meister_technik", "techniker", "logistik", "bo"},
    ),
    _p(
        "Logistik-Akademie Osnabrück",
        "bildungstraeger",
        "Osnabrück",
        "Hafenringstraße 9",
        "logistik-akademie-os",
        {"azav", "logistik"},
    ),
    _p(
        "Pflegeschule am Klinikum Quakenbrück",
        "bildungstraeger",
        "Quakenbrück",
        "Danziger Straße 2",
        "pflegeschule-quakenbrueck",
        {"azav", "pflege"},
    ),
    _p(
        "Pflegebildungszentrum Bad Rothenfelde",
        "bildungstraeger",
        "Bad Rothenfelde",
        "Parkstraße 14",
        "pbz-badrothenfelde",
        {"azav", "pflege"},
    ),
    _p(
        "Lebensmittel-Akademie Artland",
        "bildungstraeger",
        "Quakenbrück",
        "Industriestraße 4",
        "lebensmittel-akademie",
        {"azav", "lebensmittel", "meister_lm"},
    ),
    _p(
        "Verkehrs- und Logistikschule Bramsche",
        "bildungstraeger",
        "Bramsche",
        "Malgartener Straße 50",
        "vls-bramsche",
        {"azav", "logistik"},
    ),
    _p(
        "Berufsbildungszentrum Melle gGmbH",
        "bildungstraeger",
        "Melle",
        "Gewerbestraße 23",
        "bbz-melle",
        {"abschluss", "azav", "pflege", "technik", "logistik", "kaufm", "bo", "lernhilfe", "lebensmittel"},
    ),
    _p(
        "Sprachzentrum Osnabrück Mitte",
        "bildungstraeger",
        "Osnabrück",
        "Möserstraße 17",
        "sprachzentrum-os",
        {"integration", "sprache", "alpha"},
    ),
    _p(
        "Kaufmännisches Bildungsinstitut Wallenhorst",
        "bildungstraeger",
        "Wallenhorst",
        "Hansastraße 30",
        "kbi-wallenhorst",
        {"azav", "kaufm", "meister_kaufm"},
    ),
    _p(
        "Schulungszentrum Lebensmittel Dissen",
        "bildungstraeger",
        "Dissen am Teutoburger Wald",
        "Am Gewerbepark 6",
        "sz-lebensmittel-dissen",
        {"azav", "lebensmittel"},
    ),
    # Kammer, Jobcenter
    _p(
        "Kammer-Bildungszentrum Osnabrück",
        "kammer",
        "Osnabrück",
        "Am Schölerberg 1",
        "kammer-bz-os",
        {"meister_technik", "meister_kaufm", "meister_lm", "bo", "kaufm"},
    ),
    _p(
        "Jobcenter Osnabrücker Land – Standort Bersenbrück",
        "jobcenter",
        "Bersenbrück",
        "Lindenstraße 20",
        "jobcenter-bersenbrueck",
        {"bo", "jobcenter"},
    ),
    _p(
        "Jobcenter Osnabrücker Land – Standort Melle",
        "jobcenter",
        "Melle",
        "Bahnhofstraße 2",
        "jobcenter-melle",
        {"bo", "jobcenter"},
    ),
    # Beratungsstellen
    _p(
        "Erziehungs- und Familienberatungsstelle Bramsche",
        "beratungsstelle",
        "Bramsche",
        "Kirchhofstraße 4",
        "efb-bramsche",
        {"erziehungsberatung"},
    ),
    _p(
        "Erziehungs- und Familienberatung Melle",
        "beratungsstelle",
        "Melle",
        "Plettenberger Straße 8",
        "efb-melle",
        {"erziehungsberatung"},
    ),
    _p(
        "Beratungsstelle Anerkennung und Qualifizierung Osnabrück",
        "beratungsstelle",
        "Osnabrück",
        "Kamp 5",
        "anerkennung-os",
        {"anerkennung", "weiterbildungsberatung"},
    ),
    _p(
        "Beratungsstelle Frau & Beruf Georgsmarienhütte",
        "beratungsstelle",
        "Georgsmarienhütte",
        "Oeseder Straße 12",
        "frau-beruf-gmh",
        {"wiedereinstieg", "weiterbildungsberatung"},
    ),
    # Landkreis: Bildungsbüros (same names as catalogue/data/offices.csv)
    _p(
        "Bildungsbüro Nord (Bersenbrück)",
        "landkreis",
        "Bersenbrück",
        "Lindenstraße 2",
        "bildungsbuero-nord",
        {"bildungsberatung", "weiterbildungsberatung", "anerkennung", "bo", "wiedereinstieg"},
    ),
    _p(
        "Bildungsbüro West (Bramsche)",
        "landkreis",
        "Bramsche",
        "Hasestraße 11",
        "bildungsbuero-west",
        {"bildungsberatung", "weiterbildungsberatung", "anerkennung", "bo", "wiedereinstieg"},
    ),
    _p(
        "Bildungsbüro Wittlager Land (Bohmte)",
        "landkreis",
        "Bohmte",
        "Bremer Straße 4",
        "bildungsbuero-wittlage",
        {"bildungsberatung", "weiterbildungsberatung", "anerkennung", "bo", "wiedereinstieg"},
    ),
    _p(
        "Bildungsbüro Süd (Georgsmarienhütte)",
        "landkreis",
        "Georgsmarienhütte",
        "Rathausplatz 1",
        "bildungsbuero-sued",
        {"bildungsberatung", "weiterbildungsberatung", "anerkennung", "bo", "wiedereinstieg"},
    ),
    _p(
        "Bildungsbüro Ost (Melle)",
        "landkreis",
        "Melle",
        "Markt 1",
        "bildungsbuero-ost",
        {"bildungsberatung", "weiterbildungsberatung", "anerkennung", "bo", "wiedereinstieg"},
    ),
    # Vereine
    _p("Netzwerk Willkommen Bohmte e.V.", "verein", "Bohmte", "Mühlenstraße 3", "willkommen-bohmte", {"sprache", "lernhilfe"}),
    _p("Turn- und Sportverein Hagen e.V.", "verein", "Hagen am Teutoburger Wald", "Sportplatzweg 2", "tus-hagen", {"sport"}),
    _p("Lernpaten Artland e.V.", "verein", "Quakenbrück", "Friedrichstraße 6", "lernpaten-artland", {"lernhilfe", "sprache"}),
    _p("Digitallotsen Osnabrücker Land e.V.", "verein", "Wallenhorst", "Rathausallee 5", "digitallotsen", {"grund", "senioren"}),
]

# --- venues away from the provider's own house --------------------------------------------------

VENUE_LABELS = [
    "Bürgerhaus",
    "Dorfgemeinschaftshaus",
    "Gemeindehaus",
    "Grundschule",
    "Rathaus, Sitzungssaal",
    "Pfarrheim",
    "Mehrgenerationenhaus",
    "Jugendzentrum",
    "Heimathaus",
    "Sporthalle",
]
VENUE_LABELS_BY_CATEGORY = {
    "familienbildung": ["Gemeindehaus", "Pfarrheim", "Mehrgenerationenhaus", "Familientreff", "Kita-Mehrzweckraum"],
    "fruehe_bildung": ["Kita-Mehrzweckraum", "Gemeindehaus", "Familientreff", "Pfarrheim"],
    "schule": ["Grundschule", "Oberschule", "Jugendzentrum", "Gemeindebücherei"],
    "berufsorientierung": ["Jugendzentrum", "Oberschule", "Rathaus, Sitzungssaal", "Stadthalle"],
    "weiterbildung": ["Schulungszentrum", "Gewerbehof", "Betriebshalle", "Seminarhaus"],
    "sprache": ["Bürgerhaus", "Gemeindehaus", "Mehrgenerationenhaus", "Gemeindebücherei"],
    "grundbildung": ["Bürgerhaus", "Gemeindebücherei", "Mehrgenerationenhaus", "Seniorentreff"],
    "beratung": ["Rathaus, Beratungsraum", "Bürgerbüro", "Mehrgenerationenhaus", "Familientreff"],
}
STREETS = [
    "Hauptstraße",
    "Kirchstraße",
    "Schulstraße",
    "Bahnhofstraße",
    "Lindenstraße",
    "Gartenstraße",
    "Mühlenweg",
    "Am Markt",
    "Lange Straße",
    "Bergstraße",
    "Feldstraße",
    "Ringstraße",
    "Birkenweg",
    "Eschweg",
    "Kastanienallee",
    "Poststraße",
    "Wiesenweg",
    "Am Rathaus",
    "Kirchplatz",
    "Sandstraße",
    "Friedhofstraße",
    "Am Sportplatz",
    "Bremer Straße",
    "Osnabrücker Straße",
    "Dorfstraße",
]

ACCESSIBILITY = [
    "Barrierefreier Zugang, Aufzug vorhanden.",
    "Ebenerdiger Zugang, barrierefreies WC.",
    "Der Kursraum liegt im Erdgeschoss und ist stufenlos erreichbar.",
    "Rollstuhlgerechter Eingang; Behindertenparkplatz direkt am Haus.",
    "Zugang über eine Rampe, Aufzug ins Obergeschoss.",
    "Kursraum im 1. Obergeschoss, leider ohne Aufzug.",
    "Teilweise barrierefrei: Eingang stufenlos, WC nicht rollstuhlgerecht.",
    "Induktionsschleife für Hörgeräte vorhanden.",
]

# --- sentence pools added by the generator depending on the offer's data ------------------------

FREE = [
    "Die Teilnahme ist kostenlos.",
    "Das Angebot ist kostenfrei.",
    "Es entstehen keine Kosten.",
    "Die Teilnahme kostet nichts.",
]
FUNDING_TEXT = {
    "bildungsgutschein": [
        "Die Maßnahme ist nach AZAV zugelassen und kann mit einem Bildungsgutschein gefördert werden.",
        "Mit einem Bildungsgutschein der Agentur für Arbeit oder des Jobcenters übernehmen diese die Kosten.",
        "Eine Förderung über Bildungsgutschein ist möglich – sprechen Sie vorher mit Ihrer Vermittlungsfachkraft.",
    ],
    "aufstiegs_bafoeg": [
        "Der Lehrgang ist über das Aufstiegs-BAföG förderfähig.",
        "Mit Aufstiegs-BAföG werden Lehrgangs- und Prüfungsgebühren zu einem großen Teil bezuschusst.",
    ],
    "but": [
        "Familien mit Bürgergeld, Wohngeld oder Kinderzuschlag können die Kosten über Bildung und Teilhabe abrechnen.",
        "Für berechtigte Familien übernimmt das Bildungs- und Teilhabepaket die Lernförderung.",
    ],
    "landkreis_zuschuss": [
        "Der Landkreis Osnabrück bezuschusst den Kurs; auf Antrag ist eine Ermäßigung möglich.",
        "Dank eines Zuschusses des Landkreises ist die Gebühr ermäßigt.",
    ],
    "bamf": [
        "Der Kurs wird vom Bundesamt für Migration und Flüchtlinge gefördert.",
        "Mit Berechtigungsschein des BAMF oder des Jobcenters ist die Teilnahme kostenfrei.",
    ],
    "qualifizierungschancengesetz": [
        "Arbeitgeber können nach dem Qualifizierungschancengesetz Zuschüsse zu Lehrgangskosten und Lohn erhalten.",
        "Für Beschäftigte ist eine Förderung nach dem Qualifizierungschancengesetz möglich.",
    ],
    "bildungsurlaub": [
        "Der Kurs ist als Bildungsurlaub anerkannt.",
        "Für diesen Kurs können Sie Bildungsurlaub beantragen.",
    ],
}
CHILDCARE = [
    "Während des Kurses werden kleine Kinder im Nebenraum betreut.",
    "Eine Kinderbetreuung ist vor Ort eingerichtet.",
    "Für Kinder ab einem Jahr gibt es eine kostenlose Betreuung.",
]
MULTILINGUAL = [
    "Wir beraten auch auf {sprachen}.",
    "Das Angebot ist auch auf {sprachen} möglich.",
    "Mitarbeitende sprechen auch {sprachen}.",
]
RECURRING_CLOSE = [
    "Ein Einstieg ist jederzeit möglich.",
    "Kommen Sie einfach vorbei – eine Anmeldung ist nicht nötig.",
    "Neue Teilnehmende sind jederzeit willkommen.",
    "Bitte melden Sie sich vor dem ersten Besuch kurz an.",
]
EVENT_CLOSE = [
    "Um eine kurze Anmeldung wird gebeten.",
    "Bitte melden Sie sich bis drei Tage vorher an.",
    "Die Teilnehmerzahl ist begrenzt.",
    "Weitere Termine finden Sie auf der Internetseite des Anbieters.",
]
COURSE_CLOSE = [
    "Eine Anmeldung ist erforderlich.",
    "Die Plätze sind begrenzt, bitte melden Sie sich frühzeitig an.",
    "Anmeldung bis eine Woche vor Kursbeginn.",
    "Bei Fragen zum Kurs hilft die Geschäftsstelle gern weiter.",
]
APPOINTMENT_CLOSE = [
    "Termine werden telefonisch oder per E-Mail vereinbart.",
    "Die Beratung ist vertraulich und kostenlos.",
    "Vereinbaren Sie einfach einen Termin – auch online oder telefonisch möglich.",
]
MULTI_LANGUAGE_SETS = [
    ["Deutsch", "Arabisch"],
    ["Deutsch", "Ukrainisch", "Russisch"],
    ["Deutsch", "Türkisch"],
    ["Deutsch", "Englisch"],
    ["Deutsch", "Arabisch", "Kurdisch"],
]

# --- the offer templates ------------------------------------------------------------------------

from templates_early import TEMPLATES as _EARLY  # noqa: E402
from templates_family import TEMPLATES as _FAMILY  # noqa: E402
from templates_language import TEMPLATES as _LANGUAGE  # noqa: E402
from templates_learning import TEMPLATES as _LEARNING  # noqa: E402
from templates_school import TEMPLATES as _SCHOOL  # noqa: E402
from templates_work import TEMPLATES as _WORK  # noqa: E402
from templates_work_tech import TEMPLATES as _WORK_TECH  # noqa: E402

TEMPLATES: list[dict] = [*_FAMILY, *_EARLY, *_SCHOOL, *_WORK, *_WORK_TECH, *_LANGUAGE, *_LEARNING]
