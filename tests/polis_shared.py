"""The two real Pol.is conversations in ../shared, read the same way by tests and benchmarks.

They are never copied into the project: a test that needs them skips with a message
when ../shared is absent, and the benchmarks say so and stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score

from codesign.intake import polis
from codesign.methods.opinion_groups import Vote, vote_matrix

POLIS = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"
CONVERSATIONS = ("canadian-electoral-reform", "scoop-hivemind-biodiversity")


@dataclass(frozen=True)
class Conversation:
    name: str
    folder: Path
    votes: list[Vote]  # latest vote per voter and statement, in the order cast
    moderated_out: set[str]
    truth: dict[str, int]  # Pol.is's own opinion group of every voter it grouped


def conversation(name: str) -> Conversation:
    folder = POLIS / name
    export = polis.read_export(folder)
    groups = polis.read_participant_groups(folder / "participants-votes.csv")
    return Conversation(
        name,
        folder,
        [(str(v.voter_ref), str(v.comment_ref), v.value) for v in export.votes],
        {str(c.ref) for c in export.comments if c.moderated == -1},
        {str(p): g for p, g in groups.items() if g is not None},
    )


def baseline(votes: list[Vote], moderated_out: set[str]) -> dict[str, int]:
    """The plain method the issue measured against: moderated-out statements dropped,
    PCA(2) of the mean-imputed matrix of every voter, k-means with Pol.is's k = 2."""
    matrix = vote_matrix([v for v in votes if v[1] not in moderated_out])
    filled = np.where(np.isnan(matrix.values), np.nanmean(matrix.values, axis=0), matrix.values)
    points = PCA(2, random_state=0).fit_transform(filled)
    labels = KMeans(2, n_init=10, random_state=0).fit_predict(points)
    return dict(zip(matrix.participants, labels.tolist(), strict=True))


def ari(truth: dict[str, int], predicted: dict[str, int]) -> float:
    """ARI over the voters Pol.is grouped; one we left out counts as a group of its own."""
    voters = sorted(truth)
    return float(
        adjusted_rand_score([truth[p] for p in voters], [predicted.get(p, -1) for p in voters])
    )


def labels_of(groups: list[list[str]]) -> dict[str, int]:
    return {p: n for n, members in enumerate(groups) for p in members}
