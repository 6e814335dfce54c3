"""The OPPQ's WordPress directory ("Trouver un professionnel") on 127.0.0.1.

Serves the shapes of docs/platforms/oppq.md in English and French: paged results with a
WordPress pager, one `<address data-latitude data-longitude>` map marker per workplace, and
profile pages (`h1.page-header__title` "Name, title", three `ul.professional__list`: languages,
approaches, reasons for consulting). A member with two workplaces is listed twice, once per marker.

Layouts (`layout=`): "data-content" (default, the live one as read from the site's code): the
marker's info window is HTML in its `data-content` attribute, the profile link inside it;
"children": the older guess, the info window as the marker's child elements and an
`a.link-button` beside it. `blocked=True` answers everything with Cloudflare's 404 ("Page non
trouvée"), as the live site answers datacenter addresses. Tests script faults on top
(`fail_next`, `reset_next`).

Everyone is synthetic: Quebec-style names (accents, apostrophes, hyphens, particles), invented
clinics, real city names with their postal-code prefixes, phones in the 555-01xx range. The page
builders are pure functions, so parser tests can keep their bytes without a server. Run one by
hand with `python -m emulators.oppq --port 8766 --count 400`.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

from emulators.jurisdictions import QUEBEC, QUEBEC_NAMES
from emulators.population import City, draw_names, phone, postal_code
from emulators.server import Emulator, Handler, Reply, RequestLog, serve_until_interrupted

LIVE_BASE = "https://oppq.qc.ca"

# Per language: list path, profile path prefix, and the words the pages print.
LANGUAGES = {
    "fr": {
        "list": "/fr/trouver-un-professionnel/resultats/",
        "profile": "/fr/trouver-un-professionnel/",
        "html_lang": "fr-CA",
        "see": "Voir le profil",
        "next": "Suivant",
        "previous": "Précédent",
        "headings": ("Langues parlées", "Approches", "Raisons de consultation"),
        "site": "Ordre professionnel de la physiothérapie du Québec",
    },
    "en": {
        "list": "/en/find-a-professional/results/",
        "profile": "/en/find-a-professional/",
        "html_lang": "en-CA",
        "see": "See profile",
        "next": "Next",
        "previous": "Previous",
        "headings": ("Languages spoken", "Approaches", "Reasons for consulting"),
        "site": "Ordre professionnel de la physiothérapie du Québec",
    },
}

# (French, English) as the pages print them.
PHYSIOTHERAPIST = ("Physiothérapeute", "Physiotherapist")
TECHNOLOGIST = ("Technologue en physiothérapie", "Physiotherapy technologist")
# The Order's attestations end "(attestation délivrée par l'OPPQ)" [page, third party]; the exact
# needling label and the English labels are guesses.
PPAS = (
    "Utilisation des aiguilles sous le derme (attestation délivrée par l'OPPQ)",
    "Use of needles under the dermis (attestation issued by the OPPQ)",
)
MANIPULATIONS = (
    "Manipulations vertébrales et articulaires (attestation délivrée par l'OPPQ)",
    "Spinal and joint manipulations (attestation issued by the OPPQ)",
)
ACUPUNCTURE = ("Acupuncture", "Acupuncture")  # an approach, not the Order's needling attestation
LAYOUTS = ("data-content", "children")

_APPROACHES = (
    ("Thérapie manuelle", "Manual therapy"),
    ("Exercices thérapeutiques", "Therapeutic exercise"),
    ("Rééducation périnéale et pelvienne", "Perineal and pelvic rehabilitation"),
    ("Rééducation vestibulaire", "Vestibular rehabilitation"),
    ("Électrothérapie", "Electrotherapy"),
    ("Éducation à la neuroscience de la douleur", "Pain neuroscience education"),
    MANIPULATIONS,
    ("Drainage lymphatique", "Lymphatic drainage"),
    ("Approche McKenzie (MDT)", "McKenzie approach (MDT)"),
    ("Taping", "Taping"),
    ("Hydrothérapie", "Hydrotherapy"),
)
_REASONS = (
    ("Maux de dos", "Back pain"),
    ("Douleur au cou", "Neck pain"),
    ("Blessures sportives", "Sports injuries"),
    ("Commotion cérébrale", "Concussion"),
    ("Incontinence urinaire", "Urinary incontinence"),
    ("Vertiges et étourdissements", "Vertigo and dizziness"),
    ("Réadaptation après une chirurgie", "Rehabilitation after surgery"),
    ("Tendinite", "Tendinitis"),
    ("Arthrose", "Osteoarthritis"),
    ("Entorse", "Sprain"),
)
FRENCH = ("Français", "French")
ENGLISH = ("Anglais", "English")
_OTHER_LANGUAGES = (
    ("Espagnol", "Spanish"),
    ("Arabe", "Arabic"),
    ("Créole haïtien", "Haitian Creole"),
    ("Italien", "Italian"),
    ("Vietnamien", "Vietnamese"),
    ("Mandarin", "Mandarin"),
    ("Portugais", "Portuguese"),
    ("Grec", "Greek"),
)


@dataclass(frozen=True)
class Workplace:
    """A published workplace: one map marker and one list item."""

    organization: str | None
    street: str  # "1234, rue Saint-Denis, bureau 200"
    city: str
    postal_code: str
    phone: str | None
    latitude: float
    longitude: float


@dataclass
class Professional:
    """One synthetic member of the OPPQ, with everything the directory shows."""

    slug: str
    given_names: str
    family_name: str
    title: tuple[str, str]  # (fr, en)
    languages: list[tuple[str, str]]
    approaches: list[tuple[str, str]]
    reasons: list[tuple[str, str]]
    workplaces: list[Workplace] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def attestations(self, language: str = "fr") -> list[str]:
        """The needling attestation as printed in `language`, if held."""
        i = _index(language)
        return [a[i] for a in self.approaches if a == PPAS]


def _index(language: str) -> int:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    return 0 if language == "fr" else 1


# ---------------------------------------------------------------------------------------------
# Population


_CITIES = QUEBEC.cities
CITIES = tuple(c.name for c in _CITIES)
POSTAL_PREFIXES = QUEBEC.postal_prefixes


def slugify(text: str) -> str:
    """WordPress's sanitize_title: accents dropped, apostrophes removed, words hyphenated."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _workplace(rng: random.Random, city: City) -> Workplace:
    street = rng.choice(city.streets).format(n=rng.randint(10, 9999))
    if rng.random() < 0.35:
        street += f", bureau {rng.choice([100, 101, 200, 204, 310, 402, 1500])}"
    lat, lon = city.centre or (0.0, 0.0)
    return Workplace(
        organization=rng.choice(city.clinics) if rng.random() < 0.88 else None,
        street=street,
        city=city.name,
        postal_code=postal_code(rng, rng.choice(city.fsas)),
        phone=phone(rng, city, " ") if rng.random() < 0.85 else None,
        latitude=round(lat + rng.uniform(-0.05, 0.05), 6),
        longitude=round(lon + rng.uniform(-0.05, 0.05), 6),
    )


