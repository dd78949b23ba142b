#!/usr/bin/env python3
"""The house at a glance: import circles between modules, and the largest source files.

Reads src/**/*.rs, takes every `crate::a::b` path (in `use` lines and in code) as an arrow from the file's module
to the module it names, and prints:
  - circles between files' modules (strongly connected components of more than one module);
  - circles between top-level modules (src/X.rs or src/X/);
  - the files with the most lines of code, tests aside (a `#[cfg(test)]` item and what follows it to the end of
    the file are left out, as are blank lines and `//` comments).
Usage: scripts/structure.py [--top N]
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src"


def module_of(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts == ["main"]:
        return "main"
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return "::".join(parts) or "crate"


def code_lines(text: str) -> int:
    n = 0
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#[cfg(test)]"):
            break
        if s and not s.startswith("//"):
            n += 1
    return n


def strip_tests(text: str) -> str:
    """The code before the tests, without comments (a doc link is no dependency)."""
    i = text.find("#[cfg(test)]")
    text = text if i < 0 else text[:i]
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))


# The layers of lib.rs's documentation, lowest first: a module may use its own layer's and those below.
LAYERS = [
    ["vocab", "span", "text", "corpus", "output", "lexicon"],
    ["model"],
    ["ner", "stance"],
    ["attribution", "actors", "targets", "pairs", "aggregate"],
    ["run", "merge", "import", "train", "article_score", "report", "network", "bench"],
    ["main", "cli"],
]


def main() -> None:
    top = 15
    if "--top" in sys.argv:
        top = int(sys.argv[sys.argv.index("--top") + 1])
    files = sorted(p for p in ROOT.rglob("*.rs"))
    modules = {module_of(p): p for p in files}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for m, p in modules.items():
        text = strip_tests(p.read_text())
        # `use crate::{a::b, c}` groups: expand one level.
        for group in re.finditer(r"crate::\{([^}]*)\}", text):
            for item in group.group(1).split(","):
                item = item.strip()
                if item:
                    resolve(m, "crate::" + item, modules, edges)
        for path in re.finditer(r"crate::((?:[a-z_][a-z0-9_]*::)*[A-Za-z_][A-Za-z0-9_]*)", text):
            resolve(m, "crate::" + path.group(1), modules, edges)
        # `super::x` from a file names a sibling: the parent of the file's module (of a mod.rs, its own parent).
        parent = m.split("::")[:-1]
        for group in re.finditer(r"(?<![:\w])super::\{([^}]*)\}", text):
            for item in group.group(1).split(","):
                item = item.strip()
                if item:
                    resolve(m, "crate::" + "::".join(parent + [item]), modules, edges)
        for path in re.finditer(r"(?<![:\w])super::((?:[a-z_][a-z0-9_]*::)*[A-Za-z_][A-Za-z0-9_]*)", text):
            resolve(m, "crate::" + "::".join(parent + [path.group(1)]), modules, edges)
    sccs = [c for c in tarjan(edges) if len(c) > 1]
    print(f"modules: {len(modules)}, arrows: {sum(len(v) for v in edges.values())}")
    print(f"circles between modules: {len(sccs)}")
    for c in sccs:
        print("  " + " <-> ".join(sorted(c)))
    top_edges: dict[str, set[str]] = {}
    for a, bs in edges.items():
        ta = a.split("::")[0]
        top_edges.setdefault(ta, set())
        for b in bs:
            tb = b.split("::")[0]
            if tb != ta:
                top_edges[ta].add(tb)
                top_edges.setdefault(tb, set())
    tsccs = [c for c in tarjan(top_edges) if len(c) > 1]
    print(f"circles between top-level modules: {len(tsccs)}")
    for c in tsccs:
        print("  " + " <-> ".join(sorted(c)))
    layer_of = {name: i for i, layer in enumerate(LAYERS) for name in layer}
    up = []
    for a, bs in sorted(edges.items()):
        for b in sorted(bs):
            la, lb = layer_of.get(a.split("::")[0]), layer_of.get(b.split("::")[0])
            if la is not None and lb is not None and lb > la:
                up.append(f"{a} -> {b}")
    print(f"arrows back up (to a higher layer): {len(up)}")
    for arrow in up:
        print("  " + arrow)
    unplaced = sorted({m.split("::")[0] for m in modules} - set(layer_of) - {"crate"})
    if unplaced:
        print(f"modules in no layer: {', '.join(unplaced)}")
    sizes = sorted(((code_lines(p.read_text()), str(p.relative_to(ROOT.parent))) for p in files), reverse=True)
    over = [s for s in sizes if s[0] > 600]
    print(f"files over 600 lines of code (tests aside): {len(over)}")
    for n, name in sizes[:top]:
        print(f"  {n:5d}  {name}")


def resolve(m: str, path: str, modules: dict, edges: dict) -> None:
    parts = path.split("::")[1:]
    # The longest prefix that names a module.
    for k in range(len(parts), 0, -1):
        cand = "::".join(parts[:k])
        if cand in modules:
            if cand != m:
                edges[m].add(cand)
            return


def tarjan(graph: dict[str, set[str]]) -> list[list[str]]:
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


if __name__ == "__main__":
    main()
