"""The package's import rule: layers import only layers below them, and only ``cli`` touches typer and rich.

The layers, lowest first (README, "Layout"): ``_version``/``errors``/``codes`` → ``schema`` → ``text`` →
``storage`` → ``validation`` → ``ingest`` → ``suggest`` → ``loading`` → ``review`` → ``interchange`` → ``view`` →
``release`` → ``cli``.
A module may import its own layer and the layers before it, at module level or inside a function.
Imports under ``if TYPE_CHECKING:`` are annotations only and are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
LAYERS = (
    ("_version", "errors", "codes"),
    ("schema",),
    ("text",),
    ("storage",),
    ("validation",),
    ("ingest",),
    ("suggest",),
    ("loading",),
    ("review",),
    ("interchange",),
    ("view",),
    ("release",),
    ("cli",),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
TOP = len(LAYERS)  # the package's own __init__ and __main__: the public face, above everything


def _modules() -> dict[str, Path]:
    found = {}
    for folder, prefix in (("loaders", "peacetalks"), ("schema", "peacetalks.schema")):
        for path in sorted((PROJECT / folder).rglob("*.py")):
            parts = [prefix, *path.relative_to(PROJECT / folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def rank(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("__main__", "__init__"):
        return TOP
    if parts[1] not in RANK:
        raise AssertionError(f"{module}: package {parts[1]!r} has no layer; add it to LAYERS and the README")
    return RANK[parts[1]]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path`` outside ``if TYPE_CHECKING:`` blocks."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "peacetalks":  # from peacetalks import x: x may be a subpackage
                found.extend((node.lineno, f"peacetalks.{alias.name}") for alias in node.names)
        for sub in ast.iter_child_nodes(node):
            visit(sub)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_flow_one_way(module: str) -> None:
    """No module imports a layer above its own."""
    own = rank(module)
    upward = [
        f"{MODULES[module].relative_to(PROJECT)}:{line}: imports {target} (layer {rank(target)} > {own})"
        for line, target in imports(MODULES[module])
        if target.startswith("peacetalks.") and rank(target) > own
    ]
    assert upward == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if rank(m) != RANK["cli"]))
def test_only_the_cli_imports_typer_and_rich(module: str) -> None:
    """The library returns values; rendering for a terminal is the CLI's."""
    terminal = [target for _, target in imports(MODULES[module]) if target.split(".")[0] in ("typer", "rich", "click")]
    assert terminal == []


def test_every_package_has_a_layer() -> None:
    """A new subpackage must be placed in the layer order before it can be imported."""
    packages = {m.split(".")[1] for m in MODULES if m.count(".") >= 1}
    assert sorted(packages - set(RANK) - {"__main__"}) == []


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    """The checker sees a lazy import inside a function, and skips one under TYPE_CHECKING."""
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from peacetalks.cli import main\n"
        "def f():\n    from peacetalks.release.build import build_release\n"
    )
    assert imports(source) == [(1, "typing"), (5, "peacetalks.release.build")]
    assert rank("peacetalks.release.build") > rank("peacetalks.storage.parquet")
