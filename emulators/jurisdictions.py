"""Jurisdictions and name sources for the synthetic populations (emulators/population.py).

Per province: its cities (postal prefixes, phone area codes, streets, clinics) and the names its
register's people are drawn from; for Washington, the names only (its emulator places people by
ZIP code ranges of its own). All invented or generic; phones are drawn in 555-01xx only.
"""

from __future__ import annotations

from emulators.population import City, Jurisdiction, NameSource


def _qc(name, weight, fsas, area_codes, centre, streets, clinics) -> City:  # noqa: ANN001
    return City(name, weight, fsas, area_codes, streets, clinics, centre=centre)


def _ns(name, weight, fsas, clinics, hospital) -> City:  # noqa: ANN001
    return City(name, weight, fsas, (), (), clinics, hospital=hospital)


# ---------------------------------------------------------------------------------------------
# Alberta

_AB_SOUTH = ("403", "403", "587", "825")
_AB_NORTH = ("780", "780", "587", "825")
_AB_TOWN_STREETS = ("{n} {k} Street", "{n} {k} Avenue", "{n} Main Street")

_AB_CITIES: tuple[City, ...] = (
    City(
        "Calgary",
        140,
        tuple(
            "T2A T2E T2G T2N T2P T2R T2S T2T T2V T2W T2X T2Y T2Z "
            "T3A T3B T3E T3G T3H T3K T3M T3R".split()
        ),
        _AB_SOUTH,
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
    City(
        "Edmonton",
        122,
        tuple("T5A T5J T5K T5N T5R T5T T6A T6C T6E T6G T6H T6J T6K T6L T6R T6W T6X".split()),
        _AB_NORTH,
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
    City(
        "Red Deer",
        18,
        ("T4N", "T4P", "T4R"),
        _AB_SOUTH,
        ("{n} Gaetz Avenue", "{n} Ross Street", "{n} {k} Street", "{n} {k} Avenue"),
        ("Parkland Sports Physio", "Gaetz Avenue Physiotherapy", "Waskasoo Physio & Wellness"),
    ),
    City(
        "Lethbridge",
        14,
        ("T1J", "T1K"),
        _AB_SOUTH,
        ("{n} Mayor Magrath Drive S", "{n} {k} Street S", "{n} {k} Avenue N"),
        ("Oldman River Physiotherapy", "Coulee Physio"),
    ),
    City(
        "Medicine Hat",
        10,
        ("T1A", "T1B"),
        _AB_SOUTH,
        ("{n} Dunmore Road SE", "{n} {k} Street SE", "{n} Trans-Canada Way SE"),
        ("Gas City Physiotherapy", "South Saskatchewan Physio"),
    ),
    City(
        "Grande Prairie",
        10,
        ("T8V", "T8W"),
        _AB_NORTH,
        ("{n} 100 Street", "{n} {k} Avenue", "{n} Resources Road"),
        ("Peace Country Physiotherapy", "Wapiti Physio"),
    ),
    City(
        "Fort McMurray",
        8,
        ("T9H", "T9K"),
        _AB_NORTH,
        ("{n} Franklin Avenue", "{n} Thickwood Boulevard", "{n} Main Street"),
        ("Athabasca Physiotherapy", "Clearwater Physio"),
    ),
    City(
        "Airdrie",
        10,
        ("T4B",),
        _AB_SOUTH,
        ("{n} Main Street S", "{n} Yankee Valley Boulevard", "{n} 8 Street NW"),
        ("Nose Creek Physiotherapy",),
    ),
    City(
        "St. Albert",
        10,
        ("T8N",),
        _AB_NORTH,
        ("{n} St Albert Trail", "{n} Perron Street", "{n} Boudreau Road"),
        ("Clinique Physio Saint-Albert", "Sturgeon Valley Physio"),
    ),
    City(
        "Sherwood Park",
        10,
        ("T8A", "T8H"),
        _AB_NORTH,
        ("{n} Baseline Road", "{n} Wye Road", "{n} Sherwood Drive"),
        ("Strathcona Physio & Sport",),
    ),
    City("Okotoks", 6, ("T1S",), _AB_SOUTH, _AB_TOWN_STREETS, ("Sheep River Physiotherapy",)),
    City("Cochrane", 6, ("T4C",), _AB_SOUTH, _AB_TOWN_STREETS, ("Big Hill Physio",)),
    City(
        "Canmore",
        5,
        ("T1W",),
        _AB_SOUTH,
        ("{n} Bow Valley Trail", "{n} Main Street"),
        ("Three Sisters Physiotherapy",),
    ),
    City("Camrose", 5, ("T4V",), _AB_NORTH, _AB_TOWN_STREETS, ("Battle River Physio",)),
    City("Brooks", 4, ("T1R",), _AB_SOUTH, _AB_TOWN_STREETS, ("Newell Physiotherapy",)),
    City("Lacombe", 4, ("T4L",), _AB_SOUTH, _AB_TOWN_STREETS, ("Lacombe Lake Physio",)),
    City("Sylvan Lake", 4, ("T4S",), _AB_SOUTH, _AB_TOWN_STREETS, ("Lakeshore Physiotherapy",)),
    City("Lloydminster", 4, ("T9V",), _AB_NORTH, _AB_TOWN_STREETS, ("Border City Physiotherapy",)),
    City("Leduc", 6, ("T9E",), _AB_NORTH, _AB_TOWN_STREETS, ("Telford Lake Physio",)),
    City("High River", 4, ("T1V",), _AB_SOUTH, _AB_TOWN_STREETS, ("Highwood Physiotherapy",)),
)

_AB_GENERIC_CLINICS = (
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

_AB_ENGLISH_FAMILY = (
    "Smith Brown Wilson Taylor Campbell Anderson Thompson Johnson Clarke Walker Young Wright Scott "
    "Stewart Reid Fraser Hughes Bell Kelly Ross Graham Hamilton Ferguson Grant Baker Carter "
    "Collins Cooper Davies Evans Fisher Foster Gibson Harris Hill Howard Hunter Jackson Jones King "
    "Lewis Parker Phillips Price Richards Russell Shaw Simpson Turner Ward Watson White Wood "
    "Bennett Doyle Fitzgerald Kennedy Quinn Sullivan Gallagher Byrne"
).split()
_AB_ENGLISH_GIVEN = (
    "Emily Sarah Jessica Ashley Amanda Megan Lauren Rachel Hannah Olivia Emma Ava Madison Brooke "
    "Kayla Nicole Stephanie Heather Jennifer Kathleen Michael Matthew Ryan Tyler Kyle Brandon "
    "Justin Daniel David James John Andrew Christopher Jordan Taylor Connor Liam Ethan Owen Nathan "
    "Graham Colin Scott Brett Trevor Chloe Laura Alison Ian Sean Fiona Heidi Karen"
).split()
_AB_FRENCH_FAMILY = (
    "Tremblay Gagnon Roy Bouchard Gauthier Lavoie Fortin Gagné Ouellet Pelletier Bélanger Bergeron "
    "Girard Simard Boucher Caron Beaulieu Cloutier Dubé Poirier Fournier Lapointe Leclerc Lefebvre "
    "Thériault Desjardins Paquette Champagne Hébert Gendron Lachance Charbonneau Dufour "
    "Bissonnette Boudreau Arsenault"
).split()
_AB_FRENCH_GIVEN = (
    "Marie Isabelle Sophie Julie Geneviève Mélanie Chantal Josée Émilie Camille Noémie Chloé "
    "Élodie Renée Véronique Louis Mathieu Étienne Olivier Philippe Marc-André Jean-Philippe "
    "Sébastien Stéphane Frédéric Luc Guillaume Benoît Rémi Gabriel Anne-Sophie Marie-Ève Jean-Luc "
    "Hélène François"
).split()
_AB_UKRAINIAN_FAMILY = (
    "Kowalchuk Boychuk Shevchenko Hrynchuk Kostiuk Tkachuk Kravchenko Bondarenko Wasylyshyn "
    "Petrenko Zelenko Hnatiuk Fedoruk Sawchuk Yaremko Lysenko Kuzyk Dmytruk"
).split()
_AB_UKRAINIAN_GIVEN = (
    "Oksana Olena Natalia Iryna Halyna Larissa Kateryna Taras Bohdan Andriy Mykola Yuriy Petro "
    "Roman Stefan Nadia Daria Ivan"
).split()
_AB_FILIPINO_FAMILY = [
    *"Santos Reyes Cruz Bautista Garcia Villanueva Ramos Aquino Navarro Domingo Pascual".split(),
    *"Soriano Castillo Tolentino Gonzales".split(),
    "Dela Cruz",
    "De Guzman",
]
_AB_FILIPINO_GIVEN = [
    *"Maria Kristine Joy Angelica Jasmine Rhea Camille Jerome Paolo Rafael Carlo Joshua".split(),
    *"Patricia Jocelyn Ramon".split(),
    "Mary Grace",
    "Mark Anthony",
    "John Paul",
]
_AB_SOUTH_ASIAN_FAMILY = (
    "Patel Singh Sharma Gill Sandhu Grewal Brar Sidhu Gupta Shah Iyer Nair Reddy Chaudhry Khan "
    "Ahmed Fernandes Bhatia Kapoor Rao Desai Joshi Verma Bains Dhillon Rahman Hussain Qureshi"
).split()
_AB_SOUTH_ASIAN_GIVEN = (
    "Priya Anjali Neha Pooja Simran Harpreet Gurpreet Manpreet Navdeep Jaspreet Ravi Arjun Rohan "
    "Vikram Amit Sanjay Rahul Karan Aisha Fatima Ayesha Imran Zain Sana Divya Kiran Meera Rajesh "
    "Sunil Deepa"
).split()
_AB_EAST_ASIAN_FAMILY = (
    "Wang Chen Zhang Wong Lee Kim Park Tran Le Pham Huang Yamamoto Tanaka Chan Cheung Ho Lau Choi "
    "Zhao Wu Yang Zhou Xu Sun Tang Ng Kwan Leung Yip Tsang Hoang Vo Do Ito Sato Jung Kang Cho"
).split()
_AB_EAST_ASIAN_GIVEN = (
    "Wei Jing Mei Hui Xin Yan Ying Jun Hao Min Ji-woo Seo-yeon Min-jun Hyun Yuki Haruto Kenji Aiko "
    "Thanh Linh Kevin Jennifer Michelle Grace Vivian Eric Jason Alan Winnie Cindy"
).split()
_AB_GERMAN_DUTCH_FAMILY = [
    *"Schmidt Becker Janzen Friesen Penner Wiebe Klassen Dyck Hoffmann Wagner".split(),
    "Bakker",
    "Visser",
    "De Vries",
    "Vander Meer",
]
_AB_GERMAN_DUTCH_GIVEN = "Anna Katrin Lukas Jonas Pieter Johannes Greta Henrik Liesl Tobias".split()

# (weight, family names, given names) for the random part of the population.
_AB_ORIGINS = (
    (32, _AB_ENGLISH_FAMILY, _AB_ENGLISH_GIVEN),
    (16, _AB_FRENCH_FAMILY, _AB_FRENCH_GIVEN),
    (17, _AB_SOUTH_ASIAN_FAMILY, _AB_SOUTH_ASIAN_GIVEN),
    (14, _AB_EAST_ASIAN_FAMILY, _AB_EAST_ASIAN_GIVEN),
    (9, _AB_FILIPINO_FAMILY, _AB_FILIPINO_GIVEN),
    (8, _AB_UKRAINIAN_FAMILY, _AB_UKRAINIAN_GIVEN),
    (4, _AB_GERMAN_DUTCH_FAMILY, _AB_GERMAN_DUTCH_GIVEN),
)

# Names every population of 60 or more contains, for tests that look for a particular shape.
_AB_FEATURED: tuple[tuple[str, str], ...] = (
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

_AB_NGUYEN_GIVEN = (
    "Anh An Bao Binh Cuong Duc Dung Hai Hoa Hung Huong Khanh Lan Linh Long Mai Minh Nam Ngoc "
    "Phuong Quang Thao Trang Tuan Vy Kevin Jennifer Michelle David"
).split() + ["Thi Thu", "Thi Lan"]
_AB_LI_GIVEN = "Wei Jing Xiaoming Mei Hao Ying Jun Lei Na Yan Kevin Grace".split()
_AB_SCOTTISH_GIVEN = (
    "Alistair Angus Catriona Duncan Eilidh Fiona Hamish Iona Isla Kirsty Morag Rory Ewan Callum "
    "Shona Douglas Heather Graeme Moira Neil Ailsa Craig Lachlan Mairi Euan Gordon Elspeth"
).split()

_AB_CLUSTERS: tuple[tuple[str, int, list[str] | tuple[str, ...]], ...] = (
    # More than 25 people share the exact surname: only first-name prefixes separate them.
    ("Nguyen", 30, _AB_NGUYEN_GIVEN),
    # "Li" is both a surname and a crowded prefix (Liu, Lin, Lim, ...).
    ("Li", 12, _AB_LI_GIVEN),
    ("Liu", 6, ("Yang", "Fang", "Jie", "Emily", "Bo", "Xiu")),
    ("Lin", 4, ("Hui", "Jason", "Ming", "Tracy")),
    ("Lim", 2, ("Joanne", "Wee Ling")),
    ("Lindsay", 1, ("Carol",)),
    ("Little", 1, ("Sam",)),
    ("Lindqvist", 1, ("Erik",)),
    ("Livingstone", 1, ("Ross",)),
    # "Mac" alone passes the cap, "Mc" adds to "M".
    ("MacDonald", 5, _AB_SCOTTISH_GIVEN),
    ("MacKenzie", 3, _AB_SCOTTISH_GIVEN),
    ("MacLeod", 3, _AB_SCOTTISH_GIVEN),
    ("MacNeil", 2, _AB_SCOTTISH_GIVEN),
    ("MacPherson", 2, _AB_SCOTTISH_GIVEN),
    ("MacLean", 2, _AB_SCOTTISH_GIVEN),
    ("MacKay", 2, _AB_SCOTTISH_GIVEN),
    ("MacIntyre", 1, _AB_SCOTTISH_GIVEN),
    ("MacMillan", 1, _AB_SCOTTISH_GIVEN),
    ("MacDougall", 1, _AB_SCOTTISH_GIVEN),
    ("MacAulay", 1, _AB_SCOTTISH_GIVEN),
    ("MacInnis", 1, _AB_SCOTTISH_GIVEN),
    ("MacGregor", 1, _AB_SCOTTISH_GIVEN),
    ("Mackie", 1, _AB_SCOTTISH_GIVEN),
    ("Macaraeg", 1, _AB_FILIPINO_GIVEN),
    ("McDonald", 3, _AB_SCOTTISH_GIVEN),
    ("McKenzie", 2, _AB_SCOTTISH_GIVEN),
    ("McLeod", 2, _AB_SCOTTISH_GIVEN),
    ("McCarthy", 1, _AB_ENGLISH_GIVEN),
    ("McGill", 1, _AB_SCOTTISH_GIVEN),
    ("McNeil", 1, _AB_SCOTTISH_GIVEN),
    ("McPherson", 1, _AB_SCOTTISH_GIVEN),
    ("McLean", 1, _AB_SCOTTISH_GIVEN),
    ("McKinnon", 1, _AB_SCOTTISH_GIVEN),
    ("McCallum", 1, _AB_SCOTTISH_GIVEN),
    # Other "M" surnames, so "M" and "Ma" pass the cap too.
    ("Martin", 3, _AB_ENGLISH_GIVEN + _AB_FRENCH_GIVEN),
    ("Marchand", 2, _AB_FRENCH_GIVEN),
    ("Marchenko", 1, _AB_UKRAINIAN_GIVEN),
    ("Manalo", 1, _AB_FILIPINO_GIVEN),
    ("Malik", 2, _AB_SOUTH_ASIAN_GIVEN),
    ("Mahmoud", 1, ("Yasmin",)),
    ("Mehta", 2, _AB_SOUTH_ASIAN_GIVEN),
    ("Melnyk", 2, _AB_UKRAINIAN_GIVEN),
    ("Mendoza", 1, _AB_FILIPINO_GIVEN),
    ("Miller", 2, _AB_ENGLISH_GIVEN),
    ("Mitchell", 2, _AB_ENGLISH_GIVEN),
    ("Mishra", 1, _AB_SOUTH_ASIAN_GIVEN),
    ("Morin", 2, _AB_FRENCH_GIVEN),
    ("Moreau", 1, _AB_FRENCH_GIVEN),
    ("Morgan", 1, _AB_ENGLISH_GIVEN),
    ("Morrison", 1, _AB_ENGLISH_GIVEN),
    ("Moore", 1, _AB_ENGLISH_GIVEN),
    ("Murphy", 2, _AB_ENGLISH_GIVEN),
    ("Murray", 1, _AB_ENGLISH_GIVEN),
    # A common surname with several people, besides the clusters above.
    ("Singh", 7, _AB_SOUTH_ASIAN_GIVEN),
    ("Patel", 6, _AB_SOUTH_ASIAN_GIVEN),
)


ALBERTA = Jurisdiction("AB", "Alberta", _AB_CITIES, _AB_GENERIC_CLINICS)
ALBERTA_NAMES = NameSource(
    origins=_AB_ORIGINS,
    featured=_AB_FEATURED,
    clusters=_AB_CLUSTERS,
    common_given=_AB_ENGLISH_GIVEN,
    own_given=0.75,
    initials=0.12,
    shuffle=True,
)
# Given-name pools other generators reuse.
ENGLISH_GIVEN = _AB_ENGLISH_GIVEN
FILIPINO_GIVEN = _AB_FILIPINO_GIVEN

# ---------------------------------------------------------------------------------------------
# British Columbia: the Alberta population moved to BC's cities, postal codes and area codes.

_BC_CITIES_DATA = (
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

BRITISH_COLUMBIA = Jurisdiction(
    "BC",
    "British Columbia",
    tuple(City(name, 1, fsas, areas) for name, fsas, areas in _BC_CITIES_DATA),
)

# ---------------------------------------------------------------------------------------------
# Ontario

_ON_CITIES = (
    City(
        "Toronto",
        130,
        tuple("M4C M4E M4K M4L M4W M4Y M5A M5B M5G M5R M5S M5T M5V M6G M6H M6J M6K M6P".split()),
        ("416", "647", "437"),
        (
            "{n} Queen Street West",
            "{n} Bloor Street West",
            "{n} Danforth Avenue",
            "{n} Yonge Street",
            "{n} College Street",
            "{n} Spadina Avenue",
            "{n} King Street East",
        ),
        (
            "Annex Physiotherapy",
            "Danforth Sport & Spine",
            "Liberty Village Physio",
            "Clinique de physiothérapie Saint-Laurent",
            "High Park Rehab",
            "Kensington Physiotherapy",
            "Riverdale Physio & Wellness",
        ),
    ),  # fmt: skip
    City(
        "Ottawa",
        55,
        tuple("K1H K1K K1N K1P K1R K1S K1V K1Y K1Z K2A K2B K2C K2G K2P".split()),
        ("613", "343"),
        (
            "{n} Bank Street",
            "{n} Rideau Street",
            "{n} Elgin Street",
            "{n} Wellington Street West",
            "{n} Carling Avenue",
        ),
        (
            "Glebe Physiotherapy",
            "Physiothérapie Vanier",
            "Rideau Sport Physio",
            "Westboro Rehab Centre",
        ),
    ),  # fmt: skip
    City(
        "Mississauga",
        45,
        tuple("L4T L4W L4X L4Y L4Z L5A L5B L5C L5L L5M L5N L5R".split()),
        ("905", "289", "365"),
        (
            "{n} Hurontario Street",
            "{n} Dundas Street East",
            "{n} Burnhamthorpe Road West",
            "{n} Eglinton Avenue West",
        ),
        ("Credit Valley Physiotherapy", "Square One Physio", "Port Credit Rehab"),
    ),  # fmt: skip
    City(
        "Hamilton",
        35,
        tuple("L8E L8K L8L L8M L8N L8P L8S L9A L9C L9G L9H".split()),
        ("905", "289"),
        (
            "{n} King Street West",
            "{n} Main Street East",
            "{n} James Street North",
            "{n} Upper James Street",
        ),
        ("Escarpment Physiotherapy", "Locke Street Physio", "Bayfront Rehab"),
    ),  # fmt: skip
    City(
        "London",
        30,
        tuple("N5V N5W N5X N5Y N5Z N6A N6B N6C N6G N6H N6J".split()),
        ("519", "226"),
        ("{n} Richmond Street", "{n} Dundas Street", "{n} Wellington Road", "{n} Oxford Street"),
        ("Forest City Physiotherapy", "Thames Valley Rehab"),
    ),  # fmt: skip
    City(
        "Kingston",
        20,
        ("K7K", "K7L", "K7M", "K7N", "K7P"),
        ("613", "343"),
        ("{n} Princess Street", "{n} Bath Road", "{n} Division Street"),
        ("Limestone Physiotherapy", "Cataraqui Sport Physio"),
    ),
    City(
        "Sudbury",
        15,
        ("P3A", "P3B", "P3C", "P3E"),
        ("705", "249"),
        ("{n} Lasalle Boulevard", "{n} Regent Street", "{n} Elm Street"),
        ("Nickel City Physiotherapy", "Physiothérapie du Nord"),
    ),
    City(
        "Thunder Bay",
        12,
        ("P7A", "P7B", "P7C", "P7E", "P7K"),
        ("807",),
        ("{n} Red River Road", "{n} Memorial Avenue", "{n} Arthur Street West"),
        ("Sleeping Giant Physio", "Lakehead Rehabilitation"),
    ),
    City(
        "Windsor",
        18,
        ("N8N", "N8P", "N8S", "N8W", "N8X", "N9A", "N9B", "N9E"),
        ("519", "226"),
        ("{n} Ouellette Avenue", "{n} Tecumseh Road East", "{n} Wyandotte Street West"),
        ("Riverside Physiotherapy", "Sun Parlour Physio"),
    ),
)

_ON_FAMILY = (
    "Smith Brown Wilson Taylor Campbell Anderson Thompson MacDonald Martin Clarke Walker Young "
    "Tremblay Gagnon Roy Bélanger Côté Lévesque Gauthier Pelletier Ouellette Bergeron "
    "O'Brien O'Connor D'Souza D'Amico Smith-Jones Lee-Wong Nguyen Tran Patel Shah Singh Gill "
    "Chen Wang Li Zhang Kim Park Rossi Russo Kowalski Nowak Müller Schäfer Ødegaard Ahmed Khan "
    "Hassan"
).split() + ["Da Silva", "Van der Berg", "St. Pierre"]
_ON_GIVEN = (
    "Emily Sarah Jessica Megan Olivia Emma Chloé Zoé Hélène Anne-Marie Marie-Ève Jean-François "
    "Élodie Noémie Michael Matthew Ryan Daniel David James Liam Ethan Owen Priya Aisha Fatima "
    "Mei Wei Hyun-woo Ji-ho Giulia Marco Zofia Jürgen Søren Seán Siobhán Kwame Amara"
).split()

ONTARIO = Jurisdiction("ON", "Ontario", _ON_CITIES)
ONTARIO_NAMES = NameSource(origins=((1, _ON_FAMILY, _ON_GIVEN),), unique=False)

# ---------------------------------------------------------------------------------------------
# Quebec

_QC_GENERIC_STREETS = (
    "{n}, rue Principale",
    "{n}, rue Notre-Dame",
    "{n}, boulevard Saint-Joseph",
    "{n}, rue King Ouest",
    "{n}, 2e Avenue",
)

_QC_CITIES = (
    _qc(
        "Montréal",
        120,
        tuple("H1V H1W H2G H2J H2L H2S H2T H2V H2X H3A H3B H3G H3H H3S H3T H4A H4B".split()),
        ("514", "438"),
        (45.5019, -73.5674),
        (
            "{n}, rue Saint-Denis",
            "{n}, boulevard Saint-Laurent",
            "{n}, avenue du Mont-Royal Est",
            "{n}, rue Sherbrooke Ouest",
            "{n}, chemin de la Côte-des-Neiges",
            "{n}, boulevard René-Lévesque Ouest",
            "{n}, rue Beaubien Est",
            "{n}, avenue Monkland",
        ),
        (
            "Clinique de physiothérapie du Plateau",
            "Physio Côte-des-Neiges",
            "Physiothérapie Rosemont–Petite-Patrie",
            "Clinique Physio Sport Mile-End",
            "Centre de réadaptation Villeray",
            "Physio Santé Notre-Dame-de-Grâce",
        ),
    ),
    _qc(
        "Québec",
        60,
        ("G1K", "G1R", "G1S", "G1V", "G1W", "G2B", "G2E"),
        ("418", "581"),
        (46.8139, -71.2080),
        (
            "{n}, boulevard Laurier",
            "{n}, chemin Sainte-Foy",
            "{n}, rue Saint-Jean",
            "{n}, boulevard Charest Est",
            "{n}, 3e Avenue",
        ),
        ("Physio Santé Vieux-Québec", "Clinique de physiothérapie Sainte-Foy", "Physio Limoilou"),
    ),
    _qc(
        "Laval",
        30,
        ("H7N", "H7T", "H7V", "H7W"),
        ("450", "579"),
        (45.6066, -73.7124),
        ("{n}, boulevard Le Corbusier", "{n}, boulevard de la Concorde Est", *_QC_GENERIC_STREETS),
        ("Physiothérapie Chomedey", "Clinique Physio Sainte-Rose"),
    ),
    _qc(
        "Longueuil",
        20,
        ("J4H", "J4K", "J4L", "J4M"),
        ("450", "579"),
        (45.5312, -73.5185),
        ("{n}, chemin de Chambly", "{n}, boulevard Taschereau", *_QC_GENERIC_STREETS),
        ("Physio Rive-Sud", "Clinique de physiothérapie du Vieux-Longueuil"),
    ),
    _qc(
        "Gatineau",
        25,
        ("J8T", "J8Y", "J9A", "J9H"),
        ("819", "873"),
        (45.4765, -75.7013),
        ("{n}, boulevard Saint-Joseph", "{n}, boulevard Maloney Ouest", *_QC_GENERIC_STREETS),
        ("Physio Outaouais", "Clinique Physio Hull"),
    ),
    _qc(
        "Sherbrooke",
        20,
        ("J1E", "J1G", "J1H", "J1J", "J1K"),
        ("819", "873"),
        (45.4042, -71.8929),
        ("{n}, rue King Ouest", "{n}, rue Wellington Nord", *_QC_GENERIC_STREETS),
        ("Physiothérapie de l'Estrie", "Clinique Physio Fleurimont"),
    ),
    _qc(
        "Trois-Rivières",
        15,
        ("G8T", "G8Y", "G8Z", "G9A"),
        ("819", "873"),
        (46.3432, -72.5430),
        ("{n}, boulevard des Forges", "{n}, rue des Ursulines", *_QC_GENERIC_STREETS),
        ("Physio Mauricie", "Clinique de physiothérapie du Cap"),
    ),
    _qc(
        "Lévis",
        15,
        ("G6V", "G6W", "G6Z", "G7A"),
        ("418", "581"),
        (46.8032, -71.1779),
        ("{n}, boulevard Alphonse-Desjardins", "{n}, route du Président-Kennedy"),
        ("Physio Chaudière-Appalaches", "Clinique Physio Saint-Romuald"),
    ),
    _qc(
        "Saint-Jérôme",
        12,
        ("J7Y", "J7Z", "J5L"),
        ("450", "579"),
        (45.7804, -74.0036),
        ("{n}, rue Saint-Georges", "{n}, boulevard Grignon", *_QC_GENERIC_STREETS),
        ("Clinique multidisciplinaire des Laurentides",),
    ),
    _qc(
        "Saguenay",
        12,
        ("G7B", "G7H", "G7J", "G7S", "G7X"),
        ("418", "581"),
        (48.4284, -71.0685),
        ("{n}, boulevard Talbot", "{n}, rue Racine Est", *_QC_GENERIC_STREETS),
        ("Physio Saguenay–Lac-Saint-Jean", "Clinique de physiothérapie de Chicoutimi"),
    ),
    _qc(
        "Rimouski",
        8,
        ("G5L", "G5M", "G5N"),
        ("418", "581"),
        (48.4489, -68.5230),
        ("{n}, rue Saint-Germain Est", "{n}, boulevard René-Lepage Est"),
        ("Physio Bas-Saint-Laurent",),
    ),
    _qc(
        "Drummondville",
        8,
        ("J2B", "J2C"),
        ("819", "873"),
        (45.8833, -72.4834),
        _QC_GENERIC_STREETS,
        ("Physio Centre-du-Québec",),
    ),
    _qc(
        "L'Assomption",
        5,
        ("J5W",),
        ("450", "579"),
        (45.8232, -73.4290),
        _QC_GENERIC_STREETS,
        ("Physiothérapie Lanaudière",),
    ),
    _qc(
        "Rouyn-Noranda",
        5,
        ("J9X", "J9Y"),
        ("819", "873"),
        (48.2366, -79.0231),
        _QC_GENERIC_STREETS,
        ("Physio Abitibi-Témiscamingue",),
    ),
)


_QC_FAMILY = (
    "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier "
    "Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier "
    "Dubé Poirier Fournier Lapointe Leclerc Lefebvre Poulin Thibault St-Pierre Nadeau Martin "
    "Landry Martel Bédard Grenier Lessard Bernier Michaud Hébert Desjardins Couture Turcotte "
    "Lachance Parent Blais Gosselin Savard Proulx Beaudoin Demers Perreault Lemieux Cyr Dufour "
    "Mercier Bérubé Boisvert Langlois Ménard Therrien Bilodeau Paradis Gaudreault Thériault "
    "Deschênes Giroux Charbonneau Vachon Larouche Trudel Lacroix Desrosiers Vaillancourt "
    "Lalonde Giguère Laflamme Vallée Paré Gélinas Séguin Pépin Lavallée Vézina Laliberté "
    "Chouinard Côté-Lévesque Tremblay-Gagnon Roy-Bouchard D'Amours L'Heureux L'Italien "
    "Saint-Onge"
).split()
_QC_GIVEN = (
    "Marie-Ève Anne-Sophie Geneviève Émilie Mélanie Véronique Josée Nathalie Isabelle Catherine "
    "Audrey Karine Julie Stéphanie Valérie Annie Caroline Chloé Léa Noémie Rosalie Maude Camille "
    "Marianne Frédérique Ariane Marie-Pier Andrée-Anne Joëlle Gabrielle Élise Hélène Maxime "
    "Jean-François Jean-Philippe Marc-André Pierre-Luc Mathieu Étienne Frédéric Sébastien "
    "Guillaume Olivier Vincent Simon Félix Samuel Alexandre François Jérôme Benoît Rémi Éric "
    "Louis-Philippe Charles-Olivier Xavier Nicolas Gabriel Raphaël Antoine Philippe"
).split()
# (weight, family names, given names); names with spaces only where the adapter's particle rule
# reads them back (see scrapers.oppq_pages.split_name).
_QC_ORIGINS = (
    (70, _QC_FAMILY, _QC_GIVEN),
    (
        6,
        ["Joseph", "Pierre", "Jean-Baptiste", "Désir", "Saint-Fleur", "Charles", "Étienne"],
        ["Widlyne", "Jean-Robert", "Kerline", "Ralph", "Nadège", "Ruth-Ann", "Jean Marc"],
    ),
    (
        7,
        ["Benali", "Haddad", "Bouzid", "El Amrani", "Ait Ouali", "Ben Salah", "Khoury", "Nassar"],
        ["Fatima", "Yasmine", "Karim", "Mehdi", "Nadia", "Rania", "Youssef", "Amira"],
    ),
    (5, ["Nguyen", "Tran", "Pham", "Le", "Hoang"], ["Thi Lan", "Minh", "Thanh", "Anh", "Quoc Bao"]),
    (4, ["Rossi", "Di Lauro", "De Luca", "Ferraro", "Iannone"], ["Giulia", "Marco", "Alessia"]),
    (
        4,
        ["García", "Rodríguez", "Hernández", "Gómez", "Peña"],
        ["María José", "José Luis", "Andrés", "Sofía", "Ximena"],
    ),
    (4, ["MacDonald", "O'Connor", "Smith", "O'Neill", "Van Houtte"], ["Emily", "Ryan", "Seán"]),
)

# Names every population of 60 or more contains, for tests that look for a particular shape.
_QC_FEATURED = (
    ("Marie-Ève", "D'Amours"),
    ("Jean-François", "L'Heureux"),
    ("Anne-Sophie", "Côté-Lévesque"),
    ("Émilie", "De Grandpré"),
    ("Karim", "Ait Ouali"),
    ("Thi Lan", "Nguyen"),
    ("Marie", "Tremblay"),
    ("Marie", "Tremblay"),  # a homonym: WordPress gives the second profile slug "-2"
    ("Seán", "O'Neill"),
    ("Joëlle", "Des Rosiers"),
)

QUEBEC = Jurisdiction("QC", "Quebec", _QC_CITIES)
# Drawn given name first and featured from 60 people up: the recorded OPPQ fixtures depend on it.
QUEBEC_NAMES = NameSource(
    origins=_QC_ORIGINS,
    featured=tuple((family, given) for given, family in _QC_FEATURED),
    featured_from=60,
    unique=False,
    given_first=True,
)

# ---------------------------------------------------------------------------------------------
# Nova Scotia

_NS_CITIES = (
    _ns(
        "Halifax",
        105,
        ("B3H", "B3J", "B3K", "B3L", "B3M", "B3N", "B3P", "B3R", "B3S"),
        (
            "Spring Garden Physiotherapy",
            "Harbourside Sport & Spine",
            "Quinpool Road Physio",
            "Point Pleasant Physiotherapy",
            "Citadel Rehab & Wellness",
            "Clayton Park Physiotherapy",
            "North End Pelvic Health",
        ),
        "Halifax Infirmary",
    ),
    _ns(
        "Dartmouth",
        38,
        ("B2V", "B2W", "B2X", "B2Y", "B3A", "B3B"),
        ("Lake Banook Physiotherapy", "Portland Street Physio", "Shubie Park Rehab"),
        "Dartmouth General Hospital",
    ),
    _ns(
        "Sydney",
        22,
        ("B1P", "B1S", "B1L"),
        ("Cape Breton Physiotherapy", "Bras d'Or Physio & Wellness"),
        "Cape Breton Regional Hospital",
    ),
    _ns(
        "Truro",
        16,
        ("B2N",),
        ("Hub Town Physiotherapy", "Salmon River Physio"),
        "Colchester East Hants Health Centre",
    ),
    _ns(
        "New Glasgow",
        12,
        ("B2H",),
        ("Pictou County Physiotherapy", "East River Rehab"),
        "Aberdeen Hospital",
    ),
    _ns("Antigonish", 10, ("B2G",), ("Highland Physiotherapy",), "St. Martha's Regional Hospital"),
    _ns(
        "Kentville",
        10,
        ("B4N",),
        ("Annapolis Valley Physio", "Cornwallis Physiotherapy"),
        "Valley Regional Hospital",
    ),
    _ns("Wolfville", 8, ("B4P",), ("Blomidon Physiotherapy", "Acadia Sport Physio"), None),
    _ns(
        "Bridgewater",
        10,
        ("B4V",),
        ("LaHave River Physiotherapy",),
        "South Shore Regional Hospital",
    ),
    _ns(
        "Yarmouth",
        9,
        ("B5A",),
        ("Physiothérapie Baie Sainte-Marie", "Yarmouth Physio Clinic"),
        "Yarmouth Regional Hospital",
    ),
    _ns("Bedford", 12, ("B4A", "B4B"), ("Bedford Basin Physiotherapy",), None),
    _ns("Lower Sackville", 8, ("B4C", "B4E"), ("Sackville Physio & Sport",), None),
    _ns(
        "Amherst",
        7,
        ("B4H",),
        ("Tantramar Physiotherapy",),
        "Cumberland Regional Health Care Centre",
    ),
    _ns("Windsor", 5, ("B0N",), ("Avon River Physio",), None),
    _ns("Lunenburg", 4, ("B0J",), ("Bluenose Physiotherapy",), None),
    _ns("Port Hawkesbury", 4, ("B9A",), ("Strait Area Physiotherapy",), None),
)


# ---------------------------------------------------------------------------------------------
# Names: Scottish, Irish and English Nova Scotia, Acadian, Mi'kmaq, Lebanese, and newer arrivals.

_NS_SCOTTISH_FAMILY = (
    "MacDonald MacNeil MacKinnon MacLean MacKenzie MacLeod MacPherson MacIsaac MacInnis MacEachern "
    "MacGillivray MacDougall MacKay MacLellan Campbell Fraser Cameron Chisholm Beaton Gillis "
    "McNeil McKenna McDonald Matheson Munro Morrison Murray Ross Sutherland Grant"
).split()
_NS_ENGLISH_IRISH_FAMILY = (
    "Smith Brown Wilson Taylor Johnson Walsh Power Murphy Kelly Ryan Burke Doyle Sullivan Byrne "
    "Hennessey Dunn Corkum Zwicker Hiltz Mosher Langille Rafuse Publicover Boutilier Conrad Ernst"
).split()
_NS_ACADIAN_FAMILY = (
    "LeBlanc Comeau Thibodeau Boudreau Doucet Robichaud Saulnier Gaudet Pothier Surette Amirault "
    "Melanson Aucoin Chiasson Poirier Deveau Landry Arsenault Bourque Babin"
).split()
_NS_MIKMAQ_FAMILY = (
    "Paul Francis Marshall Julien Sylliboy Googoo Denny Prosper Bernard Gould"
).split()
_NS_LEBANESE_FAMILY = "Haddad Nahas Shaker Karam Khoury Saab Fares Metlej".split()
_NS_NEWER_FAMILY = (
    "Patel Singh Sharma Nguyen Tran Chen Wang Li Kim Okafor Adeyemi Mensah Santos Reyes Ahmed "
    "Hassan Rahman Gupta Joseph Thomas"
).split()

_NS_ENGLISH_GIVEN = (
    "Emily Sarah Jessica Ashley Megan Lauren Rachel Hannah Olivia Emma Brooke Kayla Heather "
    "Jennifer Kathleen Michael Matthew Ryan Tyler Kyle Brandon Justin Daniel David James John "
    "Andrew Christopher Jordan Connor Liam Owen Nathan Colin Scott Trevor Chloe Laura Alison Ian "
    "Sean Fiona Karen Mary Ellen Margaret Catherine Angus Ewan Isla Mairi Morag"
).split()
_NS_ACADIAN_GIVEN = (
    "Marie Sophie Julie Geneviève Mélanie Chantal Josée Émilie Camille Noémie Chloé Renée "
    "Véronique Louis Mathieu Étienne Olivier Philippe Marc-André Jean-Philippe Sébastien Luc "
    "Rémi Gabriel Anne-Marie Marie-Ève Natalie Denise Yvon Gilles"
).split()
_NS_MIKMAQ_GIVEN = "Mary Rose Kyle Tanya Stephen Lorraine Mark Tara Jordan Morgan Kelsey".split()
_NS_LEBANESE_GIVEN = "Rania Nadia Joseph Elias Layla Ramzi Maya Georges Rita Karim".split()
_NS_NEWER_GIVEN = (
    "Priya Anjali Ravi Arjun Wei Jing Mei Thanh Linh Minh Chinonso Adaeze Kwame Ama Kristine "
    "Rafael Aisha Fatima Omar Zain Sana Divya Meera Rahul"
).split()

_NS_ORIGINS = (
    (30, _NS_SCOTTISH_FAMILY, _NS_ENGLISH_GIVEN),
    (28, _NS_ENGLISH_IRISH_FAMILY, _NS_ENGLISH_GIVEN),
    (16, _NS_ACADIAN_FAMILY, _NS_ACADIAN_GIVEN),
    (5, _NS_MIKMAQ_FAMILY, _NS_MIKMAQ_GIVEN),
    (4, _NS_LEBANESE_FAMILY, _NS_LEBANESE_GIVEN),
    (17, _NS_NEWER_FAMILY, _NS_NEWER_GIVEN),
)

# Names every population of 20 or more holds, for tests that look for a particular shape.
_NS_FEATURED: tuple[tuple[str, str], ...] = (
    ("d'Entremont", "Marie-Claude"),  # apostrophes come out curly: wptexturize
    ("O'Neil", "Patrick"),
    ("LeBlanc", "Natalie"),
    ("Leblanc", "Chantal"),
    ("Thériault", "Stéphane"),
    ("Côté", "Anne-Marie"),
    ("Cote", "Daniel"),
    ("MacDonald", "Mary Ellen"),
    ("MacDonald", "Angus J"),
    ("Smith-MacLean", "Heather"),
    ("St. Clair", "Jenna"),
    ("Van der Linden", "Anouk"),
    ("Nguyễn", "Minh Châu"),
    ("Googoo", "Kyle"),
    ("Haddad", "Rania"),
    ("MacLeod", "Elizabeth (Beth)"),
    # Namesakes: two people, one name; only the licence number tells them apart.
    ("Patel", "Priya"),
    ("Patel", "Priya"),
    ("Roberts", "Megan"),
    ("Robichaud", "Marc"),
)

NOVA_SCOTIA = Jurisdiction("NS", "Nova Scotia", _NS_CITIES)
NOVA_SCOTIA_NAMES = NameSource(
    origins=_NS_ORIGINS,
    featured=_NS_FEATURED,
    common_given=_NS_ENGLISH_GIVEN,
    own_given=0.8,
    initials=0.1,
    initial_first=True,
)


# Washington (emulators/wa_doh.py): names as the DOH dataset prints them, in capitals; the
# namesakes it needs are made by the generator.
_WA_FAMILY = (
    "SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ HERNANDEZ LOPEZ "
    "GONZALEZ WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ THOMPSON WHITE HARRIS "
    "SANCHEZ CLARK RAMIREZ LEWIS ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT TORRES NGUYEN HILL "
    "FLORES GREEN ADAMS NELSON BAKER HALL RIVERA CAMPBELL MITCHELL CARTER ROBERTS KIM PARK CHEN "
    "WANG LI PATEL SINGH TRAN PHAM OLSON LARSON JOHANSEN PETERSON ERICKSON NAKAMURA TANAKA"
).split() + [
    "PEÑA",
    "MUÑOZ",
    "NÚÑEZ",
    "IBÁÑEZ",
    "GONZÁLEZ",
    "O'BRIEN",
    "O'NEIL",
    "D'ANGELO",
    "GARCIA-LOPEZ",
    "SMITH-JONES",
    "DE LA CRUZ",
    "VAN DYKE",
    "LEFÈVRE",
    "MÜLLER",
]
_WA_GIVEN = (
    "JAMES MARY JOHN PATRICIA ROBERT JENNIFER MICHAEL LINDA DAVID ELIZABETH SARAH EMILY JESSICA "
    "ASHLEY MATTHEW DANIEL ANDREW JOSHUA MEGAN LAUREN KEVIN BRIAN RACHEL HANNAH TYLER KAYLA NOAH "
    "OLIVIA ETHAN SOPHIA LIAM AVA MAYA PRIYA WEI MIN JUN"
).split() + ["JOSÉ", "RENÉE", "ZOË", "MARÍA", "ANDRÉS", "CHLOÉ", "JOSÉ LUIS", "ANNE-MARIE"]
WASHINGTON_NAMES = NameSource(origins=((1, _WA_FAMILY, _WA_GIVEN),), unique=False)

# ---------------------------------------------------------------------------------------------
# Manitoba: the Alberta population moved to Manitoba's cities, postal codes and area codes.

MANITOBA = Jurisdiction(
    "MB",
    "Manitoba",
    tuple(
        City(name, weight, fsas, ("204", "431"))
        for name, weight, fsas in (
            ("Winnipeg", 8, ("R2C", "R2J", "R2M", "R3B", "R3C", "R3G", "R3L", "R3M", "R3T")),
            ("Brandon", 2, ("R7A", "R7B", "R7C")),
            ("Steinbach", 1, ("R5G",)),
            ("Thompson", 1, ("R8N",)),
            ("Portage la Prairie", 1, ("R1N",)),
        )
    ),
)
