"""Opinion groups against Pol.is's own group per voter, on the shared conversations.

Run: .venv/bin/python benchmarks/bench_opinion_groups.py

ARI between `codesign.methods.opinion_groups` and participants-votes.csv `group-id`, over
the voters Pol.is grouped, beside a plain baseline in the same process: PCA(2) of
the mean-imputed matrix + k-means with k = 2 (the number Pol.is chose).
Moderated-out statements are dropped first, as Pol.is leaves them out.
"""

from __future__ import annotations

import time
from pathlib import Path

import docs_figures
import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score

from codesign.intake import polis
from codesign.methods.opinion_groups import opinion_map, vote_matrix

POLIS = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"


def votes_of(directory: Path) -> list[tuple[str, str, int]]:
    export = polis.read_export(directory)
    kept = {c.ref for c in export.comments if c.moderated != -1}
    return [
        (str(v.voter_ref), str(v.comment_ref), v.value)
        for v in export.votes
        if v.comment_ref in kept
    ]


def baseline(votes: list[tuple[str, str, int]]) -> dict[str, int]:
    matrix = vote_matrix(votes)
    filled = np.where(np.isnan(matrix.values), np.nanmean(matrix.values, axis=0), matrix.values)
    points = PCA(2, random_state=0).fit_transform(filled)
    labels = KMeans(2, n_init=10, random_state=0).fit_predict(points)
    return dict(zip(matrix.participants, labels.tolist(), strict=True))


def ari(truth: dict[int, int | None], predicted: dict[str, int]) -> tuple[float, int]:
    """ARI over voters Pol.is grouped (a voter we left out counts as its own group -1)."""
    grouped = [p for p, g in truth.items() if g is not None]
    return (
        adjusted_rand_score(
            [truth[p] for p in grouped], [predicted.get(str(p), -1) for p in grouped]
        ),
        len(grouped),
    )


def main() -> None:
    if not POLIS.is_dir():
        print(f"skipped: {POLIS} is absent")
        return
    print(f"{'conversation':<30} {'grouped':>7} {'method':<10} {'k':>2} {'ARI':>6} {'s':>5}")
    rows: list[docs_figures.Row] = []
    for directory in sorted(POLIS.iterdir()):
        truth = polis.read_participant_groups(directory / "participants-votes.csv")
        votes = votes_of(directory)
        start = time.perf_counter()
        result = opinion_map(votes)
        seconds = time.perf_counter() - start
        ours = {p: g for g, members in enumerate(result.groups) for p in members}
        base = baseline(votes)
        for method, predicted, k in (
            ("baseline", base, 2),
            ("ours", ours, len(result.groups)),
        ):
            score, n = ari(truth, predicted)
            shown = seconds if method == "ours" else float("nan")
            print(f"{directory.name:<30} {n:>7} {method:<10} {k:>2} {score:>6.3f} {shown:>5.2f}")
            rows.append(
                {
                    "conversation": directory.name,
                    "grouped voters": n,
                    "method": method,
                    "k": k,
                    "ARI": score,
                    "seconds": shown,
                }
            )
    docs_figures.record("opinion_groups", rows)


if __name__ == "__main__":
    main()
