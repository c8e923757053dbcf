"""Fixed demo data. Company numbers are made up and follow the Companies House format."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

# The first district's staff: the council the deployment was set up with (council 1, named by
# SUPPLIER_DD_COUNCIL_NAME). Its partners' staff are in PARTNER_COUNCILS below.
COUNCIL_STAFF = [
    ("officer@council.example", "officer", "Priya Shah"),
    ("officer2@council.example", "officer", "Tom Okafor"),
    ("legal@council.example", "legal", "Helen Marsh"),
    ("safeguarding@council.example", "safeguarding", "Grace Adeyemi"),
    ("admin@council.example", "admin", "Sam Reid"),
]
# Creates the partnership's councils and sees their counts, no council's records; belongs to
# no council.
CONSORTIUM_STAFF = [
    ("consortium@partnership.example", "consortium_admin", "Jo Whitfield"),
]


class DemoSupplier(NamedTuple):
    slug: str
    name: str
    company_number: str
    country: str
    sector: str
    turnover_band: str
    contact_name: str


CLEANING = "Cleaning and security services"
CONSTRUCTION = "Construction, civil engineering and building products"
HOSPITALITY = "Consumer services, including accommodation, hospitality, tourism and leisure"
FOOD = "Food and beverages, agriculture and fishing"
HEALTH = "Healthcare and pharmaceuticals"
IT = "Information technology and telecommunication"
TEXTILES = "Fashion, textiles, apparel and luxury goods"
TRANSPORT = "Transportation, logistics, and storage"
WASTE = "Waste management and recycling"
PROFESSIONAL = (
    "Professional and administrative services and supplies, including legal, consulting and "
    "accounting services"
)
ELECTRONICS = (
    "Durable consumer goods, including electronics and appliances, home furnishings and other "
    "accessories"
)
CHARITY = "Charitable / not-for-profit activities"
UTILITIES = "Utilities: gas, water and electricity"

SUPPLIERS = [
    DemoSupplier("brightwater", "Brightwater Cleaning Services Ltd", "04567812", "GB", CLEANING, "36m-60m", "Amara Osei"),
    DemoSupplier("sentinel", "Sentinel Guarding Ltd", "05123984", "GB", CLEANING, "60m-100m", "Craig Dunn"),
    DemoSupplier("northgate-build", "Northgate Build & Civils Limited", "03345671", "GB", CONSTRUCTION, "100m-500m", "Joanna Pike"),
    DemoSupplier("paving", "Hitchin Driveways and Paving Ltd", "11456723", "GB", CONSTRUCTION, "under-36m", "Darren Kelly"),
    DemoSupplier("greenleaf", "Greenleaf Grounds Maintenance Ltd", "08765432", "GB", "Other", "under-36m", "Ruth Evans"),
    DemoSupplier("harvest", "Harvest Table Catering Ltd", "06234598", "GB", HOSPITALITY, "36m-60m", "Marco Bellini"),
    DemoSupplier("fresh-fields", "Fresh Fields Produce Ltd", "09871234", "GB", FOOD, "under-36m", "Ewa Nowak"),
    DemoSupplier("carewell", "Carewell Home Care Ltd", "07654321", "GB", HEALTH, "36m-60m", "Grace Mensah"),
    DemoSupplier("kindred", "Kindred Supported Living CIC", "10987654", "GB", HEALTH, "under-36m", "Oliver Brown"),
    DemoSupplier("byteworks", "Byteworks IT Solutions Ltd", "05987612", "GB", IT, "60m-100m", "Nadia Rahman"),
    DemoSupplier("shenzhen-devices", "Pearl River Devices Co. Ltd", "FC031245", "CN", ELECTRONICS, "over-500m", "Li Wei"),
    DemoSupplier("uniform", "Civic Uniforms and Workwear Ltd", "04123987", "GB", TEXTILES, "under-36m", "Fatima Begum"),
    DemoSupplier("dhaka-garments", "Dhaka Garment Exports Ltd", "FC029871", "BD", TEXTILES, "36m-60m", "Rahim Uddin"),
    DemoSupplier("ppe-direct", "PPE Direct (UK) Ltd", "12345678", "GB", HEALTH, "under-36m", "Jason Moore"),
    DemoSupplier("malaysia-gloves", "Klang Valley Gloves Sdn Bhd", "FC034567", "MY", HEALTH, "100m-500m", "Siti Aminah"),
    DemoSupplier("swiftmove", "Swiftmove Logistics Ltd", "06789123", "GB", TRANSPORT, "100m-500m", "Peter Walsh"),
    DemoSupplier("courier", "Last Mile Couriers Ltd", "13456789", "GB", TRANSPORT, "under-36m", "Anil Kumar"),
    DemoSupplier("recycle", "Circular Waste and Recycling Ltd", "02987654", "GB", WASTE, "over-500m", "Helen Clarke"),
    DemoSupplier("clearway", "Clearway Environmental Services Ltd", "SC456123", "GB", WASTE, "60m-100m", "Fraser Boyd"),
    DemoSupplier("agency", "Peak Staffing Solutions Ltd", "07123456", "GB", PROFESSIONAL, "36m-60m", "Laura Finch"),
    DemoSupplier("legal-eagle", "Marsh & Partners LLP", "OC345678", "GB", PROFESSIONAL, "under-36m", "David Marsh"),
    DemoSupplier("consult", "Civic Insight Consulting Ltd", "09345612", "GB", PROFESSIONAL, "under-36m", "Imogen Hart"),
    DemoSupplier("solar", "Sunbridge Solar Installations Ltd", "11987654", "GB", UTILITIES, "36m-60m", "Kwame Boateng"),
    DemoSupplier("energy", "Anglia Power Supply Ltd", "03987123", "GB", UTILITIES, "over-500m", "Rebecca Lowe"),
    DemoSupplier("laundry", "Crisp Linen Laundry Services Ltd", "08123459", "GB", CLEANING, "under-36m", "Mehmet Yilmaz"),
    DemoSupplier("car-wash", "Sparkle Hand Car Wash Ltd", "12987456", "GB", "Other", "under-36m", "Arben Hoxha"),
    DemoSupplier("food-bank", "Hertfordshire Community Food Network", "NI612345", "GB", CHARITY, "under-36m", "Siobhan Kelly"),
    DemoSupplier("timber", "Baltic Timber Imports Ltd", "05432178", "GB", "Forestry, timber products, paper and containers and packaging", "36m-60m", "Jonas Petraitis"),
    DemoSupplier("fisheries", "North Sea Fish Processing Ltd", "SC612378", "GB", FOOD, "60m-100m", "Callum Reid"),
    DemoSupplier("pest", "Pestaway Control Services Ltd", "10234987", "GB", CLEANING, "under-36m", "Gemma Stone"),
    DemoSupplier("print", "Foxglove Print and Design Ltd", "04981236", "GB", "Media, publishing, arts and entertainment", "under-36m", "Noah Fisher"),
    DemoSupplier("rice-importers", "Golden Grain Foods Ltd", "11234598", "GB", FOOD, "36m-60m", "Ahmed Raza"),
]

# reference, title, category, CPV, value, start, end, supplier slug
CONTRACTS = [
    ("NHDC-2023-001", "Office cleaning, council offices", "Cleaning", "90910000", Decimal("1450000"), "2023-04-01", "2027-03-31", "brightwater"),
    ("NHDC-2023-002", "Security guarding and key holding", "Security", "79710000", Decimal("820000"), "2023-06-01", "2026-05-31", "sentinel"),
    ("NHDC-2022-014", "Leisure centre refurbishment", "Construction", "45212200", Decimal("6200000"), "2022-09-01", "2026-12-31", "northgate-build"),
    ("NHDC-2024-003", "Car park resurfacing", "Construction", "45233222", Decimal("310000"), "2024-05-01", "2025-10-31", "paving"),
    ("NHDC-2021-007", "Parks and open spaces grounds maintenance", "Grounds maintenance", "77310000", Decimal("2100000"), "2021-04-01", "2027-03-31", "greenleaf"),
    ("NHDC-2024-010", "Staff canteen and civic events catering", "Catering", "55520000", Decimal("540000"), "2024-04-01", "2027-03-31", "harvest"),
    ("NHDC-2025-002", "School holiday meals programme", "Food", "15000000", Decimal("185000"), "2025-07-01", "2026-08-31", "fresh-fields"),
    ("NHDC-2023-020", "Domiciliary care framework lot 2", "Social care", "85312000", Decimal("3800000"), "2023-10-01", "2027-09-30", "carewell"),
    ("NHDC-2024-021", "Supported living for adults", "Social care", "85311000", Decimal("1250000"), "2024-01-01", "2026-12-31", "kindred"),
    ("NHDC-2022-030", "Managed IT service desk", "IT services", "72253000", Decimal("2750000"), "2022-04-01", "2026-03-31", "byteworks"),
    ("NHDC-2025-004", "Laptops and docking stations", "IT hardware", "30213100", Decimal("460000"), "2025-05-01", "2026-04-30", "shenzhen-devices"),
    ("NHDC-2024-015", "Staff uniforms and workwear", "Textiles", "18100000", Decimal("96000"), "2024-09-01", "2027-08-31", "uniform"),
    ("NHDC-2025-011", "Disposable gloves and PPE", "PPE", "18424300", Decimal("120000"), "2025-01-01", "2026-12-31", "ppe-direct"),
    ("NHDC-2023-031", "Fleet logistics and storage", "Logistics", "63120000", Decimal("990000"), "2023-07-01", "2026-06-30", "swiftmove"),
    ("NHDC-2020-002", "Household waste and recycling collection", "Waste", "90511000", Decimal("24500000"), "2020-04-01", "2028-03-31", "recycle"),
    ("NHDC-2024-040", "Temporary agency staff", "Agency labour", "79620000", Decimal("1600000"), "2024-04-01", "2026-03-31", "agency"),
    ("NHDC-2025-006", "Legal advice panel", "Legal services", "79100000", Decimal("150000"), "2025-04-01", "2028-03-31", "legal-eagle"),
    ("NHDC-2025-009", "Solar panels on council depots", "Construction", "09331100", Decimal("780000"), "2025-06-01", "2026-11-30", "solar"),
    ("NHDC-2023-050", "Corporate electricity supply", "Utilities", "09310000", Decimal("3100000"), "2023-10-01", "2027-09-30", "energy"),
    ("NHDC-2024-061", "Linen and laundry for hostels", "Laundry", "98310000", Decimal("72000"), "2024-06-01", "2026-05-31", "laundry"),
    ("NHDC-2025-014", "Pest control service", "Pest control", "90922000", Decimal("48000"), "2025-02-01", "2027-01-31", "pest"),
    ("NHDC-2024-070", "Printing of council publications", "Print", "79810000", Decimal("64000"), "2024-04-01", "2027-03-31", "print"),
]

# reference, title, category, value, days from the demo's "now" to the closing date, invited
# supplier slugs. Relative, so a tender is open whenever the demo is loaded; at least 21 days,
# so the declarations asked of bidders (due 14 days before closing, and no sooner than a week
# away: demo/declarations.py) are due before it closes.
TENDERS = [
    ("NHDC-T-2026-01", "Cleaning of public toilets and bus stations", "Cleaning", Decimal("640000"), 28,
     ["brightwater", "laundry", "pest"]),
    ("NHDC-T-2026-02", "Temporary accommodation furniture packs", "Furniture", Decimal("210000"), 44,
     ["uniform", "dhaka-garments", "timber"]),
    ("NHDC-T-2026-03", "Hand car wash for council fleet", "Vehicle services", Decimal("35000"), 21,
     ["car-wash", "swiftmove"]),
    ("NHDC-T-2026-04", "Community meals and food distribution", "Food", Decimal("420000"), 61,
     ["harvest", "fresh-fields", "food-bank", "rice-importers", "fisheries"]),
    ("NHDC-T-2026-05", "PPE for frontline staff", "PPE", Decimal("150000"), 59,
     ["ppe-direct", "malaysia-gloves"]),
]


# --- The partnership (issue 17) ----------------------------------------------------------------
# Two more councils share the deployment with the first district: a neighbouring district and
# the county. Each has its own staff, contracts and requests; some suppliers hold contracts with
# more than one council (one organisation record, known to each), others with one only.


class DemoContract(NamedTuple):
    reference: str
    title: str
    category: str
    cpv_code: str
    value: Decimal
    start: str
    end: str
    slug: str


class DemoCouncil(NamedTuple):
    short_name: str
    name: str
    statement_url: str
    pack_author: str
    staff: list[tuple[str, str, str]]
    # Suppliers only this council deals with (the shared ones are in SUPPLIERS above).
    own_suppliers: list[DemoSupplier]
    contracts: list[DemoContract]
    # reference, title, category, value, days until closing, invited supplier slugs
    tenders: list[tuple[str, str, str, Decimal, int, list[str]]]
    # Slug -> how its answers to this council's annual request look ("good", "fair", "poor"),
    # "draft" (started, not submitted) or "waiting" (not started). Suppliers whose declaration
    # is shared with this council, or who refused, are in SHARED and REFUSED below.
    answers: dict[str, str]


NORTH_VALE = DemoCouncil(
    short_name="north-vale",
    name="North Vale District Council",
    statement_url="https://www.northvale.example/modern-slavery-statement",
    pack_author="Bethan Lloyd",
    staff=[
        ("officer@northvale.example", "officer", "Owen Price"),
        ("legal@northvale.example", "legal", "Bethan Lloyd"),
        ("safeguarding@northvale.example", "safeguarding", "Yusuf Ali"),
        ("admin@northvale.example", "admin", "Claire Hughes"),
    ],
    own_suppliers=[
        DemoSupplier("vale-leisure", "Vale Community Leisure Trust", "14328765", "GB", HOSPITALITY, "under-36m", "Megan Rees"),
        DemoSupplier("moorside-lighting", "Moorside Street Lighting Ltd", "13876542", "GB", CONSTRUCTION, "under-36m", "Gareth Jones"),
        DemoSupplier("valley-hygiene", "Valley Washroom Hygiene Ltd", "12876543", "GB", CLEANING, "under-36m", "Dorota Kowalska"),
    ],
    contracts=[
        DemoContract("NVDC-2024-001", "Civic offices and depot cleaning", "Cleaning", "90910000", Decimal("610000"), "2024-04-01", "2027-03-31", "brightwater"),
        DemoContract("NVDC-2021-004", "Residual waste and recycling collection", "Waste", "90511000", Decimal("18200000"), "2021-04-01", "2029-03-31", "recycle"),
        DemoContract("NVDC-2023-012", "Cemeteries and parks grounds maintenance", "Grounds maintenance", "77310000", Decimal("940000"), "2023-04-01", "2027-03-31", "greenleaf"),
        DemoContract("NVDC-2025-003", "Leisure centres management", "Leisure", "92610000", Decimal("3400000"), "2025-04-01", "2035-03-31", "vale-leisure"),
        DemoContract("NVDC-2024-018", "Street lighting maintenance", "Construction", "50232100", Decimal("280000"), "2024-07-01", "2027-06-30", "moorside-lighting"),
        DemoContract("NVDC-2025-021", "Washroom hygiene services", "Cleaning", "90911200", Decimal("38000"), "2025-09-01", "2027-08-31", "valley-hygiene"),
    ],
    tenders=[
        ("NVDC-T-2026-01", "Festive lighting installation", "Electrical", Decimal("85000"), 35,
         ["moorside-lighting", "solar"]),
    ],
    answers={"vale-leisure": "good", "moorside-lighting": "fair", "valley-hygiene": "poor",
             "brightwater": "waiting", "recycle": "waiting"},
)

WESTSHIRE = DemoCouncil(
    short_name="westshire",
    name="Westshire County Council",
    statement_url="https://www.westshire.example/modern-slavery-statement",
    pack_author="Sarah Quinn",
    staff=[
        ("officer@westshire.example", "officer", "Ravi Patel"),
        ("legal@westshire.example", "legal", "Sarah Quinn"),
        ("safeguarding@westshire.example", "safeguarding", "Natalie Ford"),
        ("admin@westshire.example", "admin", "Martin Doyle"),
    ],
    own_suppliers=[
        DemoSupplier("meridian-transport", "Meridian School Transport Ltd", "09654321", "GB", TRANSPORT, "36m-60m", "Kieran Walsh"),
        DemoSupplier("oakhaven-care", "Oakhaven Residential Care Homes Ltd", "08345987", "GB", HEALTH, "60m-100m", "Patience Owusu"),
        DemoSupplier("highfield-surfacing", "Highfield Road Surfacing Ltd", "07987345", "GB", CONSTRUCTION, "100m-500m", "Stuart Baird"),
    ],
    contracts=[
        DemoContract("WCC-2023-101", "Domiciliary care framework, north locality", "Social care", "85312000", Decimal("5600000"), "2023-10-01", "2027-09-30", "carewell"),
        DemoContract("WCC-2024-033", "Corporate electricity supply", "Utilities", "09310000", Decimal("7900000"), "2024-10-01", "2028-09-30", "energy"),
        DemoContract("WCC-2022-087", "Schools' managed IT service", "IT services", "72253000", Decimal("4100000"), "2022-09-01", "2027-08-31", "byteworks"),
        DemoContract("WCC-2025-014", "Highways depot logistics", "Logistics", "63120000", Decimal("1200000"), "2025-04-01", "2028-03-31", "swiftmove"),
        DemoContract("WCC-2024-052", "Home to school transport, lot 3", "Transport", "60130000", Decimal("2300000"), "2024-09-01", "2027-07-31", "meridian-transport"),
        DemoContract("WCC-2025-040", "Residential care placements framework", "Social care", "85311000", Decimal("8800000"), "2025-04-01", "2029-03-31", "oakhaven-care"),
        DemoContract("WCC-2023-066", "Highways resurfacing programme", "Construction", "45233222", Decimal("12500000"), "2023-04-01", "2027-03-31", "highfield-surfacing"),
    ],
    tenders=[
        ("WCC-T-2026-01", "Supported living framework for adults", "Social care", Decimal("2600000"),
         42, ["kindred", "oakhaven-care"]),
    ],
    answers={"oakhaven-care": "good", "meridian-transport": "fair",
             "highfield-surfacing": "draft", "byteworks": "waiting", "swiftmove": "waiting"},
)

PARTNER_COUNCILS = [NORTH_VALE, WESTSHIRE]

# (slug, short name of the council): the supplier shares the declaration it made for the first
# district with that council instead of answering again, so exactly two councils see it.
SHARED = [("carewell", "westshire"), ("greenleaf", "north-vale")]
# (slug, short name of the council): the supplier agreed to share with the council, withdrew its
# consent before the council relied on it, and answered the council's request afresh; the
# council never sees the declaration made for the first district.
REFUSED = [("energy", "westshire")]

# Every demo account, for `supplier-dd demo accounts`: the first district's staff, the
# partnership's consortium admin and each partner council's staff.
STAFF = [*COUNCIL_STAFF, *CONSORTIUM_STAFF, *(row for c in PARTNER_COUNCILS for row in c.staff)]
