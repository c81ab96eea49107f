"""Suggest programme components by grouping short proposals by what they mean.

Facilitators get a first grouping to edit, not a verdict. The South Asian Co-Design
Group writes in English, Urdu, Bengali, Punjabi, Gujarati and Hindi, often mixed and
often romanised, so proposals must meet by meaning, not by script: a TF-IDF grouping
sorted the same sentences by language almost perfectly and by topic not at all.

Two representations, measured side by side in `benchmarks/bench_clustering.py`:

- "multilingual" (the default where it runs): sentence vectors from
  `codesign.methods.embedding` (multilingual-e5-small, shipped inside an installed
  package), each language's measured offset removed (`embedding.align`), then what is
  left of each language's direction in the set itself (`embedding.balance`). Callers that
  cache vectors pass them in; otherwise they are computed here.
- "tfidf" (the fallback where the embedding engine cannot run): NFKC-normalised TF-IDF
  over word 1–2-grams and character 2–5-grams inside word boundaries, blended 35/65,
  reduced by LSA (100 dimensions) from 50 texts up. It copes with misspellings but
  groups by script.

Then, for either: candidate components ("seeds") claim the texts whose cosine
similarity to them is at least the method's threshold (TF-IDF: 0.12; multilingual:
0.3 after removing the direction all its vectors share, `embedding.centred`; both
calibrated on small mixed-language sets where related texts scored 0.12–0.35 and
0.33–0.57, unrelated ones at most 0.09 and 0.21); k-means with a fixed seed
clusters the rest, `k` chosen by the mean cosine silhouette over
2..min(30, ceil(sqrt(n))) when not given (searched on at most 1,500 texts).

Labels are what a facilitator reads first, so they are built to be usable: keywords
by class-based TF-IDF (BERTopic's c-TF-IDF) over whole words and adjacent word pairs,
never a stop word of any of the six languages (`templates/languages/stopwords.toml`),
never a number (callers redact identifiers before labelling); two representative
proposals (the members nearest the centre); and the languages the members were
written in, read from their letters (`codesign.methods.languages`).
"""

from __future__ import annotations

import itertools
import math
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeAlias, cast

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from codesign import templates
from codesign.methods import embedding, languages

RANDOM_STATE = 0
WORD_WEIGHT = 0.35
SVD_DIMENSIONS = 100
SVD_MIN_TEXTS = 50
METHODS = ("multilingual", "tfidf")
SEED_THRESHOLDS = {"tfidf": 0.12, "multilingual": 0.3}
SILHOUETTE_SAMPLE = 1500
REPRESENTATIVES = 2
CHAR_NGRAMS = (2, 5)
FALLBACK_LABEL = 40
MATCH_THRESHOLD = 0.5
LANGUAGE_SHRINK = 2

Matrix: TypeAlias = np.ndarray | sp.csr_matrix


@dataclass(frozen=True, eq=False)
class Seed:
    """A candidate component offered to the clustering.

    `vector`, when given, stands for the seed in the multilingual space instead of its
    words: an edited component passes the mean of its members' aligned vectors, which
    are cached, so re-clustering after an edit needs no new encoding.
    """

    name: str
    description: str
    vector: np.ndarray | None = None


@dataclass(frozen=True)
class Component:
    """One suggested programme component: indexes into the input texts."""

    label: str
    keywords: list[str]
    members: list[int]
    representatives: list[int]
    seed: str | None = None
    languages: list[str] = field(default_factory=list)


def method_for(requested: str = "auto") -> str:
    """The representation to use: "auto" is multilingual wherever its engine runs."""
    if requested == "auto":
        return "multilingual" if embedding.available() else "tfidf"
    if requested not in METHODS:
        raise ValueError(f"unknown method {requested!r}: use 'auto', 'multilingual' or 'tfidf'")
    return requested


