"""Web apart from domain: only registry/web may import Starlette, and nothing below it imports
the web layer (docs/architecture.md). Imports point one way (README): registry/web -> registry ->
db -> scrapers; only the demo runs the emulators; tests share helpers, never each other."""

import ast
import re
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


# Imports point one way (README): registry/web -> registry -> db -> scrapers.
def imports_of(package: str) -> dict[str, set[str]]:
    return {str(p.relative_to(ROOT)): imported(p) for p in (ROOT / package).rglob("*.py")}


def offenders(package: str, forbidden: tuple[str, ...]) -> set[str]:
    return {
        f"{path} imports {name}"
        for path, names in imports_of(package).items()
        for name in names
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    }


def test_db_and_scrapers_never_import_the_registry():
    assert offenders("db", ("registry",)) == set()
    assert offenders("scrapers", ("registry",)) == set()


def test_scrapers_never_import_db():
    assert offenders("scrapers", ("db",)) == set()


WINGS = ("lookup", "clinics", "imports", "releases")


def wing_offenders(wing: str, allowed: tuple[str, ...]) -> set[str]:
    others = tuple(f"registry.{w}" for w in (*WINGS, "web") if w != wing and w not in allowed)
    return offenders(f"registry/{wing}", others)


def test_the_wings_import_each_other_one_way():
    """lookup stands alone; clinics may use lookup; imports and releases never use clinics; no
    wing imports the web layer."""
    assert wing_offenders("lookup", ()) == set()
    assert wing_offenders("clinics", ("lookup",)) == set()
    assert wing_offenders("imports", ("lookup", "releases")) == set()
    assert wing_offenders("releases", ("lookup", "imports")) == set()


def test_only_the_demo_imports_the_emulators():
    found = {
        str(p.relative_to(ROOT))
        for p in modules()
        if p.parts[len(ROOT.parts)] != "emulators"
        and any(n == "emulators" or n.startswith("emulators.") for n in imported(p))
    }
    assert found == {"registry/imports/demo.py"}


# What the database is asked, and how: the calls and the statements. Docstrings may mention SQL.
SQL_CALLS = {"execute", "executemany", "executescript", "rows_where", "insert_all", "upsert"}
SQL_TEXT = re.compile(
    r"^\s*(select\s.+\bfrom\s|select\s+\d|insert\s+(or\s+\w+\s+)?into\s|update\s+\w+\s+set\s"
    r"|delete\s+from\s|with\s+\w+\s+as\s*\(|create\s+(table|index|view)\s|drop\s|pragma\s)",
    re.I | re.S,
)


def sql_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SQL_CALLS:
                found.append(f"{node.lineno}: .{node.func.attr}(")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and SQL_TEXT.match(node.value)
        ):
            found.append(f"{node.lineno}: {node.value[:40]!r}")
    return sorted(found)


def test_the_web_layer_runs_no_sql():
    """Handlers parse, make one domain call and render: the SQL lives in the domain."""
    found = {
        str(p.relative_to(ROOT)): sql
        for p in (ROOT / "registry" / "web").rglob("*.py")
        if (sql := sql_in(p))
    }
    assert found == {}


def test_the_sql_check_sees_sql(tmp_path):
    """The check above would pass on a tree it cannot read; it finds both kinds of SQL."""
    sample = tmp_path / "handler.py"
    sample.write_text(
        '"""select this docstring is not SQL"""\n'
        "def handler(conn):\n"
        '    """Nor is this one: select words."""\n'
        '    conn.execute("select 1").fetchone()\n'
        '    return "delete from t where id = ?"\n',
        encoding="utf-8",
    )
    assert sql_in(sample) == ["4: 'select 1'", "4: .execute(", "5: 'delete from t where id = ?'"]
    assert sql_in(ROOT / "registry" / "lookup" / "regulators.py")  # the domain does run SQL


ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_the_architecture_page_names_every_module():
    unnamed = {
        str(p.relative_to(ROOT))
        for p in modules()
        if p.name != "__init__.py" and f"`{p.relative_to(ROOT)}`" not in ARCHITECTURE
    }
    assert unnamed == set()


def test_the_docs_claim_only_tests_and_modules_that_exist():
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    named = {
        (doc.name, path)
        for doc in docs
        for path in re.findall(
            r"\b((?:tests|registry|db|scrapers|emulators)/[\w/]+\.py)\b",
            doc.read_text(encoding="utf-8"),
        )
    }
    assert {(doc, path) for doc, path in named if not (ROOT / path).exists()} == set()


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
