"""Weighted k-means and the silhouette score, small enough to read in one sitting.

Pol.is clusters twice (compdemocracy/polis math/src/polismath/math/clusters.clj): people
into about a hundred "base clusters", then those base clusters, weighted by how many
people each holds, into two to five opinion groups. scikit-learn's `KMeans` would do
the arithmetic, but not Pol.is's choices, which matter for matching its groups:

- Lloyd iterations that stop once no centre moves by 0.01 or more, or after 100 rounds;
- a centre that loses all its members is dropped rather than re-seeded;
- the silhouette of a member alone in its cluster is 0.

Everything here is deterministic: the same points and weights give the same clusters,
so a facilitator sees the same groups each time they look.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_ITERATIONS = 100
TOLERANCE = 0.01


@dataclass(frozen=True)
class Clusters:
    """Each point's cluster (0-based, every cluster non-empty) and the cluster centres."""

    labels: np.ndarray
    centres: np.ndarray


def kmeans(points: np.ndarray, start: np.ndarray, weights: np.ndarray | None = None) -> Clusters:
    """Lloyd's k-means from the centres `start`, weighting each point's pull on its centre."""
    pull = np.ones(len(points)) if weights is None else weights
    centres = start
    for _ in range(MAX_ITERATIONS):
        labels = _nearest(points, centres)
        moved = _centres(points, labels, pull, len(centres))
        settled = len(moved) == len(centres) and _shifts(moved, centres) < TOLERANCE
        centres = moved
        if settled:
            break
    used, labels = np.unique(_nearest(points, centres), return_inverse=True)
    return Clusters(labels, centres[used])


def first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """The first `k` distinct points in row order: Pol.is's start for its base clusters."""
    _, first = np.unique(points.round(12), axis=0, return_index=True)
    return points[np.sort(first)[:k]]


def best_of(points: np.ndarray, weights: np.ndarray, k: int, tries: int = 5) -> Clusters:
    """The lowest weighted within-cluster spread over `tries` seeded k-means++ starts.

    Pol.is starts each update from the previous update's groups; computing once, from
    nothing, a few spread-out starts stand in for that history. The seed is fixed, so
    the answer never changes between runs.
    """
    rng = np.random.default_rng(0)
    best: tuple[float, Clusters] | None = None
    for _ in range(tries):
        found = kmeans(points, _plus_plus(points, weights, k, rng), weights)
        spread = float((weights * ((points - found.centres[found.labels]) ** 2).sum(1)).sum())
        if best is None or spread < best[0] - 1e-12:
            best = (spread, found)
    assert best is not None
    return best[1]


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over points; a point alone in its cluster scores 0, as in Pol.is."""
    distances = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=-1)
    members = np.eye(labels.max() + 1)[labels]  # one-hot: point × cluster
    sizes = members.sum(0)
    totals = distances @ members  # summed distance from each point to each cluster
    own = labels
    alone = sizes[own] == 1
    inside = totals[np.arange(len(points)), own] / np.maximum(sizes[own] - 1, 1)
    outside = np.where(members.astype(bool), np.inf, totals / sizes)
    nearest = outside.min(1)
    score = (nearest - inside) / np.maximum(np.maximum(nearest, inside), 1e-300)
    return float(np.where(alone, 0.0, score).mean())


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Each point's nearest centre. Summed a coordinate at a time: the points are 2-D, and
    a points × centres × 2 array costs several times more in the replay's 2,000 calls."""
    squared = (points[:, :1] - centres[:, 0]) ** 2
    for d in range(1, points.shape[1]):
        squared += (points[:, d : d + 1] - centres[:, d]) ** 2
    return squared.argmin(1)


def _centres(points: np.ndarray, labels: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Weighted mean of each of the `k` clusters that kept members (empty ones vanish)."""
    mass = np.bincount(labels, weights, k)
    sums = np.stack([np.bincount(labels, weights * column, k) for column in points.T], 1)
    kept = mass > 0
    return sums[kept] / mass[kept, None]


def _shifts(new: np.ndarray, old: np.ndarray) -> float:
    return float(np.linalg.norm(new - old, axis=1).max())


def _plus_plus(
    points: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator
) -> np.ndarray:
    """k-means++ starts: each new centre drawn in proportion to weight × squared distance."""
    chosen = [int(rng.choice(len(points), p=weights / weights.sum()))]
    gap = ((points - points[chosen[0]]) ** 2).sum(1)
    while len(chosen) < k and (weights * gap).sum() > 0:
        odds = weights * gap
        chosen.append(int(rng.choice(len(points), p=odds / odds.sum())))
        gap = np.minimum(gap, ((points - points[chosen[-1]]) ** 2).sum(1))
    return points[chosen]
