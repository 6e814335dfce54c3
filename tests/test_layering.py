"""Web apart from domain: only registry/web may import Starlette, and nothing below it imports
the web layer (docs/architecture.md). Imports point one way (README): registry/web -> registry ->
db -> scrapers; only the demo runs the emulators; tests share helpers, never each other."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("registry", "db", "scrapers", "emulators")


def imported(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def outside_web(path: Path) -> bool:
    return not path.relative_to(ROOT).parts[:2] == ("registry", "web")


def test_only_the_web_layer_imports_starlette():
    offenders = {
        str(p.relative_to(ROOT))
        for p in modules()
        if outside_web(p) and any(n.split(".")[0] == "starlette" for n in imported(p))
    }
    assert offenders == set()


def test_the_domain_does_not_import_the_web_layer():
    offenders = {
        str(p.relative_to(ROOT))
        for p in modules()
        if outside_web(p)
        and p.name != "cli.py"  # the CLI serves the site: it is the one entry point above both
        and any(n == "registry.web" or n.startswith("registry.web.") for n in imported(p))
    }
    assert offenders == set()


def test_the_checks_see_the_web_package():
    """The two tests above would pass on an empty tree; they must see the imports they forbid."""
    web = [p for p in modules() if not outside_web(p)]
    assert any("starlette.routing" in imported(p) for p in web)
    assert any("registry.web.app" in imported(p) for p in modules() if p.name == "cli.py")


def layer(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def importing(package: str, paths: list[Path]) -> set[str]:
    """The files among `paths` that import `package` or one of its modules."""
    return {
        str(p.relative_to(ROOT))
        for p in paths
        if any(n == package or n.startswith(f"{package}.") for n in imported(p))
    }


def test_db_and_scrapers_never_import_the_registry():
    below = [p for p in modules() if layer(p) in ("db", "scrapers")]
    assert importing("registry", below) == set()


def test_scrapers_never_import_db():
    assert importing("db", [p for p in modules() if layer(p) == "scrapers"]) == set()


def test_only_the_demo_imports_the_emulators():
    """The emulators are synthetic registers for tests and the demo: no real import uses them."""
    product = [p for p in modules() if layer(p) != "emulators"]
    assert importing("emulators", product) == {"registry/demo.py"}


def test_tests_share_helpers_not_each_other():
    """A test module imports helper modules (tests/conftest.py, tests/runs.py, ...), never
    another test module: importing one runs, or hides, its fixtures and tests a second time."""
    tests = sorted((ROOT / "tests").glob("*.py"))
    offenders = {
        f"{p.name} imports {n}"
        for p in tests
        for n in imported(p)
        if n.startswith("tests.test_") and n.split(".")[1] != p.stem
    }
    assert offenders == set()
    assert any("tests.runs" in imported(p) for p in tests)  # the check sees such imports
