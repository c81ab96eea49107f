"""Reading the editable files under `templates/`: session plans, toolkit sections,
candidate programme components and the consent text.

They are TOML so a programme lead can edit them in any text editor; this module only
parses and checks them, so a typo in a template is reported with the file's name.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codesign.config import TEMPLATES
from codesign.errors import Invalid, NotFound

PHASE_KINDS = ("info", "collect", "cluster", "vote", "feedback", "close")
VOTE_METHODS = ("agree", "dots")
"""How a vote phase asks: agree / disagree / pass on each item, or a budget of dots."""


@dataclass(frozen=True)
class PhasePlan:
    key: str
    name: str
    kind: str
    minutes: int
    prompt: str
    rating: bool = False
    vote: str | None = None


@dataclass(frozen=True)
class SessionPlan:
    slug: str
    title: str
    description: str
    for_groups: tuple[str, ...]
    phases: tuple[PhasePlan, ...]


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NotFound(f"No template file {path.name}.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(f"Template {path.name} is not valid TOML: {exc}") from exc


def _phase(raw: dict[str, Any], source: str) -> PhasePlan:
    if raw.get("kind") not in PHASE_KINDS:
        raise Invalid(f"Template {source}: phase {raw.get('key')!r} has an unknown kind.")
    _check_vote(raw, source)
    return PhasePlan(
        key=raw["key"],
        name=raw["name"],
        kind=raw["kind"],
        minutes=int(raw.get("minutes", 0)),
        prompt=raw.get("prompt", ""),
        rating=bool(raw.get("rating", False)),
        vote=raw.get("vote"),
    )


def _check_vote(raw: dict[str, Any], source: str) -> None:
    """A vote phase names its method, so the phones ask what its prompt says; no other does."""
    where = f"Template {source}: phase {raw.get('key')!r}"
    if raw["kind"] == "vote" and raw.get("vote") not in VOTE_METHODS:
        raise Invalid(f'{where} is a vote: give vote = "agree" or vote = "dots".')
    if raw["kind"] != "vote" and "vote" in raw:
        raise Invalid(f"{where} is not a vote, so it cannot have a vote method.")


def session_plan(slug: str, root: Path = TEMPLATES) -> SessionPlan:
    """Load `templates/sessions/<slug>.toml`."""
    raw = read_toml(root / "sessions" / f"{slug}.toml")
    return SessionPlan(
        slug=slug,
        title=raw["title"],
        description=raw.get("description", ""),
        for_groups=tuple(raw.get("for_groups", ())),
        phases=tuple(_phase(p, slug) for p in raw.get("phases", ())),
    )


def session_plans(root: Path = TEMPLATES) -> list[SessionPlan]:
    return [session_plan(p.stem, root) for p in sorted((root / "sessions").glob("*.toml"))]


def toolkit_sections(root: Path = TEMPLATES) -> list[dict[str, Any]]:
    """The seeded Cultural Competency Toolkit sections: key, title, practice_point, text."""
    return list(read_toml(root / "toolkit" / "sections.toml")["sections"])


def candidate_components(root: Path = TEMPLATES) -> list[dict[str, Any]]:
    """Candidate programme components (key, name, description) that seed clustering."""
    return list(read_toml(root / "programme" / "components.toml")["components"])


def stop_words(root: Path = TEMPLATES) -> dict[str, frozenset[str]]:
    """Words kept out of component labels, per language code (space-separated in the file)."""
    raw = read_toml(root / "languages" / "stopwords.toml")
    return {language: frozenset(table["words"].split()) for language, table in raw.items()}


def consent_text(root: Path = TEMPLATES) -> dict[str, Any]:
    """The versioned consent text: `version` plus one table per language."""
    return read_toml(root / "consent" / "consent.toml")