def suggest_components(
    texts: Sequence[str],
    k: int | None = None,
    seeds: Sequence[Seed | tuple[str, str]] = (),
    max_keywords: int = 6,
    seed_threshold: float | None = None,
    method: str = "auto",
    vectors: np.ndarray | None = None,
    progress: embedding.Progress | None = None,
) -> list[Component]:
    """Group `texts` into components; every text lands in exactly one.

    `k` is the number of *new* components (beside any seeded ones); None picks it
    automatically. `seeds` claim texts at `seed_threshold` or more (None: the method's
    default); seeds that claim no text are left out. `vectors`, one raw embedding row per
    text, spare encoding them again; `progress(done, total)` follows the encoding. Blank
    texts form their own component labelled "(no text)".
    """
    chosen = method_for(method)
    normalised = [unicodedata.normalize("NFKC", text).strip() for text in texts]
    filled = [i for i, text in enumerate(normalised) if text]
    blank = [i for i, text in enumerate(normalised) if not text]
    offered = [s if isinstance(s, Seed) else Seed(*s) for s in seeds]
    threshold = SEED_THRESHOLDS[chosen] if seed_threshold is None else seed_threshold
    components: list[Component] = []
    if filled:
        given = None if vectors is None else np.asarray(vectors)[filled]
        points, seed_points = _represent(
            chosen, [normalised[i] for i in filled], offered, given, progress
        )
        components = _components_for(
            normalised, filled, points, seed_points, offered, k, threshold, max_keywords
        )
    if blank:
        components.append(Component("(no text)", [], blank, blank[:REPRESENTATIVES]))
    return components


def _represent(
    method: str,
    texts: list[str],
    seeds: list[Seed],
    vectors: np.ndarray | None,
    progress: embedding.Progress | None,
) -> tuple[Matrix, Matrix]:
    """Unit vectors for texts and seeds in one shared space."""
    if method == "tfidf":
        return _tfidf_features(texts, [f"{s.name}. {s.description}" for s in seeds])
    raw = embedding.encode(texts, progress) if vectors is None else vectors
    return aligned(raw, texts), _seed_vectors(seeds)


def aligned(vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Raw embeddings of `texts` with each text's language offset removed."""
    return embedding.align(vectors, [languages.detect(text) for text in texts])


def _seed_vectors(seeds: list[Seed]) -> np.ndarray:
    """Seeds' own vectors, or their encoded "name. description" when they have none."""
    if not seeds:
        return np.zeros((0, embedding.DIMENSIONS), np.float32)
    rows = [s.vector for s in seeds]
    missing = [i for i, row in enumerate(rows) if row is None]
    if missing:
        words = [f"{seeds[i].name}. {seeds[i].description}" for i in missing]
        for i, row in zip(missing, _encoded_seeds(tuple(words)), strict=True):
            rows[i] = row
    return normalize(np.stack(cast(list[np.ndarray], rows)))


@cache
def _encoded_seeds(words: tuple[str, ...]) -> np.ndarray:
    """Template seeds recur on every run in a notebook: encode each set once per process."""
    return aligned(embedding.encode(words), words)


def _components_for(
    texts: list[str],
    filled: list[int],
    points: Matrix,
    seed_points: Matrix,
    seeds: list[Seed],
    k: int | None,
    threshold: float,
    max_keywords: int,
) -> list[Component]:
    """Claim texts for seeds, cluster the rest, and describe each cluster."""
    labels = _seed_labels(*_for_seeding(points, seed_points), threshold)
    free = np.flatnonzero(labels < 0)
    chosen = [texts[i] for i in filled]
    if free.size:
        rest = _balanced(points[free], [chosen[i] for i in free])
        labels[free] = len(seeds) + _cluster(_reduce(rest), k)
    return _describe(chosen, filled, points, labels, [s.name for s in seeds], max_keywords)


def _balanced(points: Matrix, texts: list[str]) -> Matrix:
    """Sentence vectors with what is left of each language's direction in this set removed
    (`embedding.balance`), so k-means groups by meaning; TF-IDF as is. Only the texts
    k-means groups are balanced: seeds and their claims stay in the aligned space that
    edited components' vectors are taken in."""
    if sp.issparse(points):
        return points
    return embedding.balance(points, [languages.detect(t) for t in texts], LANGUAGE_SHRINK)


def _for_seeding(points: Matrix, seed_points: Matrix) -> tuple[Matrix, Matrix]:
    """Sentence vectors judged against seeds without their shared direction; TF-IDF as is."""
    if sp.issparse(points) or seed_points.shape[0] == 0:
        return points, seed_points
    return embedding.centred(points), embedding.centred(seed_points)


def _tfidf_features(texts: list[str], seed_texts: list[str]) -> tuple[Matrix, Matrix]:
    """Word and character TF-IDF blocks, fitted on texts and seeds together."""
    corpus = texts + seed_texts
    min_df = 2 if len(corpus) >= SVD_MIN_TEXTS else 1
    word = TfidfVectorizer(
        token_pattern=_token_pattern(), ngram_range=(1, 2), sublinear_tf=True, min_df=min_df
    )
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, min_df=min_df
    )
    blocks = [_safe_fit(word, corpus), _safe_fit(char, corpus)]
    weights = [math.sqrt(WORD_WEIGHT), math.sqrt(1 - WORD_WEIGHT)]
    stacked = sp.hstack([w * normalize(b) for w, b in zip(weights, blocks, strict=True)]).tocsr()
    stacked = normalize(stacked)
    return stacked[: len(texts)], stacked[len(texts) :]


