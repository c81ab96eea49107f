"""Clustering by meaning across the six workshop languages, beside TF-IDF + k-means.

Run: .venv/bin/python benchmarks/bench_clustering.py [languages] [quality] [speed] [--quick]
(no part named: all three; each records its own figures file when it finishes).

(a) languages: SIB-200 (`../shared/data/sib200`), the same sentences in English, Urdu,
    Bengali, Punjabi, Gujarati and Hindi with 7 topics. `SIB_SAMPLE` sentences (fixed
    seed) are encoded once in all six languages; then English alone, all six
    translations together, and each sentence in one random language are clustered at
    k = 7. NMI (×100) against the topic (higher is better) and against the language
    (lower is better; goal ≤ 10), and the mixed sets' topic NMI as a share of the same
    method's on English alone (goal ≥ 80 %).
(b) quality: ACC (Hungarian matching), NMI and ARI at the true number of classes on the
    six English short-text sets in `../shared/data/short-text`, subsampled to
    `QUALITY_SAMPLE` texts (fixed seed; every method sees the same texts), because
    encoding thousands of texts takes many minutes on a loaded 2-core machine.
(c) speed: a fresh process clusters a session of 500 and of 10,000 proposals
    (`codesign.workshop.components.cluster`, k chosen automatically, a progress bar on
    stderr): cold is the process's whole run, interpreter, imports and model load
    included, with no vector stored; warm is a re-clustering in that process after
    the facilitator moves one proposal (every vector read from the database). Peak
    memory is the process's maximum resident set. Goals: warm 500 < 2 s, cold 500
    ≤ 10 s, cold 10,000 ≤ 120 s, memory ≤ 1 GB.

"baseline" is plain TF-IDF (scikit-learn defaults) + k-means; "tfidf" is the project's
fallback pipeline (word and character TF-IDF, LSA); "multilingual" is the default.
The machine's load average is printed beside each table: on 2 shared cores it moves
every time several-fold.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import docs_figures
import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from codesign.methods import embedding
from codesign.methods.clustering import suggest_components

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SHORT_TEXT = SHARED / "short-text"
SIB = SHARED / "sib200"
VECTORS = Path(tempfile.gettempdir()) / "codesign-bench-vectors"
SETS = {
    "StackOverflow": "stackoverflow_true_text",
    "Biomedical": "biomedical_true_text",
    "SearchSnippets": "search_snippets_true_text",
    "AgNews": "agnewsdataraw-8000",
    "GoogleNews-T": "T",
    "Tweet": "tweet-original-order.txt",
}
SIB_LANGUAGES = ("eng_Latn", "urd_Arab", "ben_Beng", "pan_Guru", "guj_Gujr", "hin_Deva")
SIB_SAMPLE = 200
SIB_TOPICS = 7
QUALITY_SAMPLE = 150
SIZES = (500, 10000)
CHILD_LIMIT = 900
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
FILLER = ["we", "need", "more", "better", "please", "really", "should", "also", "local"]

Method = Callable[[list[str], int, np.ndarray], np.ndarray]
"""Cluster texts (with their raw embedding rows) into k groups: one label per text."""


# --- the methods compared ---------------------------------------------------------------


def baseline(texts: list[str], k: int, _vectors: np.ndarray) -> np.ndarray:
    """Plain TF-IDF (sklearn defaults) + k-means (10 restarts, same seed)."""
    features = TfidfVectorizer().fit_transform(texts)
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(features)


def ours(method: str) -> Method:
    """The project's pipeline with one representation; embeddings are passed in, so every
    method sees texts encoded once and timings compare clustering, not encoding."""

    def run(texts: list[str], k: int, vectors: np.ndarray) -> np.ndarray:
        given = vectors if method == "multilingual" else None
        labels = np.zeros(len(texts), dtype=int)
        found = suggest_components(texts, k=k, method=method, vectors=given)
        for number, component in enumerate(found):
            labels[component.members] = number
        return labels

    return run


METHODS: dict[str, Method] = {
    "baseline": baseline,
    "tfidf": ours("tfidf"),
    "multilingual": ours("multilingual"),
}


def encode(texts: Sequence[str], what: str) -> np.ndarray:
    """Raw embeddings with a progress line on stderr, kept in `VECTORS` between runs.

    Quality does not depend on how long encoding took, and encoding the quality sets
    takes most of an hour on a loaded 2-core machine; (c) never reads this cache.
    """
    key = hashlib.sha256("\0".join([embedding.model_name(), *texts]).encode()).hexdigest()
    kept = VECTORS / f"{key[:24]}.npy"
    if kept.is_file():
        return np.load(kept)
    start = time.perf_counter()
    vectors = embedding.encode(texts, bar(f"encoding {what}"))
    print(f"  encoded {len(texts)} {what} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    VECTORS.mkdir(parents=True, exist_ok=True)
    np.save(kept, vectors)
    return vectors


def bar(label: str) -> embedding.Progress:
    """A one-line text progress bar on stderr."""

    def show(done: int, total: int) -> None:
        filled = 30 * done // max(total, 1)
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r  {label} [{'#' * filled:<30}] {done}/{total}{end}")
        sys.stderr.flush()

    return show


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} cores"


def nmi(truth: Sequence[object], predicted: np.ndarray) -> float:
    return 100 * float(normalized_mutual_info_score(list(truth), predicted))


# --- (a) languages ----------------------------------------------------------------------


def sib_rows(language: str) -> dict[int, tuple[str, str]]:
    """index_id → (topic, text) over the train and dev splits of one language."""
    rows = {}
    for split in ("train", "dev"):
        lines = (SIB / language / f"{split}.tsv").read_text(encoding="utf-8").splitlines()
        for line in lines[1:]:
            index, topic, text = line.split("\t", 2)
            rows[int(index)] = (topic, text)
    return rows


def sib_sets(
    vectors: np.ndarray, texts: list[str], topics: list[str], count: int
) -> dict[str, tuple[np.ndarray, list[str]]]:
    """Rows of `vectors` (laid out language by language) making each set, and their topics.

    English alone; all six translations; each sentence in one random language (seed 0).
    """
    everything = np.arange(len(texts))
    choice = np.random.default_rng(0).integers(len(SIB_LANGUAGES), size=count)
    return {
        "English alone": (everything[:count], topics[:count]),
        "six translations": (everything, topics),
        "one random language": (choice * count + np.arange(count), topics[:count]),
    }


def bench_languages(sample: int) -> list[docs_figures.Row]:
    if not SIB.is_dir():
        print(f"(a) skipped: {SIB} is absent")
        return []
    data = {language: sib_rows(language) for language in SIB_LANGUAGES}
    shared = sorted(set.intersection(*(set(rows) for rows in data.values())))
    chosen = sorted(np.random.default_rng(0).choice(shared, sample, replace=False).tolist())
    texts = [data[language][i][1] for language in SIB_LANGUAGES for i in chosen]
    written = [language for language in SIB_LANGUAGES for _ in chosen]
    topics = [data["eng_Latn"][i][0] for i in chosen] * len(SIB_LANGUAGES)
    vectors = encode(texts, "SIB-200 sentences")
    print(f"(a) SIB-200, {sample} sentences × 6 languages, k = {SIB_TOPICS}; NMI × 100")
    print(f"{'set':<20} {'texts':>5} {'method':<12} {'topic':>6} {'language':>8} {'of En':>6}")
    rows: list[docs_figures.Row] = []
    english: dict[str, float] = {}
    for name, (index, truth) in sib_sets(vectors, texts, topics, sample).items():
        for method, function in METHODS.items():
            predicted = function([texts[i] for i in index], SIB_TOPICS, vectors[index])
            topic = nmi(truth, predicted)
            mixed = name != "English alone"
            english.setdefault(method, topic)
            language = nmi([written[i] for i in index], predicted) if mixed else None
            share = 100 * topic / english[method] if mixed and english[method] else None
            print(
                f"{name:<20} {len(index):>5} {method:<12} {topic:>6.1f} "
                f"{'–' if language is None else f'{language:.1f}':>8} "
                f"{'–' if share is None else f'{share:.0f}%':>6}"
            )
            rows.append(
                {
                    "set": name,
                    "texts": len(index),
                    "method": method,
                    "topic NMI": topic,
                    "language NMI": language,
                    "% of English": share,
                }
            )
    print(load())
    return rows


# --- (b) quality on English short texts ---------------------------------------------------


def load_set(name: str, sample: int) -> tuple[list[str], np.ndarray]:
    """label<TAB>text rows (CRLF and a trailing tab tolerated), sampled to `sample` rows."""
    labels, texts = [], []
    for line in (SHORT_TEXT / name).read_text(encoding="utf-8").splitlines():
        label, _, text = line.strip("\r\t ").partition("\t")
        if label:
            labels.append(int(label))
            texts.append(text.strip())
    chosen = np.arange(len(texts))
    if len(texts) > sample:
        chosen = np.sort(np.random.default_rng(0).choice(len(texts), sample, replace=False))
    return [texts[i] for i in chosen], np.asarray(labels)[chosen]


def accuracy(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Best one-to-one matching of clusters to classes (Hungarian)."""
    classes, truth_ids = np.unique(truth, return_inverse=True)
    clusters, predicted_ids = np.unique(predicted, return_inverse=True)
    table = np.zeros((len(clusters), len(classes)))
    np.add.at(table, (predicted_ids, truth_ids), 1)
    rows, columns = linear_sum_assignment(-table)
    return float(table[rows, columns].sum() / len(truth))


