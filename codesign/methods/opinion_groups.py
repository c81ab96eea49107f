"""Pol.is-style opinion groups: who votes alike, found without any declared group.

Follows Pol.is's math (math/src/polismath/math/conversation.clj, pca.clj,
clusters.clj), simplified where Pol.is's choices serve a live, growing
conversation rather than a finished one:

1. participant × statement matrix, agree 1, disagree -1, pass 0, unvoted
   missing; missing cells take the statement's mean vote for the PCA;
2. PCA to two components over every participant;
3. each participant projected onto them. Pol.is also scales a sparse voter's
   projection by sqrt(statements / votes cast); measured on two public
   conversations that lowers the agreement with Pol.is's own published groups
   (ARI 0.922 → 0.838 and 0.833 → 0.733), so it is left out;
4. only participants with at least min(7, statements) votes are clustered; when
   fewer than 15 qualify, the most active voters are added up to 15 (Pol.is's rule);
5. k-means for k = 2..min(5, 2 + n/12), keeping the k with the best silhouette.

Pol.is first k-means into 100 "base clusters" and groups those, and smooths k
over time; with at most a few hundred people and one final computation,
clustering participants directly matched Pol.is's groups as well or better
(benchmarks/bench_opinion_groups.py). Statements moderated out should be
dropped from the votes first: Pol.is zeroes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from codesign.methods.agreement import latest_votes

MIN_VOTES = 7
GREEDY_PARTICIPANTS = 15
MAX_GROUPS = 5
RANDOM_STATE = 0


@dataclass(frozen=True)
class OpinionMap:
    """Groups (largest first), every voter's 2-D position, and who was left out."""

    groups: list[list[str]]
    positions: dict[str, tuple[float, float]]
    unclustered: list[str]
    silhouette: float | None


@dataclass(frozen=True)
class VoteMatrix:
    participants: list[str]
    statements: list[str]
    values: np.ndarray  # NaN where a participant did not vote


def opinion_groups(votes: Iterable[tuple[str, str, int]]) -> list[list[str]]:
    """Lists of participant keys, one per opinion group, largest first."""
    return opinion_map(votes).groups


def opinion_map(
    votes: Iterable[tuple[str, str, int]], min_votes: int = MIN_VOTES, max_groups: int = MAX_GROUPS
) -> OpinionMap:
    """Opinion groups plus the projection for plotting."""
    matrix = vote_matrix(votes)
    if not matrix.participants:
        return OpinionMap([], {}, [], None)
    points = project(matrix.values)
    chosen = _in_conversation(matrix.values, min_votes)
    labels, silhouette = _group(points[chosen], max_groups)
    members = [matrix.participants[i] for i in chosen]
    groups = [
        sorted(m for m, label in zip(members, labels, strict=True) if label == g)
        for g in set(labels)
    ]
    groups.sort(key=lambda g: (-len(g), g))
    return OpinionMap(
        groups=groups,
        positions={
            p: (float(x), float(y)) for p, (x, y) in zip(matrix.participants, points, strict=True)
        },
        unclustered=sorted(set(matrix.participants) - set(members)),
        silhouette=silhouette,
    )


def as_mapping(groups: list[list[str]]) -> dict[str, str]:
    """participant → "opinion group N" (1-based), for `agreement.statement_stats`."""
    return {p: f"opinion group {n}" for n, members in enumerate(groups, 1) for p in members}


def vote_matrix(votes: Iterable[tuple[str, str, int]]) -> VoteMatrix:
    """Latest votes as a dense matrix, rows and columns in sorted key order."""
    latest = latest_votes(votes)
    participants = sorted({p for p, _ in latest})
    statements = sorted({s for _, s in latest})
    row = {p: i for i, p in enumerate(participants)}
    column = {s: j for j, s in enumerate(statements)}
    values = np.full((len(participants), len(statements)), np.nan)
    for (participant, statement), value in latest.items():
        values[row[participant], column[statement]] = value
    return VoteMatrix(participants, statements, values)


def project(values: np.ndarray) -> np.ndarray:
    """Positions on the first two principal components of the mean-imputed matrix."""
    center = np.nanmean(values, axis=0)  # every column has a vote: built from votes
    centred = np.where(np.isnan(values), 0.0, values - center)
    return centred @ _principal_components(centred, 2).T


def _principal_components(centred: np.ndarray, count: int) -> np.ndarray:
    """Top right-singular vectors (rows), padded with zeros, signs made deterministic."""
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    components = np.zeros((count, centred.shape[1]))
    components[: min(count, len(vt))] = vt[:count]
    signs = np.sign(components[np.arange(count), np.abs(components).argmax(axis=1)])
    return components * np.where(signs == 0, 1, signs)[:, None]


def _in_conversation(values: np.ndarray, min_votes: int) -> np.ndarray:
    """Rows with enough votes, topped up with the most active voters to 15."""
    counts = (~np.isnan(values)).sum(axis=1)
    enough = counts >= min(min_votes, values.shape[1])
    chosen = set(np.flatnonzero(enough).tolist())
    if len(chosen) < GREEDY_PARTICIPANTS:
        by_activity = np.argsort(-counts, kind="stable")
        for row in by_activity:
            if len(chosen) >= GREEDY_PARTICIPANTS:
                break
            chosen.add(int(row))
    return np.array(sorted(chosen), dtype=int)


def _group(points: np.ndarray, max_groups: int) -> tuple[list[int], float | None]:
    """k-means labels for the best-silhouette k, or one group when k-means has no choice."""
    distinct = len(np.unique(points.round(9), axis=0))
    top = min(max_groups, 2 + len(points) // 12, distinct - 1)
    best: tuple[float, list[int]] | None = None
    for k in range(2, top + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=RANDOM_STATE).fit_predict(points)
        score = float(silhouette_score(points, labels))
        if best is None or score > best[0]:
            best = (score, labels.tolist())
    if best is None:
        return [0] * len(points), None
    return best[1], best[0]
