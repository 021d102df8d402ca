"""Small-number protection of every figure the county sees (API, page, CSV).

The rule, for each column of a table (one measure over the rows of one grouping) and its published total:

1. **Primary:** every cell below 5 (0 to 4) is shown as ``"<5"``. A total below 5 is itself such a cell.
2. **Secondary (complementary) suppression:** with the total published, the suppressed cells of a column add up
   to a known sum X (the total minus the shown cells). Someone who knows that each ``"<5"`` cell is 0–4 and each
   ``"x"`` cell is at least 5 can bound a ``"<5"`` cell to 0 … min(4, X − 5·s) (s: number of ``"x"`` cells), or,
   without ``"x"`` cells, to X − 4·(k−1) … min(4, X) for k ``"<5"`` cells. So, while that range is not the whole
   0–4, the smallest shown cell of the column is suppressed as well and shown as ``"x"``. When no cell is left
   to suppress, the total is suppressed (``"x"``).
3. **Hierarchy:** a table whose rows add up to cells of another published table (municipalities within their
   responsible office) is protected block by block against those sub-totals.

Derived values follow their count: the rate per 1 000 inhabitants of a suppressed count is suppressed the same
way; a median or mean over fewer than 5 cases is shown as ``"<5"``. Nothing else is rounded.

What the rule does not cover, and how the figures limit it: differences of overlapping periods (the periods are
whole months, so the smallest difference is a month, itself protected); linked slices of a cross table through
the filters (office × category) are each protected against their own total only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

THRESHOLD = 5
PRIMARY = "<5"
SECONDARY = "x"
type Cell = int | float | str


@dataclass(frozen=True)
class Protected:
    cells: dict[Hashable, Cell]
    total: Cell


def _safe(primary: list[int], secondary: list[int]) -> bool:
    """Whether every "<5" cell of a column could still be any of 0 … 4, knowing the sum of all hidden ones."""
    if not primary:
        return True
    hidden = sum(primary) + sum(secondary)
    if secondary:
        return hidden - THRESHOLD * len(secondary) >= THRESHOLD - 1
    k = len(primary)
    return k >= 2 and THRESHOLD - 1 <= hidden <= (THRESHOLD - 1) * (k - 1)


def protect(cells: Mapping[Hashable, int], total: int | None = None) -> Protected:
    """One column and its total (the sum of the cells unless given): cells and total as they may be shown."""
    total = sum(cells.values()) if total is None else total
    if total < THRESHOLD:
        return Protected({key: PRIMARY for key in cells}, PRIMARY)
    primary = [key for key, value in cells.items() if value < THRESHOLD]
    secondary: list[Hashable] = []
    shown = sorted((key for key in cells if key not in primary), key=lambda key: (cells[key], str(key)))
    total_shown: Cell = total
    while not _safe([cells[k] for k in primary], [cells[k] for k in secondary]):
        if not shown:
            total_shown = SECONDARY
            break
        secondary.append(shown.pop(0))
    out: dict[Hashable, Cell] = {}
    for key, value in cells.items():
        out[key] = PRIMARY if key in primary else SECONDARY if key in secondary else value
    return Protected(out, total_shown)


def protect_blocks(cells: Mapping[Hashable, int], blocks: Mapping[Hashable, Hashable]) -> Protected:
    """A column whose rows fall into blocks whose sums are published elsewhere: each block protected alone."""
    grouped: dict[Hashable, dict[Hashable, int]] = {}
    for key, value in cells.items():
        grouped.setdefault(blocks.get(key), {})[key] = value
    out: dict[Hashable, Cell] = {}
    for block_cells in grouped.values():
        out.update(protect(block_cells).cells)
    total = sum(cells.values())
    return Protected({key: out[key] for key in cells}, total if total >= THRESHOLD else PRIMARY)


def guarded(value: float | None, cases: int, digits: int = 1) -> Cell | None:
    """A median or mean: shown only over at least 5 cases."""
    if value is None:
        return None
    return round(value, digits) if cases >= THRESHOLD else PRIMARY


def suppressed(values: Iterable[Cell]) -> bool:
    return any(isinstance(v, str) for v in values)
