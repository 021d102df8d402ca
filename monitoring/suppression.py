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
4. **Linked views (no complementary disclosure):** one filter publishes the same total in several views (every
   ``group_by``, the satisfaction block, the rating counts 1–5, the CSV and the page show the same response). A
   total is therefore never hidden in one view and shown in another. :func:`protect_linked` protects all views
   of one measure together: the total is kept, and every view is protected by further cell suppression until,
   over *all* its equations together (each view adds up to the total, the municipalities of an office to the
   office's row, the cells that the filter makes 0 are known to be 0), every ``"<5"`` cell can still be each of
   0–4. Only when a view has no cell left to hide is the total hidden, and then as ``"x"`` in every view at
   once (the fallback "suppress consistently everywhere"). Why this choice: the total is the figure the county
   needs most, and a table that is safe against its published total stays safe however the views are combined.
   The equations form a tree (total → views → office rows → municipalities), on which the feasible values of
   every cell are an interval: the check is exact, not a heuristic. Guaranteed: each ``"<5"`` can be every
   value 0–4 and each ``"x"`` is consistent with "5 or more"; an ``"x"`` may still be bounded above.

Derived values follow their count: the rate per 1 000 inhabitants of a suppressed count is suppressed the same
way; a median or mean over fewer than 5 cases is shown as ``"<5"``. Nothing else is rounded.

What the rule does not cover, and how the figures limit it: differences of overlapping periods (the periods are
whole months, so the smallest difference is a month, itself protected); linked slices of a cross table through
the filters (office × category, a single month as the period): each filter is protected on its own, so the
total of one filter may give back an ``"x"`` of another; the rating means (a rounded weighted sum of the
rating counts) and inequalities between measures (unmet ≤ searches) are not part of the equations.
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


INF = 10**12  # "5 or more" has no upper bound; sums of a few of them stay far from anything counted
Node = tuple[str, Hashable]  # (view, row key); TOTAL is the measure's total
TOTAL: Node = ("", None)


@dataclass(frozen=True)
class LinkedProtected:
    total: Cell
    views: dict[str, dict[Hashable, Cell]]


def _intervals(own: Mapping[Node, tuple[int, int]], equations: list[tuple[Node, list[Node]]]) -> dict[Node, tuple[int, int]]:
    """Exact feasible interval of every node of a tree of equations (parent = sum of its children)."""
    below: dict[Node, list[list[Node]]] = {}
    for parent, children in equations:
        below.setdefault(parent, []).append(children)
    down: dict[Node, tuple[int, int]] = {}

    def up(node: Node) -> tuple[int, int]:
        lo, hi = own[node]
        for children in below.get(node, []):
            sums = [up(child) for child in children]
            lo, hi = max(lo, sum(s[0] for s in sums)), min(hi, sum(s[1] for s in sums))
        down[node] = (lo, hi)
        return lo, hi

    up(TOTAL)
    out = {TOTAL: down[TOTAL]}

    def downward(node: Node) -> None:
        lo_p, hi_p = out[node]
        for children in below.get(node, []):
            low, high = sum(down[c][0] for c in children), sum(down[c][1] for c in children)
            for child in children:
                lo, hi = down[child]
                out[child] = (max(lo, lo_p - (high - hi)), min(hi, hi_p - (low - lo)))
                downward(child)

    downward(TOTAL)
    return out


def protect_linked(
    total: int,
    views: Mapping[str, Mapping[Hashable, int]],
    nested: Mapping[str, tuple[str, Mapping[Hashable, Hashable]]] | None = None,
    zeros: Iterable[Node] = (),
) -> LinkedProtected:
    """Every view of one measure for one filter, protected together (rule 4).

    ``views``: view name -> cells; each adds up to ``total``, except a ``nested`` view, whose cells add up, per
    parent key (``nested[view] = (parent view, key -> parent key)``), to the parent view's cells (a parent key
    missing from the parent view is 0). ``zeros``: cells that the filter makes 0 (known to anyone)."""
    nested = nested or {}
    value: dict[Node, int] = {TOTAL: total}
    for name, cells in views.items():
        value.update({(name, key): v for key, v in cells.items()})
    known_zero = set(zeros)
    equations: list[tuple[Node, list[Node]]] = []
    blocks: list[tuple[Node, list[Node]]] = []
    for name, (parent_view, parent_of) in nested.items():
        grouped: dict[Node, list[Node]] = {}
        for key in views[name]:
            grouped.setdefault((parent_view, parent_of.get(key)), []).append((name, key))
        if all(sum(value[c] for c in ch) == value.get(p, 0) for p, ch in grouped.items()):
            blocks += grouped.items()
        else:  # the rows do not add up (the responsible offices changed): linked through the total only
            nested = {n: v for n, v in nested.items() if n != name}
    for name, cells in views.items():
        if name not in nested:
            if sum(cells.values()) != total:
                raise ValueError(f"view {name} does not add up to the total")
            equations.append((TOTAL, [(name, key) for key in cells]))
    for parent, children in blocks:
        if parent not in value:  # outside the filter: the parent row is 0, and so is its block
            value[parent] = 0
            known_zero.update([parent, *children])
            next(ch for p, ch in equations if p == TOTAL and ch and ch[0][0] == parent[0]).append(parent)
        equations.append((parent, children))
    marker: dict[Node, Cell] = {node: (PRIMARY if v < THRESHOLD else v) for node, v in value.items()}
    if total >= THRESHOLD:
        parent_of_equation = {child: (parent, children) for parent, children in equations for child in children}
        while True:
            own = {n: (0, 0) if n in known_zero else (0, 4) if m == PRIMARY else (5, INF) if m == SECONDARY
                   else (value[n], value[n]) for n, m in marker.items()}  # fmt: skip
            feasible = _intervals(own, equations)
            bad = next((n for n, m in marker.items() if m == PRIMARY and n not in known_zero
                        and feasible[n] != (0, THRESHOLD - 1)), None)  # fmt: skip
            if bad is None:
                break
            hide = _next_to_hide(bad, parent_of_equation, marker, value, known_zero)
            if hide is None:  # every view of it hidden, the total too: hide more where the views are least hidden
                ranked = sorted(equations, key=lambda eq: sum(isinstance(marker[c], str) for c in eq[1]))
                hide = next((h for _, ch in ranked if (h := _smallest(ch, marker, value, known_zero))), None)
            if hide is None:
                break  # nothing is shown any more
            marker[hide] = SECONDARY
    out: dict[str, dict[Hashable, Cell]] = {name: {key: marker[(name, key)] for key in cells} for name, cells in views.items()}
    return LinkedProtected(marker[TOTAL], out)


def _next_to_hide(
    bad: Node,
    parent_of_equation: Mapping[Node, tuple[Node, list[Node]]],
    marker: Mapping[Node, Cell],
    value: Mapping[Node, int],
    zero: set[Node],
) -> Node | None:
    """The smallest shown cell beside the narrowed one; else one below a hidden neighbour (the municipalities
    that would add an office row back up); else its parent (an office row, or the total) when shown; else the
    same one level up."""
    children: dict[Node, list[Node]] = {}
    for child, (parent, _) in parent_of_equation.items():
        children.setdefault(parent, []).append(child)
    node = bad
    while node != TOTAL:
        parent, siblings = parent_of_equation[node]
        hide = _smallest(siblings, marker, value, zero)
        if hide is None:
            below = [c for s in siblings if s != node and s != TOTAL for c in children.get(s, [])]
            hide = _smallest(below, marker, value, zero)
        if hide is not None:
            return hide
        if isinstance(marker[parent], int) and parent not in zero:
            return parent
        node = parent
    return None


def _smallest(nodes: list[Node], marker: Mapping[Node, Cell], value: Mapping[Node, int], zero: set[Node]) -> Node | None:
    shown = [n for n in nodes if isinstance(marker[n], int) and n not in zero]
    return min(shown, key=lambda n: (value[n], str(n[1])), default=None)


def guarded(value: float | None, cases: int, digits: int = 1) -> Cell | None:
    """A median or mean: shown only over at least 5 cases."""
    if value is None:
        return None
    return round(value, digits) if cases >= THRESHOLD else PRIMARY


def suppressed(values: Iterable[Cell]) -> bool:
    return any(isinstance(v, str) for v in values)