def bench_quality(sample: int) -> list[docs_figures.Row]:
    if not SHORT_TEXT.is_dir():
        print(f"(b) skipped: {SHORT_TEXT} is absent")
        return []
    loaded = {title: load_set(name, sample) for title, name in SETS.items()}
    every = [text for texts, _ in loaded.values() for text in texts]
    vectors = encode(every, "short texts")
    print(f"\n(b) English short texts at the true k, each set subsampled to {sample} (seed 0)")
    print(f"{'set':<15} {'n':>5} {'k':>4} {'method':<12} {'ACC':>6} {'NMI':>6} {'ARI':>6} {'s':>6}")
    rows: list[docs_figures.Row] = []
    offset = 0
    for title, (texts, truth) in loaded.items():
        k = len(np.unique(truth))
        mine = vectors[offset : offset + len(texts)]
        offset += len(texts)
        for method, function in METHODS.items():
            start = time.perf_counter()
            predicted = function(texts, k, mine)
            seconds = time.perf_counter() - start
            acc = accuracy(truth, predicted)
            nmi_, ari = (
                normalized_mutual_info_score(truth, predicted),
                adjusted_rand_score(truth, predicted),
            )
            print(
                f"{title:<15} {len(texts):>5} {k:>4} {method:<12} "
                f"{acc:>6.3f} {nmi_:>6.3f} {ari:>6.3f} {seconds:>6.1f}"
            )
            rows.append(
                {
                    "set": title,
                    "texts": len(texts),
                    "k": k,
                    "method": method,
                    "ACC": acc,
                    "NMI": nmi_,
                    "ARI": ari,
                    "seconds": seconds,
                }
            )
    print("seconds: clustering only (texts encoded once beforehand); " + load())
    return rows


