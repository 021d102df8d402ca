"""Citizens' conversations through the real engine (tests/conversations/scripts.yml), plus a randomised run
that drops short words, random letters, emoji and numbers into them.

Every turn is held to what a citizen must always get: an answer (outside a handover), no message twice in one
reply, never the same reply twice in a row, never a 5xx. The scripts' ``expect`` entries add what that turn is
about (offers of a category, a question for the place, a word the answer must contain, a handover)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

pytestmark = pytest.mark.engine
SCRIPTS = Path(__file__).resolve().parents[1] / "conversations" / "scripts.yml"
NOISE = ["ja", "nein", "ok", "?", "danke", "hä", "asdfgh", "qwrtzp", "👍", "😀😀", "42", "2025", "7", "...", "hm", "jo", "nö"]
ASKS = {
    "place": ("gemeinde", "postleitzahl", "wo wohnen", "welchem ort"),
    "topic": ("was für ein angebot", "wonach suchen", "was suchen sie", "welche art"),
}


def _scripts() -> list[dict[str, Any]]:
    return list(yaml.safe_load(SCRIPTS.read_text(encoding="utf-8"))["scripts"])


@dataclass
class Talk:
    """One conversation, with the invariants checked at every turn."""

    gateway: str
    cid: str = ""
    previous: tuple[str, ...] | None = None
    in_handover: bool = False
    transcript: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._open()

    def _open(self) -> None:
        r = httpx.post(f"{self.gateway}/api/v1/conversations", timeout=30)
        assert r.status_code == 201
        self.cid = r.json()["conversation_id"]
        self.previous, self.in_handover = None, False

    def send(self, *, text: str | None = None, payload: str | None = None) -> list[dict[str, Any]]:
        body = {"text": text} if payload is None else {"payload": payload}
        r = httpx.post(f"{self.gateway}/api/v1/conversations/{self.cid}/messages", json=body, timeout=60)
        if r.status_code == 404 and any("gelöscht" in line for line in self.transcript[-2:]):
            # the citizen had confirmed "delete my data" (a noise "jo" can do that): as the widget, start anew
            self.transcript.append("(deleted: new conversation)")
            self._open()
            r = httpx.post(f"{self.gateway}/api/v1/conversations/{self.cid}/messages", json=body, timeout=60)
        self.transcript.append(f"> {text if payload is None else payload}")
        assert r.status_code < 500, self.report(f"HTTP {r.status_code}")
        if r.status_code == 422:  # refused input (e.g. empty): a German reason, nothing stored
            assert r.json()["detail"], self.report("422 without a reason")
            return []
        assert r.status_code == 200, self.report(f"HTTP {r.status_code}: {r.text[:200]}")
        replies = list(r.json()["messages"])
        for m in replies:
            self.transcript.append(f"< [{m['sender']}] {(m['text'] or '')[:160]} {len(m['offers'])} offers")
        self._check(replies)
        return replies

    def _check(self, replies: list[dict[str, Any]]) -> None:
        if any(m.get("handover") for m in replies):
            self.in_handover = True
        if not self.in_handover:
            assert replies, self.report("no reply")
        keys = [(m["text"], tuple(o["id"] for o in m["offers"])) for m in replies]
        assert len(keys) == len(set(keys)), self.report("a message repeated within one reply")
        signature = tuple(m["text"] or "" for m in replies)
        if replies and signature == self.previous and any(m["sender"] == "bot" for m in replies):
            raise AssertionError(self.report("the same reply twice in a row"))
        if replies:
            self.previous = signature

    def report(self, what: str) -> str:
        return what + "\n" + "\n".join(self.transcript[-12:])


def _expect(talk: Talk, replies: list[dict[str, Any]], expect: dict[str, Any]) -> None:
    text = " ".join(m["text"] or "" for m in replies).lower()
    offers = [o for m in replies for o in m["offers"]]
    if "offers" in expect:
        wanted = expect["offers"]
        assert offers, talk.report(f"expected offers ({wanted})")
        if wanted != "any":
            assert any(o["category"] == wanted for o in offers), talk.report(f"expected offers of {wanted}")
    if "asks" in expect:
        assert any(cue in text for cue in ASKS[expect["asks"]]), talk.report(f"expected a question for the {expect['asks']}")
    if "mentions" in expect:
        assert any(w.lower() in text for w in expect["mentions"]), talk.report(f"expected one of {expect['mentions']}")
    if expect.get("handover"):
        assert any(m.get("handover") for m in replies), talk.report("expected a handover")


@pytest.mark.parametrize("script", _scripts(), ids=lambda s: s["name"])
def test_script(stack: dict[str, str], script: dict[str, Any]) -> None:
    talk = Talk(stack["gateway"])
    for turn in script["turns"]:
        replies = talk.send(payload=turn["press"]) if "press" in turn else talk.send(text=turn["say"])
        try:
            _expect(talk, replies, turn.get("expect") or {})
        except AssertionError:
            if script.get("known_gap"):  # written down in the script, reported as xfail, never hidden
                pytest.xfail(script["known_gap"])
            raise


def test_randomised_noise_never_breaks_a_conversation(stack: dict[str, str]) -> None:
    """300 turns: the scripts' messages with noise dropped in at random points; only the invariants hold."""
    rng = random.Random(20261201)
    scripts = _scripts()
    turns = 0
    while turns < 300:
        script = rng.choice(scripts)
        talk = Talk(stack["gateway"])
        for turn in script["turns"]:
            if rng.random() < 0.5:
                talk.send(text=rng.choice(NOISE))
                turns += 1
            if "press" in turn:
                talk.send(payload=turn["press"])
            else:
                talk.send(text=turn["say"])
            turns += 1