def _cities_for(count: int, rng: random.Random) -> list[City]:
    """Cities by quota of their weights (Montréal takes the rounding), in a shuffled order."""
    total = sum(c.weight for c in _CITIES)
    out: list[City] = []
    for c in _CITIES[1:]:
        out += [c] * round(c.weight * count / total)
    out = out[:count]
    out += [_CITIES[0]] * (count - len(out))
    rng.shuffle(out)
    return out


def quebec_physiotherapists(count: int = 400, seed: int = 2026) -> list[Professional]:
    """`count` synthetic OPPQ members, deterministic for `seed`, sorted as the directory lists.

    About 72% physiotherapists and 28% technologists; about 16% of physiotherapists list the
    PPAS approach and 4% acupuncture (technologists never do: the attestation is the
    physiotherapists'); about 12% have two workplaces and 8% publish none.
    """
    rng = random.Random(seed)
    cities = _cities_for(count, rng)
    names = [(given, family) for family, given in draw_names(rng, QUEBEC_NAMES, count)]
    slugs: dict[str, int] = {}
    people = []
    montreal_ppas = 0
    for i, ((given, family), city) in enumerate(zip(names, cities, strict=True)):
        physio = rng.random() < 0.72 or i < len(QUEBEC_NAMES.featured)
        approaches = rng.sample(_APPROACHES, rng.randint(0, 4))
        if physio:
            wants_ppas = rng.random() < 0.16
            if city.name == "Montréal" and montreal_ppas < 6 and count >= 200:
                wants_ppas = True  # several attestations in Montréal, whatever the draw
            if wants_ppas:
                montreal_ppas += city.name == "Montréal"
                approaches.insert(rng.randint(0, len(approaches)), PPAS)
            if rng.random() < 0.04 or given == "Thi Lan":
                approaches.insert(rng.randint(0, len(approaches)), ACUPUNCTURE)
        else:  # manipulations need the physiotherapists' attestation too
            approaches = [a for a in approaches if a != MANIPULATIONS]
        languages = [FRENCH] + ([ENGLISH] if rng.random() < 0.7 else [])
        if rng.random() < 0.15:
            languages.append(rng.choice(_OTHER_LANGUAGES))
        reasons = rng.sample(_REASONS, rng.randint(0, 5))
        roll = rng.random()
        if roll < 0.08:
            workplaces = []
        else:
            workplaces = [_workplace(rng, city)]
            if roll > 0.88:
                workplaces.append(_workplace(rng, rng.choice(_CITIES)))
        base = slugify(f"{given} {family}")
        slugs[base] = slugs.get(base, 0) + 1
        slug = base if slugs[base] == 1 else f"{base}-{slugs[base]}"
        people.append(
            Professional(
                slug=slug,
                given_names=given,
                family_name=family,
                title=PHYSIOTHERAPIST if physio else TECHNOLOGIST,
                languages=languages,
                approaches=approaches,
                reasons=reasons,
                workplaces=workplaces,
            )
        )
    return sorted(people, key=_sort_key)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def _sort_key(p: Professional) -> tuple[str, str, str]:
    return _fold(p.family_name), _fold(p.given_names), p.slug


