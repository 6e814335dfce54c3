"""Source declarations: the built-in regulators, merged with an operator's TOML config.

A source is plain data (regulator, platform, URLs, wording, politeness); the platform's adapter does
the work. Pointing the importer at another tenant of a known platform is a config entry, not code.
"""

from __future__ import annotations

import importlib
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType

from scrapers.http import MAX_RESPONSE_BYTES, MAX_RUN_SECONDS, RESPONSE_SECONDS
from scrapers.kinds import DEFAULT_PROFESSION, KINDS, MECHANISMS, NEEDLING_TRACKING, PROFESSIONS

BUILTIN = Path(__file__).with_name("sources.toml")
COVERAGE = ("supported", "not_yet_supported")
CONFIG_ENV = "REGISTRY_CONFIG"

# Platform name -> adapter module. A module provides DEFAULT_OPTIONS and ADAPTER (the contract of
# scrapers/adapter.py); tests/test_adapter_contract.py checks every one.
PLATFORMS = {
    "alinity": "scrapers.alinity",
    "nsphysio": "scrapers.nsphysio",  # Nova Scotia's single static table (a Joomla page)
    "cpo": "scrapers.cpo",  # College of Physiotherapists of Ontario: CSV export + profile pages
    "oppq": "scrapers.oppq",  # Ordre professionnel de la physiothérapie du Québec: WordPress
    "wa_doh": "scrapers.wa_doh",  # Washington State DOH credential data (data.wa.gov, Socrata)
    "socrata": "scrapers.socrata",  # any Socrata licence dataset, one row a licence (WA, IL, CO)
    "imis": "scrapers.imis",  # iMIS (ASI) public registries: WebForms postbacks, a Telerik grid
    "boxfiles": "scrapers.boxfiles",  # bulk licensee files in a public Box shared folder (NJ, CA)
    "drupal_cpsbc": "scrapers.drupal_cpsbc",  # BC physicians' directory: a Drupal AJAX form
}

DEFAULT_USER_AGENT = "NeedlingRegistry/0.1 (+{contact_url})"
DEFAULT_CONTACT_URL = "https://github.com/needling-registry/needling-registry"