def _safe_fit(vectorizer: CountVectorizer, corpus: list[str]) -> sp.csr_matrix:
    """Fit-transform, or an empty block when the texts have no usable token."""
    try:
        return vectorizer.fit_transform(corpus)
    except ValueError:  # empty vocabulary: only punctuation, or min_df pruned everything
        return sp.csr_matrix((len(corpus), 1))


def _seed_labels(vectors: Matrix, seed_vectors: Matrix, threshold: float) -> np.ndarray:
    """Index of the most similar seed per text, or -1 below the threshold."""
    labels = np.full(vectors.shape[0], -1)
    if seed_vectors.shape[0] == 0:
        return labels
    similarity = _dense(vectors @ seed_vectors.T)
    best = similarity.argmax(axis=1)
    claimed = similarity[np.arange(len(best)), best] >= threshold
    labels[claimed] = best[claimed]
    return labels


def _reduce(vectors: Matrix) -> np.ndarray:
    """LSA to `SVD_DIMENSIONS` (when the data allow), then back to unit length."""
    n, d = vectors.shape
    if sp.issparse(vectors) and n >= SVD_MIN_TEXTS and d > SVD_DIMENSIONS:
        svd = TruncatedSVD(min(SVD_DIMENSIONS, n - 1), random_state=RANDOM_STATE)
        return normalize(svd.fit_transform(vectors))
    return normalize(_dense(vectors))


def _dense(matrix: Matrix) -> np.ndarray:
    return cast(Any, matrix).toarray() if sp.issparse(matrix) else np.asarray(matrix)


def _cluster(points: np.ndarray, k: int | None) -> np.ndarray:
    """Cluster labels 0..k-1, with k capped by the number of distinct points."""
    distinct = len(np.unique(points.round(9), axis=0))
    if k is None:
        k = _auto_k(points, distinct)
    k = max(1, min(k, distinct))
    if k == 1:
        return np.zeros(len(points), dtype=int)
    return _kmeans(points, k)


def _kmeans(points: np.ndarray, k: int, n_init: int = 10) -> np.ndarray:
    model = KMeans(n_clusters=k, n_init=n_init, random_state=RANDOM_STATE)
    return model.fit_predict(points)


def _max_auto_k(n: int) -> int:
    """Largest k tried automatically: ceil(sqrt(n)), at most 30."""
    return min(30, math.ceil(math.sqrt(n)))


