"""The chat widget's own texts (#12): ``GET /api/v1/labels`` in the citizen's language, from the catalogues."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from bot.labels import LABELS_FILE
from core import i18n

GERMAN = json.loads(LABELS_FILE.read_text(encoding="utf-8"))


def test_german_by_default_with_the_offered_languages(client: TestClient) -> None:
    r = client.get("/api/v1/labels")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "public, max-age=300"
    body = r.json()
    assert body["language"] == "de" and body["dir"] == "ltr"
    assert body["offered"] == ["de", "en", "tr", "ar", "uk", "ru"]
    assert body["labels"] == GERMAN
    assert body["labels"]["helpfulQ"] == "Hat das geholfen?"


def test_the_first_offered_browser_language_wins(client: TestClient) -> None:
    body = client.get("/api/v1/labels", params={"lang": "fr-FR,tr-TR,de"}).json()
    assert body["language"] == "tr"
    assert body["labels"]["send"] == "Gönder"
    assert body["labels"]["helpfulQ"] == "Bu size yardımcı oldu mu?"
    assert body["labels"]["launcherLabel"] == "{title} – Sohbet"  # fields are filled in by the widget
    # Nothing offered among them (or only unknown tags): German.
    assert client.get("/api/v1/labels", params={"lang": "fr,pl,*"}).json()["language"] == "de"


def test_arabic_is_right_to_left_and_every_label_is_translated(client: TestClient) -> None:
    body = client.get("/api/v1/labels", params={"lang": "ar"}).json()
    assert body["language"] == "ar" and body["dir"] == "rtl"
    assert body["labels"]["menu"] == "القائمة"
    for language in ["en", "tr", "ar", "uk", "ru"]:
        labels = client.get("/api/v1/labels", params={"lang": language}).json()["labels"]
        assert labels.keys() == GERMAN.keys()
        untranslated = [k for k, v in GERMAN.items() if not i18n.gettext(v, language)]
        assert untranslated == [], f"{language}: {untranslated}"
        assert all(i18n.fields(labels[k]) == i18n.fields(v) for k, v in GERMAN.items())


def test_a_malformed_language_list_is_refused_in_german(client: TestClient) -> None:
    for bad in ["<script>", "de" * 101]:
        r = client.get("/api/v1/labels", params={"lang": bad})
        assert r.status_code == 422
        assert r.json()["detail"].startswith("Die Anfrage")


def test_the_labels_are_documented(client: TestClient) -> None:
    op = client.get("/openapi.json").json()["paths"]["/api/v1/labels"]["get"]
    assert "first offered language" in op["description"]
    assert {p["name"] for p in op["parameters"]} == {"lang"}