# --- (c) speed ------------------------------------------------------------------------------


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


def session_of(url: str, n: int) -> int:
    """A fresh database holding one session of `n` synthetic proposals; its id.

    Rows are inserted directly: submitting 10,000 one by one would time the store, not
    the clustering.
    """
    from codesign import store
    from codesign.access import ADMIN
    from codesign.people import groups
    from codesign.store import events, migrations
    from codesign.store.models import Contribution
    from codesign.workshop import sessions

    migrations.upgrade(url)
    store.write(groups.seed, url)
    session_id = sessions.create(
        "south-asian-communities", "Clustering benchmark", url=url, actor=ADMIN
    ).id
    rows = [
        Contribution(
            session_id=session_id, text=text, content_hash=events.digest(text, "idea", "en")
        )
        for text in synthetic_proposals(n)
    ]
    store.write(lambda db: db.add_all(rows), url)
    store.dispose(url)
    return session_id


def child(url: str, session_id: int, method: str) -> None:
    """Run in a fresh process: cluster cold, move one proposal, cluster again (warm)."""
    from codesign.access import ADMIN
    from codesign.workshop import components

    cold = components.cluster(
        session_id, actor=ADMIN, method=method, progress=bar("encoding proposals"), url=url
    )
    components.move(cold[0].members[0].id, cold[-1].id, url=url, actor=ADMIN)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    components.cluster(session_id, actor=ADMIN, method=method, url=url)
    warm = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    warm_cpu = usage.ru_utime + usage.ru_stime - cpu
    rss = usage.ru_maxrss / 1024
    print(json.dumps({"warm": warm, "warm cpu": warm_cpu, "rss": rss, "components": len(cold)}))