def _auto_k(points: np.ndarray, distinct: int) -> int:
    """Best mean cosine silhouette over 2..max; 1 or 2 distinct texts keep that many.

    Searched on a fixed sample of at most `SILHOUETTE_SAMPLE` points with one
    k-means start per k, which keeps 10,000 texts within a few seconds.
    """
    if distinct <= 2:
        return distinct
    top = _max_auto_k(len(points))
    if len(points) > SILHOUETTE_SAMPLE:
        rng = np.random.default_rng(RANDOM_STATE)
        points = points[rng.choice(len(points), SILHOUETTE_SAMPLE, replace=False)]
        distinct = len(np.unique(points.round(9), axis=0))
    top = min(top, distinct - 1)
    distances = np.clip(1 - points @ points.T, 0, 2)
    np.fill_diagonal(distances, 0)
    scores = {k: _silhouette(distances, _kmeans(points, k, n_init=1)) for k in range(2, top + 1)}
    return max(scores, key=lambda k: (scores[k], -k)) if scores else 1


def _silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    if len(set(labels.tolist())) < 2:
        return -1.0
    return float(silhouette_score(distances, labels, metric="precomputed"))


def _describe(
    texts: list[str],
    indexes: list[int],
    vectors: Matrix,
    labels: np.ndarray,
    seeds: list[str],
    max_keywords: int,
) -> list[Component]:
    """Turn cluster labels into Components, seeded first, then by size."""
    used = sorted(set(labels.tolist()), key=lambda c: (c >= len(seeds), -np.sum(labels == c), c))
    keywords = _class_keywords(texts, labels, used, max_keywords)
    components = []
    for cluster, words in zip(used, keywords, strict=True):
        rows = np.flatnonzero(labels == cluster)
        seed = seeds[cluster] if cluster < len(seeds) else None
        nearest = _nearest_centroid(vectors, rows)
        components.append(
            Component(
                label=seed or _short_label(words, texts[nearest[0]]),
                keywords=words,
                members=[indexes[r] for r in rows],
                representatives=[indexes[r] for r in nearest],
                seed=seed,
                languages=languages.among([texts[r] for r in rows]),
            )
        )
    return components


def typical(vectors: np.ndarray, texts: Sequence[str]) -> list[int]:
    """Indexes of the `REPRESENTATIVES` texts nearest the centre of their (raw) vectors."""
    if not texts:
        return []
    return _nearest_centroid(aligned(vectors, texts), np.arange(len(texts))).tolist()


def _nearest_centroid(vectors: Matrix, rows: np.ndarray) -> np.ndarray:
    """The members most similar to their cluster's mean direction."""
    members = vectors[rows]
    centroid = np.asarray(members.mean(axis=0)).ravel()
    similarity = np.asarray(members @ centroid).ravel()
    return rows[np.argsort(-similarity, kind="stable")[:REPRESENTATIVES]]


def _class_keywords(
    texts: list[str], labels: np.ndarray, used: list[int], max_keywords: int
) -> list[list[str]]:
    """c-TF-IDF (Grootendorst 2022): tf per class × log(1 + mean words per class / tf overall)."""
    counter = CountVectorizer(analyzer=_terms)
    counts = _safe_fit(counter, texts)
    if not hasattr(counter, "vocabulary_"):
        return [[] for _ in used]
    membership = sp.csr_matrix(
        (np.ones(len(labels)), ([used.index(c) for c in labels], np.arange(len(labels)))),
        shape=(len(used), len(labels)),
    )
    per_class = np.asarray((membership @ counts).todense(), dtype=float)
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    average_words = per_class.sum() / len(used)
    idf = np.log1p(average_words / np.maximum(per_class.sum(axis=0), 1))
    scores = tf * idf
    vocabulary = counter.get_feature_names_out()
    return [_top_terms(row, vocabulary, max_keywords) for row in scores]


