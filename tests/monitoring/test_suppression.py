"""Small-number protection: no cell below 5 is shown, and none can be computed back from the totals."""

from __future__ import annotations

import itertools
import random

from monitoring.suppression import PRIMARY, SECONDARY, protect, protect_blocks


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
