"""The `bildungslotse` command: --help everywhere, import and search from the shell, accounts."""

from __future__ import annotations

import io
import json

import pytest

from cli.main import build_parser, main

COMMANDS = [
    [], ["db"], ["db", "upgrade"], ["setup"], ["catalogue"], ["catalogue", "import"], ["catalogue", "search"],
    ["counsellor"], ["counsellor", "add"], ["counsellor", "samples"], ["counsellor", "disable"], ["counsellor", "enable"],
    ["engine"], ["engine", "train"],
    ["engine", "model-path"],
]  # fmt: skip


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w) or "top")
def test_every_command_has_german_help(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*words, "--help"])
    assert exit_info.value.code == 0
    assert "usage: bildungslotse" in capsys.readouterr().out


def test_search_prints_results(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", database_url, "catalogue", "search", "deutschkurs", "--near", "Melle"]) == 0
    out = capsys.readouterr().out
    assert "Treffer nahe Melle" in out and "Integrationskurs Deutsch" in out


def test_search_unknown_place(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", database_url, "catalogue", "search", "x", "--near", "Atlantis"]) == 2
    assert "Atlantis" in capsys.readouterr().err


def test_import_reports_rejected_rows(database_url: str, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "o.json"
    good = {
        "source_id": "c1",
        "title": "Kurs",
        "category": "sprache",
        "provider": {"name": "P"},
        "venue": {"municipality": "Melle"},
    }
    path.write_text(json.dumps({"source": "cli", "offers": [good, {**good, "source_id": "c2", "cost_eur": -1}]}))
    assert main(["--database-url", database_url, "catalogue", "import", str(path)]) == 0
    captured = capsys.readouterr()
    assert "abgelehnt 1" in captured.out and "Zeile" in captured.err and "negativ" in captured.err
    assert main(["--database-url", database_url, "catalogue", "import", str(path), "--strict"]) == 1
    assert main(["--database-url", database_url, "catalogue", "import", str(tmp_path / "missing.json")]) == 2
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main(["--database-url", database_url, "catalogue", "import", str(broken)]) == 2


def test_counsellor_add(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "--database-url",
        database_url,
        "counsellor",
        "add",
        "--office",
        "melle",
        "--username",
        "cli-user",
        "--password-stdin",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("ein-sicheres-passwort\n"))
    assert main([*args, "--languages", "de,tr", "--gender", "w"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("ein-sicheres-passwort\n"))
    assert main(args) == 2  # taken
    monkeypatch.setattr("sys.stdin", io.StringIO("kurz\n"))
    assert main([*args[:-3], "--username", "other", "--password-stdin"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("ein-sicheres-passwort\n"))
    assert main([*args[:4], "--office", "atlantis", "--username", "x-user", "--password-stdin"]) == 2
    assert "Unbekanntes Bildungsbüro: atlantis" in capsys.readouterr().err


def test_counsellor_disable_and_enable(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The admins' service from the shell: no log-in while disabled, the active ticket back in the queue."""
    import secrets

    from bot.counsellors.service import AccountDisabledError, authenticate, create
    from bot.tickets.models import Ticket, TicketEvent
    from core.db import read_scope, session_scope

    username, password, ticket_id = f"cli-leaver-{secrets.token_hex(3)}", "ein-sicheres-passwort", secrets.token_hex(8)
    with session_scope(database_url) as session:
        account = create(session=session, office_id="bramsche", username=username, password=password)
        session.add(Ticket(id=ticket_id, office_id="bramsche", channel="web", status="active", claimed_by=account.id))
    base = ["--database-url", database_url, "counsellor"]

    assert main([*base, "disable", username]) == 0
    assert f"Konto {username} gesperrt; 1 aktive Tickets" in capsys.readouterr().out
    with read_scope(database_url) as session:
        with pytest.raises(AccountDisabledError):
            authenticate(session=session, username=username, password=password)
        ticket = session.get_one(Ticket, ticket_id)
        assert ticket.status == "waiting" and ticket.claimed_by is None
        [event] = session.query(TicketEvent).filter_by(ticket_id=ticket_id).all()
        assert (event.kind, event.actor, event.assignee, event.detail) == ("released", None, username, "Konto gesperrt")
    assert main([*base, "disable", username]) == 1
    assert "schon gesperrt" in capsys.readouterr().err

    assert main([*base, "enable", username]) == 0
    assert "entsperrt" in capsys.readouterr().out
    with read_scope(database_url) as session:
        assert authenticate(session=session, username=username, password=password) is not None
    assert main([*base, "enable", username]) == 1
    assert "nicht gesperrt" in capsys.readouterr().err
    for command in ("disable", "enable"):
        assert main([*base, command, "niemand-hier"]) == 2
        assert "Das Benutzerkonto niemand-hier gibt es nicht." in capsys.readouterr().err


def test_imported_offers_are_found_by_the_next_search(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    """`catalogue import` then `catalogue search`, each a process of its own in real use."""
    from cli.main import setup_database

    url = f"sqlite:///{tmp_path / 'first.db'}"
    setup_database(url, sample=False)
    path = tmp_path / "o.json"
    offer = {
        "title": "Töpferkurs für Eltern und Kinder",
        "category": "familienbildung",
        "provider": {"name": "P"},
        "venue": {"municipality": "Melle"},
    }
    rows = [{**offer, "source_id": f"c{i}"} for i in range(3)]
    path.write_text(json.dumps({"source": "cli", "offers": rows}))
    assert main(["--database-url", url, "catalogue", "import", str(path)]) == 0
    capsys.readouterr()
    assert main(["--database-url", url, "catalogue", "search", "töpferkurs", "--near", "Melle"]) == 0
    assert "Töpferkurs" in capsys.readouterr().out