def _terms(text: str) -> list[str]:
    """The words of `text` that may label a component, and pairs of them side by side.

    A pair is only formed from two neighbouring words that both qualify, so no keyword
    joins words that were apart in the text ("support … women") or hides a stop word.
    """
    words = [w if _may_label(w) else None for w in re.findall(_token_pattern(), text.lower())]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(words) if a and b]
    return [w for w in words if w] + pairs


def _may_label(word: str) -> bool:
    """Not a stop word in any of the six languages, and no number or part of one."""
    return word not in _stop_words() and not any(ch.isdigit() for ch in word)


def _top_terms(scores: np.ndarray, vocabulary: np.ndarray, limit: int) -> list[str]:
    """Highest-scoring terms, skipping a word already inside a chosen phrase and vice versa."""
    chosen: list[str] = []
    for index in np.argsort(-scores, kind="stable"):
        if len(chosen) >= limit or scores[index] <= 0:
            break
        term = str(vocabulary[index])
        if not any(_overlaps(term, other) for other in chosen):
            chosen.append(term)
    return chosen


def _overlaps(term: str, other: str) -> bool:
    return bool(set(term.split()) & set(other.split()))


def _short_label(keywords: list[str], fallback: str) -> str:
    """The top three keywords, or the opening words of the most typical member."""
    if keywords:
        return " · ".join(keywords[:3])
    if len(fallback) <= FALLBACK_LABEL:
        return fallback
    return fallback[:FALLBACK_LABEL].rsplit(" ", 1)[0].rstrip(" ,.;:-") + "…"


@cache
def _stop_words() -> frozenset[str]:
    """scikit-learn's English list and the project's lists for every workshop language."""
    return frozenset(ENGLISH_STOP_WORDS).union(*templates.stop_words().values())


@cache
def _token_pattern() -> str:
    """Words of two or more letters/digits *including combining marks*, or one emoji.

    Python's `\\w` omits vowel signs (Unicode category M), which would cut
    Devanagari, Bengali, Gurmukhi and Urdu words apart; emoji (category So)
    are kept as one-character words because participants use them as votes.
    """
    marks, symbols = [], []
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category[0] == "M":
            marks.append(code)
        elif category == "So":
            symbols.append(code)
    return rf"(?u)[\w{_ranges(marks)}]{{2,}}|[{_ranges(symbols)}]"


def _ranges(codes: list[int]) -> str:
    """A regex character-class body covering `codes` as compact ranges."""
    parts: list[str] = []
    start = previous = codes[0]
    for code in [*codes[1:], -1]:
        if code != previous + 1:
            parts.append(
                re.escape(chr(start)) + ("-" + re.escape(chr(previous)) if previous > start else "")
            )
            start = code
        previous = code
    return "".join(parts)


def match_across(
    centroids: np.ndarray,
    sessions: Sequence[int],
    joined: Sequence[int],
    threshold: float = MATCH_THRESHOLD,
) -> list[int]:
    """One group number per component, joining components of different sessions that mean
    the same thing, so a cross-group comparison is not split by the language they used.

    `centroids` are the components' mean member vectors (aligned, then
    `embedding.centred`: translations score 0.64–0.80, unrelated proposals at most
    0.38). `joined` gives components already known to be the same (one number per
    component, such as a shared candidate-component seed). Pairs are joined most
    similar first while their cosine similarity is at least `threshold`, never putting two
    components of one session together: the facilitator kept those apart.
    """
    group = list(joined)
    members = {g: {i for i, h in enumerate(group) if h == g} for g in set(group)}
    unit = normalize(centroids)
    similarity = unit @ unit.T
    pairs = sorted(
        ((similarity[i, j], i, j) for i in range(len(group)) for j in range(i + 1, len(group))),
        key=lambda pair: -pair[0],
    )
    for score, i, j in pairs:
        a, b = group[i], group[j]
        if score < threshold:
            break
        if a == b or {sessions[m] for m in members[a]} & {sessions[m] for m in members[b]}:
            continue
        for m in members.pop(b):
            group[m] = a
            members[a].add(m)
    return group
