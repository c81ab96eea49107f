"""Which of the workshop languages a text is written in, read from its letters.

Imported notes arrive without a language, yet direction, fonts, the per-language view,
clustering (which removes each language's own direction from the sentence vectors) and
component labels ("written in English and Urdu") all need one.

Each of the six languages the groups write has its own script, except that English and
romanised Urdu/Hindi share Latin letters, so detection is by script first:

- Arabic script is read as Urdu, Devanagari as Hindi, Bengali as Bengali, Gurmukhi as
  Punjabi and Gujarati as Gujarati (Shahmukhi Punjabi is also written in Arabic script
  and comes out as Urdu: letters alone cannot tell them apart).
- A text whose letters are mostly Latin but which also holds at least `MIXED_SHARE` of
  South Asian letters ("رہائش housing support چاہیے") counts as the South Asian
  language: English words are routinely mixed into Urdu or Bengali sentences.
- Latin text with enough everyday Urdu/Hindi function words ("hamein apni zaban mein
  baat karne wala chahiye") is `ROMANISED` (the words counted are the romanised list
  in `templates/languages/stopwords.toml`, less any English word). The two languages
  cannot be told apart in Latin letters, and "hi-Latn" is the tag in common use for
  romanised Hindustani; it is shown as "romanised Urdu/Hindi".
- Text with no letters at all (emoji, numbers) is "und", as before.

No statistical model is needed, and none would do better here: the common language
identifiers do not know romanised Urdu/Hindi, and a wrong script guess is impossible.
"""

import re
import unicodedata
from collections import Counter
from functools import cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from codesign import templates

ROMANISED = "hi-Latn"
UNDETERMINED = "und"
MIXED_SHARE = 0.3
ROMANISED_SHARE = 0.25
ROMANISED_MIN = 2

NAMES = {
    "en": "English",
    "ur": "Urdu",
    "bn": "Bengali",
    "pa": "Punjabi",
    "gu": "Gujarati",
    "hi": "Hindi",
    ROMANISED: "romanised Urdu/Hindi",
    UNDETERMINED: "undetermined",
}

SCRIPTS: dict[str, tuple[tuple[int, int], ...]] = {
    "ur": (
        (0x0600, 0x06FF),
        (0x0750, 0x077F),
        (0x08A0, 0x08FF),
        (0xFB50, 0xFDFF),
        (0xFE70, 0xFEFF),
    ),
    "hi": ((0x0900, 0x097F), (0xA8E0, 0xA8FF)),
    "bn": ((0x0980, 0x09FF),),
    "pa": ((0x0A00, 0x0A7F),),
    "gu": ((0x0A80, 0x0AFF),),
}
"""Unicode blocks of each South Asian script, keyed by the language it is read as."""

_WORD = re.compile(r"[A-Za-z]+")


@cache
def _script_of(char: str) -> str | None:
    """The language whose script `char` belongs to, "latin", or None for a non-letter.

    Cached: a session's notes use a few hundred distinct characters, and re-clustering
    500 proposals reads every one of their letters several times."""
    code = ord(char)
    for language, blocks in SCRIPTS.items():
        if any(low <= code <= high for low, high in blocks):
            return language if unicodedata.category(char)[0] in "LM" else None
    if unicodedata.category(char).startswith("L") and code < 0x0250:
        return "latin"
    return None


@cache
def _markers() -> frozenset[str]:
    """Romanised Urdu/Hindi function words that are not also English words ("is", "to")."""
    stop = templates.stop_words()
    return stop[ROMANISED] - stop["en"] - ENGLISH_STOP_WORDS


def _romanised(text: str) -> bool:
    words = [w.lower() for w in _WORD.findall(text)]
    markers = sum(w in _markers() for w in words)
    return markers >= ROMANISED_MIN and markers >= ROMANISED_SHARE * len(words)


def detect(text: str) -> str:
    """The language code of `text`: en, ur, bn, pa, gu, hi, hi-Latn, or und (no letters)."""
    counts = Counter(s for s in map(_script_of, unicodedata.normalize("NFC", text)) if s)
    if not counts:
        return UNDETERMINED
    latin = counts.pop("latin", 0)
    if counts:
        language, letters = counts.most_common(1)[0]
        if letters >= MIXED_SHARE * (letters + latin):
            return language
    return ROMANISED if _romanised(text) else "en"


def name(code: str) -> str:
    """A language code as a facilitator reads it ("ur" → "Urdu")."""
    return NAMES.get(code, code)


def among(texts: list[str]) -> list[str]:
    """The languages `texts` were written in, most used first (emoji-only notes have none)."""
    counts = Counter(detect(text) for text in texts)
    counts.pop(UNDETERMINED, None)
    return [code for code, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