# ---------------------------------------------------------------------------------------------
# Shapes (pure functions)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def profile_url(base: str, language: str, slug: str) -> str:
    return f"{base}{LANGUAGES[language]['profile']}{slug}/"


def list_url(base: str, language: str, page: int) -> str:
    path = LANGUAGES[language]["list"]
    return f"{base}{path}" if page == 1 else f"{base}{path}page/{page}/"


def list_items(people: Iterable[Professional]) -> list[tuple[Professional, Workplace | None]]:
    """One item per published workplace (a map marker), one bare item for those with none."""
    out: list[tuple[Professional, Workplace | None]] = []
    for p in people:
        out += [(p, w) for w in p.workplaces] or [(p, None)]
    return out


def _workplace_lines(workplace: Workplace) -> list[str]:
    return [_esc(workplace.street), f"{_esc(workplace.city)} (Québec) {workplace.postal_code}"]


def _coordinates(workplace: Workplace | None) -> str:
    if workplace is None:
        return 'data-latitude="" data-longitude=""'
    return f'data-latitude="{workplace.latitude}" data-longitude="{workplace.longitude}"'


def render_window(person: Professional, workplace: Workplace | None, base: str, language: str):
    """The info window as the live site keeps it in `data-content`: name, title, organization,
    workplace, contact details ("coordonnées"), profile link [code; the contents are guesses]."""
    i = _index(language)
    parts = [
        f'<p class="info-window__name">{_esc(person.name)}</p>',
        f'<p class="info-window__title">{_esc(person.title[i])}</p>',
    ]
    if workplace is not None:
        if workplace.organization:
            parts.append(f'<p class="info-window__organization">{_esc(workplace.organization)}</p>')
        parts.append(
            '<p class="info-window__workplace">' + "<br>".join(_workplace_lines(workplace)) + "</p>"
        )
        if workplace.phone:
            parts.append(f'<p class="info-window__coords">Tél. : {workplace.phone}</p>')
    href = _esc(profile_url(base, language, person.slug))
    see = LANGUAGES[language]["see"]
    parts.append(f'<p class="info-window__profile"><a href="{href}">{see}</a></p>')
    return "".join(parts)


def render_item(
    person: Professional,
    workplace: Workplace | None,
    base: str,
    language: str,
    layout: str = "data-content",
):
    """One map marker in `layout` (see the module docstring)."""
    if layout == "data-content":
        window = _esc(render_window(person, workplace, base, language))
        return (
            f'  <address class="results__marker" {_coordinates(workplace)} '
            f'data-content="{window}"></address>\n'
        )
    if layout != "children":
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
    i = _index(language)
    words = LANGUAGES[language]
    href = _esc(profile_url(base, language, person.slug))
    inside = ""
    if workplace is not None:
        if workplace.organization:
            inside += (
                f'\n      <p class="info-window__organization">{_esc(workplace.organization)}</p>'
            )
        lines = _workplace_lines(workplace)
        if workplace.phone:
            lines.append(workplace.phone)
        inside += '\n      <p class="info-window__workplace">' + "<br>\n".join(lines) + "</p>"
    return f"""  <li class="results__item">
    <address class="results__address info-window" {_coordinates(workplace)}>
      <p class="info-window__name">{_esc(person.name)}</p>
      <p class="info-window__title">{_esc(person.title[i])}</p>{inside}
    </address>
    <a class="link-button" href="{href}">{words["see"]}</a>
  </li>
"""


