"""The fictional world of the demo: one organisation per InVS15 department.

My own department becomes my employer; every other department becomes another
organisation, so the ledger reads like a networker's world: colleagues, and
people across research, government, start-ups, finance, media and publishing.
The domains use the reserved ``.example`` top-level domain (RFC 2606).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ORGANISATIONS", "Org"]


@dataclass(frozen=True)
class Org:
    name: str
    domain: str
    industry: str
    city: str
    tag: str
    titles: tuple[str, ...]
    topics: tuple[str, ...]
    offers: tuple[str, ...]
    needs: tuple[str, ...]


ORGANISATIONS: dict[str, Org] = {
    "DMI": Org(
        "Northwind Public Health Lab",
        "northwind-lab.example",
        "public health research",
        "Lyon",
        "public-health",
        (
            "Epidemiologist",
            "Senior Epidemiologist",
            "Research Scientist",
            "Data Analyst",
            "Outbreak Response Lead",
            "Field Investigator",
        ),
        (
            "epidemiology",
            "outbreak response",
            "infectious disease modelling",
            "vaccination",
            "biostatistics",
            "surveillance systems",
        ),
        ("outbreak data analysis", "advice on study design", "a guest lecture"),
        ("a data engineer", "funding for a cohort study", "media training"),
    ),
    "DSE": Org(
        "Greenline Environmental",
        "greenline-env.example",
        "environmental consulting",
        "Lyon",
        "environment",
        ("Environmental Scientist", "Air Quality Engineer", "Project Manager", "Toxicologist"),
        ("air quality", "water safety", "climate adaptation", "toxicology", "environmental policy"),
        ("air-quality sensors on loan", "reviews of impact assessments"),
        ("health data for a heat-wave study", "a partner for an EU bid"),
    ),
    "DST": Org(
        "Workwell Occupational Health",
        "workwell.example",
        "occupational health services",
        "Villeurbanne",
        "occupational-health",
        ("Occupational Physician", "Ergonomist", "Safety Consultant", "Health and Safety Manager"),
        ("workplace safety", "ergonomics", "burnout prevention", "occupational medicine"),
        ("a workplace wellbeing audit", "advice on return-to-work plans"),
        ("clients in logistics", "a survey methodologist"),
    ),
    "DMCT": Org(
        "Meridian Health Analytics",
        "meridian-health.example",
        "health technology",
        "Lyon",
        "health-tech",
        ("Data Scientist", "Machine Learning Engineer", "Product Manager", "CTO", "Co-founder"),
        ("machine learning", "health data", "product management", "startups", "chronic disease"),
        ("beta access to their platform", "advice on fundraising"),
        ("hospital pilot sites", "a clinical advisor", "seed investors"),
    ),
    "DISQ": Org(
        "Quorum Research Institute",
        "quorum-research.example",
        "survey research",
        "Grenoble",
        "research",
        ("Survey Methodologist", "Statistician", "Research Director", "Field Coordinator"),
        ("survey design", "statistics", "public opinion", "sampling"),
        ("questionnaire reviews", "a panel of 5,000 respondents"),
        ("a visualisation designer", "clients in the health sector"),
    ),
    "DCAR": Org(
        "Coastal Regional Health Authority",
        "crha.example",
        "government",
        "Marseille",
        "government",
        ("Policy Advisor", "Regional Coordinator", "Programme Officer", "Deputy Director"),
        ("health policy", "public procurement", "regional planning", "crisis management"),
        ("a seat on the regional advisory board", "procurement know-how"),
        ("evidence for a vaccination campaign", "speakers for a regional forum"),
    ),
    "DG": Org(
        "Halden & Partners",
        "halden-partners.example",
        "executive search and advisory",
        "Paris",
        "leadership",
        ("Partner", "Managing Director", "Associate", "Chief of Staff"),
        ("leadership", "governance", "executive search", "strategy"),
        ("board introductions", "candid career advice"),
        ("candidates for a CEO search", "a scientific advisor for a client"),
    ),
    "SRH": Org(
        "PeopleFirst Talent",
        "peoplefirst.example",
        "recruiting and HR",
        "Lyon",
        "people",
        ("Talent Partner", "HR Business Partner", "Recruiter", "Head of People"),
        ("hiring", "human resources", "coaching", "diversity and inclusion"),
        ("salary benchmarks", "interview coaching"),
        ("data scientists to place", "a speaker on inclusive hiring"),
    ),
    "SFLE": Org(
        "Ledgerline Capital",
        "ledgerline.example",
        "impact investing",
        "Geneva",
        "finance",
        ("Investment Associate", "Principal", "CFO", "Fund Manager"),
        ("impact investing", "venture capital", "grant funding", "financial planning"),
        ("warm intros to investors", "a read of a pitch deck"),
        ("deal flow in health tech", "a due-diligence expert on epidemiology"),
    ),
    "SSI": Org(
        "Byteforge Systems",
        "byteforge.example",
        "software consultancy",
        "Lisbon",
        "tech",
        ("Software Engineer", "Solutions Architect", "DevOps Engineer", "Engineering Manager"),
        ("cloud infrastructure", "data engineering", "security", "python"),
        ("a code review", "help with a data pipeline"),
        ("public-sector clients", "a product manager"),
    ),
    "SCOM": Org(
        "Brightwave Media",
        "brightwave.example",
        "media and communications",
        "Paris",
        "media",
        ("Science Journalist", "Editor", "Communications Director", "Podcast Producer"),
        ("science journalism", "storytelling", "public relations", "podcasting"),
        ("media training", "a slot on their podcast"),
        ("experts to interview", "stories about outbreaks"),
    ),
    "SDOC": Org(
        "Old Quarry Press",
        "oldquarry.example",
        "publishing",
        "Montreal",
        "publishing",
        ("Commissioning Editor", "Librarian", "Publisher", "Archivist"),
        ("publishing", "open access", "archives", "knowledge management"),
        ("feedback on a book proposal", "access to their archive"),
        ("authors on public health", "a reviewer for a series"),
    ),
}

MY_TITLE = "Head of Partnerships"
