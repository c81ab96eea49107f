"""Speed, memory and quality of `codesign.methods.clustering` beside plain TF-IDF + k-means.

Run: .venv/bin/python benchmarks/bench_clustering.py [--quick] [--minilm]

(a) time and peak memory for 100, 1,000 and 10,000 synthetic proposals, k given and
    chosen automatically;
(b) ACC (Hungarian matching), NMI and ARI at the true number of classes on every
    labelled set in ../shared/data/short-text (subsampled to a fixed seed when big;
    both methods see the same texts).
"""

from __future__ import annotations

import gc
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

import docs_figures
import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from codesign.methods.clustering import suggest_components

SHORT_TEXT = Path(__file__).resolve().parents[2] / "shared" / "data" / "short-text"
SETS = {
    "StackOverflow": "stackoverflow_true_text",
    "Biomedical": "biomedical_true_text",
    "SearchSnippets": "search_snippets_true_text",
    "AgNews": "agnewsdataraw-8000",
    "GoogleNews-T": "T",
    "Tweet": "tweet-original-order.txt",
}
SAMPLE = 5000
TOPICS = [
    "housing support after leaving an abusive home",
    "faith leaders mosque church temple gurdwara involvement",
    "immigration status no recourse to public funds advice",
    "mental health counselling and therapy for trauma",
    "interpreters in urdu bengali punjabi for group sessions",
    "family work with several relatives who cause harm",
    "risk management and victim survivor safety planning",
    "racism experiences as a minority in services",
]
FILLER = [
    "we",
    "need",
    "more",
    "better",
    "please",
    "really",
    "should",
    "also",
    "local",
    "community",
]


def synthetic_proposals(n: int, seed: int = 0) -> list[str]:
    """Short proposals: a topic's words shuffled, misspelt now and then, plus filler."""
    rng = np.random.default_rng(seed)
    texts = []
    for _ in range(n):
        words = TOPICS[rng.integers(len(TOPICS))].split()
        chosen = list(rng.choice(words, size=min(len(words), 5), replace=False))
        chosen += list(rng.choice(FILLER, size=3))
        if rng.random() < 0.3:
            i = rng.integers(len(chosen))
            chosen[i] = chosen[i][:-1] + chosen[i][-1] * 2
        texts.append(" ".join(chosen))
    return texts


def measure(function: Callable[[], object]) -> tuple[float, float, float]:
    """Seconds (untraced run), tracemalloc peak MiB (second run), process max RSS MiB.

    tracemalloc slows Python allocation several-fold, so time and memory are
    taken from separate runs of the same deterministic call.
    """
    gc.collect()
    start = time.perf_counter()
    function()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return seconds, peak, rss


def bench_speed(sizes: Sequence[int]) -> list[docs_figures.Row]:
    rows: list[docs_figures.Row] = []
    print("(a) speed and memory, synthetic proposals (8 topics)")
    print(f"{'n':>7} {'k':>5} {'seconds':>8} {'peak MiB':>9} {'max RSS MiB':>12}")
    suggest_components(synthetic_proposals(50), k=3)  # warm imports and the token pattern
    for n in sizes:
        texts = synthetic_proposals(n)
        for k in (8, None):
            seconds, peak, rss = measure(partial(suggest_components, texts, k=k))
            print(f"{n:>7} {k or 'auto':>5} {seconds:>8.2f} {peak:>9.0f} {rss:>12.0f}")
            rows.append(
                {
                    "proposals": n,
                    "k": k or "auto",
                    "seconds": seconds,
                    "peak MiB": peak,
                    "max RSS MiB": rss,
                }
            )
    return rows


def load_set(name: str) -> tuple[list[str], np.ndarray]:
    """label<TAB>text rows (CRLF and a trailing tab tolerated), sampled to SAMPLE rows."""
    labels, texts = [], []
    for line in (SHORT_TEXT / name).read_text(encoding="utf-8").splitlines():
        label, _, text = line.strip("\r\t ").partition("\t")
        if label:
            labels.append(int(label))
            texts.append(text.strip())
    chosen = np.arange(len(texts))
    if len(texts) > SAMPLE:
        chosen = np.sort(np.random.default_rng(0).choice(len(texts), SAMPLE, replace=False))
    return [texts[i] for i in chosen], np.asarray(labels)[chosen]


def accuracy(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Best one-to-one matching of clusters to classes (Hungarian)."""
    classes, truth_ids = np.unique(truth, return_inverse=True)
    clusters, predicted_ids = np.unique(predicted, return_inverse=True)
    table = np.zeros((len(clusters), len(classes)))
    np.add.at(table, (predicted_ids, truth_ids), 1)
    rows, columns = linear_sum_assignment(-table)
    return float(table[rows, columns].sum() / len(truth))


def ours(texts: list[str], k: int, method: str = "tfidf") -> np.ndarray:
    labels = np.zeros(len(texts), dtype=int)
    for number, component in enumerate(suggest_components(texts, k=k, method=method)):
        labels[component.members] = number
    return labels


def baseline(texts: list[str], k: int) -> np.ndarray:
    """Plain TF-IDF (sklearn defaults) + k-means (10 restarts, same seed)."""
    features = TfidfVectorizer().fit_transform(texts)
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(features)


def scores(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    return (
        accuracy(truth, predicted),
        normalized_mutual_info_score(truth, predicted),
        adjusted_rand_score(truth, predicted),
    )


def minilm(texts: list[str], k: int) -> np.ndarray:
    return ours(texts, k, method="multilingual")


def bench_quality(
    methods: Mapping[str, Callable[[list[str], int], np.ndarray]],
) -> list[docs_figures.Row]:
    rows: list[docs_figures.Row] = []
    if not SHORT_TEXT.is_dir():
        print(f"(b) skipped: {SHORT_TEXT} is absent")
        return rows
    print(f"\n(b) quality at the true k (sets over {SAMPLE} rows sampled with seed 0)")
    print(f"{'set':<15} {'n':>5} {'k':>4} {'method':<9} {'ACC':>6} {'NMI':>6} {'ARI':>6} {'s':>6}")
    for title, name in SETS.items():
        texts, truth = load_set(name)
        k = len(np.unique(truth))
        for method, function in methods.items():
            start = time.perf_counter()
            predicted = function(texts, k)
            seconds = time.perf_counter() - start
            acc, nmi, ari = scores(truth, predicted)
            print(
                f"{title:<15} {len(texts):>5} {k:>4} {method:<9} "
                f"{acc:>6.3f} {nmi:>6.3f} {ari:>6.3f} {seconds:>6.1f}"
            )
            rows.append(
                {
                    "set": title,
                    "texts": len(texts),
                    "k": k,
                    "method": method,
                    "ACC": acc,
                    "NMI": nmi,
                    "ARI": ari,
                    "seconds": seconds,
                }
            )
    return rows


def main() -> None:
    """--quick: skip 10,000; --minilm: add the MiniLM embedding (needs the extra, ~6 min)."""
    speed = bench_speed((100, 1000) if "--quick" in sys.argv else (100, 1000, 10000))
    methods = {"baseline": baseline, "ours": ours}
    if "--minilm" in sys.argv:
        methods["minilm"] = minilm
    quality = bench_quality(methods)
    docs_figures.record("clustering_speed", speed)
    if quality:
        docs_figures.record("clustering_quality", quality)


if __name__ == "__main__":
    main()
