"""The forms' catalogues: complete, compiled, honest about machine translation and gaps."""

import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from codesign import templates
from codesign.config import PROJECT_ROOT
from codesign.forms import core_messages
from codesign.forms.i18n import LANGUAGES, LOCALE_DIR, MISSING_MARKER, Translator

TRANSLATED = [code for code in LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"\{\w+\}")


def _extracted() -> set[Any]:
    """Every message Babel finds with the project's own mapping (babel.cfg)."""
    from babel.messages.frontend import parse_mapping_cfg

    with (PROJECT_ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(
        PROJECT_ROOT, method_map, options_map, keywords={"N_": None}, strip_comment_tags=True
    )
    return {message for _file, _line, message, _comments, _context in found if message}


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    return _extracted()


def _catalogue(code: str) -> dict[Any, tuple[Any, list[str], set[str]]]:
    with (LOCALE_DIR / code / "LC_MESSAGES" / "codesign.po").open("rb") as po:
        return {
            m.id: (m.string, m.user_comments, set(m.flags))
            for m in read_po(po, locale=code)
            if m.id
        }


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_and_marked_machine_made(
    code: str, extracted: set[str]
) -> None:
    catalogue = _catalogue(code)
    assert extracted <= set(catalogue), sorted(extracted - set(catalogue))[:5]
    for msgid in extracted:
        text, comments, flags = catalogue[msgid]
        assert text and "fuzzy" not in flags, msgid
        assert any("Machine translation" in c for c in comments), msgid
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), msgid


@pytest.mark.parametrize("code", TRANSLATED)
def test_compiled_catalogues_match_their_sources(code: str) -> None:
    mo = LOCALE_DIR / code / "LC_MESSAGES" / "codesign.mo"
    with mo.open("rb") as compiled:
        read = gettext.GNUTranslations(compiled)
    for msgid, (text, _comments, _flags) in _catalogue(code).items():
        assert read.gettext(msgid) == text, f"{mo} is stale: run scripts/translations"


def test_a_missing_translation_is_marked_not_silent() -> None:
    tr = Translator("ur")
    assert tr("Send") != "Send" and not tr("Send").startswith(MISSING_MARKER)
    assert tr("A sentence nobody translated.") == f"{MISSING_MARKER}A sentence nobody translated."
    assert Translator("en")("A sentence nobody translated.") == "A sentence nobody translated."
    assert Translator("ur").language.rtl and not Translator("bn").language.rtl


def test_core_messages_listed_for_translation_still_exist() -> None:
    source = "".join(
        p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "codesign").rglob("*.py")
    )
    flat = re.sub(r'"\s+"', "", source)  # join implicitly concatenated string literals
    for message in core_messages.PARTICIPANT_FACING:
        assert message in flat, f"no longer raised by the core: {message!r}"


@pytest.mark.parametrize(
    "module", ["workshop/contributions", "workshop/votes", "advisory/feedback", "workshop/sessions"]
)
def test_every_constant_error_a_participant_can_meet_is_listed(module: str) -> None:
    source = (PROJECT_ROOT / "codesign" / f"{module}.py").read_text(encoding="utf-8")
    raised = re.findall(r'raise (?:NotFound|Invalid|Conflict|ConsentMissing|Closed)\("([^"]+)"\)',
                        source)  # fmt: skip
    staff_only = {
        "A session needs a title.",
        "Could not find a free join code; try again.",
        "That phase is not on this session's agenda.",
        "Please choose agree, disagree or pass.",
        "Please choose idea, proposal, concern or question.",
        "Please choose suggestion, concern, question or endorsement.",
        "Priority must be low, medium or high.",
        "That language is not supported.",
        "One batch of contributions goes into one session.",
    }  # the forms offer only valid choices; these reach staff through the CLI and imports
    missing = set(raised) - staff_only - set(core_messages.PARTICIPANT_FACING)
    assert not missing


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_consent_text_exists_in_every_language(code: str) -> None:
    raw = templates.consent_text()
    english, table = raw["en"], raw[code]
    assert set(table) == set(english)
    assert table["body"].count("**") == english["body"].count("**")
    assert "0808 2000 247" in table["body"] and "999" in table["body"]


def test_locale_files_are_the_ones_the_package_ships() -> None:
    shipped = {p.parent.parent.name for p in Path(LOCALE_DIR).glob("*/LC_MESSAGES/codesign.mo")}
    assert shipped == set(TRANSLATED)
