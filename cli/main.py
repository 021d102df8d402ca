"""The ``bildungslotse`` command: database set-up, catalogue import and search, engine training."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import logging
import os
import subprocess
import sys
from pathlib import Path

from core.config import ROOT

ENGINE_PYTHON_DIR = ROOT / ".venv-engine" / "bin"
TRAINING_INPUTS = ("config.yml", "domain", "nlu", "dialogue")
SAMPLE_CATALOGUE = ROOT / "catalogue" / "sample" / "offers.json"


def _alembic_upgrade(url: str | None = None) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, "head")


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    _alembic_upgrade(args.database_url)
    print("Datenbank ist auf dem neuesten Stand.")
    return 0


def setup_database(url: str | None = None, *, sample: bool = True, progress: bool = False) -> dict[str, int]:
    """Migrate, load reference data and (once) the sample catalogue. Safe to run on every start."""
    from catalogue.importer import import_file
    from catalogue.reference import load_reference_data
    from core.db import session_scope

    _alembic_upgrade(url)
    with session_scope(url) as session:
        counts = load_reference_data(session=session)
    if sample and SAMPLE_CATALOGUE.exists():
        with session_scope(url) as session:
            report = import_file(session=session, path=SAMPLE_CATALOGUE, progress=progress)
            counts["offers_created"] = report.created
            counts["offers_updated"] = report.updated
    return counts


def cmd_setup(args: argparse.Namespace) -> int:
    counts = setup_database(args.database_url, sample=not args.no_sample, progress=True)
    print("Datenbank bereit: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from catalogue.importer import ImportFileError, import_file, report_lines
    from core.db import session_scope

    path = Path(args.file)
    if not path.exists():
        print(f"Datei nicht gefunden: {path}", file=sys.stderr)
        return 2
    with session_scope(args.database_url) as session:
        try:
            report = import_file(
                session=session,
                path=path,
                source=args.source,
                strict=args.strict,
                progress=True,
            )
        except (ImportFileError, OSError) as exc:  # unreadable as a whole: encoding, JSON syntax, no list of offers
            print(f"Datei nicht lesbar: {exc}", file=sys.stderr)
            return 2
    *problems, summary = report_lines(report)
    for line in problems:
        print(line, file=sys.stderr)
    print(summary)
    if not report.rejected and not report.valid:
        print("Die Datei enthält keine Angebote.", file=sys.stderr)
    return 1 if (report.rejected and args.strict) or not report.valid else 0


def cmd_search(args: argparse.Namespace) -> int:
    from catalogue.places import NotFoundError
    from catalogue.service import query_from_text, search
    from core.db import read_scope

    with read_scope(args.database_url) as session:
        try:
            query = query_from_text(session=session, text=args.query, municipality=args.near, radius_km=args.radius,
                                    category=args.category, limit=args.limit)  # fmt: skip
            result = search(session=session, query=query)
        except NotFoundError as exc:
            print(exc, file=sys.stderr)
            return 2
        print(f"{result.total} Treffer" + (f" nahe {result.place.municipality.name}" if result.place else ""))
        for hit in result.hits:
            o = hit.offer
            where = "online" if o.online else f"{o.municipality.name if o.municipality else '?'}"
            dist = f" {hit.distance_km:.1f} km" if hit.distance_km is not None else ""
            cost = "kostenlos" if o.cost_eur == 0 else (f"{o.cost_eur:.0f} €" if o.cost_eur is not None else "")
            print(f"{hit.score:5.2f}  [{o.category}] {o.title} – {o.provider.name}, {where}{dist}, {cost}")
    return 0


# --- counsellors ---------------------------------------------------------------------------------

SAMPLE_STAFF = {  # office -> [(languages, gender), ...]: together de, en, tr, ar, ru, uk and both genders
    "bersenbrueck": [("de,ru", "w"), ("de,en", "m")],
    "bramsche": [("de,ar", "m"), ("de,uk", "w")],
    "bohmte": [("de,tr", "w"), ("de,en", "m")],
    "georgsmarienhuette": [("de,en,tr", "w"), ("de,ar", "m")],
    "melle": [("de,ru,uk", "w"), ("de,en", "m")],
}


def cmd_counsellor_add(args: argparse.Namespace) -> int:
    from bot.counsellors.service import AccountError, create
    from core.db import session_scope

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else ""
    if not password:
        print("Bitte das Passwort über die Standardeingabe übergeben (--password-stdin).", file=sys.stderr)
        return 2
    try:
        with session_scope(args.database_url) as session:
            create(
                session=session, office_id=args.office, username=args.username, password=password,
                languages=args.languages.split(","), gender=args.gender, is_admin=args.admin,
            )  # fmt: skip
    except AccountError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Konto {args.username} ({args.office}) angelegt.")
    return 0


def cmd_counsellor_disable(args: argparse.Namespace) -> int:
    """The same service as the admins' button in the inbox: tokens refused at once, active tickets back to the queue."""
    from bot.counsellors.accounts import AccountError, disable
    from bot.counsellors.service import get_by_username
    from core.config import get_settings
    from core.db import session_scope

    with session_scope(args.database_url) as session:
        account = get_by_username(session=session, username=args.username)
        if account is None:
            print(f"Das Benutzerkonto {args.username} gibt es nicht.", file=sys.stderr)
            return 2
        try:
            released = disable(session=session, admin=None, account=account, by="Kommandozeile")
        except AccountError as exc:
            print(exc, file=sys.stderr)
            return 1
        office_id, ticket_ids = account.office_id, [t.id for t in released]
    redis_url = get_settings().redis_url
    if redis_url:  # tell every gateway: the office's inboxes reload, the account's open streams end
        from bot.events import RedisBroker
        from bot.relay import office_key

        broker = RedisBroker(redis_url)
        for ticket_id in ticket_ids:
            broker.publish(office_key(office_id), {"ticket_id": ticket_id})
        broker.publish(office_key(office_id), {"closing": True})
    print(f"Konto {args.username} gesperrt; {len(ticket_ids)} aktive Tickets warten wieder im Büro {office_id}.")
    return 0