def _pager(page: int, last: int, base: str, language: str) -> str:
    """WordPress's the_posts_pagination(): current, neighbours, first and last, dots between."""
    words = LANGUAGES[language]
    shown = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
    parts = []
    if page > 1:
        parts.append(
            f'<a class="prev page-numbers" href="{list_url(base, language, page - 1)}">'
            f"{words['previous']}</a>"
        )
    previous = 0
    for n in shown:
        if n - previous > 1:
            parts.append('<span class="page-numbers dots">&hellip;</span>')
        if n == page:
            parts.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
        else:
            parts.append(f'<a class="page-numbers" href="{list_url(base, language, n)}">{n}</a>')
        previous = n
    if page < last:
        parts.append(
            f'<a class="next page-numbers" href="{list_url(base, language, page + 1)}">'
            f"{words['next']}</a>"
        )
    links = "\n    ".join(parts)
    return f"""<nav class="navigation pagination" aria-label="Pagination">
  <div class="nav-links">
    {links}
  </div>
</nav>
"""


def _page(title: str, body: str, language: str, base: str) -> bytes:
    words = LANGUAGES[language]
    return f"""<!DOCTYPE html>
<html lang="{words["html_lang"]}">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)} - {words["site"]}</title>
<link rel="https://api.w.org/" href="{base}/wp-json/">
<script id="oppq-search-js-extra">
var oppqSearch = {{"ajaxurl":"{base}\\/wp-admin\\/admin-ajax.php","nonce":"3f9a1c07e2"}};
</script>
</head>
<body class="wp-singular">
<header class="site-header"><a class="site-header__logo" href="{base}/{language}/">OPPQ</a></header>
<main id="main" class="site-main">
<p class="notice">Emulated register: every person listed here is synthetic.</p>
{body}</main>
<footer class="site-footer"><address>7101, rue Jean-Talon Est, Anjou (Québec)</address>
&copy; {words["site"]}</footer>
</body>
</html>
""".encode()


def render_list_page(
    items: list[tuple[Professional, Workplace | None]],
    page: int,
    last: int,
    base: str = LIVE_BASE,
    language: str = "fr",
    *,
    pager: bool = True,
    layout: str = "data-content",
) -> bytes:
    """One page of results; `pager=False` drops the pager (a layout change)."""
    heading = "Trouver un professionnel" if language == "fr" else "Find a professional"
    markers = "".join(render_item(p, w, base, language, layout) for p, w in items)
    if layout == "data-content":
        markers = f'<div class="results__map" data-map="results">\n{markers}</div>\n'
    else:
        markers = f'<ul class="results__list">\n{markers}</ul>\n'
    body = (
        f'<header class="page-header"><h1 class="page-header__title">{heading}</h1></header>\n'
        f'<section class="results">\n{markers}</section>\n'
        + (_pager(page, last, base, language) if pager else "")
    )
    return _page(heading, body, language, base)


def render_profile(person: Professional, base: str = LIVE_BASE, language: str = "fr") -> bytes:
    i = _index(language)
    words = LANGUAGES[language]
    sections = ""
    for heading, items in zip(
        words["headings"], (person.languages, person.approaches, person.reasons), strict=True
    ):
        lis = "".join(f"<li>{_esc(item[i])}</li>" for item in items)
        sections += (
            f'  <div class="professional__section">\n'
            f'    <h2 class="professional__heading">{heading}</h2>\n'
            f'    <ul class="professional__list">{lis}</ul>\n  </div>\n'
        )
    title = f"{person.name}, {person.title[i]}"
    body = (
        f'<header class="page-header"><h1 class="page-header__title">{_esc(title)}</h1>'
        "</header>\n"
        f'<article class="professional">\n{sections}</article>\n'
    )
    return _page(person.name, body, language, base)


