"""Small-number protection: no cell below 5 is shown, and none can be computed back from the totals."""

from __future__ import annotations

import itertools
import random

from monitoring.suppression import PRIMARY, SECONDARY, protect, protect_blocks, protect_linked


def feasible_values(shown: dict[str, object], total: object) -> dict[str, set[int]]:
    """The attacker: every assignment of the hidden cells that fits the published total and the markers ("<5":
    0–4, "x": 5 or more); returns the values each "<5" cell can take."""
    assert isinstance(total, int), "a suppressed total hides the sum: nothing to recover from"
    hidden = [k for k, v in shown.items() if isinstance(v, str)]
    rest = total - sum(v for v in shown.values() if isinstance(v, int))
    ranges = [range(0, 5) if shown[k] == PRIMARY else range(5, rest + 1) for k in hidden]
    possible: dict[str, set[int]] = {k: set() for k in hidden if shown[k] == PRIMARY}
    for values in itertools.product(*ranges):
        if sum(values) == rest:
            for k, v in zip(hidden, values, strict=True):
                if k in possible:
                    possible[k].add(v)
    return possible


def test_a_single_small_cell_is_not_recoverable_from_the_total() -> None:
    cells = {"sprache": 40, "schule": 12, "beratung": 3, "weiterbildung": 9}
    out = protect(cells)
    assert out.total == 64
    assert out.cells["beratung"] == PRIMARY
    # Without the second suppression: 64 - 40 - 12 - 9 = 3. With it, the smallest other cell is hidden too.
    assert out.cells["weiterbildung"] == SECONDARY and out.cells["sprache"] == 40 and out.cells["schule"] == 12
    assert feasible_values(out.cells, out.total)["beratung"] == {0, 1, 2, 3, 4}


def test_random_columns_never_give_a_small_cell_back() -> None:
    rng = random.Random(13)
    for _ in range(200):
        cells = {f"c{i}": rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 30]) for i in range(rng.randint(1, 6))}
        out = protect(cells)
        for key, value in cells.items():
            if value < 5:
                assert out.cells[key] == PRIMARY
            else:
                assert out.cells[key] in (value, SECONDARY)  # shown as it is (nothing rounded) or hidden
        if isinstance(out.total, int):
            assert out.total == sum(cells.values())
            for key, values in feasible_values(out.cells, out.total).items():
                assert values == {0, 1, 2, 3, 4}, (cells, out, key, values)


def test_a_small_total_is_suppressed_and_zeros_count_as_small() -> None:
    out = protect({"a": 3, "b": 0})
    assert out.cells == {"a": PRIMARY, "b": PRIMARY} and out.total == PRIMARY
    # Two zeros would add up to 0 = total − shown: both hidden, a third cell hidden to make the sum open.
    out = protect({"a": 0, "b": 0, "c": 20, "d": 30})
    assert out.cells["c"] == SECONDARY and out.total == 50


def test_municipalities_are_protected_within_their_office() -> None:
    """The office rows (published in the grouping by office) are the sums of their municipalities' rows."""
    cells = {"Melle": 30, "Bad Essen": 7, "Bohmte": 3, "Ostercappeln": 8, "Bramsche": 12, "Rieste": 9}
    office = {"Melle": "melle", "Bad Essen": "bohmte", "Bohmte": "bohmte", "Ostercappeln": "bohmte",
              "Bramsche": "bramsche", "Rieste": "bramsche"}  # fmt: skip
    out = protect_blocks(cells, office)
    bohmte = {k: v for k, v in out.cells.items() if office[k] == "bohmte"}
    assert feasible_values(bohmte, 7 + 3 + 8)["Bohmte"] == {0, 1, 2, 3, 4}
    assert out.cells["Melle"] == 30 and out.cells["Bramsche"] == 12 and out.total == 69


def test_a_total_published_twice_is_hidden_in_both_or_in_neither() -> None:
    """The issue's case: 8 ratings, 7 of them one office's. Alone, the office table would hide its total while
    the satisfaction block shows 8; linked, each "<5" office would be 0–3 with 8 known, so 8 goes everywhere."""
    offices = {"melle": 7, "bohmte": 1, "bramsche": 0, "bersenbrueck": 0}
    assert protect(offices).total == SECONDARY  # the old rule, table by table
    out = protect_linked(8, {"office": offices, "rating_counts": {"1": 0, "2": 1, "3": 1, "4": 2, "5": 4}})
    assert out.total == SECONDARY and out.views["office"]["melle"] == SECONDARY
    assert set(out.views["rating_counts"].values()) == {PRIMARY}


def test_linked_views_keep_the_total_by_hiding_cells() -> None:
    """A larger total: every view is made safe against it by hiding more cells, the total stays."""
    views = {"category": {"sprache": 40, "schule": 12, "beratung": 3, "weiterbildung": 9},
             "office": {"melle": 30, "bohmte": 34}}  # fmt: skip
    out = protect_linked(64, views)
    assert out.total == 64 and out.views["office"] == {"melle": 30, "bohmte": 34}
    assert out.views["category"]["beratung"] == PRIMARY and out.views["category"]["weiterbildung"] == SECONDARY
    assert feasible_values(out.views["category"], out.total)["beratung"] == {0, 1, 2, 3, 4}


def test_municipalities_that_would_add_a_hidden_office_row_back_up_are_hidden() -> None:
    """Office rows: melle 29 and bohmte 5 beside three zeros must be hidden; Melle's 24 and Dissen's 5 would
    give melle's 29 back (and with it bound the zeros), so they go too."""
    offices = {"melle": 29, "bohmte": 5, "bramsche": 0, "bersenbrueck": 0, "gmh": 0}
    places = {"Melle": 24, "Dissen": 5, "Bohmte": 5, "Bad Essen": 0, "Bramsche": 0, "Ankum": 0, "Belm": 0}
    office_of = {"Melle": "melle", "Dissen": "melle", "Bohmte": "bohmte", "Bad Essen": "bohmte",
                 "Bramsche": "bramsche", "Ankum": "bersenbrueck", "Belm": "gmh"}  # fmt: skip
    out = protect_linked(34, {"office": offices, "municipality": places}, {"municipality": ("office", office_of)})
    assert out.total == 34 and out.views["office"]["melle"] == out.views["office"]["bohmte"] == SECONDARY
    assert SECONDARY in (out.views["municipality"]["Melle"], out.views["municipality"]["Dissen"])
    assert out.views["municipality"]["Bohmte"] == SECONDARY  # shown, it would leave its office row only 5–9
