"""The layout's rules, checked on every import in totp_tui: at module level, inside functions,
and for the type checker only (an import under TYPE_CHECKING is still a dependency).

- Layers import downwards only: cli → ui → helpdesk, demo → cognito, profiles → config →
  the leaves (authenticator, diagnostics, sentences). Within a layer, a package imports only
  itself.
- No import circles between modules.
- Nothing below the UI imports Textual or Rich.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import totp_tui

PACKAGE = Path(totp_tui.__file__).parent

# Low to high. A module's package is its first name under totp_tui (a top-level module is
# its own package).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"authenticator", "diagnostics", "sentences"}),
    frozenset({"config"}),
    frozenset({"cognito", "profiles"}),
    frozenset({"helpdesk", "demo"}),
    frozenset({"ui"}),
    frozenset({"cli"}),
)
UI_LIBRARIES = ("textual", "rich")
UI_LAYERS = frozenset({"ui", "cli"})


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imported(name: str, tree: ast.AST) -> Iterator[str]:
    """Every module `tree` imports, by absolute name; `from p import m` counts as p.m when m
    is a module of ours."""
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield candidate if candidate in MODULES else base


def graph() -> dict[str, set[str]]:
    """Our modules and the modules of ours each one imports."""
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(), str(path))
        edges[name] = {m for m in imported(name, tree) if m in MODULES and m != name}
    return edges


def third_party(name: str) -> set[str]:
    tree = ast.parse(MODULES[name].read_text())
    return {m.split(".")[0] for m in imported(name, tree) if not m.startswith("totp_tui")}


def package_of(module: str) -> str:
    parts = module.split(".")
    if parts[1:] == ["__main__"]:
        return "cli"  # `python -m totp_tui`: the command line
    return parts[1] if len(parts) > 1 else "totp_tui"


def layer_of(module: str) -> int:
    package = package_of(module)
    for index, layer in enumerate(LAYERS):
        if package in layer:
            return index
    return -1  # totp_tui itself: imports nothing


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_package_has_a_layer() -> None:
    assert all(layer_of(m) >= 0 for m in MODULES if m != "totp_tui"), [
        m for m in MODULES if m != "totp_tui" and layer_of(m) < 0
    ]


def test_no_import_circles() -> None:
    assert circles(graph()) == []


def test_imports_point_down_only() -> None:
    upward = [
        f"{source} imports {target}"
        for source, targets in graph().items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(source)
        or (layer_of(target) == layer_of(source) and package_of(target) != package_of(source))
    ]
    assert upward == []


@pytest.mark.parametrize("name", sorted(m for m in MODULES if package_of(m) not in UI_LAYERS))
def test_below_the_ui_nothing_imports_textual_or_rich(name: str) -> None:
    assert not third_party(name) & set(UI_LIBRARIES)


# --- The checker itself: it must see what it is meant to forbid ------------------------------


def test_the_checker_sees_imports_inside_functions_and_for_the_type_checker() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from totp_tui.ui.app import TotpApp\n"
        "def f():\n    import textual.app\n    from totp_tui.cli import main\n"
    )
    found = set(imported("totp_tui.cognito.flow", tree))
    assert {"totp_tui.ui.app", "textual.app", "totp_tui.cli.main"} <= found


def test_the_checker_finds_a_circle_and_an_upward_import() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(edges) == [["a", "b", "c"]]
    assert layer_of("totp_tui.ui.app") > layer_of("totp_tui.cognito.flow")
    assert layer_of("totp_tui.config.settings") < layer_of("totp_tui.profiles.store")