def _error_page(status: int, title: str, language: str = "fr") -> Reply:
    body = _page(title, f"<h1>{title}</h1>\n", language, "")
    return Reply(status, body)


# ---------------------------------------------------------------------------------------------
# The server

_LIST = re.compile(r"/(fr|en)/(trouver-un-professionnel/resultats|find-a-professional/results)")
_PROFILE = re.compile(r"/(fr|en)/(?:trouver-un-professionnel|find-a-professional)/([a-z0-9-]+)")
_PAGE = re.compile(r"/page/(\d+)")

DEFAULT_ROBOTS = "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"


class _WordPressHandler(Handler):
    server_version = "cloudflare"


class OppqEmulator(Emulator):
    """The OPPQ directory on 127.0.0.1 serving `people`; see the module docstring."""

    handler = _WordPressHandler
    name = "oppq-emulator"
    error_content_type = "text/html; charset=UTF-8"

    def __init__(
        self,
        people: list[Professional],
        *,
        page_size: int = 12,
        robots_txt: str | None = DEFAULT_ROBOTS,
        pager: bool = True,
        layout: str = "data-content",
        blocked: bool = False,
        port: int = 0,
    ) -> None:
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
        self.page_size = page_size
        self.robots_txt = robots_txt
        self.pager = pager
        self.layout = layout
        self.blocked = blocked
        super().__init__(port)
        self._people: list[Professional] = []
        self._by_slug: dict[str, Professional] = {}
        self.set_people(people)

    # -- control ------------------------------------------------------------------------------

    @property
    def people(self) -> list[Professional]:
        with self._lock:
            return list(self._people)

    def set_people(self, people: Iterable[Professional]) -> None:
        people = sorted(people, key=_sort_key)
        with self._lock:
            self._people = people
            self._by_slug = {p.slug: p for p in people}

    def last_page(self) -> int:
        with self._lock:
            items = len(list_items(self._people))
        return max(1, -(-items // self.page_size))

    # -- answering ----------------------------------------------------------------------------

    def _server_error(self) -> Reply:
        return _error_page(500, "Erreur interne")

    def _route(self, request: RequestLog) -> Reply:
        path = unquote(request.path)
        if self.blocked:  # Cloudflare turning a datacenter address away, whatever was asked
            return _error_page(404, "Page non trouvée")
        if request.method == "POST" and path == "/wp-admin/admin-ajax.php":
            return Reply(403, b"-1")  # the AJAX search wants a nonce and a browser: not used
        if request.method not in ("GET", "HEAD"):
            return _error_page(405, "Méthode non permise")
        if path == "/robots.txt" and self.robots_txt is not None:
            return Reply(200, self.robots_txt.encode(), "text/plain; charset=utf-8")
        if m := _LIST.match(path):
            rest = path[m.end() :]
            if rest in ("", "/"):
                return self._list(m.group(1), 1)
            if (p := _PAGE.fullmatch(rest.rstrip("/"))) and int(p.group(1)) >= 1:
                return self._list(m.group(1), int(p.group(1)))
        elif (m := _PROFILE.fullmatch(path.rstrip("/"))) and path.endswith("/"):
            with self._lock:
                person = self._by_slug.get(m.group(2))
            if person is not None:
                return Reply(200, render_profile(person, self.base_url, m.group(1)))
        return _error_page(404, "Page introuvable")

    def _list(self, language: str, page: int) -> Reply:
        with self._lock:
            items = list_items(self._people)
        last = max(1, -(-len(items) // self.page_size))
        if page > last:
            return _error_page(404, "Page introuvable", language)
        chunk = items[(page - 1) * self.page_size : page * self.page_size]
        body = render_list_page(
            chunk, page, last, self.base_url, language, pager=self.pager, layout=self.layout
        )
        return Reply(200, body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m emulators.oppq",
        description="Serve a synthetic OPPQ directory on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=8766, help="port (0 for any free one)")
    parser.add_argument("--count", type=int, default=400, help="number of synthetic people")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the population")
    parser.add_argument("--page-size", type=int, default=12, help="list items per page")
    args = parser.parse_args(argv)
    emulator = OppqEmulator(
        quebec_physiotherapists(args.count, args.seed), page_size=args.page_size, port=args.port
    )
    serve_until_interrupted(emulator)


if __name__ == "__main__":
    main()