class ConfigError(ValueError):
    """A source declaration or config file that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Source:
    key: str
    jurisdiction: str
    regulator: str
    short_name: str
    platform: str
    register_url: str
    terms_note: str
    needling: str
    base_url: str | None = None
    mechanism: str | None = None
    wording: dict[str, str] = field(default_factory=dict)
    # Who the register lists (scrapers/kinds.py PROFESSIONS).
    profession: str = DEFAULT_PROFESSION
    # For mechanism "scope_of_practice": the law's words for what every registrant of the
    # profession may do -> kind. Every registrant read gets these as authorizations
    # (scrapers/adapter.py), told apart by their mechanism from a per-person authorization.
    scope: dict[str, str] = field(default_factory=dict)
    spacing_seconds: float = 3.0
    backoff_seconds: float = 60.0  # first wait after a 403/429/5xx without Retry-After
    max_retries: int = 4
    timeout_seconds: float = 30.0
    # Bounds on what the register may send (scrapers/http.py): bytes of one response (as sent
    # and decompressed), seconds for one whole response, hours for a whole run.
    max_response_bytes: int = MAX_RESPONSE_BYTES
    response_seconds: float = RESPONSE_SECONDS
    max_run_hours: float = MAX_RUN_SECONDS / 3600
    interval_hours: float = 168.0  # how often `registry schedule` runs it (weekly)
    # A verification answers "data stale" when the last successful import is older than this;
    # unset, it is twice interval_hours (one missed run is tolerated, two are not).
    stale_after_hours: float | None = None
    enabled: bool = True
    coverage: str = "supported"
    coverage_note: str = ""
    # What a refused shrunken run should also say: what this register was seen to do.
    shrink_note: str = ""
    sample: bool = False
    # Registrants on the live register as last recorded (live-evidence.md): what the time a
    # first crawl takes at the live pace is estimated on, before any run has been made.
    live_size: int | None = None
    options: dict = field(default_factory=dict)

    def adapter(self) -> ModuleType:
        return importlib.import_module(PLATFORMS[self.platform])


@dataclass(frozen=True)
class Settings:
    """Everything the importer reads from configuration."""

    sources: dict[str, Source]
    contact_url: str = DEFAULT_CONTACT_URL
    user_agent: str = ""
    max_shrink: float = 0.2
    jitter_share: float = 0.1  # scheduled runs start up to this share of their interval late
    archive_keep_days: float = 365.0  # how long raw responses are kept

    def __post_init__(self):
        if not self.user_agent:
            ua = DEFAULT_USER_AGENT.format(contact_url=self.contact_url)
            object.__setattr__(self, "user_agent", ua)

    def with_source(self, source: Source) -> Settings:
        return replace(self, sources={**self.sources, source.key: source})


_REQUIRED = (
    "jurisdiction",
    "regulator",
    "short_name",
    "platform",
    "register_url",
    "terms_note",
    "needling",
)
_FIELDS = set(Source.__dataclass_fields__) - {"key"}


def _source(key: str, data: dict, origin: str) -> Source:
    where = f"{origin}: [sources.{key}]"
    unknown = set(data) - _FIELDS
    if unknown:
        raise ConfigError(
            f"{where} has unknown key(s) {', '.join(sorted(unknown))}; "
            f"known keys: {', '.join(sorted(_FIELDS))}"
        )
    missing = [k for k in _REQUIRED if not data.get(k)]
    if missing:
        raise ConfigError(f"{where} is missing {', '.join(missing)}")
    coverage = data.get("coverage", "supported")
    if coverage not in COVERAGE:
        raise ConfigError(f"{where}: coverage must be one of {', '.join(COVERAGE)}")
    if data.get("profession", DEFAULT_PROFESSION) not in PROFESSIONS:
        raise ConfigError(f"{where}: profession must be one of {', '.join(PROFESSIONS)}")
    if data["needling"] not in NEEDLING_TRACKING:
        raise ConfigError(f"{where}: needling must be one of {', '.join(NEEDLING_TRACKING)}")
    if data.get("mechanism") and data["mechanism"] not in MECHANISMS:
        raise ConfigError(f"{where}: mechanism must be one of {', '.join(MECHANISMS)}")
    if coverage == "not_yet_supported":
        # Listed so that users learn what we do not cover and why; never imported.
        if not data.get("coverage_note"):
            raise ConfigError(f"{where}: a source not yet supported needs a coverage_note (why)")
        return Source(key=key, **{**data, "enabled": False})
    if data["platform"] not in PLATFORMS:
        raise ConfigError(
            f"{where} names platform {data['platform']!r}; known platforms: {', '.join(PLATFORMS)}"
        )
    by_scope = data.get("mechanism") == "scope_of_practice"
    if by_scope != bool(data.get("scope")):
        raise ConfigError(
            f'{where}: mechanism "scope_of_practice" and a [scope] table (the law\'s words -> '
            "kind) go together: the one needs the other"
        )
    for wording, kind in {**data.get("wording", {}), **data.get("scope", {})}.items():
        if kind not in KINDS:
            raise ConfigError(
                f"{where}: wording {wording!r} maps to unknown kind {kind!r}; "
                f"kinds: {', '.join(KINDS)}"
            )
    for name in (
        "spacing_seconds",
        "backoff_seconds",
        "timeout_seconds",
        "max_retries",
        "interval_hours",
        "stale_after_hours",
        "max_response_bytes",
        "response_seconds",
        "max_run_hours",
    ):
        value = data.get(name, 0)
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}: {name} must be a number >= 0")
    size = data.get("live_size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        raise ConfigError(f"{where}: live_size must be a whole number of registrants >= 1")
    if not isinstance(data.get("enabled", True), bool):
        raise ConfigError(f"{where}: enabled must be true or false")
    source = Source(key=key, **data)
    defaults = source.adapter().DEFAULT_OPTIONS
    bad = set(source.options) - set(defaults)
    if bad:
        raise ConfigError(
            f"{where}: unknown option(s) {', '.join(sorted(bad))} for platform "
            f"{source.platform}; known: {', '.join(sorted(defaults))}"
        )
    base = source.base_url or ""
    if not base.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: base_url must be an http(s) URL, got {base!r}")
    return replace(
        source,
        options={**defaults, **source.options},
        base_url=base.rstrip("/"),
        spacing_seconds=float(source.spacing_seconds),
        backoff_seconds=float(source.backoff_seconds),
        timeout_seconds=float(source.timeout_seconds),
        max_retries=int(source.max_retries),
        max_response_bytes=int(source.max_response_bytes),
        response_seconds=float(source.response_seconds),
        max_run_hours=float(source.max_run_hours),
        interval_hours=float(source.interval_hours),
        stale_after_hours=float(
            source.stale_after_hours
            if source.stale_after_hours is not None
            else 2 * source.interval_hours
        ),
    )


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}") from None


def load_settings(config: str | os.PathLike | None = None) -> Settings:
    """Built-in sources, overlaid by the operator's config (argument, else $REGISTRY_CONFIG)."""
    raw_sources = {k: dict(v) for k, v in _read_toml(BUILTIN)["sources"].items()}
    operator: dict = {}
    path = config or os.environ.get(CONFIG_ENV)
    origin = str(BUILTIN)
    if path:
        operator = _read_toml(Path(path))
        origin = str(path)
        unknown = set(operator) - {"sources", "http", "importer", "archive"}
        if unknown:
            raise ConfigError(
                f"{path}: unknown section(s) {', '.join(sorted(unknown))}; "
                "known: sources, http, importer, archive"
            )
    for key, override in operator.get("sources", {}).items():
        if not isinstance(override, dict):
            raise ConfigError(f"{origin}: sources.{key} must be a table")
        merged = raw_sources.get(key, {})
        for name, value in override.items():
            if name in ("options", "wording") and isinstance(value, dict):
                merged[name] = {**merged.get(name, {}), **value}
            else:
                merged[name] = value
        raw_sources[key] = merged
    sources = {key: _source(key, data, origin) for key, data in raw_sources.items()}
    http = operator.get("http", {})
    importer = operator.get("importer", {})
    archive = operator.get("archive", {})
    unknown = (
        (set(http) - {"contact_url", "user_agent"})
        | (set(importer) - {"max_shrink", "jitter_share"})
        | (set(archive) - {"keep_days"})
    )
    if unknown:
        raise ConfigError(f"{origin}: unknown setting(s) {', '.join(sorted(unknown))}")
    shares = {
        name: importer.get(name, default)
        for name, default in (("max_shrink", 0.2), ("jitter_share", 0.1))
    }
    for name, share in shares.items():
        if not isinstance(share, int | float) or isinstance(share, bool) or not 0 <= share <= 1:
            raise ConfigError(f"{origin}: importer.{name} must be a share between 0 and 1")
    return Settings(
        sources=sources,
        contact_url=http.get("contact_url", DEFAULT_CONTACT_URL),
        user_agent=http.get("user_agent", ""),
        max_shrink=float(shares["max_shrink"]),
        jitter_share=float(shares["jitter_share"]),
        archive_keep_days=_keep_days(archive.get("keep_days", 365), origin),
    )


def _keep_days(value, origin: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{origin}: archive.keep_days must be a number of days above 0")
    return float(value)
