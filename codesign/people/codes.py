"""Short codes people type or read aloud: join codes, pseudonyms and withdrawal codes.

Join codes avoid letters and digits that look or sound alike (no I/1, O/0, S/5, B/8, Z/2)
and are matched case-insensitively, ignoring spaces and dashes, so "hkt 479 wxa",
"HKT-479-WXA" and "HKT479WXA" all open the same session.

A join code is three letters, three digits and three letters: about 4.25 billion codes
(`JOIN_CODES`), read aloud in three short groups. With the participant form's lock-out
(`codesign.forms.context.CodeTries`) guessing one is hopeless; `benchmarks/bench_join_codes.py`
measures how hopeless. Sessions made before codes grew keep their six-character codes.
"""

import hashlib
import secrets

LETTERS = "ACDEFHJKMNPRTUVWXY"
DIGITS = "34679"
JOIN_CODE_SHAPE = (LETTERS,) * 3 + (DIGITS,) * 3 + (LETTERS,) * 3
"""The alphabet of each character of a join code, in order."""
JOIN_CODES = len(LETTERS) ** 6 * len(DIGITS) ** 3
WITHDRAWAL_ALPHABET = LETTERS + DIGITS

ADJECTIVES = (
    "Amber",
    "Azure",
    "Bright",
    "Calm",
    "Cedar",
    "Clear",
    "Coral",
    "Crimson",
    "Dawn",
    "Ember",
    "Fern",
    "Golden",
    "Hazel",
    "Indigo",
    "Ivory",
    "Jade",
    "Juniper",
    "Kind",
    "Linen",
    "Maple",
    "Meadow",
    "Misty",
    "Olive",
    "Opal",
    "Pearl",
    "Quiet",
    "River",
    "Rowan",
    "Ruby",
    "Saffron",
    "Sage",
    "Silver",
    "Slate",
    "Solar",
    "Steady",
    "Teal",
    "Velvet",
    "Warm",
    "Willow",
)
NOUNS = (
    "Heron",
    "Kestrel",
    "Lark",
    "Oriole",
    "Robin",
    "Swift",
    "Wren",
    "Finch",
    "Plover",
    "Egret",
    "Ibis",
    "Crane",
    "Falcon",
    "Osprey",
    "Sparrow",
    "Starling",
    "Thrush",
    "Magpie",
    "Curlew",
    "Dove",
    "Owl",
    "Kingfisher",
    "Linnet",
    "Martin",
    "Nightjar",
    "Pipit",
    "Rook",
    "Sandpiper",
    "Stonechat",
    "Tern",
    "Warbler",
    "Waxwing",
    "Bunting",
    "Dunlin",
    "Godwit",
    "Merlin",
    "Peregrine",
    "Redstart",
    "Siskin",
    "Whimbrel",
)


def normalise_join_code(raw: str) -> str:
    """Upper-case and drop everything that is not a letter or digit."""
    return "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())


def new_join_code() -> str:
    """Three letters, three digits, three letters, e.g. `HKT479WXA`; shown as `HKT 479 WXA`."""
    return "".join(secrets.choice(alphabet) for alphabet in JOIN_CODE_SHAPE)


def join_code_from(seed: bytes) -> str:
    """The join code a seed's bytes pick (one byte per character), for stable demo codes."""
    return "".join(
        alphabet[b % len(alphabet)] for alphabet, b in zip(JOIN_CODE_SHAPE, seed, strict=False)
    )


def display_join_code(code: str) -> str:
    """The code in groups of three, easy to read aloud: `HKT 479 WXA` (or `HKT 479`)."""
    return " ".join(code[i : i + 3] for i in range(0, len(code), 3))


def new_pseudonym(taken: set[str]) -> str:
    """A two-word pseudonym not yet used in the group, with a number once words run out."""
    for _ in range(200):
        name = f"{secrets.choice(ADJECTIVES)} {secrets.choice(NOUNS)}"
        if name not in taken:
            return name
    base = f"{secrets.choice(ADJECTIVES)} {secrets.choice(NOUNS)}"
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    return f"{base} {number}"


def new_withdrawal_code() -> str:
    """Ten characters (about 40 bits) given once at consent; only its hash is stored."""
    raw = "".join(secrets.choice(WITHDRAWAL_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def withdrawal_hash(code: str) -> str:
    return hashlib.sha256(normalise_join_code(code).encode()).hexdigest()


def new_resume_token() -> str:
    """A secret the participant's browser tab keeps (never typed), so a reload or a second
    tab carries on as the same person; 192 random bits."""
    return secrets.token_urlsafe(24)


def resume_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
