"""Languages of the participant forms, through standard gettext catalogues.

Catalogues live in `codesign/locale/<lang>/LC_MESSAGES/codesign.po`, compiled to `.mo`
beside them (`scripts/translations` extracts, updates and compiles them with Babel). At
run time the standard library reads the `.mo` files, so a participant's kernel does not
import Babel. A message with no translation is shown in English behind a visible
marker, never silently, so a reader knows the gap is ours and not theirs.
"""

import gettext
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

DOMAIN = "codesign"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
MISSING_MARKER = "[English] "
DEFAULT = "en"


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    english_name: str
    rtl: bool = False


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "English"),
        Language("ur", "اردو", "Urdu", rtl=True),
        Language("bn", "বাংলা", "Bengali"),
        Language("pa", "ਪੰਜਾਬੀ", "Punjabi (Gurmukhi)"),
        Language("gu", "ગુજરાતી", "Gujarati"),
        Language("hi", "हिन्दी", "Hindi"),
    )
}


def N_(message: str) -> str:
    """Mark a constant for extraction without translating it yet (gettext's convention)."""
    return message


class _MarkMissing(gettext.NullTranslations):
    """The last fallback: English, visibly marked as untranslated."""

    def gettext(self, message: str) -> str:
        return f"{MISSING_MARKER}{message}"


@cache
def _catalogue(code: str) -> gettext.NullTranslations:
    if code == DEFAULT:
        return gettext.NullTranslations()
    try:
        found: gettext.NullTranslations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code])
    except FileNotFoundError:
        found = gettext.NullTranslations()
    found.add_fallback(_MarkMissing())
    return found


class Translator:
    """Translate form text into one language; call it like gettext's `_`."""

    def __init__(self, code: str = DEFAULT) -> None:
        self.language = LANGUAGES.get(code, LANGUAGES[DEFAULT])
        self._catalogue = _catalogue(self.language.code)

    @property
    def code(self) -> str:
        return self.language.code

    @property
    def machine_made(self) -> bool:
        """Every non-English catalogue is machine-made until a native speaker checks it."""
        return self.language.code != DEFAULT

    def __call__(self, message: str, **values: object) -> str:
        text = self._catalogue.gettext(message)
        return text.format(**values) if values else text


def extract_session_plans(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extractor for `templates/sessions/*.toml`: the phase names and prompts
    participants read, so the catalogues translate the standard agendas too."""
    raw = tomllib.loads(fileobj.read().decode("utf-8"))
    for phase in raw.get("phases", ()):
        for field in ("name", "prompt"):
            if phase.get(field):
                yield 0, "", phase[field], [f"Session plan: phase {phase['key']!r}, {field}."]
