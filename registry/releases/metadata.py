"""Datasette's metadata.json, docs/data-dictionary.md and docs/regulators.md, generated from one
source of truth.

Descriptions come from the data dictionary (db/dictionary.py), saved queries from
registry/releases/queries.py, licence, attribution and the regulators' table from the regulators'
declarations (scrapers/sources.toml). The generated files are committed; `registry metadata`
rewrites them and a test fails when they are stale. docs/regulators.md keeps the hand-written
sections below its table.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path

from sqlite_utils import Database

from db.dictionary import TABLES
from db.migrations import migrate
from registry.releases.queries import QUERIES
from scrapers.sources import Source

ROOT = Path(__file__).resolve().parents[2]
METADATA_PATH = ROOT / "metadata.json"
DICTIONARY_PATH = ROOT / "docs" / "data-dictionary.md"
REGULATORS_PATH = ROOT / "docs" / "regulators.md"
# docs/regulators.md: everything after this line is hand-written and kept by `registry metadata`.
HAND_WRITTEN = "<!-- Hand-written below this line: `registry metadata` keeps it as it is. -->"
DATABASE = "registry"  # Datasette names a database after its file: registry.db
# The researchers' guide, docs/researchers.md: served by the site at /researchers; a release,
# served elsewhere without it, names the file instead.
GUIDE_URL = "/researchers"

TITLE = "Needling Registry"
LICENSE = (
    "Each regulator's terms apply to its records (see the regulators table); "
    "our compilation: CC BY 4.0"
)
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"

# The map's tiles (datasette-cluster-map, with its bundled Leaflet): OpenStreetMap's tile server,
# allowed by the Content-Security-Policy of /data/ (registry/web/safety.py reads MAP_TILE_HOST).
MAP_TILE_LAYER = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
MAP_TILE_HOST = "https://tile.openstreetmap.org"
MAP_TILE_OPTIONS = {
    "maxZoom": 19,
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    " contributors",
}
PLUGINS = {
    "datasette-cluster-map": {
        # The register's coordinates, else the city's centre from the gazetteer (db/places.py).
        "latitude_column": "map_latitude",
        "longitude_column": "map_longitude",
        "tile_layer": MAP_TILE_LAYER,
        "tile_layer_options": MAP_TILE_OPTIONS,
    }
}


def regulator_rows(sources: Iterable[Source]) -> list[dict]:
    """Declared sources in the shape of the regulators table (a release reads that table)."""
    return [
        {
            "id": s.key,
            "name": s.regulator,
            "short_name": s.short_name,
            "jurisdiction": s.jurisdiction,
            "register_url": s.register_url,
            "terms_note": s.terms_note,
            "coverage": s.coverage,
            "sample": int(s.sample),
        }
        for s in sources
    ]


def schema() -> dict[str, dict[str, str]]:
    """Every table of a freshly migrated database, with its columns and their types."""
    db = Database(memory=True)
    migrate(db)
    return {
        name: {c.name: c.type for c in db[name].columns}
        for name in [*db.table_names(), *db.view_names()]
    }


def _attribution(regulators: list[dict]) -> str:
    covered = [r for r in regulators if r["coverage"] == "supported"]
    listed = "; ".join(
        f"{r['name']} ({r['short_name']}), {r['register_url']}"
        + (" [synthetic sample]" if r.get("sample") else "")
        for r in covered
    )
    return f"Public registers: {listed}. Each regulator's terms apply to its records."


def _terms_html(regulators: list[dict]) -> str:
    items = "".join(
        f'<li><a href="{html.escape(r["register_url"])}">{html.escape(r["name"])}</a> '
        f"({html.escape(r['jurisdiction'])}): {html.escape(r['terms_note'])}</li>"
        for r in regulators
        if r["coverage"] == "supported"
    )
    return f"<p>Licence and attribution per regulator:</p><ul>{items}</ul>"


def _table_metadata(name: str) -> dict:
    table = TABLES[name]
    out: dict = {"description": table.description}
    if table.hidden:
        out["hidden"] = True
    for key in ("label_column", "sort", "sort_desc"):
        if getattr(table, key):
            out[key] = getattr(table, key)
    if table.facets:
        out["facets"] = list(table.facets)
    if table.sortable_columns:
        out["sortable_columns"] = list(table.sortable_columns)
    out["columns"] = dict(table.columns)
    return out


def _queries_metadata() -> dict:
    return {
        name: {
            "title": q.title,
            "description": q.description
            + (
                " Parameters: "
                + "; ".join(f"{param}: {what}" for param, what in q.params.items())
                + "."
                if q.params
                else ""
            ),
            "sql": q.sql.strip(),
        }
        for name, q in QUERIES.items()
    }


def build(regulators: list[dict], prefix: str = "/data/", release: dict | None = None) -> dict:
    """Datasette's metadata for a database of these regulators, served under `prefix`.

    `release` (the manifest's name and created_at) titles a published release.
    """
    base = f"{prefix}{DATABASE}"
    intro = (
        "<p>Health practitioners authorized to needle (trigger point dry needling, "
        "intramuscular stimulation, acupuncture, trigger point injections), each with their "
        "profession, compiled from each regulator's public register. An authorization's "
        "mechanism says whether the person was authorized or their whole profession may, by "
        "its scope of practice. Every registration carries its evidence: the URL it was "
        "read from, when, and the SHA-256 of the response.</p>"
        f'<p>Start with the <a href="{base}/directory">directory</a> (one row per registration, '
        f'searchable), the <a href="{base}/regulators">regulators</a> (coverage and terms) or '
        f'the saved queries of the <a href="{base}">database</a>. Every table and query '
        "downloads as CSV or JSON.</p>"
    )
    guide = (
        "the researchers' guide (docs/researchers.md in the project's source)"
        if release
        else f'the <a href="{GUIDE_URL}">researchers\' guide</a>'
    )
    intro += (
        f"<p>New here? Read {guide}: it answers the common questions (where the authorized "
        "practitioners are, how their number changed month by month in each city, what "
        "changed between two dates) with these saved queries and charts.</p>"
    )
    title = TITLE
    if release:
        title = f"{TITLE}: release {release['name']}"
        intro += (
            f"<p>Release {html.escape(release['name'])}, published {release['created_at']}: "
            "an immutable copy of the database; its manifest lists the sources, import runs, "
            "row counts and checksums.</p>"
        )
    return {
        "title": title,
        "description_html": intro + _terms_html(regulators),
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "source": "Regulators' public registers",
        "source_url": f"{base}/regulators",
        "plugins": PLUGINS,
        "databases": {
            DATABASE: {
                "source": _attribution(regulators),
                "source_url": f"{base}/regulators",
                "license": LICENSE,
                "license_url": LICENSE_URL,
                "tables": {
                    # Optional tables (ANALYZE's statistics) exist in releases only.
                    name: _table_metadata(name)
                    for name, table in TABLES.items()
                    if release or not table.optional
                },
                "queries": _queries_metadata(),
            }
        },
    }


def render_json(metadata: dict) -> str:
    return json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def data_dictionary(regulators: list[dict]) -> str:
    """docs/data-dictionary.md: every table and column, the saved queries, terms per regulator."""
    types = schema()
    lines = [
        "# Data dictionary",
        "",
        "Generated by `registry metadata` from `db/dictionary.py` (descriptions),",
        "`registry/releases/queries.py` (saved queries) and `scrapers/sources.toml` (terms); "
        "do not edit by",
        "hand. The same text is in Datasette (`metadata.json`). Times are UTC, ISO 8601.",
        "",
        "## Licence and attribution",
        "",
        f"Our compilation: CC BY 4.0 ({LICENSE_URL}). Each regulator's terms apply to its "
        "records; cite the regulator's register as the source:",
        "",
        "| regulator | jurisdiction | register | terms |",
        "|---|---|---|---|",
    ]
    for r in regulators:
        if r["coverage"] == "supported":
            lines.append(
                f"| {_cell(r['name'])} (`{r['id']}`) | {r['jurisdiction']} | "
                f"{r['register_url']} | {_cell(r['terms_note'])} |"
            )
    lines += ["", "## Tables", ""]
    for name, table in TABLES.items():
        if table.hidden:
            continue
        lines += [f"### `{name}`", "", table.description, ""]
        lines += ["| column | type | description |", "|---|---|---|"]
        for column, kind in types[name].items():
            lines.append(f"| `{column}` | {kind} | {_cell(table.columns[column])} |")
        lines.append("")
    lines += [
        "### Internal tables",
        "",
        "Hidden in Datasette; SQLite's and the full-text index's own bookkeeping.",
        "",
        "| table | description |",
        "|---|---|",
    ]
    lines += [f"| `{n}` | {_cell(t.description)} |" for n, t in TABLES.items() if t.hidden]
    lines += ["", "## Saved queries", ""]
    for name, q in QUERIES.items():
        lines += [f"### `{name}`: {q.title}", "", q.description, ""]
        if q.params:
            lines += [f"- `:{param}`: {what}" for param, what in q.params.items()] + [""]
        lines += ["```sql", q.sql.strip(), "```", ""]
    return "\n".join(lines)


def _coverage(source: Source) -> str:
    if source.coverage != "supported":
        return f"not yet supported: {source.coverage_note}"
    return "supported" if source.enabled else "supported (off)"


def regulators_doc(sources: Iterable[Source], kept: str = "") -> str:
    """docs/regulators.md: a table of every declared source, then `kept`, the hand-written
    sections that follow the HAND_WRITTEN line in the committed file."""
    lines = [
        "# Regulators",
        "",
        "Every regulator declared in `scrapers/sources.toml`. The table is generated from that",
        "file by `registry metadata`: do not edit it by hand (the sections after it are",
        "hand-written). Each regulator's terms apply to its records; the note is shown with every",
        "record in the API and in Datasette's `regulators` table.",
        "",
        "The profession is who the register lists; the mechanism is how a person comes to",
        "needle (scope_of_practice: the whole profession may, by law; any other: a per-person",
        "authorization); needling is what the register shows: tracked (published),",
        "kept_unpublished (the board keeps a per-licensee record but does not publish it),",
        "not_tracked (nobody keeps one) or unknown.",
        "",
        "| source | jurisdiction | regulator | profession | platform | needling | mechanism "
        "| coverage | terms note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in sources:
        cells = [
            f"`{s.key}`",
            s.jurisdiction,
            s.regulator,
            s.profession,
            s.platform,
            s.needling,
            s.mechanism or "",
            _coverage(s),
            s.terms_note,
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", HAND_WRITTEN, ""]
    return "\n".join(lines) + kept


def kept_sections(path: Path) -> str:
    """The hand-written part of a generated-then-edited file: what follows its HAND_WRITTEN line."""
    if not path.exists():
        return ""
    _, marker, rest = path.read_text(encoding="utf-8").partition(HAND_WRITTEN + "\n")
    return rest if marker else ""


def generated(sources: Iterable[Source]) -> dict[Path, str]:
    """The committed generated files and their current content."""
    sources = list(sources)
    regulators = regulator_rows(sources)
    return {
        METADATA_PATH: render_json(build(regulators)),
        DICTIONARY_PATH: data_dictionary(regulators),
        REGULATORS_PATH: regulators_doc(sources, kept_sections(REGULATORS_PATH)),
    }
