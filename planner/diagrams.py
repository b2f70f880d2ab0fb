"""Diagrams of a plan: boundaries with their operations and the calls between them, and
entities with their relationships. Drawn as SVG by our own code (the editor's Levels 2
and 4, the share page, the PDF, the SVG download) and written as Mermaid text.

A plan becomes a `Graph` (nodes, directed edges); `layout` places it in layers, top to
bottom, in the manner of Sugiyama: cycles broken, longest-path layers, long edges
routed through invisible waypoints, and each layer ordered by the barycentre of its
neighbours (sweeping down and up, keeping the order with the fewest crossings), so a
plan's diagram is drawn without crossings wherever the layered order allows one.

Why not Graphviz `dot`: it would be a subprocess per page (tens of milliseconds, a
timeout and a fallback for machines without it) for drawings of a few dozen boxes,
and its SVG would have to be rebuilt anyway to be safe to inline. Ours is pure Python,
the same everywhere, and fast enough to run on every save.

The SVG is built only from numbers, fixed attributes and escaped text, so it is safe
to insert as markup: no script, no style, no external or internal references (the
arrowheads are plain polygons, not markers with ids). Presentation attributes instead
of CSS, so it looks the same in the browser (whose CSP forbids inline styles) and in
WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import hypot
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

BOUNDARIES_TITLE = "Boundaries, their operations and the calls between them"
ENTITIES_TITLE = "Entities and relationships"
NO_BOUNDARY = "No boundary yet"
MAX_NODES = 30  # boxes drawn on a page or in the PDF; the downloads draw every one
MAX_ITEMS = 8  # operations listed in a boundary's box
ROW_NODES = 6  # boxes side by side before a layer wraps onto another row


@dataclass
class Node:
    name: str
    items: list[str] = field(default_factory=list)  # a boundary's operations
    loose: bool = False  # the box of operations without a boundary


@dataclass
class Edge:
    source: str
    target: str
    label: str


@dataclass
class Graph:
    title: str
    nodes: list[Node]
    edges: list[Edge]
    listed: bool = False  # boxes list their items (boundaries with operations)


# --- From the plan document to graphs ----------------------------------------------


def boundary_graph(document: dict) -> Graph:
    """Boundaries with their operations; a call A -> B wherever an operation in
    boundary A reads or writes an entity that boundary B owns (the entity's boundary).
    Operations or entities without a boundary make no call; an operation touching its
    own boundary's data makes none either."""
    owner = {e.get("name", ""): e.get("boundary") for e in document.get("entities") or []}
    nodes = {b.get("name", ""): Node(b.get("name", "")) for b in document.get("boundaries") or []}
    loose = Node(NO_BOUNDARY, loose=True)
    calls: dict[tuple[str, str], list[str]] = {}
    for op in document.get("operations") or []:
        name, home = op.get("name", ""), op.get("boundary")
        (nodes.get(home, loose)).items.append(name)
        for entity in op.get("entities") or []:
            there = owner.get(entity)
            if home in nodes and there in nodes and there != home:
                ops = calls.setdefault((home, there), [])
                if name not in ops:
                    ops.append(name)
    edges = [Edge(a, b, _call_label(ops)) for (a, b), ops in calls.items()]
    listed = list(nodes.values()) + ([loose] if loose.items else [])
    return Graph(BOUNDARIES_TITLE, listed, edges, listed=True)


def _call_label(ops: list[str]) -> str:
    first = _clip(ops[0], 22)
    return first if len(ops) == 1 else f"{first} +{len(ops) - 1}"


def entity_graph(document: dict) -> Graph:
    """Entities, and each relationship as an arrow from its source to its target
    labelled with its cardinality."""
    nodes = [Node(e.get("name", "")) for e in document.get("entities") or []]
    edges = [
        Edge(r.get("source", ""), r.get("target", ""), r.get("cardinality", ""))
        for r in document.get("relationships") or []
    ]
    return Graph(ENTITIES_TITLE, nodes, edges)


# --- Layout ----------------------------------------------------------------------------


@dataclass
class Box:
    x: float  # centre
    y: float  # top
    width: float
    height: float


@dataclass
class Layout:
    boxes: dict[str, Box]
    routes: list[tuple[Edge, list[tuple[float, float]]]]  # polyline, source to target
    loops: list[Edge]
    width: float
    height: float
    hidden: int  # nodes left out (over the cap)


WIDTH = {False: 150.0, True: 200.0}  # a box's width, without and with listed items
GAP_X, GAP_Y, WAYPOINT = 28.0, 62.0, 16.0


def box_height(node: Node, listed: bool) -> float:
    if not listed:
        return 34.0
    shown = min(len(node.items), MAX_ITEMS) + (len(node.items) > MAX_ITEMS)
    return 30.0 + 14.0 * max(shown, 1) + 8.0


def layout(graph: Graph, max_nodes: int | None = MAX_NODES) -> Layout:
    nodes = graph.nodes if max_nodes is None else graph.nodes[:max_nodes]
    names = [n.name for n in nodes]
    known = set(names)
    edges = [e for e in graph.edges if e.source in known and e.target in known]
    loops = [e for e in edges if e.source == e.target]
    links = [e for e in edges if e.source != e.target]
    connected = {e.source for e in links} | {e.target for e in links}
    layers = _layers([n for n in names if n in connected], links)
    rows = _rows(layers, [n for n in names if n not in connected])
    by_name = {n.name: n for n in nodes}
    boxes, width, height = _place(rows, by_name, graph.listed)
    waypoints: dict[tuple[str, str], list[Box]] = {}
    for name, box in boxes.items():
        if name.startswith("\0"):
            a, b, _ = name[1:].split("\0")
            waypoints.setdefault((a, b), []).append(box)
    routes = [(edge, _route(edge, boxes, waypoints)) for edge in links]
    _spread_ends(routes, boxes)
    return Layout(boxes, routes, loops, width, height, len(graph.nodes) - len(nodes))


def _layers(names: list[str], edges: list[Edge]) -> list[list[str]]:
    """Longest-path layers of the graph with its cycles broken, long edges split by
    waypoints (named "\0<n>"), each layer ordered to cross as few edges as it can."""
    out: dict[str, list[str]] = {n: [] for n in names}
    for e in edges:
        if e.target not in out[e.source]:
            out[e.source].append(e.target)
    # Break cycles: an edge back to a node still on the depth-first path is reversed.
    state: dict[str, int] = {}
    forward: set[tuple[str, str]] = set()
    order: list[str] = []
    for root in names:
        if root in state:
            continue
        stack = [(root, iter(out[root]))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                order.append(node)
                stack.pop()
            elif state.get(child) == 1:
                forward.add((child, node))  # reversed
            else:
                forward.add((node, child))
                if child not in state:
                    state[child] = 1
                    stack.append((child, iter(out[child])))
    level = dict.fromkeys(names, 0)
    after: dict[str, list[str]] = {}
    for a, b in forward:
        after.setdefault(a, []).append(b)
    for node in reversed(order):  # a topological order of the forward edges
        for b in after.get(node, []):
            level[b] = max(level[b], level[node] + 1)
    layers: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for name in names:
        layers[level[name]].append(name)
    # Waypoints: an edge spanning several layers passes one per layer in between.
    adjacent: list[tuple[str, str]] = []
    for a, b in sorted(forward, key=lambda pair: (names.index(pair[0]), names.index(pair[1]))):
        previous = a
        for between in range(level[a] + 1, level[b]):
            waypoint = f"\0{a}\0{b}\0{between}"
            layers[between].append(waypoint)
            adjacent.append((previous, waypoint))
            previous = waypoint
        adjacent.append((previous, b))
    return _order(layers, adjacent)


def _order(layers: list[list[str]], adjacent: list[tuple[str, str]]) -> list[list[str]]:
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for a, b in adjacent:
        down.setdefault(a, []).append(b)
        up.setdefault(b, []).append(a)
    best, best_crossings = [list(layer) for layer in layers], None
    current = [list(layer) for layer in layers]
    # Counting crossings is quadratic in a layer's edges: a very large graph (a whole
    # plan's download) gets fewer sweeps.
    sweeps = 8 if len(adjacent) <= 300 else 2
    for sweep in range(sweeps):
        indices = range(1, len(current)) if sweep % 2 == 0 else range(len(current) - 2, -1, -1)
        for i in indices:
            fixed = current[i - 1] if sweep % 2 == 0 else current[i + 1]
            where = {name: p for p, name in enumerate(fixed)}
            neighbours = up if sweep % 2 == 0 else down

            def barycentre(name: str, here: int, where=where, neighbours=neighbours) -> float:
                found = [where[n] for n in neighbours.get(name, []) if n in where]
                return sum(found) / len(found) if found else float(here)

            current[i] = [
                name
                for _, name in sorted(
                    (barycentre(name, p), name) for p, name in enumerate(current[i])
                )
            ]
        crossings = _crossings(current, down)
        if best_crossings is None or crossings < best_crossings:
            best, best_crossings = [list(layer) for layer in current], crossings
        if crossings == 0:
            break
    return best


def _crossings(layers: list[list[str]], down: dict[str, list[str]]) -> int:
    total = 0
    for upper, lower in zip(layers, layers[1:], strict=False):
        below = {name: p for p, name in enumerate(lower)}
        pairs = [(p, below[b]) for p, a in enumerate(upper) for b in down.get(a, []) if b in below]
        total += sum(
            1
            for i, (a1, b1) in enumerate(pairs)
            for a2, b2 in pairs[i + 1 :]
            if (a1 - a2) * (b1 - b2) < 0
        )
    return total


def _rows(layers: list[list[str]], isolated: list[str]) -> list[list[str]]:
    """Layers wrapped to at most ROW_NODES boxes a row; unconnected boxes last, in a grid."""
    rows: list[list[str]] = []
    for layer in layers + ([isolated] if isolated else []):
        row: list[str] = []
        for name in layer:
            row.append(name)
            if sum(1 for n in row if not n.startswith("\0")) == ROW_NODES:
                rows.append(row)
                row = []
        if row:
            rows.append(row)
    return rows


def _place(rows: list[list[str]], nodes: dict[str, Node], listed: bool) -> tuple:
    def size(name: str) -> tuple[float, float]:
        if name.startswith("\0"):
            return WAYPOINT, 0.0
        return WIDTH[listed], box_height(nodes[name], listed)

    widths = [sum(size(n)[0] for n in row) + GAP_X * (len(row) - 1) for row in rows]
    total_w = max(widths, default=WIDTH[listed])
    boxes: dict[str, Box] = {}
    y = 0.0
    for row, row_w in zip(rows, widths, strict=True):
        row_h = max((size(n)[1] for n in row), default=0.0) or GAP_Y / 2
        x = (total_w - row_w) / 2
        for name in row:
            w, h = size(name)
            boxes[name] = Box(x + w / 2, y + (row_h - h) / 2 if h else y + row_h / 2, w, h)
            x += w + GAP_X
        y += row_h + GAP_Y
    return boxes, total_w, max(y - GAP_Y, 0.0)


def _route(edge: Edge, boxes: dict[str, Box], waypoints: dict) -> list[tuple[float, float]]:
    """The edge's polyline: out of its source, through its waypoints, into its target
    (a reversed edge of a cycle runs through its waypoints the other way)."""
    source, target = boxes[edge.source], boxes[edge.target]
    ahead = sorted(waypoints.get((edge.source, edge.target), []), key=lambda box: box.y)
    back = sorted(waypoints.get((edge.target, edge.source), []), key=lambda box: -box.y)
    middle = [(b.x, b.y) for b in (ahead or back)]
    if target.y >= source.y + source.height:
        start, end = (source.x, source.y + source.height), (target.x, target.y)
    elif source.y >= target.y + target.height:
        start, end = (source.x, source.y), (target.x, target.y + target.height)
    else:  # side by side (a wrapped row): from one side to the other
        left = target.x < source.x
        start = (
            source.x - source.width / 2 if left else source.x + source.width / 2,
            source.y + source.height / 2,
        )
        end = (
            target.x + target.width / 2 if left else target.x - target.width / 2,
            target.y + target.height / 2,
        )
    return [start, *middle, end]


def _spread_ends(routes: list, boxes: dict[str, Box]) -> None:
    """Several arrows meeting one side of a box arrive side by side, in the order of
    where they come from, so their heads and labels do not pile up."""
    by_end = {
        (box.x, y): box for box in boxes.values() if box.height for y in (box.y, box.y + box.height)
    }
    sides: dict[tuple[float, float], list[tuple[float, list, int]]] = {}
    for _, points in routes:
        for index, neighbour in ((0, 1), (-1, -2)):
            x, y = points[index]
            sides.setdefault((x, y), []).append((points[neighbour][0], points, index))
    for (x, y), ends in sides.items():
        if len(ends) < 2:
            continue
        box = by_end.get((x, y))
        if box is None:
            continue
        span = box.width * 0.8
        for i, (_, points, index) in enumerate(sorted(ends, key=lambda end: end[0])):
            points[index] = (x - span / 2 + span * (i + 1) / (len(ends) + 1), y)


# --- SVG ---------------------------------------------------------------------------------


def graph_svg(graph: Graph, max_nodes: int | None = MAX_NODES) -> SafeString:
    placed = layout(graph, max_nodes)
    edges, labels, boxes = [], [], []
    for edge, points in placed.routes:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        edges.append(f'<polyline points="{path}" {SVG_LOOK["edge"]}/>')
        edges.append(_arrowhead(points[-2], points[-1]))
        if edge.label:
            labels.append(_label(points, edge.label))
    for edge in placed.loops:  # an entity related to itself: a loop over its top right
        box = placed.boxes[edge.source]
        x, y = box.x + box.width / 2 - 10, box.y
        edges.append(f'<path d="M{x - 16:.1f},{y:.1f} c 0,-24 22,-24 22,0" {SVG_LOOK["edge"]}/>')
        edges.append(_arrowhead((x + 6, y - 10), (x + 6, y)))
        if edge.label:
            labels.append(_label([(x - 5, y - 26), (x - 5, y - 26)], edge.label))
    by_name = {n.name: n for n in graph.nodes}
    for name, box in placed.boxes.items():
        if not box.height:
            continue
        boxes.extend(_box(by_name[name], box, graph.listed))
    width, height = max(placed.width, 160.0), placed.height
    if placed.hidden:
        note = f"+ {placed.hidden} more, listed in the table and in the downloads"
        boxes.append(_t(0, height + 18, note, "more"))
        height += 24
        width = max(width, len(note) * 6.0)  # the note is cut off where the drawing ends
    return _svg(width + 60, height, graph.title, edges + labels + boxes)


def _box(node: Node, box: Box, listed: bool) -> list[str]:
    left, top = box.x - box.width / 2, box.y
    parts = [_rect(left, top, box.width, box.height, "box loose" if node.loose else "box")]
    if not listed:
        parts.append(_t(box.x, top + 21, _clip(node.name, 20), "title", "middle"))
        return parts
    parts.append(_t(left + 10, top + 19, _clip(node.name, 27), "title"))
    for i, item in enumerate(node.items[:MAX_ITEMS]):
        parts.append(_t(left + 14, top + 38 + i * 14, "• " + _clip(item, 29), "item"))
    extra = len(node.items) - MAX_ITEMS
    if extra > 0:
        parts.append(_t(left + 14, top + 38 + MAX_ITEMS * 14, f"+ {extra} more", "more"))
    if not node.items:
        parts.append(_t(left + 14, top + 38, "no operations", "more"))
    return parts


def _arrowhead(tail: tuple[float, float], tip: tuple[float, float]) -> str:
    dx, dy = tip[0] - tail[0], tip[1] - tail[1]
    length = hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    back_x, back_y = tip[0] - 9 * ux, tip[1] - 9 * uy
    a = (back_x - 4.5 * uy, back_y + 4.5 * ux)
    b = (back_x + 4.5 * uy, back_y - 4.5 * ux)
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (tip, a, b))
    return f'<polygon points="{points}" {SVG_LOOK["head"]}/>'


def _label(points: list[tuple[float, float]], text: str) -> str:
    """A label on the middle of the route's longest segment, on a white tag."""
    segments = list(zip(points, points[1:], strict=False))
    (x1, y1), (x2, y2) = max(segments, key=lambda s: hypot(s[1][0] - s[0][0], s[1][1] - s[0][1]))
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    width = 6.0 * len(text) + 10
    return _rect(mx - width / 2, my - 8, width, 15, "tag", rx=3) + _t(
        mx, my + 3.5, text, "tagtext", "middle"
    )


def _clip(text: str, length: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _t(x: float, y: float, text: str, look: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" {SVG_LOOK[look]} text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )


def _rect(x: float, y: float, width: float, height: float, look: str, rx: int = 6) -> str:
    size = f'width="{width:.1f}" height="{height:.1f}" rx="{rx}"'
    return f'<rect x="{x:.1f}" y="{y:.1f}" {size} {SVG_LOOK[look]}/>'


# Presentation attributes, not CSS: the pages' CSP forbids inline style, and attributes
# look the same in the browser and in WeasyPrint.
_FONT = 'font-family="DejaVu Sans, sans-serif"'
SVG_LOOK = {
    "box": 'fill="#f5f7fa" stroke="#3d5a80" stroke-width="1.2"',
    "box loose": 'fill="#fff4e5" stroke="#b26a00" stroke-width="1.2"',
    "title": f'{_FONT} font-size="12" font-weight="bold" fill="#1b263b"',
    "item": f'{_FONT} font-size="10.5" fill="#333333"',
    "more": f'{_FONT} font-size="10" font-style="italic" fill="#555555"',
    "edge": 'stroke="#5c6f87" stroke-width="1.3" fill="none"',
    "head": 'fill="#5c6f87" stroke="none"',
    "tag": 'fill="#ffffff" stroke="#98a6b8"',
    "tagtext": f'{_FONT} font-size="9.5" fill="#1b263b"',
}


def _svg(width: float, height: float, title: str, parts: list[str]) -> SafeString:
    body = "".join(parts)
    w, h = width + 4, height + 4
    # Built only from numbers, fixed attributes and escaped text, so safe to insert as markup.
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-32 -2 {w:.0f} {h:.0f}" '
        f'width="{w:.0f}" height="{h:.0f}" role="img" aria-label={quoteattr(title)}>'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def boundary_diagram(document: dict, max_nodes: int | None = MAX_NODES) -> SafeString:
    return graph_svg(boundary_graph(document), max_nodes)


def entity_diagram(document: dict, max_nodes: int | None = MAX_NODES) -> SafeString:
    return graph_svg(entity_graph(document), max_nodes)


# --- Mermaid -------------------------------------------------------------------------------


def mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: one line, and the characters Mermaid reads as
    syntax or markup written as its entity codes (`#quot;`, `#35;`, …)."""
    return "".join(_MERMAID_CODES.get(char, char) for char in " ".join(str(text).split()))


_MERMAID_CODES = {char: f"#{ord(char)};" for char in '#"<>`[](){}|'}


def mermaid(graph: Graph) -> str:
    """The whole graph (no cap) as a Mermaid flowchart: boundaries as subgraphs holding
    their operations, entities as boxes; every name quoted and escaped; ids are ours."""
    ids = {node.name: f"n{i}" for i, node in enumerate(graph.nodes, 1)}
    lines = [f"%% {mermaid_text(graph.title)}", "flowchart TB" if graph.listed else "flowchart LR"]
    item = 0
    for node in graph.nodes:
        label = f'"{mermaid_text(node.name)}"'
        if not graph.listed:
            lines.append(f"  {ids[node.name]}[{label}]")
            continue
        lines.append(f"  subgraph {ids[node.name]}[{label}]")
        for name in node.items:
            item += 1
            lines.append(f'    op{item}["{mermaid_text(name)}"]')
        lines.append("  end")
    for edge in graph.edges:
        if edge.source in ids and edge.target in ids:
            label = f'|"{mermaid_text(edge.label)}"|' if edge.label else ""
            lines.append(f"  {ids[edge.source]} -->{label} {ids[edge.target]}")
    return "\n".join(lines) + "\n"


# --- Which diagrams there are, and where the editor shows them ------------------------------

GRAPHS = {"boundaries": boundary_graph, "entities": entity_graph}
TITLES = {"boundaries": BOUNDARIES_TITLE, "entities": ENTITIES_TITLE}
STEP_DIAGRAMS = {"2": ["boundaries"], "4": ["entities"]}  # the editor's live diagrams


def step_diagrams(step: str) -> list[tuple[str, str]]:
    """(name, caption) of each diagram the workspace step shows. The page shows each as
    an image (`diagram_views.diagram_live`): drawing a 200-row plan's diagram took
    more CPU than the rest of its page."""
    return [(name, TITLES[name]) for name in STEP_DIAGRAMS.get(step, [])]
