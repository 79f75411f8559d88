"""Dependencies flow one way (README "Layout"): an app imports only from the apps to its left, the
product never imports the demo or the tools, and ``core`` imports from no app and not from ``config``."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each app, and what it may import from among the project's packages (besides itself).
ORDER = ["core", "accounts", "grids", "campaign", "inspections", "evaluation", "citizens", "assessment", "reports"]
PROJECT = {*ORDER, "config", "demo", "perf", "faults", "masterdata", "open311", "e2e", "tests"}


def imported_packages(package: str) -> dict[str, set[str]]:
    """``{file: {project packages it imports}}`` for the package's modules, tests left out."""
    found = {}
    for path in (ROOT / package).rglob("*.py"):
        if "tests" in path.relative_to(ROOT).parts or "migrations" in path.parts:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
        found[str(path.relative_to(ROOT))] = (names & PROJECT) - {package}
    return found


@pytest.mark.parametrize("package", ORDER)
def test_an_app_imports_only_from_the_apps_to_its_left(package):
    allowed = set(ORDER[: ORDER.index(package)])
    wrong = {path: sorted(names - allowed) for path, names in imported_packages(package).items() if names - allowed}
    assert wrong == {}
