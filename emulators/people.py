"""Synthetic Alberta physiotherapists, the only people the emulators ever list.

Nobody here is real: names are drawn from common Canadian surnames and given names, addresses are
invented, and phone numbers sit in the 555-01xx range reserved for fiction. The population is shaped
to exercise an adapter the way a live register would: accents, apostrophes, hyphens and spaces in
names; surname prefixes crowded past the 25-row search cap at several levels ("M", "Ma", "Mac",
and more than 25 people called exactly "Nguyen", whom only first-name prefixes separate); hidden
conditions, hidden practice details, unpublished addresses; and the regulator's own wording
for authorizations. Everything is a pure function of `count` and `seed`.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

NEEDLES = "Using needles in practice"
SPINAL_MANIPULATION = "Performing spinal manipulation"

GENERAL = "General Register"
PROVISIONAL = "Provisional Register"
COURTESY = "Courtesy Register"

PRACTISING = "Practising"
SUSPENDED = "Suspended"
NON_PRACTISING = "Non-Practising"
CANCELLED = "Cancelled"

PROVINCE = "Alberta"


@dataclass
class Location:
    """A practice location as the register holds it; the first one of a person is shown in `oa`."""

    organization: str | None
    street_lines: list[str]
    city: str
    province: str
    postal_code: str
    phone: str | None
    fax: str | None = None  # served as a `<b>Fax:</b>` line, which adapters must not store


@dataclass
class Person:
    """One synthetic registrant with everything the register knows, shown or not."""

    rg: str
    registration_number: str
    family_name: str
    given_names: str
    category: str
    standing: str
    conditions: list[str]
    conditions_hidden: bool
    practice_details_hidden: bool
    address_published: bool
    authorizations: list[str]
    locations: list[Location] = field(default_factory=list)
    initial_registration: str = ""
    profession: str = "Physiotherapist"  # a multi-profession register lists others too

    @property
    def listed_name(self) -> str:
        """The name as the register lists it: "Family, Given"."""
        return f"{self.family_name}, {self.given_names}"


# ---------------------------------------------------------------------------------------------
# Places


@dataclass(frozen=True)
class _City:
    name: str
    weight: int  # people whose first location is here, in a population of 400
    fsas: tuple[str, ...]  # forward sortation areas: the first three characters of postal codes
    area_codes: tuple[str, ...]
    streets: tuple[str, ...]  # templates: {n} a civic number, {k} a street or avenue number
    clinics: tuple[str, ...]


_SOUTH = ("403", "403", "587", "825")
_NORTH = ("780", "780", "587", "825")
_TOWN_STREETS = ("{n} {k} Street", "{n} {k} Avenue", "{n} Main Street")

_CITIES: tuple[_City, ...] = (
    _City(
        "Calgary",
        140,
        tuple(
            "T2A T2E T2G T2N T2P T2R T2S T2T T2V T2W T2X T2Y T2Z "
            "T3A T3B T3E T3G T3H T3K T3M T3R".split()
        ),
        _SOUTH,
        (
            "{n} 17 Avenue SW",
            "{n} Macleod Trail SE",
            "{n} {k} Street NW",
            "{n} {k} Avenue SW",
            "{n} Crowchild Trail NW",
            "{n} Centre Street N",
            "{n} Kensington Road NW",
            "{n} Edmonton Trail NE",
        ),
        (
            "Bow River Physiotherapy",
            "Chinook Sports Physio",
            "Nose Hill Physiotherapy",
            "Fish Creek Rehab & Wellness",
            "Kensington Physio Clinic",
            "Marda Loop Physiotherapy",
            "Elbow Valley Sport & Spine",
        ),
    ),
    _City(
        "Edmonton",
        122,
        tuple("T5A T5J T5K T5N T5R T5T T6A T6C T6E T6G T6H T6J T6K T6L T6R T6W T6X".split()),
        _NORTH,
        (
            "{n} Jasper Avenue NW",
            "{n} Whyte Avenue NW",
            "{n} {k} Street NW",
            "{n} {k} Avenue NW",
            "{n} Gateway Boulevard NW",
            "{n} Stony Plain Road NW",
        ),
        (
            "River Valley Physiotherapy",
            "Whyte Avenue Physio",
            "Mill Woods Rehabilitation",
            "Clinique Physio Bonnie Doon",
            "Capital Region Sports Physio",
            "Kingsway Physical Therapy",
        ),
    ),
    _City(
        "Red Deer",
        18,
        ("T4N", "T4P", "T4R"),
        _SOUTH,
        ("{n} Gaetz Avenue", "{n} Ross Street", "{n} {k} Street", "{n} {k} Avenue"),
        ("Parkland Sports Physio", "Gaetz Avenue Physiotherapy", "Waskasoo Physio & Wellness"),
    ),
    _City(
        "Lethbridge",
        14,
        ("T1J", "T1K"),
        _SOUTH,
        ("{n} Mayor Magrath Drive S", "{n} {k} Street S", "{n} {k} Avenue N"),
        ("Oldman River Physiotherapy", "Coulee Physio"),
    ),
    _City(
        "Medicine Hat",
        10,
        ("T1A", "T1B"),
        _SOUTH,
        ("{n} Dunmore Road SE", "{n} {k} Street SE", "{n} Trans-Canada Way SE"),
        ("Gas City Physiotherapy", "South Saskatchewan Physio"),
    ),
    _City(
        "Grande Prairie",
        10,
        ("T8V", "T8W"),
        _NORTH,
        ("{n} 100 Street", "{n} {k} Avenue", "{n} Resources Road"),
        ("Peace Country Physiotherapy", "Wapiti Physio"),
    ),
    _City(
        "Fort McMurray",
        8,
        ("T9H", "T9K"),
        _NORTH,
        ("{n} Franklin Avenue", "{n} Thickwood Boulevard", "{n} Main Street"),
        ("Athabasca Physiotherapy", "Clearwater Physio"),
    ),
    _City(
        "Airdrie",
        10,
        ("T4B",),
        _SOUTH,
        ("{n} Main Street S", "{n} Yankee Valley Boulevard", "{n} 8 Street NW"),
        ("Nose Creek Physiotherapy",),
    ),
    _City(
        "St. Albert",
        10,
        ("T8N",),
        _NORTH,
        ("{n} St Albert Trail", "{n} Perron Street", "{n} Boudreau Road"),
        ("Clinique Physio Saint-Albert", "Sturgeon Valley Physio"),
    ),
    _City(
        "Sherwood Park",
        10,
        ("T8A", "T8H"),
        _NORTH,
        ("{n} Baseline Road", "{n} Wye Road", "{n} Sherwood Drive"),
        ("Strathcona Physio & Sport",),
    ),
    _City("Okotoks", 6, ("T1S",), _SOUTH, _TOWN_STREETS, ("Sheep River Physiotherapy",)),
    _City("Cochrane", 6, ("T4C",), _SOUTH, _TOWN_STREETS, ("Big Hill Physio",)),
    _City(
        "Canmore",
        5,
        ("T1W",),
        _SOUTH,
        ("{n} Bow Valley Trail", "{n} Main Street"),
        ("Three Sisters Physiotherapy",),
    ),
    _City("Camrose", 5, ("T4V",), _NORTH, _TOWN_STREETS, ("Battle River Physio",)),
    _City("Brooks", 4, ("T1R",), _SOUTH, _TOWN_STREETS, ("Newell Physiotherapy",)),
    _City("Lacombe", 4, ("T4L",), _SOUTH, _TOWN_STREETS, ("Lacombe Lake Physio",)),
    _City("Sylvan Lake", 4, ("T4S",), _SOUTH, _TOWN_STREETS, ("Lakeshore Physiotherapy",)),
    _City("Lloydminster", 4, ("T9V",), _NORTH, _TOWN_STREETS, ("Border City Physiotherapy",)),
    _City("Leduc", 6, ("T9E",), _NORTH, _TOWN_STREETS, ("Telford Lake Physio",)),
    _City("High River", 4, ("T1V",), _SOUTH, _TOWN_STREETS, ("Highwood Physiotherapy",)),
)

CITIES: tuple[str, ...] = tuple(c.name for c in _CITIES)
POSTAL_PREFIXES: dict[str, tuple[str, ...]] = {c.name: c.fsas for c in _CITIES}

_GENERIC_CLINICS = (
    "Prairie Motion Physiotherapy",
    "Active Life Physio",
    "Kinetic Rehab Centre",
    "Cornerstone Physical Therapy",
    "Summit Sport & Spine",
    "Wild Rose Physiotherapy",
    "Foothills Pelvic Health",
    "Back in Motion Physio",
    "Centre de physiothérapie La Source",
    "Aspen Community Rehabilitation",
    "Northern Lights Physiotherapy",
    "Chinook Arch Physical Therapy",
)

_POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"  # letters Canada Post uses

# ---------------------------------------------------------------------------------------------
# Names

_ENGLISH_FAMILY = (
    "Smith Brown Wilson Taylor Campbell Anderson Thompson Johnson Clarke Walker Young Wright Scott "
    "Stewart Reid Fraser Hughes Bell Kelly Ross Graham Hamilton Ferguson Grant Baker Carter "
    "Collins Cooper Davies Evans Fisher Foster Gibson Harris Hill Howard Hunter Jackson Jones King "
    "Lewis Parker Phillips Price Richards Russell Shaw Simpson Turner Ward Watson White Wood "
    "Bennett Doyle Fitzgerald Kennedy Quinn Sullivan Gallagher Byrne"
).split()
_ENGLISH_GIVEN = (
    "Emily Sarah Jessica Ashley Amanda Megan Lauren Rachel Hannah Olivia Emma Ava Madison Brooke "
    "Kayla Nicole Stephanie Heather Jennifer Kathleen Michael Matthew Ryan Tyler Kyle Brandon "
    "Justin Daniel David James John Andrew Christopher Jordan Taylor Connor Liam Ethan Owen Nathan "
    "Graham Colin Scott Brett Trevor Chloe Laura Alison Ian Sean Fiona Heidi Karen"
).split()
_FRENCH_FAMILY = (
    "Tremblay Gagnon Roy Bouchard Gauthier Lavoie Fortin Gagné Ouellet Pelletier Bélanger Bergeron "
    "Girard Simard Boucher Caron Beaulieu Cloutier Dubé Poirier Fournier Lapointe Leclerc Lefebvre "
    "Thériault Desjardins Paquette Champagne Hébert Gendron Lachance Charbonneau Dufour "
    "Bissonnette Boudreau Arsenault"
).split()
_FRENCH_GIVEN = (
    "Marie Isabelle Sophie Julie Geneviève Mélanie Chantal Josée Émilie Camille Noémie Chloé "
    "Élodie Renée Véronique Louis Mathieu Étienne Olivier Philippe Marc-André Jean-Philippe "
    "Sébastien Stéphane Frédéric Luc Guillaume Benoît Rémi Gabriel Anne-Sophie Marie-Ève Jean-Luc "
    "Hélène François"
).split()
_UKRAINIAN_FAMILY = (
    "Kowalchuk Boychuk Shevchenko Hrynchuk Kostiuk Tkachuk Kravchenko Bondarenko Wasylyshyn "
    "Petrenko Zelenko Hnatiuk Fedoruk Sawchuk Yaremko Lysenko Kuzyk Dmytruk"
).split()
_UKRAINIAN_GIVEN = (
    "Oksana Olena Natalia Iryna Halyna Larissa Kateryna Taras Bohdan Andriy Mykola Yuriy Petro "
    "Roman Stefan Nadia Daria Ivan"
).split()
_FILIPINO_FAMILY = [
    *"Santos Reyes Cruz Bautista Garcia Villanueva Ramos Aquino Navarro Domingo Pascual".split(),
    *"Soriano Castillo Tolentino Gonzales".split(),
    "Dela Cruz",
    "De Guzman",
]
_FILIPINO_GIVEN = [
    *"Maria Kristine Joy Angelica Jasmine Rhea Camille Jerome Paolo Rafael Carlo Joshua".split(),
    *"Patricia Jocelyn Ramon".split(),
    "Mary Grace",
    "Mark Anthony",
    "John Paul",
]
_SOUTH_ASIAN_FAMILY = (
    "Patel Singh Sharma Gill Sandhu Grewal Brar Sidhu Gupta Shah Iyer Nair Reddy Chaudhry Khan "
    "Ahmed Fernandes Bhatia Kapoor Rao Desai Joshi Verma Bains Dhillon Rahman Hussain Qureshi"
).split()
_SOUTH_ASIAN_GIVEN = (
    "Priya Anjali Neha Pooja Simran Harpreet Gurpreet Manpreet Navdeep Jaspreet Ravi Arjun Rohan "
    "Vikram Amit Sanjay Rahul Karan Aisha Fatima Ayesha Imran Zain Sana Divya Kiran Meera Rajesh "
    "Sunil Deepa"
).split()
_EAST_ASIAN_FAMILY = (
    "Wang Chen Zhang Wong Lee Kim Park Tran Le Pham Huang Yamamoto Tanaka Chan Cheung Ho Lau Choi "
    "Zhao Wu Yang Zhou Xu Sun Tang Ng Kwan Leung Yip Tsang Hoang Vo Do Ito Sato Jung Kang Cho"
).split()
_EAST_ASIAN_GIVEN = (
    "Wei Jing Mei Hui Xin Yan Ying Jun Hao Min Ji-woo Seo-yeon Min-jun Hyun Yuki Haruto Kenji Aiko "
    "Thanh Linh Kevin Jennifer Michelle Grace Vivian Eric Jason Alan Winnie Cindy"
).split()
_GERMAN_DUTCH_FAMILY = [
    *"Schmidt Becker Janzen Friesen Penner Wiebe Klassen Dyck Hoffmann Wagner".split(),
    "Bakker",
    "Visser",
    "De Vries",
    "Vander Meer",
]
_GERMAN_DUTCH_GIVEN = "Anna Katrin Lukas Jonas Pieter Johannes Greta Henrik Liesl Tobias".split()

# (weight, family names, given names) for the random part of the population.
_ORIGINS = (
    (32, _ENGLISH_FAMILY, _ENGLISH_GIVEN),
    (16, _FRENCH_FAMILY, _FRENCH_GIVEN),
    (17, _SOUTH_ASIAN_FAMILY, _SOUTH_ASIAN_GIVEN),
    (14, _EAST_ASIAN_FAMILY, _EAST_ASIAN_GIVEN),
    (9, _FILIPINO_FAMILY, _FILIPINO_GIVEN),
    (8, _UKRAINIAN_FAMILY, _UKRAINIAN_GIVEN),
    (4, _GERMAN_DUTCH_FAMILY, _GERMAN_DUTCH_GIVEN),
)

# Names every population of 60 or more contains, for tests that look for a particular shape.
_FEATURED: tuple[tuple[str, str], ...] = (
    ("Côté", "Anne-Marie"),
    ("Cote", "Daniel"),
    ("Bérubé", "Hélène"),
    ("Lévesque", "François"),
    ("Levesque", "Ryan"),
    ("Nguyễn", "Minh Châu"),
    ("Nguyễn", "Bảo Anh"),
    ("Müller", "Zoë"),
    ("Muller", "Karl"),
    ("Fernandes", "José"),
    ("O'Brien", "Siobhan"),
    ("O'Brien", "Patrick J"),
    ("D'Souza", "Priya"),
    ("D'Souza", "Ryan"),
    ("D'Amico", "Lucia"),
    ("O'Connor", "Liam"),
    ("Smith-Jones", "Emma"),
    ("Grant-Hughes", "Oliver"),
    ("Tremblay-Roy", "Isabelle"),
    ("Tremblay", "Jean-François"),
    ("Van der Berg", "Pieter"),
    ("Van der Berg", "Annelies"),
    ("Van Dyk", "Joanna"),
    ("Le Blanc", "Mathieu"),
    ("Leblanc", "Chantal"),
    ("LeBlanc", "Natalie"),
    ("St. Pierre", "Julie"),
    ("Dela Cruz", "Maria Angelica"),
    ("De Guzman", "Paolo"),
    ("Roberts", "Megan"),
    ("Roberts", "Alan"),
    ("Robert", "Sylvie"),
    ("Robert", "Luc"),
    ("Robertson", "Craig"),
    ("Robertson", "Fiona"),
    ("Robinson", "Aisha"),
    ("Robinson", "Mark"),
    ("Robichaud", "Marc"),
    ("Gagné", "Noémie"),
    ("Thériault", "Stéphane"),
    ("Bélanger", "Chloé"),
    ("Hébert", "Renée"),
    ("Kowalchuk", "Oksana"),
    ("Shevchenko", "Taras"),
    ("Singh", "Harpreet"),
    ("Dhaliwal", "Gurpreet"),
    ("Chen", "Wei"),
    ("Santos", "Kristine Joy"),
    # Two different people with one name: only `rg` tells them apart.
    ("Patel", "Priya"),
    ("Patel", "Priya"),
)

_NGUYEN_GIVEN = (
    "Anh An Bao Binh Cuong Duc Dung Hai Hoa Hung Huong Khanh Lan Linh Long Mai Minh Nam Ngoc "
    "Phuong Quang Thao Trang Tuan Vy Kevin Jennifer Michelle David"
).split() + ["Thi Thu", "Thi Lan"]
_LI_GIVEN = "Wei Jing Xiaoming Mei Hao Ying Jun Lei Na Yan Kevin Grace".split()
_SCOTTISH_GIVEN = (
    "Alistair Angus Catriona Duncan Eilidh Fiona Hamish Iona Isla Kirsty Morag Rory Ewan Callum "
    "Shona Douglas Heather Graeme Moira Neil Ailsa Craig Lachlan Mairi Euan Gordon Elspeth"
).split()

_CLUSTERS: tuple[tuple[str, int, list[str] | tuple[str, ...]], ...] = (
    # More than 25 people share the exact surname: only first-name prefixes separate them.
    ("Nguyen", 30, _NGUYEN_GIVEN),
    # "Li" is both a surname and a crowded prefix (Liu, Lin, Lim, ...).
    ("Li", 12, _LI_GIVEN),
    ("Liu", 6, ("Yang", "Fang", "Jie", "Emily", "Bo", "Xiu")),
    ("Lin", 4, ("Hui", "Jason", "Ming", "Tracy")),
    ("Lim", 2, ("Joanne", "Wee Ling")),
    ("Lindsay", 1, ("Carol",)),
    ("Little", 1, ("Sam",)),
    ("Lindqvist", 1, ("Erik",)),
    ("Livingstone", 1, ("Ross",)),
    # "Mac" alone passes the cap, "Mc" adds to "M".
    ("MacDonald", 5, _SCOTTISH_GIVEN),
    ("MacKenzie", 3, _SCOTTISH_GIVEN),
    ("MacLeod", 3, _SCOTTISH_GIVEN),
    ("MacNeil", 2, _SCOTTISH_GIVEN),
    ("MacPherson", 2, _SCOTTISH_GIVEN),
    ("MacLean", 2, _SCOTTISH_GIVEN),
    ("MacKay", 2, _SCOTTISH_GIVEN),
    ("MacIntyre", 1, _SCOTTISH_GIVEN),
    ("MacMillan", 1, _SCOTTISH_GIVEN),
    ("MacDougall", 1, _SCOTTISH_GIVEN),
    ("MacAulay", 1, _SCOTTISH_GIVEN),
    ("MacInnis", 1, _SCOTTISH_GIVEN),
    ("MacGregor", 1, _SCOTTISH_GIVEN),
    ("Mackie", 1, _SCOTTISH_GIVEN),
    ("Macaraeg", 1, _FILIPINO_GIVEN),
    ("McDonald", 3, _SCOTTISH_GIVEN),
    ("McKenzie", 2, _SCOTTISH_GIVEN),
    ("McLeod", 2, _SCOTTISH_GIVEN),
    ("McCarthy", 1, _ENGLISH_GIVEN),
    ("McGill", 1, _SCOTTISH_GIVEN),
    ("McNeil", 1, _SCOTTISH_GIVEN),
    ("McPherson", 1, _SCOTTISH_GIVEN),
    ("McLean", 1, _SCOTTISH_GIVEN),
    ("McKinnon", 1, _SCOTTISH_GIVEN),
    ("McCallum", 1, _SCOTTISH_GIVEN),
    # Other "M" surnames, so "M" and "Ma" pass the cap too.
    ("Martin", 3, _ENGLISH_GIVEN + _FRENCH_GIVEN),
    ("Marchand", 2, _FRENCH_GIVEN),
    ("Marchenko", 1, _UKRAINIAN_GIVEN),
    ("Manalo", 1, _FILIPINO_GIVEN),
    ("Malik", 2, _SOUTH_ASIAN_GIVEN),
    ("Mahmoud", 1, ("Yasmin",)),
    ("Mehta", 2, _SOUTH_ASIAN_GIVEN),
    ("Melnyk", 2, _UKRAINIAN_GIVEN),
    ("Mendoza", 1, _FILIPINO_GIVEN),
    ("Miller", 2, _ENGLISH_GIVEN),
    ("Mitchell", 2, _ENGLISH_GIVEN),
    ("Mishra", 1, _SOUTH_ASIAN_GIVEN),
    ("Morin", 2, _FRENCH_GIVEN),
    ("Moreau", 1, _FRENCH_GIVEN),
    ("Morgan", 1, _ENGLISH_GIVEN),
    ("Morrison", 1, _ENGLISH_GIVEN),
    ("Moore", 1, _ENGLISH_GIVEN),
    ("Murphy", 2, _ENGLISH_GIVEN),
    ("Murray", 1, _ENGLISH_GIVEN),
    # A common surname with several people, besides the clusters above.
    ("Singh", 7, _SOUTH_ASIAN_GIVEN),
    ("Patel", 6, _SOUTH_ASIAN_GIVEN),
)

_CONDITIONS = (
    ["Supervision"],
    ["Restriction: no spinal manipulation"],
    ["Restriction: no use of needles in practice"],
    ["Supervision", "Restriction: no spinal manipulation"],
    ["Practice limited to non-clinical duties"],
)


# ---------------------------------------------------------------------------------------------
# The generator


def alberta_physiotherapists(count: int = 400, seed: int = 2026) -> list[Person]:
    """`count` synthetic registrants of an Alberta-like physiotherapy register, the same every time.

    The crowded prefixes and featured names (about 200 people) are all present from `count` 250
    up; smaller populations take the featured names first and a random share of the rest. The mix
    of categories, standings, authorizations and hidden fields is set by quotas, so it holds for
    any count: about 7% Provisional and 3% Courtesy Register; 4% Suspended, 3% Non-Practising, 1%
    Cancelled; 55% of practising General Register people hold "Using needles in practice" and no
    Provisional one does; 5% have conditions; 8% publish no address; 30% hide practice details.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    names = _names(rng, count)
    n = len(names)

    categories = [GENERAL] * n
    standings = [PRACTISING] * n
    order = list(range(n))
    rng.shuffle(order)
    cut = _Cutter(order)
    for i in cut.take(_quota(n, 0.07)):
        categories[i] = PROVISIONAL
    for i in cut.take(_quota(n, 0.03)):
        categories[i] = COURTESY
    for i in cut.take(_quota(n, 0.04)):
        standings[i] = SUSPENDED
    for i in cut.take(_quota(n, 0.03)):
        standings[i] = NON_PRACTISING
    for i in cut.take(_quota(n, 0.01)):
        standings[i] = CANCELLED

    authorizations: list[list[str]] = [[] for _ in range(n)]
    general_practising = [
        i for i in range(n) if categories[i] == GENERAL and standings[i] == PRACTISING
    ]
    suspended = [i for i in range(n) if standings[i] == SUSPENDED]
    courtesy = [i for i in range(n) if categories[i] == COURTESY]
    holders = (
        rng.sample(general_practising, _quota(len(general_practising), 0.55))
        + rng.sample(suspended, (len(suspended) + 1) // 2)  # still listed while suspended
        + rng.sample(courtesy, _quota(len(courtesy), 0.3))
    )
    for i in holders:
        authorizations[i].append(NEEDLES)
    for i in general_practising + courtesy:
        if rng.random() < (0.35 if authorizations[i] else 0.1):
            authorizations[i].append(SPINAL_MANIPULATION)

    eligible = [i for i in range(n) if standings[i] != CANCELLED]
    with_conditions = rng.sample(eligible, min(len(eligible), _quota(n, 0.05)))
    conditions: list[list[str]] = [[] for _ in range(n)]
    for k, i in enumerate(with_conditions):
        conditions[i] = list(_CONDITIONS[0] if k == 0 else rng.choice(_CONDITIONS))
    conditions_hidden = set(with_conditions[1:4])

    unpublished = {i for i in range(n) if standings[i] == CANCELLED}
    others = [i for i in range(n) if i not in unpublished]
    unpublished.update(rng.sample(others, max(0, _quota(n, 0.08) - len(unpublished))))
    details_hidden = set(unpublished)  # no address published, no practice details either
    others = [i for i in range(n) if i not in details_hidden]
    details_hidden.update(rng.sample(others, max(0, _quota(n, 0.30) - len(details_hidden))))

    numbers = rng.sample(range(10000, 40000), n)
    primary_cities = _spread([c.weight for c in _CITIES], n, rng)

    people = []
    for i, (family, given) in enumerate(names):
        city = _CITIES[primary_cities[i]]
        roll = rng.random()
        extra = 2 if roll < 0.06 else 1 if roll < 0.30 else 0
        locations = [_location(rng, city)]
        for _ in range(extra):
            other = city if rng.random() < 0.6 else _weighted_city(rng)
            locations.append(_location(rng, other))
        number = str(numbers[i])
        if categories[i] == PROVISIONAL:
            number = "T" + number
        people.append(
            Person(
                rg=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                registration_number=number,
                family_name=family,
                given_names=given,
                category=categories[i],
                standing=standings[i],
                conditions=conditions[i],
                conditions_hidden=i in conditions_hidden,
                practice_details_hidden=i in details_hidden,
                address_published=i not in unpublished,
                authorizations=authorizations[i],
                locations=locations,
                initial_registration=_registered_on(rng, categories[i], standings[i]),
            )
        )

    visible = [p for p in people if not p.practice_details_hidden]
    if visible and not any(len(p.locations) == 3 for p in visible):
        person = visible[0]
        while len(person.locations) < 3:
            person.locations.append(_location(rng, _weighted_city(rng)))
    return people


class _Cutter:
    """Hands out consecutive slices of a shuffled index list, so quotas never overlap."""

    def __init__(self, order: list[int]) -> None:
        self._order = order
        self._at = 0

    def take(self, k: int) -> list[int]:
        part = self._order[self._at : self._at + k]
        self._at += len(part)
        return part


def _quota(n: int, share: float) -> int:
    return int(n * share + 0.5)


def _names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """The featured names first, then the clusters and a random fill, shuffled; `count` of them."""
    designed: list[tuple[str, str]] = []
    seen = {(f.casefold(), g.casefold()) for f, g in _FEATURED}
    for family, k, pool in _CLUSTERS:
        choices = [g for g in pool if (family.casefold(), g.casefold()) not in seen]
        for given in rng.sample(choices, k):
            seen.add((family.casefold(), given.casefold()))
            designed.append((family, _with_initial(rng, given)))

    weights = [w for w, _, _ in _ORIGINS]
    while len(_FEATURED) + len(designed) < count:
        _, families, givens = rng.choices(_ORIGINS, weights)[0]
        family = rng.choice(families)
        given = rng.choice(givens if rng.random() < 0.75 else _ENGLISH_GIVEN)
        key = (family.casefold(), given.casefold())
        if key in seen:
            continue
        seen.add(key)
        designed.append((family, _with_initial(rng, given)))

    rng.shuffle(designed)
    return (list(_FEATURED) + designed)[:count]


def _with_initial(rng: random.Random, given: str) -> str:
    if rng.random() < 0.12:
        return f"{given} {rng.choice('ABCDEFGHJKLMNPRSTW')}"
    return given


def _spread(weights: list[int], n: int, rng: random.Random) -> list[int]:
    """Indices into `weights`, `n` of them in proportion (largest remainder), shuffled."""
    total = sum(weights)
    exact = [w * n / total for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda j: exact[j] - counts[j], reverse=True)
    for j in by_remainder[: n - sum(counts)]:
        counts[j] += 1
    out = [j for j, c in enumerate(counts) for _ in range(c)]
    rng.shuffle(out)
    return out


def _weighted_city(rng: random.Random) -> _City:
    return rng.choices(_CITIES, [c.weight for c in _CITIES])[0]


def _location(rng: random.Random, city: _City) -> Location:
    street = rng.choice(city.streets).format(n=rng.randint(100, 9999), k=rng.randint(2, 99))
    lines = [street]
    roll = rng.random()
    if roll < 0.2:
        lines.insert(0, f"Suite {rng.randint(1, 4)}{rng.randint(0, 5)}{rng.randint(0, 9)}")
    elif roll < 0.3:
        lines.insert(0, f"Unit {rng.randint(1, 30)}")
    elif roll < 0.35 and city.weight < 20:
        lines.append(f"PO Box {rng.randint(10, 9999)}")
    organization = None
    if rng.random() < 0.88:
        pool = city.clinics if rng.random() < 0.6 else _GENERIC_CLINICS
        organization = rng.choice(pool)
    postal = (
        f"{rng.choice(city.fsas)} {rng.randint(0, 9)}"
        f"{rng.choice(_POSTAL_LETTERS)}{rng.randint(0, 9)}"
    )
    area = rng.choice(city.area_codes)
    phone = f"{area}-555-01{rng.randint(0, 99):02d}" if rng.random() < 0.9 else None
    fax = f"{area}-555-01{rng.randint(0, 99):02d}" if rng.random() < 0.15 else None
    return Location(organization, lines, city.name, PROVINCE, postal, phone, fax)


def _registered_on(rng: random.Random, category: str, standing: str) -> str:
    if category == PROVISIONAL:
        start, end = date(2025, 3, 1), date(2026, 1, 31)
    elif category == COURTESY:
        start, end = date(2022, 1, 1), date(2025, 12, 31)
    elif standing == CANCELLED:
        start, end = date(1985, 1, 1), date(2015, 12, 31)
    else:
        start, end = date(1985, 1, 1), date(2024, 12, 31)
    return (start + timedelta(days=rng.randint(0, (end - start).days))).isoformat()


# British Columbia: the same register software and population shape, BC's places and words.
BC_DRY_NEEDLING = "Dry Needling"
_BC_CITIES = (
    (
        "Vancouver",
        ("V5K", "V5L", "V5N", "V5V", "V5Z", "V6A", "V6B", "V6E", "V6H", "V6K"),
        ("604", "778", "236"),
    ),
    ("Victoria", ("V8N", "V8P", "V8R", "V8T", "V8V", "V8W", "V9A"), ("250", "778")),
    ("Surrey", ("V3S", "V3T", "V3W", "V4A", "V4N"), ("604", "778")),
    ("Burnaby", ("V5A", "V5B", "V5C", "V5E", "V5G", "V5H", "V5J"), ("604", "778")),
    ("Richmond", ("V6V", "V6X", "V6Y", "V7A", "V7C", "V7E"), ("604", "778")),
    ("Kelowna", ("V1V", "V1W", "V1X", "V1Y", "V1Z"), ("250", "778")),
    ("Kamloops", ("V2B", "V2C", "V2E", "V2H"), ("250", "778")),
    ("Nanaimo", ("V9R", "V9S", "V9T", "V9V", "V9X"), ("250", "778")),
    ("Prince George", ("V2K", "V2L", "V2M", "V2N"), ("250", "778")),
    ("Abbotsford", ("V2S", "V2T", "V3G", "V4X"), ("604", "778")),
)
_BC_CATEGORY = {GENERAL: "Full", PROVISIONAL: "Provisional", COURTESY: "Temporary"}


def british_columbia_physiotherapists(count: int = 300, seed: int = 1871) -> list[Person]:
    """Synthetic registrants of BC's register on the same platform: Alberta's mix of names and
    standings, moved to BC's cities, postal codes and area codes, with BC's words: categories
    Full / Provisional / Temporary and the "Dry Needling" roster in place of Alberta's
    "Using needles in practice" (BC froze new applications in 2019, so fewer hold it)."""
    rng = random.Random(seed)
    moved = []
    for person in alberta_physiotherapists(count, seed):
        city, fsas, areas = rng.choice(_BC_CITIES) if rng.random() > 0.35 else _BC_CITIES[0]
        locations = [
            Location(
                loc.organization,
                loc.street_lines,
                city,
                "British Columbia",
                f"{rng.choice(fsas)} {loc.postal_code[-3:]}",
                f"{rng.choice(areas)}{loc.phone[3:]}" if loc.phone else None,
                None,
            )
            for loc in person.locations
        ]
        authorizations = [
            BC_DRY_NEEDLING for a in person.authorizations if a == NEEDLES and rng.random() < 0.7
        ]
        moved.append(
            replace(
                person,
                category=_BC_CATEGORY[person.category],
                authorizations=authorizations,
                locations=locations,
            )
        )
    return moved