def cmd_counsellor_enable(args: argparse.Namespace) -> int:
    from bot.counsellors.accounts import AccountError, enable
    from bot.counsellors.service import get_by_username
    from core.db import session_scope

    with session_scope(args.database_url) as session:
        account = get_by_username(session=session, username=args.username)
        if account is None:
            print(f"Das Benutzerkonto {args.username} gibt es nicht.", file=sys.stderr)
            return 2
        try:
            enable(account=account)
        except AccountError as exc:
            print(exc, file=sys.stderr)
            return 1
    print(f"Konto {args.username} entsperrt; es kann sich wieder anmelden.")
    return 0


def seed_sample_counsellors(url: str | None = None) -> str | None:
    """Two sample counsellors per office and one county admin, local development only.

    Returns the shared password when accounts were created, None when they existed already."""
    import secrets

    from bot.counsellors.service import create, get_by_username
    from core.config import get_settings
    from core.db import session_scope

    if get_settings().environment == "production":
        raise SystemExit("Beispielkonten gibt es nur in der lokalen Entwicklung.")
    password = "lokal-" + secrets.token_urlsafe(9)
    created = False
    with session_scope(url) as session:
        for office, staff in SAMPLE_STAFF.items():
            for i, (languages, gender) in enumerate(staff, start=1):
                username = f"{office}-{i}"
                if get_by_username(session=session, username=username) is None:
                    create(session=session, office_id=office, username=username, password=password,
                           languages=languages.split(","), gender=gender)  # fmt: skip
                    created = True
        if get_by_username(session=session, username="landkreis-admin") is None:
            create(session=session, office_id="georgsmarienhuette", username="landkreis-admin", password=password,
                   is_admin=True)  # fmt: skip
            created = True
        from bot.tickets.snippets import load_samples

        load_samples(session=session)  # sample Textbausteine for offices that have none yet
    return password if created else None


