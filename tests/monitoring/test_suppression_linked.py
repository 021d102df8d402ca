"""No complementary disclosure across the views of one filter (issue #13 item 3).

The attacker gets every view the API publishes for one filter (all ``group_by`` values, their totals, the
satisfaction block, the rating counts) and combines them: per measure, every view adds up to the same total, the
municipalities of an office add up to the office's row (searches are counted at the municipality's office), the
rating counts add up to the number of ratings. Over all these equations together, the exact set of values each
``"<5"`` cell can take is computed by enumeration (sets of reachable sums over the tree of equations, no
relaxation). Guaranteed and checked: a total is the same everywhere (a number in every view, or hidden in every
view), and each ``"<5"`` cell can still be every one of 0–4 — except when no number of that measure is left at
all, where the markers alone may bound it, but never to one value. Not modelled: the rating means (a weighted sum,
rounded) and inequalities between measures (unmet ≤ searches)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Hashable, Iterable
from typing import Any

import pytest
from sqlalchemy import select

from catalogue.models import CATEGORIES, TARGET_GROUPS, Office
from core.db import read_scope, session_scope
from monitoring import service
from monitoring.service import record_handover, record_helpful, record_rating, record_search, responsible_offices
from monitoring.suppression import PRIMARY, SECONDARY

SEEDS = range(8)
YEAR = 2011  # months of their own: the session's database is shared with the other tests
CAP = 400  # an "x" is "5 or more"; the sums here stay far below this bound
NESTED = ("searches", "unmet", "widened", "led_to_handover")  # counted at the municipality's office
TOPICS = ("Deutschkurs", "Staplerschein", "Schwimmkurs", "Nachhilfe", "Tiefseetauchen")
FILTERS = ((None, None), ("melle", None), (None, "sprache"), ("bohmte", "weiterbildung"))


def _seed(database_url: str, n: int) -> tuple[dt.date, dt.date]:
    """Small random counts through the real records service, one month per seed."""
    rng = random.Random(n)
    first = dt.date(YEAR, n + 1, 1)
    day = first.replace(day=10)
    with session_scope(database_url) as session:
        places: list[str | None] = [*responsible_offices(session=session), None]
        offices = [o.id for o in session.scalars(select(Office))]
        searches: list[tuple[int, str | None]] = []
        for _ in range(rng.randint(6, 45) if n % 2 else rng.randint(60, 140)):  # small, and spread thin
            place = rng.choice(places)
            record = {"topic": rng.choice(TOPICS), "category": rng.choice([*CATEGORIES, None, "sprache"]),
                      "municipality": place, "target_group": rng.choice([*TARGET_GROUPS, None]),
                      "results": rng.choice([0, 0, 1, 3]), "widened": rng.random() < 0.3}  # fmt: skip
            language = rng.choice(["de", "de", "de", "en", "tr", "uk", None])
            searches.append((record_search(session=session, record=record, channel="web", language=language, day=day), place))
        for search_id, place in rng.sample(searches, k=rng.randint(0, len(searches) // 2)):
            record_handover(session=session, office_id=rng.choice(offices), municipality=place, channel="web",
                            language="de", search_id=search_id, day=day)  # fmt: skip
        for i in range(rng.randint(0, 40)):
            record_helpful(session=session, conversation_id=f"linked-{n}-{i}", seq=1, helpful=rng.random() < 0.7,
                           category=rng.choice([*CATEGORIES, None]), office_id=rng.choice([*offices, None]), day=day)  # fmt: skip
        for i in range(rng.randint(0, 40)):
            rating = rng.choice([1, 3, 4, 4, 5, 5])
            record_rating(session=session, conversation_id=f"linked-r-{n}-{i}", ticket_id=f"t{i}",
                          office_id=rng.choice(offices), rating=rating, comment=None, day=day)  # fmt: skip
    return first, service.month_end(first)


# ------------------------------------------------------------------ the attacker: sets of values as bit masks


def _mask(values: Iterable[int]) -> int:
    out = 0
    for v in values:
        out |= 1 << v
    return out


FULL = _mask(range(CAP + 1))


def _bits(mask: int) -> list[int]:
    return [i for i in range(CAP + 1) if mask >> i & 1]


def _add(a: int, b: int) -> int:
    out = 0
    for i in _bits(b):
        out |= a << i
    return out & FULL


def _minus(p: int, s: int) -> int:
    """{y − x ≥ 0 : y in p, x in s}"""
    out = 0
    for x in _bits(s):
        out |= p >> x
    return out


def _own(cell: Any) -> int:
    if isinstance(cell, int):
        return _mask([cell])
    if cell == PRIMARY:
        return _mask(range(5))
    assert cell == SECONDARY, cell
    return _mask(range(5, CAP + 1))


Node = tuple[Hashable, ...]


def feasible_linked(own: dict[Node, int], equations: list[tuple[Node, list[Node]]]) -> dict[Node, set[int]]:
    """Exact values of every node of a tree of equations (parent = sum of children), each node limited to its own
    set: bottom-up the reachable sums, top-down what the rest allows."""
    below: dict[Node, list[list[Node]]] = {}
    parent_of: dict[Node, tuple[Node, list[Node]]] = {}
    for parent, children in equations:
        below.setdefault(parent, []).append(children)
        for child in children:
            assert child not in parent_of, ("a tree", child)
            parent_of[child] = (parent, children)
    down: dict[Node, int] = {}

    def up(node: Node) -> int:
        mask = own[node]
        for children in below.get(node, []):
            total = 1
            for child in children:
                total = _add(total, up(child))
            mask &= total
        down[node] = mask
        return mask

    roots = [n for n in own if n not in parent_of]
    for root in roots:
        up(root)
    result: dict[Node, int] = {root: down[root] for root in roots}

    def downward(node: Node) -> None:
        for children in below.get(node, []):
            prefix = [1]
            for child in children:
                prefix.append(_add(prefix[-1], down[child]))
            suffix = [1]
            for child in reversed(children):
                suffix.append(_add(suffix[-1], down[child]))
            suffix.reverse()
            for i, child in enumerate(children):
                result[child] = down[child] & _minus(result[node], _add(prefix[i], suffix[i + 1]))
                downward(child)

    for root in roots:
        downward(root)
    return {node: set(_bits(mask)) for node, mask in result.items()}


# ------------------------------------------------------------------ every published number of one filter


def _published(database_url: str, first: dt.date, last: dt.date, office: str | None, category: str | None) -> dict:
    with read_scope(database_url) as session:
        return {g: service.figures(session=session, group_by=g, first=first, last=last, office_id=office,
                                   category=category) for g in service.GROUPS}  # fmt: skip


def _attack(
    tables: dict[str, dict], offices_of: dict[str, str], office: str | None, category: str | None
) -> tuple[list[str], dict[str, int]]:
    """Problems found (a total shown in one place and hidden in another, a "<5" narrowed) and how many cells
    were checked per kind. Cells that the filter makes 0 (another category, a municipality of another office)
    are known to anyone: they enter the equations as 0 and are not checked."""
    problems: list[str] = []
    checked = {"<5": 0, "x": 0, "markers only, narrowed": 0}
    any_table = next(iter(tables.values()))
    satisfaction = any_table["satisfaction"]
    for name in (*service.COUNTS, *service.FEEDBACK):
        views = {g: t for g, t in tables.items() if name in t["total"]}
        totals = {f"{g}.total": t["total"][name] for g, t in views.items()}
        if name in service.FEEDBACK:
            totals.update({f"{g}.satisfaction": t["satisfaction"][name] for g, t in tables.items()})
        if len({repr(v) for v in totals.values()}) > 1:
            problems.append(f"{name}: the total differs between views {totals}")
        numbers = [v for v in totals.values() if isinstance(v, int)]
        root: Node = (name, "total")
        zeros: set[Node] = set()
        own: dict[Node, int] = {root: _mask(numbers[:1]) if numbers else _own(next(iter(totals.values())))}
        equations: list[tuple[Node, list[Node]]] = []
        for g, table in views.items():
            cells = {(name, g, row["key"]): row[name] for row in table["rows"]}
            own.update({node: _own(cell) for node, cell in cells.items()})
            if g == "category" and category:  # the other categories are 0 by the filter, known to anyone
                zeros.update(node for node in cells if node[2] != category)
            if g == "municipality" and name in NESTED:
                continue
            equations.append((root, list(cells)))
        if name in NESTED and "municipality" in views:
            blocks: dict[Node, list[Node]] = {}
            for row in views["municipality"]["rows"]:
                office_id = offices_of.get(row["key"]) if row["key"] is not None else None
                blocks.setdefault((name, "office", office_id), []).append((name, "municipality", row["key"]))
            office_equation = next(ch for p, ch in equations if p == root and ch and ch[0][1] == "office")
            for parent, children in blocks.items():
                if parent not in own:  # an office outside the filter: its municipalities are 0, known to anyone
                    own[parent] = _mask([0])
                    office_equation.append(parent)
                    zeros.update(children)
                equations.append((parent, children))
        own.update({node: _mask([0]) for node in zeros})
        if name == "ratings":
            counts = {(name, "rating_counts", k): v for k, v in satisfaction["rating_counts"].items()}
            own.update({node: _own(cell) for node, cell in counts.items()})
            equations.append((root, list(counts)))
        feasible = feasible_linked(own, equations)
        # When no number of the measure is left (every cell and the total hidden), the markers alone still tell
        # something: an "x" office is 5 or more, so its two "<5" municipalities are 1 or more. Nothing more can
        # be hidden; then a "<5" must at least never be recovered (two values or more).
        markers_only = not any(
            isinstance(c, int) for node in own if node not in zeros for c in _cells(tables, satisfaction, node)
        )
        for node, values in feasible.items():
            if node in zeros:
                continue
            cell = next((c for c in [*_cells(tables, satisfaction, node)] if isinstance(c, str)), None)
            if cell == PRIMARY:
                checked["<5"] += 1
                if values != {0, 1, 2, 3, 4} and (not markers_only or len(values) < 2):
                    problems.append(f"{node}: '<5' can only be {sorted(values)}")
                checked["markers only, narrowed"] += markers_only and values != {0, 1, 2, 3, 4}
            elif cell == SECONDARY:
                checked["x"] += 1
                if not values or min(values) < 5:
                    problems.append(f"{node}: 'x' is inconsistent: {sorted(values)[:6]}")
    return problems, checked


def _cells(tables: dict[str, dict], satisfaction: dict, node: Node) -> list[Any]:
    name, view, *key = node
    if view == "total":
        return [t["total"][name] for t in tables.values() if name in t["total"]] + (
            [satisfaction[name]] if name in satisfaction else []
        )
    if view == "rating_counts":
        return [satisfaction["rating_counts"][key[0]]]
    return [row[name] for row in tables[str(view)]["rows"] if row["key"] == key[0]]


def test_the_attacker_finds_a_narrowed_cell_in_a_hand_made_pair_of_views() -> None:
    """The attacker itself: a total shown as 8 beside a table hiding it leaves a "<5" between 0 and 3."""
    own = {("T",): _mask([8]), ("a",): _own(PRIMARY), ("b",): _own(SECONDARY)}
    assert feasible_linked(own, [(("T",), [("a",), ("b",)])])[("a",)] == {0, 1, 2, 3}
    own.update({("m1",): _own(PRIMARY), ("m2",): _own(PRIMARY)})  # b split into two "<5": b is 5..8, so a ≤ 3 too
    feasible = feasible_linked(own, [(("T",), [("a",), ("b",)]), (("b",), [("m1",), ("m2",)])])
    assert feasible[("a",)] == {0, 1, 2, 3} and feasible[("m1",)] == {1, 2, 3, 4}


@pytest.mark.parametrize("seed", SEEDS)
def test_no_small_cell_narrowed_by_combining_every_view_of_a_filter(database_url: str, seed: int) -> None:
    first, last = _seed(database_url, seed)
    with read_scope(database_url) as session:
        offices_of = responsible_offices(session=session)
    problems: list[str] = []
    checked = {"<5": 0, "x": 0, "markers only, narrowed": 0}
    for office, category in FILTERS:
        tables = _published(database_url, first, last, office, category)
        found, counted = _attack(tables, offices_of, office, category)
        problems += [f"office={office} category={category} {p}" for p in found]
        checked = {k: checked[k] + counted[k] for k in checked}
        for row in [*tables["municipality"]["rows"], tables["municipality"]["total"]]:
            if row["searches_per_1000"] is not None:  # a rate of a hidden count would give it back
                assert isinstance(row["searches_per_1000"], str) == isinstance(row["searches"], str), row
    assert checked["<5"] > 0
    assert not problems, f"{len(problems)} problems ({checked}):\n" + "\n".join(problems[:25])
