"""The package graph, computed from the code's own imports, follows one order and has no cycle.

foundation -> storage, monitor, nlp (siblings) -> briefs -> services -> faces (cli, console, web).
A package may import only packages on a lower level (and itself); `cli` may also use `console`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEVELS = {
    "foundation": 0,
    "storage": 1,
    "monitor": 1,
    "nlp": 1,
    "briefs": 2,
    "services": 3,
    "console": 4,
    "web": 4,
    "workers": 4,
    "cli": 5,
}
SAME_LEVEL_ALLOWED: set[tuple[str, str]] = set()
TOP_LEVEL_NAMES = set(LEVELS) | {"core"}


def _package_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0].removesuffix(".py")


def _sources() -> list[Path]:
    files = [ROOT / "cli.py"]
    for name in LEVELS:
        folder = ROOT / name
        if folder.is_dir():
            files += sorted(folder.rglob("*.py"))
    return files


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module name imported anywhere in the file, lazy imports inside functions included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module)]
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in LEVELS}
    for path in _sources():
        source = _package_of(path)
        for _line, module in _imports(path):
            parts = module.split(".")
            if parts[0] == "callbrief" and len(parts) > 1 and parts[1] in set(LEVELS) - {source}:
                graph[source].add(parts[1])
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt == node:
                continue
            if state.get(nxt) == 1:
                return [*trail, node, nxt]
            if nxt not in state and (found := visit(nxt, [*trail, node])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [])):
            return found
    return None


def test_every_import_goes_through_the_callbrief_namespace():
    bare = []
    for path in _sources():
        for line, module in _imports(path):
            head = module.split(".")[0]
            if module.startswith("."):
                bare.append(f"{path.relative_to(ROOT)}:{line} relative import {module}")
            elif head in TOP_LEVEL_NAMES:
                bare.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not bare, "import these as callbrief.<package>:\n" + "\n".join(bare)


def test_no_package_imports_one_above_it_or_a_sibling():
    wrong = []
    for path in _sources():
        source = _package_of(path)
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[0] != "callbrief" or len(parts) < 2 or parts[1] not in LEVELS:
                continue
            target = parts[1]
            if target == source or (source, target) in SAME_LEVEL_ALLOWED:
                continue
            if LEVELS[target] >= LEVELS[source]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({source}) imports {module}")
    assert not wrong, "imports that go up or sideways:\n" + "\n".join(wrong)


def test_the_package_graph_has_no_cycle():
    assert _cycle(package_graph()) is None


@pytest.mark.parametrize(
    "graph, expected",
    [
        ({"a": {"b"}, "b": {"a"}}, True),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, False),
    ],
)
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert (_cycle(graph) is not None) is expected


def test_the_checker_sees_lazy_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from callbrief.nlp import taxonomy\n", encoding="utf-8")
    assert (2, "callbrief.nlp") in _imports(sample)


def test_the_graph_is_computed_from_real_imports():
    graph = package_graph()
    assert {"storage", "nlp", "briefs", "monitor"} <= graph["services"]
    assert graph["foundation"] == set()


def test_only_the_callbrief_namespace_is_installed(tmp_path):
    """From outside the checkout, callbrief.* imports and no bare top-level name does."""
    import subprocess
    import sys

    script = (
        "import importlib.util, sys\n"
        "import callbrief.nlp, callbrief.monitor, callbrief.briefs, callbrief.cli\n"
        "leaks = [n for n in ('cli', 'core', 'storage', 'nlp', 'monitor', 'briefs', 'foundation',"
        " 'services', 'console', 'web', 'workers') if importlib.util.find_spec(n) is not None]\n"
        "print(','.join(leaks) or 'none')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"
