"""Fictional but culturally diverse names, drawn from a seeded ``random.Random``.

Each pool pairs given names with family names of the same tradition, so that
the combinations read naturally. No name here refers to a real person.
"""

from __future__ import annotations

import random
import unicodedata

__all__ = ["NAME_POOLS", "NamePool", "draw_name", "slug"]

NamePool = tuple[tuple[str, ...], tuple[str, ...]]

NAME_POOLS: dict[str, NamePool] = {
    "west-african": (
        (
            "Adaeze",
            "Chinedu",
            "Ngozi",
            "Oluwaseun",
            "Folake",
            "Kwame",
            "Ama",
            "Kofi",
            "Yaw",
            "Efua",
            "Tunde",
            "Chiamaka",
        ),
        (
            "Okafor",
            "Adeyemi",
            "Nwosu",
            "Mensah",
            "Asante",
            "Boateng",
            "Okonkwo",
            "Balogun",
            "Owusu",
            "Eze",
        ),
    ),
    "east-african": (
        (
            "Wanjiru",
            "Achieng",
            "Otieno",
            "Kamau",
            "Amani",
            "Zawadi",
            "Baraka",
            "Nia",
            "Makena",
            "Selam",
            "Dawit",
        ),
        (
            "Mwangi",
            "Odhiambo",
            "Kariuki",
            "Njoroge",
            "Kiptoo",
            "Mutua",
            "Abebe",
            "Tesfaye",
            "Haile",
        ),
    ),
    "south-asian": (
        (
            "Priya",
            "Arjun",
            "Ananya",
            "Rohan",
            "Kavya",
            "Vikram",
            "Meera",
            "Aditya",
            "Lakshmi",
            "Karthik",
            "Farhan",
            "Nadia",
        ),
        (
            "Sharma",
            "Iyer",
            "Patel",
            "Reddy",
            "Nair",
            "Chatterjee",
            "Rao",
            "Menon",
            "Khan",
            "Gupta",
            "Das",
        ),
    ),
    "chinese": (
        ("Wei", "Mei", "Jun", "Xiaoling", "Hao", "Lan", "Yu", "Zhen", "Jing", "Lei"),
        ("Wang", "Li", "Zhang", "Chen", "Liu", "Huang", "Zhao", "Wu", "Lin", "Zhou"),
    ),
    "japanese": (
        ("Haruto", "Yui", "Sakura", "Kenji", "Aiko", "Ren", "Hana", "Daiki", "Emi"),
        ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi"),
    ),
    "korean": (
        ("Min-jun", "Seo-yeon", "Ji-woo", "Ha-eun", "Do-hyun", "Soo-ah", "Jae-won"),
        ("Kim", "Park", "Lee", "Choi", "Jung", "Kang", "Yoon", "Han"),
    ),
    "vietnamese": (
        ("Linh", "Minh", "Thảo", "Hương", "Đức", "Quang", "Mai", "Tuấn"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng"),
    ),
    "filipino": (
        ("Maria", "Jose", "Andrea", "Paolo", "Camille", "Miguel", "Bea", "Rafael"),
        ("Santos", "Reyes", "Cruz", "Bautista", "Mendoza", "Villanueva", "Aquino"),
    ),
    "arabic": (
        (
            "Omar",
            "Layla",
            "Youssef",
            "Fatima",
            "Karim",
            "Amira",
            "Hassan",
            "Salma",
            "Rania",
            "Tariq",
        ),
        ("Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "El-Amin", "Farouk", "Hamdan", "Aziz"),
    ),
    "turkish": (
        ("Elif", "Emre", "Zeynep", "Mehmet", "Ayşe", "Burak", "Deniz", "Selin"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk", "Arslan"),
    ),
    "persian": (
        ("Dariush", "Shirin", "Arash", "Parisa", "Kian", "Niloufar", "Babak", "Roxana"),
        ("Ahmadi", "Hosseini", "Karimi", "Rahimi", "Tehrani", "Moradi", "Farahani"),
    ),
    "hebrew": (
        ("Noa", "Yael", "Eitan", "Tamar", "Avi", "Maya", "Itai"),
        ("Cohen", "Levi", "Mizrahi", "Friedman", "Peretz", "Ben-David"),
    ),
    "hispanic": (
        (
            "Lucía",
            "Mateo",
            "Sofía",
            "Diego",
            "Valentina",
            "Javier",
            "Camila",
            "Andrés",
            "Isabel",
            "Carmen",
            "Pablo",
        ),
        (
            "García",
            "Rodríguez",
            "Martínez",
            "López",
            "Hernández",
            "Díaz",
            "Morales",
            "Castillo",
            "Romero",
            "Vargas",
            "Núñez",
        ),
    ),
    "lusophone": (
        ("João", "Ana", "Beatriz", "Tiago", "Mariana", "Rafael", "Inês", "Gustavo", "Larissa"),
        (
            "Silva",
            "Santos",
            "Oliveira",
            "Souza",
            "Pereira",
            "Costa",
            "Ferreira",
            "Almeida",
            "Carvalho",
        ),
    ),
    "french": (
        (
            "Camille",
            "Louis",
            "Chloé",
            "Hugo",
            "Léa",
            "Antoine",
            "Manon",
            "Julien",
            "Élodie",
            "Mathieu",
            "Margaux",
        ),
        (
            "Martin",
            "Bernard",
            "Dubois",
            "Moreau",
            "Laurent",
            "Lefebvre",
            "Fontaine",
            "Girard",
            "Roux",
            "Mercier",
            "Blanchard",
        ),
    ),
    "germanic": (
        (
            "Lukas",
            "Hannah",
            "Jonas",
            "Lena",
            "Felix",
            "Anja",
            "Maximilian",
            "Sanne",
            "Daan",
            "Femke",
        ),
        (
            "Müller",
            "Schmidt",
            "Becker",
            "Hoffmann",
            "Wagner",
            "de Vries",
            "Jansen",
            "van Dijk",
            "Bakker",
            "Visser",
        ),
    ),
    "nordic": (
        ("Astrid", "Erik", "Ingrid", "Lars", "Sigrid", "Nils", "Freja", "Mikkel", "Saga", "Oskar"),
        (
            "Andersson",
            "Johansson",
            "Nilsen",
            "Hansen",
            "Lindqvist",
            "Berg",
            "Larsen",
            "Eriksson",
            "Sørensen",
        ),
    ),
    "slavic": (
        (
            "Katarzyna",
            "Piotr",
            "Agnieszka",
            "Tomasz",
            "Olena",
            "Dmytro",
            "Ivana",
            "Marek",
            "Zofia",
            "Bogdan",
        ),
        (
            "Nowak",
            "Kowalczyk",
            "Shevchenko",
            "Kovalenko",
            "Horvat",
            "Novák",
            "Bondarenko",
            "Petrović",
            "Jovanović",
        ),
    ),
    "anglo": (
        (
            "Olivia",
            "James",
            "Amelia",
            "Noah",
            "Grace",
            "Oliver",
            "Ella",
            "Henry",
            "Chloe",
            "Samuel",
            "Ruby",
        ),
        (
            "Smith",
            "Johnson",
            "Taylor",
            "Brown",
            "Walker",
            "Wright",
            "Thompson",
            "Evans",
            "Hughes",
            "O'Brien",
            "Murphy",
            "MacLeod",
        ),
    ),
    "italian": (
        ("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Matteo", "Sara"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Greco", "Marino"),
    ),
    "greek": (
        ("Eleni", "Nikos", "Dimitra", "Giorgos", "Katerina", "Yannis", "Sofia"),
        ("Papadopoulos", "Georgiou", "Christodoulou", "Nikolaidis", "Vlachos", "Alexiou"),
    ),
}

_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "ı": "i"})


def slug(text: str) -> str:
    """``"Nguyễn"`` -> ``"nguyen"``, ``"de Vries"`` -> ``"devries"``: for e-mail addresses."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in plain if ch.isascii() and (ch.isalnum() or ch == "-"))


def draw_name(
    rng: random.Random,
    taken: set[str],
    *,
    tradition: str | None = None,
    family: str | None = None,
    avoid_family: str | None = None,
) -> tuple[str, str, str]:
    """A new ``(tradition, given, family)`` whose full name is not in ``taken`` (then added).

    ``tradition`` and ``family`` pin the pool and the family name (for kin);
    ``avoid_family`` keeps a family name for kin only.
    """
    traditions = sorted(NAME_POOLS)
    for _ in range(1000):
        pool = tradition or rng.choice(traditions)
        given_names, family_names = NAME_POOLS[pool]
        given = rng.choice(given_names)
        surname = family or rng.choice(family_names)
        full = f"{given} {surname}"
        if full not in taken and (family is not None or surname != avoid_family):
            taken.add(full)
            return pool, given, surname
    raise RuntimeError("ran out of distinct demo names")
