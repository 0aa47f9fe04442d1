"""The import rules of DESIGN.md hold: no import circle between any two modules of the suite.

`lint-imports` (contracts in pyproject.toml, run by .ci/run) checks who may import whom and that
sibling modules form no circle; this test checks the stronger statement module by module, with
grimp's graph (imports inside functions and under TYPE_CHECKING included), and that the README's
test command is the one CI runs.
"""

from pathlib import Path

import pytest

grimp = pytest.importorskip("grimp")

PACKAGES = ("micromag", "compact", "network", "multiscale")
ROOT = Path(__file__).resolve().parents[1]


def import_circles(graph) -> list[tuple[str, str]]:
    """Pairs (a, b) where a imports b directly and b leads back to a."""
    circles = set()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if graph.chain_exists(importer=imported, imported=importer):
                circles.add(tuple(sorted((importer, imported))))
    return sorted(circles)


def test_no_import_circle_between_any_two_modules():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert import_circles(graph) == []


def test_circle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert import_circles(graph) == [("pkg.a", "pkg.b"), ("pkg.a", "pkg.c"), ("pkg.b", "pkg.c")]


def test_readme_test_command_is_what_ci_runs():
    command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert "lint-imports" in command
    assert command in (ROOT / "README.md").read_text()