def timed_child(url: str, session_id: int, method: str) -> tuple[float | None, dict[str, Any]]:
    """Wall seconds of a fresh process clustering the session, and what it reported, with
    its CPU seconds (user + system, all threads): on 2 cores shared by a dozen processes,
    wall time mostly measures the queue, CPU time the work.

    A run past `CHILD_LIMIT` is stopped and reported as not taken (None), so one
    overloaded machine cannot hold the benchmark for hours.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", url, str(session_id), method],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
            timeout=CHILD_LIMIT,
        )
    except subprocess.TimeoutExpired:
        print(f"\n  stopped after {CHILD_LIMIT} s", file=sys.stderr)
        return None, dict.fromkeys(("cold cpu", "warm", "warm cpu", "rss", "components"))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    found = json.loads(done.stdout.splitlines()[-1])
    return time.perf_counter() - start, {"cold cpu": cpu, **found}


def show(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def bench_speed(sizes: Sequence[int]) -> list[docs_figures.Row]:
    print("\n(c) speed: a fresh process clusters a session (k automatic), then re-clusters")
    print(f"   (a run past {CHILD_LIMIT} s is stopped: –)")
    print(
        f"{'n':>6} {'method':<12} {'cold s':>7} {'cold CPU':>8} {'warm s':>7} {'warm CPU':>8} "
        f"{'RSS MiB':>8} {'comps':>6}"
    )
    rows: list[docs_figures.Row] = []
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            for method in ("tfidf", "multilingual"):
                url = f"sqlite:///{folder}/{n}-{method}.sqlite"
                session_id = session_of(url, n)
                cold, found = timed_child(url, session_id, method)
                print(
                    f"{n:>6} {method:<12} {show(cold, '.1f'):>7} "
                    f"{show(found['cold cpu'], '.1f'):>8} {show(found['warm'], '.2f'):>7} "
                    f"{show(found['warm cpu'], '.2f'):>8} "
                    f"{show(found['rss'], '.0f'):>8} {show(found['components'], 'd'):>6}"
                )
                rows.append(
                    {
                        "proposals": n,
                        "method": method,
                        "cold s": cold,
                        "cold CPU s": found["cold cpu"],
                        "warm s": found["warm"],
                        "warm CPU s": found["warm cpu"],
                        "max RSS MiB": found["rss"],
                        "components": found["components"],
                    }
                )
    print(load())
    return rows


def main() -> None:
    """Run the parts named on the command line (all by default); --quick shrinks them."""
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return
    quick = "--quick" in sys.argv
    named = {part for part in sys.argv[1:] if not part.startswith("--")}
    parts = named or {"languages", "quality", "speed"}
    print(load())
    if "languages" in parts and (rows := bench_languages(50 if quick else SIB_SAMPLE)):
        docs_figures.record("clustering_languages", rows)
    if "quality" in parts and (rows := bench_quality(100 if quick else QUALITY_SAMPLE)):
        docs_figures.record("clustering_quality", rows)
    if "speed" in parts:
        docs_figures.record("clustering_speed", bench_speed(SIZES[:1] if quick else SIZES))


if __name__ == "__main__":
    main()
