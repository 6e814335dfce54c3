"""Web apart from domain: only registry/web may import Starlette, and nothing below it imports
the web layer (docs/architecture.md)."""

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