def cmd_counsellor_samples(args: argparse.Namespace) -> int:
    password = seed_sample_counsellors(args.database_url)
    if password:
        print("Beispielkonten (nur lokal!): <büro>-1, <büro>-2 je Bildungsbüro und landkreis-admin")
        print(f"Passwort für alle: {password}")
    else:
        print("Beispielkonten gibt es schon (Passwort wie beim ersten Anlegen ausgegeben).")
    return 0


# --- engine --------------------------------------------------------------------------------------


def training_hash() -> str:
    """Content hash of everything training reads; the model file is named after it."""
    digest = hashlib.sha256()
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = ROOT / name
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    files.append(ROOT / "requirements" / "engine.lock")
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return ROOT / "models" / f"bildungslotse-{training_hash()}.tar.gz"


def train_engine(*, force: bool = False) -> Path:
    from engine.nlu_data import write_generated

    write_generated()
    target = model_path()
    if target.exists() and not force:
        logging.getLogger("bildungslotse").info("model up to date: %s", target.name)
        return target
    cmd = [
        str(ENGINE_PYTHON_DIR / "rasa"), "train", "--config", "config.yml", "--domain", "domain",
        "--data", "nlu", "dialogue", "--out", "models", "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}
    subprocess.run(cmd, cwd=ROOT, check=True, env=env)
    return target


def cmd_train(args: argparse.Namespace) -> int:
    path = train_engine(force=args.force)
    print(path)
    return 0


def cmd_endpoints(args: argparse.Namespace) -> int:
    from core.config import get_settings
    from engine import endpoints

    print(endpoints.write(get_settings(), Path(args.out), action_url=args.action_url))
    return 0


def cmd_figures_retention(args: argparse.Namespace) -> int:
    from core.db import session_scope
    from monitoring.service import aggregate_old, retention_cutoff

    today = dt.date.fromisoformat(args.today) if args.today else None
    with session_scope(args.database_url) as session:
        done = aggregate_old(session=session, today=today)
    print(
        f"Einträge vor dem {retention_cutoff(today):%d.%m.%Y}: {done['deleted']} gelöscht, "
        f"zu {done['months']} Monatssummen zusammengefasst."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bildungslotse", description="Bildungslotse – Verwaltung und Werkzeuge.")
    parser.add_argument("--database-url", help="SQLAlchemy-URL (Standard: BILDUNGSLOTSE_DATABASE_URL)")
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="Datenbank").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="Migrationen anwenden").set_defaults(func=cmd_db_upgrade)

    setup = sub.add_parser("setup", help="Migrationen, Referenzdaten und Beispielkatalog laden")
    setup.add_argument("--no-sample", action="store_true", help="Beispielkatalog nicht laden")
    setup.set_defaults(func=cmd_setup)

    cat = sub.add_parser("catalogue", help="Angebotskatalog").add_subparsers(dest="catalogue_command", required=True)
    imp = cat.add_parser(
        "import",
        help="Angebote aus CSV, JSON oder schema.org-JSON-LD importieren",
        description="Angebote aus CSV, JSON oder schema.org-JSON-LD importieren. Jede Zeile wird geprüft; fehlerhafte "
        "Zeilen werden mit Zeilennummer und Grund gemeldet, die gültigen übernommen (mit --strict: nichts).",
        epilog="Exit-Status: 0 = übernommen (auch wenn einzelne Zeilen abgelehnt wurden), 1 = mit --strict eine "
        "fehlerhafte Zeile (nichts übernommen) oder keine einzige gültige Zeile, 2 = Datei fehlt oder ist als "
        "Ganzes nicht lesbar.",
    )
    imp.add_argument("file", help="Pfad zur Datei (.csv, .json, .jsonld)")
    imp.add_argument("--source", help="Quelle (Standard: aus der Datei, sonst 'import')")
    imp.add_argument("--strict", action="store_true", help="bei einer fehlerhaften Zeile nichts übernehmen")
    imp.set_defaults(func=cmd_import)
    srch = cat.add_parser("search", help="im Katalog suchen")
    srch.add_argument("query", help='Suchtext, z. B. "deutschkurs"')
    srch.add_argument("--near", help="Gemeinde oder Postleitzahl")
    srch.add_argument("--radius", type=float, help="Umkreis in km")
    srch.add_argument("--category", help="Kategorie-Slug")
    srch.add_argument("--limit", type=int, default=10)
    srch.set_defaults(func=cmd_search)

    cns = sub.add_parser("counsellor", help="Konten der Beraterinnen und Berater").add_subparsers(
        dest="counsellor_command", required=True
    )
    add = cns.add_parser("add", help="Konto anlegen")
    add.add_argument("--office", required=True, help="ID des Bildungsbüros (z. B. melle)")
    add.add_argument("--username", required=True)
    add.add_argument("--password-stdin", action="store_true", help="Passwort aus der Standardeingabe lesen")
    add.add_argument("--languages", default="de", help="Beratungssprachen als ISO-Codes, z. B. de,tr")
    add.add_argument("--gender", choices=["w", "m", "d"])
    add.add_argument("--admin", action="store_true", help="Kreisverwaltung: sieht alle Büros")
    add.set_defaults(func=cmd_counsellor_add)
    cns.add_parser("samples", help="Beispielkonten für die lokale Entwicklung anlegen").set_defaults(func=cmd_counsellor_samples)
    dis = cns.add_parser(
        "disable",
        help="Konto sperren",
        description="Konto sperren: keine Anmeldung mehr, vorhandene Tokens werden sofort abgelehnt, seine aktiven "
        "Tickets warten wieder in der Warteschlange des Büros. Wie „Sperren“ im Posteingang der Kreisverwaltung.",
        epilog="Exit-Status: 0 = gesperrt, 1 = schon gesperrt, 2 = Konto unbekannt.",
    )
    dis.add_argument("username", help="Benutzername des Kontos")
    dis.set_defaults(func=cmd_counsellor_disable)
    ena = cns.add_parser(
        "enable",
        help="gesperrtes Konto wieder freigeben",
        description="Ein gesperrtes Konto wieder freigeben; es meldet sich neu an.",
        epilog="Exit-Status: 0 = entsperrt, 1 = war nicht gesperrt, 2 = Konto unbekannt.",
    )
    ena.add_argument("username", help="Benutzername des Kontos")
    ena.set_defaults(func=cmd_counsellor_enable)

    eng = sub.add_parser("engine", help="Rasa-Engine").add_subparsers(dest="engine_command", required=True)
    train = eng.add_parser("train", help="Modell trainieren, wenn sich Trainingsdaten geändert haben")
    train.add_argument("--force", action="store_true", help="auch ohne Änderung neu trainieren")
    train.set_defaults(func=cmd_train)
    eng.add_parser("model-path", help="Pfad des Modells zu den aktuellen Trainingsdaten").set_defaults(
        func=lambda a: print(model_path()) or 0
    )
    ends = eng.add_parser("endpoints", help="endpoints.yml der Engine aus den Einstellungen schreiben (Tracker-, Lock-Store)")
    ends.add_argument("--out", default=str(ROOT / "var" / "endpoints.yml"), help="Zieldatei (Standard: %(default)s)")
    ends.add_argument("--action-url", help="Action-Server (Standard: BILDUNGSLOTSE_ACTION_URL)")
    ends.set_defaults(func=cmd_endpoints)
    fig = sub.add_parser("figures", help="Bildungsmonitoring").add_subparsers(dest="figures_command", required=True)
    ret = fig.add_parser(
        "retention",
        help="Einträge älter als 24 Monate zu Monatssummen zusammenfassen und löschen",
        description="Einzelne Such-, Weitergabe- und Rückmeldungseinträge vor dem Ersten des Monats vor 24 Monaten "
        "werden je Monat (mit denselben Merkmalen) summiert und gelöscht; die Zahlen bleiben gleich. Täglich ausführen.",
    )
    ret.add_argument("--today", help="Stichtag JJJJ-MM-TT (Standard: heute), für Tests und Nachläufe")
    ret.set_defaults(func=cmd_figures_retention)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
