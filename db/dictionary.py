"""The data dictionary: what every table and column of the schema means, in one place.

Datasette's metadata.json and docs/data-dictionary.md are generated from it
(registry/releases/metadata.py),
and a test fails when a migration adds a table or column that is not described here. Presentation
hints that belong to a table (facets, label column, sort order) live beside its description.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    description: str
    columns: dict[str, str]
    hidden: bool = False  # internal to SQLite or to the full-text index: not for researchers
    optional: bool = False  # present only in some files (a release), not in a migrated database
    label_column: str | None = None
    facets: tuple = ()
    sort: str | None = None
    sort_desc: str | None = None
    sortable_columns: tuple[str, ...] = ()


REGULATOR = "The regulator (a source key, see regulators.id)"
REGISTRATION = "The registration (see registrations.id)"
RUN = "The import run (see import_runs.id)"
UTC = "UTC, ISO 8601 (2026-11-23T10:00:00Z)"

TABLES: dict[str, Table] = {
    "regulators": Table(
        "The regulators we cover or list: their register, platform, how they authorize needling, "
        "their terms of use, and whether the data is a synthetic sample. Each regulator's terms "
        "apply to its records.",
        {
            "id": "Source key, e.g. cpta; other tables refer to it as regulator_id",
            "jurisdiction": "ISO 3166-2 code of the province or state, e.g. CA-AB",
            "name": "The regulator's name",
            "short_name": "The regulator's usual abbreviation, e.g. CPTA",
            "platform": "The register platform we read (docs/platforms: alinity, cpo, oppq, "
            "nsphysio, wa_doh, socrata, ...), or unknown for a register not yet supported",
            "register_url": "The public register the records come from",
            "base_url": "The register's base address, when the platform needs one",
            "terms_note": "The register's terms of use and caveats, in a sentence or two: they "
            "apply to this regulator's records",
            "needling": "Whether the register records needling authorizations: tracked "
            "(published), kept_unpublished (the board keeps a per-licensee record but does not "
            "publish it: ask the practitioner), not_tracked or unknown",
            "mechanism": "How the regulator authorizes needling: "
            "restricted_activity_authorization, roster, attestation, endorsement, "
            "registration or sub_register (each a per-person authorization), or "
            "scope_of_practice (the whole profession may, by the scope the law gives it)",
            "profession": "The profession the register lists: physiotherapist, acupuncturist, "
            "physician, naturopath, occupational_therapist, athletic_trainer or chiropractor",
            "scope": "For mechanism scope_of_practice, JSON object: the law's words for what "
            "every registrant may do -> our normalized kind; empty otherwise",
            "wording": "JSON object: the regulator's exact words for an authorization -> our "
            "normalized kind",
            "coverage": "supported (we import it) or not_yet_supported (listed, with why)",
            "coverage_note": "Why a regulator is not yet supported, or what is not confirmed",
            "sample": "1 when the records are synthetic, served by a local emulator (the demo); "
            "never real people",
            "enabled": "1 when scheduled imports read this register",
        },
        label_column="short_name",
        facets=("needling", "coverage", "platform", "mechanism", "profession"),
        sortable_columns=("id", "jurisdiction", "name", "needling", "coverage"),
    ),
    "import_runs": Table(
        "Every import run of every source: when, its outcome, the requests it made and what it "
        "changed. Only successful runs change the data; a failed or rejected run says why.",
        {
            "id": "Run number, increasing",
            "regulator_id": REGULATOR,
            "started_at": f"When the run started, {UTC}",
            "ended_at": f"When the run ended, {UTC}; empty while it runs",
            "outcome": "running, success, failed (a request or the parser failed) or rejected "
            "(empty or sharply shrunken register): only success changes the data",
            "message": "What happened, in a sentence; for failed and rejected runs, why",
            "requests": "HTTP requests the run made",
            "records_seen": "Registrations the run read",
            "added": "Registrations new to the database",
            "changed": "Registrations whose published content changed",
            "unchanged": "Registrations read again unchanged",
            "removed": "Registrations the register stopped listing in this run",
            "errors": "JSON list of {url, error} for requests that failed",
            "not_modified": "Pages not downloaded again because the server answered "
            "304 Not Modified",
            "on_register": "People on the register after a successful run",
            "authorized": "People on the register who may needle now, after a successful run",
            "listed": "Registrants the register listed in this run",
            "request_floor": "The fewest requests any complete crawl of them could make on this "
            "platform; requests / listed is the run's requests per registrant",
            "registrations_ever": "Registrations of this regulator ever seen, on the register or "
            "not, after a successful run (kept so that coverage need not count them)",
            "refusals": "Requests the register refused (403, 429, 5xx) and the run retried after "
            "a back-off: what the next run is expected to spend waiting at the live pace",
            "unreachable": "Kinds of name the register's search form could not reach in this run "
            "(named, not dropped silently); empty when none",
        },
        facets=("outcome", "regulator_id"),
        sort_desc="id",
        sortable_columns=("id", "regulator_id", "started_at", "outcome", "records_seen"),
    ),
    "last_successful_runs": Table(
        "View: each source's last successful import run (one row per source that has had one), "
        "with how many successful runs it has had. The API, the verdicts, the page notices, the "
        "CLI and the release manifest all read it.",
        {},  # filled below from import_runs, whose columns it has
        label_column="regulator_id",
        sortable_columns=("id", "regulator_id", "ended_at", "on_register", "authorized"),
    ),
    "registrations": Table(
        "Registrations as the register lists them now, each with its profession, keyed on the "
        "register's own stable id, "
        "with the evidence of where and when each was read (response_ids, see responses). "
        "People the register stops listing stay here with removed_at set; earlier states are "
        "in registration_versions.",
        {
            "id": "Our id: regulator key and the register's stable id, e.g. cpta:12345",
            "regulator_id": REGULATOR,
            "registrant_id": "The register's own stable id for the person",
            "registration_number": "Registration or licence number as listed (Ontario's are "
            "masked on its register and kept masked)",
            "name": "Name as the register lists it",
            "family_name": "Family name, when the register gives it apart",
            "given_names": "Given names, when the register gives them apart",
            "sort_key": "Accent- and case-folded 'family given', for alphabetical order",
            "category": "Register category or class in the regulator's words",
            "status": "Standing in the regulator's words",
            "status_class": "Standing normalized: practising, suspended, cancelled, "
            "non_practising or unknown",
            "conditions": "JSON list of conditions or restrictions as listed",
            "profile_url": "The person's page on the register, when it has one",
            "content_hash": "Hash of the published content, to tell a change from a re-read",
            "first_seen": f"When a run first read this registration, {UTC}",
            "last_seen": f"When this state was last written, {UTC} (the API derives the last "
            "read from import_runs)",
            "removed_at": f"When the register stopped listing the person, {UTC}; empty while "
            "listed",
            "last_run_id": "The run that last wrote this row (see import_runs.id)",
            "response_ids": "JSON object: the responses this state was read from, by role "
            '(listing, detail, practice, ...) -> responses.id, e.g. {"listing": 12, '
            '"detail": 13}; the API expands them as the registration\'s evidence',
            "valid_since": f"Since when the current state has been in force, {UTC}",
            "profession": "The person's profession: the register's (regulators.profession) "
            "unless the register lists several and names the person's",
        },
        label_column="name",
        facets=("status_class", "regulator_id", "profession"),
        sort="sort_key",
        sortable_columns=(
            "sort_key",
            "name",
            "registration_number",
            "regulator_id",
            "status",
            "first_seen",
            "removed_at",
        ),
    ),
    "responses": Table(
        "The evidence: each response from a register that a registration's current state was "
        "read from, stored once however many registrations it listed. The SHA-256 is of the "
        "exact bytes received; the run's evidence archive keeps the bytes under that hash.",
        {
            "id": "Response number (registrations.response_ids refers to it)",
            "run_id": RUN,
            "url": "The URL requested",
            "method": "GET or POST",
            "request": "The form sent, URL-encoded, for a POST; empty for a GET",
            "fetched_at": f"When the response was received, {UTC}",
            "sha256": "SHA-256 of the response body as received",
        },
        facets=("run_id",),
        sort_desc="id",
        sortable_columns=("id", "run_id", "fetched_at", "url"),
    ),
    "authorizations": Table(
        "Needling authorizations each registration holds now, in the regulator's exact wording, "
        "with our normalized kind.",
        {
            "id": "Row id",
            "registration_id": REGISTRATION,
            "wording": "The regulator's exact words",
            "kind": "Normalized kind: dry_needling, acupuncture, ims, trigger_point_injection, "
            "or needling (an umbrella authorization covering all of them but injections); see "
            "docs/kinds.md",
            "mechanism": "How it is granted (as regulators.mechanism): a per-person "
            "authorization, or scope_of_practice when every registrant of the profession may",
        },
        facets=("kind",),
        sortable_columns=("registration_id", "kind", "wording"),
    ),
    "practice_locations": Table(
        "Practice locations as the register publishes them, in its order; nothing the register "
        "marks hidden.",
        {
            "id": "Row id",
            "registration_id": REGISTRATION,
            "position": "Order on the register, from 0 (the first is the main location)",
            "organization": "Practice or employer name",
            "address": "Street address as published",
            "city": "City",
            "province": "Province or state code, e.g. AB",
            "postal_code": "Postal or ZIP code",
            "phone": "Practice phone number as published",
            "latitude": "Latitude of the location as the register places it (OPPQ's map), else "
            "empty; a near search uses it instead of the gazetteer's centre of the city",
            "longitude": "Longitude of the location as the register places it, else empty",
            "map_latitude": "Where the map puts the location: the register's latitude, else the "
            "latitude of its city's centre from the gazetteer (GeoNames), filled at import; "
            "empty when neither is known",
            "map_longitude": "Where the map puts the location: the register's longitude, else "
            "its city's centre's",
        },
        facets=("province", "city"),
        sortable_columns=("registration_id", "city", "province", "organization"),
    ),
    "directory": Table(
        "One row per registration, in alphabetical order, with what it may needle now and where "
        "it practises; derived from registrations, authorizations and practice_locations as they "
        "change. Full-text search covers names, cities, practice names, provinces and kinds.",
        {
            "id": "Row id, in alphabetical order of the name (it orders search results)",
            "registration_id": REGISTRATION,
            "regulator_id": REGULATOR,
            "sort_key": "Accent- and case-folded name, the alphabetical order",
            "name": "Name as the register lists it",
            "registration_number": "Registration number as listed",
            "status": "Standing in the regulator's words",
            "on_register": "1 while the register lists the person; 0 once they are no longer on it",
            "authorized": "1 when the person holds a needling authorization and may practise now",
            "kinds": "JSON list of the normalized kinds of needling the person may use now",
            "city": "City of the first practice location",
            "province": "Province code of the first practice location",
            "organization": "Practice name of the first location",
            "cities": "All practice cities, separated by ' ; '",
            "organizations": "All practice names, separated by ' ; '",
            "provinces": "Province codes of the practice locations and of the regulator, for "
            "filtering",
            "kind_tokens": "Kinds as single search tokens (dryneedling, ims, ...), for filtering",
            "profession": "The person's profession (as registrations.profession), for the "
            "search's profession filter",
            "status_class": "The registration's status class (as registrations.status_class), "
            "so that a search keeps people who may be practising from this row alone",
        },
        label_column="name",
        facets=("regulator_id", "city", "kinds"),
        sortable_columns=("name", "city", "status", "regulator_id", "registration_number"),
    ),
    "registration_versions": Table(
        "Earlier states of registrations: each row is a state that was in force from valid_from "
        "until valid_to (exclusive), replaced by the run run_id. With the current row in "
        "registrations, it gives any registration's state on any past date.",
        {
            "id": "Row id",
            "registration_id": REGISTRATION,
            "regulator_id": REGULATOR,
            "valid_from": f"When this state came into force, {UTC}",
            "valid_to": f"When it was replaced (exclusive), {UTC}",
            "run_id": "The run that replaced it (see import_runs.id)",
            "state": "JSON: registration_number, name, category, status, status_class, "
            "conditions, authorizations, locations, on_register",
        },
        facets=("regulator_id",),
        sortable_columns=("registration_id", "valid_from", "valid_to"),
    ),
    "events": Table(
        "What changed between consecutive successful runs, one row per change of one "
        "registration. The first run of a source records no events: everyone in it is the "
        "starting state.",
        {
            "id": "Event number, increasing",
            "run_id": "The run that saw the change (see import_runs.id)",
            "regulator_id": REGULATOR,
            "registration_id": REGISTRATION,
            "at": f"When the run saw the change, {UTC}",
            "kind": "appeared, left, returned, status_changed, authorization_granted, "
            "authorization_removed, conditions_changed, location_changed or details_changed",
            "detail": "JSON: what changed, before and after",
        },
        facets=("kind", "regulator_id"),
        sort_desc="id",
        sortable_columns=("id", "at", "kind", "regulator_id"),
    ),
    "place_authorizations": Table(
        "Summary kept by the importer: people on the register holding each kind of needling "
        "authorization, per regulator, province and city of their practice locations (someone "
        "with two locations counts in both; where a register publishes no location, the "
        "province is the regulator's and the city is empty). Each successful run that changes "
        "a regulator's data recomputes that regulator's rows in the transaction that applies "
        "it, so the summary always agrees with the registrations; the saved query "
        "authorizations_by_place adds the regulators up.",
        {
            "regulator_id": REGULATOR,
            "province": "Province or state code, e.g. AB",
            "city": "City as published; empty when the register publishes no location",
            "kind": "Normalized kind (as authorizations.kind)",
            "registrations": "People on the register holding that kind there",
            "practising": "Of them, those whose standing is practising",
        },
        facets=("regulator_id", "province", "kind"),
        sortable_columns=("province", "city", "kind", "registrations", "practising"),
    ),
    "_sqlite_migrations": Table(
        "Schema migrations applied to this file (sqlite-utils).",
        {
            "id": "Row id",
            "migration_set": "The set of migrations (needling_registry)",
            "name": "Migration name, e.g. m002_history",
            "applied_at": "When it was applied",
        },
        hidden=True,
    ),
    "directory_filter": Table(
        "What a search filters the directory's rows on, in a narrow table of its own (a count "
        "reads up to a thousand rows); kept in step with directory by triggers.",
        {
            "id": "directory.id",
            "in_practice": "1 while the person may be practising: on the register, and not "
            "suspended, cancelled or not practising",
            "profession": "directory.profession",
        },
        hidden=True,
    ),
    "directory_fts": Table(
        "Full-text index of the directory (SQLite FTS5, accent-folding, prefix indexes); search it "
        "through directory's search box or a MATCH query.",
        {
            "name": "Indexed directory.name",
            "cities": "Indexed directory.cities",
            "organizations": "Indexed directory.organizations",
            "provinces": "Indexed directory.provinces",
            "kind_tokens": "Indexed directory.kind_tokens",
        },
        hidden=True,
    ),
    "sqlite_stat1": Table(
        "Statistics for SQLite's query planner (ANALYZE), written into releases.",
        {
            "tbl": "Table",
            "idx": "Index",
            "stat": "Row count and rows per distinct key",
        },
        hidden=True,
        optional=True,
    ),
}

TABLES["last_successful_runs"].columns.update(
    TABLES["import_runs"].columns,
    id="The run (see import_runs.id)",
    successful_runs="How many successful runs the source has had",
    first_started_at=f"When the source's first successful run started, {UTC}",
)

# FTS5 keeps its index in shadow tables of fixed shape; they are SQLite's, not data.
FTS5_SHADOW = {
    "data": {"id": "Internal to FTS5: block id", "block": "Internal to FTS5: index block"},
    "idx": {
        "segid": "Internal to FTS5: segment id",
        "term": "Internal to FTS5: term prefix",
        "pgno": "Internal to FTS5: page number",
    },
    "config": {"k": "Internal to FTS5: setting", "v": "Internal to FTS5: value"},
}
for _suffix, _columns in FTS5_SHADOW.items():
    TABLES[f"directory_fts_{_suffix}"] = Table(
        f"Internal to the full-text index directory_fts (FTS5 {_suffix} shadow table).",
        _columns,
        hidden=True,
    )


def public_tables() -> dict[str, Table]:
    """The tables a researcher reads, in the dictionary's order."""
    return {name: table for name, table in TABLES.items() if not table.hidden}
