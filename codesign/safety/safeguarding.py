"""Safeguarding flags: which contributions a facilitator should look at quickly and
privately, because they may disclose abuse or risk, or carry identifying details.

The tool flags; people decide. Rules live in `templates/safeguarding/rules.toml` so each
programme can edit its phrases in every workshop language without touching code. A
`Flag` names a category and a generic reason and never repeats the text, so flags can
be stored, logged and shown on a shared screen without exposing what was written.
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codesign.config import TEMPLATES
from codesign.errors import Invalid
from codesign.safety.redact import LABELS, find_identifiers
from codesign.templates import read_toml

DEFAULT_RULES = TEMPLATES / "safeguarding" / "rules.toml"
LANGUAGES = ("en", "ur", "bn", "pa", "gu", "hi")
IDENTIFYING_DETAIL = "identifying_detail"
IDENTIFIER_REASONS = {
    "phone": "contains a phone number",
    "email": "contains an email address",
    "postcode": "contains a postcode",
    "ni_number": "contains a National Insurance number",
    "nhs_number": "contains an NHS number",
    "address": "contains a street address",
}

_LIST_KEYS = ("phrases", "needs_review", "patterns")
# Same letter, different keyboard: Arabic yeh, alef maksura, kaf and heh as typed for Urdu.
_SPELLING = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ"})


@dataclass(frozen=True)
class Flag:
    """Why a contribution deserves a look: a category and a reason that quotes nothing."""

    category: str
    reason: str


@dataclass(frozen=True)
class Category:
    name: str
    reason: str
    matchers: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Rules:
    """The compiled rules of one file, categories in the file's order."""

    categories: tuple[Category, ...]
    source: Path


def normalise(text: str) -> str:
    """The form both rules and contributions are compared in: NFKC, case-folded, with
    keyboard variants of apostrophes and Urdu letters made one."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_SPELLING)


def _is_latin(char: str) -> bool:
    return (char.isascii() and char.isalnum()) or unicodedata.name(char, "").startswith("LATIN")


def _word_regex(word: str) -> str:
    return re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word)


def _phrase_regex(phrase: str) -> str:
    """A regular expression for one phrase: any spacing between words, and whole words
    at Latin-script edges. Other scripts get no word edges, because their vowel signs
    are not word characters to `re` and would break words apart."""
    words = normalise(phrase).split()
    left = r"(?<!\w)" if _is_latin(words[0][0]) else ""
    right = r"(?!\w)" if _is_latin(words[-1][-1]) else ""
    return left + r"\s+".join(_word_regex(word) for word in words) + right


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
        raise Invalid(f"Safeguarding rules {where}: expected a list of non-empty strings.")
    return value


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise Invalid(f"Safeguarding rules {where}: bad pattern {pattern!r}: {exc}") from exc


def _language_matchers(table: Any, where: str) -> tuple[list[str], list[re.Pattern[str]]]:
    if not isinstance(table, dict) or not set(table) <= set(_LIST_KEYS):
        raise Invalid(f"Safeguarding rules {where}: expected only {', '.join(_LIST_KEYS)}.")
    phrases = _strings(table.get("phrases", []), where)
    phrases += _strings(table.get("needs_review", []), where)
    patterns = [_compile(p, where) for p in _strings(table.get("patterns", []), where)]
    return [_phrase_regex(p) for p in phrases], patterns


def _category(name: str, table: Any, source: str) -> Category:
    where = f"{source} [{name}]"
    if not isinstance(table, dict) or not isinstance(table.get("reason"), str):
        raise Invalid(f"Safeguarding rules {where}: a category needs a reason.")
    unknown = set(table) - {"reason", *LANGUAGES}
    if unknown or name == IDENTIFYING_DETAIL:
        raise Invalid(f"Safeguarding rules {where}: unknown language or reserved name.")
    phrases: list[str] = []
    matchers: list[re.Pattern[str]] = []
    for language in (lang for lang in LANGUAGES if lang in table):
        more_phrases, more_patterns = _language_matchers(table[language], f"{where}.{language}")
        phrases += more_phrases
        matchers += more_patterns
    if phrases:  # one alternation per category keeps checking a long text to one scan
        matchers.insert(0, _compile("|".join(phrases), where))
    if not matchers:
        raise Invalid(f"Safeguarding rules {where}: no phrases or patterns.")
    return Category(name, table["reason"], tuple(matchers))


def load_rules(path: Path | None = None) -> Rules:
    """Read and compile a rules file (default: `templates/safeguarding/rules.toml`).

    Raises `Invalid` naming the file and category when the file has a mistake, so a
    programme lead editing it learns what to fix before a session rather than during one.
    """
    source = path or DEFAULT_RULES
    raw = read_toml(source)
    categories = tuple(_category(name, table, source.name) for name, table in raw.items())
    return Rules(categories, source)


def check(text: str, rules: Rules) -> list[Flag]:
    """Flags for one contribution: each safeguarding category that matches, then one
    flag per kind of identifying detail found (see `codesign.safety.redact`)."""
    normal = normalise(text)
    flags = [
        Flag(category.name, category.reason)
        for category in rules.categories
        if any(matcher.search(normal) for matcher in category.matchers)
    ]
    kinds = {finding.kind for finding in find_identifiers(text)}
    flags += [
        Flag(IDENTIFYING_DETAIL, IDENTIFIER_REASONS[kind]) for kind in LABELS if kind in kinds
    ]
    return flags
